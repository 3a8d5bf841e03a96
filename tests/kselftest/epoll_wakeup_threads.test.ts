// Port of the threaded cases of Linux's kselftest
// tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c (Linux 6.x): epoll9–16,
// 25–48, 53–61, 64 and 65. The single-threaded cases live in epoll_wakeup.test.ts.
//
// The shape of epoll9–58: two threads sleep on the topology — t0 (the original's main
// thread) and t1 (its waiter thread) — each either in epoll_wait(…, -1) ("ew") or in
// poll(…, -1) on the epoll fd followed by epoll_wait(…, 0) ("p"). An emitter thread sleeps
// 100 ms, writes one byte to each watched socket's peer, sleeps one more second and then
// sends SIGUSR1 to t0 and t1, so whichever was not woken by the write returns -EINTR.
// Each sleeper that harvests an event bumps a shared counter (by adding 1, or in the
// cases whose outcome depends on the interleaving, by or-ing in a bit: t1 sets 1, t0
// sets 2), and the counter is checked against what the original accepts.
//
// The scheduler is deterministic per seed, so every case runs over SEEDS seeds: the
// expectation must hold for each interleaving. A case collects the seeds that broke it
// (with the counter, what each thread saw and the head of k.sched.trace) and asserts that
// list is empty, so a failure names every bad seed at once.
//
// Besides the counter, each call's result is checked against what Linux can return
// there: an infinite wait gives a positive count or -EINTR, a poll that returns reports
// POLLIN, and every harvested event is EPOLLIN with the tag of an item of that set.
//
// Diagram legend (as in the original): t0/t1 threads, e0/e1/e2 epoll instances, s0/s2
// the watched socket ends (s1/s3 are their peers, which the emitter writes to).
import * as E from "../../src/index";
import { newKernel } from "../helpers";
import { socketpair, epollCreate, watch } from "./common";

// The threaded cases run up to thousands of rounds (epoll59/60/65: seconds each on a loaded
// 2-core machine): never rely on jest's 5 s default.
jest.setTimeout(60_000);

type K = E.Kernel;
type TS = E.ThreadSys;

const SIGUSR1 = 10;
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const IN = E.EPOLLIN;
const ET = E.EPOLLET;
const LT = 0;

// Tags for epoll_event.data.
const S0 = 0x50, S2 = 0x52, E1 = 0xe1, E2 = 0xe2;

function closeAll(k: K, fds: number[]): void {
  for (const fd of fds) expect(k.sys.close(fd)).toBe(0);
}

/** The scheduler trace, run-length encoded ("t0 t1×3 emitter …"), for failure reports. */
function traceExcerpt(k: K, limit = 60): string {
  const out: string[] = [];
  let prev = "";
  let n = 0;
  const flush = () => {
    if (n) out.push(n > 1 ? `${prev}×${n}` : prev);
  };
  for (const name of k.sched.trace) {
    if (name === prev) n++;
    else {
      flush();
      prev = name;
      n = 1;
    }
  }
  flush();
  return out.length > limit ? `${out.slice(0, limit).join(" ")} … (${out.length - limit} more)` : out.join(" ");
}

/** What the threads that ended by throwing threw (a thread's own checks never throw). */
function threw(threads: E.Thread[]): string[] {
  return threads.filter((t) => t.failed).map((t) => `${t.name} threw: ${t.error instanceof Error ? t.error.message : String(t.error)}`);
}

/**
 * k.run(); if every thread got stuck (EDEADLK), signal the stuck ones so they end, run
 * again, and return the deadlock message (null if run() completed on its own).
 */
async function settle(k: K): Promise<string | null> {
  try {
    await k.run();
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    for (const t of k.sched.threads) if (t.state !== "done") t.kill(SIGUSR1);
    await k.run();
    return msg;
  }
}

// ---------------------------------------------------------------------------
// Topologies. `efd[i]` is e_i, `sfd` is [s0, s1(, s2, s3)]; `tags[i]` are the tags of
// the items e_i watches; `emit` the peers the emitter writes to.
// ---------------------------------------------------------------------------

