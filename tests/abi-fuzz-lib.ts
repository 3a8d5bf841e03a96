// The raw-ABI fuzzer behind tests/abi-fuzz.test.ts: random calls to every export of the
// core (k.core) with adversarial arguments, interleaved with real syscalls (k.sys), over a
// kernel that holds live files and nested epoll sets. After every call: no exception, no
// core abort (k.dead), and on the debug core the invariant walk answers 0.
//
// Every call is recorded as a replayable Op with concrete arguments (handles are plain
// integers, and a kernel built by the same setup hands out the same ones), so a failure
// can be replayed on a fresh kernel and shrunk to a short sequence (shrink()).
import * as E from "../src/index";
import { createKernelSync, type Kernel } from "../src/index";
import { EpollFile } from "../src/files/epoll";
import { EP_ITEM_COST } from "../src/kernel/kernel";

export const isDebug = () => process.env.EPOLL_WASM_CORE === "debug";

// ---- PRNG ---------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for argument choice; fully determined by the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- ops ----------------------------------------------------------------------------

/** A raw core export call, or a real syscall (arguments are what execOp needs). */
export type Op = { raw: true; name: string; args: number[] } | { raw: false; name: string; args: number[] };

export const fmtOp = (op: Op) => `${op.raw ? "core" : "sys"}.${op.name}(${op.args.map(fmtNum).join(", ")})`;
function fmtNum(n: number): string {
  if (n === 0 || Math.abs(n) < 4096) return String(n);
  const u = n >>> 0;
  // Handles read best as (gen<<23)|slot.
  if (n > 0 && n < 0x80000000 && (u & 0x7fffff) < 4096) return `(${u >>> 23}<<23|${u & 0x7fffff})`;
  return n < 0 ? `${n}` : `0x${u.toString(16)}`;
}

/** Exports never called: the memory object, and the debug core's deliberate abort. */
export const EXCLUDED_EXPORTS = new Set(["memory", "debug_selftest_abort"]);

/** Kernel default of max_user_watches (kernel.ts) for the default memory budget. */
export const DEFAULT_MAX_USER_WATCHES = Math.floor(0xffff0000 / 25 / EP_ITEM_COST);
export const DEFAULT_MEMORY_LIMIT = 0xffff0000;

const EP_MAX_EVENTS = 178956970;
const buf = new Uint8Array(64);
const eight = () => {
  const b = new Uint8Array(8);
  b[0] = 1;
  return b;
};

/** Run one op; its result (numbers only). Throws whatever the core or host throws. */
export function execOp(k: Kernel, op: Op): number {
  const a = op.args;
  if (op.raw) {
    const r = (k.core as unknown as Record<string, (...x: number[]) => number | undefined>)[op.name](...a);
    k.rethrow(); // an exception host code raised while called from the core
    return r ?? 0;
  }
  const r = sysOp(k, op);
  k.rethrow(); // host errors raised under this syscall are its failure, not a later one's
  return r;
}

function sysOp(k: Kernel, op: Op): number {
  const a = op.args;
  const s = k.sys;
  switch (op.name) {
    case "write": {
      const f = k.fdt.get(a[0]);
      return f?.kind === "eventfd" ? s.write(a[0], eight(), 8) : s.write(a[0], buf, a[1]);
    }
    case "read": {
      const f = k.fdt.get(a[0]);
      return f?.kind === "eventfd" ? s.read(a[0], new Uint8Array(8), 8) : s.read(a[0], buf, a[1]);
    }
    case "epoll_wait": {
      const out: E.EpollEvent[] = [];
      return s.epoll_wait(a[0], out, a[1], 0);
    }
    case "epoll_wait_into":
      return s.epoll_wait_into(a[0], new Uint32Array(3 * Math.max(0, Math.min(a[1], 64))), a[1], 0);
    case "epoll_ctl":
      return s.epoll_ctl(a[0], a[1], a[2], a[1] === E.EPOLL_CTL_DEL || a[1] === E.EPOLL_CTL_DISABLE ? null : { events: a[3] >>> 0, data: a[4] });
    case "poll": {
      const fds = [{ fd: a[0], events: E.EPOLLIN | E.EPOLLOUT, revents: 0 }];
      return s.poll(fds, 1, 0);
    }
    case "fdinfo": {
      const r = s.fdinfo(a[0]);
      return typeof r === "string" ? r.length : r;
    }
    case "close":
      return s.close(a[0]);
    case "dup":
      return s.dup(a[0]);
    case "pipe2":
      return s.pipe2([], E.O_NONBLOCK);
    case "eventfd":
      return s.eventfd(a[0], E.EFD_NONBLOCK);
    case "socketpair":
      return s.socketpair(1, 1 | E.O_NONBLOCK, 0, []);
    case "epoll_create1":
      return s.epoll_create1(0);
    default:
      throw new Error(`unknown sys op ${op.name}`);
  }
}

