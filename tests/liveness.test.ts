// Liveness and safety of event delivery, as properties over random programs (fast-check,
// fixed seed): writes and reads on two pipes and three eventfds, epoll_ctl MOD / DEL / ADD
// with random requested masks, on two epoll sets that watch the same files — set L
// level-triggered, set T edge-triggered (so checking L after every step never consumes T's
// edges).
//
// The test judges the model against its own shadow of every file and of each set's ready
// list, never against the model's answers: bytes in each pipe buffer (Linux's 16 page
// buffers, the merge rule of pipe_write, a buffer freed when read empty), each eventfd's
// counter, and the wakeups Linux makes (pipe_write: rd_wait with EPOLLIN|EPOLLRDNORM on every
// attempt once the pipe has been polled, even -EAGAIN; pipe_read: wr_wait with
// EPOLLOUT|EPOLLWRNORM only when it frees a buffer of a full pipe; eventfd write: EPOLLIN,
// even of 0; eventfd read: EPOLLOUT), filtered by each item's mask (ep_poll_callback's key
// check), queued at the ready list's tail unless already on it (also by ADD and MOD of a
// ready item), harvested in order, LT items re-queued in report order.
//
// After every step: every call's return value and every byte count are the shadow's,
// poll() on each file gives the shadow's bits, and epoll_wait(L, 64) reports exactly the
// shadow's ready items in the shadow's order with events = bits & (mask|ERR|HUP); at each
// T harvest likewise for the edge-triggered set — so a spurious wakeup (an item queued
// early, or queued at all and reported) and a missing one both show.
import fc from "fast-check";
import * as E from "../src/index";
import { createKernelSync, type EpollEvent, type Kernel } from "../src/index";
import { checkKernel, isDebugCore } from "./helpers";
import { ALL_POLL_BITS } from "./state";

const ERRHUP = E.EPOLLERR | E.EPOLLHUP;
/** Bits a requested mask is drawn from. */
const MASK_BITS = [E.EPOLLIN, E.EPOLLOUT, E.EPOLLRDNORM, E.EPOLLWRNORM, E.EPOLLPRI, E.EPOLLRDHUP, E.EPOLLRDBAND];

type FileKind = "pipe-rd" | "pipe-wr" | "efd";
interface Watched {
  name: string;
  kind: FileKind;
  fd: number;
  /** Index of the pipe (pipe ends) or the eventfd. */
  obj: number;
}

type Op =
  | { t: "write"; pipe: number; n: number }
  | { t: "read"; pipe: number; n: number }
  | { t: "efdWrite"; efd: number; v: bigint }
  | { t: "efdRead"; efd: number }
  | { t: "mod"; set: "L" | "T"; item: number; mask: number }
  | { t: "del"; set: "L" | "T"; item: number }
  | { t: "add"; set: "L" | "T"; item: number; mask: number }
  | { t: "harvestT" };

const N_ITEMS = 6; // pipe0.rd, pipe0.wr, pipe1.rd, pipe1.wr, efd0, efd1 (efd2: never registered)

