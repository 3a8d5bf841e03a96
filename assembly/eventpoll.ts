// Models fs/eventpoll.c (Linux 6.x): struct eventpoll, struct epitem, struct eppoll_entry;
// ep_insert / ep_remove / ep_modify / ep_find, ep_poll_callback, ep_start_scan /
// ep_done_scan, ep_send_events, __ep_eventpoll_poll, ep_loop_check, the do_epoll_ctl
// errno decisions, and the 2012 EPOLL_CTL_DISABLE proposal (ep_disable).
//
// Locking: the core is single-threaded and every export runs to completion, so ep->lock
// is implicit. ep->mtx is modelled by the host (held around epoll_ctl and ep_send_events).
// Functions marked "ep->mtx held" assume the host took it.

import { TF_CAN_POLL, TF_HAS_EVENT, TF_IS_EPOLL, TF_NO_WAKEUP_CAP, TF_SAME_FILE, TF_VALID } from "../src/abi";
import {
  EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLET, EPOLLONESHOT, EPOLLWAKEUP,
  EPOLLEXCLUSIVE, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLL_CTL_DISABLE,
  EBADF, EINVAL, EPERM, EEXIST, ENOENT, ENOMEM, ENOSPC, EFAULT, EBUSY, ELOOP, EAGAIN,
} from "../src/uapi";
import {
  INIT_LIST_HEAD, list_empty, list_add, list_add_tail, list_del_init,
  list_splice, list_splice_init, lh,
} from "./list";
import {
  RbRootCached,
} from "./rbtree";
import { ep_index_init, ep_index_free, ep_index_find, ep_index_insert, ep_index_erase, ep_index_first, ep_index_next } from "./epindex";
import {
  KmemCache, kmem_cache_create, kmem_cache_alloc, kmem_cache_free, handle_of, from_handle,
  alloc_bytes, free_top,
} from "./slab";
import { host_vfs_poll, host_remove_wait_queue, host_set_watched, host_wake_ep } from "./host";
import { READY_VALID, ready_word, FEP_LISTED, FEP_MAX_FILES, fep_word, fep_first, fep_reserve, fep_files_add, list_file, clear_tfile_check_list, tfile_count, tfile_at } from "./fep";

// ---- constants ----------------------------------------------------------------------

/** Bits that are not poll events: they survive ONESHOT disarm and DISABLE. */
export const EP_PRIVATE_BITS: u32 = <u32>EPOLLWAKEUP | <u32>EPOLLONESHOT | <u32>EPOLLET | <u32>EPOLLEXCLUSIVE;
/** What EPOLLEXCLUSIVE may be combined with at ADD. */
const EPOLLINOUT_BITS: u32 = <u32>EPOLLIN | <u32>EPOLLOUT;
const EPOLLEXCLUSIVE_OK_BITS: u32 =
  EPOLLINOUT_BITS | <u32>EPOLLERR | <u32>EPOLLHUP | <u32>EPOLLWAKEUP | <u32>EPOLLET | <u32>EPOLLEXCLUSIVE;
/** Maximum nesting of epoll sets (fs/eventpoll.c EP_MAX_NESTS). */
export const EP_MAX_NESTS: i32 = 4;
/** INT_MAX / sizeof(struct epoll_event). */
export const EP_MAX_EVENTS: i32 = 178956970;
/** ovflist sentinel: "no transfer running". Any non-address works; the kernel uses -1L. */
export const EP_UNACTIVE_PTR: usize = <usize>-1;
/** Size of a packed x86-64 struct epoll_event { u32 events; u64 data; }. */
export const EPOLL_EVENT_SIZE: usize = 12;

// Flags the host passes to epoll_ctl describing the target fd (what do_epoll_ctl learns
// from fdget and the file it finds).

// ---- structures ---------------------------------------------------------------------

/**
 * struct eventpoll. Layout (bytes):
 *   0 slab header | 4 rdllist | 12 ovflist | 16 rbr | 24 nitems | 28 wq_active
 *   32 poll_active | 36 file | 40 gen | 44 loop_check_depth | 48 refs | 52 scanning | 56 ws
 *   60 txlist | 68 tx_res | 72 tx_max | 76 tx_fault | 80 tx_done
 * Invariant: ovflist == EP_UNACTIVE_PTR unless a scan (ep_start_scan..ep_done_scan) runs.
 */
@unmanaged
export class EventPoll {
  hdr: u32 = 0;
  rdl_next: usize = 0; // rdllist (struct list_head), addressed via rdllist_of()
  rdl_prev: usize = 0;
  ovflist: usize = 0;
  rbr_node: usize = 0; // RbRootCached.rb_node
  rbr_leftmost: usize = 0; // RbRootCached.rb_leftmost
  nitems: u32 = 0;
  wq_active: u32 = 0; // host: threads are queued on ep->wq
  poll_active: u32 = 0; // host: entries are queued on ep->poll_wait
  file: u32 = 0; // host id of the epoll file
  gen: u32 = 0; // loop_check_gen stamp
  loop_check_depth: i32 = 0;
  refs: usize = 0; // items (in other sets) whose target is this set, linked by fllink
  scanning: u32 = 0;
  ws: usize = 0; // ep->ws, the set's wakeup source (created with the first EPOLLWAKEUP item)
  // The transfer in progress (ep_send_begin .. ep_send_end, under ep->mtx): its private
  // txlist, events delivered so far (or -EFAULT), maxevents, and whether it has stopped.
  txl_next: usize = 0;
  txl_prev: usize = 0;
  tx_res: i32 = 0;
  tx_max: i32 = 0;
  tx_fault: u32 = 0;
  tx_done: u32 = 0;
}

/**
 * The item the last delivering ep_send_step took, so ep_unsend in mid-transfer can check it
 * is undoing that step and no other.
 */
let step_epi: u32 = 0;

/**
 * struct epitem. Layout (bytes):
 *   0 slab header | 4 rbn (3 words) | 16 rdllink | 24 next (ovflist link) | 28 ffd.file
 *   32 ffd.fd | 36 ep | 40 event.events | 44 data lo | 48 data hi | 52 fllink (next on the
 *   file's f_ep list) | 56 ext
 * 60 bytes, and that is the whole cost of a watch: the first wait entry lives in the item
 * (the low bit of `ext` says it is hooked), and a file's f_ep list starts in a word of the
 * file table (fep.ts), not in a separate head. What few items need more (a second wait
 * queue, an epoll file as target, a wakeup source) keep in an EpItemExt.
 */
