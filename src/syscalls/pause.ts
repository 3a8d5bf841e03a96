// Where a syscall can pause, and the two callers that answer: each call that can sleep in
// Linux is written once, as a generator that yields a Pause wherever Linux could switch to
// another task or sleep. The synchronous layer (kernel.sys) and a thread (ThreadSys) run the
// same body; only their answers differ:
//
//   pause        kernel.sys (SyncCaller)                       a thread (ThreadCaller)
//   PREEMPT      nothing: no other thread runs meanwhile       the scheduler may run another
//   lock(mtx)    never asked (the core refuses a set in        mutex_lock: sleeps until free
//                mid-transfer with EBUSY; MODEL, see README)
//   sleep(...)   the virtual clock jumps to the next timer     blocks until a wait entry
//                until `ready()` or the deadline; -EAGAIN on   wakes it, its deadline passes
//                the real clock; -EDEADLK if nothing can end   or a signal arrives
//                it; -EAGAIN when only another thread could
//                end it (`ready` null)
//
// A call that finishes without pausing returns its result from the entry function, before
// any generator exists: the synchronous event path (epoll_wait with timeout 0, read/write on a
// non-blocking fd) allocates nothing.
import { EAGAIN, EINTR } from "../uapi.js";
import type { Process } from "../kernel/process.js";
import type { Thread } from "../kernel/sched.js";
import type { Mutex } from "../kernel/mutex.js";
import { Timer } from "../kernel/timers.js";
import { WaitEntry } from "../kernel/waitqueue.js";
import { ALL_SIGNALS, ProcessExited, UNBLOCKABLE } from "../kernel/signals.js";

/** Signals a handler can catch (all but SIGKILL and SIGSTOP). */
const CATCHABLE = ALL_SIGNALS & ~UNBLOCKABLE;

/** A scheduling point (Linux may switch tasks here: a lock dropped, a cond_resched). */
export const PREEMPT = { kind: "preempt" } as const;
/** mutex_lock(mtx): the caller holds it when the body resumes (threads only). */
export interface LockPause {
  readonly kind: "lock";
  readonly mtx: Mutex;
}
/**
 * Sleep (schedule_timeout, TASK_INTERRUPTIBLE). The body has queued its own wait entries
 * (their callbacks call `caller.wake`) and re-checked its condition after queueing them.
 * `deadline`: absolute ns of CLOCK_MONOTONIC, -1n for none. `ready`: what the synchronous
 * caller re-checks after each timer it fires (null: only another thread could make it true).
 */
export interface SleepPause {
  readonly kind: "sleep";
  readonly deadline: bigint;
  readonly what: string;
  readonly ready: (() => boolean) | null;
  /**
   * The epoll_wait family: it returns EINTR after a stop and SIGCONT even with every signal
   * blocked (signal(7)), so the testing toolkit may interrupt it whatever the mask.
   */
  readonly stopCont?: boolean;
}
export type Pause = typeof PREEMPT | LockPause | SleepPause;

/**
 * How a sleep ended: "woken" (a wakeup, or a signal — the body checks signalPending()),
 * "timeout" (the call's deadline has passed, whether or not a wakeup came too), or a
 * negative errno when the synchronous caller cannot sleep (-EAGAIN, -EDEADLK).
 */
export type Woke = "woken" | "timeout" | number;

/** A syscall's body after its entry checks: it yields pauses and returns the result. */
export type Body = Generator<Pause, number, Woke | undefined>;

export const lock = (mtx: Mutex): LockPause => ({ kind: "lock", mtx });

/**
 * autoremove_wake_function: a wait entry whose wakeup takes it off its queue and wakes the
 * caller; `owner` names the caller's thread (kernel.inspect lists a set's waiters by it).
 */
export function autoremoveEntry(c: Caller, exclusive: boolean): WaitEntry {
  const entry: WaitEntry = new WaitEntry(() => {
    entry.head?.remove(entry);
    c.wake();
    return 1;
  }, exclusive);
  (entry as { owner?: string }).owner = c.thread?.name;
  return entry;
}
export const sleep = (deadline: bigint, what: string, ready: (() => boolean) | null, stopCont = false): SleepPause => ({ kind: "sleep", deadline, what, ready, stopCont });

