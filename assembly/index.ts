// The core's ABI: every export the host calls, and nothing else. Integers only; objects
// cross as generation-checked handles (slab.ts), never as raw addresses. Every export
// validates its handles first and answers a stale or foreign one with -EBADF.

import { EBADF, EBUSY, EINVAL, ENOENT, ENOMEM, ENOSYS } from "../src/uapi";
import {
  ep_cache, epi_cache, pwq_cache, ws_cache, EP, EPI, PWQ, WS, ep_alloc, ep_free, ep_find,
  do_epoll_ctl, eventpoll_release_fep, eventpoll_release_refs, rbn_of, rbr_of, epi_of_rbn, f_ep_busy,
  epi_ws, epi_wait_hooked, wait_entries,
  ep_is_linked, EP_UNACTIVE_PTR, rdllist_of, rdllink_of, epi_of_rdllink, EventPoll,
  ep_send_events, ep_events_available, ep_poll_callback, ep_ptable_queue_proc,
  __ep_eventpoll_poll, events_buffer, set_max_user_watches as _set_max_user_watches,
  epoll_watches, EP_MAX_EVENTS, ep_send_begin, ep_send_step, ep_send_end, events_log, ep_unsend,
} from "./eventpoll";
import { ep_index_first, ep_index_next, set_index_hash, index_hash } from "./epindex";
import { lh, INIT_LIST_HEAD, list_add_tail, list_del_init, list_empty } from "./list";
import { slab_allocs, alloc_bytes } from "./slab";
import { from_handle, handle_of, set_memory_limit as _set_memory_limit, memory_bytes as _memory_bytes, set_failslab as _set_failslab } from "./slab";
import { check_invariants } from "./invariants";
import { fep_reserve, fep_first, fep_capacity, fep_files, ready_word } from "./fep";
import {
  WQ_EP, WQ_POLL, CACHE_EVENTPOLL, CACHE_EPITEM, CACHE_EPPOLL_ENTRY, CACHE_EPITEMS_HEAD, CACHE_WAKEUP_SOURCE,
  EPI_FD, EPI_EVENTS, EPI_DATA_LO, EPI_DATA_HI, EPI_FILE, EPI_LINKED, EPI_CHAINED, LIST_RDLLIST, LIST_OVFLIST, LIST_TXLIST,
  EP_SCANNING, EP_WQ_ACTIVE, EP_POLL_ACTIVE, EP_NITEMS, WS_ACTIVE, WS_EVENT_COUNT, WS_ACTIVE_COUNT, WS_RELAX_COUNT, WATCHER_BUSY,
} from "../src/abi";

/** epoll_create: a new EventPoll for host file `file`; its handle, or -ENOMEM. */
export function epoll_create(file: u32): i32 {
  const ep = ep_alloc(file);
  return ep == 0 ? -ENOMEM : handle_of(ep);
}

/** The epoll file's last reference is gone (ep_eventpoll_release). */
export function epoll_release(ep_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  // Refused while a set watching this one is in mid-transfer (its ovflist may hold our
  // items); the host waits for that transfer, as eventpoll_release_file does.
  if (f_ep_busy(EP(ep).refs)) return -EBUSY;
  // A transfer left open (only a raw caller can do that) is completed first.
  if (EP(ep).scanning != 0) ep_send_end(ep);
  if (EP(ep).refs != 0) eventpoll_release_refs(ep);
  ep_free(ep);
  return 0;
}

/**
 * eventpoll_release_file(): a file's last reference is gone. `file` is its id (0: none),
 * whose f_ep list is emptied; `ep` its EventPoll when it is an epoll file (the items other
 * sets hold on it go too). -EBADF for an id the file table never reserved.
 */
export function eventpoll_release_file(file: u32, ep_h: i32): i32 {
  // Refused while a set watching the file is in mid-transfer: Linux would wait for its
  // ep->mtx; the host waits (defers the release) instead.
  if (file != 0) {
    if (file >= fep_capacity()) return -EBADF;
    if (f_ep_busy(fep_first(file))) return -EBUSY;
  }
  let ep: usize = 0;
  if (ep_h != 0) {
    ep = from_handle(ep_cache, ep_h);
    if (ep == 0) return -EBADF;
    if (f_ep_busy(EP(ep).refs)) return -EBUSY;
  }
  if (file != 0) eventpoll_release_fep(file);
  if (ep != 0) eventpoll_release_refs(ep);
  return 0;
}

/**
 * The host gives file ids out densely; it reserves each id's f_ep word here when it gives
 * one (struct file carries f_ep). 0, or -ENOMEM (epoll_ctl ADD tries again).
 */
export function file_table_reserve(file: u32): i32 {
  return fep_reserve(file) ? 0 : -ENOMEM;
}

