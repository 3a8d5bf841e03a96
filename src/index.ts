// epoll-wasm public API (docs/API.md).
export * from "./uapi.js";
export { errnoName } from "./errno.js";
export { createKernel, createKernelSync, Kernel, type KernelOptions } from "./kernel/kernel.js";
export type { SpawnOptions } from "./guest/process.js";
export { Sys, type EpollEvent, type EpollEventIn, type PollFd, type Timespec, type Itimerspec, type SockAddr, type MsgHdr } from "./sys.js";
export { CoreAbortError, type CoreKind } from "./core/loader.js";
export { ThreadSys } from "./thread-sys.js";
export { Epoll, type WaitOptions } from "./epoll.js";
export { EpollError } from "./errors.js";
export { FileHandle, SocketHandle, ListenerHandle, EventFdHandle, TimerFdHandle, SignalFdHandle } from "./handles.js";
export type { EpollState, ItemState, FdState } from "./kernel/inspect.js";
export { Thread, DeadlockError, ThreadFailure, type WakeReason } from "./kernel/sched.js";
export { ProcessExited, type Disposition, type SigHandler, type ExitStatus } from "./kernel/signals.js";
export type { Sigmask } from "./sys.js";
