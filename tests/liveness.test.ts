// Liveness and safety of event delivery, as properties over random programs (fast-check,
// fixed seed): writes and reads on two pipes and three eventfds, epoll_ctl MOD / DEL / ADD
// with random requested masks, on two epoll sets that watch the same files — set L
// level-triggered, set T edge-triggered (so checking L after every step never consumes T's
// edges). Readiness is judged with poll(), independently of epoll.
//
// (a) L: after every step, epoll_wait(L, 64) reports exactly the registered items whose file
//     is ready for a requested event, each once, with events = poll bits & (mask|ERR|HUP).
// (b) T: between two harvests with no operation on an item's file (and no ctl on the item)
//     the item is not reported; after an operation that wakes it (a successful write to a
//     pipe or an eventfd for EPOLLIN, a read of a full pipe or of an eventfd for EPOLLOUT,
//     a MOD/ADD while ready), if it is ready at the next harvest it is reported there.
// (c) both: a reported mask is within requested | EPOLLERR | EPOLLHUP, and no tag of an
//     unregistered (never added, or deleted) fd is ever reported.
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

class World {
  readonly k: Kernel;
  readonly items: Watched[] = [];
  readonly pipes: [number, number][] = [];
  readonly efds: number[] = [];
  readonly L: number;
  readonly T: number;
  /** Requested mask per set and item; undefined: not registered. */
  readonly mask: { L: (number | undefined)[]; T: (number | undefined)[] } = { L: [], T: [] };
  /** T: since its last harvest, some operation touched the item's file or the item (a superset of wakeups). */
  mayWake: boolean[] = new Array(N_ITEMS).fill(false);
  /** T: since its last harvest, an operation certainly queued the item. */
  mustWake: boolean[] = new Array(N_ITEMS).fill(false);
  readonly log: string[] = [];

