// EpollError: a failed call as an Error with Node's SystemError shape
// (code "EEXIST", errno -17, syscall "epoll_ctl", message "EEXIST: file already exists, epoll_ctl").
import { errnoName } from "./errno.js";

// Symbol.dispose (explicit resource management) where the runtime lacks it, so the
// classes' [Symbol.dispose] methods exist everywhere.
if (typeof (Symbol as { dispose?: symbol }).dispose !== "symbol") {
  Object.defineProperty(Symbol, "dispose", { value: Symbol.for("Symbol.dispose") });
}

const DESCRIPTIONS: Record<string, string> = {
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  EINTR: "interrupted system call",
  EBADF: "bad file descriptor",
  EAGAIN: "resource temporarily unavailable",
  ENOMEM: "not enough memory",
  EFAULT: "bad address",
  EBUSY: "resource busy or locked",
  EEXIST: "file already exists",
  EINVAL: "invalid argument",
  EMFILE: "too many open files",
  ENOSPC: "no space left on device",
  EPIPE: "broken pipe",
  EDEADLK: "resource deadlock avoided",
  ELOOP: "too many symbolic links encountered",
  ENOTSOCK: "socket operation on non-socket",
  ECONNRESET: "connection reset by peer",
  EOPNOTSUPP: "operation not supported on socket",
  EADDRINUSE: "address already in use",
  ECONNREFUSED: "connection refused",
  EISCONN: "socket is already connected",
  ENOTCONN: "socket is not connected",
};

/**
 * A failed call of the idiomatic API (Epoll, the handles) as an Error with Node's SystemError
 * shape: code "EEXIST", errno -17, syscall "epoll_ctl", message "EEXIST: file already exists, epoll_ctl".
 */
export class EpollError extends Error {
  /** The errno name, e.g. "EEXIST". */
  readonly code: string;
  /** The negative errno, as Node's SystemError has it (-17 for EEXIST). */
  readonly errno: number;
  /** The call that failed, e.g. "epoll_ctl". */
  readonly syscall: string;

  /** From a call's -errno (the sign is ignored), the call's name, and an optional explanation. */
  constructor(ret: number, syscall: string, detail?: string) {
    const code = errnoName(ret);
    super(`${code}: ${DESCRIPTIONS[code] ?? "system error " + Math.abs(ret)}, ${syscall}${detail ? ` (${detail})` : ""}`);
    this.name = "EpollError";
    this.code = code;
    this.errno = -Math.abs(ret);
    this.syscall = syscall;
  }
}

/** The value of a successful call, or an EpollError for a -errno. */
export function check(ret: number, syscall: string): number {
  if (ret < 0) throw new EpollError(ret, syscall);
  return ret;
}
