// epoll_ctl and the epoll_wait family (fs/eventpoll.c: do_epoll_ctl, do_epoll_wait, ep_poll,
// ep_send_events), written once for kernel.sys and threads (see pause.ts).
//
// ep_poll is Linux's: each waiter queues its own exclusive wait entry on ep->wq and has its
// own timer; a waiter removed from the queue by a wakeup harvests even if its timeout expired
// meanwhile; ep->mtx is held across ep_send_events, which lets other threads run after each
// item's re-poll (where Linux drops ep->lock), and across epoll_ctl.
import { EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, EPOLL_CTL_ADD } from "../uapi.js";
import { TF_CAN_POLL, TF_HAS_EVENT, TF_IS_EPOLL, TF_NO_WAKEUP_CAP, TF_SAME_FILE, TF_VALID } from "../abi.js";
import type { OpenFile } from "../kernel/file.js";
import { EpollFile } from "../files/epoll.js";
import { EventCopier, type EpollEvent } from "../core/transfer.js";
import { transferFault } from "../usermem.js";
import { isCInt, msToNs, pwait2Timeout, readEvent, readSigmask, type CtlEvent, type EpollEventIn, type Sigmask, type Timespec } from "./args.js";
import { PREEMPT, autoremoveEntry, lock, sleep, type Body, type Caller } from "./pause.js";

/** epoll_ctl(2): copy the event in and resolve both fds, then act under ep->mtx. */
export function epoll_ctl(c: Caller, epfd: number, op: number, fd: number, event: EpollEventIn | null): number | Body {
  // Copy the event in and resolve both fds first, as Linux does; a thread then takes ep->mtx
  // (waiting for a transfer in progress to finish) and acts on the files found, even if a
  // close or dup retargets the fds meanwhile.
  const ev = readEvent(event);
  const epf = c.p.fdt.get(epfd);
  const tf = c.p.fdt.get(fd);
  // MODEL: kernel.sys never sleeps on ep->mtx: the core refuses a set in mid-transfer (-EAGAIN).
  if (!(epf instanceof EpollFile) || c.thread === null) return ctlResolved(c, epf, op, tf, fd, ev);
  return ctlLocked(c, epf, op, tf, fd, ev);
}

function* ctlLocked(c: Caller, epf: EpollFile, op: number, tf: OpenFile | undefined, fd: number, ev: CtlEvent | undefined): Body {
  const held = tf ? [epf, tf] : [epf];
  for (const f of held) c.p.fget(f);
  try {
    yield lock(epf.mtx);
    try {
      return ctlResolved(c, epf, op, tf, fd, ev);
    } finally {
      c.unlock(epf.mtx);
    }
  } finally {
    for (const f of held) c.p.fput(f);
  }
}

/** do_epoll_ctl once the event is copied in and both fds are resolved to files. */
function ctlResolved(c: Caller, epf: OpenFile | undefined, op: number, tf: OpenFile | undefined, fd: number, ev: CtlEvent | undefined): number {
  const p = c.p;
  const opv = isCInt(op) ? op : -1;
  let tflags = (ev ? TF_HAS_EVENT : 0) | (p.capBlockSuspend ? 0 : TF_NO_WAKEUP_CAP);
  let tep = 0;
  if (tf) {
    tflags |= TF_VALID;
    if (tf.canPoll) tflags |= TF_CAN_POLL;
    if (tf === epf) tflags |= TF_SAME_FILE;
    if (tf instanceof EpollFile) {
      tflags |= TF_IS_EPOLL;
      tep = tf.ep;
    }
  }
  const ep = !epf ? -EBADF : epf instanceof EpollFile ? epf.ep : 0;
  // The testing toolkit's ENOMEM: ep_insert's first allocation fails (failslab).
  const failslab = p.hooks !== null && opv === EPOLL_CTL_ADD && ep > 0 && p.hooks.fault("enomem", c.thread, `epoll_ctl(ADD fd ${fd})`, 0) !== 0;
  if (failslab) p.core.set_failslab(1);
  p.inserting = epf ?? null;
  const r = p.core.epoll_ctl(ep, opv, tf ? tf.id : 0, isCInt(fd) ? fd : -1, tflags, tep,
    ev ? ev.events : 0, ev ? ev.lo : 0, ev ? ev.hi : 0);
  p.inserting = null;
  if (failslab && p.core.set_failslab(0) !== 0) p.hooks!.faultUnused("enomem"); // refused before allocating
  p.rethrow();
  return r;
}

/** epoll_wait(2). `timeout` in ms: -1 infinite, 0 no wait. */
export function epoll_wait(c: Caller, epfd: number, events: EpollEvent[], maxevents: number, timeout: number): number | Body {
  if (!isCInt(timeout)) return -EINVAL;
  return do_epoll_wait(c, epfd, events, maxevents, msToNs(timeout), null, false);
}

/** epoll_wait into a typed array (3 words an event): the model's allocation-free extension. */
export function epoll_wait_into(c: Caller, epfd: number, out: Uint32Array, maxevents: number, timeout: number): number | Body {
  if (!isCInt(timeout)) return -EINVAL;
  return do_epoll_wait(c, epfd, out, maxevents, msToNs(timeout), null, true);
}

/** epoll_pwait(2): epoll_wait with `sigmask` as the caller's signal mask for the wait. */
export function epoll_pwait(c: Caller, epfd: number, events: EpollEvent[], maxevents: number, timeout: number, sigmask: Sigmask): number | Body {
  const mask = readSigmask(sigmask);
  if (mask === undefined) return -EFAULT;
  if (!isCInt(timeout)) return -EINVAL;
  return do_epoll_wait(c, epfd, events, maxevents, msToNs(timeout), mask, false);
}