/**
 * The byte address of a file's readiness word (fep.ts), for a host file type that keeps
 * it current: READY_VALID | its poll mask, or 0 to be polled through vfs_poll. 0 (no
 * address) if the id has no word. The address stays valid while the core lives.
 */
export function file_ready_word(file: u32): usize {
  return file != 0 && file < fep_capacity() ? ready_word(file) : 0;
}

export { do_epoll_ctl as epoll_ctl };

/**
 * The validation part of do_epoll_wait() that needs no fd table: maxevents range.
 * Returns 0 or -EINVAL.
 */
export function epoll_wait_check(maxevents: i32): i32 {
  return maxevents <= 0 || maxevents > EP_MAX_EVENTS ? -EINVAL : 0;
}

/** ep_send_events into the events buffer (see events_ptr); count or -errno. */
export function epoll_send_events(ep_h: i32, maxevents: i32, fault: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) return -EINVAL;
  if (EP(ep).scanning != 0) return -EBUSY; // another thread's transfer holds ep->mtx
  return ep_send_events(ep, maxevents, fault != 0);
}

/**
 * The sets watching a file (by its id's f_ep list, or `ep_h`'s refs for an epoll file): the
 * EventPoll handle of the `index`-th one (0 past the end; may repeat a set holding several
 * items), or with index -1, 1 if any of them is in mid-transfer (its ep->mtx is held).
 */
export function file_watcher(file: u32, ep_h: i32, index: i32): i32 {
  let first: usize = 0;
  if (file != 0) {
    if (file >= fep_capacity()) return -EBADF;
    first = fep_first(file);
  } else {
    const ep = from_handle(ep_cache, ep_h);
    if (ep == 0) return -EBADF;
    first = EP(ep).refs;
  }
  if (index <= WATCHER_BUSY) return f_ep_busy(first) ? 1 : 0; // any negative index asks "busy?"
  let epi = first;
  for (let i = 0; i < index && epi != 0; i++) epi = EPI(epi).fllink;
  return epi == 0 ? 0 : handle_of(EPI(epi).ep);
}

/** Stepwise transfer (threads): begin, then steps, then end. See ep_send_begin. */
export function epoll_send_begin(ep_h: i32, maxevents: i32, fault: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) return -EINVAL;
  if (EP(ep).scanning != 0) return -EBUSY;
  if (events_buffer(1) == 0) return -ENOMEM; // each step delivers into slot 0
  ep_send_begin(ep, maxevents, fault != 0);
  return 0;
}

/**
 * 0 done, 1 item re-polled (not delivered), 2 delivered: the event is in slot 0 of the
 * events buffer (events_ptr) and its undo record in slot 0 of events_log_ptr.
 */
export function epoll_send_step(ep_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (EP(ep).scanning == 0) return -EINVAL;
  return ep_send_step(ep, 0);
}

/** The undo records of the last epoll_send_events (item handle, mask before; 8 bytes each). */
export function events_log_ptr(): usize {
  return events_log();
}

/**
 * Gives back a transferred event the host could not copy to the caller (see ep_unsend):
 * during a stepwise transfer, the last step's; after a transfer, each failed event from the
 * last to the first. Returns 0 or -errno.
 */
export function epoll_unsend(ep_h: i32, epi_h: i32, prev_events: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  return ep_unsend(ep, epi_h, <u32>prev_events);
}

export function epoll_send_end(ep_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (EP(ep).scanning == 0) return -EINVAL;
  return ep_send_end(ep);
}

/** Address of the packed struct epoll_event array the last transfer wrote. */
export function events_ptr(): usize {
  return events_buffer(1);
}

export function events_available(ep_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  return ep_events_available(ep) ? 1 : 0;
}

/** f_op->poll of an epoll file (poll(), and outer sets' registration poll). */
export function eventpoll_poll(ep_h: i32, depth: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  return <i32>__ep_eventpoll_poll(ep, depth);
}

/**
 * Wait-queue callback of an entry handle (an item's embedded entry: the item's handle
 * negated; else an EppollEntry); returns ewake (0/1) or -EBADF.
 */
export function poll_callback(pwq_h: i32, key: u32): i32 {
  return entry_item(pwq_h) ? ep_poll_callback(entry_epi, key) : -EBADF;
}

let entry_epi: usize = 0;

/** Resolve a wait entry handle to its item (in entry_epi); false if stale or unhooked. */
function entry_item(pwq_h: i32): bool {
  if (pwq_h < 0) {
    if (pwq_h == I32.MIN_VALUE) return false;
    const epi = from_handle(epi_cache, -pwq_h);
    if (epi == 0 || !epi_wait_hooked(epi)) return false;
    entry_epi = epi;
    return true;
  }
  const pwq = from_handle(pwq_cache, pwq_h);
  if (pwq == 0) return false;
  entry_epi = PWQ(pwq).base;
  return true;
}