  constructor(masksL: number[], masksT: number[]) {
    this.k = createKernelSync({});
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

  /** poll() bits of an item's file (every pollable bit asked for). */
  pollBits(i: number): number {
    const p = [{ fd: this.items[i].fd, events: ALL_POLL_BITS, revents: 0 }];
    expect(this.k.sys.poll(p, 1, 0)).toBeGreaterThanOrEqual(0);
    return p[0].revents;
  }

  private epfd(set: "L" | "T") {
    return set === "L" ? this.L : this.T;
  }

  add(set: "L" | "T", i: number, mask: number): void {
    const r = this.k.sys.epoll_ctl(this.epfd(set), E.EPOLL_CTL_ADD, this.items[i].fd, { events: mask | (set === "T" ? E.EPOLLET : 0), data: tagOf(set, i) });
    expect(r).toBe(this.mask[set][i] === undefined ? 0 : -E.EEXIST);
    if (r === 0) {
      this.mask[set][i] = mask;
      if (set === "T") this.ctlWake(i, mask);
    }
  }

  private ctlWake(i: number, mask: number): void {
    // ep_insert / ep_modify queue the item if the file is ready for the new mask.
    this.mayWake[i] = true;
    if (this.pollBits(i) & (mask | ERRHUP)) this.mustWake[i] = true;
  }

  apply(op: Op): void {
    const s = this.k.sys;
    this.log.push(JSON.stringify(op, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
    switch (op.t) {
      case "write": {
        const [, wr] = this.pipes[op.pipe];
        const r = s.write(wr, new Uint8Array(op.n).fill(0x61), op.n);
        expect(r === -E.EAGAIN || (r > 0 && r <= op.n)).toBe(true);
        this.touchPipe(op.pipe);
        // pipe_write wakes rd_wait with EPOLLIN | EPOLLRDNORM.
        const rdItem = op.pipe * 2;
        const m = this.mask.T[rdItem];
        if (r > 0 && m !== undefined && m & (E.EPOLLIN | E.EPOLLRDNORM)) this.mustWake[rdItem] = true;
        break;
      }
      case "read": {
        const [rd] = this.pipes[op.pipe];
        const wrItem = op.pipe * 2 + 1;
        const wasFull = (this.pollBits(wrItem) & E.POLLOUT) === 0;
        const r = s.read(rd, new Uint8Array(op.n), op.n);
        expect(r === -E.EAGAIN || (r > 0 && r <= op.n)).toBe(true);
        this.touchPipe(op.pipe);
        // pipe_read wakes wr_wait with EPOLLOUT | EPOLLWRNORM when the pipe was full.
        const m = this.mask.T[wrItem];
        if (r > 0 && wasFull && m !== undefined && m & (E.EPOLLOUT | E.EPOLLWRNORM)) this.mustWake[wrItem] = true;
        break;
      }
      case "efdWrite": {
        const r = s.write(this.efds[op.efd], u64(op.v), 8);
        expect(r === 8 || r === -E.EAGAIN).toBe(true);
        this.touchEfd(op.efd);
        // eventfd_write wakes with EPOLLIN.
        const m = op.efd < 2 ? this.mask.T[4 + op.efd] : undefined;
        if (r === 8 && m !== undefined && m & E.EPOLLIN) this.mustWake[4 + op.efd] = true;
        break;
      }
      case "efdRead": {
        const r = s.read(this.efds[op.efd], new Uint8Array(8), 8);
        expect(r === 8 || r === -E.EAGAIN).toBe(true);
        this.touchEfd(op.efd);
        // eventfd_read wakes with EPOLLOUT.
        const m = op.efd < 2 ? this.mask.T[4 + op.efd] : undefined;
        if (r === 8 && m !== undefined && m & E.EPOLLOUT) this.mustWake[4 + op.efd] = true;
        break;
      }
      case "mod": {
        const registered = this.mask[op.set][op.item] !== undefined;
        const r = s.epoll_ctl(this.epfd(op.set), E.EPOLL_CTL_MOD, this.items[op.item].fd, { events: op.mask | (op.set === "T" ? E.EPOLLET : 0), data: tagOf(op.set, op.item) });
        expect(r).toBe(registered ? 0 : -E.ENOENT);
        if (r === 0) {
          this.mask[op.set][op.item] = op.mask;
          if (op.set === "T") this.ctlWake(op.item, op.mask);
        }
        break;
      }
      case "del": {
        const registered = this.mask[op.set][op.item] !== undefined;
        expect(s.epoll_ctl(this.epfd(op.set), E.EPOLL_CTL_DEL, this.items[op.item].fd, null)).toBe(registered ? 0 : -E.ENOENT);
        this.mask[op.set][op.item] = undefined;
        if (op.set === "T") this.mayWake[op.item] = this.mustWake[op.item] = false;
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

  private touchPipe(p: number) {
    this.mayWake[p * 2] = this.mayWake[p * 2 + 1] = true;
  }
  private touchEfd(e: number) {
    if (e < 2) this.mayWake[4 + e] = true;
  }

  private wait(epfd: number): EpollEvent[] {
    const out: EpollEvent[] = [];
    const n = this.k.sys.epoll_wait(epfd, out, 64, 0);
    expect(n).toBeGreaterThanOrEqual(0);
    return out.slice(0, n).map((e) => ({ events: e.events, data: e.data }));
  }

  /** (c) for one harvest of `set`: tags registered, each once, masks within what was asked. */
  private checkSafety(set: "L" | "T", evs: EpollEvent[], polls: number[]): Map<number, number> {
    const seen = new Map<number, number>();
    for (const ev of evs) {
      expect(FOREIGN_TAGS).not.toContain(ev.data);
      const i = Number(ev.data) - (set === "L" ? 1000 : 2000);
      expect(i >= 0 && i < N_ITEMS).toBe(true);
      const m = this.mask[set][i];
      expect([set, i, m === undefined ? "unregistered" : "registered"]).toEqual([set, i, "registered"]);
      expect(seen.has(i)).toBe(false);
      expect(ev.events & ~(m! | ERRHUP)).toBe(0);
      // What ep_send_events reports: the file's poll bits within the item's mask.
      expect([set, this.items[i].name, ev.events]).toEqual([set, this.items[i].name, polls[i] & (m! | ERRHUP)]);
      seen.set(i, ev.events);
    }
    return seen;
  }

  /** (a) + (c) on the level-triggered set. */
  checkL(): void {
    const polls = this.items.map((_, i) => this.pollBits(i));
    const seen = this.checkSafety("L", this.wait(this.L), polls);
    const expected: string[] = [];
    for (let i = 0; i < N_ITEMS; i++) {
      const m = this.mask.L[i];
      if (m !== undefined && polls[i] & (m | ERRHUP)) expected.push(this.items[i].name);
    }
    expect([...seen.keys()].map((i) => this.items[i].name).sort()).toEqual(expected.sort());
  }

  /** (b) + (c) on the edge-triggered set. */
  harvestT(): void {
    const polls = this.items.map((_, i) => this.pollBits(i));
    const seen = this.checkSafety("T", this.wait(this.T), polls);
    for (let i = 0; i < N_ITEMS; i++) {
      const m = this.mask.T[i];
      if (m === undefined) continue;
      const name = this.items[i].name;
      // At most once per wakeup: nothing touched it since the last harvest, so no new edge.
      if (!this.mayWake[i]) expect([name, "reported without a wakeup", seen.has(i)]).toEqual([name, "reported without a wakeup", false]);
      // At least once: woken since the last harvest and ready now.
      if (this.mustWake[i] && polls[i] & (m | ERRHUP)) expect([name, "woken and ready but not reported", seen.has(i)]).toEqual([name, "woken and ready but not reported", true]);
    }
    this.mayWake.fill(false);
    this.mustWake.fill(false);
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
      ],
    },
    true
  );
});
