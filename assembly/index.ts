// The core's ABI: every export the host calls, and nothing else. Integers only; objects
// cross as generation-checked handles (slab.ts), never as raw addresses. Every export
// validates its handles first and answers a stale or foreign one with -EBADF.

import { EBADF, EINVAL, ENOMEM, ENOSYS } from "../src/uapi";
import {
  ep_cache, epi_cache, pwq_cache, EP, EPI, PWQ, ep_alloc, ep_free, ep_remove, do_epoll_ctl,
  ep_send_events, ep_events_available, ep_poll_callback, ep_ptable_queue_proc,
  __ep_eventpoll_poll, events_buffer, set_max_user_watches as _set_max_user_watches,
  epoll_watches, EP_MAX_EVENTS,
} from "./eventpoll";
import { from_handle, handle_of, set_memory_limit as _set_memory_limit, memory_bytes as _memory_bytes } from "./slab";
import { check_invariants } from "./invariants";

/** epoll_create: a new EventPoll for host file `file`; its handle, or -ENOMEM. */
export function epoll_create(file: u32): i32 {
  const ep = ep_alloc(file);
  return ep == 0 ? -ENOMEM : handle_of(ep);
}

/** The epoll file's last reference is gone (ep_eventpoll_release). */
export function epoll_release(ep_h: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  ep_free(ep);
  return 0;
}

/** eventpoll_release_file(): remove one item of a file whose last reference is gone. */
export function epitem_release(epi_h: i32): i32 {
  const epi = from_handle(epi_cache, epi_h);
  if (epi == 0) return -EBADF;
  ep_remove(EPI(epi).ep, epi);
  return 0;
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
  return ep_send_events(ep, maxevents, fault != 0);
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

/** Wait-queue callback for an EppollEntry; returns ewake (0/1) or -EBADF. */
export function poll_callback(pwq_h: i32, key: u32): i32 {
  const pwq = from_handle(pwq_cache, pwq_h);
  if (pwq == 0) return -EBADF;
  return ep_poll_callback(pwq, key);
}

export { ep_ptable_queue_proc as ptable_queue_proc };

/** The host tells the core whether ep->wq (which 0) / ep->poll_wait (which 1) has entries. */
export function set_waitqueue_active(ep_h: i32, which: i32, active: i32): i32 {
  const ep = from_handle(ep_cache, ep_h);
  if (ep == 0) return -EBADF;
  if (which == 0) EP(ep).wq_active = active != 0 ? 1 : 0;
  else if (which == 1) EP(ep).poll_active = active != 0 ? 1 : 0;
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

export function user_watches(): u32 {
  return epoll_watches;
}

/** Live objects per cache: 0 EventPoll, 1 EpItem, 2 EppollEntry. */
export function cache_live(which: i32): i32 {
  if (which == 0) return ep_cache.live;
  if (which == 1) return epi_cache.live;
  if (which == 2) return pwq_cache.live;
  return -EINVAL;
}

/** Debug build: walk every structure; 0 if all invariants hold, else a violation code. */
export function invariants(): i32 {
  return EP_DEBUG ? check_invariants() : -ENOSYS;
}

/** Item introspection for tests and fdinfo: events mask of a live item, or -EBADF. */
export function epitem_events(epi_h: i32): i32 {
  const epi = from_handle(epi_cache, epi_h);
  if (epi == 0) return -EBADF;
  return <i32>EPI(epi).events;
}

// Keep PWQ referenced for tooling that inspects entries (and to type-check it).
export function pwq_item(pwq_h: i32): i32 {
  const pwq = from_handle(pwq_cache, pwq_h);
  if (pwq == 0) return -EBADF;
  return handle_of(PWQ(pwq).base);
}

/**
 * Debug build only: fail an assertion on purpose, so tests can check that an abort inside
 * the core reaches the host as an error naming this file and line. Release: -ENOSYS.
 */
export function debug_selftest_abort(): i32 {
  if (EP_DEBUG) assert(false, "selftest abort requested by the host");
  return -ENOSYS;
}