@unmanaged
export class EpItem {
  hdr: u32 = 0;
  rb_parent_color: usize = 0;
  rb_right: usize = 0;
  rb_left: usize = 0;
  rdl_next: usize = 0;
  rdl_prev: usize = 0;
  next: usize = 0;
  file: u32 = 0;
  fd: i32 = 0;
  ep: usize = 0;
  events: u32 = 0;
  data_lo: u32 = 0;
  data_hi: u32 = 0;
  // Singly linked: removal walks the file's list, which is as long as the number of sets
  // watching that one file (Linux's hlist has a back link; 4 bytes a watch saved here).
  fllink: usize = 0;
  ext: usize = 0; // EpItemExt address | EPI_WAIT_HOOKED
}

/** Low bit of EpItem.ext: the item's embedded (first) wait entry is on a wait queue. */
const EPI_WAIT_HOOKED: usize = 1;

/**
 * The rarely needed rest of an epitem, allocated on first need and freed with the item:
 * the EventPoll its file is when that file is an epoll file (its f_ep list is then
 * tep->refs), its wakeup source (epi->ws, EPOLLWAKEUP), and the wait entries after the
 * first (files that poll on more than one wait queue head), newest first.
 */
@unmanaged
export class EpItemExt {
  hdr: u32 = 0;
  tep: usize = 0;
  ws: usize = 0;
  pwqlist: usize = 0;
}

/** struct wakeup_source, reduced to what epoll's accounting changes. */
@unmanaged
export class WakeupSource {
  hdr: u32 = 0;
  active: u32 = 0;
  event_count: u32 = 0;
  active_count: u32 = 0;
  relax_count: u32 = 0;
}

/** struct eppoll_entry: one per wait queue head the item is hooked on. */
@unmanaged
export class EppollEntry {
  hdr: u32 = 0;
  next: usize = 0; // next entry of the same item
  base: usize = 0; // the EpItem
}

// @ts-ignore: decorator
@inline export function EP(p: usize): EventPoll { return changetype<EventPoll>(p); }
// @ts-ignore: decorator
@inline export function EPI(p: usize): EpItem { return changetype<EpItem>(p); }
// @ts-ignore: decorator
@inline export function PWQ(p: usize): EppollEntry { return changetype<EppollEntry>(p); }
// @ts-ignore: decorator
@inline export function EXT(p: usize): EpItemExt { return changetype<EpItemExt>(p); }
/** The item's EpItemExt, or 0. */
// @ts-ignore: decorator
@inline export function epi_ext(epi: usize): usize { return EPI(epi).ext & ~EPI_WAIT_HOOKED; }
/** Whether the item's embedded wait entry is hooked on a wait queue. */
// @ts-ignore: decorator
@inline export function epi_wait_hooked(epi: usize): bool { return (EPI(epi).ext & EPI_WAIT_HOOKED) != 0; }
/** The EventPoll this item's file is, when the file is an epoll file; else 0. */
// @ts-ignore: decorator
@inline export function epi_tep(epi: usize): usize {
  const x = epi_ext(epi);
  return x != 0 ? EXT(x).tep : 0;
}
/** epi->ws: the item's wakeup source, or 0. */
// @ts-ignore: decorator
@inline export function epi_ws(epi: usize): usize {
  const x = epi_ext(epi);
  return x != 0 ? EXT(x).ws : 0;
}
/** The item's extra wait entries (after the embedded one), newest first. */
// @ts-ignore: decorator
@inline export function epi_pwqlist(epi: usize): usize {
  const x = epi_ext(epi);
  return x != 0 ? EXT(x).pwqlist : 0;
}
// @ts-ignore: decorator
@inline export function rdllist_of(ep: usize): usize { return ep + offsetof<EventPoll>("rdl_next"); }
// @ts-ignore: decorator
@inline export function rbr_of(ep: usize): RbRootCached { return changetype<RbRootCached>(ep + offsetof<EventPoll>("rbr_node")); }
// @ts-ignore: decorator
@inline export function rbn_of(epi: usize): usize { return epi + offsetof<EpItem>("rb_parent_color"); }
// @ts-ignore: decorator
@inline export function epi_of_rbn(n: usize): usize { return n - offsetof<EpItem>("rb_parent_color"); }
// @ts-ignore: decorator
@inline export function rdllink_of(epi: usize): usize { return epi + offsetof<EpItem>("rdl_next"); }
// @ts-ignore: decorator
@inline export function epi_of_rdllink(l: usize): usize { return l - offsetof<EpItem>("rdl_next"); }
/** ep_is_linked(): the item is on rdllist (or on a txlist being transferred). */
// @ts-ignore: decorator
@inline export function ep_is_linked(epi: usize): bool { return !list_empty(rdllink_of(epi)); }

export const ep_cache: KmemCache = kmem_cache_create(offsetof<EventPoll>());
export const epi_cache: KmemCache = kmem_cache_create(offsetof<EpItem>());
export const pwq_cache: KmemCache = kmem_cache_create(offsetof<EppollEntry>());
export const ext_cache: KmemCache = kmem_cache_create(offsetof<EpItemExt>());
export const ws_cache: KmemCache = kmem_cache_create(offsetof<WakeupSource>());
// @ts-ignore: decorator
@inline export function WS(p: usize): WakeupSource { return changetype<WakeupSource>(p); }

/** percpu_counter user->epoll_watches and the max_user_watches sysctl. */
export let epoll_watches: u32 = 0;
export let max_user_watches: u32 = 0xffffffff;
export function set_max_user_watches(n: u32): void { max_user_watches = n; }

let loop_check_gen: u32 = 1;
/** The loop check could not list a file (ENOMEM). */
let tfile_nomem: bool = false;
let inserting_into: usize = 0;

// ---- lifetime -----------------------------------------------------------------------

