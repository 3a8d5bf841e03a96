// The idiomatic API inside a real Node program: waits woken by the program's own callbacks
// (setTimeout) on the real clock, clear errors on the virtual clock, ep.wait() and
// kernel.run() pending together, and a wait that nothing wakes keeping the process alive
// (checked in child processes, where Node's own exit rules apply).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "../src/index";
import { newKernel } from "./helpers";

jest.setTimeout(30_000);

const root = join(__dirname, "..");

test("virtual clock: a wait only a setTimeout callback could end rejects with EDEADLK saying why", async () => {
  const k = newKernel();
  const [rd, wr] = k.pipe({ nonblock: true });
  const ep = k.epoll();
  ep.add(rd, E.EPOLLIN);
  const timer = setTimeout(() => wr.write("late"), 20);
  await expect(ep.wait()).rejects.toMatchObject({
    name: "EpollError",
    code: "EDEADLK",
    errno: -E.EDEADLK,
    syscall: "epoll_wait",
    message: expect.stringContaining('use createKernel({ clock: "real" })'),
  });
  // for await does not end silently either: it throws the same error.
  const seen: E.EpollEvent[] = [];
  await expect((async () => {
    for await (const ev of ep.events()) seen.push(ev);
  })()).rejects.toMatchObject({ code: "EDEADLK" });
  expect(seen).toEqual([]);
  clearTimeout(timer);
  ep.close();
  rd.close();
  wr.close();
});

test("real clock: ep.wait() and for await are woken by the program's own setTimeout callbacks", async () => {
  const k = newKernel({ clock: "real" });
  const [rd, wr] = k.pipe({ nonblock: true });
  const ep = k.epoll();
  ep.add(rd, E.EPOLLIN | E.EPOLLET, 9n);
  const t0 = Date.now();
  setTimeout(() => k.sys.write(wr.fd, new Uint8Array([1]), 1), 30);
  expect(await ep.wait()).toEqual([{ events: E.EPOLLIN, data: 9n }]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  expect(rd.read()).toEqual(new Uint8Array([1]));
  let n = 0;
  const timers = [10, 20, 30].map((ms) => setTimeout(() => wr.write("x"), ms));
  for await (const ev of ep.events()) {
    expect(ev).toEqual({ events: E.EPOLLIN, data: 9n });
    rd.read();
    if (++n === 3) break;
  }
  timers.forEach(clearTimeout);
  // A timed wait that nothing wakes returns [] after its real timeout.
  const t1 = Date.now();
  expect(await ep.wait({ timeout: 40 })).toEqual([]);
  expect(Date.now() - t1).toBeGreaterThanOrEqual(35);
  ep.close();
  rd.close();
  wr.close();
});

test("ep.wait() and kernel.run() may be pending together, on either clock", async () => {
  for (const clock of ["virtual", "real"] as const) {
    const k = newKernel({ clock });
    const [rd, wr] = k.pipe({ nonblock: true });
    const ep = k.epoll();
    ep.add(rd, E.EPOLLIN, 1n);
    const writer = k.spawn(async (ts) => {
      await ts.usleep(20_000);
      return ts.write(wr.fd, new Uint8Array([7]), 1);
    }, "writer");
    const joined = writer.join();
    const [a, b] = await Promise.allSettled([ep.wait({ timeout: 500 }), k.run()]);
    expect([clock, a]).toEqual([clock, { status: "fulfilled", value: [{ events: E.EPOLLIN, data: 1n }] }]);
    expect([clock, b]).toEqual([clock, { status: "fulfilled", value: undefined }]);
    expect(await joined).toBe(1);
    // And the other order: run() first, then a wait that times out.
    const [c, d] = await Promise.allSettled([k.run(), ep.wait({ timeout: 0 })]);
    expect([c.status, d]).toEqual(["fulfilled", { status: "fulfilled", value: [{ events: E.EPOLLIN, data: 1n }] }]);
    ep.close();
    rd.close();
    wr.close();
  }
});

/** Runs an ES module program (importing the built package) in a child Node process. */
function runChild(name: string, code: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; out: string; err: string; alive: boolean }> {
  mkdirSync(join(root, "build"), { recursive: true });
  const file = join(root, "build", `${name}.mjs`);
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let alive = false;
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (err += s));
    child.on("error", reject);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => {
      alive = child.exitCode === null;
      if (alive && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
    }, killAfterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, alive });
    });
  });
}

const PRELUDE = `import { createKernel, EPOLLIN } from "epoll-wasm";\n`;

test("a process whose only wait nothing has woken yet stays alive (no silent exit 13)", async () => {
  // Real clock, nothing pending at all: the wait keeps the process alive like a process
  // blocked in epoll_wait(-1), until it is ended from outside (here after 1.5 s, by PID).
  const r = await runChild("embed-alive", PRELUDE + `
const kernel = await createKernel({ clock: "real" });
const [rd] = kernel.pipe();
const ep = kernel.epoll();
ep.add(rd, EPOLLIN);
console.log("waiting");
console.log(await ep.wait());
`, 1500);
  expect(r).toMatchObject({ out: "waiting\n", alive: true, signal: "SIGTERM" });
  // A wake that comes later from a plain timer ends the wait, and the process exits 0.
  const w = await runChild("embed-woken", PRELUDE + `
const kernel = await createKernel({ clock: "real" });
const [rd, wr] = kernel.pipe({ nonblock: true });
const ep = kernel.epoll();
ep.add(rd, EPOLLIN, 5n);
setTimeout(() => wr.write("hi"), 300);
console.log(await ep.wait());
ep.close();
`);
  expect(w).toMatchObject({ code: 0, out: "[ { events: 1, data: 5n } ]\n", err: "" });
});

test("virtual clock in a real program: the EDEADLK explanation reaches the user, not exit 13", async () => {
  const r = await runChild("embed-virtual", PRELUDE + `
const kernel = await createKernel();
const [rd, wr] = kernel.pipe({ nonblock: true });
const ep = kernel.epoll();
ep.add(rd, EPOLLIN);
setTimeout(() => wr.write("hi"), 100);
await ep.wait();
`);
  expect(r.code).toBe(1);
  expect(r.err).toContain("EDEADLK: resource deadlock avoided, epoll_wait (nothing in the kernel can ever end this wait");
  expect(r.err).toContain('use createKernel({ clock: "real" })');
});
