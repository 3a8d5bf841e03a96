// Isolation: two kernels in one process (and kernels in two worker threads) never share
// core memory, fds, clocks, timers or threads. Every step on one kernel is followed by an
// invariant walk on both and a check that the other kernel's observable state (stateDump)
// did not move.
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as E from "../src/index";
import type { EpollEvent, Kernel } from "../src/index";
import { checkKernel, isDebugCore, newKernel } from "./helpers";
import { stateDump } from "./state";

const enc = new TextEncoder();
const dec = new TextDecoder();

function u64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
}
function readU64(k: Kernel, fd: number): bigint | number {
  const b = new Uint8Array(8);
  const r = k.sys.read(fd, b, 8);
  return r < 0 ? r : new DataView(b.buffer).getBigUint64(0, true);
}
function readStr(k: Kernel, fd: number, max = 256): string | number {
  const b = new Uint8Array(max);
  const r = k.sys.read(fd, b, max);
  return r < 0 ? r : dec.decode(b.subarray(0, r));
}
function wait(k: Kernel, epfd: number, timeout = 0, max = 64): [number, EpollEvent[]] {
  const out: EpollEvent[] = [];
  const n = k.sys.epoll_wait(epfd, out, max, timeout);
  return [n, n > 0 ? out.slice(0, n) : []];
}
/** A copy of a kernel's whole linear memory. */
const memSnapshot = (k: Kernel) => new Uint8Array(k.core.memory.buffer.slice(0));
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Runs `op` on `self`; before and after, the other kernel's stateDump and memory must be
 * identical, and both kernels' invariants must hold. Only the checks touch `other`.
 */
function step<T>(self: Kernel, other: Kernel, op: () => T): T {
  stateDump(other); // settle: a dump harvests edge-triggered events (see state.ts)
  const before = stateDump(other);
  const mem = memSnapshot(other);
  const r = op();
  checkKernel(self);
  checkKernel(other);
  expect(sameBytes(memSnapshot(other), mem)).toBe(true);
  expect(stateDump(other)).toEqual(before);
  return r;
}

