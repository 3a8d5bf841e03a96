// The testing toolkit's surface (epoll-wasm/testing): options, replay, the random strategy
// being the kernel's own scheduler, liveness checks, each fault and the rules it follows,
// shrinking, the exhaustive search's pruning (it loses no outcome), preemption bounding,
// determinism checks, the option that preempts a waker, and fast-check driving it.
import fc from "fast-check";
import * as E from "../../src/index";
import { createKernel, type EpollEvent, type Kernel } from "../../src/index";
import { explore, replay, assertNoFailures, formatFailure, LivenessError, type ExploreContext, type Scenario } from "../../src/testing";
import { sharedLt } from "./bugs";
import { tcpPair } from "./net";

jest.setTimeout(60_000); // exhaustive searches on the debug core

const nonblockPipe = (k: Kernel): [number, number] => {
  const fds: number[] = [];
  expect(k.sys.pipe2(fds, E.O_NONBLOCK)).toBe(0);
  return [fds[0], fds[1]];
};
const blockingPipe = (k: Kernel): [number, number] => {
  const fds: number[] = [];
  expect(k.sys.pipe2(fds, 0)).toBe(0);
  return [fds[0], fds[1]];
};
const noop: Scenario = async () => {};

describe("options", () => {
  test.each([
    [{ strategy: "dfs" }, /invalid option strategy \(dfs; one of random, pct, exhaustive\)/],
    [{ runs: 0 }, /invalid option runs \(0; an integer >= 1\)/],
    [{ runs: 1.5 }, /invalid option runs/],
    [{ seed: Number.NaN }, /invalid option seed/],
    [{ depth: 0 }, /invalid option depth/],
    [{ faults: { eintr: 2 } }, /invalid option faults.eintr \(2; a chance from 0 to 1\)/],
    [{ faults: { sigsegv: 0.5 } }, /invalid option faults.sigsegv \(unknown/],
    [{ faults: "yes" }, /invalid option faults/],
    [{ kernel: { clock: "real" } }, /explore needs the virtual clock/],
    [{ kernel: { maxFds: 1 } }, /invalid option kernel \(createKernel: invalid option maxFds\)/],
    [{ shrink: 1 }, /invalid option shrink \(1; a boolean\)/],
    [{ typo: 1 }, /invalid option typo \(unknown; known: runs, seed/],
  ])("explore(%j) is refused with a TypeError naming the option", async (opts, re) => {
    await expect(explore(noop, opts as never)).rejects.toThrow(TypeError);
    await expect(explore(noop, opts as never)).rejects.toThrow(re);
  });

  test("the scenario must be a function; replay takes a number or a schedule string", async () => {
    await expect(explore(42 as never)).rejects.toThrow(/explore: scenario must be a function/);
    await expect(replay(noop, "nonsense")).rejects.toThrow(/a schedule string is "v1:<seed>:<decisions>"/);
    await expect(replay(noop, "v1:1:t0")).rejects.toThrow(/bad schedule token "t0"/);
    await expect(replay(noop, "v1:1:x3")).rejects.toThrow(/bad schedule token "x3"/);
    await expect(replay(noop, 1.5)).rejects.toThrow(/seed must be a safe integer or a schedule string/);
    await expect(replay(noop, 3, { strategy: "exhaustive" })).rejects.toThrow(/exhaustive failure's seed is its schedule string/);
  });

  test("a passing scenario: every run made, no failures; assertNoFailures is quiet", async () => {
    const r = await explore(sharedLt(true), { runs: 7, seed: 100 });
    expect(r).toEqual({ runs: 7, failures: [], strategy: "random" });
    expect(() => assertNoFailures(r)).not.toThrow();
  });

  test("assertNoFailures throws the first failure as text: error, trace, replay line", async () => {
    const r = await explore(sharedLt(false), { strategy: "exhaustive" });
    expect(() => assertNoFailures(r)).toThrow(/explore found 1 failing schedule\(s\) in 2 run\(s\); the first:\nThreadFailure: thread "worker-a" failed/);
    const text = formatFailure(r.failures[0]);
    expect(text).toMatch(/main +epoll_ctl\(5, EPOLL_CTL_ADD, 3, \{IN, data: 3\}\) = 0/);
    expect(text).toMatch(/worker-b +read\(3, <02>, 1\) = 1/);
    expect(text).toMatch(/worker-a +read\(3, buf\[1\], 1\) = -EAGAIN/);
    expect(text).toContain(`replay: await replay(scenario, "${r.failures[0].schedule}")`);
  });
});

describe("the random strategy is the kernel's own seeded scheduler", () => {
  /** Three threads, each noting its steps in its own order list. */
  const orderOf = async (k: Kernel, order: string[]) => {
    const [r, w] = nonblockPipe(k);
    for (const name of ["a", "b", "c"]) {
      k.spawn(async (sys) => {
        for (let i = 0; i < 3; i++) {
          order.push(`${name}${i}`);
          await sys.write(w, new Uint8Array(1), 1);
          await sys.read(r, new Uint8Array(1), 1);
        }
      }, name);
    }
    await k.run();
  };

  test.each([1, 7, 12345])("seed %d: explore's run and createKernel({ seed }) interleave alike", async (seed) => {
    const viaExplore: string[] = [];
    await explore((k) => orderOf(k, viaExplore), { seed, runs: 1 });
    const direct: string[] = [];
    await orderOf(await createKernel({ seed }), direct);
    expect(viaExplore).toEqual(direct);
    expect(viaExplore).toHaveLength(9);
  });
});

describe("liveness", () => {
  test("a produced item nobody consumes is a lost wakeup; consumed twice is a double delivery", async () => {
    const lost = await explore(async (_k, ctx) => ctx.produce("req-1"), { runs: 1 });
    expect(lost.failures[0].error).toBeInstanceOf(LivenessError);
    expect((lost.failures[0].error as Error).message).toBe('lost wakeup: "req-1" was produced and never consumed');
    const twice = await explore(async (_k, ctx) => {
      ctx.produce(7);
      ctx.consume(7);
      ctx.consume(7);
    }, { runs: 1 });
    expect((twice.failures[0].error as Error).message).toBe('double delivery: "7" was produced once and consumed 2 times');
    const stray = await explore(async (_k, ctx) => ctx.consume("x"), { runs: 1 });
    expect((stray.failures[0].error as Error).message).toBe('"x" was consumed but never produced');
  });

  test("eventually() is checked once every thread has stopped", async () => {
    let answered = 0;
    const r = await explore(async (k, ctx) => {
      answered = 0;
      ctx.eventually("every request answered", () => answered === 2);
      k.spawn(async (sys) => {
        await sys.usleep(10);
        answered++;
      });
    }, { runs: 1 });
    expect((r.failures[0].error as LivenessError).code).toBe("ELIVENESS");
    expect((r.failures[0].error as Error).message).toBe("eventually: every request answered (it did not hold once every thread had stopped)");
  });

  test("threads that all wait forever are reported as EDEADLK, naming what each waits on", async () => {
    const r = await explore(async (k) => {
      const [rd] = blockingPipe(k);
      k.spawn((sys) => sys.read(rd, new Uint8Array(1), 1), "stuck");
    }, { runs: 1 });
    const e = r.failures[0].error as E.DeadlockError;
    expect(e).toBeInstanceOf(E.DeadlockError);
    expect(e.blocked).toEqual([{ name: "stuck", waitingOn: "read on fd 3" }]);
  });
});

describe("faults", () => {
  test("ENOMEM from epoll_ctl ADD (failslab) changes nothing: no item, no watch; the retry without the fault succeeds", async () => {
    const seen: number[] = [];
    const r = await replay(async (k) => {
      const [rd] = nonblockPipe(k);
      const ep = k.sys.epoll_create1(0);
      seen.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, rd, { events: E.EPOLLIN, data: 1 }));
      seen.push(k.userWatches(), k.liveObjects().epitem, k.sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, rd, { events: E.EPOLLIN, data: 1 }));
      seen.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, rd, { events: E.EPOLLIN, data: 1 }), k.userWatches());
    }, "v1:1:m0.m1.m0");
    // m0: epoll_create1 not failed; m1: the first ADD fails; m0: the retry runs.
    expect(seen).toEqual([-E.ENOMEM, 0, 0, -E.ENOENT, 0, 1]);
    expect(r.faults).toEqual(["ENOMEM: the slab allocation of epoll_ctl(ADD fd 3) fails (failslab)"]);
  });

  test("ENOMEM from epoll_create: no fd is installed", async () => {
    const seen: number[] = [];
    await replay(async (k) => {
      seen.push(k.sys.epoll_create1(0), k.sys.eventfd(0, 0), k.liveObjects().eventpoll);
    }, "v1:1:m1");
    expect(seen).toEqual([-E.ENOMEM, 3, 0]);
  });

  test("an ADD refused before it allocates is not an ENOMEM: the trace says the fault had no effect", async () => {
    const seen: number[] = [];
    const r = await replay(async (k) => {
      const ep = k.sys.epoll_create1(0);
      seen.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, 99, { events: E.EPOLLIN, data: 1 }));
    }, "v1:1:m0.m1");
    expect(seen).toEqual([-E.EBADF]);
    expect(r.faults).toEqual(["ENOMEM: the slab allocation of epoll_ctl(ADD fd 99) fails (failslab) (no effect)"]);
  });

  /**
   * One thread blocks in `call` (a feeder writes a byte after 10 ms, or at once if its own
   * sleep is interrupted); every schedule of
   * interrupting signals (each sleep interrupted or not): the call's results, each once.
   */
  async function interrupted(call: (sys: E.ThreadSys, k: Kernel, fds: [number, number]) => Promise<number>, restart: boolean, feed = false) {
    const results = new Set<number>();
    const r = await explore(async (k) => {
      const fds = blockingPipe(k);
      k.spawn(async (sys) => void results.add(await call(sys, k, fds)), "sleeper");
      if (feed) {
        k.spawn(async (sys) => {
          await sys.usleep(10_000);
          await sys.write(fds[1], new Uint8Array([9]), 1);
        }, "feeder");
      }
      await k.run();
    }, { strategy: "exhaustive", faults: { eintr: 1, restart } });
    expect(r.failures).toEqual([]);
    expect(r.complete).toBe(true);
    return [...results].sort((a, b) => a - b);
  }

  test("EINTR: epoll_wait, poll and nanosleep return -EINTR even when the handler has SA_RESTART", async () => {
    const epollWait = async (sys: E.ThreadSys, k: Kernel, [rd]: [number, number]) => {
      const ep = k.sys.epoll_create1(0);
      k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, rd, { events: E.EPOLLIN, data: 0 });
      return sys.epoll_wait(ep, [], 1, -1);
    };
    const poll = (sys: E.ThreadSys, _k: Kernel, [rd]: [number, number]) => sys.poll([{ fd: rd, events: E.POLLIN, revents: 0 }], 1, -1);
    const nanosleep = (sys: E.ThreadSys) => sys.nanosleep({ tv_sec: 1, tv_nsec: 0 });
    for (const restart of [false, true]) {
      // Not interrupted, they would wait forever: every schedule that ends is interrupted.
      expect(await interrupted(epollWait, restart, true)).toEqual([-E.EINTR, 1]);
      expect(await interrupted(poll, restart, true)).toEqual([-E.EINTR, 1]);
      expect(await interrupted(nanosleep, restart)).toEqual([-E.EINTR, 0]);
    }
  });

  test("EINTR: a read restarts under SA_RESTART (and gets the data), else returns -EINTR", async () => {
    const read = (sys: E.ThreadSys, _k: Kernel, [rd]: [number, number]) => sys.read(rd, new Uint8Array(4), 4);
    expect(await interrupted(read, false, true)).toEqual([-E.EINTR, 1]);
    expect(await interrupted(read, true, true)).toEqual([1]); // restarted, never -EINTR
  });

  test("EINTR after part of a blocking write: the short count (a short write on a stream)", async () => {
    // The pipe holds 65536 bytes; a reader drains it after 10 ms (at once if its sleep is interrupted).
    const write = async (sys: E.ThreadSys, k: Kernel, [rd, wr]: [number, number]) => {
      k.spawn(async (s) => {
        await s.usleep(10_000);
        while ((await s.read(rd, new Uint8Array(65536), 65536)) !== 0); // to the end of the stream (EINTR: again)
      }, "drainer");
      const n = await sys.write(wr, new Uint8Array(70000), 70000);
      await sys.close(wr);
      return n;
    };
    // Interrupted while the pipe is full: the count written so far; else all of it.
    expect(await interrupted(write, false)).toEqual([65536, 70000]);
    expect(await interrupted(write, true)).toEqual([65536, 70000]); // a partial write returns its count either way
  });

  /** A TCP connection; the sender sends "hello world" once; the receiver reads with `read`. */
  function tcpMessage(whole: boolean): Scenario {
    return async (k: Kernel, ctx: ExploreContext) => {
      const { client: c, server: s } = tcpPair(k, E.SOCK_NONBLOCK);
      const ep = k.sys.epoll_create1(0);
      k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, s, { events: E.EPOLLIN | E.EPOLLET, data: s });
      ctx.produce("hello world");
      k.spawn(async (sys) => void (await sys.write(c, new TextEncoder().encode("hello world"), 11)), "sender");
      k.spawn(async (sys) => {
        let text = "";
        const evs: EpollEvent[] = [];
        while (text.length < 11) {
          if ((await sys.epoll_wait(ep, evs, 1, 1000)) !== 1) throw new Error("no edge for the rest of the message");
          for (;;) {
            const buf = new Uint8Array(64);
            const n = await sys.read(s, buf, 64);
            if (n === -E.EAGAIN) break;
            text += new TextDecoder().decode(buf.subarray(0, n));
            if (!whole) break; // the naive receiver: one read is one message
          }
          if (!whole) break;
        }
        ctx.consume(text);
      }, "receiver");
    };
  }

  test("split: a TCP send arrives in two segments; a receiver that takes one read for the message fails, one that reads on passes", async () => {
    const naive = await explore(tcpMessage(false), { strategy: "exhaustive", faults: { split: 1 } });
    expect(naive.failures).toHaveLength(1);
    const f = naive.failures[0];
    expect((f.error as Error).message).toMatch(/^(lost wakeup: "hello world" was produced and never consumed|"hello[^"]*" was consumed but never produced)$/);
    expect(f.faults.join()).toMatch(/send\(fd 4, 11 bytes\): (arrives as two segments, \d+ \+ \d+ bytes|the data is still in flight)/);
    expect((await replay(tcpMessage(false), f.seed)).trace).toEqual(f.trace);
    // Each segment brings its own edge: the ET receiver that reads to EAGAIN never hangs.
    const careful = await explore(tcpMessage(true), { runs: 20, faults: { split: 0.5 } });
    expect(careful.failures).toEqual([]);
    const proof = await explore(tcpMessage(true), { strategy: "exhaustive", faults: { split: 1 } });
    expect(proof.failures).toEqual([]);
    expect(proof.complete).toBe(true);
  });
});

