// A Process: one core instance, one fd table, one clock, the threads. Wires the core's
// imports (vfs_poll, remove_wait_queue, f_ep_link, wake_ep) to host files and wait queues.
import { ReadyWords } from "./ready-words.js";
import { type CoreExports, type CoreImports, type CoreKind, CoreAbortError } from "../core/loader.js";
import { Clock, type ClockMode } from "./clock.js";
import { FdTable } from "./fdtable.js";
import { NullFile, type OpenFile, type PollTable } from "./file.js";
import { EpollWaitEntry, type WaitEntry, type WaitQueueHead } from "./waitqueue.js";
import { EpollFile } from "../files/epoll.js";
import { PipeBufferPool } from "../files/pipe.js";
import { UnixNames } from "../files/unix-names.js";
import type { UnixHost } from "../files/unix-sock.js";
import { EAGAIN, EBUSY, EDEADLK, EPOLLEXCLUSIVE } from "../uapi.js";
import { EventCopier } from "../core/transfer.js";
import { CACHE_EPITEM, CACHE_EPITEMS_HEAD, CACHE_EPPOLL_ENTRY, CACHE_EVENTPOLL, CACHE_WAKEUP_SOURCE, SLOT_MASK, WATCHER_BUSY, WS_ACTIVE, WS_ACTIVE_COUNT, WS_EVENT_COUNT, WS_RELAX_COUNT } from "../abi.js";
import { TimerQueue } from "./timers.js";
import { InetNet } from "../files/inet-net.js";
import { ProcessExited, Signals, type SigTask } from "./signals.js";
import { InodeAllocator } from "./inode.js";
import { Scheduler, type Thread } from "./sched.js";
import type { KernelHooks } from "./hooks.js";

/** Options of createKernel() and createKernelSync() (docs/API.md, Loading). */
export interface KernelOptions {
  /** "virtual" (default): time moves only when a caller sleeps. "real": the host's clock. */
  clock?: ClockMode;
  /** The only source of scheduling randomness (threads). Default 1. */
  seed?: number;
  /** The process has CAP_BLOCK_SUSPEND (default true); without it EPOLLWAKEUP is dropped. */
  capBlockSuspend?: boolean;
  /** max_user_watches; default: Linux's formula applied to the core's memory budget. */
  maxUserWatches?: number;
  /** Cap on the core's linear memory in bytes (ENOMEM past it). Default: 4 GiB - 64 KiB. */
  maxMemoryBytes?: number;
  /** RLIMIT_NOFILE; default 1024. */
  maxFds?: number;
  /**
   * The interest sets' index: "rbtree" (default, Linux since 2.6) or "hash" (the 2002 patch's
   * hash table of fds, grown by doubling). The same behaviour either way; the benchmarks
   * compare them. The environment variable EPOLL_WASM_INDEX overrides the default.
   */
  index?: "rbtree" | "hash";
  /** Which core build to run: "release" (default) or "debug" (assertions, invariant walks).
   *  The environment variable EPOLL_WASM_CORE overrides the default. */
  core?: CoreKind;
}

const WASM32_MAX_BYTES = 0xffff0000;
/** The largest maxFds (Linux's fs.nr_open may be raised this far and beyond): room for 1,000,000 pipes. */
export const MAX_FDS = 1 << 23;
/** Bytes of core memory per watch (an EpItem, its first wait entry inside): Linux's EP_ITEM_COST
 *  (sizeof(struct epitem) + sizeof(struct eppoll_entry)), the divisor of max_user_watches. */
export const EP_ITEM_COST = 60;

export function defaultCoreKind(): CoreKind {
  // No Node built-ins: read process.env only where a `process` global exists.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.EPOLL_WASM_CORE;
  return env === "debug" ? "debug" : "release";
}

/** The index when createKernel is not told: "rbtree", or EPOLL_WASM_INDEX ("hash" runs the test suites on the 2002 index). */
export function defaultIndex(): "rbtree" | "hash" {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.EPOLL_WASM_INDEX;
  return env === "hash" ? "hash" : "rbtree";
}