/** ep_alloc(): a new, empty eventpoll; 0 on ENOMEM. */
export function ep_alloc(file: u32): usize {
  const ep = kmem_cache_alloc(ep_cache);
  if (ep == 0) return 0;
  if (!ep_index_init(ep)) {
    kmem_cache_free(ep_cache, ep);
    return 0;
  }
  INIT_LIST_HEAD(rdllist_of(ep));
  EP(ep).ovflist = EP_UNACTIVE_PTR;
  EP(ep).file = file;
  return ep;
}

/** The item's EpItemExt, allocated on first need; 0 on ENOMEM. */
function epi_ext_get(epi: usize): usize {
  let x = epi_ext(epi);
  if (x == 0) {
    x = kmem_cache_alloc(ext_cache);
    if (x == 0) return 0;
    EPI(epi).ext |= x;
  }
  return x;
}

/** Wait entries hooked while the item lives (the embedded ones and the EppollEntry objects). */
export let wait_entries: u32 = 0;

/**
 * ep_unregister_pollwait(): unhook every wait entry of the item, newest first (the extra
 * entries, then the embedded one), and free the extra ones.
 */
function ep_unregister_pollwait(epi: usize): void {
  const x = epi_ext(epi);
  if (x != 0) {
    let pwq = EXT(x).pwqlist;
    while (pwq != 0) {
      const next = PWQ(pwq).next;
      host_remove_wait_queue(handle_of(pwq));
      kmem_cache_free(pwq_cache, pwq);
      wait_entries--;
      pwq = next;
    }
    EXT(x).pwqlist = 0;
  }
  if (epi_wait_hooked(epi)) {
    host_remove_wait_queue(-handle_of(epi));
    EPI(epi).ext &= ~EPI_WAIT_HOOKED;
    wait_entries--;
  }
}

// ---- f_ep lists, wakeup sources -----------------------------------------------------

/** The address of the link heading the f_ep list this item is (or goes) on. */
// @ts-ignore: decorator
@inline function f_ep_headlink(epi: usize): usize {
  const tep = epi_tep(epi);
  return tep != 0 ? tep + offsetof<EventPoll>("refs") : fep_word(EPI(epi).file);
}

/**
 * attach_epitem(): put the new item at the head of its file's f_ep list (the file's word
 * was reserved by the caller; an epoll target's list is tep->refs).
 */
function attach_epitem(epi: usize): void {
  const link = f_ep_headlink(epi);
  const v = load<usize>(link);
  const first = v & ~FEP_LISTED;
  if (first == 0 && epi_tep(epi) == 0) {
    fep_files_add(1);
    host_set_watched(EPI(epi).file, 1);
  }
  EPI(epi).fllink = first;
  store<usize>(link, epi | (v & FEP_LISTED));
}

/** Unlink the item from its file's f_ep list. */
function detach_epitem(epi: usize): void {
  const head = f_ep_headlink(epi);
  let link = head;
  // Only the head word carries the LISTED bit; the fllink words never do.
  while ((load<usize>(link) & ~FEP_LISTED) != epi) link = load<usize>(link) + offsetof<EpItem>("fllink");
  store<usize>(link, EPI(epi).fllink | (load<usize>(link) & FEP_LISTED));
  EPI(epi).fllink = 0;
  if ((load<usize>(head) & ~FEP_LISTED) == 0 && epi_tep(epi) == 0) {
    fep_files_add(-1);
    host_set_watched(EPI(epi).file, 0);
  }
}

/** Wakeup paths of each length (1..5) allowed from one file; length 1 is not limited. */
const PATH_ARR_SIZE: i32 = 5;
const path_limits: StaticArray<i32> = [1000, 500, 100, 50, 10];
const path_count: StaticArray<i32> = [0, 0, 0, 0, 0];

function path_count_inc(nests: i32): bool {
  if (nests == 0) return true;
  return ++path_count[nests] <= path_limits[nests];
}

/** Walk up from the items of one f_ep list; false once a path limit is exceeded. */
function reverse_path_check_proc(first: usize, depth: i32): bool {
  if (depth > EP_MAX_NESTS) return false;
  let ok = true;
  let epi = first;
  while (epi != 0 && ok) {
    const refs = EP(EPI(epi).ep).refs;
    ok = refs == 0 ? path_count_inc(depth) : reverse_path_check_proc(refs, depth + 1);
    epi = EPI(epi).fllink;
  }
  return ok;
}

/** reverse_path_check(): every listed file must stay within the path limits. */
function reverse_path_check(): bool {
  for (let i: u32 = 0; i < tfile_count; i++) {
    for (let j = 0; j < PATH_ARR_SIZE; j++) path_count[j] = 0;
    if (!reverse_path_check_proc(fep_first(tfile_at(i)), 0)) return false;
  }
  return true;
}

function __pm_stay_awake(ws: usize): void {
  if (ws == 0) return;
  WS(ws).event_count++;
  if (WS(ws).active == 0) {
    WS(ws).active = 1;
    WS(ws).active_count++;
  }
}

function __pm_relax(ws: usize): void {
  if (ws != 0 && WS(ws).active != 0) {
    WS(ws).active = 0;
    WS(ws).relax_count++;
  }
}

// @ts-ignore: decorator
@inline function ep_pm_stay_awake(epi: usize): void {
  const ws = epi_ws(epi);
  if (ws != 0) __pm_stay_awake(ws);
}

/** ep_create_wakeup_source(): the set's source on first use, then the item's. */
function ep_create_wakeup_source(epi: usize): bool {
  const ep = EPI(epi).ep;
  if (EP(ep).ws == 0) {
    EP(ep).ws = kmem_cache_alloc(ws_cache);
    if (EP(ep).ws == 0) return false;
  }
  const x = epi_ext_get(epi);
  if (x == 0) return false;
  EXT(x).ws = kmem_cache_alloc(ws_cache);
  return EXT(x).ws != 0;
}

function ep_destroy_wakeup_source(epi: usize): void {
  const x = epi_ext(epi);
  if (x != 0 && EXT(x).ws != 0) {
    kmem_cache_free(ws_cache, EXT(x).ws);
    EXT(x).ws = 0;
  }
}

