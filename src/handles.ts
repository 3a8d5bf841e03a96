/// <reference lib="esnext.disposable" preserve="true" />
// Idiomatic wrappers for files: objects with read/write/close that throw EpollError, made
// by kernel.pipe(), kernel.socketPair(), kernel.listen(), kernel.connect(), kernel.eventFd()
// and kernel.timerFd().
import type { KernelApi } from "./kernel-api.js";
import { check } from "./errors.js";
import { AF_INET, AF_INET6, EFAULT, EINVAL, F_GETFL, F_SETFL, O_CLOEXEC, O_NONBLOCK } from "./uapi.js";
import type { SockAddr } from "./syscalls/args.js";

import { isU8 } from "./usermem.js";

/** Options objects of the constructors: a plain object whose flags are booleans. */
export function checkOptions<T extends object>(o: unknown, where: string, flags: string[]): T {
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new TypeError(`${where}: options must be an object`);
  for (const f of flags) {
    const v = (o as Record<string, unknown>)[f];
    if (v !== undefined && typeof v !== "boolean") throw new TypeError(`${where}: options.${f} must be a boolean`);
  }
  return o as T;
}

const enc = new TextEncoder();

/** An open fd of a kernel, with the calls that apply to any file. */
export class FileHandle {
  /** The fd, in a box of its own so a frozen handle or a Proxy of one still closes. */
  private readonly box: { fd: number };

  /** Wraps an fd of `kernel` that is already open (kernel.pipe() and the like make these). */
  constructor(
    /** The kernel this fd belongs to. */
    readonly kernel: KernelApi,
    fd: number
  ) {
    this.box = { fd };
  }

  /**
   * The fd number; -1 once closed through this handle, so a closed handle never reaches a
   * later file that reuses the number (every call then fails with EBADF).
   */
  get fd(): number {
    return this.box.fd;
  }

  /** Read up to `max` bytes; an empty array at end of file. Throws EpollError (EAGAIN when it would block). */
  read(max = 65536): Uint8Array {
    if (typeof max !== "number") throw new TypeError("FileHandle.read: max must be a number");
    if (!Number.isInteger(max)) check(-EINVAL, "read"); // as read(2) with a non-integer count
    if (max < 0) check(-EFAULT, "read"); // a negative count is a huge size_t
    // A read returns at most what is there: a buffer larger than a pipe or socket can hold
    // is never needed, however large `max` is.
    const size = Math.min(max, 1 << 20);
    const buf = new Uint8Array(size);
    const n = check(this.kernel.sys.read(this.fd, buf, size), "read");
    return buf.subarray(0, n);
  }


  /** Write bytes (a string is UTF-8 encoded); the count written. Throws EpollError. */
  write(data: Uint8Array | string): number {
    if (typeof data !== "string" && !isU8(data)) throw new TypeError("FileHandle.write: data must be a string or a Uint8Array");
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    return check(this.kernel.sys.write(this.fd, bytes, bytes.length), "write");
  }

  /** Set or clear O_NONBLOCK. */
  setNonblocking(on: boolean): void {
    const flags = check(this.kernel.sys.fcntl(this.fd, F_GETFL), "fcntl");
    check(this.kernel.sys.fcntl(this.fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK), "fcntl");
  }

  /** A new fd for the same open file description (dup). */
  dup(): FileHandle {
    return new FileHandle(this.kernel, check(this.kernel.sys.dup(this.fd), "dup"));
  }

  /**
   * close(2) the fd. The rule for every handle (and Epoll): the first close() closes the fd,
   * later ones do nothing. Throws EpollError only for a failing close(2) — EBADF when the fd
   * was already closed behind the handle's back (through kernel.sys).
   */
  close(): void {
    const fd = this.box.fd;
    if (fd < 0) return;
    this.box.fd = -1;
    check(this.kernel.sys.close(fd), "close");
  }

  /** `using`: close(). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** A connected stream socket (AF_UNIX or TCP): an end of a socketpair, kernel.connect(), or ListenerHandle.accept(). */
export class SocketHandle extends FileHandle {
  /** shutdown(2): "read" (SHUT_RD), "write" (SHUT_WR) or "both" (SHUT_RDWR). */
  shutdown(how: "read" | "write" | "both"): void {
    if (how !== "read" && how !== "write" && how !== "both") throw new TypeError('SocketHandle.shutdown: how must be "read", "write" or "both"');
    check(this.kernel.sys.shutdown(this.fd, how === "read" ? 0 : how === "write" ? 1 : 2), "shutdown");
  }

  /** The peer's name (getpeername(2)): a path, "\0…" (abstract) or "" (unnamed); "host:port" for TCP ("[::1]:port" for IPv6). */
  get peerName(): string {
    return showName(this.peerAddress);
  }

  /** The peer's address (getpeername(2)) as an object: `{ family, path }` or `{ family, addr, port }`. */
  get peerAddress(): SockAddr {
    const out: SockAddr = { family: 0 };
    check(this.kernel.sys.getpeername(this.fd, out), "getpeername");
    return out;
  }

  /** This end's address (getsockname(2)). */
  get address(): SockAddr {
    const out: SockAddr = { family: 0 };
    check(this.kernel.sys.getsockname(this.fd, out), "getsockname");
    return out;
  }
}

/** An address as text: an AF_UNIX path as it is, an internet one as host:port. */
function showName(a: SockAddr): string {
  if (a.family === AF_INET) return `${a.addr}:${a.port}`;
  if (a.family === AF_INET6) return `[${a.addr}]:${a.port}`;
  return a.path ?? "";
}

/** A listening stream socket (kernel.listen(), AF_UNIX or TCP): accept() takes the next connection. */
export class ListenerHandle extends FileHandle {
  /** The name it listens on (getsockname(2)): an AF_UNIX path, or "host:port" for TCP. */
  get name(): string {
    return showName(this.address);
  }

