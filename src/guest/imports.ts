// The import module "epoll_wasm": one function per syscall of the guest runtime
// (guest/lib/*.c). Arguments are the guest's numbers and pointers; each returns the syscall's
// result or -errno, as Linux does: a pointer range outside the guest's memory is -EFAULT, in
// the order Linux checks it. A call made by a running thread goes to its ThreadSys (a
// scheduling point; it may sleep); one made inside a signal handler goes to the synchronous
// kernel.sys.
//
// Bytes are copied between the guest's memory and the kernel (a read lands in a scratch
// buffer and is copied in once the call returns): the memory may grow while a call sleeps,
// which replaces the ArrayBuffer a view would hold.
import * as U from "../uapi.js";
import type { GuestKernel as Kernel } from "./kernel-view.js";
import type { Sys } from "../sys.js";
import { directCalls, type DirectCalls } from "../thread-sys.js";
import type { EpollEvent, Itimerspec, MsgHdr, PollFd, SockAddr, Timespec } from "../sys.js";
import type { Disposition } from "../kernel/signals.js";
import { ThreadCaller } from "../syscalls/pause.js";
import type { Coroutine, Coroutines } from "./coroutine.js";
import type { GuestMemory } from "./memory.js";
import { Futexes } from "./futex.js";
import { MAX_FDS } from "../kernel/process.js";
import { readSockAddr, storeSockAddr } from "./sockaddr.js";

type Result = number | Promise<number>;
type AnySys = Sys | DirectCalls;

/** What the imports need of the process they serve (src/guest/process.ts). */
export interface GuestHost {
  readonly kernel: Kernel;
  readonly mem: GuestMemory;
  readonly co: Coroutines;
  /** Calls a guest handler on the thread taking the signal. */
  signalHandler(handler: number, flags: number): (sig: number) => void;
  /** The guest handler (and its flags) behind a disposition this process installed. */
  handlerOf(d: Disposition): { handler: number; flags: number } | null;
  /** pthread_create: a new kernel thread running __ew_thread_start(record); its tid. */
  createThread(record: number, stackTop: number, abuf: number, abufSize: number): number;
  /** The coroutine of a thread record (pthread_t), if it is one of this process's. */
  coroutineOf(record: number): Coroutine | null;
  /** exit_group: the process ends with `code`; unwinds the caller. */
  exit(code: number): never;
  /** pthread_exit: the calling thread ends; unwinds it. */
  exitThread(): never;
}

const then = (r: Result, f: (v: number) => number): Result => (typeof r === "number" ? f(r) : r.then(f));
const NS = 1000000000n;
/** sizeof(struct epoll_event) on wasm32: u32 events, 4 bytes padding, u64 data. */
const EVENT_SIZE = 16;
const RLIM_INFINITY = 0xffffffffffffffffn;
/** The most fds a kernel allows (createKernel's maxFds): RLIMIT_NOFILE's hard limit. */
const NR_OPEN = BigInt(MAX_FDS);
/** SIG_IGN of the guest headers (guest/include/signal.h): -2 as an unsigned pointer; 0 is SIG_DFL. */
const SIG_IGN = 0xfffffffe;