interface Topo {
  efd: number[];
  sfd: number[];
  tags: number[][];
  emit: number[];
}

/** e0 watching s0. */
function oneSocket(k: K, mode: number): Topo {
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN | mode, S0);
  return { efd: [e0], sfd: [s0, s1], tags: [[S0]], emit: [s1] };
}

/** e0 watching s0 and s2, both with `mode`. */
function twoSockets(k: K, mode: number): Topo {
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN | mode, S0);
  watch(k, e0, s2, IN | mode, S2);
  return { efd: [e0], sfd: [s0, s1, s2, s3], tags: [[S0, S2]], emit: [s1, s3] };
}

/** e0 —outer→ e1 —inner→ s0. */
function nested(k: K, outer: number, inner: number): Topo {
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  const e1 = epollCreate(k);
  watch(k, e1, s0, IN | inner, S0);
  watch(k, e0, e1, IN | outer, E1);
  return { efd: [e0, e1], sfd: [s0, s1], tags: [[E1], [S0]], emit: [s1] };
}

/** e0 —outer→ {e1, e2}; e1 —lt→ s0, e2 —lt→ s2. */
function branches(k: K, outer: number): Topo {
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  const e1 = epollCreate(k);
  const e2 = epollCreate(k);
  watch(k, e1, s0, IN, S0);
  watch(k, e2, s2, IN, S2);
  watch(k, e0, e1, IN | outer, E1);
  watch(k, e0, e2, IN | outer, E2);
  return { efd: [e0, e1, e2], sfd: [s0, s1, s2, s3], tags: [[E1, E2], [S0], [S2]], emit: [s1, s3] };
}

// ---------------------------------------------------------------------------
// The sleepers and the emitter.
// ---------------------------------------------------------------------------

interface Sleeper {
  /** "ew": epoll_wait(e, …, -1); "p": poll(e, POLLIN, -1), then epoll_wait(e, …, 0). */
  via: "ew" | "p";
  /** Index of the epoll instance it sleeps on. */
  on: number;
  maxevents: number;
  /** What a harvest does to the counter. */
  bump: (count: number) => number;
}

const add1 = (c: number) => c + 1;
const or1 = (c: number) => c | 1;
const or2 = (c: number) => c | 2;
const ew = (on: number, maxevents: number, bump: Sleeper["bump"]): Sleeper => ({ via: "ew", on, maxevents, bump });
const p = (on: number, maxevents: number, bump: Sleeper["bump"]): Sleeper => ({ via: "p", on, maxevents, bump });

interface Case {
  build: (k: K) => Topo;
  t0: Sleeper;
  t1: Sleeper;
  /** The counter values the original accepts. */
  expect: number[];
}

/** One sleeper's run; returns a description of what it saw ("ew=1", "p=-4", …). */
async function sleep(ts: TS, topo: Topo, s: Sleeper, ctx: { count: number }, problems: string[], who: string): Promise<string> {
  const ep = topo.efd[s.on];
  const allowed = topo.tags[s.on];
  const out: E.EpollEvent[] = [];
  const checkEvents = (n: number) => {
    for (const e of out.slice(0, n)) {
      if (e.events !== IN || !allowed.includes(Number(e.data))) {
        problems.push(`${who}: unexpected event ${JSON.stringify({ events: e.events, data: Number(e.data) })}`);
      }
    }
    if (out.length < n) problems.push(`${who}: returned ${n} but filled ${out.length} events`);
  };
  if (s.via === "ew") {
    const n = await ts.epoll_wait(ep, out, s.maxevents, -1);
    if (n > 0) {
      if (n > s.maxevents) problems.push(`${who}: epoll_wait returned ${n} > maxevents ${s.maxevents}`);
      checkEvents(n);
      ctx.count = s.bump(ctx.count);
    } else if (n !== -E.EINTR) {
      problems.push(`${who}: epoll_wait(-1) returned ${n}`);
    }
    return `ew=${n}`;
  }
  const fds = [{ fd: ep, events: E.POLLIN, revents: 0 }];
  const r = await ts.poll(fds, 1, -1);
  if (r === -E.EINTR) return `p=${r}`;
  if (r !== 1 || fds[0].revents !== E.POLLIN) {
    problems.push(`${who}: poll(-1) returned ${r} revents ${fds[0].revents}`);
    return `p=${r}`;
  }
  const n = await ts.epoll_wait(ep, out, s.maxevents, 0);
  if (n > 0) {
    if (n > s.maxevents) problems.push(`${who}: epoll_wait returned ${n} > maxevents ${s.maxevents}`);
    checkEvents(n);
    ctx.count = s.bump(ctx.count);
  } else if (n !== 0) {
    problems.push(`${who}: epoll_wait(0) after poll returned ${n}`);
  }
  return `p=1,ew0=${n}`;
}