export function checkOptions(o: KernelOptions): void {
  const bad = (what: string) => {
    throw new TypeError(`createKernel: invalid option ${what}`);
  };
  if (o === null || typeof o !== "object") bad("object");
  if (o.clock !== undefined && o.clock !== "virtual" && o.clock !== "real") bad("clock");
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) bad("seed");
  if (o.maxUserWatches !== undefined && !(Number.isInteger(o.maxUserWatches) && o.maxUserWatches >= 0 && o.maxUserWatches <= 0xffffffff)) bad("maxUserWatches");
  if (o.maxMemoryBytes !== undefined && !(Number.isInteger(o.maxMemoryBytes) && o.maxMemoryBytes > 0)) bad("maxMemoryBytes");
  if (o.maxFds !== undefined && !(Number.isInteger(o.maxFds) && o.maxFds >= 3 && o.maxFds <= MAX_FDS)) bad("maxFds");
  if (o.core !== undefined && o.core !== "debug" && o.core !== "release") bad("core");
  if (o.capBlockSuspend !== undefined && typeof o.capBlockSuspend !== "boolean") bad("capBlockSuspend");
  if (o.index !== undefined && o.index !== "rbtree" && o.index !== "hash") bad("index");
}

/**
 * The process under the syscalls: its core instance (fs/eventpoll.c in WebAssembly) and the
 * binding to it (imports, wait entries, file registry, releases), fd table (fds 0-2 open on
 * a null device), clock, timers and scheduler. The syscall layers are written on it; Kernel
 * (the public front) adds them and the idiomatic API.
 */
export class Process {
  /** The kernel's clock: "virtual" (moves only when a caller sleeps) or "real". */
  readonly clock: Clock;
  /** The process's fd table (RLIMIT_NOFILE = options.maxFds). */
  readonly fdt: FdTable;
  /** Armed timers (timerfds, waiters' timeouts) of this kernel. */
  readonly timers = new TimerQueue();
  /** Inode numbers of this kernel's pipes, sockets and memfds. */
  private readonly inodes = new InodeAllocator();
  /** Readiness words of files that publish their poll mask in the core (pipes). */
  readonly ready!: ReadyWords;
  /** Free pipe buffers (pages) of this kernel's pipes. */
  readonly pipeBuffers = new PipeBufferPool();
  /** The AF_UNIX name space of this kernel (bound socket names). */
  readonly unixNames = new UnixNames();
  /** The loopback network of this kernel's AF_INET and AF_INET6 sockets (ports, TCP timers). */
  readonly net: InetNet;
  /** What this kernel's AF_UNIX sockets use of it: names, and references to files in flight. */
  readonly unixHost: UnixHost = {
    release: (sk) => this.unixNames.release(sk),
    getFile: (f) => this.fget(f),
    putFile: (f) => this.fput(f),
    inflight: new Map(),
    gcRunning: false,
  };
  /** The process's threads and their scheduler. */
  readonly sched: Scheduler;
  /** The main thread as signals see it: kernel.sys calls are its calls (tid = pid). */
  readonly main: SigTask = { tid: 1000, pending: 0n, sigmask: 0n, delivered: [] };
  /** Dispositions, pending signals, delivery, and the process's end (kernel/signals.ts). */
  readonly signals: Signals;
  /** The testing toolkit's hooks (src/kernel/hooks.ts), or null: set with attachHooks(). */
  get hooks(): KernelHooks | null {
    return this.#hooks;
  }
  #hooks: KernelHooks | null = null;
  /** The set an epoll_ctl ADD is inserting into (its wait entries name it in footprints). */
  inserting: OpenFile | null = null;

  /** Plug the testing toolkit in (before any thread runs or item exists): scheduling, faults, footprints. */
  attachHooks(h: KernelHooks): void {
    this.#hooks = h;
    this.sched.hooks = h;
    this.fdt.fp = h.fp;
    if (h.fp !== null) {
      // Footprints record every poll: each must reach the host, so nothing is published.
      this.ready.disable();
      for (const f of this.files) {
        if (f && f.readyWord !== 0) {
          this.ready.release(f.readyWord);
          f.readyWord = 0;
        }
      }
    }
  }