/** What must hold after every call; a message, or null. */
export function checkAfter(k: Kernel): string | null {
  if (k.dead) return `core aborted: ${k.dead.message}`;
  if (isDebug()) {
    const inv = k.invariants();
    if (inv !== 0) return `invariant walk failed: rule ${inv}`;
  }
  return null;
}

// ---- the starting state -------------------------------------------------------------

/**
 * Live files and nested sets, built only through k.sys so the host knows all of them:
 * 2 pipes, 2 eventfds, a socketpair, sets A (pipes, eventfds, a socket), B (A and an
 * eventfd), C (B and a pipe's write end), D (empty), with data queued so items are ready.
 */
export function setup(k: Kernel): void {
  const s = k.sys;
  s.sigaction(E.SIGPIPE, "ignore"); // writes to closed pipes return EPIPE (as newKernel sets)
  const p1: number[] = [];
  const p2: number[] = [];
  s.pipe2(p1, E.O_NONBLOCK);
  s.pipe2(p2, E.O_NONBLOCK);
  const e1 = s.eventfd(0, E.EFD_NONBLOCK);
  const e2 = s.eventfd(3, E.EFD_NONBLOCK);
  const sv: number[] = [];
  s.socketpair(1, 1 | E.O_NONBLOCK, 0, sv);
  const A = s.epoll_create1(0);
  const B = s.epoll_create1(0);
  const C = s.epoll_create1(0);
  s.epoll_create1(0); // D
  const add = (ep: number, fd: number, events: number) => {
    const r = s.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events, data: fd });
    if (r !== 0) throw new Error(`setup: epoll_ctl ADD ${fd} into ${ep}: ${r}`);
  };
  add(A, p1[0], E.EPOLLIN);
  add(A, p2[0], E.EPOLLIN | E.EPOLLET);
  add(A, e1, E.EPOLLIN | E.EPOLLONESHOT);
  add(A, e2, E.EPOLLIN | E.EPOLLWAKEUP);
  add(A, sv[0], E.EPOLLIN | E.EPOLLOUT | E.EPOLLRDHUP);
  add(B, A, E.EPOLLIN);
  add(B, e2, E.EPOLLIN | E.EPOLLEXCLUSIVE);
  add(C, B, E.EPOLLIN | E.EPOLLET);
  add(C, p1[1], E.EPOLLOUT);
  s.write(p1[1], buf, 3);
  s.write(sv[1], buf, 5);
  // A poll of the nested sets now, so the core's scratch lists exist before any memory cap.
  const out: E.EpollEvent[] = [];
  s.epoll_wait(C, out, 8, 0);
}

// ---- the fuzzer ---------------------------------------------------------------------

type Kind = "ep" | "epi" | "pwq" | "head";

const SPECIAL = [
  0, 1, -1, 2, 3, 4, 5, 6, 7, 0x7fffffff, -0x80000000, 0xffffffff | 0, 0x7fffff, 0x800000, 0xff800000 | 0,
  (1 << 23) | 1, (2 << 23) | 1, (255 << 23) | 1, EP_MAX_EVENTS, EP_MAX_EVENTS + 1, 65536, 0xffff0000 | 0,
];
const EVENT_BITS = [
  E.EPOLLIN, E.EPOLLOUT, E.EPOLLPRI, E.EPOLLERR, E.EPOLLHUP, E.EPOLLRDHUP, E.EPOLLRDNORM, E.EPOLLWRNORM,
  E.EPOLLET, E.EPOLLONESHOT, E.EPOLLWAKEUP, E.EPOLLEXCLUSIVE, E.EPOLLMSG, 1 << 20,
];

export interface FuzzOptions {
  seed: number;
  calls: number;
  /** Fraction of steps that are real syscalls. */
  sysRatio?: number;
}

export interface Failure {
  seed: number;
  index: number;
  op: Op;
  what: string;
  /** Every op from the start (replayable on a fresh kernel after setup()). */
  ops: Op[];
}

export class Fuzzer {
  readonly rnd: () => number;
  readonly ops: Op[] = [];
  /** The result of each op in `ops` that completed (same index). */
  readonly results: number[] = [];
  private readonly pools: Record<Kind, number[]> = { ep: [], epi: [], pwq: [], head: [] };
  /** Every EventPoll handle ever seen (host-made or raw): cleanup ends their transfers. */
  readonly allEps = new Set<number>();
  /** EventPolls made by raw epoll_create: the host does not know them; cleanup releases them. */
  readonly rawEps = new Set<number>();
  private fileIds: number[] = [];
  private epollFileIds: number[] = [];
  private readonly names: string[];

