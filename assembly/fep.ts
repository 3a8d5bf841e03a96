// The f_ep word and the readiness word of every host file, and tfile_check_list.
//
// Linux keeps, in struct file, f_ep: a pointer to the file's epitems_head (an hlist of the
// items watching it plus the tfile_check_list link), allocated with the file's first watch.
// The model keeps one 32-bit word per host file id instead, in chunked tables in linear
// memory: the first item of the file's f_ep list (linked on through EpItem.fllink), with
// the low bit set while the file is on tfile_check_list. No object is allocated per watched
// file, so a watch costs its EpItem alone.
//
// Beside it sits the file's readiness word: 0, or (READY_VALID | the file's poll mask) kept
// current by a host file type that publishes its state (pipes do). ep_item_poll reads a
// published mask there instead of calling the host's vfs_poll, so re-polling a ready item
// in ep_send_events never leaves WebAssembly. The registration poll always goes to the host
// (it hooks the wait entries), and a word is cleared when its file is released.
//
// The host reserves the words when it gives a file its id (file_table_reserve), as Linux
// allocates struct file with its f_ep; epoll_ctl(ADD) reserves it again and fails with
// ENOMEM if the table cannot grow, so a host that skipped the reservation loses nothing.
//
// An epoll file's list of watchers is its EventPoll's `refs` (items whose target is that
// set), not this word: the path checks walk the two kinds differently, as Linux does.
//
// Invariant: outside do_epoll_ctl no word has the LISTED bit and tfile_count is 0.

import { alloc_bytes, alloc_pow2, free_pow2 } from "./slab";
import { READY_VALID as READY_VALID_BIT } from "../src/abi";

/** Low bit of an f_ep word: the file is on tfile_check_list. Items are 4-aligned. */
export const FEP_LISTED: usize = 1;

const CHUNK_SHIFT: u32 = 10; // 1024 files (8 KiB: two words each) per chunk
const CHUNK_WORDS: u32 = 1 << CHUNK_SHIFT;
const ENTRY_SHIFT: u32 = 3; // bytes per file: f_ep word, readiness word

/** A published readiness word has this bit; the poll mask is the rest (no poll bit is this high). */
export const READY_VALID: u32 = <u32>READY_VALID_BIT;

let chunks: usize = 0; // table of chunk addresses
let nchunks: u32 = 0;
let chunkcap: u32 = 0;

/** Files whose f_ep list holds items (Linux: live epitems_head objects). */
export let fep_files: u32 = 0;
/** A file's list gained its first item (d 1) or lost its last (d -1). */
export function fep_files_add(d: i32): void { fep_files += d; }

/** Ids below this have a word. */
// @ts-ignore: decorator
@inline export function fep_capacity(): u32 {
  return nchunks << CHUNK_SHIFT;
}

/**
 * File ids the table can hold (64 MiB of words at most). A host gives ids out densely from
 * 1, one per file with references, so its ids stay far below this.
 */
export const FEP_MAX_FILES: u32 = 1 << 24;

/** Make sure file id `file` has a word; false past FEP_MAX_FILES or when memory runs out. */
export function fep_reserve(file: u32): bool {
  if (file >= FEP_MAX_FILES) return false;
  while (file >= fep_capacity()) {
    if (nchunks == chunkcap) {
      // The chunk table doubles; the old one's bytes stay behind (a few KiB at most).
      const cap = chunkcap == 0 ? 16 : chunkcap * 2;
      const table = alloc_bytes(<usize>cap << 2);
      if (table == 0) return false;
      if (chunks != 0) memory.copy(table, chunks, <usize>nchunks << 2);
      chunks = table;
      chunkcap = cap;
    }
    const mem = alloc_bytes(<usize>CHUNK_WORDS << ENTRY_SHIFT);
    if (mem == 0) return false;
    memory.fill(mem, 0, <usize>CHUNK_WORDS << ENTRY_SHIFT);
    store<usize>(chunks + (<usize>nchunks << 2), mem);
    nchunks++;
  }
  return true;
}

/** The address of file `file`'s f_ep word. The id must be below fep_capacity(). */
// @ts-ignore: decorator
@inline export function fep_word(file: u32): usize {
  return load<usize>(chunks + (<usize>(file >> CHUNK_SHIFT) << 2)) + (<usize>(file & (CHUNK_WORDS - 1)) << ENTRY_SHIFT);
}

/** The address of file `file`'s readiness word. The id must be below fep_capacity(). */
// @ts-ignore: decorator
@inline export function ready_word(file: u32): usize {
  return fep_word(file) + 4;
}

/** The first item watching `file` (0: none, or an id without a word). */
export function fep_first(file: u32): usize {
  return file < fep_capacity() ? load<usize>(fep_word(file)) & ~FEP_LISTED : 0;
}

// ---- tfile_check_list ---------------------------------------------------------------

// Linux links the listed files' epitems_heads; here the ids sit in a growable array (a
// power-of-two block reused from call to call) and the LISTED bit keeps each file once.
let tfile_ids: usize = 0;
let tfile_log2: u32 = 0; // the block is 2^tfile_log2 bytes
export let tfile_count: u32 = 0;

/**
 * list_file(): put a watched file on tfile_check_list, once. False when the list cannot
 * grow (the caller answers ENOMEM; clear_tfile_check_list still undoes what was listed).
 */
export function list_file(file: u32): bool {
  const w = fep_word(file);
  const v = load<usize>(w);
  if ((v & FEP_LISTED) != 0) return true;
  if ((<usize>(tfile_count + 1) << 2) > (<usize>1 << tfile_log2)) {
    const k = tfile_log2 == 0 ? 8 : tfile_log2 + 1;
    const p = alloc_pow2(k);
    if (p == 0) return false;
    if (tfile_ids != 0) {
      memory.copy(p, tfile_ids, <usize>tfile_count << 2);
      free_pow2(tfile_ids, tfile_log2);
    }
    tfile_ids = p;
    tfile_log2 = k;
  }
  store<u32>(tfile_ids + (<usize>tfile_count << 2), file);
  tfile_count++;
  store<usize>(w, v | FEP_LISTED);
  return true;
}

/** The `i`-th listed file id. */
// @ts-ignore: decorator
@inline export function tfile_at(i: u32): u32 {
  return load<u32>(tfile_ids + (<usize>i << 2));
}

/** clear_tfile_check_list(): unlist every file (a file emptied meanwhile keeps a 0 word). */
export function clear_tfile_check_list(): void {
  for (let i: u32 = 0; i < tfile_count; i++) {
    const w = fep_word(tfile_at(i));
    store<usize>(w, load<usize>(w) & ~FEP_LISTED);
  }
  tfile_count = 0;
}
