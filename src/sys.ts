// kernel.sys: the synchronous syscall layer of docs/API.md. Numbers in, numbers out:
// every call returns >= 0 or -errno, validates all of its arguments before touching any
// state, and never throws for bad user input (only a core abort throws).
import { AF_UNIX, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, EFD_SEMAPHORE, FD_CLOEXEC, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, MFD_ALLOW_SEALING, MFD_CLOEXEC, MFD_EXEC, MFD_NAME_MAX, MFD_NOEXEC_SEAL, O_CLOEXEC, O_DIRECT, O_NONBLOCK, O_NOTIFICATION_PIPE, SHUT_RD, SHUT_RDWR, SOCK_STREAM, TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET } from "./uapi.js";
import * as U from "./uapi.js";
import { EPI_DATA_HI, EPI_DATA_LO, EPI_EVENTS, EPI_FD, EPI_FILE, TF_CAN_POLL, TF_HAS_EVENT, TF_IS_EPOLL, TF_NO_WAKEUP_CAP, TF_SAME_FILE, TF_VALID } from "./abi.js";
import type { Process } from "./kernel/process.js";
import type { OpenFile, PollTable } from "./kernel/file.js";
import { isU8, storeAll, transferFault, writableArray } from "./usermem.js";
import { EventCopier, dataOf, type EpollEvent } from "./core/transfer.js";
export type { EpollEvent };
import { EpollFile } from "./files/epoll.js";
import { createPipe } from "./files/pipe.js";
import { EventFdFile } from "./files/eventfd.js";
import { TimerFdFile, type ItimerNs } from "./files/timerfd.js";
import { SocketFile, createSocketPair } from "./files/socket.js";
import { MemFdFile } from "./files/memfd.js";

/** What epoll_wait fills in: `events` unsigned, `data` the full 64-bit value. */
/** The struct epoll_event given to epoll_ctl(2). */
export interface EpollEventIn {
  /** The EPOLL* bits wanted plus flags (EPOLLET, EPOLLONESHOT, …): a 32-bit integer, signed or unsigned. */
  events: number;
  /** Returned with each event: a bigint (taken mod 2^64) or a safe integer. Default 0. */
  data?: bigint | number;
}
/** A struct pollfd of poll(2). */
export interface PollFd {
  /** The fd to watch; a negative fd is ignored (`revents` 0). */
  fd: number;
  /** The POLL* bits wanted (POLLERR and POLLHUP are reported anyway). */
  events: number;
  /** Filled by poll(): the bits that hold, or POLLNVAL for an fd that is not open. */
  revents: number;
}
/** A struct timespec. */
export interface Timespec {
  /** Seconds (>= 0). */
  tv_sec: number;
  /** Nanoseconds, 0 … 999999999 (otherwise EINVAL). */
  tv_nsec: number;
}
/** A struct itimerspec (timerfd_settime(2), timerfd_gettime(2)). */
export interface Itimerspec {
  /** The period after the first expiry; zero: a one-shot timer. */
  it_interval: Timespec;
  /** The first expiry: relative, or absolute with TFD_TIMER_ABSTIME; zero disarms. */
  it_value: Timespec;
}

/** F_SETFL may change these (O_APPEND, O_NONBLOCK, FASYNC, O_DIRECT, O_NOATIME). */
const SETFL_MASK = 0x400 | O_NONBLOCK | 0x2000 | O_DIRECT | 0x40000;
const EMPTY = new Uint8Array(0);
const AF_MAX = 46, SOCK_MAX = 11, SOCK_TYPE_MASK = 0xf;
/** AF_INET, AF_INET6, AF_NETLINK, AF_PACKET: present, but socketpair() is EOPNOTSUPP. */
const INET_FAMILIES = [2, 10, 16, 17];
const TIMERFD_CLOCKS = [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM];
export const NS_PER_MS = 1000000n;

export const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
/** A C `int` argument. */
export const isCInt = (x: unknown): x is number => isInt(x) && x >= -0x80000000 && x <= 0x7fffffff;
/** A C `unsigned int` given either signed or unsigned. */
const isCUint = (x: unknown): x is number => isInt(x) && x >= -0x80000000 && x <= 0xffffffff;

