// Signals as Linux delivers them (kernel/signal.c): dispositions, process- and
// thread-directed signals, masks, delivery at the return to user space, restarts, and the
// process's end. The rules are Linux's (signal(7), "Interruption of system calls and library
// functions by signal handlers"); these were checked on this machine's Linux 6.18 with small
// C programs doing the same calls:
//   kill(getpid(), SIGUSR2) from its own handler: default "in1 out1 in2 out2", SA_NODEFER
//     "in1 in2 out2 out1"; SA_RESETHAND leaves SIG_DFL after one delivery;
//   sigprocmask(SIG_BLOCK, {USR1}); kill(getpid(), SIGUSR1): sigpending has it; signal(SIGUSR1,
//     SIG_IGN) discards it (sigpending 0, no handler after unblocking);
//   kill(getpid(), 0) = 0, kill(424242, SIGUSR1) = -1 ESRCH;
//   signalfd and SIGPIPE: the programs are quoted above their tests.
// The differential campaign (tests/diff) compares the single-threaded rules with the real
// kernel on random programs.
import * as E from "../src/index";
import { newKernel } from "./helpers";
import { explore } from "../src/testing";

const { SIGUSR1, SIGUSR2, SIGTERM, SIGKILL, SIGSTOP, SIGCHLD, SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, SA_RESTART } = E;
const bit = (sig: number) => 1n << BigInt(sig - 1);
const fresh = () => newKernel({}, { sigusr1: "default" });

test("getpid and gettid: the main thread's id is the pid; a thread's is the pid plus its number", async () => {
  const k = fresh();
  expect(k.sys.getpid()).toBe(1000);
  expect(k.sys.gettid()).toBe(1000);
  const t = k.spawn(async (ts) => [await ts.getpid(), await ts.gettid()]);
  await k.run();
  expect(await t.join()).toEqual([1000, 1001]);
});

test("kill(getpid(), sig) with a handler: the handler runs before kill returns, with the signal blocked", () => {
  const k = fresh();
  const log: string[] = [];
  expect(k.sys.sigaction(SIGUSR1, { handler: (s) => {
    const m = [0n];
    k.sys.sigprocmask(SIG_BLOCK, null, m);
    log.push(`handler ${s} blocked=${((m[0] as bigint) & bit(SIGUSR1)) !== 0n}`);
  } })).toBe(0);
  expect(k.sys.kill(k.sys.getpid(), SIGUSR1)).toBe(0);
  log.push("after kill");
  expect(log).toEqual(["handler 10 blocked=true", "after kill"]);
  const m = [0n];
  expect(k.sys.sigprocmask(SIG_BLOCK, null, m)).toBe(0);
  expect(m[0]).toBe(0n); // restored after the handler
  expect(k.sys.kill(k.sys.getpid(), 0)).toBe(0); // signal 0: only a check
  expect(k.sys.kill(4242, SIGUSR1)).toBe(-E.ESRCH);
  expect(k.sys.kill(k.sys.getpid(), 65)).toBe(-E.EINVAL);
  expect(k.sys.kill(k.sys.getpid(), -1)).toBe(-E.EINVAL);
});

test("the default action of SIGUSR1 ends the process: exitStatus, no further calls; SIGCHLD's is to ignore", async () => {
  const k = fresh();
  expect(k.sys.kill(k.sys.getpid(), SIGCHLD)).toBe(0); // ignored by default
  expect(k.exitStatus).toBe(null);
  expect(k.sys.sigaction(SIGUSR2, "ignore")).toBe(0);
  expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
  expect(k.exitStatus).toBe(null);
  expect(() => k.sys.kill(k.sys.getpid(), SIGUSR1)).toThrow(E.ProcessExited);
  expect(k.exitStatus).toEqual({ signal: SIGUSR1 });
  expect(() => k.sys.getpid()).toThrow(E.ProcessExited);
  await expect(k.run()).resolves.toBeUndefined();
});

