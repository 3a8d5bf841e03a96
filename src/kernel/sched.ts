// Threads of a kernel's process and the deterministic scheduler that runs them.
//
// A thread is an async function; it runs without interruption between scheduling points:
// the entry of every ThreadSys call, the preemption points inside ep_send_events (where
// Linux drops ep->lock), and blocking. At each point the scheduler picks the next thread
// to run from the runnable ones (lowest id first, then a seeded PRNG draw), so the whole
// interleaving is a function of the seed. When every live thread is blocked, time moves:
// the virtual clock jumps to the next timer (a waiter's timeout, a timerfd) and fires it;
// the real clock waits for it (or for the embedding program to wake a thread through
// kernel.sys). With the virtual clock and no timer left, run() rejects with EDEADLK.
import { EINVAL, ESRCH } from "../uapi.js";
import type { TimerQueue } from "./timers.js";
import type { Clock } from "./clock.js";
import type { KernelHooks } from "./hooks.js";

/** Why a blocked thread was made runnable. */
export type WakeReason = "woken" | "timeout" | "signal";

/** A small seeded PRNG (mulberry32): the only source of scheduling randomness. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) ^ 0x9e3779b9;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/**
 * A thread of the kernel's process (kernel.spawn()): an async function that runs under the
 * deterministic scheduler, sharing the fd table. `join()` awaits it, `kill()` signals it.
 */
export class Thread<T = unknown> {
  /** Where it is: not started, runnable, running, blocked in a call, or finished. */
  state: "new" | "ready" | "running" | "blocked" | "done" = "new";
  /** While blocked: what it waits on (for EDEADLK reports and debugging). */
  waitingOn = "";
  /** Pending and blocked signals, bit (sig - 1). */
  pending = 0n;
  /** Blocked signals, bit (sig - 1); epoll_pwait replaces it for the duration of the wait. */
  sigmask = 0n;
  /** Blocked in a call a signal interrupts (not e.g. on ep->mtx). */
  interruptible = false;
  /** Signals whose handler ran, in order (the model's stand-in for a handler). */
  readonly delivered: number[] = [];
  /** Why it was last made runnable (null from when it blocks until it is woken). */
  wakeReason: WakeReason | null = null;
  /** The scheduler's handle to continue it while parked (internal). */
  resume: (() => void) | null = null;
  /** fn's result, once done without error. */
  result: T | undefined;
  /** fn's error, once done with `failed`. */
  error: unknown;
  /** Whether fn threw (or rejected). */
  failed = false;
  private readonly waiters: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];

  /** Made by kernel.spawn(). */
  constructor(
    /** 1, 2, … in spawn order. */
    readonly id: number,
    /** The name given to spawn() (default "thread-<id>"). */
    readonly name: string,
    /** The thread's body. */
    readonly fn: () => Promise<T>,
    private readonly sched: Scheduler
  ) {}

  /**
   * Whether anyone has asked for the outcome (join()). A thread that fails with nobody
   * asking makes kernel.run() reject with a ThreadFailure instead of losing the error.
   */
  observed = false;

  /**
   * thread.join(): resolves with fn's result or rejects with its error. Called from another
   * thread (pthread_join), the caller sleeps in the scheduler until this one ends; a thread
   * joining itself gets an Error with code "EDEADLK", as pthread_join returns EDEADLK.
   */
  join(): Promise<T> {
    this.observed = true;
    if (this.state === "done") return this.failed ? Promise.reject(this.error) : Promise.resolve(this.result as T);
    const caller = this.sched.current;
    if (caller === this) return Promise.reject(Object.assign(new Error(`EDEADLK: thread ${this.name} joins itself`), { code: "EDEADLK" }));
    const outcome = new Promise<T>((resolve, reject) => this.waiters.push({ resolve: resolve as (v: unknown) => void, reject }));
    if (caller === null || caller.state !== "running") return outcome;
    // The caller sleeps until this thread ends; its outcome is read once the caller runs again
    // (an error settled meanwhile is not an unhandled rejection: the caller will take it).
    outcome.catch(() => {});
    this.joiners.push(caller);
    return this.sched.block(caller, `join(${this.name})`, false).then(() => outcome);
  }

  /** Threads asleep in join() on this one. */
  private readonly joiners: Thread[] = [];

  /** The thread id (gettid): the process id plus the spawn number. */
  get tid(): number {
    return this.sched.pid + this.id;
  }

  /**
   * pthread_kill() / tgkill(): 0, -EINVAL for a bad signal, -ESRCH when the thread has
   * ended. The signal is sent as Linux sends it (src/kernel/signals.ts): dropped if ignored,
   * fatal to the process if its default action terminates, else pending on this thread.
   */
  kill(sig: number): number {
    if (!Number.isInteger(sig) || sig < 0 || sig > 64) return -EINVAL;
    if (this.state === "done") return -ESRCH;
    if (sig === 0) return 0;
    this.sched.sendSignal(this, sig);
    return 0;
  }

  /** signal_pending(): a signal it does not block is pending (its own or the process's), or an abort. */
  signalPending(): boolean {
    return this.aborting || this.injectedSignal !== 0 || ((this.pending | this.sched.sharedPending(this)) & ~this.sigmask) !== 0n;
  }

  /**
   * Ends the thread's interruptible wait with -EINTR, as a signal would but without one (no
   * disposition, no handler): the idiomatic API's helper threads use it for an AbortSignal.
   */
  abort(): void {
    if (this.state === "done") return;
    this.aborting = true;
    if (this.state === "blocked" && this.interruptible) this.sched.wake(this, "signal");
  }

  /** abort() was called and no call has returned -EINTR for it yet. */
  aborting = false;

  /**
   * The testing toolkit's EINTR fault: a signal whose handler the program does not see has
   * arrived (0 none, 1 its handler lacks SA_RESTART, 2 has it). It interrupts the sleep it
   * arrived in, and is gone when the call returns (its handler ran).
   */
  injectedSignal = 0;
  /** Threads this one woke while running (the testing toolkit's preemptWakeups option). */
  wakes = 0;

  /** Record fn's outcome and settle every join() (the scheduler calls this). */
  finish(ok: boolean, value: unknown): void {
    this.state = "done";
    this.failed = !ok;
    if (ok) this.result = value as T;
    else this.error = value;
    for (const w of this.waiters.splice(0)) {
      if (ok) w.resolve(value);
      else w.reject(value);
    }
    for (const j of this.joiners.splice(0)) this.sched.wake(j, "woken");
  }
}