/** A struct itimerspec: undefined if unreadable (EFAULT); `valid` false if out of range. */
function readItimerspec(v: unknown): { value: bigint; interval: bigint; valid: boolean } | undefined {
  if (v === null || typeof v !== "object") return undefined;
  let iv: unknown, val: unknown;
  try {
    ({ it_interval: iv, it_value: val } = v as Itimerspec);
  } catch {
    return undefined;
  }
  const i = readTimespec(iv);
  const x = readTimespec(val);
  if (!i || !x) return undefined;
  return { value: x.ns, interval: i.ns, valid: i.valid && x.valid };
}

const toTimespec = (ns: bigint): Timespec => ({ tv_sec: Number(ns / 1000000000n), tv_nsec: Number(ns % 1000000000n) });

/** put_itimerspec64: false when the store faulted. */
function storeItimerspec(o: Itimerspec, v: ItimerNs): boolean {
  try {
    o.it_interval = toTimespec(v.interval);
    o.it_value = toTimespec(v.value);
    return true;
  } catch {
    return false;
  }
}

/** A millisecond timeout as nanoseconds (-1n: infinite); 0 makes no bigint. */
export const msToNs = (ms: number): bigint => (ms === 0 ? 0n : ms < 0 ? -1n : BigInt(ms) * NS_PER_MS);

/** A sigset_t: null (none), a bigint bit mask (bit signo - 1), or an array of signal numbers. */
export type Sigmask = bigint | number[] | null | undefined;

/** The sigset as a mask, null for none, undefined if it cannot be read (EFAULT). */
export function readSigmask(m: unknown): bigint | null | undefined {
  if (m === null || m === undefined) return null;
  if (typeof m === "bigint") return BigInt.asUintN(64, m);
  try {
    if (Array.isArray(m)) {
      let mask = 0n;
      for (const sig of m) {
        if (!isInt(sig) || sig < 1 || sig > 64) return undefined;
        mask |= 1n << BigInt(sig - 1);
      }
      return mask;
    }
  } catch {
    /* a trap that throws: unreadable */
  }
  return undefined;
}

/** epoll_pwait2's timeout: ns (-1n = infinite) or -errno. Checked before anything else. */
export function pwait2Timeout(timeout: unknown): bigint | number {
  if (timeout === null || timeout === undefined) return -1n;
  const ts = readTimespec(timeout);
  if (!ts) return -U.EFAULT;
  if (!ts.valid) return -U.EINVAL;
  return ts.ns;
}


/**
 * One pass of do_poll over the requests: each one's revents (a negative fd: 0; a closed
 * one: POLLNVAL; else the file's poll within the request, ERR and HUP always). `tableFor`
 * gives the poll table each file queues its wait entries on (a thread's first pass), or null.
 */
export function pollScan(k: Process, req: PollRequest[], tableFor: ((want: number) => PollTable) | null): number[] {
  return req.map(({ fd, events }) => {
    if (fd < 0) return 0;
    const f = k.fdt.get(fd);
    if (!f) return U.EPOLLNVAL;
    const want = events | U.EPOLLERR | U.EPOLLHUP;
    return f.poll(tableFor ? tableFor(want) : null, 0) & want;
  });
}

/** One pollfd as read at entry: its fd, its requested events, and the object to store into. */
export interface PollRequest {
  fd: number;
  events: number;
  pollfd: PollFd;
}

/** A struct epoll_event as copied in: the mask and the two halves of the data. */
export interface CtlEvent {
  events: number;
  lo: number;
  hi: number;
}

/** Reads a struct epoll_event from the caller; undefined when it cannot be read (EFAULT). */
export function readEvent(ev: unknown): CtlEvent | undefined {
  if (ev === null || typeof ev !== "object") return undefined;
  let events: unknown, data: unknown;
  try {
    ({ events, data } = ev as EpollEventIn);
  } catch {
    return undefined; // a throwing getter or proxy trap: the struct cannot be read
  }
  if (!isCUint(events)) return undefined;
  // The common small-number data needs no bigint.
  if (data === undefined) return { events: events >>> 0, lo: 0, hi: 0 };
  if (typeof data === "number" && data >= 0 && data <= 0xffffffff && Number.isInteger(data)) return { events: events >>> 0, lo: data, hi: 0 };
  let d: bigint;
  if (typeof data === "bigint") d = BigInt.asUintN(64, data);
  else if (isInt(data) && Number.isSafeInteger(data)) d = BigInt.asUintN(64, BigInt(data));
  else return undefined;
  return { events: events >>> 0, lo: Number(d & 0xffffffffn), hi: Number(d >> 32n) };
}