test("a blocked signal stays pending (sigpending) until unblocked; then its handler runs as sigprocmask returns", () => {
  const k = fresh();
  const got: number[] = [];
  expect(k.sys.sigaction(SIGUSR1, { handler: (s) => got.push(s) })).toBe(0);
  expect(k.sys.sigaction(SIGUSR2, { handler: (s) => got.push(s) })).toBe(0);
  const old = [0n];
  expect(k.sys.sigprocmask(SIG_BLOCK, bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGKILL), old)).toBe(0);
  expect(old[0]).toBe(0n);
  const m = [0n];
  expect(k.sys.sigprocmask(SIG_BLOCK, null, m)).toBe(0);
  expect(m[0]).toBe(bit(SIGUSR1) | bit(SIGUSR2)); // SIGKILL cannot be blocked
  expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
  expect(k.sys.kill(k.sys.getpid(), SIGUSR1)).toBe(0);
  expect(got).toEqual([]);
  const p = [0n];
  expect(k.sys.sigpending(p)).toBe(0);
  expect(p[0]).toBe(bit(SIGUSR1) | bit(SIGUSR2));
  expect(k.sys.sigprocmask(SIG_UNBLOCK, bit(SIGUSR2) | bit(SIGUSR1), null)).toBe(0);
  expect(got).toEqual([SIGUSR1, SIGUSR2]); // lowest first
  expect(k.sys.sigpending(p)).toBe(0);
  expect(p[0]).toBe(0n);
  expect(k.sys.sigprocmask(7, 0n, null)).toBe(-E.EINVAL);
  expect(k.sys.sigprocmask(SIG_SETMASK, bit(SIGUSR1), null)).toBe(0);
  // Setting a blocked pending signal to be ignored discards it (POSIX).
  expect(k.sys.kill(k.sys.getpid(), SIGUSR1)).toBe(0);
  expect(k.sys.sigaction(SIGUSR1, "ignore")).toBe(0);
  expect(k.sys.sigpending(p)).toBe(0);
  expect(p[0]).toBe(0n);
});

test("sigaction: SIGKILL and SIGSTOP keep theirs, bad signals and actions are EINVAL, the old disposition comes back", () => {
  const k = fresh();
  const h = { handler: () => {} };
  const old: unknown[] = [];
  expect(k.sys.sigaction(SIGTERM, h, old)).toBe(0);
  expect(old[0]).toBe("default");
  expect(k.sys.sigaction(SIGTERM, null, old)).toBe(0);
  expect(old[0]).toEqual({ handler: h.handler, flags: 0, mask: 0n }); // the disposition given
  expect(k.sys.sigaction(SIGKILL, "ignore")).toBe(-E.EINVAL);
  expect(k.sys.sigaction(SIGSTOP, h)).toBe(-E.EINVAL);
  expect(k.sys.sigaction(SIGKILL, null, old)).toBe(0); // reading is fine
  expect(k.sys.sigaction(0, "ignore")).toBe(-E.EINVAL);
  expect(k.sys.sigaction(65, "ignore")).toBe(-E.EINVAL);
  expect(k.sys.sigaction(SIGTERM, "nonsense" as unknown as E.Disposition)).toBe(-E.EINVAL);
  expect(k.sys.sigaction(SIGTERM, { handler: 5 } as unknown as E.Disposition)).toBe(-E.EINVAL);
});

test("SA_RESETHAND: the first signal runs the handler, the second takes the default action", () => {
  const k = fresh();
  const got: number[] = [];
  expect(k.sys.sigaction(SIGUSR2, { handler: (s) => got.push(s), flags: E.SA_RESETHAND })).toBe(0);
  expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
  expect(got).toEqual([SIGUSR2]);
  expect(() => k.sys.kill(k.sys.getpid(), SIGUSR2)).toThrow(E.ProcessExited);
  expect(k.exitStatus).toEqual({ signal: SIGUSR2 });
});

test("SA_NODEFER: a signal raised inside its own handler runs the handler again at once", () => {
  for (const [flags, expected] of [
    [E.SA_NODEFER, ["in 1", "in 2", "out 2", "out 1"]],
    [0, ["in 1", "out 1", "in 2", "out 2"]],
  ] as [number, string[]][]) {
    const k = fresh();
    const log: string[] = [];
    let depth = 0, n = 0;
    expect(k.sys.sigaction(SIGUSR2, { handler: () => {
      const me = ++n;
      depth++;
      log.push(`in ${me}`);
      if (me === 1) k.sys.kill(k.sys.getpid(), SIGUSR2);
      log.push(`out ${me}`);
      depth--;
    }, flags })).toBe(0);
    expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
    expect(log).toEqual(expected);
    expect(depth).toBe(0);
  }
});