/** Who is making the call: the process, and the thread (null for kernel.sys). */
export interface Caller {
  readonly p: Process;
  readonly thread: Thread | null;
  /** What a wait entry of this caller calls to wake it. */
  readonly wake: () => void;
  /** Arms the call's deadline (absolute ns): a thread's timer; nothing for kernel.sys. */
  arm(deadline: bigint): void;
  /** signal_pending(current). */
  signalPending(): boolean;
  /**
   * A signal ended the wait: its handler runs now, before the call returns. -EINTR, or 0
   * when `restartable` (ERESTARTSYS: read, write, accept, connect, send, recv) and every
   * handler that ran has SA_RESTART — the call then starts over.
   */
  interrupted(restartable?: boolean): number;
  /** mutex_unlock of a mutex taken with lock(). */
  unlock(mtx: Mutex): void;
  /** Sets the signal mask for the call (epoll_pwait); restored when the call ends. */
  setSigmask(mask: bigint): void;
}

/** kernel.sys as a caller: one per process, no state per call. */
export class SyncCaller implements Caller {
  readonly thread = null;
  readonly wake = (): void => {};
  constructor(readonly p: Process) {}
  arm(): void {}
  signalPending(): boolean {
    return false;
  }
  interrupted(): number {
    return -EINTR;
  }
  unlock(): void {}
  setSigmask(): void {}

  /** Runs a call to its end: its result, or its body driven with the answers above. */
  run(r: number | Body): number {
    if (typeof r === "number") return r;
    let answer: Woke | undefined;
    for (;;) {
      const step = r.next(answer);
      if (step.done) return step.value;
      const pause = step.value;
      answer = undefined;
      if (pause.kind === "sleep") {
        // MODEL: nothing blocks the JS thread (README: the synchronous layer).
        if (pause.ready === null) answer = -EAGAIN;
        else {
          const w = this.p.sleepUntil(pause.deadline, pause.ready);
          answer = w > 0 ? "woken" : w === 0 ? "timeout" : w;
        }
      } else if (pause.kind === "lock") {
        r.return(-EAGAIN);
        throw new Error("epoll-wasm internal: a synchronous call asked for a sleeping lock");
      }
    }
  }
}

/** A thread as a caller: the state of its call in progress (timer, saved mask). */
export class ThreadCaller implements Caller {
  readonly wake: () => void;
  #timer: Timer | null = null;
  #expired = false;
  #savedMask: bigint | null = null;
  /** The testing toolkit interrupted this call once already (a restarted call is not interrupted again: no livelock). */
  #faulted = false;

  constructor(
    readonly p: Process,
    readonly thread: Thread
  ) {
    this.wake = () => p.sched.wake(thread, "woken");
  }

  arm(deadline: bigint): void {
    if (deadline < 0n) return;
    const t = new Timer(() => {
      this.#expired = true;
      this.p.sched.wake(this.thread, "timeout");
    });
    this.#timer = t;
    this.p.timers.arm(t, deadline);
  }

  signalPending(): boolean {
    return this.thread.signalPending();
  }

  interrupted(restartable = false): number {
    const t = this.thread;
    if (t.aborting) {
      t.aborting = false;
      return -EINTR;
    }
    // The testing toolkit's signal (its handler the program does not see) and any real ones:
    // the call restarts only if every handler that ran has SA_RESTART.
    const injected = t.injectedSignal;
    t.injectedSignal = 0;
    const r = this.p.signals.deliver(t);
    const restart = (!r.handled || r.restart) && injected !== 1;
    return restartable && restart ? 0 : -EINTR;
  }

  unlock(mtx: Mutex): void {
    mtx.unlock(this.p.sched, this.thread);
  }

  setSigmask(mask: bigint): void {
    this.#savedMask = this.thread.sigmask;
    this.thread.sigmask = mask;
    this.p.signals.recalc(this.thread);
  }

  /**
   * Runs a call to its end, suspending the thread at each pause, then returns to user space
   * (signals). If the process ends meanwhile, the thread stops here for good.
   */
  async run(r: number | Body, first?: IteratorResult<Pause, number>): Promise<number> {
    try {
      const result = typeof r === "number" ? r : await this.#drive(r, first);
      this.returnToUser();
      return result;
    } catch (e) {
      if (e instanceof ProcessExited) return this.p.sched.abandon(this.thread);
      throw e;
    }
  }