/**
 * ep_remove(): unhook, drop from the file's f_ep list, the tree and the ready list, free.
 * ep->mtx held. Never called during a scan (the scan holds ep->mtx too), so the item is
 * not on ovflist.
 */
export function ep_remove(ep: usize, epi: usize): void {
  if (EP_DEBUG) assert(EPI(epi).next == EP_UNACTIVE_PTR, "ep_remove: item chained on ovflist");
  ep_unregister_pollwait(epi);
  detach_epitem(epi);
  ep_index_erase(ep, epi);
  if (ep_is_linked(epi)) list_del_init(rdllink_of(epi));
  ep_destroy_wakeup_source(epi);
  const x = epi_ext(epi);
  if (x != 0) kmem_cache_free(ext_cache, x);
  EP(ep).nitems--;
  kmem_cache_free(epi_cache, epi);
  epoll_watches--;
}

/**
 * eventpoll_release_file() for a file that is not an epoll file: its last reference is
 * gone, so every item on its f_ep list is removed.
 */
export function eventpoll_release_fep(file: u32): void {
  let epi: usize;
  while ((epi = fep_first(file)) != 0) ep_remove(EPI(epi).ep, epi);
}

/** Whether a set holding an item of this f_ep list is in mid-transfer (ep->mtx held). */
export function f_ep_busy(first: usize): bool {
  for (let epi = first; epi != 0; epi = EPI(epi).fllink) if (EP(EPI(epi).ep).scanning != 0) return true;
  return false;
}

/** eventpoll_release_file() for an epoll file: remove the items other sets hold on it. */
export function eventpoll_release_refs(ep: usize): void {
  while (EP(ep).refs != 0) {
    const epi = EP(ep).refs;
    ep_remove(EPI(epi).ep, epi);
  }
}

/** ep_clear_and_put() + ep_free(): the epoll file's last reference is gone. */
export function ep_free(ep: usize): void {
  // First unhook everything, so no callback can queue an item while we tear down.
  for (let epi = ep_index_first(ep); epi != 0; epi = ep_index_next(ep, epi)) ep_unregister_pollwait(epi);
  let epi: usize;
  while ((epi = ep_index_first(ep)) != 0) ep_remove(ep, epi);
  ep_index_free(ep);
  if (EP_DEBUG) assert(EP(ep).refs == 0, "ep_free: still watched by another set");
  if (EP(ep).ws != 0) kmem_cache_free(ws_cache, EP(ep).ws);
  kmem_cache_free(ep_cache, ep);
}

// ---- lookup -------------------------------------------------------------------------

/** ep_find(): the item for (file, fd), or 0. ep->mtx held. */
export function ep_find(ep: usize, file: u32, fd: i32): usize {
  return ep_index_find(ep, file, fd);
}

// ---- polling ------------------------------------------------------------------------

/**
 * ep_item_poll(): current readiness of the item's file, masked by the item's events.
 * With `queue` set this is the registration poll of ep_insert (hooks wait entries).
 */
export function ep_item_poll(epi: usize, queue: bool, depth: i32): u32 {
  const events = EPI(epi).events;
  let res: u32;
  const tep = epi_tep(epi);
  if (queue) return host_vfs_poll(EPI(epi).file, handle_of(epi), events, depth) & events;
  if (tep != 0) return __ep_eventpoll_poll(tep, depth) & events;
  // A file that publishes its readiness is answered from its word (fep.ts), in the core.
  const w = load<u32>(ready_word(EPI(epi).file));
  res = (w & READY_VALID) != 0 ? w & ~READY_VALID : host_vfs_poll(EPI(epi).file, 0, events, depth);
  return res & events;
}

/** Set while an ep_insert registration poll may allocate entries; cleared on ENOMEM. */
let queue_ok: bool = true;

/**
 * ep_ptable_queue_proc(): called (through the host's poll_wait) once per wait queue head
 * during the registration poll. The first entry is the one embedded in the item; its
 * handle is the item's handle negated. Later ones are EppollEntry objects (positive
 * handles). Returns 0 if the item is gone or memory ran out (ep_insert then fails with
 * ENOMEM).
 */
export function ep_ptable_queue_proc(epi_h: i32): i32 {
  const epi = from_handle(epi_cache, epi_h);
  if (epi == 0 || !queue_ok) return 0;
  if (!epi_wait_hooked(epi)) {
    EPI(epi).ext |= EPI_WAIT_HOOKED;
    wait_entries++;
    return -epi_h;
  }
  const x = epi_ext_get(epi);
  const pwq = x != 0 ? kmem_cache_alloc(pwq_cache) : 0;
  if (pwq == 0) {
    queue_ok = false;
    return 0;
  }
  PWQ(pwq).base = epi;
  PWQ(pwq).next = EXT(x).pwqlist;
  EXT(x).pwqlist = pwq;
  wait_entries++;
  return handle_of(pwq);
}

/**
 * __ep_eventpoll_poll(): an epoll file is readable when its ready list holds an item that
 * is really ready now. Items found not ready are dropped from the ready list; nothing is
 * consumed. ep->mtx held (nested at `depth`).
 */
export function __ep_eventpoll_poll(ep: usize, depth: i32): u32 {
  // MODEL: Linux would sleep on ep->mtx while another thread's transfer holds it; the core
  // cannot sleep, so a set in mid-transfer answers from its lists without re-polling.
  if (EP(ep).scanning != 0) return ep_events_available(ep) ? <u32>EPOLLIN | <u32>EPOLLRDNORM : 0;
  const txlist = txlist_alloc();
  ep_start_scan(ep, txlist);
  let res: u32 = 0;
  let l = lh(txlist).next;
  while (l != txlist) {
    const next = lh(l).next;
    const epi = epi_of_rdllink(l);
    if (ep_item_poll(epi, false, depth + 1) != 0) {
      res = <u32>EPOLLIN | <u32>EPOLLRDNORM;
      break;
    }
    // Queued by a callback but not ready for what the item asks: drop it.
    __pm_relax(epi_ws(epi));
    list_del_init(l);
    l = next;
  }
  ep_done_scan(ep, txlist);
  txlist_release(txlist);
  return res;
}

// ---- the ready list -----------------------------------------------------------------

