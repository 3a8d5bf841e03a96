/// <reference lib="esnext.disposable" preserve="true" />
// The idiomatic API: class Epoll over the syscall layer. Failures throw EpollError (Node's
// SystemError shape); wrong argument types throw TypeError before anything is done.
import type { KernelApi } from "./kernel-api.js";
import type { EpollEvent } from "./sys.js";
import { FileHandle, checkOptions } from "./handles.js";
import { EpollError, check } from "./errors.js";
import { DeadlockError } from "./kernel/sched.js";
import { EBUSY, EDEADLK, EINTR, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_DISABLE, EPOLL_CTL_MOD } from "./uapi.js";

/** Options of Epoll.wait(). */
export interface WaitOptions {
  /** At most this many events (1 … 178956970). Default 64. */
  maxEvents?: number;
  /** Milliseconds; -1 (default) waits until an event arrives, 0 does not wait. */
  timeout?: number;
  /** Aborting rejects the wait with the signal's reason. */
  signal?: AbortSignal;
}

const EP_MAX_EVENTS = 178956970;

/** Why a wait got EDEADLK: what the caller can do about it. */
const NOTHING_CAN_WAKE =
  "nothing in the kernel can ever end this wait: every kernel thread is blocked and no timer is pending. " +
  "With the virtual clock (the default) JavaScript callbacks such as setTimeout are not waited for: " +
  "to be woken by them, use createKernel({ clock: \"real\" })";

type Target = number | FileHandle;
const fdOf = (t: Target, what: string, kernel: KernelApi): number => {
  if (t instanceof FileHandle) {
    if (t.kernel !== kernel) throw new TypeError(`Epoll.${what}: the FileHandle belongs to another kernel`);
    return t.fd;
  }
  if (typeof t === "number" && Number.isInteger(t)) return t;
  throw new TypeError(`Epoll.${what}: target must be an fd number or a FileHandle`);
};
const checkEvents = (events: unknown, what: string): number => {
  if (typeof events !== "number" || !Number.isInteger(events) || events < -0x80000000 || events > 0xffffffff) {
    throw new TypeError(`Epoll.${what}: events must be a 32-bit integer mask`);
  }
  return events >>> 0;
};
const checkData = (data: unknown, fd: number, what: string): bigint | number => {
  if (data === undefined) return Number.isSafeInteger(fd) ? fd : 0; // (an fd that large is EBADF anyway)
  if (typeof data === "bigint" || (typeof data === "number" && Number.isSafeInteger(data))) return data;
  throw new TypeError(`Epoll.${what}: data must be a bigint or a safe integer`);
};

/**
 * An epoll set of a kernel. `add`/`modify`/`delete`/`disable` are epoll_ctl; `wait` is
 * epoll_wait returning a Promise (it sleeps in a kernel thread, so other threads, timers
 * and the embedding program can wake it); iterating with `for await` yields events.
 */
export class Epoll {
  /** The fd, in a box of its own so a frozen set or a Proxy of one still closes. */
  private readonly box: { fd: number };

  /** The epoll fd; -1 once closed (every call then fails with EBADF, never on a reused number). */
  get fd(): number {
    return this.box.fd;
  }

  private get closed(): boolean {
    return this.box.fd < 0;
  }

  /** epoll_create1(2) on `kernel` (EPOLL_CLOEXEC with `cloexec`); throws EpollError (EMFILE, ENOMEM). */
  constructor(
    /** The kernel the set belongs to. */
    readonly kernel: KernelApi,
    options: { cloexec?: boolean } = {}
  ) {
    checkOptions(options, "new Epoll", ["cloexec"]);
    this.box = { fd: check(kernel.sys.epoll_create1(options.cloexec ? EPOLL_CLOEXEC : 0), "epoll_create1") };
  }

  /** EPOLL_CTL_ADD. `data` defaults to the fd. */
  add(target: Target, events: number, data?: bigint | number): void {
    const fd = fdOf(target, "add", this.kernel);
    check(this.kernel.sys.epoll_ctl(this.fd, EPOLL_CTL_ADD, fd, { events: checkEvents(events, "add"), data: checkData(data, fd, "add") }), "epoll_ctl");
  }

  /** EPOLL_CTL_MOD. `data` defaults to the fd. */
  modify(target: Target, events: number, data?: bigint | number): void {
    const fd = fdOf(target, "modify", this.kernel);
    check(this.kernel.sys.epoll_ctl(this.fd, EPOLL_CTL_MOD, fd, { events: checkEvents(events, "modify"), data: checkData(data, fd, "modify") }), "epoll_ctl");
  }

  /** EPOLL_CTL_DEL. */
  delete(target: Target): void {
    check(this.kernel.sys.epoll_ctl(this.fd, EPOLL_CTL_DEL, fdOf(target, "delete", this.kernel), null), "epoll_ctl");
  }