describe("threads", () => {
  test("restart rules: read restarts under SA_RESTART and is EINTR without; epoll_wait and nanosleep are never restarted", async () => {
    for (const restart of [true, false]) {
      const k = fresh();
      expect(k.sys.sigaction(SIGUSR1, { handler: () => {}, flags: restart ? SA_RESTART : 0 })).toBe(0);
      const p: number[] = [];
      expect(k.sys.pipe(p)).toBe(0);
      const ep = k.sys.epoll_create1(0);
      const reader = k.spawn(async (ts) => {
        const b = new Uint8Array(4);
        const r = await ts.read(p[0], b, 4);
        return [r, k.now()];
      }, "reader");
      const waiter = k.spawn(async (ts) => [await ts.epoll_wait(ep, [], 1, -1), await ts.nanosleep({ tv_sec: 5, tv_nsec: 0 }), k.now()], "waiter");
      k.spawn(async (ts) => {
        await ts.usleep(1000);
        expect(await ts.tgkill(await ts.getpid(), reader.tid, SIGUSR1)).toBe(0);
        expect(await ts.tgkill(await ts.getpid(), waiter.tid, SIGUSR1)).toBe(0);
        await ts.usleep(1000);
        expect(await ts.tgkill(await ts.getpid(), waiter.tid, SIGUSR1)).toBe(0);
        await ts.usleep(1000);
        expect(await ts.write(p[1], new Uint8Array([1, 2]), 2)).toBe(2);
      }, "sender");
      await k.run();
      // With SA_RESTART the read goes on and returns the bytes written at 3 ms; without, EINTR at 1 ms.
      expect(await reader.join()).toEqual(restart ? [2, 3000000n] : [-E.EINTR, 1000000n]);
      expect(await waiter.join()).toEqual([-E.EINTR, -E.EINTR, 2000000n]);
      expect(reader.delivered).toEqual([SIGUSR1]);
      expect(waiter.delivered).toEqual([SIGUSR1, SIGUSR1]);
    }
  });

  test("kill to the process: a thread that does not block the signal takes it (the main thread blocks it here)", async () => {
    const k = fresh();
    expect(k.sys.sigaction(SIGUSR1, { handler: () => {} })).toBe(0);
    expect(k.sys.sigprocmask(SIG_BLOCK, bit(SIGUSR1), null)).toBe(0); // the main thread
    const ep = k.sys.epoll_create1(0);
    const blocked = k.spawn(async (ts) => {
      expect(await ts.sigprocmask(SIG_BLOCK, bit(SIGUSR1), null)).toBe(0);
      return ts.epoll_wait(ep, [], 1, 10);
    }, "blocks it");
    const taker = k.spawn(async (ts) => {
      expect(await ts.sigprocmask(SIG_UNBLOCK, bit(SIGUSR1), null)).toBe(0); // (it inherited the main thread's mask)
      return ts.epoll_wait(ep, [], 1, -1);
    }, "takes it");
    k.spawn(async (ts) => {
      await ts.usleep(1000);
      expect(await ts.sigprocmask(SIG_BLOCK, bit(SIGUSR1), null)).toBe(0);
      expect(await ts.kill(await ts.getpid(), SIGUSR1)).toBe(0);
    }, "sender");
    await k.run();
    expect(await taker.join()).toBe(-E.EINTR);
    expect(await blocked.join()).toBe(0); // its timeout
    expect(taker.delivered).toEqual([SIGUSR1]);
    expect(blocked.delivered).toEqual([]);
  });

  test("a signal whose default action terminates ends the process: every thread stops, run() resolves", async () => {
    const k = fresh();
    const ep = k.sys.epoll_create1(0);
    const sleeper = k.spawn(async (ts) => {
      await ts.epoll_wait(ep, [], 1, -1);
      return "returned";
    });
    const killer = k.spawn(async (ts) => {
      await ts.usleep(1000);
      await ts.kill(await ts.getpid(), SIGTERM);
      return "after kill";
    });
    await k.run();
    expect(k.exitStatus).toEqual({ signal: SIGTERM });
    expect(await sleeper.join()).toBe(undefined);
    expect(await killer.join()).toBe(undefined); // its kill never returned
    expect(() => k.sys.epoll_create1(0)).toThrow(E.ProcessExited);
    expect(k.now()).toBe(1000000n);
  });

  test("exit(code) from a thread ends the process with { code }", async () => {
    const k = fresh();
    const t = k.spawn(async (ts) => {
      await ts.exit(300);
      return "not reached";
    });
    await k.run();
    expect(k.exitStatus).toEqual({ code: 300 & 0xff });
    expect(await t.join()).toBe(undefined);
  });
});

