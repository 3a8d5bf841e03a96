// The project's C programs (tests/guest/src) compiled to wasm32 by `epoll-wasm cc` and run on
// the model give the same output and exit status as the same source built with cc and run on
// Linux. The wasm fixtures and the Linux transcripts (tests/guest/expected) are committed, so
// this runs on any machine; with cc the transcripts are checked against Linux again (the
// fixtures themselves: fixtures.test.ts).
// GUEST_RECORD=1 rewrites the transcripts from this machine's Linux.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeadlockError, ProcessExited } from "../../src/index";
import { createKernelSync } from "../../src/index";
import { fixture, nativeState, ROOT, runGuest, runNative, transcript, type Run } from "./guest";

const PROGRAMS = ["echo_server", "prodcons", "timerfd_ticks", "pipetest", "epwbench", "signals", "corners"];
const native = nativeState();
const expected = (name: string) => readFileSync(join(ROOT, "tests/guest/expected", `${name}.txt`), "utf8");

describe.each(PROGRAMS)("%s", (name) => {
  test("on the model: the same output and exit status as on Linux", async () => {
    const r = await runGuest(name);
    expect(r.stderr).toBe("");
    expect(transcript(r)).toBe(expected(name));
  }, 60000);

  if (native.ok) {
    test("the transcript is Linux's (cc, this machine's kernel)", () => {
      const n = runNative(`tests/guest/src/${name}.c`);
      if (process.env.GUEST_RECORD) writeFileSync(join(ROOT, "tests/guest/expected", `${name}.txt`), transcript(n));
      expect(transcript(n)).toBe(expected(name));
    }, 60000);
  } else {
    test(`native run skipped: ${native.why} (the committed Linux transcript is used)`, () => expect(expected(name)).toMatch(/status \d+\n$/));
  }
});

test("prodcons and signals print the same whatever the seed (threads interleave differently)", async () => {
  for (const name of ["prodcons", "signals", "echo_server", "corners"]) {
    for (const seed of [2, 3, 7]) expect([name, seed, transcript(await runGuest(name, { kernel: { seed } }))]).toEqual([name, seed, expected(name)]);
  }
}, 120000);

test("bad pointers: EFAULT as on Linux, except where the model checks the whole buffer first (MODEL)", async () => {
  const g = transcript(await runGuest("badptr")).split("\n");
  const want = expected("badptr").split("\n");
  // MODEL (src/syscalls/io.ts checkBuffer): a read's whole buffer is checked before the file
  // is asked, so an unmapped buffer gives EFAULT where Linux first finds nothing to read
  // (EAGAIN), and an eventfd's counter is not consumed by a read that faults.
  const differs: Record<string, string> = {
    "read(empty pipe, BAD, 4)": "-1 EFAULT",
    "read(eventfd, BAD, 8), zero": "-1 EFAULT",
    "read(eventfd, &v, 8) after": "8",
  };
  expect(g.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const call = want[i].slice(0, 34).trim();
    const linux = want[i].slice(35);
    expect([call, g[i].slice(35)]).toEqual([call, differs[call] ?? linux]);
  }
  if (native.ok) expect(transcript(runNative("tests/guest/src/badptr.c"))).toBe(expected("badptr"));
}, 60000);

test("the same seed gives the same run, to the byte", async () => {
  const a = await runGuest("prodcons", { kernel: { seed: 11 } });
  const b = await runGuest("prodcons", { kernel: { seed: 11 } });
  expect(b).toEqual(a);
});

test("argv, stdin and exit status reach the program (pipetest takes its sizes from argv)", async () => {
  const r: Run = await runGuest("pipetest", { args: ["7", "21"] });
  expect(r.stdout).toBe("pipes 7 hops 21\nepoll_wait calls 21 events 21\ntoken in pipe 0 value 21\nok\n");
  expect(r.status).toBe(0);
  const bad = await runGuest("pipetest", { args: ["x"] });
  expect([bad.status, bad.stdout]).toEqual([2, ""]);
  expect(bad.stderr).toMatch(/usage/);
});

test("the guest's epoll sets are the kernel's: the host sees them, its fds are the program's", async () => {
  const k = createKernelSync({});
  let seen: number[] = [];
  let out = "";
  const status = await k.spawnProcess(fixture("pipetest"), {
    args: ["pipetest", "3", "5"],
    stdout: (b) => {
      out += new TextDecoder().decode(b);
      // Called from inside the program's write(1, …): its set is fd 3, watching 3 pipes.
      const st = k.inspect(3);
      if (st) seen = st.items.map((i) => i.fd);
    },
  });
  expect(status).toBe(0);
  expect(out).toMatch(/^pipes 3 hops 5\n/);
  expect(seen).toEqual([4, 6, 8]);
});

test("spawnProcess refuses what it cannot run, with a clear error and nothing changed", async () => {
  const k = createKernelSync({});
  await expect(k.spawnProcess(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).rejects.toThrow(/not built by `epoll-wasm cc`/);
  await expect(k.spawnProcess(new Uint8Array([1, 2, 3]))).rejects.toThrow(WebAssembly.CompileError);
  await expect(k.spawnProcess(fixture("pipetest"), { args: [1 as unknown as string] })).rejects.toThrow(/options.args/);
  await expect(k.spawnProcess(fixture("pipetest"), { stdout: "x" as never })).rejects.toThrow(/options.stdout/);
  expect(k.sys.epoll_create1(0)).toBe(3); // fds 0-2 untouched, nothing left open
  expect(k.exitStatus).toBeNull();
});

test("one program per kernel at a time; after it ends, the kernel's process has ended", async () => {
  const k = createKernelSync({});
  const first = k.spawnProcess(fixture("pipetest"), { args: ["pipetest", "3", "3"] });
  await expect(k.spawnProcess(fixture("pipetest"))).rejects.toThrow(/already running/);
  expect(await first).toBe(0);
  expect(k.exitStatus).toEqual({ code: 0 });
  expect(() => k.sys.epoll_create1(0)).toThrow(ProcessExited);
  await expect(k.spawnProcess(fixture("pipetest"))).rejects.toThrow(/already ended/);
});

test("a program that blocks for good rejects with the kernel's deadlock report", async () => {
  const k = createKernelSync({});
  let out = "";
  const err = await k.spawnProcess(fixture("stuck"), { stdout: (b) => (out += new TextDecoder().decode(b)) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DeadlockError);
  expect((err as Error).message).toMatch(/main \(epoll_wait\(epfd 3\)\)/);
  expect((err as Error).message).toMatch(/pthread-1 \(futex\)/);
  expect(out).toBe("waiting\n");
});