// Transfer lists are stack-allocated in the kernel (LIST_HEAD(txlist)); here a small
// pool of list heads serves nested scans (depth <= EP_MAX_NESTS + 1).
const TXLIST_POOL: i32 = 16;
let txlist_base: usize = 0;
let txlist_depth: i32 = 0;

function txlist_alloc(): usize {
  if (txlist_base == 0) {
    txlist_base = alloc_bytes(<usize>TXLIST_POOL * 8);
    assert(txlist_base != 0, "no memory for transfer lists");
  }
  assert(txlist_depth < TXLIST_POOL, "scan nesting too deep");
  const t = txlist_base + <usize>txlist_depth * 8;
  txlist_depth++;
  INIT_LIST_HEAD(t);
  return t;
}

function txlist_release(t: usize): void {
  txlist_depth--;
  if (EP_DEBUG) assert(t == txlist_base + <usize>txlist_depth * 8, "txlist released out of order");
}

/** ep_start_scan(): steal the ready list; callbacks now chain onto ovflist. */
export function ep_start_scan(ep: usize, txlist: usize): void {
  list_splice_init(rdllist_of(ep), txlist);
  EP(ep).ovflist = 0;
  EP(ep).scanning++;
}

/**
 * ep_done_scan(): move what arrived on ovflist (LIFO) back to the front of rdllist in
 * FIFO order, skipping items already linked, then put the untransferred rest of txlist
 * in front of everything.
 */
export function ep_done_scan(ep: usize, txlist: usize): void {
  let epi = EP(ep).ovflist;
  while (epi != 0) {
    const nepi = EPI(epi).next;
    EPI(epi).next = EP_UNACTIVE_PTR;
    if (!ep_is_linked(epi)) {
      list_add(rdllink_of(epi), rdllist_of(ep));
      ep_pm_stay_awake(epi);
    }
    epi = nepi;
  }
  EP(ep).ovflist = EP_UNACTIVE_PTR;
  EP(ep).scanning--;
  list_splice(txlist, rdllist_of(ep));
  INIT_LIST_HEAD(txlist);
  __pm_relax(EP(ep).ws);
  if (!list_empty(rdllist_of(ep)) && EP(ep).wq_active != 0) host_wake_ep(handle_of(ep), 0, 0);
}

/** ep_events_available() */
export function ep_events_available(ep: usize): bool {
  return !list_empty(rdllist_of(ep)) || EP(ep).ovflist != EP_UNACTIVE_PTR;
}

/** Wake ep->wq waiters and note whether poll_wait watchers must be woken afterwards. */
// @ts-ignore: decorator
@inline function ep_notify_ready(ep: usize): bool {
  if (EP(ep).wq_active != 0) host_wake_ep(handle_of(ep), 0, 0);
  return EP(ep).poll_active != 0;
}

/** ep_poll_safewake(): wake watchers of the epoll file itself (poll(), outer sets). */
let safewake_depth: i32 = 0;

function ep_poll_safewake(ep: usize): void {
  // MODEL: the loop check bounds how deep wakeups can nest (at most EP_MAX_NESTS sets);
  // the cap makes the core safe even against a raw ABI caller that built a cycle the
  // loop check never saw (it trusts the host to say which files are epoll files).
  if (safewake_depth > EP_MAX_NESTS + 1) return;
  safewake_depth++;
  host_wake_ep(handle_of(ep), 1, <u32>EPOLLIN);
  safewake_depth--;
}

/**
 * ep_poll_callback(): a wait queue the item hooked (through any of its entries) was woken
 * with `key` (0 = no key). Returns 1 if this wakeup counts against an exclusive wake's
 * budget (ewake).
 */
export function ep_poll_callback(epi: usize, key: u32): i32 {
  const ep = EPI(epi).ep;
  const events = EPI(epi).events;
  let ewake: i32 = 0;
  let pwake = false;
  // A mask holding no poll event is a disabled item (ONESHOT fired, or DISABLE).
  if ((events & ~EP_PRIVATE_BITS) != 0 && (key == 0 || (key & events) != 0)) {
    if (EP(ep).ovflist != EP_UNACTIVE_PTR) {
      // A transfer is running: chain on ovflist unless already chained.
      if (EPI(epi).next == EP_UNACTIVE_PTR) {
        EPI(epi).next = EP(ep).ovflist;
        EP(ep).ovflist = epi;
        ep_pm_stay_awake(epi);
      }
    } else if (!ep_is_linked(epi)) {
      list_add_tail(rdllink_of(epi), rdllist_of(ep));
      ep_pm_stay_awake(epi);
    }
    if (EP(ep).wq_active != 0) {
      if ((events & <u32>EPOLLEXCLUSIVE) != 0) {
        const io = key & EPOLLINOUT_BITS;
        if (io == <u32>EPOLLIN) ewake = (events & <u32>EPOLLIN) != 0 ? 1 : 0;
        else if (io == <u32>EPOLLOUT) ewake = (events & <u32>EPOLLOUT) != 0 ? 1 : 0;
        else if (io == 0) ewake = 1;
      }
      host_wake_ep(handle_of(ep), 0, 0);
    }
    pwake = EP(ep).poll_active != 0;
  }
  if (pwake) ep_poll_safewake(ep);
  if ((events & <u32>EPOLLEXCLUSIVE) == 0) ewake = 1;
  return ewake;
}

// ---- insert / modify / disable -------------------------------------------------------

/**
 * ep_insert(). ep->mtx held. `tep` is the target's EventPoll when it is an epoll file. With
 * `full_check` the new wakeup paths are counted (reverse_path_check). Returns 0 or -errno
 * with nothing left behind.
 */