  /**
   * Runs a body synchronously up to its first pause: its result (after the return to user
   * space) when it never pauses, else a Promise of it as run() gives. For callers in
   * synchronous code (ThreadSys.direct); the thread must be the running one.
   */
  start(r: Body): number | Promise<number> {
    this.#expired = false;
    this.#faulted = false;
    let step: IteratorResult<Pause, number>;
    try {
      step = r.next();
      // Pauses answered at once: a scheduling point when no other thread could run (the
      // scheduler would pick this one again), a free lock.
      while (!step.done && this.p.hooks === null) {
        const pz = step.value;
        if (pz.kind === "preempt" ? this.p.sched.aloneReady(this.thread) : pz.kind === "lock" && pz.mtx.tryLock(this.thread)) step = r.next(undefined);
        else break;
      }
    } catch (e) {
      this.#end();
      throw e;
    }
    if (!step.done) return this.run(r, step);
    this.#end();
    try {
      this.returnToUser();
    } catch (e) {
      if (e instanceof ProcessExited) return this.p.sched.abandon(this.thread);
      throw e;
    }
    return step.value;
  }

  /** The body's pauses answered one by one (from `first`, when start() took the first step); its result. */
  async #drive(r: Body, first?: IteratorResult<Pause, number>): Promise<number> {
    if (!first) {
      this.#expired = false;
      this.#faulted = false;
    }
    let input: { ok: true; v: Woke | undefined } | { ok: false; e: unknown } = { ok: true, v: undefined };
    try {
      for (;;) {
        const step: IteratorResult<Pause, number> = first ?? (input.ok ? r.next(input.v) : r.throw(input.e));
        first = undefined;
        if (step.done) return step.value;
        try {
          input = { ok: true, v: await this.#answer(step.value) };
        } catch (e) {
          input = { ok: false, e };
        }
        if (this.p.sched.exiting) {
          r.return(-EINTR); // unwind the call (its finally blocks let go of what it holds)
          throw new ProcessExited(this.p.signals.exitStatus!);
        }
      }
    } finally {
      this.#end();
    }
  }

  /** The return to user space: the thread's deliverable signals are handled. */
  returnToUser(): void {
    this.thread.injectedSignal = 0; // an injected signal not consumed by the call: its handler ran now
    // An explorer: every return reads the pending signals (a signal sent before it would run here).
    this.p.fdt.fp?.touch("signals", this.p.signals.dirty);
    if (this.p.signals.dirty) this.p.signals.deliver(this.thread);
  }

  async #answer(pause: Pause): Promise<Woke | undefined> {
    const { sched } = this.p;
    if (pause.kind === "preempt") return sched.yield(this.thread).then(() => undefined);
    if (pause.kind === "lock") return pause.mtx.lock(sched, this.thread).then(() => undefined);
    if (!this.#expired) {
      // The testing toolkit's EINTR: a signal arrives while the thread sleeps (others may run
      // first); the body finds it pending and answers as Linux does (-EINTR, a restart under
      // SA_RESTART, or the count of bytes already moved).
      const h = this.p.hooks;
      // Only where a signal could interrupt: one its mask lets through (a handler the program
      // does not see), or a stop and SIGCONT for the epoll_wait family.
      const t = this.thread;
      const can = h !== null && !this.#faulted && !t.signalPending() && (pause.stopCont === true || (~t.sigmask & CATCHABLE) !== 0n);
      const what = (~t.sigmask & CATCHABLE) === 0n ? `${pause.what}, stopped and continued (SIGSTOP, SIGCONT)` : pause.what;
      const sig = can ? h.fault("eintr", t, what, 0) : 0;
      if (sig !== 0) {
        this.#faulted = true;
        this.thread.injectedSignal = sig;
        await sched.yield(this.thread);
        return "woken";
      }
      await sched.block(this.thread, pause.what, true);
    }
    return this.#expired ? "timeout" : "woken";
  }

  /** The call is over: its timer goes; a mask it set is restored, letting held signals through. */
  #end(): void {
    if (this.#timer) this.p.timers.cancel(this.#timer);
    this.#timer = null;
    if (this.#savedMask !== null) {
      const t = this.thread;
      t.sigmask = this.#savedMask;
      this.#savedMask = null;
      // The restored mask lets a signal held off during the wait through: its handler
      // runs as the call returns (it does not interrupt a later call).
      this.p.signals.recalc(t);
    }
  }
}