describe("signalfd", () => {
  // C: sigprocmask(SIG_BLOCK, {USR1, USR2}); fd = signalfd(-1, mask, SFD_NONBLOCK); kill(getpid(),
  // SIGUSR2); tgkill(getpid(), gettid(), SIGUSR1); read → 256: {signo 10, code -6 (SI_TKILL)},
  // {signo 12, code 0 (SI_USER)}, pid = getpid(), uid 0 (checked on Linux 6.18).
  test("records: the thread's own signals first, then the process's; SI_TKILL and SI_USER; errors", () => {
    const k = fresh();
    const mask = bit(SIGUSR1) | bit(SIGUSR2);
    expect(k.sys.sigprocmask(SIG_BLOCK, mask, null)).toBe(0);
    const fd = k.sys.signalfd(-1, mask, E.SFD_NONBLOCK);
    expect(fd).toBeGreaterThan(2);
    const poll = () => {
      const p = [{ fd, events: E.POLLIN, revents: 0 }];
      k.sys.poll(p, 1, 0);
      return p[0].revents;
    };
    expect(poll()).toBe(0);
    expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
    expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), SIGUSR1)).toBe(0);
    expect(poll()).toBe(E.POLLIN);
    const buf = new Uint8Array(3 * 128);
    expect(k.sys.read(fd, buf, 127)).toBe(-E.EINVAL);
    expect(k.sys.read(fd, buf, buf.length)).toBe(256);
    const dv = new DataView(buf.buffer);
    expect([dv.getUint32(0, true), dv.getInt32(8, true), dv.getUint32(12, true), dv.getUint32(16, true)]).toEqual([SIGUSR1, -6, 1000, 0]);
    expect([dv.getUint32(128, true), dv.getInt32(136, true), dv.getUint32(140, true)]).toEqual([SIGUSR2, 0, 1000]);
    expect(k.sys.read(fd, buf, buf.length)).toBe(-E.EAGAIN);
    expect(poll()).toBe(0);
    expect(k.sys.signalfd(fd, bit(SIGKILL), 0)).toBe(fd); // a new mask (SIGKILL is dropped from it)
    expect(k.sys.signalfd(0, mask, 0)).toBe(-E.EINVAL); // not a signalfd
    expect(k.sys.signalfd(-1, mask, 7)).toBe(-E.EINVAL);
    expect(k.sys.signalfd(99, mask, 0)).toBe(-E.EBADF);
    expect(k.sys.write(fd, buf, 128)).toBe(-E.EINVAL);
  });

  test("epoll on a signalfd: readable in every thread for a process signal, only in its thread for a thread's", async () => {
    const k = fresh();
    const mask = bit(SIGUSR1);
    expect(k.sys.sigprocmask(SIG_BLOCK, mask, null)).toBe(0);
    const sfd = k.sys.signalfd(-1, mask, E.SFD_NONBLOCK);
    const seen: string[] = [];
    const mk = (name: string) =>
      k.spawn(async (ts) => {
        expect(await ts.sigprocmask(SIG_BLOCK, mask, null)).toBe(0);
        const ep = await ts.epoll_create1(0);
        expect(await ts.epoll_ctl(ep, E.EPOLL_CTL_ADD, sfd, { events: E.EPOLLIN })).toBe(0);
        const n = await ts.epoll_wait(ep, [], 1, 5);
        seen.push(`${name}:${n}@${k.now() / 1000000n}`);
        return n;
      }, name);
    const a = mk("a"), b = mk("b");
    k.spawn(async (ts) => {
      await ts.usleep(1000);
      expect(await ts.tgkill(await ts.getpid(), b.tid, SIGUSR1)).toBe(0); // b's own
    }, "sender");
    await k.run();
    expect(await a.join()).toBe(0); // not a's signal: its wait times out
    expect(await b.join()).toBe(1);
    expect(seen.sort()).toEqual(["a:0@5", "b:1@1"]);
    // A process-directed signal is readable from the main thread too.
    expect(k.sys.kill(k.sys.getpid(), SIGUSR1)).toBe(0);
    const buf = new Uint8Array(128);
    expect(k.sys.read(sfd, buf, 128)).toBe(128);
  });
});