  /** Files whose last reference went while a set watching them was in mid-transfer. */
  private readonly deferred: OpenFile[] = [];
  /** The eventpoll core instance's exports (WebAssembly). */
  readonly core!: CoreExports;
  /** Copies transfers out of the core (events buffer and undo log). */
  readonly copier!: EventCopier;
  /** Which core build runs: "release" or "debug". */
  readonly coreKind: CoreKind;
  /** The scheduling seed (options.seed, default 1). */
  readonly seed: number;
  /** Whether the process has CAP_BLOCK_SUSPEND (EPOLLWAKEUP is kept). */
  readonly capBlockSuspend: boolean;
  /** Set once the core aborted: the kernel refuses every further call. */
  get dead(): CoreAbortError | null {
    return this.#dead;
  }
  #dead: CoreAbortError | null = null;
  /** Files that exist (have references), by id: the core names files by id. */
  private readonly files: (OpenFile | undefined)[] = [undefined];
  /** Ids of released files, for reuse (LIFO). */
  private readonly freeIds: number[] = [];
  private readonly epolls = new Map<number, EpollFile>();
  /** Host wait entries of EppollEntry handles (positive), by slab slot. */
  private readonly pwqEntries: (WaitEntry | undefined)[] = [];
  /** Host wait entries of the items' embedded entries (handles: the item's negated), by the item's slot. */
  private readonly epiEntries: (WaitEntry | undefined)[] = [];
  /** File ids below this have their f_ep word in the core (file_table_reserve). */
  private fileTableCap = 0;

