// kernel.spawnProcess(): a C program compiled to wasm32 by `epoll-wasm cc` runs as the
// kernel's process. Its main thread and every pthread are kernel threads (scheduled by the
// kernel's seed), its fds are the kernel's fd table (0, 1 and 2 become the host's stdio),
// its signals the kernel's, with handlers run in the guest.
//
// MODEL: the kernel models one process, so the program shares it with the JS side: fds the
// host opened before are the program's too, and kernel.inspect() sees the program's epoll
// sets. The kernel's own main task (kernel.sys) stays, with every signal blocked, so
// signals sent to the process are taken by the program's threads; getpid() is its id, and
// the program's main thread has an id of its own (gettid() != getpid(), unlike Linux).
import type { GuestKernel as Kernel } from "./kernel-view.js";
import type { Disposition } from "../kernel/signals.js";
import { ALL_SIGNALS, UNBLOCKABLE } from "../kernel/signals.js";
import { StdioFile } from "../files/stdio.js";
import { Coroutine, Coroutines, GuestUnwind, type GuestExports } from "./coroutine.js";
import { GuestMemory } from "./memory.js";
import { makeImports, type GuestHost } from "./imports.js";
import { makeWasi, stubMissing } from "./wasi.js";

/** Options of kernel.spawnProcess(). */
export interface SpawnOptions {
  /** argv (argv[0] included; default ["prog"]). */
  args?: string[];
  /** The environment, as "NAME=value" strings (default none). */
  env?: string[];
  /** What fd 0 reads (then end of file; default nothing). */
  stdin?: string | Uint8Array;
  /** Receives each write to fd 1 (default: discarded). */
  stdout?: (bytes: Uint8Array) => void;
  /** Receives each write to fd 2 (default: discarded). */
  stderr?: (bytes: Uint8Array) => void;
  /**
   * fds 0-2 are terminals (isatty(): stdout line-buffered, as in a shell). Default false: they
   * behave as pipes (stdout block-buffered), as when a program's output is captured.
   */
  tty?: boolean;
}

/** struct ew_thread's `done` word (guest/lib/ew.h): set when the thread has ended. */
const DONE_OFFSET = 28;
/** The exit status of a program that trapped (abort(), an out-of-bounds access): SIGABRT's. */
const SIGABRT = 6;
const REQUIRED = ["memory", "_start", "__stack_pointer", "asyncify_start_unwind", "asyncify_stop_unwind", "asyncify_start_rewind", "asyncify_stop_rewind", "asyncify_get_state", "__ew_main_thread", "__ew_errno", "__ew_thread_start", "__ew_signal_call"];

const running = new WeakSet<Kernel>();

function checkOptions(o: unknown): SpawnOptions {
  if (o === undefined) return {};
  if (o === null || typeof o !== "object") throw new TypeError("spawnProcess: options must be an object");
  const s = o as SpawnOptions;
  const strings = (x: unknown) => Array.isArray(x) && x.every((a) => typeof a === "string");
  if (s.args !== undefined && !strings(s.args)) throw new TypeError("spawnProcess: options.args must be an array of strings");
  if (s.env !== undefined && !strings(s.env)) throw new TypeError("spawnProcess: options.env must be an array of strings");
  if (s.stdin !== undefined && typeof s.stdin !== "string" && !(s.stdin instanceof Uint8Array)) throw new TypeError("spawnProcess: options.stdin must be a string or a Uint8Array");
  for (const k of ["stdout", "stderr"] as const) if (s[k] !== undefined && typeof s[k] !== "function") throw new TypeError(`spawnProcess: options.${k} must be a function`);
  if (s.tty !== undefined && typeof s.tty !== "boolean") throw new TypeError("spawnProcess: options.tty must be a boolean");
  return s;
}

/**
 * Runs a guest program on `kernel` to its end; resolves with its exit status (the code given
 * to exit() or returned by main, or 128 + the signal that ended it). Rejects with the kernel's
 * DeadlockError when every thread of the program blocks with nothing to wake it.
 */
export async function spawnProcess(kernel: Kernel, module: WebAssembly.Module | BufferSource, options?: SpawnOptions): Promise<number> {
  const o = checkOptions(options);
  const mod = module instanceof WebAssembly.Module ? module : await WebAssembly.compile(module);
  const names = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  const missing = REQUIRED.filter((n) => !names.has(n));
  if (missing.length) {
    throw new Error(`spawnProcess: this module was not built by \`epoll-wasm cc\` (no ${missing.join(", ")} export${missing.length > 1 ? "s" : ""})`);
  }
  if (kernel.exitStatus) throw new Error("spawnProcess: the kernel's process has already ended");
  if (running.has(kernel)) throw new Error("spawnProcess: a guest program is already running on this kernel (one process per kernel)");
  running.add(kernel);
  try {
    return await run(kernel, mod, o);
  } finally {
    running.delete(kernel);
  }
}