describe("SIGPIPE", () => {
  // C (Linux 6.18, a SIGPIPE handler counting): pipe write with no reader, AF_UNIX stream
  // write to a closed peer, TCP write on an unconnected socket: -1 EPIPE and SIGPIPE; the
  // same with MSG_NOSIGNAL, seqpacket to a closed peer, datagram and UDP sends after
  // SHUT_WR: EPIPE without SIGPIPE.
  test("raised by pipe, AF_UNIX stream and TCP writes with no reader; not with MSG_NOSIGNAL, seqpacket or datagrams", () => {
    const k = fresh();
    const got: number[] = [];
    expect(k.sys.sigaction(E.SIGPIPE, { handler: (s) => got.push(s) })).toBe(0);
    const b = new Uint8Array(1);
    const count = (f: () => number) => {
      got.length = 0;
      const r = f();
      return [r, got.length];
    };
    const pair = (type: number) => {
      const sv: number[] = [];
      expect(k.sys.socketpair(E.AF_UNIX, type, 0, sv)).toBe(0);
      return sv;
    };
    let sv = pair(E.SOCK_SEQPACKET);
    k.sys.close(sv[1]);
    expect(count(() => k.sys.send(sv[0], b, 1, 0))).toEqual([-E.EPIPE, 0]);
    sv = pair(E.SOCK_DGRAM);
    k.sys.shutdown(sv[0], E.SHUT_WR);
    expect(count(() => k.sys.send(sv[0], b, 1, 0))).toEqual([-E.EPIPE, 0]);
    const u = k.sys.socket(E.AF_INET, E.SOCK_DGRAM, 0);
    expect(k.sys.connect(u, { family: E.AF_INET, addr: "127.0.0.1", port: 9 })).toBe(0);
    k.sys.shutdown(u, E.SHUT_WR);
    expect(count(() => k.sys.send(u, b, 1, 0))).toEqual([-E.EPIPE, 0]);
    sv = pair(E.SOCK_STREAM);
    k.sys.close(sv[1]);
    expect(count(() => k.sys.send(sv[0], b, 1, E.MSG_NOSIGNAL))).toEqual([-E.EPIPE, 0]);
    expect(count(() => k.sys.write(sv[0], b, 1))).toEqual([-E.EPIPE, 1]);
    const p: number[] = [];
    expect(k.sys.pipe(p)).toBe(0);
    k.sys.close(p[0]);
    expect(count(() => k.sys.write(p[1], b, 1))).toEqual([-E.EPIPE, 1]);
    const t = k.sys.socket(E.AF_INET, E.SOCK_STREAM, 0);
    expect(count(() => k.sys.write(t, b, 1))).toEqual([-E.EPIPE, 1]);
    expect(count(() => k.sys.send(t, b, 1, E.MSG_NOSIGNAL))).toEqual([-E.EPIPE, 0]);
    expect(got).toEqual([]);
  });

  test("its default action ends the process; ignored, the write is EPIPE; blocked, it stays pending", async () => {
    const k = fresh();
    const p: number[] = [];
    expect(k.sys.pipe(p)).toBe(0);
    k.sys.close(p[0]);
    const b = new Uint8Array(1);
    expect(k.sys.sigprocmask(SIG_BLOCK, bit(E.SIGPIPE), null)).toBe(0);
    expect(k.sys.write(p[1], b, 1)).toBe(-E.EPIPE);
    const pend = [0n];
    expect(k.sys.sigpending(pend)).toBe(0);
    expect(pend[0]).toBe(bit(E.SIGPIPE));
    expect(k.sys.sigaction(E.SIGPIPE, "ignore")).toBe(0); // discards the pending one
    expect(k.sys.sigprocmask(SIG_UNBLOCK, bit(E.SIGPIPE), null)).toBe(0);
    expect(k.sys.write(p[1], b, 1)).toBe(-E.EPIPE);
    expect(k.exitStatus).toBe(null);
    expect(k.sys.sigaction(E.SIGPIPE, "default")).toBe(0);
    // A thread writing to the broken pipe ends the whole process.
    const other = k.spawn(async (ts) => ts.nanosleep({ tv_sec: 10, tv_nsec: 0 }), "sleeper");
    const writer = k.spawn(async (ts) => {
      await ts.usleep(1000);
      return ts.write(p[1], b, 1);
    }, "writer");
    await k.run();
    expect(k.exitStatus).toEqual({ signal: E.SIGPIPE });
    expect(await writer.join()).toBe(undefined);
    expect(await other.join()).toBe(undefined);
    expect(k.now()).toBe(1000000n);
  });
});