function ep_insert(ep: usize, events: u32, data_lo: u32, data_hi: u32, file: u32, fd: i32, tep: usize,
  full_check: bool): i32 {
  if (epoll_watches >= max_user_watches) return -ENOSPC;
  // The file's f_ep word (normally reserved when the host gave the file its id).
  if (tep == 0 && !fep_reserve(file)) return -ENOMEM;
  const epi = kmem_cache_alloc(epi_cache);
  if (epi == 0) return -ENOMEM;
  if (tep != 0) {
    const x = epi_ext_get(epi);
    if (x == 0) {
      kmem_cache_free(epi_cache, epi);
      return -ENOMEM;
    }
    EXT(x).tep = tep;
  }
  epoll_watches++;
  INIT_LIST_HEAD(rdllink_of(epi));
  EPI(epi).ep = ep;
  EPI(epi).file = file;
  EPI(epi).fd = fd;
  EPI(epi).events = events;
  EPI(epi).data_lo = data_lo;
  EPI(epi).data_hi = data_hi;
  EPI(epi).next = EP_UNACTIVE_PTR;
  attach_epitem(epi);
  const listed = !full_check || tep != 0 || list_file(file);
  EP(ep).nitems++;
  ep_index_insert(ep, epi);
  if (!listed) {
    ep_remove(ep, epi);
    return -ENOMEM;
  }

  // Too many wakeup paths would lead to the files below: refuse (EINVAL, as Linux).
  if (full_check && !reverse_path_check()) {
    ep_remove(ep, epi);
    return -EINVAL;
  }
  if ((events & <u32>EPOLLWAKEUP) != 0 && !ep_create_wakeup_source(epi)) {
    ep_remove(ep, epi);
    return -ENOMEM;
  }

  // Hook the item on the file's wait queues and read its current state.
  queue_ok = true;
  const revents = ep_item_poll(epi, true, 1);
  if (!queue_ok) {
    queue_ok = true;
    ep_remove(ep, epi);
    return -ENOMEM;
  }
  // Already ready: queue it now (the 2002 thread's "report what is ready at ADD").
  if (revents != 0 && !ep_is_linked(epi)) {
    list_add_tail(rdllink_of(epi), rdllist_of(ep));
    ep_pm_stay_awake(epi);
    if (ep_notify_ready(ep)) ep_poll_safewake(ep);
  }
  return 0;
}

/** ep_modify(). ep->mtx held. */
function ep_modify(ep: usize, epi: usize, events: u32, data_lo: u32, data_hi: u32): i32 {
  EPI(epi).events = events;
  EPI(epi).data_lo = data_lo;
  EPI(epi).data_hi = data_hi;
  if ((events & <u32>EPOLLWAKEUP) != 0) {
    // Linux ignores a failure to create the source here, and so does the model.
    if (epi_ws(epi) == 0) ep_create_wakeup_source(epi);
  } else if (epi_ws(epi) != 0) {
    ep_destroy_wakeup_source(epi);
  }
  if (ep_item_poll(epi, false, 1) != 0 && !ep_is_linked(epi)) {
    list_add_tail(rdllink_of(epi), rdllist_of(ep));
    ep_pm_stay_awake(epi);
    if (ep_notify_ready(ep)) ep_poll_safewake(ep);
  }
  return 0;
}

/** ep_disable() from the 2012 proposal: 0 if the item was queued (now dequeued), else -EBUSY. */
function ep_disable(epi: usize): i32 {
  let res: i32 = 0;
  if (ep_is_linked(epi)) list_del_init(rdllink_of(epi));
  else res = -EBUSY;
  EPI(epi).events &= EP_PRIVATE_BITS;
  return res;
}

// ---- loop check ---------------------------------------------------------------------

/** Depth of epoll nesting below `ep` (cached per check generation); > EP_MAX_NESTS = loop. */
function ep_loop_check_proc(ep: usize, depth: i32): i32 {
  if (EP(ep).gen == loop_check_gen) return EP(ep).loop_check_depth;
  EP(ep).gen = loop_check_gen;
  let result: i32 = 0;
  for (let epi = ep_index_first(ep); epi != 0; epi = ep_index_next(ep, epi)) {
    const tovisit = epi_tep(epi);
    if (tovisit != 0) {
      if (tovisit == inserting_into || depth > EP_MAX_NESTS) result = EP_MAX_NESTS + 1;
      else result = max(result, ep_loop_check_proc(tovisit, depth + 1) + 1);
      if (result > EP_MAX_NESTS) break;
    } else if (!list_file(EPI(epi).file)) {
      // A file a new path may reach (its wakeup paths are counted after the insert), but
      // the list could not grow: the ctl fails with ENOMEM.
      tfile_nomem = true;
    }
  }
  EP(ep).loop_check_depth = result;
  return result;
}

/** How many sets lie above `ep` (through tep->refs), cached like the downward walk. */
function ep_get_upwards_depth_proc(ep: usize, depth: i32): i32 {
  if (EP(ep).gen == loop_check_gen) return EP(ep).loop_check_depth;
  let result: i32 = 0;
  let epi = EP(ep).refs;
  while (epi != 0) {
    result = max(result, ep_get_upwards_depth_proc(EPI(epi).ep, depth + 1) + 1);
    epi = EPI(epi).fllink;
  }
  EP(ep).gen = loop_check_gen;
  EP(ep).loop_check_depth = result;
  return result;
}

/** ep_loop_check(): would adding `to` into `ep` close a cycle or nest too deep? */
function ep_loop_check(ep: usize, to: usize): bool {
  inserting_into = ep;
  const depth = ep_loop_check_proc(to, 0);
  let bad = depth > EP_MAX_NESTS;
  if (!bad) bad = depth + 1 + ep_get_upwards_depth_proc(ep, 0) > EP_MAX_NESTS;
  inserting_into = 0;
  return bad;
}

// ---- syscalls -----------------------------------------------------------------------

/**
 * do_epoll_ctl(): every errno decision, in Linux's order. `ep_h` is the EventPoll handle
 * of epfd's file, 0 when epfd is open but not an epoll file, -EBADF when epfd is not open.
 * `tflags` describes fd (TF_*); `tep_h` is its EventPoll when it is an epoll file.
 * Must be called with ep->mtx held (the host takes it before calling).
 */
