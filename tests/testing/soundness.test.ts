// The testing toolkit's own soundness, on the cases a review found: exhaustive search with
// pruning finds every outcome the full search finds (fd-table limits, the process's end,
// signal delivery, a thread's end, a watched file's release, nested sets, the watch limit,
// preemption bounds); what ends a run early is decided by the explorer whatever the scenario
// catches; runs that never end are livelock failures; faults stay legal (no EINTR where every
// signal is blocked; a split TCP send keeps the stream's order against another sender).
import * as E from "../../src/index";
import type { Kernel } from "../../src/index";
import { explore, replay, LivenessError, type ExploreOptions, type Scenario } from "../../src/testing";
import { tcpPair } from "./net";

jest.setTimeout(60_000);

/** Outcomes of every schedule, pruned and not: the pruned search must lose none. */
async function sameOutcomes(make: (out: Set<string>) => Scenario, opts: ExploreOptions = {}): Promise<Set<string>> {
  const pruned = new Set<string>();
  const full = new Set<string>();
  const a = await explore(make(pruned), { strategy: "exhaustive", ...opts });
  const b = await explore(make(full), { strategy: "exhaustive", prune: false, ...opts });
  expect([a.complete, b.complete, a.failures, b.failures]).toEqual([true, true, [], []]);
  expect([...pruned].sort()).toEqual([...full].sort());
  return full;
}

const two = (k: Kernel, out: Set<string>, a: (sys: E.ThreadSys, log: unknown[]) => Promise<void>, b: (sys: E.ThreadSys, log: unknown[]) => Promise<void>, extra?: () => unknown) => {
  const la: unknown[] = [];
  const lb: unknown[] = [];
  k.spawn((sys) => a(sys, la), "A");
  k.spawn((sys) => b(sys, lb), "B");
  return k.run().then(() => void out.add(JSON.stringify({ la, lb, x: extra?.() })));
};

test("a create failing with EMFILE depends on a close in another thread", async () => {
  const all = await sameOutcomes((out) => async (k) => {
    const efd = k.sys.eventfd(0, 0); // fd 3 fills the table (maxFds 4)
    await two(k, out, async (sys, l) => void l.push(await sys.epoll_create1(0)), async (sys, l) => void l.push(await sys.close(efd)));
  }, { kernel: { maxFds: 4 } });
  expect(all.size).toBe(2); // -EMFILE, or fd 3 after the close
});

test("SIGPIPE's default action ends the process: the end is ordered against every step", async () => {
  const all = await sameOutcomes((out) => async (k) => {
    const p: number[] = [];
    const q: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    k.sys.pipe2(q, E.O_NONBLOCK);
    await two(k, out, async (sys, l) => void l.push(await sys.close(p[0]), await sys.write(q[1], new Uint8Array(1), 1)),
      async (sys, l) => void l.push(await sys.write(p[1], new Uint8Array(1), 1)), () => k.exitStatus);
  });
  expect(all.size).toBe(3);
});

test("a signal is delivered as the target's call returns: ordered against tgkill", async () => {
  const all = await sameOutcomes((out) => async (k) => {
    const la: string[] = [];
    k.sys.sigaction(E.SIGUSR1, { handler: () => void la.push("sig") });
    const A = k.spawn(async (sys) => {
      await sys.gettid();
      la.push("g1");
      await sys.gettid();
      la.push("g2");
    }, "A");
    const lb: number[] = [];
    k.spawn(async (sys) => void lb.push(await sys.tgkill(await sys.getpid(), A.tid, E.SIGUSR1)), "B");
    await k.run();
    out.add(JSON.stringify({ la, lb }));
  });
  expect(all.size).toBe(3);
});

test("closing a watched fd changes the set that watches it; the watch limit is shared by all sets", async () => {
  await sameOutcomes((out) => async (k) => {
    const ep = k.sys.epoll_create1(0);
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 7 });
    await two(k, out, async (sys, l) => void l.push(await sys.close(p[0])), async (sys, l) => {
      const s = await sys.fdinfo(ep);
      l.push(typeof s === "string" ? (s.match(/tfd:/g) ?? []).length : s);
    });
  });
  const limited = await sameOutcomes((out) => async (k) => {
    const [e1, e2, a, b] = [k.sys.epoll_create1(0), k.sys.epoll_create1(0), k.sys.eventfd(0, 0), k.sys.eventfd(0, 0)];
    await two(k, out, async (sys, l) => void l.push(await sys.epoll_ctl(e1, E.EPOLL_CTL_ADD, a, { events: E.EPOLLIN, data: 1 })),
      async (sys, l) => void l.push(await sys.epoll_ctl(e2, E.EPOLL_CTL_ADD, b, { events: E.EPOLLIN, data: 2 })));
  }, { kernel: { maxUserWatches: 1 } });
  expect(limited.size).toBe(2); // one of the two ADDs gets ENOSPC
});