interface Failure {
  seed: number;
  count: number;
  saw: Record<string, string>;
  problems: string[];
  deadlock: string | null;
  trace: string;
}

/** Run one case under one seed; null if everything held. */
async function runCase(c: Case, seed: number): Promise<Failure | null> {
  const k = newKernel({ seed });
  const topo = c.build(k);
  const ctx = { count: 0 };
  const problems: string[] = [];
  const saw: Record<string, string> = {};
  const t0 = k.spawn(async (ts) => (saw.t0 = await sleep(ts, topo, c.t0, ctx, problems, "t0")), "t0");
  const t1 = k.spawn(async (ts) => (saw.t1 = await sleep(ts, topo, c.t1, ctx, problems, "t1")), "t1");
  const emitter = k.spawn(async (ts) => {
    const z = await ts.usleep(100000);
    if (z !== 0) problems.push(`emitter: usleep returned ${z}`);
    // The writes are synchronous calls made back to back, so no other thread runs
    // between them: the original's emitter issues them microseconds apart, well before a
    // woken sleeper gets a CPU, and its expectations rely on that (a sleeper that ran in
    // between could harvest s0's edge and the other come up empty before s2 is written).
    for (const fd of topo.emit) {
      const w = k.sys.write(fd, new Uint8Array([0x77]), 1);
      if (w !== 1) problems.push(`emitter: write returned ${w}`);
    }
    // kill_timeout: one second later, break whoever is still asleep.
    const z2 = await ts.usleep(1000000);
    if (z2 !== 0) problems.push(`emitter: usleep returned ${z2}`);
    t0.kill(SIGUSR1);
    t1.kill(SIGUSR1);
  }, "emitter");
  const deadlock = await settle(k);
  problems.push(...threw([t0, t1, emitter]));
  const trace = traceExcerpt(k);
  closeAll(k, [...topo.efd, ...topo.sfd]);
  if (deadlock === null && problems.length === 0 && c.expect.includes(ctx.count)) return null;
  return { seed, count: ctx.count, saw, problems, deadlock, trace };
}

async function runSeeds(c: Case): Promise<void> {
  const failures: Failure[] = [];
  for (const seed of SEEDS) {
    const f = await runCase(c, seed);
    if (f) failures.push(f);
  }
  expect(failures).toEqual([]);
}

// ---------------------------------------------------------------------------
// epoll9–16: one epoll over one or two sockets.
// ---------------------------------------------------------------------------

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (lt)
 *           s0
 */