/** epoll_pwait2(2): epoll_pwait with a Timespec timeout (null: infinite). */
export function epoll_pwait2(c: Caller, epfd: number, events: EpollEvent[], maxevents: number, timeout: Timespec | null, sigmask: Sigmask): number | Body {
  const ns = pwait2Timeout(timeout);
  if (typeof ns === "number") return ns;
  const mask = readSigmask(sigmask);
  if (mask === undefined) return -EFAULT;
  return do_epoll_wait(c, epfd, events, maxevents, ns, mask, false);
}

/** do_epoll_wait's checks, in Linux 6.18's order: the epoll file, or -errno. */
function waitTarget(c: Caller, epfd: number, maxevents: number): EpollFile | number {
  const f = c.p.fdt.get(epfd);
  if (!f) return -EBADF;
  if (!isCInt(maxevents) || c.p.core.epoll_wait_check(maxevents) < 0) return -EINVAL;
  if (!(f instanceof EpollFile)) return -EINVAL;
  return f;
}

/** do_epoll_wait: the checks, then ep_poll. `timeoutNs` < 0 = infinite; `mask` from epoll_pwait. */
function do_epoll_wait(c: Caller, epfd: number, out: EpollEvent[] | Uint32Array, maxevents: number, timeoutNs: bigint, mask: bigint | null, typed: boolean): number | Body {
  const f = waitTarget(c, epfd, maxevents);
  if (typeof f === "number") return f;
  const fault = transferFault(out, maxevents, typed);
  // The synchronous fast path: a harvest that cannot pause needs no generator.
  if (c.thread === null && timeoutNs === 0n) return c.p.core.events_available(f.ep) ? sendNow(c, f, out, maxevents, fault) : 0;
  if (mask !== null) c.setSigmask(mask);
  return ep_poll(c, f, epfd, out, maxevents, timeoutNs, fault);
}

/** ep_poll(): harvest, else sleep on ep->wq until a wakeup, the deadline or a signal. */
function* ep_poll(c: Caller, f: EpollFile, epfd: number, out: EpollEvent[] | Uint32Array, maxevents: number, timeoutNs: bigint, fault: number): Body {
  const p = c.p;
  const core = p.core;
  const deadline = timeoutNs > 0n ? p.now() + timeoutNs : timeoutNs;
  if (timeoutNs > 0n) c.arm(deadline);
  let timedOut = timeoutNs === 0n;
  p.fget(f); // the file stays alive for the call even if epfd is closed meanwhile
  try {
    let eavail = core.events_available(f.ep) === 1;
    for (;;) {
      if (eavail) {
        const res = yield* send_events(c, f, out, maxevents, fault);
        if (res !== 0) return res;
      }
      if (timedOut) return 0;
      if (c.signalPending()) return c.interrupted();
      // Linux finds nothing, then takes ep->lock to queue itself: other threads may run
      // in between.
      yield PREEMPT;
      const entry = c.thread === null ? null : autoremoveEntry(c, true);
      eavail = core.events_available(f.ep) === 1;
      if (!eavail) {
        if (entry) f.wq.add(entry);
        const woke = yield sleep(deadline, `epoll_wait(epfd ${epfd})`, () => core.events_available(f.ep) === 1, true);
        if (typeof woke === "number") return woke;
        timedOut = woke === "timeout";
      }
      // Removed from ep->wq by a wakeup, the waiter harvests even if it also timed out;
      // still queued after a timeout, no wakeup came: there is nothing to harvest.
      eavail = !timedOut || (entry !== null && !entry.head);
      entry?.head?.remove(entry);
    }
  } finally {
    p.fput(f);
  }
}

/** An exclusive entry on ep->wq that wakes `c` and unlinks itself (ep_autoremove_wake_function). */
/** ep_send_events under ep->mtx; a thread lets others run after each item's re-poll. */
function* send_events(c: Caller, f: EpollFile, out: EpollEvent[] | Uint32Array, maxevents: number, fault: number): Body {
  if (c.thread === null) return sendNow(c, f, out, maxevents, fault);
  const p = c.p;
  const core = p.core;
  yield lock(f.mtx);
  try {
    const r = core.epoll_send_begin(f.ep, maxevents, fault);
    if (r < 0) return r;
    let n = 0;
    for (;;) {
      const step = core.epoll_send_step(f.ep);
      if (step <= 0) break;
      // A delivered event is copied out at once; if the caller's memory faults, the
      // copier gives the item back and the core ends the transfer there.
      if (step === 2) n += p.copier.copy(f.ep, out, n, 1);
      yield PREEMPT; // ep->lock dropped around the re-poll
    }
    return core.epoll_send_end(f.ep);
  } finally {
    c.unlock(f.mtx);
    p.runDeferredReleases();
    p.rethrow(); // a poll that threw during the transfer, now that it is complete
  }
}

/** The whole transfer in one core call: kernel.sys, which nothing can preempt. */
function sendNow(c: Caller, f: EpollFile, out: EpollEvent[] | Uint32Array, maxevents: number, fault: number): number {
  const p = c.p;
  const res = p.core.epoll_send_events(f.ep, maxevents, fault);
  // MODEL: another thread's transfer holds ep->mtx; this caller cannot sleep on it.
  if (res === -EBUSY) return -EAGAIN;
  const n = res > 0 ? EventCopier.result(p.copier.copy(f.ep, out, 0, res), res) : res;
  // A file's poll threw during the transfer: the transfer completed (the events it
  // delivered are in the caller's array) and the error goes to the caller.
  p.rethrow();
  return n;
}
