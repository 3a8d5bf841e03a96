// Kernel: the public front — a Process with its syscall layers (sys, threads), the factories
// of the idiomatic API and inspect(). createKernel() and createKernelSync() make one.
import { spawnProcess, type SpawnOptions } from "../guest/process.js";
import { instantiateCore, instantiateCoreSync, type CoreExports, type CoreImports, CoreAbortError } from "../core/loader.js";
import { Process, checkOptions, defaultCoreKind, type KernelOptions } from "./process.js";
import type { Thread } from "./sched.js";
import { inspectEpoll, inspectFds, type EpollState, type FdState } from "./inspect.js";
import { Sys } from "../sys.js";
import { ThreadSys } from "../thread-sys.js";
import { Epoll } from "../epoll.js";
import { FileHandle, SocketHandle, ListenerHandle, EventFdHandle, TimerFdHandle, SignalFdHandle, maskOf, checkOptions as checkApiOptions } from "../handles.js";
import { check } from "../errors.js";
import type { KernelApi } from "../kernel-api.js";
import {
  AF_INET, AF_INET6, AF_UNIX, CLOCK_MONOTONIC, CLOCK_REALTIME, EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE, EINPROGRESS, EINVAL,
  O_CLOEXEC, O_DIRECT, O_NONBLOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT,
  TFD_CLOEXEC, TFD_NONBLOCK, SIG_BLOCK, SA_RESTART,
} from "../uapi.js";
import type { SockAddr } from "../syscalls/args.js";
import type { Disposition, ExitStatus } from "./signals.js";

export { EP_ITEM_COST, type KernelOptions } from "./process.js";

/**
 * One simulated Linux process: its own core instance (fs/eventpoll.c in WebAssembly), fd table
 * (fds 0-2 open on a null device), clock and threads. Make one with createKernel() or
 * createKernelSync(); `sys` is the syscall layer, `spawn`/`run` the threads, `epoll()`,
 * `pipe()`, … the idiomatic API.
 */
export class Kernel extends Process implements KernelApi {
  /** The synchronous syscall layer (docs/API.md). */
  readonly sys: Sys;

  /** Use createKernel() / createKernelSync(). */
  constructor(options: KernelOptions, core: CoreExports | ((imports: CoreImports, onAbort: (e: CoreAbortError) => void) => CoreExports)) {
    super(options, core);
    this.sys = new Sys(this);
  }

  /**
   * kernel.spawn(): a thread of this process (it shares the fd table); runs at run().
   * `join()` is typed by `fn`'s result.
   */
  spawn<T>(fn: (sys: ThreadSys) => Promise<T>, name?: string): Thread<T> {
    this.guard();
    if (typeof fn !== "function") throw new TypeError("kernel.spawn: fn must be a function");
    let t: Thread<T> | undefined;
    this.fdt.fp?.touch("spawn", true); // thread ids and names follow spawn order
    t = this.sched.spawn(() => fn(new ThreadSys(this, t!, this.sys)), name);
    // pthread_create: the new thread starts with its creator's signal mask.
    t.sigmask = (this.sched.current ?? this.main).sigmask;
    return t;
  }

  /**
   * Runs a C program compiled by `epoll-wasm cc` on this kernel (docs/GUEST.md): its threads
   * are this kernel's threads, its fds this kernel's fd table. Resolves with its exit status.
   */
  spawnProcess(module: WebAssembly.Module | BufferSource, options?: SpawnOptions): Promise<number> {
    return spawnProcess(this, module, options);
  }

  /** kernel.run(): run every thread to completion; rejects with code EDEADLK if stuck. Once the process has ended it resolves at once. */
  run(): Promise<void> {
    if (this.signals.exitStatus) return Promise.resolve();
    this.guard();
    return this.sched.run();
  }

  /**
   * How the process ended: `{ signal }` (a default action that terminates), `{ code }`
   * (exit()), or null while it lives. After the end every thread has stopped (join()
   * resolves with undefined) and every call throws ProcessExited.
   */
  get exitStatus(): ExitStatus | null {
    return this.signals.exitStatus;
  }

  // ---- the idiomatic API's file constructors (they throw EpollError) ----

  /** An epoll set (epoll_create1). */
  epoll(options: { cloexec?: boolean } = {}): Epoll {
    return new Epoll(this, options);
  }

  /** pipe2(): [read end, write end]. */
  pipe(options: { nonblock?: boolean; cloexec?: boolean; direct?: boolean } = {}): [FileHandle, FileHandle] {
    checkApiOptions(options, "kernel.pipe", ["nonblock", "cloexec", "direct"]);
    const fds: number[] = [];
    check(this.sys.pipe2(fds, (options.nonblock ? O_NONBLOCK : 0) | (options.cloexec ? O_CLOEXEC : 0) | (options.direct ? O_DIRECT : 0)), "pipe2");
    return [new FileHandle(this, fds[0]), new FileHandle(this, fds[1])];
  }

