// Models the kmem_cache allocators eventpoll uses (epi_cache, pwq_cache, and the kzalloc'd
// struct eventpoll): fixed-size object caches carved from linear memory in chunks, with
// generation-checked handles so a stale or forged handle from the host is detected and
// rejected instead of being dereferenced.
//
// Handle (what crosses the ABI), always a positive i32, 0 = none:
//
//   31   30 ........ 23  22 ..................... 0
//   [0]  [ generation ]  [ slot index (1-based)   ]
//
// Every object begins with a header word equal to (LIVE | handle) while it is allocated.
// kmem_cache_free() clears LIVE and bumps the generation, so every handle issued before
// the free stops matching. (A slot's generation wraps after 255 reuses; a handle kept
// across that many reuses of the same slot would alias: documented, not hidden.)
//
// Memory is obtained with memory.grow under a byte budget (maxMemoryBytes); running out
// returns 0 from kmem_cache_alloc, which the callers turn into -ENOMEM with no state lost.

import { GEN_SHIFT, SLOT_MASK } from "../src/abi";

export const SLAB_LIVE: u32 = 0x80000000;
const INDEX_BITS: u32 = <u32>GEN_SHIFT;
const INDEX_MASK: u32 = <u32>SLOT_MASK;
const GEN_MASK: u32 = 0xff;
const CHUNK_SHIFT: u32 = 10; // 1024 objects per chunk
const CHUNK_OBJS: u32 = 1 << CHUNK_SHIFT;
const MAX_CHUNKS: u32 = (1 << INDEX_BITS) >> CHUNK_SHIFT;

// ---- page allocator -----------------------------------------------------------------

let brk: usize = 0; // first unused byte above every allocation
let memoryLimit: usize = <usize>0xffff0000; // bytes of linear memory the core may use

/** Set the cap on linear memory (bytes). Returns 0, or -1 if already above it. */
export function set_memory_limit(bytes: usize): i32 {
  memoryLimit = bytes;
  return (<usize>memory.size() << 16) > bytes ? -1 : 0;
}

export function memory_bytes(): usize {
  return <usize>memory.size() << 16;
}

/** Bump-allocate `size` bytes (16-byte aligned), growing memory within the budget; 0 on failure. */
export function alloc_bytes(size: usize): usize {
  if (brk == 0) brk = (__heap_base + 15) & ~15;
  const start = brk;
  const end = (start + size + 15) & ~15;
  if (end < start) return 0;
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (have + (<usize>pages << 16) > memoryLimit) return 0;
    if (memory.grow(pages) < 0) return 0;
  }
  brk = end;
  return start;
}

/** Give back the most recent allocation if it ends at brk (used by the growable scratch buffer). */
export function free_top(ptr: usize, size: usize): void {
  if (((ptr + size + 15) & ~15) == brk) brk = ptr;
}

// ---- power-of-two blocks ------------------------------------------------------------

/**
 * Free blocks of 2^k bytes: a table of 32 list heads, by k (a free block's first word links
 * the next), allocated on first use. The hash index's bucket tables live here.
 */
let pow2_free: usize = 0;

/** A zeroed block of 2^k bytes (k >= 2), reused from a freed one when there is one; 0 when memory runs out. */
export function alloc_pow2(k: u32): usize {
  if (pow2_free == 0 && (pow2_free = alloc_bytes(32 << 2)) == 0) return 0;
  const head = pow2_free + (<usize>k << 2);
  let p = load<usize>(head);
  if (p != 0) store<usize>(head, load<usize>(p));
  else p = alloc_bytes(<usize>1 << k);
  if (p != 0) memory.fill(p, 0, <usize>1 << k);
  return p;
}

/** Gives back a block of alloc_pow2(k). */
export function free_pow2(p: usize, k: u32): void {
  const head = pow2_free + (<usize>k << 2);
  store<usize>(p, load<usize>(head));
  store<usize>(head, p);
}

// ---- object caches ------------------------------------------------------------------

@unmanaged
export class KmemCache {
  objsize: u32 = 0;
  top: u32 = 0; // highest slot index ever handed out
  free: u32 = 0; // head of the free-slot list (slot index), 0 = empty
  live: u32 = 0; // objects currently allocated
  chunks: usize = 0; // address of the chunk address table (capacity `chunkcap`)
  nchunks: u32 = 0;
  chunkcap: u32 = 0;
}

export function kmem_cache_create(objsize: u32): KmemCache {
  const c = changetype<KmemCache>(alloc_bytes(offsetof<KmemCache>()));
  assert(changetype<usize>(c) != 0, "no memory for a cache descriptor");
  c.objsize = (objsize + 3) & ~3;
  c.top = 0;
  c.free = 0;
  c.live = 0;
  c.chunks = 0;
  c.nchunks = 0;
  c.chunkcap = 0;
  return c;
}

