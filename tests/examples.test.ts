// The examples in examples/ really run: each is executed with Node against the built
// package (self-referenced as "epoll-wasm") and must print exactly this transcript. The
// virtual clock and the seeded scheduler make every transcript deterministic, on both cores.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Each example runs in a child Node process (about a second each).
jest.setTimeout(60_000);

const root = join(__dirname, "..");
const dir = join(root, "examples");

const run = (name: string): string =>
  execFileSync(process.execPath, [join(dir, `${name}.mjs`)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, EPOLL_WASM_CORE: process.env.EPOLL_WASM_CORE },
  });

const transcripts: Record<string, string[]> = {
  "accept-server": [
    "  1 ms  client: GET /a",
    "  1 ms  s0: accepted fd 8, then EAGAIN",
    "  6 ms  client: GET /b",
    "  6 ms  s2: accepted fd 10, then EAGAIN",
    " 11 ms  client: GET /c",
    " 11 ms  s1: accepted fd 12, then EAGAIN",
    " 13 ms  s0: GET /a -> 200",
    " 16 ms  client: GET /d",
    " 16 ms  s0: accepted fd 13, then EAGAIN",
    " 18 ms  s2: GET /b -> 200",
    " 21 ms  client: /a <- \"hello from s0 for /a\"",
    " 21 ms  client: /b <- \"hello from s2 for /b\"",
    " 23 ms  s1: GET /c -> 200",
    " 23 ms  client: /c <- \"hello from s1 for /c\"",
    " 28 ms  s0: GET /d -> 200",
    " 28 ms  client: /d <- \"hello from s0 for /d\"",
    " 38 ms  client: two connections at once",
    " 38 ms  client: GET /e",
    " 38 ms  client: GET /f",
    " 38 ms  s0: accepted fd 8, 10, then EAGAIN",
    " 50 ms  s0: GET /e -> 200",
    " 50 ms  client: /e <- \"hello from s0 for /e\"",
    " 62 ms  s0: GET /f -> 200",
    " 62 ms  client: /f <- \"hello from s0 for /f\"",
    " 73 ms  client: 40 idle connections open; 20 of 20 requests answered 200 (s0:17 s2:3)",
    "client: done; s0 stopped, s1 stopped, s2 stopped",
    "wakeups: s0=60 s1=14 s2=26",
  ],
  "echo-server": [
    "-- round 1: two clients talk",
    'alice -> "hello"',
    'bob -> "hi there"',
    'server: alice [IN] read "hello"',
    'server: bob [IN] read "hi there"',
    'alice <- "HELLO"',
    'bob <- "HI THERE"',
    "-- round 2: two writes before the server looks: one edge, both read",
    'carol -> "one,"',
    'carol -> "two"',
    'server: carol [IN] read "one,two"',
    'carol <- "ONE,TWO"',
    "-- round 3: bob says bye and shuts down writing",
    'bob -> "bye"',
    'server: bob [IN|RDHUP] read "bye"',
    "server: bob hung up, closed and removed (2 left)",
    'bob <- "BYE"',
    "-- round 4: quiet; no events for the closed connection",
    "virtual time 40 ms, watching 2 sockets",
  ],
  "timer-wheel": [
    " 100 ms  heartbeat fired",
    " 200 ms  heartbeat fired",
    " 250 ms  flush     fired",
    " 300 ms  heartbeat fired",
    " 330 ms  timeout   fired",
    " 330 ms  timeout handler works for 350 ms...",
    " 680 ms  heartbeat fired x3 (overrun: 2 missed)",
    " 680 ms  flush     fired",
    " 680 ms  report    fired",
    " 680 ms  report was due at 600 ms; flush disarmed",
    " 700 ms  heartbeat fired",
    " 800 ms  heartbeat fired",
    " 900 ms  heartbeat fired",
    "1000 ms  heartbeat fired",
    "done at 1000 ms, 0 timers left in the set",
  ],
  "worker-pool": [
    " 10 ms  producer: job 1",
    " 10 ms  w2: handles job 1",
    " 20 ms  producer: job 2",
    " 20 ms  w1: handles job 2",
    " 30 ms  producer: job 3",
    " 30 ms  w0: handles job 3",
    " 40 ms  producer: job 4",
    " 40 ms  w2: handles job 4",
    " 50 ms  producer: job 5",
    " 50 ms  w1: handles job 5",
    " 60 ms  producer: job 6",
    " 60 ms  w0: handles job 6",
    " 70 ms  producer: jobs 7 and 8 at once",
    " 70 ms  w2: handles job 7",
    " 75 ms  w2: handles job 8",
    " 90 ms  producer: shutting the pool down",
    " 90 ms  w0: epoll_wait -> EINTR, exiting",
    " 90 ms  w1: epoll_wait -> EINTR, exiting",
    " 90 ms  w2: epoll_wait -> EINTR, exiting",
    "results: stopped, stopped, stopped",
    "wakeups: w0=2 w1=2 w2=3; 7 in all for 8 jobs",
  ],
  "dup-close-surprise": [
    "epfd = epoll_create1(0)                                    = 3",
    "pipe2(fds, O_NONBLOCK)                                     = 0         /* fds = {4, 5} */",
    "epoll_ctl(epfd, EPOLL_CTL_ADD, 4, {EPOLLIN, .data.fd = 4}) = 0",
    "dupfd = dup(4)                                             = 6",
    "close(4)                                                   = 0         /* \"so it's out of the set\"... */",
    'write(5, "x", 1)                                           = 1',
    "epoll_wait(epfd, events, 8, 0)                             = 1         /* events[0].data.fd = 4 -- closed! */",
    "epoll_ctl(epfd, EPOLL_CTL_DEL, 4, NULL)                    = -1 EBADF  /* fd 4 is not open */",
    "epoll_ctl(epfd, EPOLL_CTL_DEL, 6, NULL)                    = -1 ENOENT /* fd 6 was never added */",
    "efd = eventfd(0, 0)                                        = 4",
    "epoll_ctl(epfd, EPOLL_CTL_ADD, 4, {EPOLLIN, .data = 1004}) = 0         /* no EEXIST: another file */",
    "epoll_ctl(epfd, EPOLL_CTL_DEL, 4, NULL)                    = 0         /* removes the eventfd's item only */",
    "interest list of epfd 3:",
    "    tfd:        4 events:       19 data:                4",
    "epoll_wait(epfd, events, 8, 0)                             = 1         /* level-triggered: still data 4 */",
    "close(6)                                                   = 0         /* last reference to the pipe's read end */",
    "epoll_wait(epfd, events, 8, 0)                             = 0         /* the item is gone at last */",
    "interest list of epfd 3:",
    "    (no items)",
  ],
};

test("every example in examples/ has a transcript here and one paragraph in examples/README.md", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".mjs")).map((f) => f.slice(0, -4)).sort();
  expect(files).toEqual(Object.keys(transcripts).sort());
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  for (const f of files) expect(readme).toContain(`node examples/${f}.mjs`);
});

test.each(Object.keys(transcripts))("examples/%s.mjs prints its transcript", (name) => {
  expect(run(name)).toBe(transcripts[name].join("\n") + "\n");
});

test("examples/jest: the jest file a user would copy passes under jest with ES modules", () => {
  // As its header says: jest with --experimental-vm-modules and the example's own config.
  const jest = require.resolve("jest/bin/jest");
  const out = spawnSync(process.execPath, ["--experimental-vm-modules", jest, "--ci", "--config", "examples/jest/jest.config.mjs", "--rootDir", "examples/jest"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, EPOLL_WASM_CORE: process.env.EPOLL_WASM_CORE },
  });
  expect(out.stderr).toMatch(/Tests: +3 passed, 3 total/);
  expect(out.status).toBe(0);
});