export function makeImports(h: GuestHost): Record<string, (...a: number[]) => number> {
  const { kernel, mem: m } = h;
  const futexes = new Futexes();
  /** The syscall layer of the calling thread: its ThreadSys, or kernel.sys inside a handler. */
  const sysOf = (co: Coroutine): AnySys => (co.inHandler > 0 || co.sys === null ? kernel.sys : directCalls(co.sys));
  const timespec = (p: number): Timespec => ({ tv_sec: Number(m.i64(p)), tv_nsec: m.i32(p + 8) });
  const storeTimespec = (p: number, t: Timespec): void => {
    m.setI64(p, BigInt(t.tv_sec));
    m.setI64(p + 8, BigInt(t.tv_nsec));
  };
  const sigset = (p: number): bigint => m.u64(p);
  /** Reads `n` bytes at p for a call that sends them (a copy taken when the call starts). */
  const out = (p: number, n: number): Uint8Array => m.copy(p, n);
  const clockNs = (clk: number): bigint | null =>
    clk === 0 || clk === 5 || clk === 8 ? kernel.clock.realtime() : clk >= 0 && clk <= 11 ? kernel.now() : null;

  // Each function: (co, ...guest args) -> result. Unsigned sizes and pointers are `>>> 0`ed.
  const calls: Record<string, (co: Coroutine, ...a: number[]) => Result> = {
    read: (co, fd, buf, n) => {
      if (!m.ok(buf, n)) return -U.EFAULT;
      const tmp = new Uint8Array(n >>> 0);
      return then(sysOf(co).read(fd, tmp, n >>> 0), (r) => (r > 0 && m.set(buf, tmp.subarray(0, r)), r));
    },
    write: (co, fd, buf, n) => (m.ok(buf, n) ? sysOf(co).write(fd, out(buf, n), n >>> 0) : -U.EFAULT),
    close: (co, fd) => sysOf(co).close(fd),
    pipe2: (co, fds, flags) => {
      if (!m.ok(fds, 8)) return -U.EFAULT;
      const a: number[] = [];
      return then(sysOf(co).pipe2(a, flags), (r) => (r === 0 && (m.setI32(fds, a[0]), m.setI32(fds + 4, a[1])), r));
    },
    dup: (co, fd) => sysOf(co).dup(fd),
    dup2: (co, a, b) => sysOf(co).dup2(a, b),
    dup3: (co, a, b, flags) => sysOf(co).dup3(a, b, flags),
    fcntl: (co, fd, cmd, arg) => sysOf(co).fcntl(fd, cmd, arg),
    ioctl: (co, fd, req, argp) => {
      if (req === 0x5421 /* FIONBIO */) {
        if (!m.ok(argp, 4)) return -U.EFAULT;
        const on = m.i32(argp) !== 0;
        const s = sysOf(co);
        return then(s.fcntl(fd, U.F_GETFL), (fl) => (fl < 0 ? fl : (s.fcntl(fd, U.F_SETFL, on ? fl | U.O_NONBLOCK : fl & ~U.O_NONBLOCK) as number)));
      }
      const o: number[] = [];
      return then(sysOf(co).ioctl(fd, req, o), (r) => {
        if (r < 0) return r;
        if (!m.ok(argp, 4)) return -U.EFAULT;
        m.setI32(argp, o[0] ?? 0);
        return r;
      });
    },
    prlimit: (co, resource, nv, old) => {
      // MODEL: only RLIMIT_NOFILE (7) is the kernel's; the others read as unlimited and stay so.
      if (resource < 0 || resource >= 16) return -U.EINVAL;
      if ((nv !== 0 && !m.ok(nv, 16)) || (old !== 0 && !m.ok(old, 16))) return -U.EFAULT;
      const nofile = resource === 7;
      const cur = nofile ? BigInt(kernel.fdt.maxFds) : RLIM_INFINITY;
      const max = nofile ? NR_OPEN : RLIM_INFINITY;
      if (nv !== 0) {
        const c = m.u64(nv), x = m.u64(nv + 8);
        if (c > x) return -U.EINVAL;
        if (x !== max) return x > max ? -U.EPERM : -U.EINVAL; // MODEL: the hard limit stays
        if (nofile && kernel.fdt.setLimit(Number(c)) < 0) return -U.EINVAL;
      }
      if (old !== 0) m.setU64(old, cur), m.setU64(old + 8, max);
      return 0;
    },
    fd_readlink: (co, fd, buf, len) => {
      const f = kernel.fdt.get(fd);
      if (!f) return -U.ENOENT;
      const ino = f.inode.ino;
      const anon = { epoll: "eventpoll", eventfd: "eventfd", timerfd: "timerfd", signalfd: "signalfd" } as Record<string, string>;
      const text = anon[f.kind] ? `anon_inode:[${anon[f.kind]}]` : f.kind === "pipe" ? `pipe:[${ino}]` : f.kind === "socket" ? `socket:[${ino}]` : f.kind === "memfd" ? "/memfd:m (deleted)" : "/dev/null";
      const bytes = new TextEncoder().encode(text).subarray(0, len >>> 0);
      if (!m.ok(buf, bytes.length)) return -U.EFAULT;
      m.set(buf, bytes);
      return bytes.length;
    },
    close_range: (co, first, last, flags) => {
      if (flags !== 0 || first >>> 0 > last >>> 0) return -U.EINVAL;
      for (const f of kernel.fds()) if (f.fd >= first >>> 0 && f.fd <= last >>> 0) kernel.sys.close(f.fd);
      return 0;
    },

    epoll_create: (co, size) => sysOf(co).epoll_create(size),
    epoll_create1: (co, flags) => sysOf(co).epoll_create1(flags),
    epoll_ctl: (co, epfd, op, fd, ev) => {
      // Linux copies the event in only for ops that take one (ep_op_has_event).
      if (op === U.EPOLL_CTL_DEL || ev === 0) return sysOf(co).epoll_ctl(epfd, op, fd, null);
      if (!m.ok(ev, EVENT_SIZE)) return -U.EFAULT;
      return sysOf(co).epoll_ctl(epfd, op, fd, { events: m.u32(ev), data: m.u64(ev + 8) });
    },
    epoll_pwait: (co, epfd, evs, max, timeout, mask) => {
      const set = mask === 0 ? null : m.ok(mask, 8) ? sigset(mask) : undefined;
      return waitInto(co, epfd, evs, max, (s, arr) => (set === undefined ? -U.EFAULT : s.epoll_pwait(epfd, arr, max, timeout, set)));
    },
    epoll_pwait2: (co, epfd, evs, max, ts, mask) => {
      const set = mask === 0 ? null : m.ok(mask, 8) ? sigset(mask) : undefined;
      const t = ts === 0 ? null : m.ok(ts, 16) ? timespec(ts) : undefined;
      return waitInto(co, epfd, evs, max, (s, arr) => (set === undefined || t === undefined ? -U.EFAULT : s.epoll_pwait2(epfd, arr, max, t, set)));
    },
    poll: (co, fds, nfds, timeout) => {
      if ((nfds >>> 0) > 0x100000 || !m.ok(fds, (nfds >>> 0) * 8)) return nfds >>> 0 > kernel.fdt.maxFds ? -U.EINVAL : -U.EFAULT;
      const arr: PollFd[] = [];
      for (let i = 0; i < nfds >>> 0; i++) arr.push({ fd: m.i32(fds + 8 * i), events: m.u16(fds + 8 * i + 4), revents: 0 });
      return then(sysOf(co).poll(arr, nfds >>> 0, timeout), (r) => {
        if (r >= 0) arr.forEach((p, i) => m.setU16(fds + 8 * i + 6, p.revents));
        return r;
      });
    },
    eventfd2: (co, init, flags) => sysOf(co).eventfd2(init >>> 0, flags),
    timerfd_create: (co, clk, flags) => sysOf(co).timerfd_create(clk, flags),
    timerfd_settime: (co, fd, flags, nv, ov) => {
      if (!m.ok(nv, 32) || (ov !== 0 && !m.ok(ov, 32))) return -U.EFAULT;
      const nvs: Itimerspec = { it_interval: timespec(nv), it_value: timespec(nv + 16) };
      const old: Itimerspec | null = ov === 0 ? null : { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 0 } };
      return then(sysOf(co).timerfd_settime(fd, flags, nvs, old), (r) => {
        if (r === 0 && old) storeTimespec(ov, old.it_interval), storeTimespec(ov + 16, old.it_value);
        return r;
      });
    },
    timerfd_gettime: (co, fd, cur) => {
      const v: Itimerspec = { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 0 } };
      return then(sysOf(co).timerfd_gettime(fd, v), (r) => {
        if (r !== 0) return r;
        if (!m.ok(cur, 32)) return -U.EFAULT;
        storeTimespec(cur, v.it_interval);
        storeTimespec(cur + 16, v.it_value);
        return 0;
      });
    },
    signalfd4: (co, fd, mask, size, flags) => {
      if (size !== 8) return -U.EINVAL;
      if (!m.ok(mask, 8)) return -U.EFAULT;
      return sysOf(co).signalfd(fd, sigset(mask), flags);
    },
    memfd_create: (co, name, flags) => {
      const s = m.cstr(name, 249);
      if (s === null) return m.cstr(name, 1 << 20) === null ? -U.EFAULT : -U.EINVAL;
      return sysOf(co).memfd_create(s, flags >>> 0);
    },

    socket: (co, d, t, p) => sysOf(co).socket(d, t, p),
    socketpair: (co, d, t, p, sv) => {
      const a: number[] = [];
      return then(sysOf(co).socketpair(d, t, p, a), (r) => {
        if (r !== 0) return r;
        if (!m.ok(sv, 8)) {
          // As Linux: the fds are not left installed when they cannot be stored.
          kernel.sys.close(a[0]);
          kernel.sys.close(a[1]);
          return -U.EFAULT;
        }
        m.setI32(sv, a[0]);
        m.setI32(sv + 4, a[1]);
        return 0;
      });
    },
    bind: (co, fd, addr, len) => withAddr(addr, len, (a) => sysOf(co).bind(fd, a)),
    listen: (co, fd, backlog) => sysOf(co).listen(fd, backlog),
    connect: (co, fd, addr, len) => withAddr(addr, len, (a) => sysOf(co).connect(fd, a)),
    accept4: (co, fd, addr, lenp, flags) => {
      if (addr !== 0 && (!m.ok(lenp, 4) || m.i32(lenp) < 0)) return m.ok(lenp, 4) ? -U.EINVAL : -U.EFAULT;
      const a = { family: 0 } as SockAddr;
      return then(sysOf(co).accept4(fd, addr === 0 ? null : a, flags), (r) => {
        if (r >= 0 && addr !== 0 && !storeSockAddr(m, addr, lenp, a)) {
          kernel.sys.close(r);
          return -U.EFAULT;
        }
        return r;
      });
    },
    getsockname: (co, fd, addr, lenp) => nameCall(co, addr, lenp, (s, a) => s.getsockname(fd, a)),
    getpeername: (co, fd, addr, lenp) => nameCall(co, addr, lenp, (s, a) => s.getpeername(fd, a)),
    sendto: (co, fd, buf, len, flags, addr, alen) => {
      if (!m.ok(buf, len)) return -U.EFAULT;
      const bytes = out(buf, len);
      if (addr === 0) return sysOf(co).sendto(fd, bytes, len >>> 0, flags, null);
      return withAddr(addr, alen, (a) => sysOf(co).sendto(fd, bytes, len >>> 0, flags, a));
    },
    recvfrom: (co, fd, buf, len, flags, addr, lenp) => {
      if (!m.ok(buf, len)) return -U.EFAULT;
      const tmp = new Uint8Array(len >>> 0);
      const from = { family: 0 } as SockAddr;
      return then(sysOf(co).recvfrom(fd, tmp, len >>> 0, flags, addr === 0 ? null : from), (r) => {
        if (r < 0) return r;
        m.set(buf, tmp.subarray(0, Math.min(r, tmp.length)));
        if (addr !== 0 && from.family !== 0 && !storeSockAddr(m, addr, lenp, from)) return -U.EFAULT;
        if (addr !== 0 && from.family === 0 && m.ok(lenp, 4)) m.setI32(lenp, 0);
        return r;
      });
    },
    sendmsg: (co, fd, msg, flags) => {
      if (!m.ok(msg, 28)) return -U.EFAULT;
      const iov = readIov(m.u32(msg + 8), m.i32(msg + 12));
      if (typeof iov === "number") return iov;
      const hdr: MsgHdr = { iov: iov.map(([p, n]) => out(p, n)) };
      const rights = readRights(m.u32(msg + 16), m.u32(msg + 20));
      if (typeof rights === "number") return rights;
      if (rights.length) hdr.rights = rights;
      const name = m.u32(msg), namelen = m.u32(msg + 4);
      if (name === 0) return sysOf(co).sendmsg(fd, hdr, flags);
      return withAddr(name, namelen, (a) => ((hdr.name = a), sysOf(co).sendmsg(fd, hdr, flags)));
    },
    recvmsg: (co, fd, msg, flags) => {
      if (!m.ok(msg, 28)) return -U.EFAULT;
      const iov = readIov(m.u32(msg + 8), m.i32(msg + 12));
      if (typeof iov === "number") return iov;
      const bufs = iov.map(([, n]) => new Uint8Array(n));
      const name = m.u32(msg);
      const from = { family: 0 } as SockAddr;
      const hdr: MsgHdr = { iov: bufs, name: name === 0 ? null : from };
      return then(sysOf(co).recvmsg(fd, hdr, flags), (r) => {
        if (r < 0) return r;
        // Only the bytes received: the rest of the caller's buffers stays as it was.
        let left = r;
        iov.forEach(([p], i) => {
          const k = Math.min(left, bufs[i].length);
          if (k > 0) m.set(p, bufs[i].subarray(0, k));
          left -= k;
        });
        let mflags = hdr.flags ?? 0;
        if (name !== 0) {
          if (from.family === 0) m.setI32(msg + 4, 0);
          else if (!storeSockAddr(m, name, msg + 4, from)) return -U.EFAULT;
        }
        // SCM_RIGHTS into the control buffer: the fds that fit; the rest are closed (MSG_CTRUNC).
        const ctl = m.u32(msg + 16), ctllen = m.u32(msg + 20);
        const fds = hdr.rights ?? [];
        const room = ctllen >= 12 ? Math.floor((ctllen - 12) / 4) : 0;
        const kept = fds.slice(0, room);
        for (const x of fds.slice(room)) kernel.sys.close(x);
        if (kept.length < fds.length) mflags |= U.MSG_CTRUNC;
        if (kept.length) {
          if (!m.ok(ctl, 12 + 4 * kept.length)) return -U.EFAULT;
          m.setI32(ctl, 12 + 4 * kept.length);
          m.setI32(ctl + 4, U.SOL_SOCKET);
          m.setI32(ctl + 8, 1 /* SCM_RIGHTS */);
          kept.forEach((x, i) => m.setI32(ctl + 12 + 4 * i, x));
        }
        m.setI32(msg + 20, kept.length ? 12 + 4 * kept.length : 0);
        m.setI32(msg + 24, mflags);
        return r;
      });
    },
    setsockopt: (co, fd, level, name, val, len) => {
      if ((len >>> 0) < 4) return -U.EINVAL;
      if (!m.ok(val, 4)) return -U.EFAULT;
      return sysOf(co).setsockopt(fd, level, name, m.i32(val));
    },
    getsockopt: (co, fd, level, name, val, lenp) => {
      if (!m.ok(lenp, 4)) return -U.EFAULT;
      const want = m.i32(lenp);
      if (want < 0) return -U.EINVAL;
      const o: number[] = [];
      return then(sysOf(co).getsockopt(fd, level, name, o), (r) => {
        if (r < 0) return r;
        const n = Math.min(want, 4);
        if (!m.ok(val, n)) return -U.EFAULT;
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, o[0] ?? 0, true);
        m.set(val, b.subarray(0, n));
        m.setI32(lenp, n);
        return r;
      });
    },
    shutdown: (co, fd, how) => sysOf(co).shutdown(fd, how),

    getpid: () => kernel.main.tid,
    gettid: (co) => (co.thread ? co.thread.tid : kernel.main.tid),
    kill: (co, pid, sig) => sysOf(co).kill(pid, sig),
    tgkill: (co, tgid, tid, sig) => sysOf(co).tgkill(tgid, tid, sig),
    rt_sigaction: (co, sig, act, old) => {
      if ((act !== 0 && !m.ok(act, 20)) || (old !== 0 && !m.ok(old, 20))) return -U.EFAULT;
      let d: Disposition | null = null;
      if (act !== 0) {
        const handler = m.u32(act), flags = m.i32(act + 12), mask = m.u64(act + 4);
        d = handler === 0 ? "default" : handler === SIG_IGN ? "ignore" : { handler: h.signalHandler(handler, flags), flags: flags >>> 0, mask };
      }
      const prev: unknown[] = [];
      return then(sysOf(co).sigaction(sig, d, old === 0 ? null : prev), (r) => {
        if (r === 0 && old !== 0) {
          const p = prev[0] as Disposition;
          const g = typeof p === "object" ? h.handlerOf(p) : null;
          m.setI32(old, p === "default" ? 0 : p === "ignore" ? SIG_IGN : (g?.handler ?? 0));
          m.setU64(old + 4, typeof p === "object" ? (p.mask ?? 0n) : 0n);
          m.setI32(old + 12, typeof p === "object" ? (p.flags ?? 0) : 0);
          m.setI32(old + 16, 0);
        }
        return r;
      });
    },
    rt_sigprocmask: (co, how, set, old) => {
      if ((set !== 0 && !m.ok(set, 8)) || (old !== 0 && !m.ok(old, 8))) return -U.EFAULT;
      const prev: unknown[] = [];
      return then(sysOf(co).sigprocmask(how, set === 0 ? null : sigset(set), old === 0 ? null : prev), (r) => {
        if (r === 0 && old !== 0) m.setU64(old, prev[0] as bigint);
        return r;
      });
    },
    rt_sigpending: (co, set) => {
      if (!m.ok(set, 8)) return -U.EFAULT;
      const o: unknown[] = [];
      return then(sysOf(co).sigpending(o), (r) => (r === 0 && m.setU64(set, o[0] as bigint), r));
    },

    clock_gettime: (co, clk, ts) => {
      const ns = clockNs(clk);
      if (ns === null) return -U.EINVAL;
      if (!m.ok(ts, 16)) return -U.EFAULT;
      storeTimespec(ts, { tv_sec: Number(ns / NS), tv_nsec: Number(ns % NS) });
      return 0;
    },
    clock_nanosleep: (co, clk, flags, req, rem) => {
      const now = clockNs(clk);
      if (now === null || clk === 2 || clk === 3) return -U.EINVAL;
      if (!m.ok(req, 16)) return -U.EFAULT;
      const t = timespec(req);
      if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1e9) return -U.EINVAL;
      let ns = BigInt(t.tv_sec) * NS + BigInt(t.tv_nsec);
      if (flags & 1 /* TIMER_ABSTIME */) ns = ns > now ? ns - now : 0n;
      const start = kernel.now();
      return then(sysOf(co).nanosleep({ tv_sec: Number(ns / NS), tv_nsec: Number(ns % NS) }), (r) => {
        // The time left, for an interrupted relative sleep (an absolute one is simply repeated).
        if (r === -U.EINTR && rem !== 0 && !(flags & 1) && m.ok(rem, 16)) {
          const left = ns - (kernel.now() - start);
          const l = left > 0n ? left : 0n;
          storeTimespec(rem, { tv_sec: Number(l / NS), tv_nsec: Number(l % NS) });
        }
        return r;
      });
    },
    // A scheduling point; signals sent meanwhile are taken as it returns.
    sched_yield: (co) => (co.inHandler > 0 || !co.thread ? 0 : yieldThen(co, () => (new ThreadCaller(kernel, co.thread!).returnToUser(), 0))),

    thread_create: (co, record, stackTop, abuf, size) => h.createThread(record, stackTop, abuf, size),
    thread_join: (co, record) => {
      const t = h.coroutineOf(record);
      if (!t || !t.thread) return -U.ESRCH;
      if (t === co) return -U.EDEADLK;
      if (co.inHandler > 0) return -U.EDEADLK;
      // pthread_join sleeps in the kernel (a futex): the signals that came meanwhile are
      // taken as it returns, before the program goes on.
      const me = co.thread;
      const back = () => {
        if (me) new ThreadCaller(kernel, me).returnToUser();
        return 0;
      };
      return t.thread.join().then(back, back);
    },
    thread_exit: () => h.exitThread(),
    thread_self: (co) => co.record,
    futex_wait: (co, addr, val, abstime) => {
      if (!m.ok(addr, 4) || (abstime !== 0 && !m.ok(abstime, 16))) return -U.EFAULT;
      if (co.inHandler > 0 || !co.thread) return m.i32(addr) === val ? -U.EDEADLK : -U.EAGAIN;
      let deadline = -1n;
      if (abstime !== 0) {
        const t = timespec(abstime);
        deadline = BigInt(t.tv_sec) * NS + BigInt(t.tv_nsec);
        if (deadline < 0n) deadline = 0n; // before the clock's start: already past
      }
      const c = new ThreadCaller(kernel, co.thread);
      return yieldThen(co, () => c.run(futexes.wait(c, addr >>> 0, () => m.ok(addr, 4) && m.i32(addr) === val, deadline)));
    },
    futex_wake: (co, addr, n) => {
      futexes.wake(addr >>> 0, n);
      return 0;
    },
    exit_group: (co, code) => h.exit(code),
  };

  /** A scheduling point for the calling thread, then `f` (as ThreadSys does at each call's entry). */
  function yieldThen(co: Coroutine, f: () => number | Promise<number>): Promise<number> {
    return kernel.sched.yield(co.thread!).then(() => {
      kernel.guard();
      return f();
    });
  }

  function waitInto(co: Coroutine, epfd: number, evs: number, max: number, call: (s: AnySys, arr: EpollEvent[]) => Result): Result {
    // A buffer outside memory is an unmapped user range: access_ok passes, and the call fails
    // with EFAULT only when an event is to be copied (which then stays queued). The kernel
    // does that for an array it cannot store into.
    const arr: EpollEvent[] = m.ok(evs, max * EVENT_SIZE) ? [] : (Object.freeze([]) as unknown as EpollEvent[]);
    return then(call(sysOf(co), arr), (r) => {
      for (let i = 0; i < r; i++) {
        m.setI32(evs + i * EVENT_SIZE, arr[i].events | 0);
        m.setI32(evs + i * EVENT_SIZE + 4, 0);
        m.setU64(evs + i * EVENT_SIZE + 8, arr[i].data);
      }
      return r;
    });
  }

  function withAddr(addr: number, len: number, f: (a: SockAddr) => Result): Result {
    const a = readSockAddr(m, addr, len);
    return typeof a === "number" ? a : f(a);
  }

  function nameCall(co: Coroutine, addr: number, lenp: number, f: (s: AnySys, a: SockAddr) => Result): Result {
    if (!m.ok(lenp, 4)) return -U.EFAULT;
    if (m.i32(lenp) < 0) return -U.EINVAL;
    const a = { family: 0 } as SockAddr;
    return then(f(sysOf(co), a), (r) => (r === 0 && !storeSockAddr(m, addr, lenp, a) ? -U.EFAULT : r));
  }

  /** struct iovec[n] (u32 base, u32 len): the ranges, or -errno. */
  function readIov(p: number, n: number): [number, number][] | number {
    if (n < 0 || n > 1024) return -U.EMSGSIZE;
    if (!m.ok(p, n * 8)) return -U.EFAULT;
    const r: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const base = m.u32(p + 8 * i), len = m.u32(p + 8 * i + 4);
      if (!m.ok(base, len)) return -U.EFAULT;
      r.push([base, len]);
    }
    return r;
  }

  /** The fds of SCM_RIGHTS messages in a control buffer (struct cmsghdr: u32 len, i32 level, i32 type). */
  function readRights(ctl: number, len: number): number[] | number {
    const fds: number[] = [];
    if (ctl === 0 || len === 0) return fds;
    if (!m.ok(ctl, len)) return -U.EFAULT;
    for (let at = 0; at + 12 <= len; ) {
      const clen = m.u32(ctl + at);
      if (clen < 12 || at + clen > len) return -U.EINVAL;
      if (m.i32(ctl + at + 4) === U.SOL_SOCKET && m.i32(ctl + at + 8) === 1) {
        for (let i = 12; i + 4 <= clen; i += 4) fds.push(m.i32(ctl + at + i));
      } else return -U.EINVAL;
      at += (clen + 3) & ~3;
    }
    return fds;
  }

  const imports: Record<string, (...a: number[]) => number> = {};
  for (const [name, fn] of Object.entries(calls)) imports[name] = h.co.wrap(fn, name);
  return imports;
}

/** The import names (for the Asyncify pass: every one of them may suspend the caller). */
export const IMPORT_MODULE = "epoll_wasm";