test("epoll9", async () => {
  // Level-triggered: the waiter that harvests leaves s0 on the ready list and passes
  // the wakeup on, so both see it.
  await runSeeds({ build: (k) => oneSocket(k, LT), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (et)
 *           s0
 */
test("epoll10", async () => {
  // Edge-triggered: one write, one harvest; the other sleeper is broken by the signal.
  await runSeeds({ build: (k) => oneSocket(k, ET), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [1] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *     (lt) /  \ (lt)
 *        s0    s2
 */
test("epoll11", async () => {
  await runSeeds({ build: (k) => twoSockets(k, LT), t0: ew(0, 2, add1), t1: ew(0, 2, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *     (et) /  \ (et)
 *        s0    s2
 */
test("epoll12", async () => {
  // Two edges, each sleeper takes at most one: both get one.
  await runSeeds({ build: (k) => twoSockets(k, ET), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *            | (lt)
 *           s0
 */
test("epoll13", async () => {
  await runSeeds({ build: (k) => oneSocket(k, LT), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *            | (et)
 *           s0
 */
test("epoll14", async () => {
  await runSeeds({ build: (k) => oneSocket(k, ET), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [1] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *     (lt) /  \ (lt)
 *        s0    s2
 */
test("epoll15", async () => {
  await runSeeds({ build: (k) => twoSockets(k, LT), t0: ew(0, 2, add1), t1: p(0, 2, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *     (et) /  \ (et)
 *        s0    s2
 */
test("epoll16", async () => {
  await runSeeds({ build: (k) => twoSockets(k, ET), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

// ---------------------------------------------------------------------------
// epoll25–32: both sleep on e0, which nests e1, which watches s0.
// ---------------------------------------------------------------------------

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (lt)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll25", async () => {
  await runSeeds({ build: (k) => nested(k, LT, LT), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (lt)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll26", async () => {
  // Harvesting e0 only polls e1 (it never takes s0's event off e1), so e1 stays ready
  // and the level-triggered e0 → e1 edge reports it to both.
  await runSeeds({ build: (k) => nested(k, LT, ET), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll27", async () => {
  await runSeeds({ build: (k) => nested(k, ET, LT), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [1] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (et)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll28", async () => {
  await runSeeds({ build: (k) => nested(k, ET, ET), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [1] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *            | (lt)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll29", async () => {
  await runSeeds({ build: (k) => nested(k, LT, LT), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *            | (lt)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll30", async () => {
  await runSeeds({ build: (k) => nested(k, LT, ET), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *            | (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll31", async () => {
  await runSeeds({ build: (k) => nested(k, ET, LT), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [1] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *            | (et)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll32", async () => {
  await runSeeds({ build: (k) => nested(k, ET, ET), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [1] });
});

// ---------------------------------------------------------------------------
// epoll33–48: t0 sleeps on the inner set e1 itself, t1 on e0 (which nests e1). Where
// t0's harvest can take an edge-triggered event away before t1's e0 looks at e1, the
// original accepts either outcome: t1 or-s in 1, t0 or-s in 2, and the count is 2 or 3.
// ---------------------------------------------------------------------------

/*
 *        t0   t1
 *    (ew) |    | (ew)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll33", async () => {
  await runSeeds({ build: (k) => nested(k, LT, LT), t0: ew(1, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *    (ew) |    | (ew)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll34", async () => {
  await runSeeds({ build: (k) => nested(k, LT, ET), t0: ew(1, 1, or2), t1: ew(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *    (ew) |    | (ew)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll35", async () => {
  await runSeeds({ build: (k) => nested(k, ET, LT), t0: ew(1, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *    (ew) |    | (ew)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll36", async () => {
  await runSeeds({ build: (k) => nested(k, ET, ET), t0: ew(1, 1, or2), t1: ew(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *     (p) |    | (ew)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll37", async () => {
  await runSeeds({ build: (k) => nested(k, LT, LT), t0: p(1, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *     (p) |    | (ew)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll38", async () => {
  await runSeeds({ build: (k) => nested(k, LT, ET), t0: p(1, 1, or2), t1: ew(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *     (p) |    | (ew)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll39", async () => {
  await runSeeds({ build: (k) => nested(k, ET, LT), t0: p(1, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *     (p) |    | (ew)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll40", async () => {
  await runSeeds({ build: (k) => nested(k, ET, ET), t0: p(1, 1, or2), t1: ew(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *    (ew) |    | (p)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll41", async () => {
  await runSeeds({ build: (k) => nested(k, LT, LT), t0: ew(1, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *    (ew) |    | (p)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll42", async () => {
  await runSeeds({ build: (k) => nested(k, LT, ET), t0: ew(1, 1, or2), t1: p(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *    (ew) |    | (p)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll43", async () => {
  await runSeeds({ build: (k) => nested(k, ET, LT), t0: ew(1, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *    (ew) |    | (p)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll44", async () => {
  await runSeeds({ build: (k) => nested(k, ET, ET), t0: ew(1, 1, or2), t1: p(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *     (p) |    | (p)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll45", async () => {
  await runSeeds({ build: (k) => nested(k, LT, LT), t0: p(1, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *     (p) |    | (p)
 *         |   e0
 *          \  / (lt)
 *           e1
 *            | (et)
 *           s0
 *
 * The original's diagram has t0 polling, but its t0 sleeps in epoll_wait(e1, …, -1);
 * we follow what it runs.
 */
test("epoll46", async () => {
  await runSeeds({ build: (k) => nested(k, LT, ET), t0: ew(1, 1, or2), t1: p(0, 1, or1), expect: [2, 3] });
});

/*
 *        t0   t1
 *     (p) |    | (p)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll47", async () => {
  await runSeeds({ build: (k) => nested(k, ET, LT), t0: p(1, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0   t1
 *     (p) |    | (p)
 *         |   e0
 *          \  / (et)
 *           e1
 *            | (et)
 *           s0
 *
 * As in epoll46, the original's t0 sleeps in epoll_wait(e1, …, -1) despite the diagram.
 */
test("epoll48", async () => {
  await runSeeds({ build: (k) => nested(k, ET, ET), t0: ew(1, 1, or2), t1: p(0, 1, or1), expect: [2, 3] });
});

// ---------------------------------------------------------------------------
// epoll53–58: both sleep on e0 over two branches, e1 → s0 and e2 → s2.
// ---------------------------------------------------------------------------

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *     (lt) /  \ (lt)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll53", async () => {
  await runSeeds({ build: (k) => branches(k, LT), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *     (et) /  \ (et)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll54", async () => {
  await runSeeds({ build: (k) => branches(k, ET), t0: ew(0, 1, add1), t1: ew(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *     (lt) /  \ (lt)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll55", async () => {
  await runSeeds({ build: (k) => branches(k, LT), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *     (ew) \  / (p)
 *           e0
 *     (et) /  \ (et)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll56", async () => {
  await runSeeds({ build: (k) => branches(k, ET), t0: ew(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *      (p) \  / (p)
 *           e0
 *     (lt) /  \ (lt)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll57", async () => {
  await runSeeds({ build: (k) => branches(k, LT), t0: p(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

/*
 *        t0    t1
 *      (p) \  / (p)
 *           e0
 *     (et) /  \ (et)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll58", async () => {
  await runSeeds({ build: (k) => branches(k, ET), t0: p(0, 1, add1), t1: p(0, 1, add1), expect: [2] });
});

// ---------------------------------------------------------------------------
// epoll59–61, 64, 65.
// ---------------------------------------------------------------------------

/** A busy-wait step: a 1 µs sleep, so virtual time can move while a thread spins. */
const spin = (ts: TS) => ts.usleep(1);

/*
 *        t0
 *      (p) \
 *           e0
 *     (et) /
 *        e0
 *
 * (The diagram is the original's; the set watches an eventfd that is readable from the
 * start and never read.) bugzilla 205933: t0 waits on e0 with a 1 s timeout; a second
 * thread, each time t0 has had its event, re-arms the eventfd with EPOLL_CTL_MOD, which
 * finds it ready and wakes t0. Every wait must return the event; a lost wakeup shows as
 * a timeout. The original runs 100000 rounds; we run ROUNDS_59 per seed over fewer seeds.
 */
test("epoll59", async () => {
  const ROUNDS_59 = 2000;
  const failures: unknown[] = [];
  for (const seed of SEEDS.slice(0, 10)) {
    const k = newKernel({ seed });
    const e0 = k.sys.epoll_create1(0);
    expect(e0).toBeGreaterThanOrEqual(3);
    const efd = k.sys.eventfd(1, 0);
    expect(efd).toBeGreaterThanOrEqual(3);
    const mask = IN | E.EPOLLERR | ET;
    expect(k.sys.epoll_ctl(e0, E.EPOLL_CTL_ADD, efd, { events: mask, data: 0x59 })).toBe(0);
    const ctx = { count: 0, stop: false };
    const bad: string[] = [];
    const modder = k.spawn(async (ts) => {
      for (let i = 0; i < ROUNDS_59 && !ctx.stop; i++) {
        while (ctx.count === 0 && !ctx.stop) await spin(ts);
        if (ctx.stop) break;
        const r = await ts.epoll_ctl(e0, E.EPOLL_CTL_MOD, efd, { events: mask, data: 0x59 });
        if (r !== 0) bad.push(`round ${i}: EPOLL_CTL_MOD returned ${r}`);
        ctx.count = 0;
      }
    }, "modder");
    const t0 = k.spawn(async (ts) => {
      for (let i = 0; i < ROUNDS_59; i++) {
        const out: E.EpollEvent[] = [];
        const r = await ts.epoll_wait(e0, out, 1, 1000);
        if (r !== 1 || out[0].events !== IN || out[0].data !== 0x59n) {
          bad.push(`round ${i}: epoll_wait returned ${r} ${JSON.stringify(out.map((e) => [e.events, Number(e.data)]))}`);
          ctx.stop = true;
          return;
        }
        while (ctx.count !== 0) await spin(ts);
        ctx.count = 1;
      }
    }, "t0");
    const deadlock = await settle(k);
    bad.push(...threw([modder, t0]));
    if (deadlock !== null || bad.length) failures.push({ seed, deadlock, bad, trace: traceExcerpt(k) });
    closeAll(k, [e0, efd]);
  }
  expect(failures).toEqual([]);
});

/*
 * Ten threads sleep in epoll_pwait(…, 2000 ms) on one set of ten edge-triggered eventfds
 * (SIGUSR1 blocked except inside the wait); once all are asleep the main thread writes
 * every eventfd in a row. Each sleeper must be woken with exactly one event and read its
 * eventfd (8 bytes); a sleeper that times out instead is a lost wakeup. At the end
 * SIGUSR1 stops them, and that must be the only way a wait ends without an event.
 * The original runs 300 rounds; we run ROUNDS_60 per seed over fewer seeds.
 */
test("epoll60", async () => {
  const N = 10;
  const ROUNDS_60 = 30;
  const failures: unknown[] = [];
  for (const seed of SEEDS.slice(0, 5)) {
    const k = newKernel({ seed });
    const epfd = k.sys.epoll_create1(0);
    expect(epfd).toBeGreaterThanOrEqual(3);
    const evfd: number[] = [];
    for (let i = 0; i < N; i++) {
      const fd = k.sys.eventfd(0, E.EFD_NONBLOCK);
      expect(fd).toBeGreaterThanOrEqual(3);
      expect(k.sys.epoll_ctl(epfd, E.EPOLL_CTL_ADD, fd, { events: IN | ET, data: fd })).toBe(0);
      evfd.push(fd);
    }
    const ctx = { stopped: false, ready: 0, waiters: 0 };
    const bad: string[] = [];
    const harvested = new Map<number, number>(); // fd → times read
    const threads = Array.from({ length: N }, (_, w) =>
      k.spawn(async (ts) => {
        ts.thread.sigmask = 1n << BigInt(SIGUSR1 - 1); // blocked outside epoll_pwait
        while (!ctx.stopped) {
          ctx.ready++;
          while (ctx.ready !== 0 && !ctx.stopped) await spin(ts);
          ctx.waiters++;
          const out: E.EpollEvent[] = [];
          const r = await ts.epoll_pwait(epfd, out, 1, 2000, 0n);
          if (r !== 1) {
            if (r !== -E.EINTR || !ctx.stopped) bad.push(`w${w}: epoll_pwait returned ${r} (stopped=${ctx.stopped}) at ${k.now()} ns`);
            break;
          }
          const fd = Number(out[0].data);
          const got = await ts.read(fd, new Uint8Array(8), 8);
          if (got !== 8) bad.push(`w${w}: read(${fd}) returned ${got}`);
          harvested.set(fd, (harvested.get(fd) ?? 0) + 1);
          ctx.waiters--;
        }
      }, `w${w}`));
    const main = k.spawn(async (ts) => {
      const one = new Uint8Array(8);
      one[0] = 1;
      for (let round = 0; round < ROUNDS_60; round++) {
        while (ctx.ready !== N) await spin(ts);
        ctx.ready -= N;
        while (ctx.waiters !== N) await spin(ts);
        await ts.usleep(1000); // long enough for every sleeper to be in the kernel
        for (const fd of evfd) {
          const r = await ts.write(fd, one, 8);
          if (r !== 8) bad.push(`round ${round}: write(${fd}) returned ${r}`);
        }
        const deadline = k.now() + 1000000000n;
        while (ctx.waiters !== 0 && k.now() < deadline) await ts.usleep(100);
        if (ctx.waiters !== 0) {
          bad.push(`round ${round}: ${ctx.waiters} sleepers not woken within 1 s`);
          break;
        }
      }
      ctx.stopped = true;
      for (const t of threads) t.kill(SIGUSR1);
    }, "main");
    const deadlock = await settle(k);
    bad.push(...threw([...threads, main]));
    // Every eventfd was harvested once per round.
    const perFd = evfd.map((fd) => harvested.get(fd) ?? 0);
    if (deadlock !== null || bad.length || perFd.some((n) => n !== ROUNDS_60)) {
      failures.push({ seed, deadlock, bad: bad.slice(0, 10), perFd, trace: traceExcerpt(k) });
    }
    closeAll(k, [...evfd, epfd]);
  }
  expect(failures).toEqual([]);
});

/*
 * A race between a wakeup and a timeout: a writer thread writes an edge-triggered
 * eventfd at 10.95 ms; one thread waits on the set with an 11 ms timeout and, if it got
 * the event, writes the eventfd again; another waits with no timeout. Either the first
 * waiter takes the event and passes it on, or the second gets it directly: all three
 * threads must end. The original repeats this 1000 times; we repeat it ROUNDS_61 times
 * per seed, and besides the original's 10950 µs also with the write landing exactly on
 * the 11 ms deadline, so the two timers fire together and the seed decides the order.
 */
test("epoll61", async () => {
  const ROUNDS_61 = 150;
  const failures: unknown[] = [];
  for (const seed of SEEDS) {
    const k = newKernel({ seed });
    const epfd = k.sys.epoll_create1(0);
    expect(epfd).toBeGreaterThanOrEqual(3);
    const evfd = k.sys.eventfd(0, E.EFD_NONBLOCK);
    expect(evfd).toBeGreaterThanOrEqual(3);
    expect(k.sys.epoll_ctl(epfd, E.EPOLL_CTL_ADD, evfd, { events: IN | ET | E.EPOLLERR | E.EPOLLHUP, data: 0 })).toBe(0);
    const one = new Uint8Array(8);
    one[0] = 1;
    for (let i = 0; i < ROUNDS_61; i++) {
      const delayUs = i % 2 === 0 ? 10950 : 11000;
      const bad: string[] = [];
      const writer = k.spawn(async (ts) => {
        await ts.usleep(delayUs);
        const r = await ts.write(evfd, one, 8);
        if (r !== 8) bad.push(`writer: write returned ${r}`);
      }, "writer");
      const timed = k.spawn(async (ts) => {
        const out: E.EpollEvent[] = [];
        const n = await ts.epoll_wait(epfd, out, 1, 11);
        if (n === 1) {
          const r = await ts.write(evfd, one, 8);
          if (r !== 8) bad.push(`timed: write returned ${r}`);
        } else if (n !== 0) bad.push(`timed: epoll_wait(11) returned ${n}`);
      }, "timed");
      const blocking = k.spawn(async (ts) => {
        const n = await ts.epoll_wait(epfd, [], 1, -1);
        if (n !== 1) bad.push(`blocking: epoll_wait(-1) returned ${n}`);
      }, "blocking");
      const deadlock = await settle(k);
      bad.push(...threw([writer, timed, blocking]));
      if (deadlock !== null || bad.length) {
        failures.push({ seed, round: i, delayUs, deadlock, bad, trace: traceExcerpt(k) });
        break;
      }
    }
    closeAll(k, [epfd, evfd]);
  }
  expect(failures).toEqual([]);
});

/*
 *        t0    t1
 *     (ew) \  / (ew)
 *           e0
 *            | (lt)
 *           s0
 *
 * Here the main thread is the emitter: once both waiters sleep it writes one byte, and
 * that one level-triggered event must wake both. No signal breaks a missed waiter (the
 * original would hang); here run() then ends with EDEADLK, which is reported.
 */
test("epoll64", async () => {
  const failures: unknown[] = [];
  for (const seed of SEEDS) {
    const k = newKernel({ seed });
    const topo = oneSocket(k, LT);
    const ctx = { count: 0 };
    const problems: string[] = [];
    const saw: Record<string, string> = {};
    const threads = ["waiter0", "waiter1"].map((name) =>
      k.spawn(async (ts) => (saw[name] = await sleep(ts, topo, ew(0, 1, add1), ctx, problems, name)), name));
    threads.push(k.spawn(async (ts) => {
      const z = await ts.usleep(100000);
      if (z !== 0) problems.push(`main: usleep returned ${z}`);
      const w = await ts.write(topo.emit[0], new Uint8Array([0x77]), 1);
      if (w !== 1) problems.push(`main: write returned ${w}`);
    }, "main"));
    const deadlock = await settle(k);
    problems.push(...threw(threads));
    if (deadlock !== null || problems.length || ctx.count !== 2) {
      failures.push({ seed, count: ctx.count, saw, deadlock, problems, trace: traceExcerpt(k) });
    }
    closeAll(k, [...topo.efd, ...topo.sfd]);
  }
  expect(failures).toEqual([]);
});

/*
 * A ready level-triggered eventfd (written once, never read) in one set, and 64 threads
 * each calling epoll_wait(…, 0) on it over and over: nobody consumes the event, so no
 * call may come back empty, however the threads' harvests overlap. The original makes
 * 100000 calls per thread; we make CALLS_65 per thread over a few seeds.
 */
test("epoll65", async () => {
  const THREADS = 64;
  const CALLS_65 = 150;
  const failures: unknown[] = [];
  for (const seed of SEEDS.slice(0, 5)) {
    const k = newKernel({ seed });
    const e0 = k.sys.epoll_create(1);
    expect(e0).toBeGreaterThanOrEqual(3);
    const efd = k.sys.eventfd(0, 0);
    expect(efd).toBeGreaterThanOrEqual(3);
    expect(k.sys.epoll_ctl(e0, E.EPOLL_CTL_ADD, efd, { events: IN, data: 0x65 })).toBe(0);
    const v = new Uint8Array(8);
    v[0] = 99;
    expect(k.sys.write(efd, v, 8)).toBe(8);
    const results: Record<string, number> = {};
    const firstEmpty: { thread: number; call: number }[] = [];
    const threads: E.Thread[] = [];
    for (let t = 0; t < THREADS; t++) {
      threads.push(k.spawn(async (ts) => {
        for (let i = 0; i < CALLS_65; i++) {
          const out: E.EpollEvent[] = [];
          const r = await ts.epoll_wait(e0, out, 1, 0);
          const key = r === 1 ? `1:${out[0].events}:${Number(out[0].data)}` : String(r);
          results[key] = (results[key] ?? 0) + 1;
          if (r === 0) {
            firstEmpty.push({ thread: t, call: i });
            return;
          }
        }
      }, `t${t}`));
    }
    const deadlock = await settle(k);
    const errors = threw(threads);
    const want = { [`1:${IN}:${0x65}`]: THREADS * CALLS_65 };
    if (deadlock !== null || errors.length || JSON.stringify(results) !== JSON.stringify(want)) {
      failures.push({ seed, deadlock, errors, results, firstEmpty: firstEmpty.slice(0, 5), trace: traceExcerpt(k) });
    }
    closeAll(k, [e0, efd]);
  }
  expect(failures).toEqual([]);
});