test("a failure's replay line, run as written, gives its trace (a run seed with the options it needs)", async () => {
  const scenario = sharedLt(false);
  const r = await explore(scenario, { seed: 5, runs: 30, shrink: false, faults: { eintr: 0.5 } });
  const f = r.failures[0];
  expect(typeof f.seed).toBe("number");
  const m = /^await replay\(scenario, (\d+), (\{.*\})\)$/.exec(f.replay);
  expect(m).not.toBeNull();
  expect(JSON.parse(m![2])).toEqual({ strategy: "random", faults: { eintr: 0.5, enomem: 0, split: 0, restart: false } });
  const again = await replay(scenario, Number(m![1]), JSON.parse(m![2]));
  expect(again.trace).toEqual(f.trace);
  await expect(explore(scenario, { faults: { max: -1 } })).rejects.toThrow(/invalid option faults.max \(-1; an integer >= 0\)/);
});

describe("shrinking", () => {
  test("a shrunk failure has no more preemptions or faults than the run that found it, and replays", async () => {
    const scenario = sharedLt(false);
    for (const seed of [3, 11, 40]) {
      const raw = await explore(scenario, { seed, runs: 30, shrink: false, faults: { eintr: 0.3 } });
      const shrunk = await explore(scenario, { seed, runs: 30, faults: { eintr: 0.3 } });
      expect(shrunk.runs).toBe(raw.runs);
      const [a, b] = [raw.failures[0], shrunk.failures[0]];
      expect(b.preemptions + b.faults.length).toBeLessThanOrEqual(a.preemptions + a.faults.length);
      expect(b.runSeed).toBe(a.seed);
      expect((await replay(scenario, b.seed)).trace).toEqual(b.trace);
    }
  });
});

