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
  const step = async (ts: E.ThreadSys) => {
    const op = r() % 7;
    const fd = pick(fds);
    if (op === 0) await ts.epoll_ctl(pick(eps), pick([1, 1, 2, 3]), fd, { events: r() & 0x2007 | (r() & 1 ? E.EPOLLET : 0), data: fd });
    else if (op === 1) await ts.epoll_wait(pick(eps), [], 8, r() % 3);
    else if (op === 2) await ts.read(fd, new Uint8Array(64), 64);
    else if (op === 3) await ts.write(fd, new Uint8Array(8).fill(1), 8);
    else if (op === 4) {
      const d = await ts.dup(fd);
      if (d >= 0) fds.push(d);
    } else if (op === 5 && fds.length > 4) await ts.close(fds.splice(r() % fds.length, 1)[0]);
    else await ts.poll([{ fd, events: E.POLLIN | E.POLLOUT, revents: 0 }], 1, 0);
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
  const rounds = Number(process.env.SOAK_ROUNDS ?? 60);
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
  expect(k.coreMemoryBytes()).toBe(coreBytes);
  expect(process.memoryUsage().heapUsed - heap).toBeLessThan(4 * 1024 * 1024);
}, 120000);
