// The interest set's index: the red-black tree Linux has used since 2.6 (keyed by file, then
// fd), or, as an option of the kernel (createKernel({ index: "hash" })), the hash table of the
// 2002 patch: buckets of items chosen by the fd's low bits, 128 to start with, doubled when
// there are more than two items a bucket on average, up to 2^18 buckets; a new item goes
// to the front of its bucket. A bucket table that cannot grow (no memory) stays as it is,
// as in the patch: growing is an optimisation, never a failure.
//
// Both keep the same items under the same key, so every call behaves the same; only the
// order in which a set's items are walked differs (fdinfo and kernel.inspect sort them
// back into tree order on the host).
//
// Hash mode reuses the fields the tree would use: EventPoll's rbr_node holds the bucket
// table's address and rbr_leftmost its number of bits; an item's rb_right is the next item in
// its bucket and rb_left the address of the link that points to it (hlist's pprev), so an item
// leaves its bucket in O(1). Invariant (checked by the debug core): every item of a set is in
// bucket (fd & mask) of its set, exactly once, and its pprev points at the link that holds it.
import { rb_first, rb_next, rb_erase_cached, rb_link_node, rb_insert_color_cached } from "./rbtree";
import { alloc_pow2, free_pow2 } from "./slab";
import { EP, EPI, EventPoll, EpItem, rbr_of, rbn_of, epi_of_rbn } from "./eventpoll";

export const INITIAL_HASH_BITS: u32 = 7;
export const MAX_HASH_BITS: u32 = 18;
const RESIZE_LENGTH: u32 = 2;

/** The hash index is in use (set once, before any set exists). */
export let index_hash = false;
export function set_index_hash(on: bool): void {
  index_hash = on;
}

// @ts-ignore: decorator
@inline function buckets(ep: usize): usize { return EP(ep).rbr_node; }
// @ts-ignore: decorator
@inline function hbits(ep: usize): u32 { return <u32>EP(ep).rbr_leftmost; }
// @ts-ignore: decorator
@inline function bucket_of(ep: usize, fd: i32): usize { return buckets(ep) + ((<usize>fd & ((<usize>1 << hbits(ep)) - 1)) << 2); }
// @ts-ignore: decorator
@inline function hnext_of(epi: usize): usize { return epi + offsetof<EpItem>("rb_right"); }

/** A new set's index: nothing for the tree; the first bucket table for the hash. false: ENOMEM. */
export function ep_index_init(ep: usize): bool {
  if (!index_hash) return true;
  const t = alloc_pow2(INITIAL_HASH_BITS + 2);
  if (t == 0) return false;
  EP(ep).rbr_node = t;
  EP(ep).rbr_leftmost = INITIAL_HASH_BITS;
  return true;
}

/** The set is being freed (it holds no item any more). */
export function ep_index_free(ep: usize): void {
  if (index_hash && buckets(ep) != 0) free_pow2(buckets(ep), hbits(ep) + 2);
  EP(ep).rbr_node = 0;
  EP(ep).rbr_leftmost = 0;
}

/** ep_cmp_ffd(): order by file, then fd. */
// @ts-ignore: decorator
@inline function ep_cmp_ffd(f1: u32, fd1: i32, f2: u32, fd2: i32): i32 {
  return f1 > f2 ? 1 : f1 < f2 ? -1 : fd1 - fd2;
}

/** ep_find(): the item for (file, fd), or 0. */
export function ep_index_find(ep: usize, file: u32, fd: i32): usize {
  if (index_hash) {
    for (let epi = load<usize>(bucket_of(ep, fd)); epi != 0; epi = EPI(epi).rb_right) {
      if (EPI(epi).fd == fd && EPI(epi).file == file) return epi;
    }
    return 0;
  }
  let n = EP(ep).rbr_node;
  while (n != 0) {
    const epi = epi_of_rbn(n);
    const k = ep_cmp_ffd(file, fd, EPI(epi).file, EPI(epi).fd);
    if (k > 0) n = load<usize>(n, 4); // rb_right
    else if (k < 0) n = load<usize>(n, 8); // rb_left
    else return epi;
  }
  return 0;
}