describe("exhaustive search", () => {
  /** Three threads: two pass bytes over two pipes, one writes alone to a third. Outcome: each thread's results. */
  function threeThreads(outcomes: Set<string>): Scenario {
    return async (k: Kernel) => {
      const [r1, w1] = nonblockPipe(k);
      const [r2, w2] = nonblockPipe(k);
      const [r3, w3] = nonblockPipe(k);
      const logs: number[][] = [[], [], []];
      const one = new Uint8Array(1);
      k.spawn(async (sys) => void logs[0].push(await sys.write(w1, one, 1), await sys.read(r2, new Uint8Array(1), 1)), "a");
      k.spawn(async (sys) => void logs[1].push(await sys.write(w2, one, 1), await sys.read(r1, new Uint8Array(1), 1)), "b");
      k.spawn(async (sys) => void logs[2].push(await sys.write(w3, one, 1)), "c");
      void r3;
      await k.run();
      outcomes.add(JSON.stringify(logs));
    };
  }

  test("pruning by commuting steps runs fewer schedules and loses no outcome", async () => {
    const all = new Set<string>();
    const full = await explore(threeThreads(all), { strategy: "exhaustive", prune: false });
    const some = new Set<string>();
    const pruned = await explore(threeThreads(some), { strategy: "exhaustive" });
    expect(full.complete && pruned.complete).toBe(true);
    expect(pruned.schedules!).toBeLessThan(full.schedules!);
    expect([...some].sort()).toEqual([...all].sort());
    // (1, 1), (EAGAIN, 1), (1, EAGAIN): both cannot find nothing (each writes before it reads).
    expect(all.size).toBe(3);
  });

  test("maxPreemptions bounds the search (0: only the schedules without preemption)", async () => {
    const seen = new Set<string>();
    const none = await explore(threeThreads(seen), { strategy: "exhaustive", maxPreemptions: 0, prune: false });
    const unbounded = await explore(threeThreads(new Set()), { strategy: "exhaustive", prune: false });
    expect(none.complete).toBe(true);
    expect(none.schedules!).toBeLessThan(unbounded.schedules!);
    expect(none.schedules).toBe(6); // 3! orders of three threads, each running to its end
  });

  test("runs caps the search: complete is false when schedules are left", async () => {
    const r = await explore(threeThreads(new Set()), { strategy: "exhaustive", runs: 3, prune: false });
    expect(r).toMatchObject({ runs: 3, complete: false });
  });

  test("a scenario that does not repeat itself is refused", async () => {
    let n = 0;
    await expect(explore(async (k) => {
      const count = ++n === 1 ? 2 : 3;
      for (let i = 0; i < count; i++) k.spawn(async (sys) => void (await sys.getpid()));
    }, { strategy: "exhaustive" })).rejects.toThrow(/the scenario is not deterministic: replaying a schedule found threads \[1,2,3\] where it had found threads \[1,2\]/);
  });
});