const maskArb = fc.subarray(MASK_BITS, { minLength: 0 }).map((bits) => bits.reduce((a, b) => a | b, 0));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("write" as const), pipe: fc.nat(1), n: fc.constantFrom(1, 7, 100, 4096, 5000, 30000, 65536) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("read" as const), pipe: fc.nat(1), n: fc.constantFrom(1, 50, 4096, 65536) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("efdWrite" as const), efd: fc.nat(2), v: fc.constantFrom(0n, 1n, 5n, 0xfffffffffffffff0n, 0xfffffffffffffffen) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("efdRead" as const), efd: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("mod" as const), set: fc.constantFrom("L" as const, "T" as const), item: fc.nat(N_ITEMS - 1), mask: maskArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("del" as const), set: fc.constantFrom("L" as const, "T" as const), item: fc.nat(N_ITEMS - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("add" as const), set: fc.constantFrom("L" as const, "T" as const), item: fc.nat(N_ITEMS - 1), mask: maskArb }) },
  { weight: 4, arbitrary: fc.constant({ t: "harvestT" as const }) }
);
const programArb = fc.record({
  masksL: fc.array(maskArb, { minLength: N_ITEMS, maxLength: N_ITEMS }),
  masksT: fc.array(maskArb, { minLength: N_ITEMS, maxLength: N_ITEMS }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
});

const tagOf = (set: "L" | "T", item: number) => BigInt((set === "L" ? 1000 : 2000) + item);
/** Tags that no registration ever uses: the unregistered eventfd's, in either set. */
const FOREIGN_TAGS = [1006n, 2006n];

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

const PAGE = 4096;
const PIPE_BUFFERS = 16;
const U64_MAX = 0xffffffffffffffffn;
const POLL_IN = E.EPOLLIN | E.EPOLLRDNORM;
const POLL_OUT = E.EPOLLOUT | E.EPOLLWRNORM;

/** The test's own pipe: Linux's ring of page buffers, each with its offset and length. */
class ShadowPipe {
  bufs: { off: number; len: number }[] = [];
  get empty(): boolean {
    return this.bufs.length === 0;
  }
  get full(): boolean {
    return this.bufs.length >= PIPE_BUFFERS;
  }
  /** pipe_write of n bytes, non-blocking, with a reader: bytes written or -EAGAIN. */
  write(n: number): number {
    let left = n;
    const chars = n & (PAGE - 1);
    const last = this.bufs[this.bufs.length - 1];
    if (chars && last && last.off + last.len + chars <= PAGE) {
      last.len += chars; // merged into the last buffer
      left -= chars;
      if (!left) return n;
    }
    while (left > 0 && !this.full) {
      const c = Math.min(PAGE, left);
      this.bufs.push({ off: 0, len: c });
      left -= c;
    }
    return left === n ? -E.EAGAIN : n - left;
  }
  /** pipe_read of n bytes, non-blocking, with a writer: [bytes or -EAGAIN, wake writers]. */
  read(n: number): [number, boolean] {
    if (this.empty) return [-E.EAGAIN, false];
    let got = 0;
    let wakeWriter = false;
    while (got < n && !this.empty) {
      const b = this.bufs[0];
      const c = Math.min(b.len, n - got);
      b.off += c;
      b.len -= c;
      got += c;
      if (b.len === 0) {
        wakeWriter ||= this.full; // only when freeing a buffer of a full pipe
        this.bufs.shift();
      }
    }
    return [got, wakeWriter];
  }
}

class World {
  readonly k: Kernel;
  readonly items: Watched[] = [];
  readonly pipes: [number, number][] = [];
  readonly efds: number[] = [];
  readonly L: number;
  readonly T: number;
  /** Requested mask per set and item; undefined: not registered. */
  readonly mask: { L: (number | undefined)[]; T: (number | undefined)[] } = { L: [], T: [] };
  /** The shadow: pipe buffers, eventfd counters (efd1 is a semaphore), each set's ready list. */
  readonly shadowPipes = [new ShadowPipe(), new ShadowPipe()];
  readonly counters = [0n, 0n, 0n];
  readonly ready: { L: number[]; T: number[] } = { L: [], T: [] };
  readonly log: string[] = [];

  constructor(masksL: number[], masksT: number[]) {
    this.k = createKernelSync({});
    this.k.sys.sigaction(13 /* SIGPIPE */, "ignore"); // writes to closed pipes return EPIPE
    const s = this.k.sys;
    for (let p = 0; p < 2; p++) {
      const fds: number[] = [];
      expect(s.pipe2(fds, E.O_NONBLOCK)).toBe(0);
      this.pipes.push([fds[0], fds[1]]);
      this.items.push({ name: `pipe${p}.rd`, kind: "pipe-rd", fd: fds[0], obj: p }, { name: `pipe${p}.wr`, kind: "pipe-wr", fd: fds[1], obj: p });
    }
    for (let i = 0; i < 3; i++) this.efds.push(s.eventfd(0, E.EFD_NONBLOCK | (i === 1 ? E.EFD_SEMAPHORE : 0)));
    this.items.push({ name: "efd0", kind: "efd", fd: this.efds[0], obj: 0 }, { name: "efd1", kind: "efd", fd: this.efds[1], obj: 1 });
    this.L = s.epoll_create1(0);
    this.T = s.epoll_create1(0);
    for (let i = 0; i < N_ITEMS; i++) {
      this.add("L", i, masksL[i]);
      this.add("T", i, masksT[i]);
    }
  }

  /** What f_op->poll gives for an item's file, from the shadow alone. */
  shadowBits(i: number): number {
    const it = this.items[i];
    if (it.kind === "pipe-rd") return this.shadowPipes[it.obj].empty ? 0 : POLL_IN;
    if (it.kind === "pipe-wr") return this.shadowPipes[it.obj].full ? 0 : POLL_OUT;
    const c = this.counters[it.obj];
    return (c > 0n ? E.EPOLLIN : 0) | (U64_MAX - 1n > c ? E.EPOLLOUT : 0);
  }

  /** The model's poll() of every item's file must agree with the shadow. */
  checkPoll(): void {
    for (let i = 0; i < N_ITEMS; i++) {
      const p = [{ fd: this.items[i].fd, events: ALL_POLL_BITS, revents: 0 }];
      const want = this.shadowBits(i);
      expect([this.items[i].name, this.k.sys.poll(p, 1, 0), p[0].revents]).toEqual([this.items[i].name, want ? 1 : 0, want]);
    }
  }

  private epfd(set: "L" | "T") {
    return set === "L" ? this.L : this.T;
  }

  /** list_add_tail onto the set's ready list unless the item is already on it. */
  private queue(set: "L" | "T", i: number): void {
    if (!this.ready[set].includes(i)) this.ready[set].push(i);
  }

  /** A wakeup of item i's file with `key`: ep_poll_callback in each set that watches it. */
  private wake(i: number, key: number): void {
    for (const set of ["L", "T"] as const) {
      const m = this.mask[set][i];
      if (m !== undefined && key & (m | ERRHUP)) this.queue(set, i);
    }
  }

  /** ADD and MOD queue the item when its file is ready for the new mask. */
  private ctlQueue(set: "L" | "T", i: number): void {
    if (this.shadowBits(i) & (this.mask[set][i]! | ERRHUP)) this.queue(set, i);
  }

  add(set: "L" | "T", i: number, mask: number): void {
    const r = this.k.sys.epoll_ctl(this.epfd(set), E.EPOLL_CTL_ADD, this.items[i].fd, { events: mask | (set === "T" ? E.EPOLLET : 0), data: tagOf(set, i) });
    expect(r).toBe(this.mask[set][i] === undefined ? 0 : -E.EEXIST);
    if (r === 0) {
      this.mask[set][i] = mask;
      this.ctlQueue(set, i);
    }
  }

  apply(op: Op): void {
    const s = this.k.sys;
    this.log.push(JSON.stringify(op, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
    switch (op.t) {
      case "write": {
        const [, wr] = this.pipes[op.pipe];
        expect(s.write(wr, new Uint8Array(op.n).fill(0x61), op.n)).toBe(this.shadowPipes[op.pipe].write(op.n));
        this.wake(op.pipe * 2, POLL_IN); // every attempt, the pipe having been polled
        break;
      }
      case "read": {
        const [rd] = this.pipes[op.pipe];
        const [want, wakeWriter] = this.shadowPipes[op.pipe].read(op.n);
        expect(s.read(rd, new Uint8Array(op.n), op.n)).toBe(want);
        if (wakeWriter) this.wake(op.pipe * 2 + 1, POLL_OUT);
        break;
      }
      case "efdWrite": {
        const c = this.counters[op.efd];
        const fits = U64_MAX - c > op.v;
        expect(s.write(this.efds[op.efd], u64(op.v), 8)).toBe(fits ? 8 : -E.EAGAIN);
        if (fits) {
          this.counters[op.efd] = c + op.v;
          if (op.efd < 2) this.wake(4 + op.efd, E.EPOLLIN);
        }
        break;
      }
      case "efdRead": {
        const c = this.counters[op.efd];
        const buf = new Uint8Array(8);
        const r = s.read(this.efds[op.efd], buf, 8);
        expect(r).toBe(c === 0n ? -E.EAGAIN : 8);
        if (c > 0n) {
          const value = op.efd === 1 ? 1n : c; // efd1 is a semaphore
          expect(new DataView(buf.buffer).getBigUint64(0, true)).toBe(value);
          this.counters[op.efd] = c - value;
          if (op.efd < 2) this.wake(4 + op.efd, E.EPOLLOUT);
        }
        break;
      }
      case "mod": {
        const registered = this.mask[op.set][op.item] !== undefined;
        const r = s.epoll_ctl(this.epfd(op.set), E.EPOLL_CTL_MOD, this.items[op.item].fd, { events: op.mask | (op.set === "T" ? E.EPOLLET : 0), data: tagOf(op.set, op.item) });
        expect(r).toBe(registered ? 0 : -E.ENOENT);
        if (r === 0) {
          this.mask[op.set][op.item] = op.mask;
          this.ctlQueue(op.set, op.item);
        }
        break;
      }
      case "del": {
        const registered = this.mask[op.set][op.item] !== undefined;
        expect(s.epoll_ctl(this.epfd(op.set), E.EPOLL_CTL_DEL, this.items[op.item].fd, null)).toBe(registered ? 0 : -E.ENOENT);
        this.mask[op.set][op.item] = undefined;
        this.ready[op.set] = this.ready[op.set].filter((i) => i !== op.item);
        break;
      }
      case "add":
        this.add(op.set, op.item, op.mask);
        break;
      case "harvestT":
        this.harvestT();
        break;
    }
  }

  private wait(epfd: number): EpollEvent[] {
    const out: EpollEvent[] = [];
    const n = this.k.sys.epoll_wait(epfd, out, 64, 0);
    expect(n).toBeGreaterThanOrEqual(0);
    return out.slice(0, n).map((e) => ({ events: e.events, data: e.data }));
  }

  /**
   * ep_send_events on the shadow: the ready list in order, each item reported with its
   * file's bits within its mask or dropped when none; LT items re-queued in report order.
   */
  private shadowHarvest(set: "L" | "T"): EpollEvent[] {
    const out: EpollEvent[] = [];
    const requeue: number[] = [];
    for (const i of this.ready[set]) {
      const revents = this.shadowBits(i) & (this.mask[set][i]! | ERRHUP);
      if (!revents) continue;
      out.push({ events: revents, data: tagOf(set, i) });
      if (set === "L") requeue.push(i);
    }
    this.ready[set] = requeue;
    return out;
  }

  private checkHarvest(set: "L" | "T"): void {
    const name = (e: EpollEvent) => `${this.items[Number(e.data) % 1000]?.name ?? "?"} ${e.data} 0x${e.events.toString(16)}`;
    const got = this.wait(this.epfd(set));
    for (const ev of got) expect(FOREIGN_TAGS).not.toContain(ev.data);
    expect([set, got.map(name)]).toEqual([set, this.shadowHarvest(set).map(name)]);
  }

  /** The level-triggered set: exactly the ready registered items, in ready-list order. */
  checkL(): void {
    this.checkPoll();
    this.checkHarvest("L");
  }

  /** The edge-triggered set: the items woken since its last harvest and ready now, in order. */
  harvestT(): void {
    this.checkHarvest("T");
  }

  finish(): void {
    const k = this.k;
    checkKernel(k);
    k.fdt.closeAll();
    checkKernel(k);
    expect(k.liveObjects()).toEqual({ eventpoll: 0, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
    expect(k.hostWaitEntries()).toBe(0);
    expect(k.userWatches()).toBe(0);
  }
}

const params = (seed: number) => ({ seed, numRuns: isDebugCore() ? 150 : 250, endOnFailure: true });

function runProgram(p: { masksL: number[]; masksT: number[]; ops: Op[] }, everyStepInvariants: boolean): void {
  const w = new World(p.masksL, p.masksT);
  w.checkL();
  w.harvestT();
  for (const op of p.ops) {
    w.apply(op);
    if (everyStepInvariants) checkKernel(w.k);
    w.checkL();
  }
  w.harvestT();
  w.checkL();
  w.finish();
}

test("level-triggered: every ready registered item is reported after every step (and only those)", () => {
  fc.assert(fc.property(programArb, (p) => runProgram(p, true)), params(0x5eed01));
});

test("edge-triggered: at most once per wakeup, at least once after a wakeup that leaves it ready", () => {
  // Programs dominated by harvests and single wakeups, so most harvest pairs are tight.
  const tight = fc.record({
    masksL: fc.array(maskArb, { minLength: N_ITEMS, maxLength: N_ITEMS }),
    masksT: fc.array(fc.constantFrom(E.EPOLLIN, E.EPOLLOUT, E.EPOLLIN | E.EPOLLOUT, E.EPOLLRDNORM | E.EPOLLWRNORM), { minLength: N_ITEMS, maxLength: N_ITEMS }),
    ops: fc.array(fc.oneof(opArb, fc.constant({ t: "harvestT" as const })), { minLength: 1, maxLength: 40 }),
  });
  fc.assert(fc.property(tight, (p) => runProgram(p, false)), params(0x5eed02));
});

test("the properties hold on hand-written edges: full pipe, eventfd at its maximum, MOD while ready", () => {
  // A pipe filled to its 16 buffers: the writer's T item fires once on the read that frees a
  // buffer; an eventfd at 0xfffffffffffffffe is not writable until read.
  runProgram(
    {
      masksL: [E.EPOLLIN, E.EPOLLOUT, E.EPOLLIN, E.EPOLLOUT, E.EPOLLIN | E.EPOLLOUT, E.EPOLLOUT],
      masksT: [E.EPOLLIN, E.EPOLLOUT, E.EPOLLIN, E.EPOLLOUT, E.EPOLLIN | E.EPOLLOUT, E.EPOLLOUT],
      ops: [
        { t: "write", pipe: 0, n: 65536 },
        { t: "harvestT" },
        { t: "harvestT" },
        { t: "write", pipe: 0, n: 1 },
        { t: "harvestT" },
        { t: "read", pipe: 0, n: 1 },
        { t: "harvestT" },
        { t: "read", pipe: 0, n: 4096 },
        { t: "harvestT" },
        { t: "harvestT" },
        { t: "efdWrite", efd: 0, v: 0xfffffffffffffffen },
        { t: "harvestT" },
        { t: "efdWrite", efd: 0, v: 1n },
        { t: "harvestT" },
        { t: "efdRead", efd: 0 },
        { t: "harvestT" },
        { t: "mod", set: "T", item: 4, mask: E.EPOLLOUT },
        { t: "harvestT" },
        { t: "harvestT" },
        { t: "del", set: "T", item: 0 },
        { t: "write", pipe: 0, n: 3 },
        { t: "harvestT" },
        { t: "add", set: "T", item: 0, mask: E.EPOLLIN },
        { t: "harvestT" },
        { t: "harvestT" },
        { t: "efdWrite", efd: 2, v: 5n },
        { t: "efdRead", efd: 2 },
        { t: "harvestT" },
        // Reading 1 byte of a full pipe frees no buffer and wakes nobody: the writer's T item
        // is queued only by the 4096-byte read, behind pipe0.rd (woken in between).
        { t: "write", pipe: 1, n: 65536 },
        { t: "harvestT" },
        { t: "read", pipe: 1, n: 1 },
        { t: "write", pipe: 0, n: 1 },
        { t: "read", pipe: 1, n: 4096 },
        { t: "harvestT" },
        // A failed write (-EAGAIN) to a full pipe still wakes its readers: a new edge.
        { t: "write", pipe: 1, n: 65536 },
        { t: "harvestT" },
        { t: "write", pipe: 1, n: 4096 },
        { t: "write", pipe: 1, n: 1 },
        { t: "harvestT" },
      ],
    },
    true
  );
});