describe("threads scenarios", () => {
  test("epoll_pwait racing a signal sent by another thread, 200 seeds: the signal is handled in the wait, or stays pending — never lost", async () => {
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const k = newKernel({ seed }, { sigusr1: "default" });
      let handled = 0;
      expect(k.sys.sigaction(SIGUSR1, { handler: () => handled++ })).toBe(0);
      expect(k.sys.sigprocmask(SIG_BLOCK, bit(SIGUSR1), null)).toBe(0); // the main thread never takes it
      const ep = k.sys.epoll_create1(0);
      const efd = k.sys.eventfd(0, E.EFD_NONBLOCK);
      expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN, data: 1 })).toBe(0);
      const sendSignal = seed % 3 !== 0, writeEvent = seed % 3 !== 1;
      const waiter = k.spawn(async (ts) => {
        expect(await ts.sigprocmask(SIG_BLOCK, bit(SIGUSR1), null)).toBe(0);
        const r = await ts.epoll_pwait(ep, [], 1, 50, []); // USR1 unblocked only during the wait
        const p = [0n];
        expect(await ts.sigpending(p)).toBe(0);
        const m = [0n];
        expect(await ts.sigprocmask(SIG_BLOCK, null, m)).toBe(0);
        expect(m[0]).toBe(bit(SIGUSR1)); // the mask is back
        return { r, pending: p[0] !== 0n };
      }, "waiter");
      k.spawn(async (ts) => {
        if (seed % 2) await ts.usleep(seed % 5);
        if (sendSignal) expect(await ts.tgkill(await ts.getpid(), waiter.tid, SIGUSR1)).toBe(0);
        if (writeEvent) expect(await ts.write(efd, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]), 8)).toBe(8);
      }, "sender");
      await k.run();
      const { r, pending } = (await waiter.join()) as { r: number; pending: boolean };
      if (sendSignal) expect(handled + (pending ? 1 : 0)).toBe(1); // exactly once, or still pending
      else expect([handled, pending]).toEqual([0, false]);
      if (r === -E.EINTR) expect(handled).toBe(1);
      if (!sendSignal) expect(r).toBe(writeEvent ? 1 : 0);
      outcomes.add(`${sendSignal ? "sig" : "-"} ${writeEvent ? "ev" : "-"} -> ${r} handled=${handled} pending=${pending}`);
    }
    // Both races happen across the seeds: the signal before the wait ends, and after.
    expect([...outcomes].some((o) => o.includes("-> -4 handled=1"))).toBe(true);
    expect([...outcomes].some((o) => o.startsWith("sig ev -> 1"))).toBe(true);
  });

  test("a signal sent while a thread is mid-transfer in ep_send_events: the transfer completes, then the handler runs", async () => {
    const k = newKernel({ seed: 7 }, { sigusr1: "default" });
    const order: string[] = [];
    expect(k.sys.sigaction(SIGUSR2, { handler: () => order.push("handler") })).toBe(0);
    const ep = k.sys.epoll_create1(0);
    for (let i = 0; i < 20; i++) {
      const efd = k.sys.eventfd(1, E.EFD_NONBLOCK);
      expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN, data: i })).toBe(0);
    }
    let sent = false;
    const waiter = k.spawn(async (ts) => {
      const evs: E.EpollEvent[] = [];
      const n = await ts.epoll_wait(ep, evs, 64, -1);
      order.push(`returned ${n}`);
      return n;
    }, "waiter");
    k.spawn(async (ts) => {
      // Wait (each call is a scheduling point) until the waiter is into its transfer — it has
      // taken a few steps, each after an item's re-poll — then signal it there.
      while (k.sched.trace.filter((n) => n === "waiter").length < 5) await ts.getpid();
      sent = (await ts.tgkill(await ts.getpid(), waiter.tid, SIGUSR2)) === 0;
    }, "sender");
    await k.run();
    expect(sent).toBe(true);
    expect(await waiter.join()).toBe(20);
    // The handler runs as epoll_wait returns, before the thread's code goes on.
    expect(order).toEqual(["handler", "returned 20"]);
    // The signal went while the transfer was under way: waiter steps on both sides of it.
    const trace = k.sched.trace;
    const lastSender = trace.lastIndexOf("sender");
    expect(trace.slice(0, lastSender).filter((n) => n === "waiter").length).toBeGreaterThanOrEqual(5);
    expect(trace.slice(lastSender).includes("waiter")).toBe(true);
    expect(waiter.delivered).toEqual([SIGUSR2]);
  });
});