export { ep_ptable_queue_proc as ptable_queue_proc };

/** The host tells the core whether ep->wq (which 0) / ep->poll_wait (which 1) has entries. */
export function set_waitqueue_active(ep_h: i32, which: i32, active: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (which == WQ_EP) EP(ep).wq_active = active != 0 ? 1 : 0;
  else if (which == WQ_POLL) EP(ep).poll_active = active != 0 ? 1 : 0;
  else return -EINVAL;
  return 0;
}

export function set_max_user_watches(n: u32): void {
  _set_max_user_watches(n);
}

export function set_memory_limit(bytes: u32): i32 {
  return _set_memory_limit(bytes);
}

export function memory_bytes(): u32 {
  return <u32>_memory_bytes();
}

/**
 * `n` slab allocations fail after `skip` more succeed (failslab; the testing toolkit's
 * ENOMEM uses skip 0); returns how many failures were still due.
 */
export function set_failslab(n: u32, skip: u32): u32 {
  return _set_failslab(n, skip);
}

/** Core allocations so far: slab objects handed out (see slab.ts). */
export function core_allocs(): u32 {
  return slab_allocs;
}

export function user_watches(): u32 {
  return epoll_watches;
}

/**
 * Live objects Linux would have, per kind: 0 eventpoll, 1 epitem, 2 eppoll_entry (wait
 * entries, embedded ones included), 3 epitems_head (files with watchers), 4 wakeup_source.
 */
export function cache_live(which: i32): i32 {
  if (which == CACHE_EVENTPOLL) return ep_cache.live;
  if (which == CACHE_EPITEM) return epi_cache.live;
  if (which == CACHE_EPPOLL_ENTRY) return wait_entries;
  if (which == CACHE_EPITEMS_HEAD) return fep_files;
  if (which == CACHE_WAKEUP_SOURCE) return ws_cache.live;
  return -EINVAL;
}

/**
 * Items of a set (fdinfo, kernel.inspect): the item after `epi_h` (0: the first), or 0 — in
 * rb-tree order, or bucket order with the hash index (the host sorts those).
 */
export function ep_item_next(ep_h: i32, epi_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  let n: usize;
  if (epi_h == 0) {
    n = ep_index_first(ep);
  } else {
    const epi = from_handle(epi_cache, epi_h);
    if (epi == 0 || EPI(epi).ep != ep) return -EBADF;
    n = ep_index_next(ep, epi);
  }
  return n == 0 ? 0 : handle_of(n);
}

/**
 * The index of the interest sets: 0 the rb-tree, 1 the 2002 hash table. Only before the
 * first set exists (-EBUSY after), -EINVAL for another value.
 */
export function set_index(mode: i32): i32 {
  if (mode != 0 && mode != 1) return -EINVAL;
  if (ep_cache.top != 0) return -EBUSY;
  set_index_hash(mode == 1);
  return 0;
}

/** The bits of a set's hash index (0 with the rb-tree): how far its table has grown. */
export function ep_hash_bits(ep_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  return index_hash ? <i32>EP(ep).rbr_leftmost : 0;
}

/** ep_find() for introspection: the item handle for (file, fd), 0 if none. */
export function ep_find_item(ep_h: i32, file: u32, fd: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  const epi = ep_find(ep, file, fd);
  return epi == 0 ? 0 : handle_of(epi);
}

/**
 * One field of a live item: 0 fd, 1 events, 2 data low word, 3 data high word, 4 file id,
 * 5 linked (on rdllist or a transfer list), 6 chained on ovflist.
 */
export function epitem_field(epi_h: i32, which: i32): i32 {
  const epi = from_handle(epi_cache, epi_h);
  if (epi == 0) return -EBADF;
  if (which == EPI_FD) return EPI(epi).fd;
  if (which == EPI_EVENTS) return <i32>EPI(epi).events;
  if (which == EPI_DATA_LO) return <i32>EPI(epi).data_lo;
  if (which == EPI_DATA_HI) return <i32>EPI(epi).data_hi;
  if (which == EPI_FILE) return <i32>EPI(epi).file;
  if (which == EPI_LINKED) return ep_is_linked(epi) ? 1 : 0;
  if (which == EPI_CHAINED) return EPI(epi).next != EP_UNACTIVE_PTR ? 1 : 0;
  return -EINVAL;
}

/**
 * Walk a set's lists for introspection: `which` 0 rdllist, 1 ovflist (LIFO, as chained),
 * 2 the transfer list of a transfer in progress. The item after `epi_h` (0: the first),
 * or 0 at the end.
 */
