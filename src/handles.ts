// Idiomatic wrappers for files: objects with read/write/close that throw EpollError, made
// by kernel.pipe(), kernel.socketPair(), kernel.eventFd() and kernel.timerFd().
import type { Kernel } from "./kernel/kernel.js";
import { check } from "./errors.js";

const enc = new TextEncoder();

/** An open fd of a kernel, with the calls that apply to any file. */
export class FileHandle {
  /** Wraps an fd of `kernel` that is already open (kernel.pipe() and the like make these). */
  constructor(
    protected readonly kernel: Kernel,
    /** The fd number. */
    readonly fd: number
  ) {}

  /** Read up to `max` bytes; an empty array at end of file. Throws EpollError (EAGAIN when it would block). */
  read(max = 65536): Uint8Array {
    const buf = new Uint8Array(max);
    const n = check(this.kernel.sys.read(this.fd, buf, max), "read");
    return buf.subarray(0, n);
  }

  /** Write bytes (a string is UTF-8 encoded); the count written. Throws EpollError. */
  write(data: Uint8Array | string): number {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    return check(this.kernel.sys.write(this.fd, bytes, bytes.length), "write");
  }

  /** Set or clear O_NONBLOCK. */
  setNonblocking(on: boolean): void {
    const flags = check(this.kernel.sys.fcntl(this.fd, 3 /* F_GETFL */), "fcntl");
    check(this.kernel.sys.fcntl(this.fd, 4 /* F_SETFL */, on ? flags | 0x800 : flags & ~0x800), "fcntl");
  }

  /** A new fd for the same open file description (dup). */
  dup(): FileHandle {
    return new FileHandle(this.kernel, check(this.kernel.sys.dup(this.fd), "dup"));
  }

  /** close(2) the fd. Throws EpollError (EBADF if already closed). */
  close(): void {
    check(this.kernel.sys.close(this.fd), "close");
  }

  /** `using`: close the fd if it is still open. */
  [Symbol.dispose](): void {
    if (this.kernel.fdt.get(this.fd)) this.close();
  }
}

/** One end of an AF_UNIX stream socketpair. */
export class SocketHandle extends FileHandle {
  /** shutdown(2): "read" (SHUT_RD), "write" (SHUT_WR) or "both" (SHUT_RDWR). */
  shutdown(how: "read" | "write" | "both"): void {
    check(this.kernel.sys.shutdown(this.fd, how === "read" ? 0 : how === "write" ? 1 : 2), "shutdown");
  }
}

/** An eventfd: a 64-bit counter. */
export class EventFdHandle extends FileHandle {
  /** Add to the counter (write(2) of a u64). */
  add(n: bigint | number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    check(this.kernel.sys.write(this.fd, b, 8), "write");
  }
  /** Take the counter (or 1 in semaphore mode): read(2) of a u64. */
  take(): bigint {
    const b = new Uint8Array(8);
    check(this.kernel.sys.read(this.fd, b, 8), "read");
    return new DataView(b.buffer).getBigUint64(0, true);
  }
}

/** A timerfd on CLOCK_MONOTONIC or CLOCK_REALTIME; times in milliseconds. */
export class TimerFdHandle extends FileHandle {
  /** Arm: first expiry after `afterMs` (or at `atMs` on the timer's clock), then every `intervalMs`. 0 disarms. */
  set(opts: { afterMs?: number; atMs?: number; intervalMs?: number }): void {
    const ts = (ms: number) => ({ tv_sec: Math.floor(ms / 1000), tv_nsec: Math.round((ms % 1000) * 1e6) });
    const abs = opts.atMs !== undefined;
    const value = ts(abs ? opts.atMs! : (opts.afterMs ?? 0));
    check(this.kernel.sys.timerfd_settime(this.fd, abs ? 1 : 0, { it_value: value, it_interval: ts(opts.intervalMs ?? 0) }, null), "timerfd_settime");
  }
  /** Expirations since the last read (read(2) of a u64). Throws EAGAIN if none. */
  ticks(): bigint {
    const b = new Uint8Array(8);
    check(this.kernel.sys.read(this.fd, b, 8), "read");
    return new DataView(b.buffer).getBigUint64(0, true);
  }
}
