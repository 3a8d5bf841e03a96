// The testing toolkit finds classic epoll bugs of user programs (tests/testing/bugs.ts), and
// the corrected programs pass: pct within a stated number of runs, the same number of runs
// for the corrected program, exhaustive search both ways (with the count of schedules it ran
// for the corrected one, a proof over every interleaving), and replay() of each failure gives
// the same trace.
import { explore, replay, type Failure } from "../../src/testing";
import { DeadlockError, ThreadFailure } from "../../src/index";
import { closeWhileWaiting, etReader, modAfterDel, sharedAlarmQueue, sharedLt } from "./bugs";
import type { Scenario } from "../../src/testing";

/** pct's budget for every bug, and the runs the corrected programs must pass. */
const PCT_RUNS = 20;

interface Case {
  name: string;
  make: (fixed: boolean) => Scenario;
  /** What the failure is. */
  error: (e: unknown) => void;
  /** Schedules of the corrected program that exhaustive search runs (sleep-set pruned). */
  schedules: number;
  /** The pct run (seed 1, 2, …) that finds the bug, and pct's k (docs/TESTING.md quotes both). */
  foundAt: number;
  k: number;
}

const deadlock = (waiting: string) => (e: unknown) => {
  expect(e).toBeInstanceOf(DeadlockError);
  expect((e as DeadlockError).blocked.map((b) => b.waitingOn)).toContain(waiting);
};
const threadFailed = (re: RegExp) => (e: unknown) => {
  expect(e).toBeInstanceOf(ThreadFailure);
  expect(String((e as ThreadFailure).cause)).toMatch(re);
};

const CASES: Case[] = [
  { name: "edge-triggered reader that does not drain to EAGAIN", make: etReader, error: deadlock("epoll_wait(epfd 5)"), schedules: 21, foundAt: 2, k: 9 },
  { name: "two workers share an LT set without EPOLLONESHOT", make: sharedLt, error: threadFailed(/told fd 3 is readable, read returned EAGAIN/), schedules: 139, foundAt: 2, k: 8 },
  { name: "closing an fd another thread still waits on", make: closeWhileWaiting, error: deadlock("epoll_wait(epfd 5)"), schedules: 3, foundAt: 2, k: 8 },
  { name: "EPOLL_CTL_MOD racing EPOLL_CTL_DEL (2002)", make: modAfterDel, error: threadFailed(/re-arm failed: (ENOENT|EBADF)/), schedules: 13, foundAt: 4, k: 8 },
  { name: "waiters sharing one alarm queue (2017)", make: sharedAlarmQueue, error: threadFailed(/waiter asked for \d+ ms and woke after \d+ ms/), schedules: 12, foundAt: 4, k: 17 },
];

async function expectReplays(scenario: Scenario, f: Failure): Promise<void> {
  const again = await replay(scenario, f.seed, typeof f.seed === "number" ? { strategy: f.strategy as "random" | "pct" } : undefined);
  expect(again.failed).toBe(true);
  expect(again.trace).toEqual(f.trace);
  expect(again.schedule).toBe(f.schedule);
  // The schedule string replays it too, whatever the strategy was.
  const bySchedule = await replay(scenario, f.schedule);
  expect(bySchedule.trace).toEqual(f.trace);
}

describe.each(CASES)("$name", ({ make, error, schedules, foundAt, k }) => {
  test(`pct finds it within ${PCT_RUNS} runs; the corrected program passes ${PCT_RUNS} runs`, async () => {
    const buggy = make(false);
    const r = await explore(buggy, { strategy: "pct", runs: PCT_RUNS });
    expect(r.failures).toHaveLength(1);
    expect(r.runs).toBe(foundAt);
    expect(foundAt).toBeLessThanOrEqual(PCT_RUNS);
    const f = r.failures[0];
    error(f.error);
    expect(f.strategy).toBe("pct");
    expect(f.replay).toMatch(/^await replay\(scenario, /);
    expect(r.pct).toEqual({ depth: 3, steps: k, threads: 2, bound: 1 / (2 * k * k) });
    await expectReplays(buggy, f);

    const ok = await explore(make(true), { strategy: "pct", runs: PCT_RUNS });
    expect(ok.failures).toEqual([]);
    expect(ok.runs).toBe(PCT_RUNS);
  });

  test(`exhaustive search finds it, and proves the corrected program over all ${schedules} schedules`, async () => {
    const buggy = make(false);
    const r = await explore(buggy, { strategy: "exhaustive" });
    expect(r.failures).toHaveLength(1);
    error(r.failures[0].error);
    expect(typeof r.failures[0].seed).toBe("string");
    await expectReplays(buggy, r.failures[0]);

    const ok = await explore(make(true), { strategy: "exhaustive" });
    expect(ok.failures).toEqual([]);
    expect(ok.complete).toBe(true);
    expect(ok.schedules).toBe(schedules);
  });
});

test("random search finds each bug too, and replays it from its seed", async () => {
  for (const c of CASES) {
    const buggy = c.make(false);
    const r = await explore(buggy, { runs: 50, shrink: false });
    expect(r.failures).toHaveLength(1);
    const f = r.failures[0];
    expect(typeof f.seed).toBe("number"); // unshrunk: the run's own seed
    expect(f.seed).toBe(r.runs); // runs are seeded 1, 2, …: the failing one was the last
    c.error(f.error);
    await expectReplays(buggy, f);
  }
});