/** A struct timespec: undefined if unreadable (EFAULT); `valid` false if out of range (EINVAL). */
export function readTimespec(ts: unknown): { ns: bigint; valid: boolean } | undefined {
  if (ts === null || typeof ts !== "object") return undefined;
  let s: unknown, n: unknown;
  try {
    ({ tv_sec: s, tv_nsec: n } = ts as Timespec);
  } catch {
    return undefined;
  }
  if (!isInt(s) || !isInt(n)) return undefined;
  const valid = s >= 0 && n >= 0 && n < 1e9;
  return { ns: valid ? BigInt(s) * 1000000000n + BigInt(n) : 0n, valid };
}

/**
 * The helpers the thread layer shares with this one. They are private members of Sys (not
 * reachable through `kernel.sys`); this module hands them to thread-sys.ts only.
 */
export let sysInternals: {
  ctlResolved(s: Sys, epf: OpenFile | undefined, op: number, tf: OpenFile | undefined, fd: number, ev: CtlEvent | undefined): number;
  waitTarget(s: Sys, epfd: number, maxevents: number): EpollFile | number;
  pollRequests(s: Sys, fds: PollFd[], nfds: number, timeout: number): PollRequest[] | number;
  storeRevents(s: Sys, req: PollRequest[], revents: number[], count: number): number;
};

/**
 * `kernel.sys`: the synchronous syscall layer (docs/API.md). Every call returns >= 0 or
 * -errno and never throws for bad input. Nothing blocks the JS thread: with the virtual clock
 * a wait advances time (-EDEADLK if nothing could ever end it); with the real clock it returns
 * -EAGAIN; a read or write that would block returns -EAGAIN.
 */
export class Sys {
  readonly #k: Process;

  static {
    // Every syscall, in one place: refused once the core has aborted (guard), and an
    // exception that host code raised while the call ran reaches its caller (rethrow)
    // after the call has completed. Fixed arity: no rest array on the event path.
    for (const name of Object.getOwnPropertyNames(Sys.prototype)) {
      if (name === "constructor") continue;
      const call = (Sys.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      Object.defineProperty(Sys.prototype, name, {
        value: function (this: Sys, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown): unknown {
          const k = this.#k;
          k.guard();
          const r = call.call(this, a, b, c, d, e);
          k.rethrow();
          return r;
        },
        writable: true,
        configurable: true,
      });
    }
    sysInternals = {
      ctlResolved: (s, ...a) => s.#ctlResolved(...a),
      waitTarget: (s, ...a) => s.#waitTarget(...a),
      pollRequests: (s, ...a) => s.#pollRequests(...a),
      storeRevents: (s, ...a) => s.#storeRevents(...a),
    };
  }

  /** Made by the Kernel: use `kernel.sys`. */
  constructor(k: Process) {
    this.#k = k;
  }

  #file(fd: unknown): OpenFile | undefined {
    return this.#k.fdt.get(fd);
  }

  // ---- epoll ----

  /** epoll_create(2): a new epoll fd; `size` is ignored but must be > 0 (EINVAL); EMFILE when no fd is free. */
  epoll_create(size: number): number {
    if (!isCInt(size) || size <= 0) return -U.EINVAL;
    return this.#do_epoll_create(0);
  }

  /** epoll_create1(2): a new epoll fd; `flags` may only hold EPOLL_CLOEXEC (EINVAL). */
  epoll_create1(flags: number): number {
    if (!isCInt(flags) || (flags & ~U.EPOLL_CLOEXEC) !== 0) return -U.EINVAL;
    return this.#do_epoll_create(flags);
  }

  #do_epoll_create(flags: number): number {
    if (this.#k.fdt.findFree() < 0) return -U.EMFILE;
    const f = this.#k.newEpoll();
    if (typeof f === "number") return f;
    return this.#k.fdt.install(f, (flags & U.EPOLL_CLOEXEC) !== 0);
  }

  /**
   * epoll_ctl(2): EPOLL_CTL_ADD, MOD, DEL (and the EPOLL_CTL_DISABLE extension) of `fd` in the set
   * `epfd`. 0 or -errno: EBADF, EINVAL, EEXIST, ENOENT, EPERM (a file epoll cannot watch), ELOOP,
   * ENOSPC (max_user_watches), ENOMEM, EFAULT (unreadable `event`), EBUSY (DISABLE).
   */
  epoll_ctl(epfd: number, op: number, fd: number, event: EpollEventIn | null): number {
    return this.#ctlResolved(this.#file(epfd), op, this.#file(fd), fd, readEvent(event));
  }