export function do_epoll_ctl(ep_h: i32, op: i32, file: u32, fd: i32, tflags: u32, tep_h: i32,
  events_in: u32, data_lo: u32, data_hi: u32): i32 {
  // ep_op_has_event() is "op != DEL" in Linux. MODEL: op 4 is EPOLL_CTL_DISABLE (the 2012
  // proposal, docs/API.md), which carries no event; Linux answers op 4 like any bad op.
  const has_event = op != EPOLL_CTL_DEL && op != EPOLL_CTL_DISABLE;
  if (has_event && (tflags & <u32>TF_HAS_EVENT) == 0) return -EFAULT;
  if (ep_h == -EBADF) return -EBADF;
  if ((tflags & <u32>TF_VALID) == 0) return -EBADF;
  if ((tflags & <u32>TF_CAN_POLL) == 0) return -EPERM;
  let events = events_in;
  // ep_take_care_of_epollwakeup(): silently dropped without CAP_BLOCK_SUSPEND.
  if (has_event && (events & <u32>EPOLLWAKEUP) != 0 && (tflags & <u32>TF_NO_WAKEUP_CAP) != 0) events &= ~<u32>EPOLLWAKEUP;
  if ((tflags & <u32>TF_SAME_FILE) != 0 || ep_h <= 0) return -EINVAL;
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF; // stale handle from the host: refuse, never dereference
  // MODEL: another thread's transfer holds ep->mtx; a synchronous caller cannot sleep on
  // it (threads take the mutex in the host first and never get here while it is held).
  if (EP(ep).scanning != 0) return -EAGAIN;
  if (file == EP(ep).file) return -EINVAL; // the set itself, whatever the flags claimed
  let tep: usize = 0;
  if ((tflags & <u32>TF_IS_EPOLL) != 0) {
    tep = from_handle(ep_cache, tep_h);
    if (tep == 0 || EP(tep).file != file) return -EBADF;
  } else if (file >= FEP_MAX_FILES) {
    return -EBADF; // no host file has such an id
  }
  if (has_event && (events & <u32>EPOLLEXCLUSIVE) != 0) {
    if (op == EPOLL_CTL_MOD) return -EINVAL;
    if (op == EPOLL_CTL_ADD && (tep != 0 || (events & ~EPOLLEXCLUSIVE_OK_BITS) != 0)) return -EINVAL;
  }
  // A full check (loop check, then path counting) when the ADD may create new nested
  // paths: the epoll file is itself watched, or the target is an epoll file.
  const full_check = op == EPOLL_CTL_ADD && (EP(ep).refs != 0 || tep != 0);
  const res = do_epoll_ctl_locked(ep, op, file, fd, tep, full_check, events, data_lo, data_hi);
  if (full_check) {
    clear_tfile_check_list();
    loop_check_gen++;
  }
  return res;
}

function do_epoll_ctl_locked(ep: usize, op: i32, file: u32, fd: i32, tep: usize, full_check: bool,
  events: u32, data_lo: u32, data_hi: u32): i32 {
  if (full_check) {
    loop_check_gen++;
    tfile_nomem = false;
    if (tep != 0 && ep_loop_check(ep, tep)) return -ELOOP;
    if (tfile_nomem) return -ENOMEM;
  }
  const epi = ep_find(ep, file, fd);
  switch (op) {
    case EPOLL_CTL_ADD:
      if (epi != 0) return -EEXIST;
      return ep_insert(ep, events | <u32>EPOLLERR | <u32>EPOLLHUP, data_lo, data_hi, file, fd, tep, full_check);
    case EPOLL_CTL_DEL:
      if (epi == 0) return -ENOENT;
      ep_remove(ep, epi);
      return 0;
    case EPOLL_CTL_MOD:
      if (epi == 0) return -ENOENT;
      if ((EPI(epi).events & <u32>EPOLLEXCLUSIVE) != 0) return -EINVAL;
      return ep_modify(ep, epi, events | <u32>EPOLLERR | <u32>EPOLLHUP, data_lo, data_hi);
    case EPOLL_CTL_DISABLE:
      if (epi == 0) return -ENOENT;
      return ep_disable(epi);
    default:
      return -EINVAL;
  }
}

// ---- event transfer -----------------------------------------------------------------

let evbuf: usize = 0;
let evbuf_cap: u32 = 0;

/** An undo record of ep_send_events: the item's handle and its mask before the step. */
export const EP_UNSEND_SIZE: usize = 8;
/** Bytes of the events buffer per event: the struct epoll_event, then (apart) its undo record. */
const EVBUF_SLOT: usize = EPOLL_EVENT_SIZE + EP_UNSEND_SIZE;

/**
 * The events buffer, large enough for `n` packed struct epoll_event, followed by `n` undo
 * records (events_log); 0 on ENOMEM.
 */
export function events_buffer(n: u32): usize {
  if (n > evbuf_cap) {
    let cap = max<u32>(n, evbuf_cap * 2);
    if (cap < 64) cap = 64;
    if (evbuf != 0) free_top(evbuf, <usize>evbuf_cap * EVBUF_SLOT);
    let p = alloc_bytes(<usize>cap * EVBUF_SLOT);
    if (p == 0 && cap > n) {
      cap = n;
      p = alloc_bytes(<usize>cap * EVBUF_SLOT);
    }
    if (p == 0) {
      // Re-take the old buffer if it was given back; it is still the top of the heap.
      if (evbuf != 0) alloc_bytes(<usize>evbuf_cap * EVBUF_SLOT);
      return 0;
    }
    evbuf = p;
    evbuf_cap = cap;
  }
  return evbuf;
}

// @ts-ignore: decorator
@inline function txlist_of(ep: usize): usize { return ep + offsetof<EventPoll>("txl_next"); }


/**
 * ep_send_events(), the 2007 single-pass transfer, in three parts so the host can let
 * other threads run where Linux drops ep->lock (after each item's re-poll): begin splices
 * rdllist to the set's private txlist (callbacks now chain on ovflist); each step takes the
 * first txlist item, re-polls it and reports revents (already masked by the item's events,
 * which always hold ERR|HUP), re-queues a level-triggered item at the tail of rdllist,
 * leaves an ET item off and disarms a ONESHOT item to its private bits; end puts back what
 * was not transferred (ep_done_scan). `fault` models an unwritable user buffer: the first
 * event that would be copied fails with EFAULT and its item is put back untouched.
 * Must be called with ep->mtx held for the whole transfer.
 */
