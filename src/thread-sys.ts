// ThreadSys: kernel.sys for a thread (docs/API.md, Threads). Every call is a scheduling point and
// returns a Promise; the calls that block in Linux (the epoll_wait family, poll, read and
// write on blocking fds, nanosleep) suspend the thread until Linux would return, waking on
// wait queues, on the caller's own timer, or with -EINTR on a signal (never restarted).
//
// ep_poll here is Linux's: each waiter queues its own exclusive wait entry on ep->wq and
// arms its own timer; a waiter removed from the queue by a wakeup harvests even if its
// timeout expired meanwhile; ep->mtx is held across ep_send_events, which lets other
// threads run after each item's re-poll (where Linux drops ep->lock), and across epoll_ctl.
import * as U from "./uapi.js";
import type { Process } from "./kernel/process.js";
import type { Thread } from "./kernel/sched.js";
import type { OpenFile } from "./kernel/file.js";
import { transferFault } from "./usermem.js";
import { WaitEntry, type WaitQueueHead } from "./kernel/waitqueue.js";
import { Timer } from "./kernel/timers.js";
import { EpollFile } from "./files/epoll.js";
import { PipeFile } from "./files/pipe.js";
import { Sys, sysInternals, isCInt, isInt, msToNs, pollScan, pwait2Timeout, readEvent, readSigmask, readTimespec, type EpollEvent, type EpollEventIn, type PollFd, type Sigmask, type Timespec } from "./sys.js";

/**
 * Every call of `kernel.sys` as a thread makes it: the same arguments, a Promise of the same
 * result. ThreadSys implements it, so a call added to Sys cannot be missing from threads.
 */