  /**
   * do_epoll_ctl once the event is copied in and both fds are resolved to files (a thread
   * resolves them before it sleeps on ep->mtx, so a concurrent close/dup cannot retarget it).
   */
  #ctlResolved(epf: OpenFile | undefined, op: number, tf: OpenFile | undefined, fd: number, ev: CtlEvent | undefined): number {
    const opv = isCInt(op) ? op : -1;
    let tflags = (ev ? TF_HAS_EVENT : 0) | (this.#k.capBlockSuspend ? 0 : TF_NO_WAKEUP_CAP);
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
    const ep = !epf ? -U.EBADF : epf instanceof EpollFile ? epf.ep : 0;
    const r = this.#k.core.epoll_ctl(ep, opv, tf ? tf.id : 0, isCInt(fd) ? fd : -1, tflags, tep, tf ? tf.epHead : 0,
      ev ? ev.events : 0, ev ? ev.lo : 0, ev ? ev.hi : 0);
    this.#k.rethrow();
    return r;
  }

  /**
   * epoll_wait(2): fills `events` from index 0 with at most `maxevents` ready events; returns the
   * count. `timeout` in ms: -1 infinite, 0 no wait (see the class for what waiting means here).
   */
  epoll_wait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number): number {
    if (!isCInt(timeout)) return -U.EINVAL;
    return this.#do_epoll_wait(epfd, events, null, maxevents, msToNs(timeout));
  }

  /**
   * epoll_wait into a typed array: event i is out[3i] (events), out[3i+1] and out[3i+2]
   * (the low and high words of data). No objects or bigints are made per event, so this is
   * the fast path for benchmarks and runtimes. An `out` shorter than 3 × maxevents words is
   * an unwritable buffer (EFAULT when an event would be copied). Not in Linux: an extension.
   */
  epoll_wait_into(epfd: number, out: Uint32Array, maxevents: number, timeout: number): number {
    if (!isCInt(timeout)) return -U.EINVAL;
    return this.#do_epoll_wait(epfd, null, out, maxevents, msToNs(timeout));
  }

  /** epoll_pwait(2): epoll_wait with a signal mask (`null`: none; EFAULT if unreadable); no signals reach this layer. */
  epoll_pwait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number, sigmask: Sigmask): number {
    if (readSigmask(sigmask) === undefined) return -U.EFAULT;
    return this.epoll_wait(epfd, events, maxevents, timeout);
  }

  /** epoll_pwait2(2): epoll_pwait with a Timespec timeout (`null`: infinite; EINVAL if out of range). */
  epoll_pwait2(epfd: number, events: EpollEvent[], maxevents: number, timeout: Timespec | null, sigmask: Sigmask): number {
    const ns = pwait2Timeout(timeout);
    if (typeof ns === "number") return ns;
    if (readSigmask(sigmask) === undefined) return -U.EFAULT;
    return this.#do_epoll_wait(epfd, events, null, maxevents, ns);
  }

  /** do_epoll_wait's checks, in Linux 6.18's order: the epoll file, or -errno. */
  #waitTarget(epfd: number, maxevents: number): EpollFile | number {
    const f = this.#file(epfd);
    if (!f) return -U.EBADF;
    if (!isCInt(maxevents) || this.#k.core.epoll_wait_check(maxevents) < 0) return -U.EINVAL;
    if (!(f instanceof EpollFile)) return -U.EINVAL;
    return f;
  }

  /** do_epoll_wait + ep_poll for the synchronous layer. `timeoutNs` < 0 = infinite. */
  #do_epoll_wait(epfd: number, events: EpollEvent[] | null, raw: Uint32Array | null, maxevents: number, timeoutNs: bigint): number {
    const core = this.#k.core;
    const f = this.#waitTarget(epfd, maxevents);
    if (typeof f === "number") return f;
    const fault = transferFault(raw ?? events, maxevents, raw !== null);
    const deadline = timeoutNs === 0n ? 0n : timeoutNs < 0n ? -1n : this.#k.now() + timeoutNs;
    for (;;) {
      if (core.events_available(f.ep)) {
        const res = core.epoll_send_events(f.ep, maxevents, fault);
        // MODEL: another thread's transfer holds ep->mtx; this caller cannot sleep on it.
        if (res === -U.EBUSY) return -U.EAGAIN;
        const n = res > 0 ? EventCopier.result(this.#k.copier.copy(f.ep, raw ?? events!, 0, res), res) : res;
        // A file's poll threw during the transfer: the transfer completed (the events it
        // delivered are in the caller's array) and the error goes to the caller.
        this.#k.rethrow();
        if (n !== 0) return n;
      }
      if (timeoutNs === 0n) return 0;
      // Sleep until a timer queues something (then harvest; if that finds nothing after
      // all, sleep on) or the deadline passes (return 0 without harvesting, as ep_poll does
      // when its timer fires while it is still queued on ep->wq).
      const woke = this.#k.sleepUntil(deadline, () => core.events_available(f.ep) === 1);
      if (woke <= 0) return woke;
    }
  }

  /** poll()'s argument checks: the requests to scan, or -errno. */
  #pollRequests(fds: PollFd[], nfds: number, timeout: number): PollRequest[] | number {
    if (!isInt(nfds) || nfds < 0 || nfds > this.#k.fdt.maxFds) return -U.EINVAL;
    if (!isCInt(timeout)) return -U.EINVAL;
    const req: PollRequest[] = [];
    try {
      // nfds 0 reads nothing: poll(NULL, 0, timeout) is the classic portable sleep.
      if (nfds > 0 && (!Array.isArray(fds) || fds.length < nfds)) return -U.EFAULT;
      for (let i = 0; i < nfds; i++) {
        const p = fds[i];
        if (p === null || typeof p !== "object") return -U.EFAULT;
        const { fd, events: ev } = p;
        if (!isCInt(fd) || !isInt(ev)) return -U.EFAULT;
        req.push({ fd, events: ev & 0xffff, pollfd: p });
      }
    } catch {
      return -U.EFAULT; // a getter or proxy trap that throws: the array cannot be read
    }
    return req;
  }

  /** Copies each revents back into the pollfd read at entry; -EFAULT if a store faults. */
  #storeRevents(req: PollRequest[], revents: number[], count: number): number {
    try {
      for (let i = 0; i < req.length; i++) req[i].pollfd.revents = revents[i];
    } catch {
      return -U.EFAULT;
    }
    return count;
  }

  /** poll(2): fills `revents` of `fds[0 … nfds)`; returns how many are non-zero. `timeout` in ms (-1 infinite). */
  poll(fds: PollFd[], nfds: number, timeout: number): number {
    const req = this.#pollRequests(fds, nfds, timeout);
    if (typeof req === "number") return req;
    const scan = (): number[] => pollScan(this.#k, req, null);
    let revents = scan();
    this.#k.rethrow(); // a file's poll that threw (under an epoll fd's scan)
    let count = revents.filter((r) => r !== 0).length;
    if (count === 0 && timeout !== 0) {
      const deadline = timeout < 0 ? -1n : this.#k.now() + msToNs(timeout);
      const woke = this.#k.sleepUntil(deadline, () => {
        revents = scan();
        count = revents.filter((r) => r !== 0).length;
        return count > 0;
      });
      if (woke < 0) return woke;
    }
    return this.#storeRevents(req, revents, count);
  }

  // ---- files ----

  /**
   * pipe2(2): fds[0] gets the read end, fds[1] the write end; flags O_NONBLOCK, O_CLOEXEC, O_DIRECT
   * (packet mode). Capacity 65536 bytes, writes up to PIPE_BUF (4096) atomic.
   */
  pipe2(fds: number[], flags: number): number {
    if (!isCInt(flags) || (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE)) !== 0) return -U.EINVAL;
    // MODEL: like this machine's kernel, built without CONFIG_WATCH_QUEUE.
    if (flags & O_NOTIFICATION_PIPE) return -U.ENOPKG;
    const fdt = this.#k.fdt;
    if (fdt.freeCount(2) < 2) return -U.EMFILE; // both fds must fit before either is installed
    if (!writableArray(fds)) return -U.EFAULT;
    const [rf, wf] = createPipe(flags, this.#k.pipeBuffers);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    return this.#publishFds(fds, fdt.install(this.#k.track(rf), cloexec), fdt.install(this.#k.track(wf), cloexec));
  }

  /**
   * copy_to_user of a new fd pair, then fd_install: when the store faults the fds are taken
   * back (put_unused_fd + fput: nothing else saw them) and the call fails with EFAULT.
   */
  #publishFds(out: number[], a: number, b: number): number {
    if (storeAll(out, [a, b]) === 2) return 0;
    this.#k.fdt.close(b);
    this.#k.fdt.close(a);
    return -U.EFAULT;
  }

  /** pipe(2): pipe2(fds, 0). */
  pipe(fds: number[]): number {
    return this.pipe2(fds, 0);
  }

  /** eventfd(2): an eventfd whose counter starts at `initval`; flags EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC. */
  eventfd(initval: number, flags: number): number {
    if (!isCUint(initval)) return -U.EINVAL;
    if (!isCInt(flags) || (flags & ~(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK)) !== 0) return -U.EINVAL;
    if (this.#k.fdt.findFree() < 0) return -U.EMFILE;
    const f = new EventFdFile(BigInt(initval >>> 0), (flags & EFD_SEMAPHORE) !== 0, flags & O_NONBLOCK);
    return this.#k.fdt.install(this.#k.track(f), (flags & O_CLOEXEC) !== 0);
  }

  /** eventfd2: the system call behind eventfd(2); the same as eventfd(). */
  eventfd2(initval: number, flags: number): number {
    return this.eventfd(initval, flags);
  }

  /**
   * memfd_create(2): an in-memory regular file (epoll_ctl ADD on it gives EPERM); flags MFD_CLOEXEC,
   * MFD_ALLOW_SEALING, MFD_NOEXEC_SEAL, MFD_EXEC; a name over 249 bytes gives EINVAL.
   */
  memfd_create(name: string, flags: number): number {
    if (!isCUint(flags)) return -U.EINVAL;
    const allowed = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC;
    if ((flags & ~allowed) !== 0) return -U.EINVAL;
    if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL)) return -U.EINVAL;
    if (typeof name !== "string") return -U.EFAULT;
    if (new TextEncoder().encode(name).length > MFD_NAME_MAX) return -U.EINVAL;
    if (this.#k.fdt.findFree() < 0) return -U.EMFILE;
    return this.#k.fdt.install(this.#k.track(new MemFdFile(name)), (flags & MFD_CLOEXEC) !== 0);
  }

  /**
   * read(2): up to `count` bytes into `buf` (EFAULT unless it holds `count` bytes); 0 at end of file,
   * -EAGAIN where it would block. eventfd and timerfd give an 8-byte little-endian counter.
   */
  read(fd: number, buf: Uint8Array, count: number): number {
    const f = this.#rwFile(fd, buf, count, "read");
    if (typeof f === "number") return f;
    const r = f.read(buf ?? EMPTY, count);
    return r;
  }

  /**
   * write(2): up to `count` bytes from `buf`; -EAGAIN where it would block, -EPIPE with no reader
   * (no SIGPIPE). An eventfd takes an 8-byte little-endian addend.
   */
  write(fd: number, buf: Uint8Array, count: number): number {
    const f = this.#rwFile(fd, buf, count, "write");
    if (typeof f === "number") return f;
    const r = f.write(buf ?? EMPTY, count);
    return r;
  }

  /** vfs_read/vfs_write checks, in Linux's order: mode (EBADF), no such op (EINVAL), buffer. */
  #rwFile(fd: number, buf: Uint8Array, count: number, dir: "read" | "write"): OpenFile | number {
    const f = this.#file(fd);
    if (!f || !(dir === "read" ? f.readable : f.writable)) return -U.EBADF;
    if (f instanceof EpollFile) return -U.EINVAL; // no f_op->read / f_op->write
    if (!isInt(count)) return -U.EINVAL; // MODEL: C has no NaN or fractional size_t
    // A NULL buffer is fine for a zero-length transfer (access_ok(NULL, 0) passes).
    if ((buf === null || buf === undefined) && count === 0) return f;
    if (!isU8(buf)) return -U.EFAULT;
    // A negative count is a huge size_t: access_ok fails. MODEL: the whole user range must
    // lie inside `buf`, checked up front (Linux may fault part-way through a copy).
    if (count < 0 || count > buf.byteLength) return -U.EFAULT;
    return f;
  }

  /** shutdown(2) of a socket: SHUT_RD, SHUT_WR or SHUT_RDWR; ENOTSOCK for other files. */
  shutdown(fd: number, how: number): number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    if (!(f instanceof SocketFile)) return -U.ENOTSOCK;
    if (!isCInt(how) || how < SHUT_RD || how > SHUT_RDWR) return -U.EINVAL;
    const r = f.shutdownSock(how);
    return r;
  }

  /**
   * socketpair(2): two connected AF_UNIX SOCK_STREAM sockets in sv[0] and sv[1] (`type` may add
   * SOCK_NONBLOCK, SOCK_CLOEXEC); other families and types give EAFNOSUPPORT, EOPNOTSUPP or ESOCKTNOSUPPORT.
   */
  socketpair(domain: number, type: number, protocol: number, sv: number[]): number {
    if (!isCInt(type) || !isCInt(domain) || !isCInt(protocol)) return -U.EINVAL;
    const flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -U.EINVAL;
    const fdt = this.#k.fdt;
    if (fdt.freeCount(2) < 2) return -U.EMFILE;
    const t = type & SOCK_TYPE_MASK;
    if (domain < 0 || domain >= AF_MAX) return -U.EAFNOSUPPORT;
    if (t < 0 || t >= SOCK_MAX) return -U.EINVAL;
    // MODEL: only AF_UNIX is modelled; the inet families exist but cannot make pairs, and
    // every other family is treated as not built into this kernel.
    if (domain !== AF_UNIX) return INET_FAMILIES.includes(domain) ? -U.EOPNOTSUPP : -U.EAFNOSUPPORT;
    if (protocol !== 0 && protocol !== AF_UNIX) return -U.EPROTONOSUPPORT;
    // MODEL: AF_UNIX SOCK_DGRAM, SOCK_SEQPACKET and SOCK_RAW pairs are not modelled yet.
    if (t !== SOCK_STREAM) return -U.ESOCKTNOSUPPORT;
    if (!writableArray(sv)) return -U.EFAULT;
    const [x, y] = createSocketPair(flags & O_NONBLOCK);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    return this.#publishFds(sv, fdt.install(this.#k.track(x), cloexec), fdt.install(this.#k.track(y), cloexec));
  }

  /** timerfd_create(2): a disarmed timerfd on CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME (or an _ALARM clock); flags TFD_NONBLOCK, TFD_CLOEXEC. */
  timerfd_create(clockid: number, flags: number): number {
    if (!isCInt(flags) || (flags & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) return -U.EINVAL;
    if (!isCInt(clockid) || !TIMERFD_CLOCKS.includes(clockid)) return -U.EINVAL;
    if (this.#k.fdt.findFree() < 0) return -U.EMFILE;
    const f = new TimerFdFile(clockid, flags & O_NONBLOCK, this.#k.clock, this.#k.timers);
    return this.#k.fdt.install(this.#k.track(f), (flags & O_CLOEXEC) !== 0);
  }

  /**
   * timerfd_settime(2): arm the timer (a zero `it_value` disarms); flags TFD_TIMER_ABSTIME,
   * TFD_TIMER_CANCEL_ON_SET. The previous setting goes into `oldValue` unless it is null.
   */
  timerfd_settime(fd: number, flags: number, newValue: Itimerspec, oldValue: Itimerspec | null): number {
    const nv = readItimerspec(newValue);
    if (!nv) return -U.EFAULT;
    if (!isCInt(flags) || (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) !== 0 || !nv.valid) return -U.EINVAL;
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    if (!(f instanceof TimerFdFile)) return -U.EINVAL;
    const old = f.settime(flags, nv.value, nv.interval);
    if (oldValue && !storeItimerspec(oldValue, old)) return -U.EFAULT; // as Linux: the timer is set, the copy-out failed
    return 0;
  }

  /** timerfd_gettime(2): the time left to the next expiry and the interval, stored into `currValue`. */
  timerfd_gettime(fd: number, currValue: Itimerspec): number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    if (!(f instanceof TimerFdFile)) return -U.EINVAL;
    if (!storeItimerspec(currValue, f.gettime())) return -U.EFAULT;
    return 0;
  }

  /**
   * The text of /proc/self/fdinfo/<fd>: the common lines (pos, flags in octal with
   * O_CLOEXEC for a close-on-exec fd, mnt_id, ino) and, for an epoll fd, one line per
   * watched item in rb-tree order (ep_show_fdinfo). MODEL: other file types' own lines
   * (eventfd-count, timerfd's clockid/ticks, …) are not produced.
   */
  fdinfo(fd: number): string | number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    const flags = f.flags | (this.#k.fdt.getCloexec(fd) ? O_CLOEXEC : 0);
    const ino = f.inode;
    let text = `pos:\t${f.pos}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${ino.mntId}\nino:\t${ino.ino}\n`;
    if (f instanceof EpollFile) {
      const core = this.#k.core;
      for (let epi = core.ep_item_next(f.ep, 0); epi > 0; epi = core.ep_item_next(f.ep, epi)) {
        const tfd = core.epitem_field(epi, EPI_FD);
        const events = core.epitem_field(epi, EPI_EVENTS) >>> 0;
        const data = dataOf(core.epitem_field(epi, EPI_DATA_LO), core.epitem_field(epi, EPI_DATA_HI));
        const tf = this.#k.fileById(core.epitem_field(epi, EPI_FILE) >>> 0);
        const ti = tf?.inode ?? { ino: 0, sdev: 0 };
        text += `tfd: ${String(tfd).padStart(8)} events: ${events.toString(16).padStart(8)} data: ${data.toString(16).padStart(16)}` +
          `  pos:${tf?.pos ?? 0} ino:${ti.ino.toString(16)} sdev:${ti.sdev.toString(16)}\n`;
      }
    }
    return text;
  }

  // ---- fd table ----

  /**
   * close(2): free the fd. The file (and its items in every epoll set) goes when its last fd and
   * reference go. EBADF if the fd is not open.
   */
  close(fd: number): number {
    if (!isCInt(fd)) return -U.EBADF;
    const r = this.#k.fdt.close(fd);
    return r;
  }

  /** dup(2): the lowest free fd, on the same open file description (FD_CLOEXEC clear). */
  dup(fd: number): number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    return this.#k.fdt.install(f, false);
  }

  /** dup2(2): make `newfd` refer to oldfd's file, closing what it held; `oldfd === newfd` just checks oldfd. */
  dup2(oldfd: number, newfd: number): number {
    if (oldfd === newfd) return this.#file(oldfd) ? newfd : -U.EBADF;
    return this.#dup3impl(oldfd, newfd, 0);
  }

  /** dup3(2): dup2 with O_CLOEXEC allowed in `flags`; `oldfd === newfd` gives EINVAL. */
  dup3(oldfd: number, newfd: number, flags: number): number {
    if (!isCInt(flags) || (flags & ~O_CLOEXEC) !== 0) return -U.EINVAL;
    if (oldfd === newfd) return -U.EINVAL;
    return this.#dup3impl(oldfd, newfd, flags);
  }

  #dup3impl(oldfd: number, newfd: number, flags: number): number {
    if (!isCInt(newfd) || newfd < 0 || newfd >= this.#k.fdt.maxFds) return -U.EBADF;
    if (!this.#file(oldfd)) return -U.EBADF;
    const r = this.#k.fdt.replace(oldfd, newfd, (flags & O_CLOEXEC) !== 0);
    return r;
  }

  /** fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL (O_NONBLOCK, O_APPEND, O_DIRECT, …); other cmds EINVAL. */
  fcntl(fd: number, cmd: number, arg?: number): number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    const fdt = this.#k.fdt;
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC:
        if (!isCInt(arg) || arg < 0 || arg >= fdt.maxFds) return -U.EINVAL;
        return fdt.install(f, cmd === F_DUPFD_CLOEXEC, arg);
      case F_GETFD:
        return fdt.getCloexec(fd) ? FD_CLOEXEC : 0;
      case F_SETFD:
        if (!isCInt(arg)) return -U.EINVAL;
        fdt.setCloexec(fd, (arg & FD_CLOEXEC) !== 0);
        return 0;
      case F_GETFL:
        return f.flags;
      case F_SETFL: {
        if (!isCInt(arg)) return -U.EINVAL;
        if ((arg & O_DIRECT) && !f.setflAllowed(O_DIRECT)) return -U.EINVAL;
        f.flags = (arg & SETFL_MASK) | (f.flags & ~SETFL_MASK);
        return 0;
      }
      default:
        return -U.EINVAL;
    }
  }

  // ---- time ----

  /** nanosleep(2): with the virtual clock, time advances by `req` (timers fire); with the real clock -EAGAIN. */
  nanosleep(req: Timespec): number {
    const ts = readTimespec(req);
    if (!ts) return -U.EFAULT;
    if (!ts.valid) return -U.EINVAL;
    return this.#k.sleepUntil(this.#k.now() + ts.ns, () => false);
  }

  /** usleep(3): nanosleep for `usec` microseconds (EINVAL if negative). */
  usleep(usec: number): number {
    if (!isInt(usec) || usec < 0) return -U.EINVAL;
    return this.#k.sleepUntil(this.#k.now() + BigInt(usec) * 1000n, () => false);
  }
}