describe("two kernels in one process", () => {
  test("separate cores: distinct instances, memories and buffers", () => {
    const a = newKernel();
    const b = newKernel();
    expect(a.core).not.toBe(b.core);
    expect(a.core.memory).not.toBe(b.core.memory);
    expect(a.core.memory.buffer).not.toBe(b.core.memory.buffer);
    expect(a.sys).not.toBe(b.sys);
    expect(a.fdt).not.toBe(b.fdt);
    expect(a.sched).not.toBe(b.sched);
    expect(a.coreKind).toBe(isDebugCore() ? "debug" : "release");
    expect(b.coreKind).toBe(a.coreKind);
    // Growing one kernel's core (many watches) leaves the other's memory size alone.
    const sizeB = b.coreMemoryBytes();
    const bufB = b.core.memory.buffer;
    const ep = a.sys.epoll_create1(0);
    const efds: number[] = [];
    for (let i = 0; i < 600; i++) {
      const fd = a.sys.eventfd(0, E.EFD_NONBLOCK);
      efds.push(fd);
      expect(a.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: i })).toBe(0);
    }
    expect(a.userWatches()).toBe(600);
    expect(b.userWatches()).toBe(0);
    expect(b.coreMemoryBytes()).toBe(sizeB);
    expect(b.core.memory.buffer).toBe(bufB);
    expect(b.liveObjects()).toEqual({ eventpoll: 0, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
    expect(a.liveObjects()).toEqual({ eventpoll: 1, epitem: 600, eppollEntry: 600, epitemsHead: 600, wakeupSource: 0 });
    checkKernel(a);
    checkKernel(b);
  });

  test("same fd numbers, different contents, interleaved; closing in one leaves the other delivering", () => {
    const a = newKernel();
    const b = newKernel({ seed: 7 });
    // Identical creation sequences: identical fd numbers.
    const pa: number[] = [];
    const pb: number[] = [];
    step(a, b, () => expect(a.sys.pipe2(pa, E.O_NONBLOCK)).toBe(0));
    step(b, a, () => expect(b.sys.pipe2(pb, E.O_NONBLOCK)).toBe(0));
    expect(pa).toEqual([3, 4]);
    expect(pb).toEqual([3, 4]);
    const ea = step(a, b, () => a.sys.eventfd(0, E.EFD_NONBLOCK));
    const eb = step(b, a, () => b.sys.eventfd(0, E.EFD_NONBLOCK));
    expect([ea, eb]).toEqual([5, 5]);
    const epa = step(a, b, () => a.sys.epoll_create1(0));
    const epb = step(b, a, () => b.sys.epoll_create1(0));
    expect([epa, epb]).toEqual([6, 6]);
    step(a, b, () => expect(a.sys.epoll_ctl(epa, E.EPOLL_CTL_ADD, 3, { events: E.EPOLLIN, data: 0xa3n })).toBe(0));
    step(a, b, () => expect(a.sys.epoll_ctl(epa, E.EPOLL_CTL_ADD, 5, { events: E.EPOLLIN, data: 0xa5n })).toBe(0));
    step(b, a, () => expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_ADD, 3, { events: E.EPOLLIN, data: 0xb3n })).toBe(0));
    step(b, a, () => expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_ADD, 5, { events: E.EPOLLIN, data: 0xb5n })).toBe(0));
    // The same (epfd, fd) registered in both: each kernel sees only its own ADD.
    step(b, a, () => expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_ADD, 3, { events: E.EPOLLIN })).toBe(-E.EEXIST));
    step(a, b, () => expect(a.sys.epoll_ctl(epa, E.EPOLL_CTL_MOD, 4, { events: E.EPOLLIN })).toBe(-E.ENOENT));
    step(a, b, () => expect(wait(a, epa)).toEqual([0, []]));
    step(b, a, () => expect(wait(b, epb)).toEqual([0, []]));

    // Different contents through the same fd numbers.
    step(a, b, () => expect(a.sys.write(4, enc.encode("alpha"), 5)).toBe(5));
    step(b, a, () => expect(b.sys.write(4, enc.encode("bravo-bravo"), 11)).toBe(11));
    step(a, b, () => expect(a.sys.write(ea, u64(3n), 8)).toBe(8));
    step(b, a, () => expect(b.sys.write(eb, u64(40n), 8)).toBe(8));
    step(a, b, () => expect(wait(a, epa)).toEqual([2, [{ events: E.EPOLLIN, data: 0xa3n }, { events: E.EPOLLIN, data: 0xa5n }]]));
    step(b, a, () => expect(wait(b, epb)).toEqual([2, [{ events: E.EPOLLIN, data: 0xb3n }, { events: E.EPOLLIN, data: 0xb5n }]]));
    step(b, a, () => expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_MOD, 5, { events: E.EPOLLOUT, data: 0xb5n })).toBe(0));
    step(b, a, () => expect(wait(b, epb)).toEqual([2, [{ events: E.EPOLLIN, data: 0xb3n }, { events: E.EPOLLOUT, data: 0xb5n }]]));
    step(b, a, () => expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_MOD, 5, { events: E.EPOLLIN, data: 0xb5n })).toBe(0));
    step(a, b, () => expect(wait(a, epa)).toEqual([2, [{ events: E.EPOLLIN, data: 0xa3n }, { events: E.EPOLLIN, data: 0xa5n }]]));
    step(b, a, () => expect(readStr(b, 3)).toBe("bravo-bravo"));
    step(a, b, () => expect(readU64(a, ea)).toBe(3n));
    step(a, b, () => expect(readStr(a, 3, 2)).toBe("al"));
    step(b, a, () => expect(readU64(b, eb)).toBe(40n));
    step(a, b, () => expect(wait(a, epa)).toEqual([1, [{ events: E.EPOLLIN, data: 0xa3n }]]));
    step(b, a, () => expect(wait(b, epb)).toEqual([0, []]));

    // Close every fd of a: b's set keeps delivering through its fds of the same numbers.
    for (const fd of [3, 4, 5, 6]) step(a, b, () => expect(a.sys.close(fd)).toBe(0));
    expect(a.fdt.fds()).toEqual([0, 1, 2]);
    expect(a.userWatches()).toBe(0);
    expect(b.fdt.fds()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(b.userWatches()).toBe(2);
    step(b, a, () => expect(b.sys.write(4, enc.encode("charlie"), 7)).toBe(7));
    step(b, a, () => expect(b.sys.write(eb, u64(1n), 8)).toBe(8));
    step(b, a, () => expect(wait(b, epb)).toEqual([2, [{ events: E.EPOLLIN, data: 0xb3n }, { events: E.EPOLLIN, data: 0xb5n }]]));
    step(b, a, () => expect(readStr(b, 3)).toBe("charlie"));
    // a's fd 3 is closed; b's is open.
    step(a, b, () => expect(a.sys.read(3, new Uint8Array(1), 1)).toBe(-E.EBADF));
    step(b, a, () => expect(b.sys.read(3, new Uint8Array(1), 1)).toBe(-E.EAGAIN));
    // a reuses fd 3 for something else; b's registration on fd 3 is untouched.
    step(a, b, () => expect(a.sys.eventfd(9, E.EFD_NONBLOCK)).toBe(3));
    step(b, a, () => expect(b.sys.write(4, enc.encode("d"), 1)).toBe(1));
    step(b, a, () => expect(wait(b, epb)).toEqual([2, [{ events: E.EPOLLIN, data: 0xb5n }, { events: E.EPOLLIN, data: 0xb3n }]]));
    step(a, b, () => expect(readU64(a, 3)).toBe(9n));
  });

  test("clocks and timers are per kernel: sleeping one never moves the other", () => {
    const a = newKernel();
    const b = newKernel();
    const ta = step(a, b, () => a.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK));
    const tb = step(b, a, () => b.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK));
    expect([ta, tb]).toEqual([3, 3]);
    const arm = (ms: number) => ({ it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: ms * 1000000 } });
    step(a, b, () => expect(a.sys.timerfd_settime(ta, 0, arm(300), null)).toBe(0));
    step(b, a, () => expect(b.sys.timerfd_settime(tb, 0, arm(500), null)).toBe(0));
    const epa = step(a, b, () => a.sys.epoll_create1(0));
    const epb = step(b, a, () => b.sys.epoll_create1(0));
    step(a, b, () => expect(a.sys.epoll_ctl(epa, E.EPOLL_CTL_ADD, ta, { events: E.EPOLLIN, data: 1 })).toBe(0));
    step(b, a, () => expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_ADD, tb, { events: E.EPOLLIN, data: 2 })).toBe(0));

    // nanosleep in a: a's clock moves a full second and a's timer fires; b stays at 0.
    step(a, b, () => expect(a.sys.nanosleep({ tv_sec: 1, tv_nsec: 0 })).toBe(0));
    expect(a.now()).toBe(1000000000n);
    expect(b.now()).toBe(0n);
    step(b, a, () => expect(wait(b, epb)).toEqual([0, []]));
    step(b, a, () => expect(readU64(b, tb)).toBe(-E.EAGAIN));
    step(a, b, () => expect(wait(a, epa)).toEqual([1, [{ events: E.EPOLLIN, data: 1n }]]));
    step(a, b, () => expect(readU64(a, ta)).toBe(1n));

    // A timed epoll_wait in b sleeps to b's timer (500 ms), not a's clock.
    step(b, a, () => expect(wait(b, epb, 2000)).toEqual([1, [{ events: E.EPOLLIN, data: 2n }]]));
    expect(b.now()).toBe(500000000n);
    expect(a.now()).toBe(1000000000n);
    // A wait that times out in a moves only a.
    step(a, b, () => expect(wait(a, epa, 250)).toEqual([0, []]));
    expect(a.now()).toBe(1250000000n);
    expect(b.now()).toBe(500000000n);
    // Interval timers in both, stepped alternately: each counts its own expirations.
    const per = (ms: number) => ({ it_interval: { tv_sec: 0, tv_nsec: ms * 1000000 }, it_value: { tv_sec: 0, tv_nsec: ms * 1000000 } });
    step(a, b, () => expect(a.sys.timerfd_settime(ta, 0, per(10), null)).toBe(0));
    step(b, a, () => expect(readU64(b, tb)).toBe(1n));
    step(b, a, () => expect(b.sys.timerfd_settime(tb, 0, per(30), null)).toBe(0));
    step(a, b, () => expect(a.sys.usleep(95000)).toBe(0));
    step(b, a, () => expect(b.sys.usleep(40000)).toBe(0));
    expect(a.now()).toBe(1345000000n);
    expect(b.now()).toBe(540000000n);
    step(a, b, () => expect(readU64(a, ta)).toBe(9n));
    step(b, a, () => expect(readU64(b, tb)).toBe(1n));
    // An infinite wait with nothing to wake it deadlocks in b only; a's armed timer is a's.
    step(b, a, () => expect(b.sys.timerfd_settime(tb, 0, arm(0), null)).toBe(0));
    step(b, a, () => expect(wait(b, epb, -1)).toEqual([-E.EDEADLK, []]));
    expect(b.now()).toBe(540000000n);
    step(a, b, () => expect(wait(a, epa, -1)).toEqual([1, [{ events: E.EPOLLIN, data: 1n }]]));
    expect(a.now()).toBe(1350000000n);
  });

  test("threads of one kernel's run() never run the other's", async () => {
    const a = newKernel({ seed: 3 });
    const b = newKernel({ seed: 3 });
    const log: string[] = [];
    const pa: number[] = [];
    const pb: number[] = [];
    expect(a.sys.pipe2(pa, 0)).toBe(0);
    expect(b.sys.pipe2(pb, 0)).toBe(0);
    const epa = a.sys.epoll_create1(0);
    const epb = b.sys.epoll_create1(0);
    expect(a.sys.epoll_ctl(epa, E.EPOLL_CTL_ADD, pa[0], { events: E.EPOLLIN, data: 10 })).toBe(0);
    expect(b.sys.epoll_ctl(epb, E.EPOLL_CTL_ADD, pb[0], { events: E.EPOLLIN, data: 20 })).toBe(0);
    const mk = (k: Kernel, epfd: number, name: string) => {
      const waiter = k.spawn(async (ts) => {
        log.push(`${name}:wait`);
        const out: EpollEvent[] = [];
        const n = await ts.epoll_wait(epfd, out, 8, -1);
        log.push(`${name}:woke`);
        return [n, out.slice(0, Math.max(n, 0))];
      }, `${name}-waiter`);
      const writer = k.spawn(async (ts) => {
        log.push(`${name}:sleep`);
        expect(await ts.usleep(name === "a" ? 2000 : 7000)).toBe(0);
        log.push(`${name}:write`);
        return ts.write(name === "a" ? pa[1] : pb[1], enc.encode(name), 1);
      }, `${name}-writer`);
      return [waiter, writer];
    };
    const [wa, xa] = mk(a, epa, "a");
    const [wb, xb] = mk(b, epb, "b");
    const beforeB = stateDump(b);
    await a.run();
    checkKernel(a);
    checkKernel(b);
    // a's run ran a's threads only; b's are untouched, its clock unmoved, its state the same.
    expect(log.filter((s) => s.startsWith("b:"))).toEqual([]);
    expect(log.slice().sort()).toEqual(["a:sleep", "a:wait", "a:woke", "a:write"]);
    expect(await wa.join()).toEqual([1, [{ events: E.EPOLLIN, data: 10n }]]);
    expect(await xa.join()).toBe(1);
    expect(a.now()).toBe(2000000n);
    expect(b.now()).toBe(0n);
    expect(b.sched.trace).toEqual([]);
    expect(stateDump(b)).toEqual(beforeB);
    const traceA = a.sched.trace.slice();
    const beforeA = stateDump(a);
    await b.run();
    checkKernel(a);
    checkKernel(b);
    expect(log.slice(4).sort()).toEqual(["b:sleep", "b:wait", "b:woke", "b:write"]);
    expect(await wb.join()).toEqual([1, [{ events: E.EPOLLIN, data: 20n }]]);
    expect(await xb.join()).toBe(1);
    expect(b.now()).toBe(7000000n);
    expect(a.now()).toBe(2000000n);
    expect(a.sched.trace).toEqual(traceA);
    expect(stateDump(a)).toEqual(beforeA);
    // Same seed, same shape of program: the same interleaving (by thread position).
    expect(b.sched.trace.map((s) => s.replace(/^b-/, ""))).toEqual(traceA.map((s) => s.replace(/^a-/, "")));
  });

  test("running both kernels' threads concurrently: each wakes only on its own events", async () => {
    const a = newKernel({ seed: 11 });
    const b = newKernel({ seed: 12 });
    const ea = a.sys.eventfd(0, 0);
    const eb = b.sys.eventfd(0, 0);
    expect([ea, eb]).toEqual([3, 3]);
    const reader = (k: Kernel, name: string) =>
      k.spawn(async (ts) => {
        const buf = new Uint8Array(8);
        const r = await ts.read(3, buf, 8);
        return [name, r, new DataView(buf.buffer).getBigUint64(0, true), k.now()];
      }, `${name}-reader`);
    const ra = reader(a, "a");
    const rb = reader(b, "b");
    a.spawn(async (ts) => {
      await ts.usleep(3000);
      return ts.write(3, u64(5n), 8);
    }, "a-writer");
    b.spawn(async (ts) => {
      await ts.usleep(9000);
      return ts.write(3, u64(6n), 8);
    }, "b-writer");
    await Promise.all([a.run(), b.run()]);
    checkKernel(a);
    checkKernel(b);
    expect(await ra.join()).toEqual(["a", 8, 5n, 3000000n]);
    expect(await rb.join()).toEqual(["b", 8, 6n, 9000000n]);
    expect(a.sched.trace.every((s) => s.startsWith("a-"))).toBe(true);
    expect(b.sched.trace.every((s) => s.startsWith("b-"))).toBe(true);
  });

  test("the idiomatic API: an Epoll of one kernel refuses a FileHandle of another", () => {
    const a = newKernel();
    const b = newKernel();
    const [ra, wa] = a.pipe({ nonblock: true });
    const [rb] = b.pipe({ nonblock: true });
    expect([ra.fd, rb.fd]).toEqual([3, 3]);
    const ep = a.epoll();
    const before = stateDump(a);
    // rb names fd 3 of kernel b; registering it in a's set would watch a's unrelated fd 3.
    expect(() => ep.add(rb, E.EPOLLIN, 1n)).toThrow(TypeError);
    expect(stateDump(a)).toEqual(before);
    expect(a.userWatches()).toBe(0);
    checkKernel(a);
    checkKernel(b);
    ra.close();
    wa.close();
  });
});

