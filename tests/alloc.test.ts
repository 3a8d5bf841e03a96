// No allocation on the event path (wakeup to delivery): the core's caches hand out no
// object, and the host makes no garbage — 2,000,000 events run without a single minor GC,
// where one small object per event makes dozens.
import { PerformanceObserver, constants } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as E from "../src/index";
import { newKernel } from "./helpers";

setFlagsFromString("--expose-gc");
const minorGc = runInNewContext("gc") as (o: { type: "minor" }) => void;

/** Minor (young-generation) collections while fn runs: they are what garbage causes; a
 *  major one may come from what earlier test files left in this worker. */
async function gcsDuring(fn: () => void): Promise<number> {
  // Start from an empty young generation: what this worker's earlier tests (or this test's
  // setup) left there must not fill it, so a collection during fn is fn's own doing.
  minorGc();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs++;
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  fn();
  await new Promise((r) => setTimeout(r, 20)); // let the observer report
  obs.disconnect();
  return gcs;
}

test("the ring event path allocates nothing in the core or the host", async () => {
  const k = newKernel();
  const s = k.sys;
  const N = 100;
  const rd: number[] = [];
  const wr: number[] = [];
  for (let i = 0; i < N; i++) {
    const p: number[] = [];
    expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
    rd.push(p[0]);
    wr.push(p[1]);
  }
  const ep = s.epoll_create1(0);
  for (let i = 0; i < N; i++) expect(s.epoll_ctl(ep, E.EPOLL_CTL_ADD, rd[i], { events: E.EPOLLIN, data: i })).toBe(0);
  const one = new Uint8Array([1]);
  const byte = new Uint8Array(1);
  const out = new Uint32Array(64 * 3);
  let delivered = 0;
  const spin = (events: number) => {
    for (let i = 0; i < 10; i++) s.write(wr[i * 10], one, 1);
    let n = 0;
    while (n < events) {
      const got = s.epoll_wait_into(ep, out, 64, 0);
      for (let j = 0; j < got; j++) {
        const i = out[3 * j + 1];
        s.read(rd[i], byte, 1);
        s.write(wr[(i + 1) % N], one, 1);
        n++;
      }
    }
    for (let i = 0; i < N; i++) while (s.read(rd[i], byte, 1) > 0);
    delivered += n;
  };
  spin(300000); // warm: JIT, the pipe buffer pool, the events buffer
  const allocs = k.coreAllocations();
  const gcs = await gcsDuring(() => spin(2000000));
  expect(k.coreAllocations()).toBe(allocs);
  expect(gcs).toBe(0);
  expect(delivered).toBeGreaterThanOrEqual(2300000);
  // The measurement can see garbage: one small object per event makes many collections.
  let sink: unknown;
  const control = await gcsDuring(() => {
    for (let i = 0; i < 4000000; i++) sink = { i, j: i };
  });
  void sink;
  expect(control).toBeGreaterThanOrEqual(3);
}, 60000); // 2.3M events: 4-6 s alone, more on a loaded machine

/** Bytes in V8's young generation now (it only grows between minor collections). */
const youngBytes = () => getHeapSpaceStatistics().find((sp) => sp.space_name === "new_space")!.space_used_size;

test("the first write to a pipe made long ago allocates nothing either (its buffer ring came with the pipe)", async () => {
  const N = 20000;
  const k = newKernel({ maxFds: 2 * N + 16 });
  const s = k.sys;
  const WARM = 1000;
  const rd: number[] = [];
  const wr: number[] = [];
  const ep = s.epoll_create1(0);
  for (let i = 0; i < N; i++) {
    const p: number[] = [];
    expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
    rd.push(p[0]);
    wr.push(p[1]);
    expect(s.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: i })).toBe(0);
  }
  const one = new Uint8Array([1]);
  const byte = new Uint8Array(1);
  const out = new Uint32Array(64 * 3);
  let delivered = 0;
  const cycle = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      s.write(wr[i], one, 1);
      if (s.epoll_wait_into(ep, out, 64, 0) === 1 && out[1] === i) delivered++;
      s.read(rd[i], byte, 1);
    }
  };
  for (let r = 0; r < 50; r++) cycle(0, WARM); // the JIT and the buffer pool, on other pipes
  delivered = 0;
  let grew = 0;
  const gcs = await gcsDuring(() => {
    const before = youngBytes();
    cycle(WARM, N); // every pipe here is written for the first time
    grew = youngBytes() - before;
  });
  expect(delivered).toBe(N - WARM);
  expect(gcs).toBe(0);
  // A growable buffer array per pipe made on its first write would take ~150 bytes each (2.8 MB).
  expect(grew).toBeLessThan(64 * 1024);
}, 60000);
