// ThreadSys: kernel.sys for a thread (docs/API.md, Threads). Every call is a scheduling point and
// returns a Promise of what the synchronous call returns. The calls that block in Linux (the
// epoll_wait family, poll, read and write on blocking fds, nanosleep, and those that take
// ep->mtx) run the same bodies as kernel.sys (src/syscalls/) with a ThreadCaller, which
// suspends the thread where the body pauses: waking on wait queues, on the call's own timer,
// or on a signal (then -EINTR, or a restart as Linux decides: src/kernel/signals.ts).
import type { Process } from "./kernel/process.js";
import type { Thread } from "./kernel/sched.js";
import { Sys } from "./sys.js";
import { ThreadCaller, type Body, type Caller } from "./syscalls/pause.js";
import * as S from "./syscalls/index.js";
import { ProcessExited } from "./kernel/signals.js";

/**
 * Every call of `kernel.sys` as a thread makes it: the same arguments, a Promise of the same
 * result. ThreadSys implements it, so a call added to Sys cannot be missing from threads.
 */
export type ThreadCalls = { [K in keyof Sys]: Sys[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

/** The calls written once in src/syscalls/ (those that can pause, and the socket calls), run by this thread's caller. */
const SLEEPING = S satisfies { [K in keyof typeof S]: K extends keyof Sys ? unknown : never };

/** The calls that never sleep: a scheduling point, then the synchronous call (one implementation, in Sys). */
const PASS_THROUGH = [
  "epoll_create", "epoll_create1", "pipe", "pipe2", "socketpair", "eventfd", "eventfd2", "memfd_create",
  "timerfd_create", "timerfd_settime", "timerfd_gettime", "shutdown", "dup", "fcntl", "fdinfo",
] as const satisfies readonly Exclude<keyof Sys, keyof typeof S>[];

// Every call of Sys is one or the other (checked by the compiler both ways).
type Missing = Exclude<keyof Sys, keyof typeof S | (typeof PASS_THROUGH)[number]>;
const everyCallCovered: [Missing] extends [never] ? true : Missing = true;
void everyCallCovered;

/** The calls of ThreadSys (defined on its prototype from SLEEPING and PASS_THROUGH). */
export interface ThreadSys extends ThreadCalls {}

/** Every call of `kernel.sys`, returning its result at once when the call did not sleep, else a Promise of it (directCalls). */
export type DirectCalls = { [K in keyof Sys]: Sys[K] extends (...a: infer A) => infer R ? (...a: A) => R | Promise<R> : never };

const PASSING = new Set<string>(PASS_THROUGH);

let directOf: (ts: ThreadSys, atomic: boolean) => DirectCalls;

/**
 * The calls of a thread for a runtime that calls from synchronous code (a guest program's
 * imports): each returns its result at once when it could run to its end without pausing,
 * else a Promise of it. The entry's scheduling point is skipped only when no other thread is
 * runnable and no testing hooks are attached, where the scheduler would pick this thread
 * again without drawing from its seed: the interleaving is the same as through the ThreadSys
 * methods. Not a member of ThreadSys, whose members are the syscalls.
 */
export function directCalls(ts: ThreadSys): DirectCalls {
  return directOf(ts, false);
}

/**
 * directCalls() whose entry is never a scheduling point, even when other threads are
 * runnable (a call that must sleep still sleeps, and lets them run). For C stdio's writes and
 * reads of a FILE (a guest's WASI fd_write/fd_read): glibc holds the FILE's lock across them,
 * and wasi-libc, built without threads, has no lock, so another thread must not run
 * in the middle of one. MODEL: the scheduling point at the entry of such a call is dropped.
 */
export function atomicCalls(ts: ThreadSys): DirectCalls {
  return directOf(ts, true);
}

/**
 * The `sys` of a thread (docs/API.md, Threads): every method of Sys, returning a Promise. Each call is
 * a scheduling point; calls that block in Linux (the epoll_wait family, poll, read and write on
 * blocking fds, nanosleep) suspend the thread until Linux would return, or -EINTR on a signal.
 */
export class ThreadSys {
  readonly #k: Process;
  readonly #sys: Sys;
  readonly #c: ThreadCaller;

  static {
    const define = (name: string, value: (this: ThreadSys, ...args: unknown[]) => Promise<unknown>) =>
      Object.defineProperty(ThreadSys.prototype, name, { value, writable: true, configurable: true });
    for (const name of PASS_THROUGH) {
      define(name, async function (...args) {
        await this.#enter(name);
        const w = this.thread.wakes;
        const r = (this.#sys[name] as (...a: unknown[]) => unknown)(...args); // traced by Sys
        // Its return to user space, as after any syscall: the thread's deliverable signals run.
        try {
          this.#c.returnToUser();
        } catch (e) {
          if (e instanceof ProcessExited) return this.#k.sched.abandon(this.thread); // a handler's default action ended it
          throw e;
        }
        if (this.#k.hooks?.preemptWakeups) await this.#afterWakeups(w);
        return r;
      });
    }
    for (const [name, entry] of Object.entries(SLEEPING) as [string, (c: Caller, ...a: unknown[]) => number | Body][]) {
      define(name, async function (...args) {
        await this.#enter(name);
        const w = this.thread.wakes;
        const r = await this.#c.run(entry(this.#c, ...args));
        this.#k.rethrow();
        this.#k.hooks?.called(this.thread, name, args, r);
        if (this.#k.hooks?.preemptWakeups) await this.#afterWakeups(w);
        return r;
      });
    }
  }

  /** Made by kernel.spawn() for its thread: the process, the thread, and the synchronous calls it wraps. */
  constructor(
    k: Process,
    /** The thread this is the `sys` of. */
    readonly thread: Thread,
    sys: Sys
  ) {
    this.#k = k;
    this.#sys = sys;
    this.#c = new ThreadCaller(k, thread);
  }

  #direct: DirectCalls | null = null;
  #atomic: DirectCalls | null = null;

  static {
    directOf = (ts, atomic) => (atomic ? (ts.#atomic ??= ts.#makeDirect(true)) : (ts.#direct ??= ts.#makeDirect(false)));
  }

  /** The calls of directCalls(this) (atomicCalls(this) when `atomic`). */
  #makeDirect(atomic: boolean): DirectCalls {
    const d: Record<string, (...a: unknown[]) => unknown> = {};
    const self = this as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const name of [...PASS_THROUGH, ...Object.keys(SLEEPING)]) d[name] = (...a) => this.#callDirect(name, a, atomic) ?? self[name](...a);
    return d as DirectCalls;
  }

  /** The call run synchronously as far as it goes (see directCalls); undefined when it must take the ThreadSys path. */
  #callDirect(name: string, args: unknown[], atomic: boolean): unknown {
    const k = this.#k;
    if (k.hooks !== null || !(atomic ? k.sched.current === this.thread && !k.sched.exiting : k.sched.aloneReady(this.thread))) return undefined;
    k.guard();
    let r: unknown;
    if (PASSING.has(name)) r = (this.#sys[name as keyof Sys] as (...a: unknown[]) => unknown)(...args);
    else {
      const body = (SLEEPING as unknown as Record<string, (c: Caller, ...a: unknown[]) => number | Body>)[name](this.#c, ...args);
      if (typeof body !== "number") {
        // Up to its first pause now; a body that never pauses (epoll_wait with events ready) ends here.
        const v = this.#c.start(body);
        if (typeof v !== "number") return v.then((x) => (k.rethrow(), x));
        k.rethrow();
        return v;
      }
      r = body;
    }
    return this.#returnToUser(r);
  }

  /** The return to user space of a direct call that produced `r`. */
  #returnToUser(r: unknown): unknown {
    const k = this.#k;
    try {
      this.#c.returnToUser();
    } catch (e) {
      if (e instanceof ProcessExited) return k.sched.abandon(this.thread);
      throw e;
    }
    k.rethrow();
    return r;
  }

  /** The entry of every call: a scheduling point. */
  async #enter(name: string): Promise<void> {
    this.#k.guard();
    await this.#k.sched.yield(this.thread);
    if (this.#k.sched.exiting) await this.#k.sched.abandon(this.thread); // the process ended meanwhile
    this.#k.guard();
    this.#k.hooks?.fp?.touch(`call:${name}`, true);
  }

  /**
   * The testing toolkit's option: a call that woke another thread is a scheduling point before
   * it returns (try_to_wake_up may preempt the waker), so the woken thread can run first.
   */
  async #afterWakeups(before: number): Promise<void> {
    const h = this.#k.hooks;
    if (h !== null && h.preemptWakeups && this.thread.wakes !== before && !this.#k.sched.exiting) await this.#k.sched.yield(this.thread);
  }
}