test("the idiomatic API: kernel.onSignal / ignoreSignal / resetSignal and kernel.signalFd, with epoll", async () => {
  const k = fresh();
  const got: number[] = [];
  k.onSignal(SIGUSR2, (s) => got.push(s));
  expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
  expect(got).toEqual([SIGUSR2]);
  const old: unknown[] = [];
  k.sys.sigaction(SIGUSR2, null, old);
  expect((old[0] as E.SigHandler).flags).toBe(E.SA_RESTART); // as signal(3) installs it
  k.ignoreSignal(SIGUSR2);
  expect(k.sys.kill(k.sys.getpid(), SIGUSR2)).toBe(0);
  expect(got).toEqual([SIGUSR2]);
  const sfd = k.signalFd([SIGUSR1, SIGTERM], { nonblock: true }); // blocks them, then reads them
  const ep = k.epoll();
  ep.add(sfd, E.EPOLLIN);
  expect(await ep.wait({ timeout: 0 })).toEqual([]);
  expect(k.sys.kill(k.sys.getpid(), SIGTERM)).toBe(0); // blocked: no end of the process
  expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), SIGUSR1)).toBe(0);
  expect((await ep.wait({ timeout: 0 })).map((e) => e.events)).toEqual([E.EPOLLIN]);
  expect(sfd.take()).toEqual([
    { signo: SIGUSR1, code: -6, pid: 1000 },
    { signo: SIGTERM, code: 0, pid: 1000 },
  ]);
  expect(() => sfd.take()).toThrow(expect.objectContaining({ code: "EAGAIN" }));
  expect(k.exitStatus).toBe(null);
  k.resetSignal(SIGUSR2);
  expect(() => k.signalFd([0])).toThrow(TypeError);
  expect(() => k.onSignal(SIGKILL, () => {})).toThrow(expect.objectContaining({ code: "EINVAL" }));
  ep.close();
});

test("a signalfd flooded with signals from several threads while another waits on it with epoll: every wakeup finds records, nothing hangs", async () => {
  const k = newKernel({ seed: 11 }, { sigusr1: "default" });
  const mask = bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGCHLD);
  expect(k.sys.sigprocmask(SIG_BLOCK, mask, null)).toBe(0);
  const sfd = k.sys.signalfd(-1, mask, E.SFD_NONBLOCK);
  let read = 0, sent = 0, done = 0;
  const reader = k.spawn(async (ts) => {
    expect(await ts.sigprocmask(SIG_BLOCK, mask, null)).toBe(0);
    const ep = await ts.epoll_create1(0);
    expect(await ts.epoll_ctl(ep, E.EPOLL_CTL_ADD, sfd, { events: E.EPOLLIN | E.EPOLLET })).toBe(0);
    const buf = new Uint8Array(128 * 8);
    for (;;) {
      const n = await ts.epoll_wait(ep, [], 1, 20);
      if (n === 0 && done === 3) break;
      for (let r; (r = await ts.read(sfd, buf, buf.length)) > 0; ) read += r / 128;
    }
    await ts.close(ep);
    return read;
  }, "reader");
  for (const [i, sig] of [SIGUSR1, SIGUSR2, SIGCHLD].entries()) {
    k.spawn(async (ts) => {
      expect(await ts.sigprocmask(SIG_BLOCK, mask, null)).toBe(0);
      for (let j = 0; j < 50; j++) {
        expect(await ts.kill(await ts.getpid(), sig)).toBe(0);
        sent++;
        if (j % 7 === i) await ts.usleep(1);
      }
      done++;
    }, `flood-${sig}`);
  }
  await k.run();
  expect(sent).toBe(150);
  // Standard signals do not queue: each read takes what is pending then, at least one per
  // burst and never more than were sent; nothing is left pending at the end.
  const n = await reader.join();
  expect(n).toBeGreaterThan(3);
  expect(n).toBeLessThanOrEqual(150);
  const p = [0n];
  expect(k.sys.sigpending(p)).toBe(0);
  expect(p[0]).toBe(0n);
});

