// What the idiomatic API (Epoll and the file handles) uses of a kernel: the narrow interface
// it is layered on, so it depends on the syscall layers and not on the Kernel class.
import type { Sys } from "./sys.js";
import type { ThreadSys } from "./thread-sys.js";
import type { Thread } from "./kernel/sched.js";

/** The part of a Kernel that Epoll and the file handles use. Kernel implements it. */
export interface KernelApi {
  /** The synchronous syscall layer. */
  readonly sys: Sys;
  /** Whether the kernel's threads are being run (a wait then joins that run). */
  readonly sched: { readonly isRunning: boolean };
  /** A thread of the kernel's process. */
  spawn<T>(fn: (sys: ThreadSys) => Promise<T>, name?: string): Thread<T>;
  /** Run the kernel's threads. */
  run(): Promise<void>;
  /** CLOCK_MONOTONIC now, in nanoseconds. */
  now(): bigint;
}
