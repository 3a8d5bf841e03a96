// kernel.sys: the synchronous syscall layer of docs/API.md. Numbers in, numbers out:
// every call returns >= 0 or -errno, validates all of its arguments before touching any
// state, and never throws for bad user input (only a core abort throws). The calls that can
// sleep are written once in src/syscalls/ and run here by SyncCaller (pause.ts).
import { AF_UNIX, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, EFD_SEMAPHORE, FD_CLOEXEC, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, MFD_ALLOW_SEALING, MFD_CLOEXEC, MFD_EXEC, MFD_NAME_MAX, MFD_NOEXEC_SEAL, O_CLOEXEC, O_DIRECT, O_NONBLOCK, O_NOTIFICATION_PIPE, SHUT_RD, SHUT_RDWR, SOCK_STREAM, TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET } from "./uapi.js";
import * as U from "./uapi.js";
import { EPI_DATA_HI, EPI_DATA_LO, EPI_EVENTS, EPI_FD, EPI_FILE } from "./abi.js";
import type { Process } from "./kernel/process.js";
import type { OpenFile } from "./kernel/file.js";
import { storeAll, writableArray } from "./usermem.js";
import { dataOf, type EpollEvent } from "./core/transfer.js";
import { EpollFile } from "./files/epoll.js";
import { epItems } from "./kernel/inspect.js";
import { createPipe } from "./files/pipe.js";
import { EventFdFile } from "./files/eventfd.js";
import { TimerFdFile } from "./files/timerfd.js";
import { SocketFile, createSocketPair } from "./files/socket.js";
import type { Disposition } from "./kernel/signals.js";
import { InetSocketFile } from "./files/inet-sock.js";
import { shutdown as inetShutdown } from "./syscalls/inet.js";
import { MemFdFile } from "./files/memfd.js";
import { isCInt, isCUint, readItimerspec, storeItimerspec, type EpollEventIn, type Itimerspec, type MsgHdr, type PollFd, type Sigmask, type SockAddr, type Timespec } from "./syscalls/args.js";
import { SyncCaller } from "./syscalls/pause.js";
import * as S from "./syscalls/index.js";
// The event path's calls by name: a direct binding costs less per call than a namespace lookup.
import { epoll_wait as sysEpollWait, epoll_wait_into as sysEpollWaitInto, read as sysRead, write as sysWrite } from "./syscalls/index.js";
export type { EpollEvent, EpollEventIn, Itimerspec, MsgHdr, PollFd, Sigmask, SockAddr, Timespec };

/** F_SETFL may change these (O_APPEND, O_NONBLOCK, FASYNC, O_DIRECT, O_NOATIME). */
const SETFL_MASK = 0x400 | O_NONBLOCK | 0x2000 | O_DIRECT | 0x40000;
const EMPTY = new Uint8Array(0);
const AF_MAX = 46, SOCK_MAX = 11, SOCK_TYPE_MASK = 0xf;
/** AF_INET, AF_INET6, AF_NETLINK, AF_PACKET: present, but socketpair() is EOPNOTSUPP. */
const INET_FAMILIES = [2, 10, 16, 17];
const TIMERFD_CLOCKS = [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM];

/**
 * `kernel.sys`: the synchronous syscall layer (docs/API.md). Every call returns >= 0 or
 * -errno and never throws for bad input. Nothing blocks the JS thread: with the virtual clock
 * a wait advances time (-EDEADLK if nothing could ever end it); with the real clock it returns
 * -EAGAIN; a read or write that would block returns -EAGAIN.
 */
export class Sys {
  readonly #k: Process;
  /** This layer as the caller of the calls that can sleep (src/syscalls/). */
  readonly #c: SyncCaller;