/** Puts `link`'s chain's head `epi` in front (hlist_add_head). */
function hlist_add_head(epi: usize, link: usize): void {
  const first = load<usize>(link);
  EPI(epi).rb_right = first;
  if (first != 0) EPI(first).rb_left = hnext_of(epi);
  store<usize>(link, epi);
  EPI(epi).rb_left = link;
}

/** Inserts a new item (not in the index yet); the set's nitems already counts it. */
export function ep_index_insert(ep: usize, epi: usize): void {
  if (index_hash) {
    hlist_add_head(epi, bucket_of(ep, EPI(epi).fd));
    if ((EP(ep).nitems >> hbits(ep)) > RESIZE_LENGTH && hbits(ep) < MAX_HASH_BITS) ep_hash_resize(ep);
    return;
  }
  let link = ep + offsetof<EventPoll>("rbr_node");
  let parent: usize = 0;
  let leftmost = true;
  while (load<usize>(link) != 0) {
    parent = load<usize>(link);
    const epic = epi_of_rbn(parent);
    const k = ep_cmp_ffd(EPI(epi).file, EPI(epi).fd, EPI(epic).file, EPI(epic).fd);
    if (k > 0) {
      link = parent + 4;
      leftmost = false;
    } else {
      link = parent + 8;
    }
  }
  rb_link_node(rbn_of(epi), parent, link);
  rb_insert_color_cached(rbn_of(epi), rbr_of(ep), leftmost);
}

/** Twice the buckets, every item moved over; nothing changes when there is no memory. */
function ep_hash_resize(ep: usize): void {
  const bits = hbits(ep) + 1;
  const t = alloc_pow2(bits + 2);
  if (t == 0) return;
  const old = buckets(ep);
  const oldbits = hbits(ep);
  EP(ep).rbr_node = t;
  EP(ep).rbr_leftmost = bits;
  const n: usize = <usize>1 << oldbits;
  for (let i: usize = 0; i < n; i++) {
    let epi = load<usize>(old + (i << 2));
    while (epi != 0) {
      const next = EPI(epi).rb_right;
      hlist_add_head(epi, bucket_of(ep, EPI(epi).fd));
      epi = next;
    }
  }
  free_pow2(old, oldbits + 2);
}

/** Takes an item out of the index. */
export function ep_index_erase(ep: usize, epi: usize): void {
  if (index_hash) {
    const next = EPI(epi).rb_right;
    store<usize>(EPI(epi).rb_left, next);
    if (next != 0) EPI(next).rb_left = EPI(epi).rb_left;
    EPI(epi).rb_right = 0;
    EPI(epi).rb_left = 0;
    return;
  }
  rb_erase_cached(rbn_of(epi), rbr_of(ep));
}

/** The first item of a walk over the set (tree order, or bucket order for the hash), or 0. */
export function ep_index_first(ep: usize): usize {
  if (index_hash) return first_from(ep, 0);
  const n = rb_first(rbr_of(ep));
  return n == 0 ? 0 : epi_of_rbn(n);
}

/** The item after `epi` in that walk, or 0. */
export function ep_index_next(ep: usize, epi: usize): usize {
  if (index_hash) {
    const next = EPI(epi).rb_right;
    if (next != 0) return next;
    return first_from(ep, ((<usize>EPI(epi).fd) & ((<usize>1 << hbits(ep)) - 1)) + 1);
  }
  const n = rb_next(rbn_of(epi));
  return n == 0 ? 0 : epi_of_rbn(n);
}

/** The head of the first non-empty bucket from `i` on, or 0. */
function first_from(ep: usize, i: usize): usize {
  const n: usize = <usize>1 << hbits(ep);
  const t = buckets(ep);
  for (; i < n; i++) {
    const epi = load<usize>(t + (i << 2));
    if (epi != 0) return epi;
  }
  return 0;
}

/** The debug walk of a hash index: 0, or the invariants code that fails (14: misplaced, 15: bad back link). */
export function ep_hash_check(ep: usize): i32 {
  const n: usize = <usize>1 << hbits(ep);
  for (let i: usize = 0; i < n; i++) {
    let link = buckets(ep) + (i << 2);
    let epi = load<usize>(link);
    while (epi != 0) {
      if (((<usize>EPI(epi).fd) & (n - 1)) != i) return 14;
      if (EPI(epi).rb_left != link) return 15;
      link = hnext_of(epi);
      epi = EPI(epi).rb_right;
    }
  }
  return 0;
}