/**
 * kernel.run() rejects with this (code "EDEADLK") when every live thread is blocked and nothing,
 * no timer or timeout, could ever wake one; the message names each thread and what it waits on.
 */
export class DeadlockError extends Error {
  /** Always "EDEADLK". */
  readonly code = "EDEADLK";
  /** From the blocked threads' names and what each waits on. */
  constructor(
    /** The blocked threads and what each waits on. */
    readonly blocked: { name: string; waitingOn: string }[]
  ) {
    super(`EDEADLK: every thread is blocked and nothing can wake them: ${blocked.map((b) => `${b.name} (${b.waitingOn})`).join(", ")}`);
    this.name = "DeadlockError";
  }
}

/**
 * kernel.run() rejects with this when a thread failed (its function threw or rejected) and
 * no join() had asked for that thread's outcome by the time every thread stopped: a thread's
 * error never vanishes. `cause` is what the thread threw; `thread` is the thread (its
 * join() then rejects with the same error). The message names the thread and repeats the
 * error's message, and says how many other unobserved threads failed too.
 */
export class ThreadFailure extends Error {
  /** Always "ETHREADFAILED" (not an errno: the failure is the thread's own code). */
  readonly code = "ETHREADFAILED";
  /** From the first failed thread nobody joined, and how many others failed unobserved. */
  constructor(
    /** The first thread (in order of failure) whose failure nobody had observed. */
    readonly thread: Thread,
    /** Other unobserved failed threads, in order of failure. */
    readonly others: Thread[] = [],
  ) {
    const err = thread.error;
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const more = others.length ? ` (and ${others.length} more unjoined thread${others.length > 1 ? "s" : ""} failed: ${others.map((t) => t.name).join(", ")})` : "";
    super(`thread "${thread.name}" failed and nobody joined it: ${what}${more}`, { cause: err });
    this.name = "ThreadFailure";
    if (err instanceof Error && err.stack) this.stack = `${this.name}: ${this.message}\n  thread's error: ${err.stack}`;
  }
}

/** The longest setTimeout delay: the keep-alive timer of a real-clock idle with no timer. */
const KEEP_ALIVE_MS = 0x7fffffff;

