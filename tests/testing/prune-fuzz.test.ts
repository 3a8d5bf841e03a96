// The exhaustive search's pruning loses no outcome, over random programs: 2–3 threads, each
// 1–3 operations drawn from 31 (pipe, eventfd and timerfd reads and writes, epoll_wait with
// timeouts 0, 2, 3 ms and infinite, on a set and on a set nested in it; ADD/MOD/DEL,
// close/dup/dup2 of watched fds, poll, nanosleep, kill and sigprocmask with a handler). Each
// program runs under exhaustive search with and without pruning; the sets of outcomes (every
// thread's results, how the run ended) must be equal. Fixed seeds; a failure names its seed.
import * as U from "../../src/index";
import type { Kernel, ThreadSys } from "../../src/index";
import { explore, type Scenario } from "../../src/testing";

jest.setTimeout(120_000);

/** Programs per run of this test (each explored twice, to the end). */
const PROGRAMS = 24;
const SEED = 20261202;

const NOPS = 31;
const le8 = (n: number) => {
  const b = new Uint8Array(8);
  b[0] = n;
  return b;
};
interface Env { p0: number; p1: number; ev: number; e: number; e2: number; t: number; q0: number; q1: number }
type Ev = { events: number; data: bigint };

/** Operation `code` of a program, its results pushed to `out`. */
async function op(sys: ThreadSys, k: Kernel, env: Env, code: number, out: unknown[]): Promise<void> {
  const { p0, p1, ev, e, e2, t, q0, q1 } = env;
  const ev8 = new Uint8Array(8);
  switch (code) {
    case 0: out.push(await sys.write(p1, new Uint8Array([1]), 1)); break;
    case 1: out.push(await sys.read(p0, new Uint8Array(1), 1)); break;
    case 2: out.push(await sys.write(ev, le8(1), 8)); break;
    case 3: out.push(await sys.read(ev, ev8, 8), ev8[0]); break;
    case 4: { const evs: Ev[] = []; const n = await sys.epoll_wait(e, evs, 4, 0); out.push(n, evs.slice(0, Math.max(n,0)).map(x => [x.events, Number(x.data)])); break; }
    case 5: { const evs: Ev[] = []; const n = await sys.epoll_wait(e, evs, 4, 3); out.push(n, evs.slice(0, Math.max(n,0)).map(x => [x.events, Number(x.data)]), Number(k.now())); break; }
    case 6: out.push(await sys.epoll_ctl(e, U.EPOLL_CTL_DEL, p0, null)); break;
    case 7: out.push(await sys.epoll_ctl(e, U.EPOLL_CTL_ADD, p0, { events: U.EPOLLIN, data: 100 })); break;
    case 8: out.push(await sys.close(p0)); break;
    case 9: out.push(await sys.dup(ev)); break;
    case 10: out.push(await sys.eventfd(0, U.O_NONBLOCK)); break;
    case 11: { const evs: Ev[] = []; const n = await sys.epoll_wait(e2, evs, 4, 0); out.push(n); break; }
    case 12: out.push(await sys.nanosleep({ tv_sec: 0, tv_nsec: 1000000 }), Number(k.now())); break;
    case 13: out.push(await sys.timerfd_settime(t, 0, { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 2000000 } }, null)); break;
    case 14: out.push(await sys.read(t, ev8, 8), ev8[0]); break;
    case 15: out.push(await sys.epoll_ctl(e, U.EPOLL_CTL_MOD, ev, { events: U.EPOLLIN | U.EPOLLET, data: 200 })); break;
    case 16: { const pf = [{ fd: q0, events: U.POLLIN, revents: 0 }]; out.push(await sys.poll(pf, 1, 4), pf[0].revents, Number(k.now())); break; }
    case 17: out.push(await sys.write(q1, new Uint8Array([7]), 1)); break;
    case 18: out.push(await sys.close(10)); break;
    case 19: out.push(await sys.dup2(ev, p0)); break;
    case 20: { const evs: Ev[] = []; const n = await sys.epoll_wait(e, evs, 4, -1); out.push(n, evs.slice(0, Math.max(n,0)).map(x => [x.events, Number(x.data)])); break; }
    case 21: out.push(await sys.kill(await sys.getpid(), 10)); break;
    case 22: out.push(await sys.sigprocmask(0, 1n << 9n, null)); break;
    case 23: out.push(await sys.sigprocmask(1, 1n << 9n, null)); break;
    case 24: { const pf = [{ fd: q0, events: U.POLLIN, revents: 0 }]; out.push(await sys.poll(pf, 1, -1), pf[0].revents); break; }
    case 25: out.push(await sys.close(e)); break;
    case 26: out.push(await sys.epoll_ctl(e, U.EPOLL_CTL_ADD, q0, { events: U.EPOLLIN | U.EPOLLONESHOT, data: 500 })); break;
    case 27: out.push(await sys.epoll_ctl(e, U.EPOLL_CTL_MOD, q0, { events: U.EPOLLIN | U.EPOLLONESHOT, data: 500 })); break;
    case 28: { const evs: Ev[] = []; const n = await sys.epoll_wait(e2, evs, 4, 2); out.push(n, Number(k.now())); break; }
    case 29: out.push(await sys.read(q0, new Uint8Array(1), 1)); break;
    case 30: out.push(await sys.timerfd_settime(t, 0, { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 0 } }, null)); break;
  }
}