// @ts-ignore: decorator
@inline export function slot_addr(c: KmemCache, index: u32): usize {
  return load<usize>(c.chunks + ((<usize>(index >> CHUNK_SHIFT)) << 2)) + <usize>(index & (CHUNK_OBJS - 1)) * c.objsize;
}

/** Objects handed out by every cache since the core started (the event path must not move it). */
export let slab_allocs: u32 = 0;

/**
 * How many of the next kmem_cache_alloc calls fail, as Linux's failslab fault injection makes
 * them: the testing toolkit's ENOMEM fault. Each caller already turns 0 into -ENOMEM with
 * nothing changed (the same path as running out of the memory budget).
 */
let failslab: u32 = 0;
/** Allocations that still succeed before the failing ones start. */
let failslab_skip: u32 = 0;

/**
 * Make `n` object allocations fail (0 ends it), after `skip` more succeed; returns how many
 * failures were still due.
 */
export function set_failslab(n: u32, skip: u32): u32 {
  const left = failslab;
  failslab = n;
  failslab_skip = skip;
  return left;
}

/** Allocate a zeroed object; returns its address (header set to LIVE|handle) or 0 (ENOMEM). */
export function kmem_cache_alloc(c: KmemCache): usize {
  if (failslab != 0) {
    if (failslab_skip != 0) failslab_skip--;
    else {
      failslab--;
      return 0;
    }
  }
  slab_allocs++;
  let index = c.free;
  let p: usize;
  if (index != 0) {
    p = slot_addr(c, index);
    c.free = load<u32>(p, 4);
  } else {
    index = c.top + 1;
    if (index > INDEX_MASK) return 0;
    const chunk = index >> CHUNK_SHIFT;
    if (chunk >= c.nchunks) {
      if (chunk >= c.chunkcap) {
        // Grow the chunk table geometrically (the old table is not reused: its bytes are
        // bounded by the new one's, and a cache never shrinks).
        const cap = min<u32>(MAX_CHUNKS, c.chunkcap == 0 ? 4 : c.chunkcap * 2);
        const table = alloc_bytes(<usize>cap << 2);
        if (table == 0) return 0;
        if (c.chunks != 0) memory.copy(table, c.chunks, <usize>c.nchunks << 2);
        c.chunks = table;
        c.chunkcap = cap;
      }
      const mem = alloc_bytes(<usize>CHUNK_OBJS * c.objsize);
      if (mem == 0) return 0;
      store<usize>(c.chunks + (<usize>chunk << 2), mem);
      c.nchunks = chunk + 1;
    }
    c.top = index;
    p = slot_addr(c, index);
    store<u32>(p, 1 << INDEX_BITS); // generation 1, not live yet
  }
  const gen = (load<u32>(p) >> INDEX_BITS) & GEN_MASK;
  memory.fill(p + 4, 0, c.objsize - 4);
  store<u32>(p, SLAB_LIVE | (gen << INDEX_BITS) | index);
  c.live++;
  return p;
}

export function kmem_cache_free(c: KmemCache, p: usize): void {
  const hdr = load<u32>(p);
  assert(hdr & SLAB_LIVE, "kmem_cache_free of a free object");
  const index = hdr & INDEX_MASK;
  let gen = ((hdr >> INDEX_BITS) + 1) & GEN_MASK;
  if (gen == 0) gen = 1;
  store<u32>(p, (gen << INDEX_BITS) | index);
  store<u32>(p, c.free, 4);
  c.free = index;
  c.live--;
}

/** The handle of a live object. */
// @ts-ignore: decorator
@inline export function handle_of(p: usize): i32 {
  return <i32>(load<u32>(p) & ~SLAB_LIVE);
}

/** Resolve a handle from the host: the object's address, or 0 if out of range, stale or free. */
export function from_handle(c: KmemCache, h: i32): usize {
  if (h <= 0) return 0;
  const index = <u32>h & INDEX_MASK;
  if (index == 0 || index > c.top) return 0;
  const p = slot_addr(c, index);
  return load<u32>(p) == (SLAB_LIVE | <u32>h) ? p : 0;
}

/** Address of slot `index` if it holds a live object, else 0 (for debug walks). */
export function live_slot(c: KmemCache, index: u32): usize {
  if (index == 0 || index > c.top) return 0;
  const p = slot_addr(c, index);
  return (load<u32>(p) & SLAB_LIVE) != 0 ? p : 0;
}