export class Scheduler {
  readonly threads: Thread[] = [];
  current: Thread | null = null;
  private readonly rng: Rng;
  private parked: (() => void) | null = null;
  private running = false;
  private nextId = 1;
  /** The names of the threads in the order the scheduler ran them (for failure reports). */
  readonly trace: string[] = [];
  /** Keep at most this many trace entries (0 disables tracing). */
  traceLimit = 10000;
  /**
   * Step mode (visualizers): awaited before each scheduling decision with the thread about
   * to run, so a UI can pause between steps — including between the items of a transfer.
   */
  stepHook: ((next: Thread) => Promise<void>) | null = null;
  /** The testing toolkit's hooks (src/kernel/hooks.ts): it picks the threads instead of the seed. */
  hooks: KernelHooks | null = null;

  constructor(seed: number, private readonly clock: Clock, private readonly timers: TimerQueue) {
    this.rng = new Rng(seed);
  }

  spawn<T>(fn: () => Promise<T>, name?: string): Thread<T> {
    const id = this.nextId++;
    const t = new Thread<T>(id, name ?? `thread-${id}`, fn, this);
    this.threads.push(t as Thread);
    return t;
  }

  /** The process id (getpid); threads' ids follow it. */
  pid = 1000;
  /** How a signal reaches a thread (Process wires this to its Signals). */
  sendSignal: (t: Thread, sig: number) => void = (t, sig) => {
    t.pending |= 1n << BigInt(sig - 1);
    if (t.state === "blocked" && t.interruptible && t.signalPending()) this.wake(t, "signal");
  };
  /** The process's pending shared signals (Process wires this to its Signals). */
  sharedPending: (t: Thread) => bigint = () => 0n;

  /**
   * The process ended: every thread stops (join() resolves with undefined). A thread that
   * never ran is done at once; one asleep is made runnable so that its call unwinds (wait
   * entries and file references go, as the kernel's exit does) and then stops.
   */
  stopAll(): void {
    this.exiting = true;
    for (const t of this.threads) {
      if (t.state === "new") t.finish(true, undefined);
      else if (t.state === "blocked") {
        t.state = "ready";
        t.wakeReason = "signal";
      }
    }
    this.kick?.();
  }
  /** The process has ended (stopAll). */
  exiting = false;

  /** The running thread `t` stops for good (its process ended during its call). */
  abandon(t: Thread): Promise<never> {
    if (t.state !== "done") t.finish(true, undefined);
    if (this.current === t) this.handBack();
    return new Promise<never>(() => {});
  }

  /** Whether run() is in progress. */
  get isRunning(): boolean {
    return this.running;
  }

  /** The run in progress: a second run() call shares it. */
  private runPromise: Promise<void> | null = null;

  /**
   * Run every thread to completion (or reject with EDEADLK or a ThreadFailure). Called while
   * a run is in progress (e.g. by an Epoll.wait() and the embedding program together), it
   * returns the same run: both settle when it does, with the same outcome.
   */
  run(): Promise<void> {
    if (this.runPromise) return this.runPromise;
    const p = this.runLoop().finally(() => {
      this.runPromise = null;
    });
    this.runPromise = p;
    return p;
  }