export function ep_list_next(ep_h: i32, which: i32, epi_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  let next: usize = 0;
  if (which == LIST_OVFLIST) {
    if (epi_h == 0) next = EP(ep).ovflist == EP_UNACTIVE_PTR ? 0 : EP(ep).ovflist;
    else {
      const epi = from_handle(epi_cache, epi_h);
      if (epi == 0) return -EBADF;
      next = EPI(epi).next == EP_UNACTIVE_PTR ? 0 : EPI(epi).next;
    }
    return next == 0 ? 0 : handle_of(next);
  }
  if (which != LIST_RDLLIST && which != LIST_TXLIST) return -EINVAL;
  if (which == LIST_TXLIST && EP(ep).scanning == 0) return 0;
  const head = which == LIST_RDLLIST ? rdllist_of(ep) : ep + offsetof<EventPoll>("txl_next");
  let l: usize;
  if (epi_h == 0) l = lh(head).next;
  else {
    const epi = from_handle(epi_cache, epi_h);
    if (epi == 0) return -EBADF;
    l = lh(rdllink_of(epi)).next;
  }
  return l == head ? 0 : handle_of(epi_of_rdllink(l));
}

/** Set state for introspection: 0 transferring (ep->mtx held by a scan), 1 wq active, 2 poll_wait active, 3 items. */
export function ep_field(ep_h: i32, which: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (which == EP_SCANNING) return <i32>EP(ep).scanning;
  if (which == EP_WQ_ACTIVE) return <i32>EP(ep).wq_active;
  if (which == EP_POLL_ACTIVE) return <i32>EP(ep).poll_active;
  if (which == EP_NITEMS) return <i32>EP(ep).nitems;
  return -EINVAL;
}

/**
 * Wakeup-source accounting (EPOLLWAKEUP) of an item (`epi_h`) or, with `epi_h` 0, of the
 * set (`ep_h`): field 0 active, 1 event_count, 2 active_count, 3 relax_count. -ENOENT when
 * there is no source.
 */
export function wakeup_source_field(ep_h: i32, epi_h: i32, which: i32): i32 {
  let ws: usize;
  if (epi_h != 0) {
    const epi = from_handle(epi_cache, epi_h);
    if (epi == 0) return -EBADF;
    ws = epi_ws(epi);
  } else {
    const ep = from_handle(ep_cache, ep_h);
    if (ep == 0) return -EBADF;
    ws = EP(ep).ws;
  }
  if (ws == 0) return -ENOENT;
  if (which == WS_ACTIVE) return <i32>WS(ws).active;
  if (which == WS_EVENT_COUNT) return <i32>WS(ws).event_count;
  if (which == WS_ACTIVE_COUNT) return <i32>WS(ws).active_count;
  if (which == WS_RELAX_COUNT) return <i32>WS(ws).relax_count;
  return -EINVAL;
}

/** Debug build: walk every structure; 0 if all invariants hold, else a violation code. */
export function invariants(): i32 {
  return EP_DEBUG ? check_invariants() : -ENOSYS;
}

/** The item a wait entry handle belongs to (its handle), or -EBADF. */
export function pwq_item(pwq_h: i32): i32 {
  return entry_item(pwq_h) ? handle_of(entry_epi) : -EBADF;
}

/**
 * Debug build only: fail an assertion on purpose, so tests can check that an abort inside
 * the core reaches the host as an error naming this file and line. Release: -ENOSYS.
 */
export function debug_selftest_abort(): i32 {
  if (EP_DEBUG) assert(false, "selftest abort requested by the host");
  return -ENOSYS;
}

// ---- the in-memory floor (npm run bench: the "floor" row) ------------------------------

let floor_nodes: usize = 0;
let floor_cap: i32 = 0;

/**
 * The floor under the event path: `rounds` times, every one of `n` list nodes leaves one
 * list and joins the tail of another (list_del_init + list_add_tail, as an item moves from
 * a ready list to a transfer list), with no file, wait queue or host call. Returns the number
 * of moves (the bench divides its time by it); -EINVAL past 2^30 moves, -ENOMEM if the nodes
 * do not fit.
 */
export function floor_moves(n: i32, rounds: i32): i32 {
  if (n < 1 || rounds < 1 || <i64>n * <i64>rounds > (<i64>1 << 30)) return -EINVAL;
  if (n > floor_cap) {
    const p = alloc_bytes(<usize>(n + 2) << 3);
    if (p == 0) return -ENOMEM;
    floor_nodes = p;
    floor_cap = n;
  }
  const a = floor_nodes, b = floor_nodes + 8;
  INIT_LIST_HEAD(a);
  INIT_LIST_HEAD(b);
  for (let i = 0; i < n; i++) list_add_tail(floor_nodes + (<usize>(i + 2) << 3), a);
  for (let r = 0; r < rounds; r++) {
    const from = (r & 1) == 0 ? a : b, to = (r & 1) == 0 ? b : a;
    while (!list_empty(from)) {
      const e = lh(from).next;
      list_del_init(e);
      list_add_tail(e, to);
    }
  }
  return n * rounds;
}