  private readonly totalWeight: number;

  constructor(readonly k: Kernel, readonly opts: FuzzOptions) {
    this.rnd = prng(opts.seed);
    this.names = Object.keys(k.core).filter((n) => !EXCLUDED_EXPORTS.has(n)).sort();
    this.totalWeight = this.names.reduce((a, n) => a + (WEIGHT[n] ?? 1), 0);
    for (const n of this.names) {
      if (typeof (k.core as unknown as Record<string, unknown>)[n] !== "function") throw new Error(`export ${n} is not a function`);
      if (!(n in ARGS)) throw new Error(`abi-fuzz: no argument generator for core export ${n}: add one`);
    }
    this.pools.pwq.push(-((1 << 23) | 1)); // the first wait entry of a fresh kernel (embedded in its first item)
    this.harvest();
  }

  exports(): string[] {
    return this.names;
  }

  // -- random helpers --
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  u32(): number {
    return (this.rnd() * 4294967296) >>> 0;
  }
  i32(): number {
    return this.u32() | 0;
  }
  special(): number {
    return this.chance(0.25) ? this.i32() : this.pick(SPECIAL);
  }
  small(): number {
    return this.chance(0.85) ? this.int(11) - 2 : this.special();
  }

  private remember(kind: Kind, h: number): void {
    if (!(h > 0)) return;
    const p = this.pools[kind];
    if (p.includes(h)) return;
    p.push(h);
    if (p.length > 48) p.splice(this.int(p.length - 1), 1);
    if (kind === "ep") this.allEps.add(h);
  }

  /** A handle of `kind`: usually a valid one, else stale, forged, foreign or junk. */
  handle(kind: Kind): number {
    const pool = this.pools[kind];
    const r = this.rnd();
    if (pool.length && r < 0.6) return this.pick(pool);
    if (pool.length && r < 0.72) {
      const h = this.pick(pool);
      const gen = h >>> 23;
      const g = this.chance(0.7) ? (gen + 1) & 0xff : (gen + 255) & 0xff;
      return ((g << 23) | (h & 0x7fffff)) >>> 0 | 0; // stale (gen +1) or an older generation
    }
    if (pool.length && r < 0.76) {
      const h = this.pick(pool);
      return (h & ~0x7fffff) | (((h & 0x7fffff) + this.int(5) - 2) & 0x7fffff); // a neighbouring slot
    }
    if (r < 0.86) {
      const other = this.pools[this.pick(["ep", "epi", "pwq", "head"] as Kind[])];
      if (other.length) return this.pick(other); // a valid handle of another cache
    }
    if (r < 0.9) return (((1 + this.int(4)) << 23) | (1 + this.int(40))) | 0; // a plausible forgery
    return this.special();
  }

  file(): number {
    const r = this.rnd();
    if (r < 0.55 && this.fileIds.length) return this.pick(this.fileIds);
    if (r < 0.7 && this.epollFileIds.length) return this.pick(this.epollFileIds);
    if (r < 0.85) return 30 + this.int(20); // made-up ids (no such file)
    return this.special();
  }
  fd(): number {
    const fds = this.k.fdt.fds();
    return this.chance(0.85) && fds.length ? this.pick(fds) : this.small() * 7;
  }
  events(): number {
    if (this.chance(0.1)) return this.u32();
    let m = 0;
    const n = 1 + this.int(4);
    for (let i = 0; i < n; i++) m |= this.pick(EVENT_BITS);
    return m >>> 0;
  }
  tflags(): number {
    const r = this.rnd();
    if (r < 0.7) {
      let t = 1 | 2 | 4; // has event, valid, can poll
      if (this.chance(0.3)) t |= 16; // is epoll
      if (this.chance(0.05)) t |= 8; // same file
      if (this.chance(0.1)) t |= 32; // no CAP_BLOCK_SUSPEND
      if (this.chance(0.05)) t &= ~(1 << this.int(3));
      return t;
    }
    if (r < 0.9) return this.int(64);
    return this.u32();
  }
  maxevents(): number {
    const r = this.rnd();
    if (r < 0.6) return 1 + this.int(8);
    if (r < 0.7) return this.pick([0, -1, EP_MAX_EVENTS, EP_MAX_EVENTS + 1, 0x7fffffff, -0x80000000, 64, 1000]);
    return this.special();
  }

  // -- state harvesting --