test("a set nested in another is read when the outer one is polled", async () => {
  await sameOutcomes((out) => async (k) => {
    const ep = k.sys.epoll_create1(0);
    const outer = k.sys.epoll_create1(0);
    for (const d of [1, 2]) k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, k.sys.eventfd(1, E.EFD_NONBLOCK), { events: E.EPOLLIN | E.EPOLLET, data: d });
    k.sys.epoll_ctl(outer, E.EPOLL_CTL_ADD, ep, { events: E.EPOLLIN, data: 9 });
    await two(k, out, async (sys, l) => void l.push(await sys.epoll_wait(outer, [], 4, 0)), async (sys, l) => void l.push(await sys.epoll_wait(ep, [], 4, 0)));
  });
});

test.each([0, 1, 2])("maxPreemptions %d: no schedule is pruned away (sleep sets are off under a bound)", async (mp) => {
  const all = await sameOutcomes((out) => async (k) => {
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    await two(k, out, async (sys) => void (await sys.write(p[1], new Uint8Array([1]), 1)), async (sys) => void (await sys.write(p[1], new Uint8Array([2]), 1)), () => {
      const b = new Uint8Array(2);
      k.sys.read(p[0], b, 2);
      return [...b];
    });
  }, { maxPreemptions: mp });
  expect(all.size).toBe(2);
});

test("a scenario that catches the explorer's own errors changes nothing: pruned runs are not failures", async () => {
  const scenario: Scenario = async (k) => {
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    const efd = k.sys.eventfd(0, E.EFD_NONBLOCK);
    k.spawn(async (sys) => void (await sys.write(p[1], new Uint8Array([1]), 1)), "A");
    k.spawn(async (sys) => void (await sys.write(efd, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]), 8)), "B");
    try {
      await k.run();
    } catch (e) {
      if ((e as { code?: string }).code === "EDEADLK") return;
      throw new Error(`unexpected: ${(e as Error).message}`);
    }
  };
  const r = await explore(scenario, { strategy: "exhaustive" });
  expect(r).toMatchObject({ failures: [], complete: true, schedules: 2, runs: 3 });
});

test("a run that never ends is a livelock failure after maxSteps (a thread spinning until another runs)", async () => {
  const scenario: Scenario = async (k) => {
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    k.spawn(async (sys) => {
      while ((await sys.read(p[0], new Uint8Array(1), 1)) === -E.EAGAIN);
    }, "spinner");
    k.spawn(async (sys) => void (await sys.write(p[1], new Uint8Array([1]), 1)), "writer");
  };
  const r = await explore(scenario, { strategy: "exhaustive", maxSteps: 500, runs: 3 });
  const e = r.failures[0].error as LivenessError;
  expect(e).toBeInstanceOf(LivenessError);
  expect(e.message).toMatch(/^livelock: more than 500 scheduling steps/);
  const again = await replay(scenario, r.failures[0].seed, { maxSteps: 500 });
  expect(again.trace).toEqual(r.failures[0].trace);
});

test("EINTR is not injected into a thread that blocks every signal (but the epoll_wait family may get it: stop and SIGCONT)", async () => {
  const results = new Set<string>();
  const r = await explore(async (k) => {
    const p: number[] = [];
    k.sys.pipe2(p, 0);
    const ep = k.sys.epoll_create1(0);
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 0 });
    k.spawn(async (sys) => {
      await sys.sigprocmask(E.SIG_BLOCK, (1n << 64n) - 1n, null);
      const w = await sys.epoll_wait(ep, [], 1, -1);
      const n = await sys.read(p[0], new Uint8Array(1), 1);
      results.add(`${w} ${n}`);
    }, "masked");
    k.spawn(async (sys) => void (await sys.write(p[1], new Uint8Array([1]), 1)), "writer");
  }, { strategy: "exhaustive", faults: { eintr: 1 } });
  expect(r.failures).toEqual([]);
  expect([...results].sort()).toEqual(["-4 1", "1 1"]);
});

test("a split TCP send keeps the stream's order against another sender on the same socket", async () => {
  const texts = new Set<string>();
  const r = await explore(async (k) => {
    const { client: c, server: s } = tcpPair(k);
    const enc = (t: string) => new TextEncoder().encode(t);
    k.spawn(async (sys) => void (await sys.send(c, enc("AAAA"), 4, 0)), "a");
    k.spawn(async (sys) => void (await sys.send(c, enc("BBBB"), 4, 0)), "b");
    k.spawn(async (sys) => {
      let text = "";
      while (text.length < 8) {
        const b = new Uint8Array(16);
        const n = await sys.read(s, b, 16);
        text += new TextDecoder().decode(b.subarray(0, n));
      }
      texts.add(text);
    }, "reader");
  }, { strategy: "exhaustive", faults: { split: 1 } });
  expect(r).toMatchObject({ failures: [], complete: true });
  expect([...texts].sort()).toEqual(["AAAABBBB", "BBBBAAAA"]);
});