export function ep_send_begin(ep: usize, maxevents: i32, fault: bool): void {
  if (EP_DEBUG) assert(EP(ep).scanning == 0, "ep_send_begin: a transfer is already running (ep->mtx not held?)");
  INIT_LIST_HEAD(txlist_of(ep));
  ep_start_scan(ep, txlist_of(ep));
  EP(ep).tx_res = 0;
  EP(ep).tx_max = maxevents;
  EP(ep).tx_fault = fault ? 1 : 0;
  EP(ep).tx_done = 0;
}

/**
 * One item: 0 = nothing left to do, 1 = re-polled, not ready, 2 = delivered into slot `slot`
 * of the events buffer (the struct epoll_event, and its undo record in events_log()).
 * Precondition: the buffer holds at least slot + 1 events (events_buffer()).
 */
export function ep_send_step(ep: usize, slot: u32): i32 {
  const txlist = txlist_of(ep);
  if (EP(ep).tx_done != 0 || EP(ep).tx_res >= EP(ep).tx_max || list_empty(txlist)) return 0;
  const l = lh(txlist).next;
  const epi = epi_of_rdllink(l);
  // Hand the item's wakeup source over to the set's for the duration of the transfer.
  const ws = epi_ws(epi);
  if (ws != 0) {
    if (WS(ws).active != 0) __pm_stay_awake(EP(ep).ws);
    __pm_relax(ws);
  }
  list_del_init(l);
  const revents = ep_item_poll(epi, false, 1);
  if (revents == 0) return 1;
  if (EP(ep).tx_fault != 0) {
    list_add(l, txlist);
    ep_pm_stay_awake(epi);
    if (EP(ep).tx_res == 0) EP(ep).tx_res = -EFAULT;
    EP(ep).tx_done = 1;
    return 1;
  }
  const ev = EPI(epi).events;
  const out = evbuf + <usize>slot * EPOLL_EVENT_SIZE;
  store<u32>(out, revents);
  store<u32>(out, EPI(epi).data_lo, 4);
  store<u32>(out, EPI(epi).data_hi, 8);
  // The undo record: the item and its mask before this step (a ONESHOT step disarms it,
  // a level-triggered one re-queues it), for ep_unsend when the copy-out faults.
  const rec = evbuf + <usize>evbuf_cap * EPOLL_EVENT_SIZE + <usize>slot * EP_UNSEND_SIZE;
  step_epi = handle_of(epi);
  store<u32>(rec, step_epi);
  store<u32>(rec, ev, 4);
  EP(ep).tx_res++;
  if ((ev & <u32>EPOLLONESHOT) != 0) EPI(epi).events = ev & EP_PRIVATE_BITS;
  else if ((ev & <u32>EPOLLET) == 0) {
    list_add_tail(l, rdllist_of(ep));
    ep_pm_stay_awake(epi);
  }
  return 2;
}

/** ep_done_scan() for the transfer; returns the count delivered, or -EFAULT. */
export function ep_send_end(ep: usize): i32 {
  ep_done_scan(ep, txlist_of(ep));
  return EP(ep).tx_res;
}

/**
 * The whole transfer at once (no other thread can run): event i goes to slot i of the
 * events buffer, its undo record to events_log(), so the host can give back the events it
 * could not copy to the caller (ep_unsend).
 */
export function ep_send_events(ep: usize, maxevents: i32, fault: bool): i32 {
  const cap = <u32>min<i32>(maxevents, <i32>EP(ep).nitems);
  if (events_buffer(cap == 0 ? 1 : cap) == 0) return -ENOMEM;
  ep_send_begin(ep, maxevents, fault);
  let n: u32 = 0;
  let r: i32;
  while ((r = ep_send_step(ep, n)) != 0) if (r == 2) n++;
  return ep_send_end(ep);
}

/** The undo records of the last ep_send_events (EP_UNSEND_SIZE bytes each). */
export function events_log(): usize {
  return evbuf + <usize>evbuf_cap * EPOLL_EVENT_SIZE;
}

/**
 * Gives back an event that was transferred but could not be copied to the caller, as the
 * fault path of Linux's ep_send_events does (the item goes back to the front of the list,
 * untouched by the transfer: re-armed if it was a ONESHOT, off the tail if it was re-queued
 * as level-triggered). `prev` is the item's mask before its step.
 *  - during a transfer (the copy-out of the step just taken failed): the item goes back to
 *    the head of txlist, the transfer stops, and it counts as not delivered (-EFAULT when it
 *    was the first);
 *  - after a transfer (the host copies the events once it has ended): the item goes to the
 *    head of rdllist — give back the failed event and every later one, last first, so
 *    they keep their order ahead of the rest; ep->wq waiters are woken if the list was empty.
 * An item that has gone meanwhile (the caller's own code ran during the copy) is skipped.
 * Returns 0, or -EBADF for a dead handle, -EINVAL for an item of another set.
 */
export function ep_unsend(ep: usize, epi_h: i32, prev: u32): i32 {
  const epi = from_handle(epi_cache, epi_h);
  if (epi == 0) return -EBADF;
  if (EPI(epi).ep != ep) return -EINVAL;
  // Only what a step did can be undone: the mask is unchanged, or a ONESHOT was disarmed.
  const cur = EPI(epi).events;
  if (cur != prev && !((prev & <u32>EPOLLONESHOT) != 0 && cur == (prev & EP_PRIVATE_BITS))) return -EINVAL;
  const mid = EP(ep).scanning != 0 && EP(ep).tx_done == 0;
  // In mid-transfer, only the item of the step just taken.
  if (mid && (<u32>epi_h != step_epi || EP(ep).tx_res <= 0)) return -EINVAL;
  const l = rdllink_of(epi);
  if (ep_is_linked(epi)) list_del_init(l);
  EPI(epi).events = prev;
  if (mid) {
    list_add(l, txlist_of(ep));
    EP(ep).tx_res--;
    if (EP(ep).tx_res == 0) EP(ep).tx_res = -EFAULT;
    EP(ep).tx_done = 1;
  } else {
    const was_empty = list_empty(rdllist_of(ep));
    list_add(l, rdllist_of(ep));
    if (was_empty && EP(ep).scanning == 0 && EP(ep).wq_active != 0) host_wake_ep(handle_of(ep), 0, 0);
  }
  ep_pm_stay_awake(epi);
  return 0;
}