// C (Linux 6.18): a thread writes 100000 bytes to a pipe whose reader another thread closes
// 100 ms later: write = 65536, the SIGPIPE handler ran once.
test("SIGPIPE after a partial pipe write: the write returns its count and the handler still runs (pipe_write)", async () => {
  const k = fresh();
  const got: number[] = [];
  expect(k.sys.sigaction(E.SIGPIPE, { handler: (s) => got.push(s) })).toBe(0);
  const p: number[] = [];
  expect(k.sys.pipe(p)).toBe(0);
  const w = k.spawn(async (ts) => ts.write(p[1], new Uint8Array(100000), 100000), "writer"); // more than 65536 fit
  k.spawn(async (ts) => {
    await ts.usleep(1000);
    expect(await ts.close(p[0])).toBe(0); // the reader goes while the writer sleeps
  }, "closer");
  await k.run();
  expect(await w.join()).toBe(65536);
  expect(got).toEqual([E.SIGPIPE]);
  expect(w.delivered).toEqual([E.SIGPIPE]);
});

// C (Linux 6.18): SIGTERM handled; a worker thread sleeps, a second thread calls
// kill(getpid(), SIGTERM), the main thread waits in pthread_join: "handled by main" (3 of 3).
test("kill(getpid()) from a thread: the thread complete_signal chose takes it (the main thread), not the sender", async () => {
  const k = fresh();
  const ran: string[] = [];
  k.onSignal(SIGTERM, () => ran.push(k.sched.current?.name ?? "main"));
  const ep = k.sys.epoll_create1(0);
  const worker = k.spawn(async (ts) => ts.epoll_wait(ep, [], 1, 20), "worker");
  k.spawn(async (ts) => {
    await ts.usleep(1000);
    expect(await ts.kill(await ts.getpid(), SIGTERM)).toBe(0);
    ran.push("after kill");
  }, "killer");
  await k.run();
  expect(await worker.join()).toBe(0); // not interrupted: its timeout
  expect(ran).toEqual(["after kill"]); // pending for the main thread…
  const p = [0n];
  expect(k.sys.sigpending(p)).toBe(0); // …which handles it as its next kernel.sys call returns
  expect(ran).toEqual(["after kill", "main"]);
  k.sys.close(ep);
});

test("a thread's signal runs its handler as any of its calls returns, one that never sleeps included (epoll_create1)", async () => {
  // Thread B sends A a signal; A's handler runs when A next returns to user space: from
  // whichever call that is, never later. Every schedule, each A's log once.
  const logs = new Set<string>();
  const r = await explore(async (k) => {
    const log: string[] = [];
    k.sys.sigaction(E.SIGUSR1, { handler: () => void log.push("sig") });
    const a = k.spawn(async (sys) => {
      log.push("a1");
      const ep = await sys.epoll_create1(0); // no sleep in it: pipe2, eventfd, dup… alike
      log.push(`a2 ${ep}`);
    }, "A");
    k.spawn(async (sys) => void (await sys.tgkill(await sys.getpid(), a.tid, E.SIGUSR1)), "B");
    await k.run();
    logs.add(log.join(","));
  }, { strategy: "exhaustive", prune: false });
  expect(r).toMatchObject({ failures: [], complete: true });
  // Sent before epoll_create1 returned: the handler runs right then. Sent after: A never makes
  // another call (the thread ends with it pending), or B finds A gone (ESRCH).
  expect([...logs].sort()).toEqual(["a1,a2 3", "a1,sig,a2 3"]);
});