  /** Refresh pools from the host's view: files, their EventPolls and f_ep heads, items, entries. */
  harvest(): void {
    const k = this.k;
    // Drop most handles that died since (stale ones are made on purpose by handle()).
    const c = k.core;
    const alive: Record<Kind, (h: number) => boolean> = {
      ep: (h) => c.events_available(h) >= 0,
      epi: (h) => c.epitem_field(h, 5) >= 0,
      pwq: (h) => c.pwq_item(h) > 0,
      head: (h) => c.file_watcher(h, 0, -1) >= 0,
    };
    for (const kind of Object.keys(alive) as Kind[]) {
      this.pools[kind] = this.pools[kind].filter((h) => alive[kind](h) || this.chance(0.15));
    }
    const ids: number[] = [];
    const eids: number[] = [];
    for (const fd of k.fdt.fds()) {
      const f = k.fdt.get(fd)!;
      if (f instanceof EpollFile) {
        eids.push(f.id);
        this.remember("ep", f.ep);
      } else ids.push(f.id);
      // A watched file's id names its f_ep list (eventpoll_release_file, file_watcher).
      if (f.epWatched) this.remember("head", f.id);
    }
    this.fileIds = ids;
    this.epollFileIds = eids;
    for (const ep of [...this.pools.ep]) {
      let epi = k.core.ep_item_next(ep, 0);
      for (let i = 0; epi > 0 && i < 16; i++) {
        this.remember("epi", epi);
        epi = k.core.ep_item_next(ep, epi);
      }
    }
    // Wait entry handles: EppollEntry objects, and the items' embedded entries (negative).
    type Entries = { pwqEntries: ({ pwq: number } | undefined)[]; epiEntries: ({ pwq: number } | undefined)[] };
    const { pwqEntries, epiEntries } = k as unknown as Entries;
    for (const e of [...pwqEntries, ...epiEntries]) if (e && this.chance(0.5)) this.remember("pwq", e.pwq);
  }

  /** Every host epoll file's EventPoll goes into allEps (a closed one may be a deferred release). */
  private seeHostEps(): void {
    for (const fd of this.k.fdt.fds()) {
      const f = this.k.fdt.get(fd);
      if (f instanceof EpollFile && f.ep > 0) this.allEps.add(f.ep);
    }
  }

  /** Learn handles from a result: what the export returns. */
  private learn(name: string, r: number): void {
    if (!(r > 0)) return;
    switch (name) {
      case "epoll_create":
        this.rawEps.add(r);
        this.remember("ep", r);
        break;
      case "file_watcher":
        this.remember("ep", r);
        break;
      case "ep_item_next":
      case "ep_find_item":
      case "ep_list_next":
      case "pwq_item":
        this.remember("epi", r);
        break;
      case "ptable_queue_proc":
        this.remember("pwq", r);
        break;
    }
  }

  // -- op generation --

  private rawOp(): Op {
    let x = this.rnd() * this.totalWeight;
    let name = this.names[this.names.length - 1];
    for (const n of this.names) {
      x -= WEIGHT[n] ?? 1;
      if (x < 0) {
        name = n;
        break;
      }
    }
    return { raw: true, name, args: ARGS[name](this) };
  }

  /**
   * A coherent target for epoll_ctl, as the host would describe an open file (its id, fd,
   * TF_* flags and EventPoll), so that many raw calls get past validation.
   */
  coherentTarget(): { file: number; fd: number; tflags: number; tep: number } | null {
    const fds = this.k.fdt.fds().filter((fd) => fd > 2);
    if (!fds.length) return null;
    const fd = this.pick(fds);
    const f = this.k.fdt.get(fd)!;
    let tflags = 1 | 2 | (f.canPoll ? 4 : 0);
    let tep = 0;
    if (f instanceof EpollFile) {
      tflags |= 16;
      tep = f.ep;
    }
    return { file: f.id, fd, tflags, tep };
  }