test("preemptWakeups: the woken thread may run before the waker's call returns", async () => {
  // The waker sets `sent` after its write returns; the woken reader checks it.
  const scenario: Scenario = async (k) => {
    const [rd, wr] = blockingPipe(k);
    let sent = false;
    k.spawn(async (sys) => {
      await sys.read(rd, new Uint8Array(1), 1);
      if (!sent) throw new Error("woken before the write returned");
    }, "reader");
    k.spawn(async (sys) => {
      await sys.write(wr, new Uint8Array(1), 1);
      sent = true;
    }, "writer");
  };
  const without = await explore(scenario, { strategy: "exhaustive", prune: false });
  expect(without.failures).toEqual([]);
  expect(without.complete).toBe(true);
  const withIt = await explore(scenario, { strategy: "exhaustive", prune: false, preemptWakeups: true });
  expect(withIt.failures).toHaveLength(1);
  expect(String((withIt.failures[0].error as Error).cause)).toContain("woken before the write returned");
});

test("fast-check feeds seeds: a property over explore runs, its counterexample replays", async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
    const r = await explore(sharedLt(true), { seed, runs: 3 });
    return r.failures.length === 0;
  }), { seed: 42, numRuns: 10 });

  let found: unknown = null;
  try {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
      const r = await explore(sharedLt(false), { seed, runs: 1, shrink: false });
      return r.failures.length === 0;
    }), { seed: 42, numRuns: 50 });
  } catch (e) {
    found = e;
  }
  const m = /Counterexample: \[(\d+)\]/.exec(String((found as Error)?.message));
  expect(m).not.toBeNull();
  const again = await replay(sharedLt(false), Number(m![1]));
  expect(again.failed).toBe(true);
});