// ---- two workers ----

/** A small deterministic program: body of an async function of (E, k); returns plain data. */
const PROGRAM = `
  const enc = new TextEncoder();
  const u64 = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, n, true); return b; };
  const out = [];
  const log = [];
  const take = (epfd, timeout) => {
    const evs = [];
    const n = k.sys.epoll_wait(epfd, evs, 16, timeout);
    log.push([n, evs.slice(0, Math.max(n, 0)).map((e) => [e.events, e.data]), k.now()]);
  };
  const p = []; k.sys.pipe2(p, E.O_NONBLOCK);
  const efd = k.sys.eventfd(2, E.EFD_NONBLOCK | E.EFD_SEMAPHORE);
  const tfd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  out.push(p[0], p[1], efd, tfd, ep);
  out.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN | E.EPOLLET, data: 0x1122334455667788n }));
  out.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN, data: 7 }));
  out.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, tfd, { events: E.EPOLLIN | E.EPOLLONESHOT, data: -1n }));
  out.push(k.sys.timerfd_settime(tfd, 0, { it_interval: { tv_sec: 0, tv_nsec: 4000000 }, it_value: { tv_sec: 0, tv_nsec: 15000000 } }, null));
  take(ep, 0);
  out.push(k.sys.write(p[1], enc.encode("hello"), 5));
  take(ep, 0);
  take(ep, 0);
  const b = new Uint8Array(8);
  out.push(k.sys.read(efd, b, 8), k.sys.read(efd, b, 8), k.sys.read(efd, b, 8));
  take(ep, 100);
  take(ep, 3);
  out.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, tfd, { events: E.EPOLLIN, data: 9 }));
  take(ep, 0);
  out.push(k.sys.read(tfd, b, 8), new DataView(b.buffer).getBigUint64(0, true));
  out.push(k.sys.write(efd, u64(3n), 8));
  // threads: a waiter woken by a writer after a sleep
  const t = k.spawn(async (ts) => { const evs = []; const n = await ts.epoll_wait(ep, evs, 16, -1); return [n, evs.slice(0, Math.max(n, 0)).map((e) => [e.events, e.data]), k.now()]; }, "waiter");
  k.spawn(async (ts) => { await ts.usleep(1234); return ts.write(p[1], enc.encode("!"), 1); }, "writer");
  await k.run();
  out.push(await t.join());
  out.push(k.sched.trace.slice());
  out.push(k.invariants());
  const pfds = [{ fd: p[0], events: E.POLLIN, revents: 0 }, { fd: efd, events: E.POLLIN | E.POLLOUT, revents: 0 }];
  out.push(k.sys.poll(pfds, 2, 0), pfds.map((x) => x.revents));
  for (const fd of [p[0], p[1], efd, tfd, ep]) out.push(k.sys.close(fd));
  out.push(k.liveObjects(), k.userWatches());
  return { out, log, now: k.now() };
`;

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