  private async runLoop(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        const ready = this.threads.filter((t) => t.state === "ready" || t.state === "new");
        if (ready.length === 0) {
          const blocked = this.threads.filter((t) => t.state === "blocked");
          if (blocked.length === 0) break;
          if (!(await this.advanceTime())) {
            // A thread that failed unobserved is the likelier cause of the others' deadlock.
            this.throwUnobservedFailure();
            throw new DeadlockError(blocked.map((t) => ({ name: t.name, waitingOn: t.waitingOn })));
          }
          continue;
        }
        const next = this.hooks ? this.hooks.pick(ready) : ready.length === 1 ? ready[0] : ready[this.rng.next() % ready.length];
        if (this.stepHook) await this.stepHook(next);
        await this.switchTo(next);
      }
      this.threads.splice(0, this.threads.length, ...this.threads.filter((t) => t.state !== "done"));
      this.throwUnobservedFailure();
    } finally {
      this.running = false;
      this.current = null;
    }
  }

  /** Threads that failed, in order of failure, until their failure is observed or reported. */
  private failed: Thread[] = [];

  /**
   * The rule for failures: once the threads have stopped, a thread that failed without any
   * join() having asked for its outcome makes run() reject with a ThreadFailure naming it.
   * Reported failures count as observed (a later run() does not report them again).
   */
  private throwUnobservedFailure(): void {
    const unobserved = this.failed.filter((t) => !t.observed);
    this.failed = [];
    if (!unobserved.length) return;
    for (const t of unobserved) t.observed = true;
    throw new ThreadFailure(unobserved[0], unobserved.slice(1));
  }

  /** Resolves the real-clock idle wait when code outside the threads wakes one of them. */
  private kick: (() => void) | null = null;

  /**
   * Everyone is blocked: move time to the next timer and fire it; false if nothing can
   * ever wake them. With the real clock the embedding program may still wake a thread
   * (through kernel.sys), so run() idles until that or the next timer, whichever is first.
   */
  private async advanceTime(): Promise<boolean> {
    const next = this.timers.nextExpiry();
    if (this.clock.mode === "real") {
      await new Promise<void>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        this.kick = () => {
          clearTimeout(timer);
          this.kick = null;
          resolve();
        };
        // With no timer pending, a long timer still keeps the host's event loop alive: a
        // thread blocked without a timeout keeps its process alive, as on Linux, until the
        // embedding program wakes it (and Node never exits with an unsettled promise).
        const wait = next === undefined ? KEEP_ALIVE_MS : Math.max(0, Math.ceil(Number(next - this.clock.now()) / 1e6));
        timer = setTimeout(() => {
          this.kick = null;
          resolve();
        }, wait);
      });
      this.timers.runDue(this.clock.now());
      return true;
    }
    if (next === undefined) return false;
    this.clock.advanceTo(next);
    this.timers.runDue(this.clock.now());
    this.hooks?.timeAdvanced();
    return true;
  }

  private switchTo(t: Thread): Promise<void> {
    if (this.traceLimit > 0) {
      if (this.trace.length >= this.traceLimit) this.trace.shift();
      this.trace.push(t.name);
    }
    return new Promise<void>((resolve) => {
      this.parked = resolve;
      this.current = t;
      const first = t.state === "new";
      t.state = "running";
      if (first) {
        let p: Promise<unknown>;
        try {
          p = Promise.resolve(t.fn());
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          (v) => this.exit(t, true, v),
          (e) => this.exit(t, false, e),
        );
      } else {
        const r = t.resume!;
        t.resume = null;
        r();
      }
    });
  }

  private exit(t: Thread, ok: boolean, v: unknown): void {
    this.hooks?.fp?.touch("signals", true); // a thread's end is seen by tgkill (ESRCH)
    t.finish(ok, v);
    if (!ok) this.failed.push(t);
    this.handBack();
  }

  private handBack(): void {
    const p = this.parked;
    this.parked = null;
    this.current = null;
    p?.();
  }

  /** Give the CPU back to the scheduler until this thread is picked again. */
  private park(t: Thread): Promise<void> {
    return new Promise<void>((resolve) => {
      t.resume = resolve;
      this.handBack();
    });
  }

  /**
   * Whether a scheduling point of the running thread `t` would pick `t` again without a draw
   * from the seed: no other thread is runnable, no step hook, the process has not ended.
   */
  aloneReady(t: Thread): boolean {
    if (this.current !== t || this.stepHook !== null || this.exiting) return false;
    for (const x of this.threads) if (x !== t && (x.state === "ready" || x.state === "new")) return false;
    return true;
  }

  /** A scheduling point: the thread stays runnable; another may run first. */
  yield(t: Thread): Promise<void> {
    this.check(t);
    t.state = "ready";
    return this.park(t);
  }

  /** Block until wake(): returns why. `interruptible` lets signals wake it. */
  async block(t: Thread, waitingOn: string, interruptible: boolean): Promise<WakeReason> {
    this.check(t);
    t.state = "blocked";
    t.waitingOn = waitingOn;
    t.interruptible = interruptible;
    t.wakeReason = null;
    if (interruptible && t.signalPending()) {
      t.state = "running";
      return "signal";
    }
    await this.park(t);
    t.interruptible = false;
    t.waitingOn = "";
    return t.wakeReason ?? "woken";
  }

  /** Make a blocked thread runnable (the first reason wins). */
  wake(t: Thread, reason: WakeReason): void {
    if (t.state !== "blocked") return;
    t.state = "ready";
    t.wakeReason = reason;
    if (this.current !== null) this.current.wakes++;
    this.kick?.();
  }

  private check(t: Thread): void {
    if (this.current !== t) {
      throw new Error(`epoll-wasm: thread ${t.name} made a ThreadSys call while not scheduled (only await ThreadSys calls inside a thread; do not share a ThreadSys between threads)`);
    }
  }
}