  /** Made by Kernel (use createKernel() / createKernelSync()). */
  constructor(options: KernelOptions, core: CoreExports | ((imports: CoreImports, onAbort: (e: CoreAbortError) => void) => CoreExports)) {
    this.coreKind = options.core ?? defaultCoreKind();
    this.seed = options.seed ?? 1;
    this.capBlockSuspend = options.capBlockSuspend ?? true;
    this.clock = new Clock(options.clock ?? "virtual");
    this.net = new InetNet(this.timers, this.clock);
    this.fdt = new FdTable(options.maxFds ?? 1024, (f) => this.lastRef(f));
    (this as { core: CoreExports }).core = typeof core === "function" ? core(this.imports(), (e) => (this.#dead = e)) : core;
    if (this.core.set_index((options.index ?? defaultIndex()) === "hash" ? 1 : 0) < 0) throw new Error("createKernel: the core's index is already chosen");
    const mem = options.maxMemoryBytes ?? WASM32_MAX_BYTES;
    if (this.core.set_memory_limit(Math.min(mem, WASM32_MAX_BYTES)) < 0) {
      throw new RangeError(`createKernel: maxMemoryBytes ${mem} is below the core's initial ${this.core.memory_bytes()} bytes`);
    }
    this.core.set_max_user_watches(options.maxUserWatches ?? Math.floor(Math.min(mem, WASM32_MAX_BYTES) / 25 / EP_ITEM_COST));
    (this as { copier: EventCopier }).copier = new EventCopier(this.core);
    (this as { ready: ReadyWords }).ready = new ReadyWords(this.core);
    this.sched = new Scheduler(this.seed, this.clock, this.timers);
    this.signals = new Signals(
      () => [this.main, ...this.sched.threads.filter((t) => t.state !== "done")],
      () => {
        if (this.main.pending !== 0n) return true;
        for (const t of this.sched.threads) if (t.pending !== 0n && t.state !== "done") return true;
        return false;
      },
      (task) => {
        if (task !== this.main) this.wakeForSignal(task as Thread);
      },
      () => {
        this.fdt.fp?.touch("global", true); // the process's end reaches every thread
        this.sched.stopAll();
      }
    );
    this.sched.sendSignal = (t, sig) => this.signals.sendToTask(t, sig);
    this.sched.sharedPending = (t) => this.signals.sharedFor(t);
    const nul = new NullFile();
    for (let i = 0; i < 3; i++) this.fdt.install(this.track(nul), false);
  }

  /**
   * Puts `files` at fds 0, 1, 2 in place of what is there (kernel.spawnProcess: the guest's
   * stdio), as dup2 would: each old file is closed once its slot holds the new one.
   */
  installStdio(files: readonly OpenFile[]): void {
    files.forEach((f, fd) => this.fdt.installOver(fd, this.track(f)));
  }

  /** CLOCK_MONOTONIC now, in nanoseconds. */
  now(): bigint {
    return this.clock.now();
  }

  /** The open file description with this id, if it still exists. */
  fileById(id: number): OpenFile | undefined {
    return this.files[id];
  }

  /** Register a new open file description so the core can name it. */
  track<F extends OpenFile>(f: F): F {
    if (f.id === 0) {
      f.id = this.freeIds.pop() ?? this.files.length;
      f.assignInode(this.inodes);
      // struct file comes with its f_ep: reserve the id's word in the core, a chunk at a
      // time. Out of core memory, the reservation is left to epoll_ctl(ADD) (ENOMEM there).
      if (f.id >= this.fileTableCap && this.core.file_table_reserve(f.id) === 0) this.fileTableCap = (f.id | 1023) + 1;
    }
    this.files[f.id] = f;
    return f;
  }

  /** Create an epoll file with its EventPoll; -ENOMEM if the core is out of memory. */
  newEpoll(): EpollFile | number {
    const f = this.track(new EpollFile(this.core));
    const ep = this.core.epoll_create(f.id);
    if (ep < 0) {
      this.untrack(f);
      return ep;
    }
    f.ep = ep;
    this.epolls.set(ep, f);
    return f;
  }

  private untrack(f: OpenFile): void {
    if (f.readyWord !== 0) {
      this.ready.release(f.readyWord); // the id's next file starts unpublished
      f.readyWord = 0;
    }
    this.files[f.id] = undefined;
    this.freeIds.push(f.id);
  }

  /** Take a reference to a file for the length of a call (fget). */
  fget(f: OpenFile): void {
    f.refs++;
  }
  /** Drop a reference fget() took (fput); the last one releases the file. */
  fput(f: OpenFile): void {
    this.fdt.put(f);
  }

  /** The EventPoll handles of the sets watching a file (with repeats), and whether busy. */
  watchers(f: OpenFile): { eps: EpollFile[]; busy: boolean } {
    const head = f.epWatched ? f.id : 0;
    const ep = f instanceof EpollFile ? f.ep : 0;
    if (!head && !ep) return { eps: [], busy: false };
    // A file's watchers are on its f_ep list and, for an epoll file, on its refs list
    // (both, if a raw caller registered an epoll file as a plain one).
    const eps: EpollFile[] = [];
    let busy = false;
    for (const [h, e] of [[head, 0], [0, ep]] as const) {
      if (!h && !e) continue;
      for (let i = 0; ; i++) {
        const w = this.core.file_watcher(h, e, i);
        if (w <= 0) break;
        const f = this.epolls.get(w);
        if (f && !eps.includes(f)) eps.push(f);
      }
      if (this.core.file_watcher(h, e, WATCHER_BUSY) === 1) busy = true;
    }
    return { eps, busy };
  }

  /** __fput(): eventpoll_release() first (drop every epoll item on this file), then release. */
  private lastRef(f: OpenFile): void {
    // An explorer: the release changes every set that watches the file, and the watch count.
    const fp = this.fdt.fp;
    if (fp && (f.epWatched || f instanceof EpollFile)) {
      for (const e of this.watchers(f).eps) fp.touch(e, true);
      fp.touch("watches", true);
    }
    // MODEL: Linux's eventpoll_release would sleep on the ep->mtx of a set in mid-transfer;
    // the release completes when that transfer ends instead.
    if ((f.epWatched || f instanceof EpollFile) && this.watchers(f).busy) {
      this.deferred.push(f);
      return;
    }
    if ((f.epWatched || f instanceof EpollFile) && this.core.eventpoll_release_file(f.epWatched ? f.id : 0, f instanceof EpollFile ? f.ep : 0) === -EBUSY) {
      this.deferred.push(f);
      return;
    }
    f.release();
    if (f instanceof EpollFile) this.epolls.delete(f.ep);
    this.untrack(f);
  }

  /** Complete releases that waited for a transfer to end. */
  runDeferredReleases(): void {
    for (let i = 0; i < this.deferred.length; ) {
      const f = this.deferred[i];
      if (this.watchers(f).busy) {
        i++;
        continue;
      }
      this.deferred.splice(i, 1);
      this.lastRef(f);
    }
  }

  /** An exception raised by host code while the core was running, to rethrow afterwards. */
  private pendingError: unknown = undefined;

  /** After a core call: rethrow what host code called from the core threw, if anything. */
  rethrow(): void {
    if (this.pendingError === undefined) return;
    const e = this.pendingError;
    this.pendingError = undefined;
    throw e;
  }

  /** signal_wake_up: a thread asleep interruptibly is woken to take its signal. */
  private wakeForSignal(t: Thread): void {
    if (t.state === "blocked" && t.interruptible && t.signalPending()) this.sched.wake(t, "signal");
  }

  /** The main thread's return to user space (kernel.sys): its deliverable signals are handled. */
  deliverMain(): void {
    this.fdt.fp?.touch("signals", true);
    this.signals.deliver(this.main);
  }

  /** Every syscall's entry: refuse after a core abort or the process's end; with the real clock, fire due timers. */
  guard(): void {
    if (this.#dead) throw new Error(`epoll-wasm kernel refuses calls after a core abort: ${this.#dead.message}`, { cause: this.#dead });
    if (this.signals.exitStatus) throw new ProcessExited(this.signals.exitStatus);
    if (this.timers.size && this.clock.mode === "real") this.timers.runDue(this.clock.now());
  }

  /**
   * The synchronous layer's sleep. Virtual clock: jump from timer expiry to timer expiry
   * (firing them) until `ready()` holds (returns 1) or the deadline passes (returns 0);
   * with no deadline (-1n) and no timer left, nothing could ever wake the caller: -EDEADLK.
   * Real clock: cannot block the JS thread: -EAGAIN.
   */
  sleepUntil(deadline: bigint, ready: () => boolean): number {
    // MODEL: Linux would sleep; the synchronous layer never blocks the JS thread (-EAGAIN on
    // the real clock, -EDEADLK below when nothing could ever end the wait).
    if (this.clock.mode === "real") return -EAGAIN;
    for (;;) {
      const next = this.timers.nextExpiry();
      if (next !== undefined && (deadline < 0n || next <= deadline)) {
        this.clock.advanceTo(next);
        this.timers.runDue(this.clock.now());
        if (ready()) return 1;
        continue;
      }
      if (deadline < 0n) return -EDEADLK;
      this.clock.advanceTo(deadline);
      return 0;
    }
  }

  // ---- debugging and accounting ----

  /** The debug core's invariant walk: 0 = all hold; a rule number otherwise; -ENOSYS on release. */
  invariants(): number {
    return this.core.invariants();
  }
  /** Live core objects: EventPolls, EpItems, EppollEntries, f_ep heads, wakeup sources. */
  liveObjects(): { eventpoll: number; epitem: number; eppollEntry: number; epitemsHead: number; wakeupSource: number } {
    const c = this.core;
    return {
      eventpoll: c.cache_live(CACHE_EVENTPOLL), epitem: c.cache_live(CACHE_EPITEM), eppollEntry: c.cache_live(CACHE_EPPOLL_ENTRY),
      epitemsHead: c.cache_live(CACHE_EPITEMS_HEAD), wakeupSource: c.cache_live(CACHE_WAKEUP_SOURCE),
    };
  }
  /** Host wait entries still linked for epoll items. */
  hostWaitEntries(): number {
    const live = (n: number, e: WaitEntry | undefined) => (e ? n + 1 : n);
    return this.pwqEntries.reduce(live, 0) + this.epiEntries.reduce(live, 0);
  }
  /**
   * EPOLLWAKEUP accounting (the wakeup_source epoll keeps): of the item (epfd, fd), or of
   * the set itself when `fd` is omitted. null when there is no such source.
   */
  wakeupSource(epfd: number, fd?: number): { active: boolean; eventCount: number; activeCount: number; relaxCount: number } | null {
    const ep = this.fdt.get(epfd);
    if (!(ep instanceof EpollFile)) return null;
    let epi = 0;
    if (fd !== undefined) {
      const f = this.fdt.get(fd);
      if (!f) return null;
      epi = this.core.ep_find_item(ep.ep, f.id, fd);
      if (epi <= 0) return null;
    }
    const field = (i: number) => this.core.wakeup_source_field(ep.ep, epi, i);
    if (field(WS_ACTIVE) < 0) return null;
    return { active: field(WS_ACTIVE) === 1, eventCount: field(WS_EVENT_COUNT), activeCount: field(WS_ACTIVE_COUNT), relaxCount: field(WS_RELAX_COUNT) };
  }

  /** Objects the core's caches have handed out since it started. */
  coreAllocations(): number {
    return this.core.core_allocs();
  }

  /** Watches counted against max_user_watches. */
  userWatches(): number {
    return this.core.user_watches();
  }
  /** The size of the core's linear memory in bytes. */
  coreMemoryBytes(): number {
    return this.core.memory_bytes();
  }

  // ---- the core's imports ----

  private imports(): CoreImports {
    return {
      // An exception must never unwind through the core (it would leave its lists half
      // updated): host code called from the core is caught here, answers neutrally, and the
      // error is rethrown to the caller of the syscall once the core call has completed.
      vfs_poll: (fileId, epi, events, depth) => {
        const f = this.files[fileId];
        if (!f) return 0;
        this.fdt.fp?.touch(f, true);
        try {
          return f.poll(epi ? this.queueTable(epi, events) : null, depth, events) >>> 0;
        } catch (e) {
          this.pendingError ??= e;
          return 0;
        }
      },
      remove_wait_queue: (pwq) => {
        const table = pwq < 0 ? this.epiEntries : this.pwqEntries;
        const slot = Math.abs(pwq) & SLOT_MASK;
        const e = table[slot];
        if (e) {
          e.head?.remove(e);
          table[slot] = undefined;
        }
      },
      set_watched: (fileId, watched) => {
        const f = this.files[fileId];
        if (f) f.epWatched = watched !== 0;
      },
      wake_ep: (ep, which, key) => {
        const f = this.epolls.get(ep);
        if (!f) return;
        try {
          if (which === 0) f.wq.wakeUp(key, 1);
          else f.pollWaitHead.wakeUp(key, 1);
        } catch (e) {
          this.pendingError ??= e;
        }
      },
    };
  }

  /** ep_ptable_queue_proc's poll table: each poll_wait links an entry calling ep_poll_callback. */
  /** The one poll table of ep_insert registrations (they never nest), re-aimed per call. */
  private readonly epq = { key: 0, epi: 0, kernel: this as Process, queue(this: { key: number; epi: number; kernel: Process }, head: WaitQueueHead) {
    this.kernel.queueEntry(this.epi, this.key, head);
  } };

  private queueTable(epi: number, events: number): PollTable {
    this.epq.epi = epi;
    this.epq.key = events;
    return this.epq;
  }

  /** ep_ptable_queue_proc's host half: link a wait entry that calls ep_poll_callback. */
  queueEntry(epi: number, events: number, head: WaitQueueHead): void {
    const core = this.core;
    const pwq = core.ptable_queue_proc(epi);
    if (pwq === 0) return; // ENOMEM: ep_insert notices and fails
    const fp = this.fdt.fp;
    const ep = this.inserting;
    // An explorer records that a wakeup reached the set (ep_poll_callback changes its ready list).
    const callback = fp && ep ? (pwq: number, key: number) => (fp.touch(ep, true), core.poll_callback(pwq, key)) : core.poll_callback;
    const entry = new EpollWaitEntry(callback, pwq, (events & EPOLLEXCLUSIVE) !== 0);
    head.add(entry);
    if (pwq < 0) this.epiEntries[-pwq & SLOT_MASK] = entry;
    else this.pwqEntries[pwq & SLOT_MASK] = entry;
  }
}