  private sysOp(): Op {
    const fds = this.k.fdt.fds().filter((fd) => fd > 2);
    const epfds = fds.filter((fd) => this.k.fdt.get(fd) instanceof EpollFile);
    const anyFd = () => (fds.length && this.chance(0.95) ? this.pick(fds) : this.small());
    const epFd = () => (epfds.length && this.chance(0.9) ? this.pick(epfds) : anyFd());
    // Keep a population of files: make new ones when few are left.
    if (fds.length < 10 || (fds.length < 60 && this.chance(0.04))) {
      const name = this.pick(["pipe2", "eventfd", "socketpair", "epoll_create1", "epoll_create1", "dup"]);
      return { raw: false, name, args: name === "dup" ? [anyFd()] : name === "eventfd" ? [this.int(3)] : [] };
    }
    const r = this.rnd();
    if (r < 0.2) return { raw: false, name: "write", args: [anyFd(), 1 + this.int(16)] };
    if (r < 0.35) return { raw: false, name: "read", args: [anyFd(), 1 + this.int(16)] };
    if (r < 0.5) return { raw: false, name: this.chance(0.7) ? "epoll_wait" : "epoll_wait_into", args: [epFd(), this.chance(0.9) ? 1 + this.int(8) : this.maxevents()] };
    if (r < 0.9) {
      const op = this.chance(0.9) ? this.pick([1, 1, 1, 2, 3]) : this.pick([4, 0, 5, -1]);
      const tgt = this.chance(0.3) && epfds.length ? this.pick(epfds) : anyFd();
      return { raw: false, name: "epoll_ctl", args: [epFd(), op, tgt, this.events(), this.int(1000)] };
    }
    if (r < 0.95) return { raw: false, name: this.chance(0.5) ? "poll" : "fdinfo", args: [anyFd()] };
    return { raw: false, name: "close", args: [anyFd()] };
  }

  /**
   * Run the campaign. Returns the first failure (with every op so far), or null. `onOp`
   * sees each op and its result (for the caller's statistics).
   */
  run(onOp?: (op: Op, r: number) => void): Failure | null {
    const { calls, seed } = this.opts;
    const sysRatio = this.opts.sysRatio ?? 0.2;
    for (let i = 0; i < calls; i++) {
      if (i % 64 === 0) {
        try {
          this.harvest();
        } catch (e) {
          return { seed, index: i, op: { raw: false, name: "(harvest)", args: [] }, what: `harvest threw: ${errText(e)}`, ops: this.ops };
        }
        // Now and then put the limits back, so the real calls keep doing real work.
        if (this.chance(0.6)) {
          this.ops.push({ raw: true, name: "set_memory_limit", args: [DEFAULT_MEMORY_LIMIT | 0] });
          this.ops.push({ raw: true, name: "set_max_user_watches", args: [DEFAULT_MAX_USER_WATCHES] });
          this.ops.push({ raw: true, name: "set_failslab", args: [0] });
          this.results.push(this.k.core.set_memory_limit(DEFAULT_MEMORY_LIMIT) ?? 0);
          this.results.push(this.k.core.set_max_user_watches(DEFAULT_MAX_USER_WATCHES) ?? 0);
          this.results.push(this.k.core.set_failslab(0) ?? 0);
        }
      }
      const op = this.chance(sysRatio) ? this.sysOp() : this.rawOp();
      this.ops.push(op);
      let r: number;
      try {
        r = execOp(this.k, op);
      } catch (e) {
        return { seed, index: i, op, what: `threw ${errText(e)}`, ops: this.ops };
      }
      const bad = checkAfter(this.k);
      if (bad) return { seed, index: i, op, what: `${bad} (result ${r})`, ops: this.ops };
      this.results.push(r);
      if (op.raw) this.learn(op.name, r);
      else this.seeHostEps();
      onOp?.(op, r);
    }
    return null;
  }
}

export function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Relative frequency of each export (1 if not listed): fewer destructive calls, more ctl. */
const WEIGHT: Record<string, number> = {
  epoll_release: 0.15,
  eventpoll_release_file: 0.3,
  set_memory_limit: 0.3,
  set_max_user_watches: 0.3,
  set_failslab: 0.3,
  floor_moves: 0.1,
  epoll_create: 0.5,
  epoll_ctl: 5,
  poll_callback: 2,
  eventpoll_poll: 1.5,
  epoll_send_begin: 1.5,
  epoll_send_step: 2,
  epoll_send_end: 1.5,
  epoll_send_events: 1.5,
  ptable_queue_proc: 0.7,
};

/** epoll_ctl with every argument independent: made-up files, mismatched sets and flags. */
const epollCtlWild = (f: Fuzzer): number[] => [
  f.chance(0.05) ? -E.EBADF : f.handle("ep"),
  f.chance(0.9) ? 1 + f.int(4) : f.small(),
  f.file(),
  f.fd(),
  f.tflags(),
  f.handle("ep"),
  f.events(),
  f.chance(0.5) ? f.int(100) : f.u32(),
  f.chance(0.8) ? 0 : f.u32(),
];

