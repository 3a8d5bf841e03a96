// Threads of one WebAssembly instance, run with binaryen's Asyncify (the guest was passed
// through `wasm-opt --asyncify` by `epoll-wasm cc`). A guest thread is a kernel thread: when one
// of its imports returns a Promise (the kernel's ThreadSys call, which may sleep or let another
// thread run), the instance unwinds its stack into the thread's Asyncify buffer and returns to
// JS; once the Promise settles, the same export is called again and rewinds to the import,
// which then returns the settled value.
//
// Invariants:
// - Only one thread executes guest code at a time (the kernel's scheduler runs one thread
//   between scheduling points, and guest code runs synchronously within one).
// - The stack pointer and errno are the running thread's: each thread's are saved when it
//   unwinds and restored before it runs or rewinds (a rewind skips function prologues, so
//   the stack pointer is not recomputed).
// - A signal handler runs while its thread is unwound, below the thread's saved stack
//   pointer, and its imports use the synchronous kernel.sys (they cannot unwind from there).
import type { ThreadSys } from "../thread-sys.js";
import type { Thread } from "../kernel/sched.js";

/** The Asyncify exports wasm-opt adds, with the runtime's own (guest/lib/thread.c). */
export interface GuestExports {
  memory: WebAssembly.Memory;
  __stack_pointer: WebAssembly.Global;
  _start(): void;
  asyncify_start_unwind(buf: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(buf: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
  __ew_main_thread(): number;
  __ew_main_abuf(): number;
  __ew_abuf_size(): number;
  __ew_errno(): number;
  __ew_thread_start(t: number): void;
  __ew_signal_call(handler: number, sig: number, flags: number): void;
}

/** Thrown through the guest's frames to end a thread (pthread_exit) or the process (exit). */
export class GuestUnwind {
  constructor(readonly why: "thread" | "process") {}
}

export class Coroutine {
  /** The settled value an import returns when the thread rewinds into it. */
  value = 0;
  rewinding = false;
  pending: Promise<number> | null = null;
  /** > 0 while one of this thread's signal handlers runs (its imports then do not unwind). */
  inHandler = 0;
  errno = 0;

  constructor(
    /** The thread's record in guest memory (struct ew_thread). */
    readonly record: number,
    /** Its stack pointer while it is not running. */
    public sp: number,
    /** Its Asyncify buffer and size. */
    readonly abuf: number,
    readonly abufSize: number,
    /** The kernel thread and its syscalls, set once the thread is spawned. */
    public thread: Thread<unknown> | null = null,
    public sys: ThreadSys | null = null
  ) {}
}

/** Unwinding is state 1 of asyncify_get_state (0 normal, 2 rewinding). */
const UNWINDING = 1;

export class Coroutines {
  current: Coroutine | null = null;
  readonly #exOf: () => GuestExports;
  #errno = -1;
  readonly #dv: () => DataView;

  /** `exOf`: the instance's exports (known once it is instantiated; the imports are made before). */
  constructor(exOf: () => GuestExports, dv: () => DataView) {
    this.#exOf = exOf;
    this.#dv = dv;
  }

  get #ex(): GuestExports {
    return this.#exOf();
  }
  /** The address of the guest's errno. */
  get #errnoAddr(): number {
    if (this.#errno < 0) this.#errno = this.#ex.__ew_errno();
    return this.#errno;
  }

  #enter(co: Coroutine): void {
    this.current = co;
    this.#ex.__stack_pointer.value = co.sp;
    this.#dv().setInt32(this.#errnoAddr, co.errno, true);
  }

  /**
   * Runs `entry` on `co` until it returns (or throws GuestUnwind), sleeping in between
   * wherever an import returned a Promise. `stopped()`: the process has ended, so a thread
   * whose call returns does not go on.
   */
  async run(co: Coroutine, entry: () => void, stopped: () => boolean): Promise<"returned" | "thread" | "process" | "stopped"> {
    const ex = this.#ex;
    for (;;) {
      this.#enter(co);
      try {
        entry();
      } catch (e) {
        this.current = null;
        if (e instanceof GuestUnwind) return e.why;
        throw e;
      }
      if (ex.asyncify_get_state() !== UNWINDING) {
        this.current = null;
        return "returned";
      }
      ex.asyncify_stop_unwind();
      co.sp = ex.__stack_pointer.value as number;
      co.errno = this.#dv().getInt32(this.#errnoAddr, true);
      this.current = null;
      const p = co.pending!;
      co.pending = null;
      co.value = await p;
      if (stopped()) return "stopped";
      co.rewinding = true;
      ex.asyncify_start_rewind(co.abuf);
    }
  }

  /**
   * Wraps an import: a number is returned as is; a Promise suspends the calling thread (the
   * instance unwinds) and, when it settles, its value is returned by the rewound call.
   */
  wrap<A extends number[]>(fn: (co: Coroutine, ...a: A) => number | Promise<number>, name: string): (...a: A) => number {
    return (...a: A): number => {
      const ex = this.#ex;
      const co = this.current;
      if (co === null) throw new Error(`epoll-wasm guest: import ${name} called with no guest thread running`);
      if (co.rewinding) {
        co.rewinding = false;
        ex.asyncify_stop_rewind();
        return co.value;
      }
      const r = fn(co, ...a);
      if (typeof r === "number") return r;
      if (co.inHandler > 0) throw new Error(`epoll-wasm guest: ${name} would sleep inside a signal handler`);
      co.pending = r;
      const dv = this.#dv();
      dv.setInt32(co.abuf, co.abuf + 8, true); // the buffer's header: where saved data starts, and its end
      dv.setInt32(co.abuf + 4, co.abuf + co.abufSize, true);
      ex.asyncify_start_unwind(co.abuf);
      return 0;
    };
  }

  /** Calls a guest signal handler on `co` (unwound, or the one running a synchronous call). */
  callHandler(co: Coroutine, handler: number, sig: number, flags: number): void {
    const ex = this.#ex;
    const savedCurrent = this.current;
    const savedSp = ex.__stack_pointer.value as number;
    const running = savedCurrent === co;
    const savedErrno = this.#dv().getInt32(this.#errnoAddr, true);
    if (!running) ex.__stack_pointer.value = co.sp;
    this.current = co;
    co.inHandler++;
    try {
      ex.__ew_signal_call(handler, sig, flags);
    } catch (e) {
      if (!(e instanceof GuestUnwind)) throw e; // exit() in a handler: the process is over
    } finally {
      co.inHandler--;
      this.current = savedCurrent;
      ex.__stack_pointer.value = savedSp;
      this.#dv().setInt32(this.#errnoAddr, savedErrno, true);
    }
  }
}