/** The program's scenario: shared files set up, one thread per op list; outcomes go to `S`. */
function makeScenario(prog: number[][], S: Set<string>): Scenario {
  return async (k) => {
    const outs: unknown[][] = prog.map(() => []);
    const mainsig: string[] = [];
    const fds: number[] = [];
    k.sys.pipe2(fds, U.O_NONBLOCK);
    const q: number[] = [];
    k.sys.pipe2(q, U.O_NONBLOCK);
    const env: Env = { p0: fds[0], p1: fds[1], ev: k.sys.eventfd(0, U.O_NONBLOCK), e: k.sys.epoll_create1(0), e2: k.sys.epoll_create1(0), t: k.sys.timerfd_create(U.CLOCK_MONOTONIC, U.O_NONBLOCK), q0: q[0], q1: q[1] };
    k.sys.epoll_ctl(env.e, U.EPOLL_CTL_ADD, env.p0, { events: U.EPOLLIN, data: 100 });
    k.sys.epoll_ctl(env.e, U.EPOLL_CTL_ADD, env.ev, { events: U.EPOLLIN | U.EPOLLET, data: 200 });
    k.sys.epoll_ctl(env.e, U.EPOLL_CTL_ADD, env.t, { events: U.EPOLLIN, data: 300 });
    k.sys.epoll_ctl(env.e2, U.EPOLL_CTL_ADD, env.e, { events: U.EPOLLIN, data: 400 });
    k.sys.sigaction(U.SIGUSR1, {
      handler: () => {
        const c = k.sched.current;
        if (c) outs[Number(c.name.slice(1)) - 1].push("SIG");
        else mainsig.push("SIG");
      },
    });
    prog.forEach((ops, i) => k.spawn(async (sys) => {
      for (const c of ops) await op(sys, k, env, c, outs[i]);
    }, `T${i + 1}`));
    let r = "ok";
    try {
      await k.run();
    } catch (err) {
      if ((err as Error).name === "Pruned") return; // the explorer cut this run: no outcome of its own
      r = (err as Error).name; // a deadlock, a thread's failure: part of the outcome
    }
    S.add(JSON.stringify({ outs, r, mainsig, exit: k.exitStatus }));
  };
}

/** A seeded xorshift. */
function rng(s: number): () => number {
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

test(`pruning keeps every outcome of ${PROGRAMS} random programs (seed ${SEED})`, async () => {
  let compared = 0;
  for (let s = SEED; s < SEED + PROGRAMS; s++) {
    const R = rng((s * 2654435761) >>> 0 || 1);
    const nt = 2 + (R() < 0.3 ? 1 : 0);
    const prog = Array.from({ length: nt }, () => Array.from({ length: 1 + Math.floor(R() * (nt === 3 ? 2 : 3)) }, () => Math.floor(R() * NOPS)));
    const pruned = new Set<string>();
    const full = new Set<string>();
    const a = await explore(makeScenario(prog, pruned), { strategy: "exhaustive", shrink: false, runs: 3000, maxFailures: 1e9 });
    const b = await explore(makeScenario(prog, full), { strategy: "exhaustive", shrink: false, runs: 3000, maxFailures: 1e9, prune: false });
    if (!a.complete || !b.complete) continue; // too many schedules for the cap: not compared
    compared++;
    expect({ seed: s, prog, outcomes: [...pruned].sort() }).toEqual({ seed: s, prog, outcomes: [...full].sort() });
  }
  expect(compared).toBeGreaterThanOrEqual(PROGRAMS * 0.75);
});