  /** The address it listens on (getsockname(2)) as an object. */
  get address(): SockAddr {
    const out: SockAddr = { family: 0 };
    check(this.kernel.sys.getsockname(this.fd, out), "getsockname");
    return out;
  }

  /** The TCP port it listens on (an ephemeral one when it bound port 0); undefined for AF_UNIX. */
  get port(): number | undefined {
    return this.address.port;
  }

  /** accept4(2): the next connection. Throws EpollError EAGAIN when none waits (a non-blocking listener). */
  accept(options: { nonblock?: boolean; cloexec?: boolean } = {}): SocketHandle {
    checkOptions(options, "ListenerHandle.accept", ["nonblock", "cloexec"]);
    const flags = (options.nonblock ? O_NONBLOCK : 0) | (options.cloexec ? O_CLOEXEC : 0);
    return new SocketHandle(this.kernel, check(this.kernel.sys.accept4(this.fd, null, flags), "accept4"));
  }
}

/** An eventfd: a 64-bit counter. */
export class EventFdHandle extends FileHandle {
  /** Add to the counter (write(2) of a u64). */
  add(n: bigint | number): void {
    if (typeof n !== "bigint" && !(typeof n === "number" && Number.isInteger(n))) throw new TypeError("EventFdHandle.add: n must be an integer or a bigint");
    const v = BigInt(n);
    // What a u64 cannot hold is not a counter value (it must not wrap); ULLONG_MAX is
    // refused by eventfd_write itself.
    if (v < 0n || v > 0xffffffffffffffffn) check(-EINVAL, "write");
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    check(this.kernel.sys.write(this.fd, b, 8), "write");
  }

  /** Take the counter (or 1 in semaphore mode): read(2) of a u64. */
  take(): bigint {
    const b = new Uint8Array(8);
    check(this.kernel.sys.read(this.fd, b, 8), "read");
    return new DataView(b.buffer).getBigUint64(0, true);
  }
}

/** A signalfd (kernel.signalFd()): `take()` reads the pending signals of its mask. */
export class SignalFdHandle extends FileHandle {
  /**
   * The pending signals of its mask, lowest first (read(2) of struct signalfd_siginfo
   * records): `{ signo, code, pid }` each — `code` is SI_USER (0) for kill, SI_TKILL (-6) for
   * tgkill. Throws EpollError EAGAIN when none is pending (a non-blocking signalfd).
   */
  take(max = 16): { signo: number; code: number; pid: number }[] {
    if (!Number.isInteger(max) || max < 1) throw new TypeError("SignalFdHandle.take: max must be a positive integer");
    const b = new Uint8Array(128 * max);
    const n = check(this.kernel.sys.read(this.fd, b, b.length), "read");
    const dv = new DataView(b.buffer);
    const out: { signo: number; code: number; pid: number }[] = [];
    for (let i = 0; i < n; i += 128) out.push({ signo: dv.getUint32(i, true), code: dv.getInt32(i + 8, true), pid: dv.getUint32(i + 12, true) });
    return out;
  }

  /** signalfd(fd, mask): report these signals from now on (numbers). */
  setMask(signals: number[]): void {
    check(this.kernel.sys.signalfd(this.fd, maskOf(signals, "SignalFdHandle.setMask"), 0), "signalfd");
  }
}

/** A bigint signal set (bit sig - 1) from signal numbers 1…64. */
export function maskOf(signals: unknown, what: string): bigint {
  if (!Array.isArray(signals)) throw new TypeError(`${what}: signals must be an array of signal numbers`);
  let m = 0n;
  for (const s of signals) {
    if (!Number.isInteger(s) || s < 1 || s > 64) throw new TypeError(`${what}: ${String(s)} is not a signal number (1-64)`);
    m |= 1n << BigInt(s - 1);
  }
  return m;
}

/** A timerfd on CLOCK_MONOTONIC or CLOCK_REALTIME; times in milliseconds. */
export class TimerFdHandle extends FileHandle {
  /** Arm: first expiry after `afterMs` (or at `atMs` on the timer's clock), then every `intervalMs`. 0 disarms. */
  set(opts: { afterMs?: number; atMs?: number; intervalMs?: number }): void {
    if (opts === null || typeof opts !== "object") throw new TypeError("TimerFdHandle.set: options must be an object");
    const { afterMs, atMs, intervalMs } = opts;
    for (const [k, v] of [["afterMs", afterMs], ["atMs", atMs], ["intervalMs", intervalMs]] as const) {
      if (v !== undefined && typeof v !== "number") throw new TypeError(`TimerFdHandle.set: ${k} must be a number`);
      // An invalid timespec is EINVAL from timerfd_settime, before anything changes.
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) check(-EINVAL, "timerfd_settime");
    }
    const ts = (ms: number) => {
      const ns = Math.round(ms * 1e6);
      return { tv_sec: Math.floor(ns / 1e9), tv_nsec: ns % 1e9 };
    };
    const abs = atMs !== undefined;
    const value = ts(abs ? atMs! : (afterMs ?? 0));
    check(this.kernel.sys.timerfd_settime(this.fd, abs ? 1 : 0, { it_value: value, it_interval: ts(intervalMs ?? 0) }, null), "timerfd_settime");
  }

  /** Expirations since the last read (read(2) of a u64). Throws EAGAIN if none. */
  ticks(): bigint {
    const b = new Uint8Array(8);
    check(this.kernel.sys.read(this.fd, b, 8), "read");
    return new DataView(b.buffer).getBigUint64(0, true);
  }
}
