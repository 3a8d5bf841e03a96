// A jest test of an event loop with epoll-wasm/testing: copy this file into your project.
// Run with ES modules enabled: NODE_OPTIONS=--experimental-vm-modules npx jest
//
// The program under test: workers share one epoll set watching a job queue (a non-blocking
// pipe, one byte a job). Each job must be handled exactly once.
import { EPOLLIN, EPOLLONESHOT, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EAGAIN, O_NONBLOCK } from "epoll-wasm";
import { explore, replay, assertNoFailures } from "epoll-wasm/testing";

/** The scenario: 3 jobs, 2 workers; `oneshot` chooses the corrected program. */
const jobQueue = (oneshot) => async (kernel, ctx) => {
  const fds = [];
  kernel.sys.pipe2(fds, O_NONBLOCK);
  const [rd, wr] = fds;
  const ep = kernel.sys.epoll_create1(0);
  const events = EPOLLIN | (oneshot ? EPOLLONESHOT : 0);
  kernel.sys.epoll_ctl(ep, EPOLL_CTL_ADD, rd, { events, data: rd });
  for (const job of [1, 2, 3]) {
    ctx.produce(job); // liveness: every job must be consumed exactly once
    kernel.sys.write(wr, new Uint8Array([job]), 1);
  }
  let done = 0;
  for (const name of ["w1", "w2"]) {
    kernel.spawn(async (sys) => {
      const evs = [];
      while (done < 3) {
        if ((await sys.epoll_wait(ep, evs, 1, 5)) !== 1) continue; // 5 ms: check `done` again
        const buf = new Uint8Array(1);
        const n = await sys.read(rd, buf, 1);
        if (n === -EAGAIN) throw new Error(`${name}: woken for a job another worker took`);
        ctx.consume(buf[0]);
        done++;
        if (oneshot) await sys.epoll_ctl(ep, EPOLL_CTL_MOD, rd, { events, data: rd }); // re-arm
      }
    }, name);
  }
};

test("the one-shot job queue hands out every job exactly once, in every schedule", async () => {
  const report = await explore(jobQueue(true), { strategy: "exhaustive" });
  assertNoFailures(report); // on failure: the error, the trace and the line that replays it
  expect(report.complete).toBe(true);
});

test("random and PCT schedules, with signals interrupting the waits", async () => {
  assertNoFailures(await explore(jobQueue(true), { runs: 100, faults: { eintr: 0.2 } }));
  assertNoFailures(await explore(jobQueue(true), { strategy: "pct", runs: 100 }));
});

test("without EPOLLONESHOT, two workers can be woken for one job", async () => {
  const report = await explore(jobQueue(false), { strategy: "pct", runs: 50 });
  expect(report.failures).toHaveLength(1);
  const failure = report.failures[0];
  expect(String(failure.error)).toMatch(/woken for a job another worker took/);
  // The failure's seed replays it, call for call.
  const again = await replay(jobQueue(false), failure.seed, { strategy: "pct" });
  expect(again.trace).toEqual(failure.trace);
});