test("a thread joining another waits for it (pthread_join); joining itself is EDEADLK", async () => {
  const k = await createKernel();
  const worker = k.spawn(async (sys) => {
    await sys.usleep(5);
    return "done";
  }, "worker");
  const joiner = k.spawn(async (sys) => {
    const v = await worker.join();
    return `${v} at ${Number(k.now()) / 1000} us, pid ${await sys.getpid()}`;
  }, "joiner");
  const self: E.Thread<unknown> = k.spawn(async (): Promise<unknown> => self.join(), "self");
  await k.run();
  expect(await joiner.join()).toBe("done at 5 us, pid 1000");
  await expect(self.join()).rejects.toMatchObject({ code: "EDEADLK", message: "EDEADLK: thread self joins itself" });
});

test("calls under explore get every argument given, optional ones too (the trace shows them)", async () => {
  const body = (k: Kernel, log: unknown[]) => {
    const old: unknown[] = [];
    k.sys.sigaction(E.SIGUSR1, { handler: () => {} }, null);
    k.sys.sigaction(E.SIGUSR1, "ignore", old as never);
    const om: bigint[] = [];
    k.sys.sigprocmask(E.SIG_BLOCK, 1n << 3n, null);
    k.sys.sigprocmask(E.SIG_BLOCK, 0n, om);
    log.push(typeof old[0], om[0]);
  };
  const direct: unknown[] = [];
  body(await createKernel(), direct);
  const explored: unknown[] = [];
  const r = await replay(async (k) => body(k, explored), 1);
  expect(direct).toEqual(["object", 8n]);
  expect(explored).toEqual(direct);
  expect(r.trace.map((e) => e.text)).toContain("sigprocmask(0, 0, [8])");
});