  /**
   * EPOLL_CTL_DISABLE (the 2012 proposal): no further event is queued for the item. Returns
   * true if it was on the ready list (now removed: nobody is handling it), false if it was
   * not (an event may be in another thread's hands: EBUSY).
   */
  disable(target: Target): boolean {
    const r = this.kernel.sys.epoll_ctl(this.fd, EPOLL_CTL_DISABLE, fdOf(target, "disable", this.kernel), null);
    if (r === -EBUSY) return false;
    check(r, "epoll_ctl");
    return true;
  }

  /** epoll_wait without waiting, into a typed array (3 words an event): the fast path. */
  waitInto(out: Uint32Array, maxEvents = Math.floor(out.length / 3)): number {
    if (!(ArrayBuffer.isView(out) && Object.prototype.toString.call(out) === "[object Uint32Array]")) throw new TypeError("Epoll.waitInto: out must be a Uint32Array");
    if (typeof maxEvents !== "number") throw new TypeError("Epoll.waitInto: maxEvents must be a number");
    return check(this.kernel.sys.epoll_wait_into(this.fd, out, maxEvents, 0), "epoll_wait");
  }

  /**
   * epoll_wait: the events (possibly none, after a timeout). The wait sleeps in a kernel
   * thread, so kernel threads, kernel timers and — with `clock: "real"` — the embedding
   * program's own callbacks (setTimeout, I/O) writing through `kernel.sys` or a handle can
   * wake it; while it sleeps on the real clock it keeps Node's event loop alive, as a process
   * blocked in epoll_wait stays alive. With the virtual clock (the default) time moves only
   * when every kernel thread waits: a timeout passes at once in virtual time, and a wait that
   * nothing in the kernel can end rejects with an EpollError `EDEADLK` that says so.
   * It may be pending together with `kernel.run()`.
   */
  async wait(options: WaitOptions = {}): Promise<EpollEvent[]> {
    if (options === null || typeof options !== "object") throw new TypeError("Epoll.wait: options must be an object");
    const { maxEvents = 64, timeout = -1, signal } = options;
    if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > EP_MAX_EVENTS) throw new TypeError("Epoll.wait: maxEvents must be an integer from 1 to 178956970");
    if (!Number.isInteger(timeout) || timeout < -1 || timeout > 0x7fffffff) throw new TypeError("Epoll.wait: timeout must be an integer from -1 to 2147483647");
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("Epoll.wait: signal must be an AbortSignal");
    signal?.throwIfAborted();
    const out: EpollEvent[] = [];
    const now = check(this.kernel.sys.epoll_wait(this.fd, out, maxEvents, 0), "epoll_wait");
    if (now > 0 || timeout === 0) return out.slice(0, now);
    // Sleep like a thread: its own wait entry and timer on this set.
    const t = this.kernel.spawn(async (ts) => ts.epoll_wait(this.fd, out, maxEvents, timeout), `Epoll(${this.fd}).wait`);
    const result = t.join(); // observed from the start: its failure is this wait's, not run()'s
    result.catch(() => {});
    const abort = () => t.abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      if (!this.kernel.sched.isRunning) {
        try {
          await this.kernel.run();
        } catch (e) {
          // MODEL: on the virtual clock nothing outside the kernel is waited for (see NOTHING_CAN_WAKE).
          if (e instanceof DeadlockError) {
            t.abort(); // nothing can ever wake it: end the wait
            await this.kernel.run();
            throw new EpollError(-EDEADLK, "epoll_wait", NOTHING_CAN_WAKE);
          }
          throw e;
        }
      }
      const r = (await result) as number;
      if (r === -EINTR && signal?.aborted) throw signal.reason;
      return out.slice(0, check(r, "epoll_wait"));
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /**
   * `for await (const ev of epoll)`: events as they come; the iteration ends when a wait
   * times out (with `timeout` ≥ 0) or the set is closed, and throws what a wait throws —
   * EpollError `EDEADLK` when nothing could ever wake it (virtual clock, see wait()).
   */
  async *events(options: WaitOptions = {}): AsyncGenerator<EpollEvent> {
    while (!this.closed) {
      let batch: EpollEvent[];
      try {
        batch = await this.wait(options);
      } catch (e) {
        if (e instanceof EpollError && e.code === "EBADF" && this.closed) return;
        throw e; // EDEADLK too: an iteration that nothing can continue is an error, not an end
      }
      if (batch.length === 0) return;
      yield* batch;
    }
  }

  /** `for await (const ev of epoll)`: events() with the default options. */
  [Symbol.asyncIterator](): AsyncGenerator<EpollEvent> {
    return this.events();
  }

  /** close(2) the epoll fd: the first close() closes it, later ones do nothing (as FileHandle). */
  close(): void {
    const fd = this.box.fd;
    if (fd < 0) return;
    this.box.fd = -1;
    check(this.kernel.sys.close(fd), "close");
  }

  /** `using`: close() the set. */
  [Symbol.dispose](): void {
    this.close();
  }
}
