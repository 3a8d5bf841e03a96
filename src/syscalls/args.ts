// The arguments of the syscalls as user memory: the structs callers pass (their types) and
// the readers and writers of CONTRACT-style user memory — a value that cannot be read or
// stored is a bad pointer (EFAULT), never an exception. Shared by every syscall module.
import * as U from "../uapi.js";
import type { ItimerNs } from "../files/timerfd.js";
import { ipFromV4Text, ipFromV6Text, v4Text, type Ip } from "../files/inet-addr.js";

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

export const NS_PER_MS = 1000000n;

export const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
/** A C `int` argument. */
export const isCInt = (x: unknown): x is number => isInt(x) && x >= -0x80000000 && x <= 0x7fffffff;
/** A C `unsigned int` given either signed or unsigned. */
export const isCUint = (x: unknown): x is number => isInt(x) && x >= -0x80000000 && x <= 0xffffffff;

/** A struct itimerspec: undefined if unreadable (EFAULT); `valid` false if out of range. */
export function readItimerspec(v: unknown): { value: bigint; interval: bigint; valid: boolean } | undefined {
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
export function storeItimerspec(o: Itimerspec, v: ItimerNs): boolean {
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
 * A socket address as callers pass it: `{ family: AF_UNIX, path }`, `{ family: AF_INET,
 * addr: "127.0.0.1", port }` or `{ family: AF_INET6, addr: "::1", port }` (see sockets in
 * docs/API.md).
 */
export interface SockAddr {
  /** AF_UNIX, AF_INET or AF_INET6 (AF_UNSPEC where connect(2) takes it). */
  family: number;
  /** AF_UNIX: a path, "\0…" for an abstract name, "" for autobind (bind) or unnamed (getsockname). */
  path?: string;
  /** AF_INET: a dotted quad; AF_INET6: IPv6 text (a v4-mapped "::ffff:a.b.c.d" included). */
  addr?: string;
  /** AF_INET, AF_INET6: the port, 0 … 65535 (0 in bind: an ephemeral port). */
  port?: number;
}

/** sizeof(sun_path). */
const UNIX_PATH_MAX = 108;
const utf8 = new TextEncoder();

/**
 * move_addr_to_kernel + unix_validate_addr: the name of an AF_UNIX address, or -errno:
 * EFAULT when it cannot be read, EINVAL for another family, a non-string or too long a path.
 */
export function readUnixAddr(a: unknown): string | number {
  if (a === null || typeof a !== "object") return -U.EFAULT;
  let family: unknown, path: unknown;
  try {
    ({ family, path } = a as SockAddr);
  } catch {
    return -U.EFAULT;
  }
  if (family !== U.AF_UNIX) return -U.EINVAL;
  if (typeof path !== "string" || utf8.encode(path).length > UNIX_PATH_MAX) return -U.EINVAL;
  // A path name ends at its first NUL (unix_mkname_bsd); an abstract one is all its bytes.
  return path.startsWith("\0") ? path : path.split("\0")[0];
}

/** Stores an AF_UNIX address into a caller's object (getsockname, accept): false if it faults. */
export function storeUnixAddr(out: unknown, name: string | null): boolean {
  if (out === null || typeof out !== "object") return false;
  try {
    (out as SockAddr).family = U.AF_UNIX;
    (out as SockAddr).path = name ?? "";
    return true;
  } catch {
    return false;
  }
}

/**
 * An internet address for a socket of `family`: { ip, port }, or -errno — EFAULT when it
 * cannot be read, EAFNOSUPPORT for another family (AF_UNSPEC passes: the caller decides),
 * EINVAL for an address or port that is not one (MODEL: C passes bytes, which are always
 * some address; text can be malformed).
 */
export function readInetAddr(a: unknown, family: number): { family: number; ip: Ip; port: number } | number {
  if (a === null || typeof a !== "object") return -U.EFAULT;
  let fam: unknown, addr: unknown, port: unknown;
  try {
    ({ family: fam, addr, port } = a as SockAddr);
  } catch {
    return -U.EFAULT;
  }
  // An AF_UNIX address with no path is 2 bytes long: too short for any internet address.
  if (fam === U.AF_UNIX && (a as SockAddr).path === "") return -U.EINVAL;
  if (fam !== family && fam !== U.AF_UNSPEC) return -U.EAFNOSUPPORT;
  if (!isInt(port) || port < 0 || port > 0xffff || typeof addr !== "string") return -U.EINVAL;
  const ip = family === U.AF_INET ? ipFromV4Text(addr) : ipFromV6Text(addr);
  if (ip === null) return -U.EINVAL;
  return { family: fam as number, ip, port };
}

/** Stores an internet address, in the socket family's form, into a caller's object: false if it faults. */
export function storeInetAddr(out: unknown, family: number, ip: Ip, port: number): boolean {
  if (out === null || typeof out !== "object") return false;
  try {
    (out as SockAddr).family = family;
    (out as SockAddr).addr = family === U.AF_INET ? v4Text(ip) : ip;
    (out as SockAddr).port = port;
    return true;
  } catch {
    return false;
  }
}

/** The struct msghdr of sendmsg(2) and recvmsg(2) (the model's form: no control buffer). */
export interface MsgHdr {
  /** A datagram's address (sendmsg) / the sender's, filled by recvmsg when given. */
  name?: SockAddr | null;
  /** The buffers: sendmsg sends their bytes in order; recvmsg fills them in order. */
  iov: Uint8Array[];
  /** SCM_RIGHTS: the fds to pass (sendmsg); the fds received, set by recvmsg. */
  rights?: number[];
  /** Set by recvmsg: MSG_TRUNC (a datagram was cut), MSG_CTRUNC (passed files dropped). */
  flags?: number;
}