  static {
    // Every syscall, in one place: refused once the core has aborted (guard), and an
    // exception that host code raised while the call ran reaches its caller (rethrow)
    // after the call has completed. Fixed arity (the most any call takes, six): no rest array on
    // the event path.
    for (const name of Object.getOwnPropertyNames(Sys.prototype)) {
      if (name === "constructor") continue;
      const call = (Sys.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      Object.defineProperty(Sys.prototype, name, {
        value: function (this: Sys, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown): unknown {
          const k = this.#k;
          k.guard();
          if (k.hooks !== null) return this.#traced(name, call, [a, b, c, d, e, f]);
          const r = call.call(this, a, b, c, d, e, f);
          k.rethrow();
          // The return to user space of the main thread: its deliverable signals are handled
          // (a thread's own calls deliver to the thread: ThreadSys).
          if (k.signals.dirty && k.sched.current === null) k.deliverMain();
          return r;
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** Calls nested inside a call (pipe calls pipe2): only the outermost is traced. */
  #depth = 0;

  /**
   * A call under the testing toolkit: its footprint and its trace entry (outermost call only).
   * The call gets every argument given (optional ones too); the trace shows them up to the
   * last one given.
   */
  #traced(name: string, call: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    const k = this.#k;
    const h = k.hooks!;
    if (this.#depth === 0) h.fp?.touch(`call:${name}`, true);
    this.#depth++;
    let r: unknown;
    try {
      r = call.apply(this, args);
    } finally {
      this.#depth--;
    }
    k.rethrow();
    if (k.signals.dirty && k.sched.current === null) k.deliverMain();
    if (this.#depth === 0) {
      let n = args.length;
      while (n > 0 && args[n - 1] === undefined) n--;
      h.called(k.sched.current, name, args.slice(0, n), r);
    }
    return r;
  }

  /** Made by the Kernel: use `kernel.sys`. */
  constructor(k: Process) {
    this.#k = k;
    this.#c = new SyncCaller(k);
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
    const k = this.#k;
    if (k.fdt.findFree() < 0) return -U.EMFILE;
    // The testing toolkit's ENOMEM: ep_alloc's allocation fails (failslab).
    const failslab = k.hooks !== null && k.hooks.fault("enomem", k.sched.current, "epoll_create", 0) !== 0;
    if (failslab) k.core.set_failslab(1);
    const f = k.newEpoll();
    if (failslab) k.core.set_failslab(0);
    if (typeof f === "number") return f;
    return this.#k.fdt.install(f, (flags & U.EPOLL_CLOEXEC) !== 0);
  }

  /**
   * epoll_ctl(2): EPOLL_CTL_ADD, MOD, DEL (and the EPOLL_CTL_DISABLE extension) of `fd` in the set
   * `epfd`. 0 or -errno: EBADF, EINVAL, EEXIST, ENOENT, EPERM (a file epoll cannot watch), ELOOP,
   * ENOSPC (max_user_watches), ENOMEM, EFAULT (unreadable `event`), EBUSY (DISABLE).
   */
  epoll_ctl(epfd: number, op: number, fd: number, event: EpollEventIn | null): number {
    return this.#c.run(S.epoll_ctl(this.#c, epfd, op, fd, event));
  }

  /**
   * epoll_wait(2): fills `events` from index 0 with at most `maxevents` ready events; returns the
   * count. `timeout` in ms: -1 infinite, 0 no wait (see the class for what waiting means here).
   */
  epoll_wait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number): number {
    const c = this.#c;
    const r = sysEpollWait(c, epfd, events, maxevents, timeout);
    return typeof r === "number" ? r : c.run(r); // (a call that did not pause needs no runner)
  }

  /**
   * epoll_wait into a typed array: event i is out[3i] (events), out[3i+1] and out[3i+2]
   * (the low and high words of data). No objects or bigints are made per event, so this is
   * the fast path for benchmarks and runtimes. An `out` shorter than 3 × maxevents words is
   * an unwritable buffer (EFAULT when an event would be copied). Not in Linux: an extension.
   */
  epoll_wait_into(epfd: number, out: Uint32Array, maxevents: number, timeout: number): number {
    const c = this.#c;
    const r = sysEpollWaitInto(c, epfd, out, maxevents, timeout);
    return typeof r === "number" ? r : c.run(r); // (a call that did not pause needs no runner)
  }

  /** epoll_pwait(2): epoll_wait with a signal mask (`null`: none; EFAULT if unreadable); no signals reach this layer. */
  epoll_pwait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number, sigmask: Sigmask): number {
    return this.#c.run(S.epoll_pwait(this.#c, epfd, events, maxevents, timeout, sigmask));
  }

  /** epoll_pwait2(2): epoll_pwait with a Timespec timeout (`null`: infinite; EINVAL if out of range). */
  epoll_pwait2(epfd: number, events: EpollEvent[], maxevents: number, timeout: Timespec | null, sigmask: Sigmask): number {
    return this.#c.run(S.epoll_pwait2(this.#c, epfd, events, maxevents, timeout, sigmask));
  }

  /** poll(2): fills `revents` of `fds[0 … nfds)`; returns how many are non-zero. `timeout` in ms (-1 infinite). */
  poll(fds: PollFd[], nfds: number, timeout: number): number {
    return this.#c.run(S.poll(this.#c, fds, nfds, timeout));
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
    const k = this.#k;
    const [rf, wf] = createPipe(flags, k.pipeBuffers, k.ready);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const a = fdt.install(k.track(rf), cloexec);
    const b = fdt.install(k.track(wf), cloexec);
    rf.readyWord = rf.pipe.rdWord = k.ready.wordOf(rf.id);
    wf.readyWord = rf.pipe.wrWord = k.ready.wordOf(wf.id);
    rf.pipe.publish();
    return this.#publishFds(fds, a, b);
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
    const c = this.#c;
    const r = sysRead(c, fd, buf, count);
    return typeof r === "number" ? r : c.run(r); // (a call that did not pause needs no runner)
  }

  /**
   * write(2): up to `count` bytes from `buf`; -EAGAIN where it would block, -EPIPE with no reader
   * (no SIGPIPE). An eventfd takes an 8-byte little-endian addend.
   */
  write(fd: number, buf: Uint8Array, count: number): number {
    const c = this.#c;
    const r = sysWrite(c, fd, buf, count);
    return typeof r === "number" ? r : c.run(r); // (a call that did not pause needs no runner)
  }

  /** shutdown(2) of a socket: SHUT_RD, SHUT_WR or SHUT_RDWR; ENOTSOCK for other files. */
  shutdown(fd: number, how: number): number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    if (!(f instanceof SocketFile) && !(f instanceof InetSocketFile)) return -U.ENOTSOCK;
    if (!isCInt(how) || how < SHUT_RD || how > SHUT_RDWR) return -U.EINVAL;
    return f instanceof SocketFile ? f.shutdownSock(how) : inetShutdown(f, how);
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
    const ut = t === 3 /* SOCK_RAW: unix_create takes it as SOCK_DGRAM */ ? U.SOCK_DGRAM : t;
    if (ut !== SOCK_STREAM && ut !== U.SOCK_DGRAM && ut !== U.SOCK_SEQPACKET) return -U.ESOCKTNOSUPPORT;
    if (!writableArray(sv)) return -U.EFAULT;
    const [x, y] = createSocketPair(flags & O_NONBLOCK, this.#k.unixHost, ut);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    return this.#publishFds(sv, fdt.install(this.#k.track(x), cloexec), fdt.install(this.#k.track(y), cloexec));
  }

  // ---- sockets (AF_UNIX SOCK_STREAM; src/syscalls/socket.ts) ----

  /** socket(2): AF_UNIX SOCK_STREAM (`type` may add SOCK_NONBLOCK, SOCK_CLOEXEC); other families EAFNOSUPPORT, other types ESOCKTNOSUPPORT. */
  socket(domain: number, type: number, protocol: number): number {
    return S.socket(this.#c, domain, type, protocol);
  }

  /** bind(2): `{ family: AF_UNIX, path }` — a path, "\0…" (abstract) or "" (autobind). EADDRINUSE if the name exists, EINVAL if bound. */
  bind(fd: number, addr: SockAddr): number {
    return S.bind(this.#c, fd, addr);
  }

  /** listen(2) on a bound stream socket; `backlog` + 1 connections may wait for accept (above SOMAXCONN: SOMAXCONN). */
  listen(fd: number, backlog: number): number {
    return S.listen(this.#c, fd, backlog);
  }

  /** connect(2) to a listening socket's name: connected on return; ENOENT/ECONNREFUSED/EPROTOTYPE/EISCONN as Linux; EAGAIN while the backlog is full. */
  connect(fd: number, addr: SockAddr): number {
    return this.#c.run(S.connect(this.#c, fd, addr));
  }

  /** accept(2): the next connection as a new fd; `addrOut` (or null) gets the peer's address. EAGAIN if none waits. */
  accept(fd: number, addrOut: SockAddr | null): number {
    return this.#c.run(S.accept(this.#c, fd, addrOut));
  }

  /** accept4(2): accept with SOCK_NONBLOCK and SOCK_CLOEXEC for the new fd. */
  accept4(fd: number, addrOut: SockAddr | null, flags: number): number {
    return this.#c.run(S.accept4(this.#c, fd, addrOut, flags));
  }

  /** getsockname(2): fills `out` with the socket's own address (path "" while unbound). */
  getsockname(fd: number, out: SockAddr): number {
    return S.getsockname(this.#c, fd, out);
  }

  /** getpeername(2): fills `out` with the peer's address; ENOTCONN without a peer. */
  getpeername(fd: number, out: SockAddr): number {
    return S.getpeername(this.#c, fd, out);
  }

  /** send(2): write(2) with flags MSG_DONTWAIT, MSG_NOSIGNAL (MSG_OOB: EOPNOTSUPP). */
  send(fd: number, buf: Uint8Array, len: number, flags: number): number {
    return this.#c.run(S.send(this.#c, fd, buf, len, flags));
  }

  /** sendto(2): send with an address, which a stream socket refuses (EISCONN; EOPNOTSUPP unconnected). */
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: SockAddr | null): number {
    return this.#c.run(S.sendto(this.#c, fd, buf, len, flags, addr));
  }

  /** recv(2): read(2) with flags MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL. */
  recv(fd: number, buf: Uint8Array, len: number, flags: number): number {
    return this.#c.run(S.recv(this.#c, fd, buf, len, flags));
  }

  /** recvfrom(2): recv, and `addrOut` (or null) gets the sender's address when data is read. */
  recvfrom(fd: number, buf: Uint8Array, len: number, flags: number, addrOut: SockAddr | null): number {
    return this.#c.run(S.recvfrom(this.#c, fd, buf, len, flags, addrOut));
  }

  /**
   * sendmsg(2): `msg` is `{ name?, iov: Uint8Array[], rights?: number[] }`; `rights` passes
   * those fds' files over an AF_UNIX socket (SCM_RIGHTS).
   */
  sendmsg(fd: number, msg: MsgHdr, flags: number): number {
    return this.#c.run(S.sendmsg(this.#c, fd, msg, flags));
  }

  /** recvmsg(2): fills `msg.iov`; sets `msg.rights` (fds received), `msg.flags` (MSG_TRUNC, MSG_CTRUNC) and `msg.name` when given. */
  recvmsg(fd: number, msg: MsgHdr, flags: number): number {
    return this.#c.run(S.recvmsg(this.#c, fd, msg, flags));
  }

  /** setsockopt(2), level SOL_SOCKET: SO_SNDBUF, SO_RCVBUF, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_RCVLOWAT (an integer value). */
  setsockopt(fd: number, level: number, name: number, value: number): number {
    return S.setsockopt(this.#c, fd, level, name, value);
  }

  /** getsockopt(2), level SOL_SOCKET: the value into out[0] (also SO_TYPE, SO_ERROR — which clears it — and SO_ACCEPTCONN). */
  getsockopt(fd: number, level: number, name: number, out: number[]): number {
    return S.getsockopt(this.#c, fd, level, name, out);
  }

  /** ioctl(2) FIONREAD: bytes ready to read into out[0] (sockets and pipes); other requests ENOTTY. */
  ioctl(fd: number, request: number, out: number[]): number {
    return S.ioctl(this.#c, fd, request, out);
  }

  /** unlink(2) of a socket's path name: the name is free again (ENOENT if there is none). */
  unlink(path: string): number {
    return S.unlink(this.#c, path);
  }

  // ---- signals (src/syscalls/signal.ts, src/kernel/signals.ts) ----

  /** getpid(2): the process id (1000). */
  getpid(): number {
    return S.getpid(this.#c);
  }

  /** gettid(2): the calling thread's id (kernel.sys: the main thread, = pid; a thread: pid + its number). */
  gettid(): number {
    return S.gettid(this.#c);
  }

  /** kill(2) of this process (pid = getpid(), 0 or -1): ESRCH for another pid, EINVAL for a bad signal; 0 checks only. */
  kill(pid: number, sig: number): number {
    return S.kill(this.#c, pid, sig);
  }

  /** tgkill(2): the signal to one thread (tgid = getpid(), tid = a gettid()). */
  tgkill(tgid: number, tid: number, sig: number): number {
    return S.tgkill(this.#c, tgid, tid, sig);
  }

  /**
   * sigaction(2): `action` is "default", "ignore", `{ handler, flags?, mask? }` (SA_RESTART,
   * SA_NODEFER, SA_RESETHAND) or null (only read); `oldOut[0]` gets the old one.
   */
  sigaction(sig: number, action: Disposition | null, oldOut: unknown[] | null = null): number {
    return S.sigaction(this.#c, sig, action, oldOut);
  }

  /** sigprocmask(2): SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK with a bigint set (bit sig - 1) or null; `oldOut[0]` gets the old mask. */
  sigprocmask(how: number, set: bigint | null, oldOut: unknown[] | null = null): number {
    return S.sigprocmask(this.#c, how, set, oldOut);
  }

  /** sigpending(2): the blocked signals pending for the caller, in `out[0]` (a bigint). */
  sigpending(out: unknown[]): number {
    return S.sigpending(this.#c, out);
  }

  /** signalfd(2) / signalfd4: a signalfd for `mask` (fd -1) or a new mask for one (SFD_NONBLOCK, SFD_CLOEXEC); reads give 128-byte struct signalfd_siginfo records. */
  signalfd(fd: number, mask: bigint, flags = 0): number {
    return S.signalfd(this.#c, fd, mask, flags);
  }

  /** exit_group(2): the process ends with `code`; every thread stops and the caller does not return (ProcessExited is thrown). */
  exit(code: number): number {
    return S.exit(this.#c, code);
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
      for (const epi of epItems(core, f.ep)) {
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
    return this.#c.run(S.close(this.#c, fd));
  }

  /** dup(2): the lowest free fd, on the same open file description (FD_CLOEXEC clear). */
  dup(fd: number): number {
    const f = this.#file(fd);
    if (!f) return -U.EBADF;
    return this.#k.fdt.install(f, false);
  }

  /** dup2(2): make `newfd` refer to oldfd's file, closing what it held; `oldfd === newfd` just checks oldfd. */
  dup2(oldfd: number, newfd: number): number {
    return this.#c.run(S.dup2(this.#c, oldfd, newfd));
  }

  /** dup3(2): dup2 with O_CLOEXEC allowed in `flags`; `oldfd === newfd` gives EINVAL. */
  dup3(oldfd: number, newfd: number, flags: number): number {
    return this.#c.run(S.dup3(this.#c, oldfd, newfd, flags));
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
    return this.#c.run(S.nanosleep(this.#c, req));
  }

  /** usleep(3): nanosleep for `usec` microseconds (EINVAL if negative). */
  usleep(usec: number): number {
    return this.#c.run(S.usleep(this.#c, usec));
  }
}