  /** socketpair(AF_UNIX, SOCK_STREAM): two connected ends. */
  socketPair(options: { nonblock?: boolean; cloexec?: boolean } = {}): [SocketHandle, SocketHandle] {
    checkApiOptions(options, "kernel.socketPair", ["nonblock", "cloexec"]);
    const sv: number[] = [];
    check(this.sys.socketpair(AF_UNIX, SOCK_STREAM | (options.nonblock ? SOCK_NONBLOCK : 0) | (options.cloexec ? SOCK_CLOEXEC : 0), 0, sv), "socketpair");
    return [new SocketHandle(this, sv[0]), new SocketHandle(this, sv[1])];
  }

  /**
   * A stream socket listening on `name`: socket + bind + listen. A string is an AF_UNIX name
   * (a path, "\0…" for an abstract name, or "" for an automatic abstract one); an address
   * object is a TCP one on the loopback network (`{ family: AF_INET, addr: "127.0.0.1",
   * port }`, port 0 for an ephemeral port; AF_INET6 with "::1" or "::"), which may set
   * SO_REUSEADDR / SO_REUSEPORT first. `backlog` defaults to 128.
   */
  listen(name: string | SockAddr, options: { backlog?: number; nonblock?: boolean; cloexec?: boolean; reuseAddr?: boolean; reusePort?: boolean } = {}): ListenerHandle {
    const family = addressFamily(name, "kernel.listen");
    checkApiOptions(options, "kernel.listen", ["nonblock", "cloexec", "reuseAddr", "reusePort"]);
    const backlog = options.backlog ?? 128;
    if (typeof backlog !== "number" || !Number.isInteger(backlog)) throw new TypeError("kernel.listen: options.backlog must be an integer");
    if (family === AF_UNIX && (options.reuseAddr || options.reusePort)) throw new TypeError("kernel.listen: reuseAddr and reusePort are for internet addresses");
    const fd = check(this.sys.socket(family, SOCK_STREAM | (options.nonblock ? SOCK_NONBLOCK : 0) | (options.cloexec ? SOCK_CLOEXEC : 0), 0), "socket");
    const l = new ListenerHandle(this, fd);
    try {
      if (options.reuseAddr) check(this.sys.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1), "setsockopt");
      if (options.reusePort) check(this.sys.setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, 1), "setsockopt");
      check(this.sys.bind(fd, typeof name === "string" ? { family: AF_UNIX, path: name } : name), "bind");
      check(this.sys.listen(fd, backlog), "listen");
    } catch (e) {
      l.close();
      throw e;
    }
    return l;
  }

  /**
   * A stream socket connected to `name` (socket + connect): an AF_UNIX name, or a TCP
   * address on the loopback network. Throws EpollError (ENOENT, ECONNREFUSED, EAGAIN on a
   * full AF_UNIX backlog, …). A non-blocking TCP connect is in progress when this returns
   * (on loopback it is already established, as on Linux; EINPROGRESS is not an error here).
   */
  connect(name: string | SockAddr, options: { nonblock?: boolean; cloexec?: boolean } = {}): SocketHandle {
    const family = addressFamily(name, "kernel.connect");
    checkApiOptions(options, "kernel.connect", ["nonblock", "cloexec"]);
    const fd = check(this.sys.socket(family, SOCK_STREAM | (options.nonblock ? SOCK_NONBLOCK : 0) | (options.cloexec ? SOCK_CLOEXEC : 0), 0), "socket");
    const c = new SocketHandle(this, fd);
    try {
      const r = this.sys.connect(fd, typeof name === "string" ? { family: AF_UNIX, path: name } : name);
      if (r !== -EINPROGRESS) check(r, "connect");
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** eventfd(initval). */
  eventFd(initval = 0, options: { semaphore?: boolean; nonblock?: boolean; cloexec?: boolean } = {}): EventFdHandle {
    if (typeof initval !== "number") throw new TypeError("kernel.eventFd: initval must be a number");
    // eventfd(2) takes an unsigned int.
    if (!Number.isInteger(initval) || initval < 0 || initval > 0xffffffff) check(-EINVAL, "eventfd");
    checkApiOptions(options, "kernel.eventFd", ["semaphore", "nonblock", "cloexec"]);
    const flags = (options.semaphore ? EFD_SEMAPHORE : 0) | (options.nonblock ? EFD_NONBLOCK : 0) | (options.cloexec ? EFD_CLOEXEC : 0);
    return new EventFdHandle(this, check(this.sys.eventfd(initval, flags), "eventfd"));
  }

  /** timerfd_create() on "monotonic" (default) or "realtime". */
  timerFd(options: { clock?: "monotonic" | "realtime"; nonblock?: boolean; cloexec?: boolean } = {}): TimerFdHandle {
    checkApiOptions(options, "kernel.timerFd", ["nonblock", "cloexec"]);
    if (options.clock !== undefined && options.clock !== "monotonic" && options.clock !== "realtime") {
      throw new TypeError('kernel.timerFd: options.clock must be "monotonic" or "realtime"');
    }
    const clock = options.clock === "realtime" ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    const flags = (options.nonblock ? TFD_NONBLOCK : 0) | (options.cloexec ? TFD_CLOEXEC : 0);
    return new TimerFdHandle(this, check(this.sys.timerfd_create(clock, flags), "timerfd_create"));
  }

  /**
   * A signalfd for `signals` (numbers): readable (epoll, poll) while one of them is pending.
   * `block` (default true) first blocks them in the calling thread, as signalfd users do, so
   * they are read from it rather than delivered.
   */
  signalFd(signals: number[], options: { nonblock?: boolean; cloexec?: boolean; block?: boolean } = {}): SignalFdHandle {
    const mask = maskOf(signals, "kernel.signalFd");
    checkApiOptions(options, "kernel.signalFd", ["nonblock", "cloexec", "block"]);
    if (options.block !== false) check(this.sys.sigprocmask(SIG_BLOCK, mask, null), "sigprocmask");
    const flags = (options.nonblock ? O_NONBLOCK : 0) | (options.cloexec ? O_CLOEXEC : 0);
    return new SignalFdHandle(this, check(this.sys.signalfd(-1, mask, flags), "signalfd"));
  }

  /**
   * A handler for `sig` (sigaction; with SA_RESTART unless `restart: false`, as signal(3)
   * installs one): it runs on the thread that takes the signal, as that thread's call returns.
   */
  onSignal(sig: number, handler: (sig: number) => void, options: { restart?: boolean } = {}): void {
    if (typeof handler !== "function") throw new TypeError("kernel.onSignal: handler must be a function");
    checkApiOptions(options, "kernel.onSignal", ["restart"]);
    this.#disposition(sig, { handler, flags: options.restart === false ? 0 : SA_RESTART }, "onSignal");
  }

  /** Ignore `sig` (sigaction SIG_IGN); a pending one is discarded. */
  ignoreSignal(sig: number): void {
    this.#disposition(sig, "ignore", "ignoreSignal");
  }

  /** Back to `sig`'s default action (sigaction SIG_DFL). */
  resetSignal(sig: number): void {
    this.#disposition(sig, "default", "resetSignal");
  }

  #disposition(sig: number, d: Disposition, what: string): void {
    if (!Number.isInteger(sig)) throw new TypeError(`kernel.${what}: sig must be a signal number`);
    check(this.sys.sigaction(sig, d), "sigaction");
  }

  /** A snapshot of an epoll set's core state (null if epfd is not an epoll fd). */
  inspect(epfd: number): EpollState | null {
    return inspectEpoll(this, epfd);
  }

  /** A snapshot of the fd table: every open fd, lowest first, with its file's state. */
  fds(): FdState[] {
    return inspectFds(this);
  }

  /**
   * Step mode, for visualizers and debuggers: `hook` is called (and awaited) before each
   * scheduling decision of kernel.run() with the thread about to run, so a UI can pause
   * between steps — including between the items of a transfer. null removes it.
   */
  onSchedule(hook: ((next: Thread) => void | Promise<void>) | null): void {
    if (hook !== null && typeof hook !== "function") throw new TypeError("kernel.onSchedule: hook must be a function or null");
    this.sched.stepHook = hook && (async (next) => hook(next));
  }
}