async function run(kernel: Kernel, mod: WebAssembly.Module, o: SpawnOptions): Promise<number> {
  // fds 0, 1, 2: the host's stdio in place of the null device.
  const input = typeof o.stdin === "string" ? new TextEncoder().encode(o.stdin) : (o.stdin ?? null);
  const tty = o.tty ?? false;
  kernel.installStdio([new StdioFile(input, null, tty), new StdioFile(null, o.stdout ?? null, tty), new StdioFile(null, o.stderr ?? null, tty)]);

  let ex!: GuestExports;
  const mem = new GuestMemory(() => ex.memory);
  const co = new Coroutines(() => ex, () => mem.dv);
  const byRecord = new Map<number, Coroutine>();
  const handlers = new WeakMap<object, { handler: number; flags: number }>();
  let trapped: unknown = null;
  const stopped = () => kernel.exitStatus !== null;

  const exit = (code: number): never => {
    try {
      kernel.sys.exit(code | 0);
    } catch {
      /* ProcessExited: the kernel's main task saw the end at once */
    }
    throw new GuestUnwind("process");
  };

  const host: GuestHost = {
    kernel,
    mem,
    co,
    signalHandler(handler, flags) {
      const fn = (sig: number) => {
        const t = kernel.sched.current;
        let target = byRecord.get(ex.__ew_main_thread())!;
        for (const c of byRecord.values()) if (c.thread === t) target = c;
        co.callHandler(target, handler, sig, flags);
      };
      handlers.set(fn, { handler, flags });
      return fn;
    },
    handlerOf(d: Disposition) {
      return typeof d === "object" ? (handlers.get(d.handler) ?? null) : null;
    },
    createThread(record, stackTop, abuf, abufSize) {
      const c = new Coroutine(record, stackTop, abuf, abufSize);
      byRecord.set(record, c);
      const t = kernel.spawn(async (sys) => {
        c.sys = sys;
        try {
          await co.run(c, () => ex.__ew_thread_start(record), stopped);
        } catch (e) {
          trap(e);
        }
        if (!stopped()) mem.setI32(record + DONE_OFFSET, 1);
      }, `pthread-${byRecord.size - 1}`);
      c.thread = t;
      return t.tid;
    },
    coroutineOf: (record) => byRecord.get(record) ?? null,
    exit,
    exitThread(): never {
      throw new GuestUnwind("thread");
    },
  };

  /** A trap (RuntimeError) ends the process as abort() does on Linux: SIGABRT. */
  function trap(e: unknown): void {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    trapped = e;
    kernel.signals.exit({ signal: SIGABRT });
  }

  const wasi = makeWasi(kernel, mem, co, { args: o.args ?? ["prog"], env: o.env ?? [], seed: kernel.seed, exit });
  stubMissing(mod, wasi);
  const instance = await WebAssembly.instantiate(mod, { epoll_wasm: makeImports(host), wasi_snapshot_preview1: wasi } as WebAssembly.Imports);
  ex = instance.exports as unknown as GuestExports;

  // The main thread: the linker's stack, the runtime's static Asyncify buffer.
  const main = new Coroutine(ex.__ew_main_thread(), ex.__stack_pointer.value as number, ex.__ew_main_abuf(), ex.__ew_abuf_size());
  byRecord.set(main.record, main);
  // struct ew_thread's tid (offset 20): pthread_kill(pthread_self(), …) on the main thread.
  const TID_OFFSET = 20;
  const mask = kernel.main.sigmask;
  // Signals sent to the process go to the program's threads, not to the kernel's main task.
  kernel.main.sigmask = ALL_SIGNALS & ~UNBLOCKABLE;
  const t = kernel.spawn(async (sys) => {
    main.sys = sys;
    let how: string = "returned";
    try {
      how = await co.run(main, () => ex._start(), stopped);
    } catch (e) {
      trap(e);
    }
    // Returning from main is exit(main's value): wasi-libc's _start calls proc_exit unless it is 0.
    if (how === "returned" && !stopped()) exit0();
  }, "main");
  t.sigmask = mask;
  main.thread = t;
  mem.setI32(main.record + TID_OFFSET, t.tid);
  try {
    await kernel.run();
  } finally {
    kernel.main.sigmask = mask;
  }
  if (trapped !== null) o.stderr?.(new TextEncoder().encode(`epoll-wasm: the program trapped: ${(trapped as Error).message}\n`));
  const st = kernel.exitStatus;
  if (st === null) return 0; // every thread ended (main called pthread_exit)
  return "signal" in st ? 128 + st.signal : st.code;

  function exit0(): void {
    try {
      exit(0);
    } catch {
      /* GuestUnwind: nothing to unwind here */
    }
  }
}