// Argument generators, one per export (the constructor insists every export has one).
const ARGS: Record<string, (f: Fuzzer) => number[]> = {
  epoll_create: (f) => [f.file()],
  epoll_release: (f) => [f.handle("ep")],
  // File ids, mostly small: a made-up one near 2^24 would reserve a 64 MiB table (correct,
  // but it would crowd out the rest of the run).
  file_ready_word: (f) => [f.file()],
  file_table_reserve: (f) => [f.chance(0.9) ? f.int(4096) : f.special()],
  eventpoll_release_file: (f) => [f.chance(0.5) ? f.handle("head") : 0, f.chance(0.5) ? f.handle("ep") : 0],
  epoll_ctl: (f) => {
    const t = f.chance(0.5) ? f.coherentTarget() : null;
    if (t) {
      const op = f.chance(0.9) ? 1 + f.int(4) : f.small();
      return [f.handle("ep"), op, t.file, t.fd, f.chance(0.9) ? t.tflags : f.tflags(), t.tep,
        f.events(), f.int(100), 0];
    }
    return epollCtlWild(f);
  },
  epoll_wait_check: (f) => [f.maxevents()],
  epoll_send_events: (f) => [f.handle("ep"), f.maxevents(), f.chance(0.8) ? 0 : f.small()],
  events_ptr: () => [],
  events_available: (f) => [f.handle("ep")],
  eventpoll_poll: (f) => [f.handle("ep"), f.chance(0.7) ? f.int(3) : f.special()],
  poll_callback: (f) => [f.handle("pwq"), f.chance(0.2) ? 0 : f.events()],
  ptable_queue_proc: (f) => [f.handle("epi")],
  set_waitqueue_active: (f) => [f.handle("ep"), f.small(), f.small()],
  // The limits: anything, including 0 (every later ADD fails with ENOSPC / ENOMEM, which is
  // correct behaviour, not a failure). run() restores the defaults now and then, and the
  // cleanup restores them before the teardown so the final closes are real work.
  set_max_user_watches: (f) => [f.chance(0.5) ? f.int(40) : f.special()],
  set_memory_limit: (f) => {
    const have = f.k.core.memory_bytes();
    return [f.pick([0, have, have + 65536, have + 3 * 65536, have - 1, DEFAULT_MEMORY_LIMIT | 0, -1, f.i32()])];
  },
  // Allocation failures (failslab): every caller must answer -ENOMEM and change nothing.
  set_failslab: (f) => [f.chance(0.7) ? f.int(3) : f.special()],
  memory_bytes: () => [],
  user_watches: () => [],
  core_allocs: () => [],
  ep_list_next: (f) => [f.handle("ep"), f.small(), f.chance(0.4) ? 0 : f.handle("epi")],
  ep_field: (f) => [f.handle("ep"), f.small()],
  cache_live: (f) => [f.small()],
  invariants: () => [],
  ep_item_next: (f) => [f.handle("ep"), f.chance(0.4) ? 0 : f.handle("epi")],
  ep_hash_bits: (f) => [f.handle("ep")],
  // Always refused here (sets exist: -EBUSY; other modes: -EINVAL), and nothing changes.
  set_index: (f) => [f.chance(0.8) ? f.int(2) : f.special()],
  // The floor benchmark's list moves: its own nodes, never the sets' (bounded: -EINVAL past 2^30 moves).
  floor_moves: (f) => [f.chance(0.8) ? 1 + f.int(64) : f.special(), f.chance(0.8) ? 1 + f.int(4) : f.special()],
  ep_find_item: (f) => [f.handle("ep"), f.file(), f.fd()],
  epitem_field: (f) => [f.handle("epi"), f.small()],
  wakeup_source_field: (f) => [f.handle("ep"), f.chance(0.4) ? 0 : f.handle("epi"), f.small()],
  pwq_item: (f) => [f.handle("pwq")],
  file_watcher: (f) => [f.chance(0.5) ? f.handle("head") : 0, f.handle("ep"), f.chance(0.8) ? f.int(4) - 1 : f.special()],
  epoll_send_begin: (f) => [f.handle("ep"), f.maxevents(), f.chance(0.8) ? 0 : f.small()],
  epoll_send_step: (f) => [f.handle("ep")],
  events_log_ptr: () => [],
  epoll_unsend: (f) => [f.handle("ep"), f.handle("epi"), f.chance(0.5) ? f.events() : f.special()],
  epoll_send_end: (f) => [f.handle("ep")],
};

// ---- cleanup --------------------------------------------------------------------------