/** createKernel(): a new, independent kernel (its own core instance, fd table, clock). */
export async function createKernel(options: KernelOptions = {}): Promise<Kernel> {
  checkOptions(options);
  const kind = options.core ?? defaultCoreKind();
  let pending: { imports: CoreImports; onAbort: (e: CoreAbortError) => void } | undefined;
  // Compile asynchronously, then bind the instance to the kernel's imports.
  const imports: CoreImports = {
    vfs_poll: (...a) => pending!.imports.vfs_poll(...a),
    remove_wait_queue: (...a) => pending!.imports.remove_wait_queue(...a),
    set_watched: (...a) => pending!.imports.set_watched(...a),
    wake_ep: (...a) => pending!.imports.wake_ep(...a),
  };
  const core = await instantiateCore(kind, imports, (e) => pending!.onAbort(e));
  return new Kernel({ ...options, core: kind }, (imp, onAbort) => {
    pending = { imports: imp, onAbort };
    return core;
  });
}

/** createKernelSync(): the same, compiled synchronously (tests, workers, Node). */
export function createKernelSync(options: KernelOptions = {}): Kernel {
  checkOptions(options);
  const kind = options.core ?? defaultCoreKind();
  return new Kernel({ ...options, core: kind }, (imp, onAbort) => instantiateCoreSync(kind, imp, onAbort));
}

/** The family of a kernel.listen / kernel.connect name: AF_UNIX for a string, else the address object's. */
function addressFamily(name: unknown, what: string): number {
  if (typeof name === "string") return AF_UNIX;
  if (name !== null && typeof name === "object") {
    const f = (name as SockAddr).family;
    if (f === AF_INET || f === AF_INET6) return f;
    if (f === AF_UNIX) throw new TypeError(`${what}: pass an AF_UNIX name as a string`);
  }
  throw new TypeError(`${what}: name must be a string (AF_UNIX) or { family: AF_INET | AF_INET6, addr, port }`);
}
