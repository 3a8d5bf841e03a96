// What the testing toolkit (src/testing/) plugs into a kernel it explores. A kernel made by
// createKernel() has none of these (Process.hooks is null) and pays one null check at each
// place below; the event path allocates nothing either way.
//
// The places are the scheduling and fault points Linux has:
//   - every scheduling decision (a ThreadSys call's entry, the re-poll of each item inside
//     ep_send_events, between "nothing ready" and "sleep" in ep_poll, a mutex handed over);
//   - (option) right after a call's wakeups, where the waker may be preempted by the thread
//     it woke (try_to_wake_up's preemption check) before the call returns;
//     MODEL: not between the entries of one wakeup walk: Linux holds the queue's lock across
//     the walk, but a task it woke on another CPU can run before the walk ends (README);
//   - the fault points: an interruptible sleep (a signal may arrive: EINTR, or a short count
//     when some bytes moved), a slab allocation of epoll_ctl ADD and epoll_create (failslab:
//     ENOMEM), a TCP send (its bytes may arrive as two segments).

/** What the hooks see of a thread (kernel/sched.ts's Thread has these). */
export interface HookThread {
  /** 1, 2, … in spawn order. */
  readonly id: number;
  readonly name: string;
}

/** The faults a kernel can be asked to decide on (see src/testing/faults.ts for their rules). */
export type FaultKind = "eintr" | "enomem" | "split";

/** Where footprints are written: what a thread's step touched (exhaustive search's pruning). */
export interface FootprintSink {
  /**
   * A kernel object was read (`write` false) or changed: an open file (OpenFile), or a
   * key string: "fd<n>" (an fd slot), "fdalloc" (which fd is lowest free), "call:<name>"
   * (a call began: src/testing/footprint.ts maps names to what they touch).
   */
  touch(what: object | string, write: boolean): void;
}

export interface KernelHooks {
  /** Picks the thread to run from the runnable ones (at least one, in spawn order). */
  pick<T extends HookThread>(ready: readonly T[]): T;
  /** Time moved (every thread was blocked): a transition no thread made. */
  timeAdvanced(): void;
  /**
   * A fault point: 0 for "no fault", else the fault's value (eintr: 1 without SA_RESTART,
   * 2 with; enomem: 1; split: the size of the first segment + 1). `n` is the point's size
   * (split: the send's length), `what` names the call for the trace.
   */
  fault(kind: FaultKind, t: HookThread | null, what: string, n: number): number;
  /** The fault just decided had no effect (e.g. the call failed before it could allocate). */
  faultUnused(kind: FaultKind): void;
  /** A call returned (trace): the thread (null: kernel.sys outside threads), name, arguments, result. */
  called(t: HookThread | null, name: string, args: readonly unknown[], result: unknown): void;
  /** The footprint sink, when the explorer prunes by it (else null). */
  readonly fp: FootprintSink | null;
  /** A scheduling point after each call that woke a thread (see above). */
  readonly preemptWakeups: boolean;
}