/**
 * Bring the kernel back to a state the teardown can check (tests/helpers.ts afterEach:
 * every fd closed leaves no core object). Raw calls legitimately leave state the host does
 * not know about, and this undoes exactly that:
 *  - the limits go back to the kernel's defaults (a fuzzed set_memory_limit(0) or
 *    set_max_user_watches(0) or set_failslab(n) is not an error, but the final closes should run unrestricted);
 *  - a transfer a raw epoll_send_begin left open holds the set's ep->mtx: the host defers
 *    the release of files such a set watches (Kernel.lastRef), so end those transfers and
 *    run the deferred releases;
 *  - EventPolls made by raw epoll_create belong to no host file and are freed only by
 *    epoll_release: release them. Items a raw epoll_ctl created (made-up file ids, wrong
 *    heads, entries from a raw ptable_queue_proc) all belong to some set, and are freed
 *    when that set goes: a host set when its fd is closed, a raw one here;
 *  - then every fd is closed (the epoll fds too), which must leave nothing behind.
 * Returns the ops it ran (for replays), or throws.
 */
export function cleanup(k: Kernel, fz: { allEps: Set<number>; rawEps: Set<number> }): Op[] {
  const ops: Op[] = [];
  const run = (name: string, args: number[]) => {
    const op: Op = { raw: true, name, args };
    ops.push(op);
    return execOp(k, op);
  };
  run("set_memory_limit", [DEFAULT_MEMORY_LIMIT | 0]);
  run("set_max_user_watches", [DEFAULT_MAX_USER_WATCHES]);
  run("set_failslab", [0]);
  // End every transfer a raw epoll_send_begin left open — on the host's sets and on the
  // raw ones (a raw set in mid-transfer that watches a host set keeps that set's release
  // deferred, as a thread's transfer would).
  for (const ep of [...fz.allEps, ...fz.rawEps]) {
    for (let i = 0; i < 4 && k.core.ep_field(ep, 0) > 0; i++) run("epoll_send_end", [ep]);
  }
  k.runDeferredReleases();
  for (const ep of fz.rawEps) run("epoll_release", [ep]);
  k.fdt.closeAll();
  k.runDeferredReleases(); // releases that waited for the raw sets
  k.rethrow();
  return ops;
}

export function leftovers(k: Kernel): string | null {
  const live = k.liveObjects();
  const n = Object.values(live).reduce((a, b) => a + b, 0);
  if (n || k.hostWaitEntries() || k.userWatches()) {
    return `left behind after cleanup: ${JSON.stringify(live)}, host wait entries ${k.hostWaitEntries()}, user watches ${k.userWatches()}`;
  }
  return null;
}

// ---- replay and shrinking -------------------------------------------------------------

/** Replays `ops` on a fresh kernel after setup(); the index and message of the first failure. */
export function replay(ops: Op[], withCleanup = false): { index: number; what: string } | null {
  const k = createKernelSync();
  setup(k);
  const fz = { allEps: new Set<number>(), rawEps: new Set<number>() };
  const seeEps = () => {
    for (const fd of k.fdt.fds()) {
      const f = k.fdt.get(fd);
      if (f instanceof EpollFile && f.ep > 0) fz.allEps.add(f.ep);
    }
  };
  seeEps();
  for (let i = 0; i < ops.length; i++) {
    let r: number;
    try {
      r = execOp(k, ops[i]);
    } catch (e) {
      return { index: i, what: `threw ${errText(e)}` };
    }
    const bad = checkAfter(k);
    if (bad) return { index: i, what: bad };
    if (ops[i].raw && ops[i].name === "epoll_create" && r > 0) {
      fz.rawEps.add(r);
      fz.allEps.add(r);
    }
    if (!ops[i].raw) seeEps();
  }
  if (!withCleanup) return null;
  try {
    cleanup(k, fz);
  } catch (e) {
    return { index: ops.length, what: `cleanup threw ${errText(e)}` };
  }
  const bad = checkAfter(k) ?? leftovers(k);
  return bad ? { index: ops.length, what: bad } : null;
}

/**
 * Shrinks a failing op sequence (ddmin-style chunk removal, then one op at a time) while the
 * replay still fails the same way (same kind of message). Bounded by `budgetMs`.
 */
export function shrink(ops: Op[], what: string, withCleanup = false, budgetMs = 20000): Op[] {
  const t0 = Date.now();
  const sig = signature(what);
  const fails = (cand: Op[]) => {
    const r = replay(cand, withCleanup);
    return r !== null && signature(r.what) === sig;
  };
  let cur = ops.slice();
  if (!fails(cur)) return cur; // not reproducible on a fresh kernel: give it as is
  // Often only the last few ops matter: try short suffixes first (cheap on long campaigns).
  for (let n = 1; n < cur.length; n *= 2) {
    if (fails(cur.slice(cur.length - n))) {
      cur = cur.slice(cur.length - n);
      break;
    }
  }
  let chunk = Math.max(1, cur.length >> 1);
  while (chunk >= 1 && Date.now() - t0 < budgetMs) {
    let removed = false;
    for (let start = cur.length - chunk; start >= 0 && Date.now() - t0 < budgetMs; start -= chunk) {
      const cand = cur.slice(0, start).concat(cur.slice(start + chunk));
      if (fails(cand)) {
        cur = cand;
        removed = true;
      }
    }
    if (!removed || chunk > cur.length) chunk >>= 1;
  }
  return cur;
}