function workerCode(distUrl: string): string {
  return `
    const { parentPort, workerData } = require("node:worker_threads");
    import(${JSON.stringify(distUrl)}).then(async (E) => {
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
      const program = new AsyncFunction("E", "k", workerData.program);
      const k = E.createKernelSync({ core: workerData.core, seed: workerData.seed });
      const memoryIsShared = typeof SharedArrayBuffer !== "undefined" && k.core.memory.buffer instanceof SharedArrayBuffer;
      const result = await program(E, k);
      parentPort.postMessage({ ok: true, result, memoryIsShared, coreKind: k.coreKind });
    }).catch((e) => parentPort.postMessage({ ok: false, error: String(e && e.stack || e) }));
  `;
}

function runInWorker(seed: number): Promise<{ ok: boolean; result?: unknown; error?: string; memoryIsShared?: boolean; coreKind?: string }> {
  const distUrl = pathToFileURL(join(__dirname, "..", "dist", "index.js")).href;
  return new Promise((resolve, reject) => {
    const w = new Worker(workerCode(distUrl), {
      eval: true,
      workerData: { program: PROGRAM, core: isDebugCore() ? "debug" : "release", seed },
    });
    let msg: unknown;
    w.once("message", (m) => {
      msg = m;
      void w.terminate();
    });
    w.once("error", reject);
    w.once("exit", () => (msg ? resolve(msg as never) : reject(new Error("worker exited without a result"))));
  });
}