export type ThreadCalls = { [K in keyof Sys]: Sys[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

/** The calls that never sleep, which a thread makes as a scheduling point and the synchronous call. */
const PASS_THROUGH = [
  "epoll_create", "epoll_create1", "pipe", "pipe2", "socketpair", "eventfd", "eventfd2", "memfd_create",
  "timerfd_create", "timerfd_settime", "timerfd_gettime", "shutdown", "dup", "fcntl", "fdinfo",
] as const satisfies readonly (keyof Sys)[];

/** The pass-through calls of ThreadSys (defined on its prototype from PASS_THROUGH). */
export interface ThreadSys extends Pick<ThreadCalls, (typeof PASS_THROUGH)[number]> {}

/**
 * The `sys` of a thread (docs/API.md, Threads): every method of Sys, returning a Promise. Each call is
 * a scheduling point; calls that block in Linux (the epoll_wait family, poll, read and write on
 * blocking fds, nanosleep) suspend the thread until Linux would return, or -EINTR on a signal.
 */
export class ThreadSys implements ThreadCalls {
  readonly #k: Process;

  // The calls that never sleep: a scheduling point, then the synchronous call (one
  // implementation, in Sys). The others are written below because they can block.
  static {
    for (const name of PASS_THROUGH) {
      Object.defineProperty(ThreadSys.prototype, name, {
        value: async function (this: ThreadSys, ...args: unknown[]): Promise<unknown> {
          await this.#enter();
          return (this.#sys[name] as (...a: unknown[]) => unknown)(...args);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** Made by kernel.spawn() for its thread. */
  readonly #sys: Sys;

  /** Made by kernel.spawn() for its thread: the process, the thread, and the synchronous calls it wraps. */
  constructor(
    k: Process,
    /** The thread this is the `sys` of. */
    readonly thread: Thread,
    sys: Sys
  ) {
    this.#k = k;
    this.#sys = sys;
  }

  /** The entry of every call: a scheduling point. */
  async #enter(): Promise<void> {
    this.#k.guard();
    await this.#k.sched.yield(this.thread);
    this.#k.guard();
  }

  /** A timer that wakes this thread at `deadline` (ns of CLOCK_MONOTONIC); null if none. */
  #deadlineTimer(deadline: bigint, onFire: () => void): Timer | null {
    if (deadline < 0n) return null;
    const t = new Timer(() => {
      onFire();
      this.#k.sched.wake(this.thread, "timeout");
    });
    this.#k.timers.arm(t, deadline);
    return t;
  }

  /** -EINTR for a pending signal: its handler runs (recorded in thread.delivered). */
  #interrupted(): number {
    this.thread.deliverSignal();
    return -U.EINTR;
  }

  // ---- epoll ----

  /** epoll_ctl(2) (Sys.epoll_ctl); waits for ep->mtx while another thread transfers events from the set. */
  async epoll_ctl(epfd: number, op: number, fd: number, event: EpollEventIn | null): Promise<number> {
    await this.#enter();
    // Copy the event in and resolve both fds first, as Linux does; then take ep->mtx
    // (waiting for a transfer in progress to finish) and act on the files found.
    const ev = readEvent(event);
    const epf = this.#k.fdt.get(epfd);
    const tf = this.#k.fdt.get(fd);
    if (!(epf instanceof EpollFile)) return sysInternals.ctlResolved(this.#sys, epf, op, tf, fd, ev);
    const held = tf ? [epf, tf] : [epf];
    for (const f of held) this.#k.fget(f);
    await epf.mtx.lock(this.#k.sched, this.thread);
    try {
      return sysInternals.ctlResolved(this.#sys, epf, op, tf, fd, ev);
    } finally {
      epf.mtx.unlock(this.#k.sched, this.thread);
      for (const f of held) this.#k.fput(f);
    }
  }

  /** epoll_wait(2): blocks until an event, the timeout (ms, -1 infinite) or a signal (-EINTR). */
  async epoll_wait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number): Promise<number> {
    await this.#enter();
    if (!isCInt(timeout)) return -U.EINVAL;
    return this.#do_epoll_wait(epfd, events, maxevents, msToNs(timeout), null);
  }

  /** epoll_wait into a typed array (see Sys.epoll_wait_into), blocking like epoll_wait. */
  async epoll_wait_into(epfd: number, out: Uint32Array, maxevents: number, timeout: number): Promise<number> {
    await this.#enter();
    if (!isCInt(timeout)) return -U.EINVAL;
    return this.#do_epoll_wait(epfd, out, maxevents, msToNs(timeout), null, true);
  }

  /** epoll_pwait(2): epoll_wait with `sigmask` as the thread's signal mask for the wait. */
  async epoll_pwait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number, sigmask: Sigmask): Promise<number> {
    await this.#enter();
    const mask = readSigmask(sigmask);
    if (mask === undefined) return -U.EFAULT;
    if (!isCInt(timeout)) return -U.EINVAL;
    return this.#do_epoll_wait(epfd, events, maxevents, msToNs(timeout), mask);
  }

  /** epoll_pwait2(2): epoll_pwait with a Timespec timeout (`null`: infinite). */
  async epoll_pwait2(epfd: number, events: EpollEvent[], maxevents: number, timeout: Timespec | null, sigmask: Sigmask): Promise<number> {
    await this.#enter();
    const ns = pwait2Timeout(timeout);
    if (typeof ns === "number") return ns;
    const mask = readSigmask(sigmask);
    if (mask === undefined) return -U.EFAULT;
    return this.#do_epoll_wait(epfd, events, maxevents, ns, mask);
  }

  /** do_epoll_wait with the sigmask of epoll_pwait applied for the duration of the wait. */
  async #do_epoll_wait(epfd: number, events: EpollEvent[] | Uint32Array, maxevents: number, timeoutNs: bigint, mask: bigint | null, typed = false): Promise<number> {
    const f = sysInternals.waitTarget(this.#sys, epfd, maxevents);
    if (typeof f === "number") return f;
    const t = this.thread;
    const saved = t.sigmask;
    if (mask !== null) t.sigmask = mask;
    this.#k.fget(f); // the file stays alive for the call even if epfd is closed meanwhile
    try {
      return await this.#ep_poll(f, epfd, events, maxevents, timeoutNs, transferFault(events, maxevents, typed));
    } finally {
      this.#k.fput(f);
      if (mask !== null) {
        t.sigmask = saved;
        // The restored mask lets a signal held off during the wait through: its handler
        // runs as the call returns (it does not interrupt a later call).
        while (t.signalPending()) t.deliverSignal();
      }
    }
  }

  /** ep_poll() */
  async #ep_poll(f: EpollFile, epfd: number, events: EpollEvent[] | Uint32Array, maxevents: number, timeoutNs: bigint, fault: number): Promise<number> {
    const core = this.#k.core;
    const sched = this.#k.sched;
    const t = this.thread;
    let expired = false;
    const timer = timeoutNs > 0n ? this.#deadlineTimer(this.#k.now() + timeoutNs, () => (expired = true)) : null;
    let timedOut = timeoutNs === 0n;
    let eavail = core.events_available(f.ep) === 1;
    try {
      for (;;) {
        if (eavail) {
          const res = await this.#sendEvents(f, events, maxevents, fault);
          if (res !== 0) return res;
        }
        if (timedOut) return 0;
        if (t.signalPending()) return this.#interrupted();
        // Linux finds nothing, then takes ep->lock to queue itself: other threads may run
        // in between.
        await sched.yield(t);
        const entry: WaitEntry = new WaitEntry(() => {
          entry.head?.remove(entry); // ep_autoremove_wake_function
          sched.wake(t, "woken");
          return 1;
        }, true);
        (entry as { owner?: string }).owner = t.name;
        eavail = core.events_available(f.ep) === 1;
        if (!eavail) {
          f.wq.add(entry);
          if (!expired) await sched.block(t, `epoll_wait(epfd ${epfd})`, true);
          timedOut = expired;
        }
        eavail = true;
        if (entry.head) {
          // Still queued, so no wakeup came: after a timeout there is nothing to harvest.
          // (Removed by a wakeup, the waiter harvests even if it also timed out.)
          if (timedOut) eavail = false;
          entry.head.remove(entry);
        }
      }
    } finally {
      if (timer) this.#k.timers.cancel(timer);
    }
  }

  /** ep_send_events under ep->mtx, letting other threads run after each item's re-poll. */
  async #sendEvents(f: EpollFile, out: EpollEvent[] | Uint32Array, maxevents: number, fault: number): Promise<number> {
    const core = this.#k.core;
    const sched = this.#k.sched;
    await f.mtx.lock(sched, this.thread);
    try {
      const r = core.epoll_send_begin(f.ep, maxevents, fault);
      if (r < 0) return r;
      let n = 0;
      for (;;) {
        const step = core.epoll_send_step(f.ep);
        if (step <= 0) break;
        // A delivered event is copied out at once; if the caller's memory faults, the
        // copier gives the item back and the core ends the transfer there.
        if (step === 2) n += this.#k.copier.copy(f.ep, out, n, 1);
        await sched.yield(this.thread); // ep->lock dropped around the re-poll
      }
      return core.epoll_send_end(f.ep);
    } finally {
      f.mtx.unlock(sched, this.thread);
      this.#k.runDeferredReleases();
      this.#k.rethrow(); // a poll that threw during the transfer, now that it is complete
    }
  }

  // ---- poll ----

  /** poll(2): blocks until an fd is ready, the timeout (ms, -1 infinite) or a signal (-EINTR). */
  async poll(fds: PollFd[], nfds: number, timeout: number): Promise<number> {
    await this.#enter();
    const req = sysInternals.pollRequests(this.#sys, fds, nfds, timeout);
    if (typeof req === "number") return req;
    const sched = this.#k.sched;
    const t = this.thread;
    const entries: WaitEntry[] = [];
    let expired = false;
    const timer = timeout > 0 ? this.#deadlineTimer(this.#k.now() + msToNs(timeout), () => (expired = true)) : null;
    let timedOut = timeout === 0;
    try {
      let first = true;
      for (;;) {
        // The first pass queues a pollwake entry on every head each file polls on.
        const revents = pollScan(this.#k, req, !first ? null : (want) => ({
          key: want,
          queue: (head: WaitQueueHead) => {
            const e = new WaitEntry((key) => {
              if (key && !(key & want)) return 0;
              sched.wake(t, "woken");
              return 1;
            }, false);
            head.add(e);
            entries.push(e);
          },
        }));
        first = false;
        this.#k.rethrow();
        const count = revents.filter((r) => r !== 0).length;
        if (count > 0 || timedOut) {
          return sysInternals.storeRevents(this.#sys, req, revents, count);
        }
        if (t.signalPending()) {
          // do_sys_poll copies every revents (all 0 here) out even when interrupted; a
          // store that faults turns -EINTR into -EFAULT. The handler runs either way.
          const stored = sysInternals.storeRevents(this.#sys, req, revents, 0);
          const r = this.#interrupted();
          return stored < 0 ? stored : r;
        }
        if (!expired) await sched.block(t, "poll", true);
        timedOut = expired;
      }
    } finally {
      for (const e of entries) e.head?.remove(e);
      if (timer) this.#k.timers.cancel(timer);
    }
  }

  // ---- read / write ----

  /** read(2): on a blocking fd waits for data (or end of file); -EINTR on a signal. */
  async read(fd: number, buf: Uint8Array, count: number): Promise<number> {
    await this.#enter();
    const f = this.#k.fdt.get(fd);
    const r = this.#sys.read(fd, buf, count);
    if (r !== -U.EAGAIN || !f || f.nonblock) return r;
    return this.#blockingIo(f, fd, "read", () => f.read(buf, count));
  }

  /** write(2): on a blocking fd waits until all `count` bytes are written (or an error after a partial write). */
  async write(fd: number, buf: Uint8Array, count: number): Promise<number> {
    await this.#enter();
    const f = this.#k.fdt.get(fd);
    const r = this.#sys.write(fd, buf, count);
    if (!f || f.nonblock || (r < 0 && r !== -U.EAGAIN) || r === count) return r;
    // A blocking write goes on until everything is written (or an error after a partial).
    let done = Math.max(r, 0);
    return this.#blockingIo(f, fd, "write", () => {
      const n = f.write(buf.subarray(done), count - done);
      if (n > 0) done += n;
      if (done === count) return done;
      if (n === -U.EAGAIN || n > 0) return -U.EAGAIN;
      return done || n;
    });
  }

  /** Sleep on the file's wait queue until `attempt` stops saying -EAGAIN. */
  async #blockingIo(f: OpenFile, fd: number, dir: "read" | "write", attempt: () => number): Promise<number> {
    const w = f.waitHead(dir);
    if (!w) return -U.EAGAIN;
    const sched = this.#k.sched;
    const t = this.thread;
    this.#k.fget(f);
    let slept = false;
    try {
      for (;;) {
        const entry: WaitEntry = new WaitEntry(() => {
          entry.head?.remove(entry);
          sched.wake(t, "woken");
          return 1;
        }, w.exclusive);
        w.head.add(entry); // queue first, then re-check: no wakeup can be lost
        const r = attempt();
        if (r !== -U.EAGAIN) {
          entry.head?.remove(entry);
          // pipe_read / pipe_write: a reader (writer) that slept passes the wakeup on when
          // it leaves data (room) behind.
          if (slept && f instanceof PipeFile && r > 0) f.passWakeup(dir);
          return r;
        }
        if (t.signalPending()) {
          entry.head?.remove(entry);
          return this.#interrupted();
        }
        await sched.block(t, `${dir} on fd ${fd}`, true);
        entry.head?.remove(entry);
        slept = true;
      }
    } finally {
      this.#k.fput(f);
    }
  }

  // ---- time ----

  /** nanosleep(2): sleeps for `req`; -EINTR on a signal. */
  async nanosleep(req: Timespec): Promise<number> {
    await this.#enter();
    const ts = readTimespec(req);
    if (!ts) return -U.EFAULT;
    if (!ts.valid) return -U.EINVAL;
    return this.#sleep(ts.ns);
  }

  /** usleep(3): sleeps for `usec` microseconds; -EINTR on a signal. */
  async usleep(usec: number): Promise<number> {
    await this.#enter();
    if (!isInt(usec) || usec < 0) return -U.EINVAL;
    return this.#sleep(BigInt(usec) * 1000n);
  }

  async #sleep(ns: bigint): Promise<number> {
    const t = this.thread;
    let expired = false;
    const timer = this.#deadlineTimer(this.#k.now() + ns, () => (expired = true))!;
    try {
      while (!expired) {
        if (t.signalPending()) return this.#interrupted();
        await this.#k.sched.block(t, "nanosleep", true);
      }
      return 0;
    } finally {
      this.#k.timers.cancel(timer);
    }
  }

  // ---- fd table: a close that drops the last reference waits for ep->mtx of watchers ----

  /** close(2); dropping the last reference of a file a set is transferring waits for that set's ep->mtx. */
  async close(fd: number): Promise<number> {
    await this.#enter();
    return this.#lastRefGuard(() => this.#k.fdt.get(fd), () => this.#sys.close(fd));
  }

  /** dup2(2); like close(), may wait for ep->mtx before replacing `newfd`. */
  async dup2(oldfd: number, newfd: number): Promise<number> {
    await this.#enter();
    return this.#lastRefGuard(() => (oldfd === newfd ? undefined : this.#k.fdt.get(newfd)), () => this.#sys.dup2(oldfd, newfd));
  }

  /** dup3(2); like close(), may wait for ep->mtx before replacing `newfd`. */
  async dup3(oldfd: number, newfd: number, flags: number): Promise<number> {
    await this.#enter();
    return this.#lastRefGuard(() => (oldfd === newfd ? undefined : this.#k.fdt.get(newfd)), () => this.#sys.dup3(oldfd, newfd, flags));
  }

  /**
   * eventpoll_release takes the ep->mtx of each set watching a file it releases, one at a
   * time: while the close would drop the last reference of a file a set in mid-transfer
   * watches, wait for that set's mutex, then look again. The close itself runs with no
   * scheduling point after the last look, so no transfer can start in between.
   */
  async #lastRefGuard(victimOf: () => OpenFile | undefined, op: () => number): Promise<number> {
    const sched = this.#k.sched;
    for (;;) {
      const victim = victimOf();
      if (!victim || victim.refs !== 1) return op();
      const { eps, busy } = this.#k.watchers(victim);
      const e = busy ? eps.find((x) => x.mtx.owner !== null && x.mtx.owner !== this.thread) : undefined;
      if (!e) return op();
      this.#k.fget(e);
      try {
        await e.mtx.lock(sched, this.thread);
        e.mtx.unlock(sched, this.thread);
      } finally {
        this.#k.fput(e);
      }
    }
  }
}
