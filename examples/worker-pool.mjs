// A worker pool: N threads block in epoll_wait on ONE shared epoll set watching a job
// pipe registered with EPOLLIN | EPOLLET | EPOLLEXCLUSIVE. Each epoll_wait sleeps on the
// set with an exclusive wait entry, so a job wakes exactly one worker -- no thundering
// herd. (EPOLLEXCLUSIVE on the item also makes the pipe wake this set exclusively; it
// matters most when each worker has its own set watching the same fd.)
// Jobs are single bytes written to a non-blocking pipe by a producer thread.
// Shutdown: thread.kill() interrupts each idle worker's epoll_wait with EINTR.
// Run: npm run build && node examples/worker-pool.mjs
import { createKernel, EPOLLIN, EPOLLET, EPOLLEXCLUSIVE, EPOLL_CTL_ADD, O_NONBLOCK, EINTR, SIGTERM, errnoName } from "epoll-wasm";

const kernel = await createKernel({ seed: 1 });    // the interleaving is a function of the seed
const { sys } = kernel;
// SIGTERM's default action ends the whole process; with a handler it only interrupts each
// thread's epoll_wait (-EINTR: epoll_wait is never restarted), and the threads end cleanly.
sys.sigaction(SIGTERM, { handler: () => {} });
const ms = () => `${String(kernel.now() / 1_000_000n).padStart(3)} ms`;

const jobs = [];
sys.pipe2(jobs, O_NONBLOCK);                       // jobs[0]: read end, jobs[1]: write end
const epfd = sys.epoll_create1(0);
sys.epoll_ctl(epfd, EPOLL_CTL_ADD, jobs[0], { events: EPOLLIN | EPOLLET | EPOLLEXCLUSIVE, data: 0 });

const wakeups = new Map();                         // worker name -> times epoll_wait returned
const worker = (name) => kernel.spawn(async (ts) => {
  wakeups.set(name, 0);
  for (;;) {
    const events = [];
    const n = await ts.epoll_wait(epfd, events, 1, -1);   // block until a job (or a signal)
    if (n < 0) {
      console.log(`${ms()}  ${name}: epoll_wait -> ${errnoName(n)}, exiting`);
      return n === -EINTR ? "stopped" : errnoName(n);
    }
    wakeups.set(name, wakeups.get(name) + 1);
    const buf = new Uint8Array(1);
    while (await ts.read(jobs[0], buf, 1) === 1) {        // ET: drain until EAGAIN
      console.log(`${ms()}  ${name}: handles job ${buf[0]}`);
      await ts.usleep(5_000);                              // the work takes 5 ms
    }
  }
}, name);
const pool = ["w0", "w1", "w2"].map(worker);

kernel.spawn(async (ts) => {
  for (let job = 1; job <= 6; job++) {
    await ts.usleep(10_000);                       // a job every 10 ms
    console.log(`${ms()}  producer: job ${job}`);
    await ts.write(jobs[1], Uint8Array.of(job), 1);
  }
  await ts.usleep(10_000);
  console.log(`${ms()}  producer: jobs 7 and 8 at once`);
  sys.write(jobs[1], Uint8Array.of(7), 1);         // two writes in one time slice: one
  sys.write(jobs[1], Uint8Array.of(8), 1);         // edge's worker drains both
  await ts.usleep(20_000);
  console.log(`${ms()}  producer: shutting the pool down`);
  for (const t of pool) t.kill(SIGTERM);           // pthread_kill: blocked waits return EINTR
}, "producer");

await kernel.run();
console.log(`results: ${(await Promise.all(pool.map((t) => t.join()))).join(", ")}`);
const total = [...wakeups.values()].reduce((a, b) => a + b, 0);
console.log(`wakeups: ${[...wakeups].sort().map(([n, c]) => `${n}=${c}`).join(" ")}; ${total} in all for 8 jobs`);