test("two workers run the same program with their own kernels and agree with the main thread", async () => {
  const k = newKernel({ seed: 5 });
  const expected = await new AsyncFunction("E", "k", PROGRAM)(E, k);
  // Sanity of the program itself (so an agreement is not between two broken runs).
  const exp = expected as { out: unknown[]; log: [number, [number, bigint][], bigint][]; now: bigint };
  expect(exp.out.slice(0, 9)).toEqual([3, 4, 5, 6, 7, 0, 0, 0, 0]);
  expect(exp.log[0]).toEqual([1, [[E.EPOLLIN, 7n]], 0n]);
  expect(exp.log[1]).toEqual([2, [[E.EPOLLIN, 7n], [E.EPOLLIN, 0x1122334455667788n]], 0n]);
  expect(exp.log[2]).toEqual([1, [[E.EPOLLIN, 7n]], 0n]);
  expect(exp.log[3]).toEqual([1, [[E.EPOLLIN, 0xffffffffffffffffn]], 15000000n]);
  expect(exp.log[4]).toEqual([0, [], 18000000n]);
  expect(exp.log[5]).toEqual([1, [[E.EPOLLIN, 9n]], 18000000n]);
  expect(exp.now).toBe(18000000n + 1234000n);
  expect(exp.out.at(-2)).toEqual({ eventpoll: 0, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });

  const [r1, r2] = await Promise.all([runInWorker(5), runInWorker(5)]);
  for (const r of [r1, r2]) {
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.memoryIsShared).toBe(false);
    expect(r.coreKind).toBe(k.coreKind);
    expect(r.result).toEqual(expected);
  }
}, 30000);
