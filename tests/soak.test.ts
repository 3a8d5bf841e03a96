// Soak: the stress mix (random ctl, waits, reads, writes, dup, close over pipes, sockets,
// eventfds, timerfds and nested sets, with threads) run round after round on one kernel.
// After each round every fd is closed: no core object, wait entry or watch may be left, and
// from the third round on neither the core's memory nor the JS heap (after a collection)
// may grow. SOAK_ROUNDS scales it (the default is a few seconds; an hour-sized budget is
// SOAK_ROUNDS=20000).
import * as v8 from "node:v8";
import * as vm from "node:vm";
import * as E from "../src/index";
import { newKernel, isDebugCore } from "./helpers";
import { envCount } from "./env";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** How often each kind of outcome happened over the whole soak (it must do real work). */
const outcomes = new Map<string, number>();
const tally = (what: string, n = 1) => outcomes.set(what, (outcomes.get(what) ?? 0) + n);

async function round(k: E.Kernel, seed: number): Promise<void> {
  const r = rng(seed);
  const s = k.sys;
  const fds: number[] = [];
  const eps: number[] = [];
  for (let i = 0; i < 3; i++) eps.push(s.epoll_create1(0));
  for (let i = 0; i < 6; i++) {
    const p: number[] = [];
    const sv: number[] = [];
    s.pipe2(p, E.O_NONBLOCK);
    s.socketpair(E.AF_UNIX, E.SOCK_STREAM | E.SOCK_NONBLOCK, 0, sv);
    fds.push(...p, ...sv, s.eventfd(1, E.EFD_NONBLOCK));
  }
  const tfd = s.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  s.timerfd_settime(tfd, 0, { it_value: { tv_sec: 0, tv_nsec: 1e6 }, it_interval: { tv_sec: 0, tv_nsec: 1e6 } }, null);
  fds.push(tfd);
  s.epoll_ctl(eps[0], E.EPOLL_CTL_ADD, eps[1], { events: E.EPOLLIN });
  const pick = <T>(a: T[]) => a[r() % a.length];
  // Every result is checked: a count in range, or an errno Linux gives that call in this
  // mix. EBADF is legal only where another thread may have closed the fd between the pick
  // and the call (a ThreadSys call is a scheduling point); a close never races another
  // close of the same fd (the fd leaves `fds` before the call).
  const expectOneOf = (what: string, r: number, ok: number[], okCount: (n: number) => boolean) => {
    if (r >= 0 ? okCount(r) : ok.includes(-r)) return;
    throw new Error(`soak seed ${seed}: ${what} returned ${r} (${r < 0 ? E.errnoName(r) : "count"})`);
  };
  const step = async (ts: E.ThreadSys) => {
    const op = r() % 7;
    const fd = pick(fds);
    if (op === 0) {
      const ctl = pick([1, 1, 2, 3]);
      const rc = await ts.epoll_ctl(pick(eps), ctl, fd, { events: r() & 0x2007 | (r() & 1 ? E.EPOLLET : 0), data: fd });
      expectOneOf(`epoll_ctl(op ${ctl}, ${fd})`, rc, [E.EBADF, ctl === 1 ? E.EEXIST : E.ENOENT], (n) => n === 0);
      tally(rc === 0 ? "ctl ok" : "ctl err");
    } else if (op === 1) {
      const out: E.EpollEvent[] = [];
      const n = await ts.epoll_wait(pick(eps), out, 8, r() % 3);
      expectOneOf("epoll_wait", n, [], (c) => c <= 8 && out.length >= c && out.slice(0, c).every((e) => e.events !== 0));
      tally(n > 0 ? "events" : "no events", n);
    } else if (op === 2) {
      const n = await ts.read(fd, new Uint8Array(64), 64);
      expectOneOf(`read(${fd})`, n, [E.EAGAIN, E.EBADF, E.ECONNRESET], (c) => c <= 64);
      tally(n > 0 ? "read data" : "read none");
    } else if (op === 3) {
      const n = await ts.write(fd, new Uint8Array(8).fill(1), 8);
      // a timerfd refuses writes; a socket whose peer has gone gives EPIPE
      expectOneOf(`write(${fd})`, n, [E.EAGAIN, E.EBADF, E.EPIPE, E.EINVAL, E.ECONNRESET], (c) => c === 8);
      tally(n === 8 ? "wrote" : "write err");
    } else if (op === 4) {
      const d = await ts.dup(fd);
      expectOneOf(`dup(${fd})`, d, [E.EBADF], (n) => n > 2);
      if (d >= 0) fds.push(d);
    } else if (op === 5 && fds.length > 4) {
      const victim = fds.splice(r() % fds.length, 1)[0];
      expectOneOf(`close(${victim})`, await ts.close(victim), [], (n) => n === 0);
    } else {
      const pfd = [{ fd, events: E.POLLIN | E.POLLOUT, revents: 0 }];
      const n = await ts.poll(pfd, 1, 0);
      expectOneOf(`poll(${fd})`, n, [], (c) => c === (pfd[0].revents !== 0 ? 1 : 0));
    }
  };
  let steps = 0;
  const threads = [0, 1, 2].map((t) => k.spawn(async (ts) => {
    for (let i = 0; i < 60; i++, steps++) await step(ts);
  }, `t${t}`));
  await k.run();
  for (const t of threads) await t.join(); // a thread that threw fails the soak
  expect(steps).toBe(180);
  if (isDebugCore()) expect(k.invariants()).toBe(0);
  k.fdt.closeAll();
  expect(k.liveObjects()).toEqual({ eventpoll: 0, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
  expect(k.hostWaitEntries()).toBe(0);
  expect(k.userWatches()).toBe(0);
}

test("soak: rounds of the stress mix leave nothing behind and memory stays flat", async () => {
  const rounds = envCount("SOAK_ROUNDS", 60);
  const k = newKernel({ maxFds: 4096 });
  let coreBytes = 0;
  let heap = 0;
  for (let i = 1; i <= rounds; i++) {
    await round(k, i); // ends with every fd closed (after the first, fds 0-2 are free too)
    if (i === 3) {
      gc();
      coreBytes = k.coreMemoryBytes();
      heap = process.memoryUsage().heapUsed;
    }
  }
  gc();
  // The mix did real work of every kind, not only failing calls.
  for (const kind of ["ctl ok", "ctl err", "events", "read data", "read none", "wrote", "write err"]) {
    expect([kind, (outcomes.get(kind) ?? 0) > rounds]).toEqual([kind, true]);
  }
  expect(k.coreMemoryBytes()).toBe(coreBytes);
  expect(process.memoryUsage().heapUsed - heap).toBeLessThan(4 * 1024 * 1024);
}, 120000);
