// What the guest layer uses of a kernel: the Process with the Kernel class's thread and
// inspection methods. Written as an interface so that src/guest/ does not import the Kernel
// class (which imports src/guest/ for kernel.spawnProcess).
import type { Process } from "../kernel/process.js";
import type { Thread } from "../kernel/sched.js";
import type { ExitStatus } from "../kernel/signals.js";
import type { FdState } from "../kernel/inspect.js";
import type { ThreadSys } from "../thread-sys.js";
import type { Sys } from "../sys.js";

export interface GuestKernel extends Process {
  readonly sys: Sys;
  spawn<T>(fn: (sys: ThreadSys) => Promise<T>, name?: string): Thread<T>;
  run(): Promise<void>;
  fds(): FdState[];
  readonly exitStatus: ExitStatus | null;
}
