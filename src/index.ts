// epoll-wasm public API (docs/API.md).
export * from "./uapi.js";
export { errnoName } from "./errno.js";
export { createKernel, createKernelSync, Kernel, type KernelOptions } from "./kernel/kernel.js";
export { Sys, type EpollEvent, type EpollEventIn, type PollFd, type Timespec, type Itimerspec } from "./sys.js";
export { CoreAbortError, type CoreKind } from "./core/loader.js";
export { ThreadSys } from "./thread-sys.js";
export { Epoll, type WaitOptions } from "./epoll.js";
export { EpollError } from "./errors.js";
export { FileHandle, SocketHandle, EventFdHandle, TimerFdHandle } from "./handles.js";
export type { EpollState, ItemState } from "./kernel/inspect.js";
export { Thread, DeadlockError, ThreadFailure, type WakeReason } from "./kernel/sched.js";
export type { Sigmask } from "./sys.js";
/** O_NONBLOCK (0x800): non-blocking I/O; fcntl(2) F_SETFL, pipe2(2) flag. */
export const O_NONBLOCK = 0x800;
/** O_CLOEXEC (0x80000): close-on-exec; pipe2(2), dup3(2) flag. */
export const O_CLOEXEC = 0x80000;
/** O_DIRECT (0x4000): pipe2(2) packet mode (each write is one packet). */
export const O_DIRECT = 0x4000;
/** eventfd(2) flag: a read takes 1 instead of the whole counter. */
export const EFD_SEMAPHORE = 1;
/** eventfd(2) flag: O_NONBLOCK. */
export const EFD_NONBLOCK = 0x800;
/** eventfd(2) flag: O_CLOEXEC. */
export const EFD_CLOEXEC = 0x80000;
/** socketpair(2) type: stream socket (the only type modelled). */
export const SOCK_STREAM = 1;
/** socketpair(2) type flag: O_NONBLOCK on both ends. */
export const SOCK_NONBLOCK = 0x800;
/** socketpair(2) type flag: O_CLOEXEC on both fds. */
export const SOCK_CLOEXEC = 0x80000;
/** socketpair(2) domain: Unix domain sockets (the only domain that makes pairs here). */
export const AF_UNIX = 1;
/** shutdown(2) how: no more reads. */
export const SHUT_RD = 0;
/** shutdown(2) how: no more writes (the peer reads end of file, sees EPOLLRDHUP). */
export const SHUT_WR = 1;
/** shutdown(2) how: no more reads or writes. */
export const SHUT_RDWR = 2;
/** timerfd_create(2) clock: wall-clock time. */
export const CLOCK_REALTIME = 0;
/** timerfd_create(2) clock: monotonic time (kernel.now()). */
export const CLOCK_MONOTONIC = 1;
/** timerfd_create(2) flag: O_NONBLOCK. */
export const TFD_NONBLOCK = 0x800;
/** timerfd_create(2) flag: O_CLOEXEC. */
export const TFD_CLOEXEC = 0x80000;
/** timerfd_settime(2) flag: `it_value` is an absolute time on the timer's clock. */
export const TFD_TIMER_ABSTIME = 1;
/** timerfd_settime(2) flag: accepted; the model never sets its clocks, so no timer is cancelled. */
export const TFD_TIMER_CANCEL_ON_SET = 2;
/** timerfd_create(2) clock: monotonic time including suspend. */
export const CLOCK_BOOTTIME = 7;
/** fcntl(2) cmd: duplicate onto the lowest free fd >= arg. */
export const F_DUPFD = 0;
/** fcntl(2) cmd: get the fd flags (FD_CLOEXEC). */
export const F_GETFD = 1;
/** fcntl(2) cmd: set the fd flags (FD_CLOEXEC). */
export const F_SETFD = 2;
/** fcntl(2) cmd: get the file status flags (O_NONBLOCK, …). */
export const F_GETFL = 3;
/** fcntl(2) cmd: set the file status flags (O_NONBLOCK, O_DIRECT, …). */
export const F_SETFL = 4;
/** fcntl(2) cmd: F_DUPFD with FD_CLOEXEC set on the new fd. */
export const F_DUPFD_CLOEXEC = 1030;
/** fcntl(2) fd flag: close-on-exec. */
export const FD_CLOEXEC = 1;
/** memfd_create(2) flag: O_CLOEXEC. */
export const MFD_CLOEXEC = 1;
/** memfd_create(2) flag: allow seals (accepted; seals are not modelled). */
export const MFD_ALLOW_SEALING = 2;
/** poll(2) POLLIN: readable (same bit as EPOLLIN). */
export const POLLIN = 0x1;
/** poll(2) POLLPRI: urgent data (same bit as EPOLLPRI). */
export const POLLPRI = 0x2;
/** poll(2) POLLOUT: writable (same bit as EPOLLOUT). */
export const POLLOUT = 0x4;
/** poll(2) POLLERR: error; reported without being requested. */
export const POLLERR = 0x8;
/** poll(2) POLLHUP: hang-up; reported without being requested. */
export const POLLHUP = 0x10;
/** poll(2) POLLNVAL: the fd is not open. */
export const POLLNVAL = 0x20;
/** poll(2) POLLRDNORM: normal data readable. */
export const POLLRDNORM = 0x40;
/** poll(2) POLLRDBAND: priority band data readable. */
export const POLLRDBAND = 0x80;
/** poll(2) POLLWRNORM: normal data writable. */
export const POLLWRNORM = 0x100;
/** poll(2) POLLWRBAND: priority band data writable. */
export const POLLWRBAND = 0x200;
/** PIPE_BUF: writes of at most this many bytes to a pipe are atomic (pipe(7)); capacity is 65536. */
export const PIPE_BUF = 4096;