function signature(what: string): string {
  return what.replace(/\(result [^)]*\)/, "").replace(/\d+/g, "#").slice(0, 80);
}

// ---- return codes ---------------------------------------------------------------------

// EAGAIN on the epoll calls: a raw epoll_send_begin leaves a transfer open, which holds the
// set's ep->mtx, and the synchronous layer answers -EAGAIN where a thread would sleep on it.
const ERRS: Record<string, number[]> = {
  write: [E.EBADF, E.EAGAIN, E.EPIPE, E.EINVAL, E.ECONNRESET],
  read: [E.EBADF, E.EAGAIN, E.EINVAL, E.ECONNRESET],
  epoll_wait: [E.EBADF, E.EINVAL, E.EAGAIN],
  epoll_wait_into: [E.EBADF, E.EINVAL, E.EFAULT, E.EAGAIN],
  epoll_ctl: [E.EBADF, E.EINVAL, E.EEXIST, E.ENOENT, E.EPERM, E.ELOOP, E.ENOMEM, E.ENOSPC, E.EBUSY, E.EAGAIN],
  poll: [],
  fdinfo: [E.EBADF],
  close: [E.EBADF],
  dup: [E.EBADF, E.EMFILE],
  pipe2: [E.EMFILE, E.ENFILE, E.ENOMEM],
  eventfd: [E.EMFILE, E.ENFILE, E.ENOMEM, E.EINVAL],
  socketpair: [E.EMFILE, E.ENFILE, E.ENOMEM],
  epoll_create1: [E.EMFILE, E.ENFILE, E.ENOMEM],
};

/**
 * Why a result is impossible for the call, or null. A real syscall answers a count in range
 * or one of the errnos Linux gives that call; a raw export answers an i32.
 */
export function illegalResult(op: Op, r: number): string | null {
  if (!Number.isInteger(r) || r !== (r | 0)) return `result ${r} is not an i32`;
  if (op.raw) return null; // compared with the debug core's answer instead
  if (r < 0) {
    const ok = ERRS[op.name];
    if (!ok) return `no errno list for ${op.name}`;
    return ok.includes(-r) ? null : `returned ${E.errnoName(r)} (${r}), not one of ${ok.map((e) => E.errnoName(e)).join(" ")}`;
  }
  const max: Record<string, number> = { write: 16, read: 16, poll: 1, close: 0, epoll_ctl: 0, eventfd: 1023, pipe2: 0, socketpair: 0 };
  if (op.name === "epoll_wait" || op.name === "epoll_wait_into") {
    if (r > Math.max(0, op.args[1])) return `returned ${r} events for maxevents ${op.args[1]}`;
  } else if (op.name in max && r > max[op.name]) {
    // read/write of an eventfd move 8 bytes whatever the length asked
    if (!((op.name === "read" || op.name === "write") && r === 8)) return `returned ${r}, more than ${max[op.name]}`;
  }
  return null;
}

/** Raw exports whose answers describe memory or the build, which differ between the cores. */
const BUILD_DEPENDENT = new Set(["invariants", "memory_bytes", "events_ptr", "events_log_ptr", "file_ready_word", "core_allocs", "set_memory_limit"]);

/**
 * Replays `ops` on a fresh kernel of the debug core (assertions and the invariant walk on)
 * and compares every result with `results`; the first difference, or null.
 */
export function compareWithDebugCore(ops: Op[], results: number[]): string | null {
  const k = createKernelSync({ core: "debug" });
  setup(k);
  for (let i = 0; i < ops.length; i++) {
    let r: number;
    try {
      r = execOp(k, ops[i]);
    } catch (e) {
      return `call #${i} ${fmtOp(ops[i])} threw on the debug core: ${errText(e)}`;
    }
    const bad = checkAfter(k);
    if (bad) return `call #${i} ${fmtOp(ops[i])}: debug core: ${bad}`;
    if (ops[i].raw && BUILD_DEPENDENT.has(ops[i].name)) continue;
    if (r !== results[i]) return `call #${i} ${fmtOp(ops[i])}: release ${results[i]}, debug ${r}`;
  }
  return null;
}
