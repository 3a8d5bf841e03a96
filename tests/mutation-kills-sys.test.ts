// Tests written to kill mutants of src/sys.ts that StrykerJS (`npm run mutate:src`) found
// surviving the rest of the suite. Expected values are Linux's (checked with small C
// programs on Linux 6.18: socketpair, dup2/dup3, usleep) or, for the model's extensions
// (epoll_wait_into), the documented contract.
import * as E from "../src/index";
import { newKernel } from "./helpers";

const { EPOLL_CTL_ADD: ADD } = E;

/** A kernel with an epoll set holding `n` ready eventfds (data = index). */
function readySet(n: number) {
  const k = newKernel();
  const ep = k.sys.epoll_create1(0);
  const fds = Array.from({ length: n }, (_, i) => {
    const fd = k.sys.eventfd(1, E.EFD_NONBLOCK);
    expect(k.sys.epoll_ctl(ep, ADD, fd, { events: E.EPOLLIN, data: i })).toBe(0);
    return fd;
  });
  return { k, ep, fds };
}

/** Virtual nanoseconds elapsed, measured with a 100 s monotonic timerfd armed now. */
function stopwatch(k: E.Kernel): () => number {
  const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  expect(k.sys.timerfd_settime(t, 0, { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 100, tv_nsec: 0 } }, null)).toBe(0);
  return () => {
    const cur = { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 0 } };
    expect(k.sys.timerfd_gettime(t, cur)).toBe(0);
    return 100e9 - (cur.it_value.tv_sec * 1e9 + cur.it_value.tv_nsec);
  };
}

describe("dup2 / dup3: the range of newfd (Linux: EBADF outside [0, RLIMIT_NOFILE))", () => {
  test.each([["dup2"], ["dup3"]])("%s", (which) => {
    const k = newKernel({ maxFds: 64 });
    const d = (oldfd: number, newfd: number) =>
      which === "dup2" ? k.sys.dup2(oldfd, newfd) : k.sys.dup3(oldfd, newfd, 0);
    const efd = k.sys.eventfd(0, 0);
    expect(d(efd, -1)).toBe(-E.EBADF);
    expect(d(efd, 64)).toBe(-E.EBADF);
    expect(d(efd, 63)).toBe(63);
    expect(d(efd, 0)).toBe(0);
    expect(d(40, 5)).toBe(-E.EBADF); // oldfd not open
    expect(k.sys.close(63)).toBe(0);
    expect(k.sys.close(0)).toBe(0);
  });
});

describe("usleep / nanosleep on the virtual clock", () => {
  test("usleep(0) succeeds, usleep(-1) is EINVAL; both sleeps advance the clock by what they asked", () => {
    const k = newKernel();
    const elapsed = stopwatch(k);
    expect(k.sys.usleep(0)).toBe(0);
    expect(k.sys.usleep(-1)).toBe(-E.EINVAL);
    expect(elapsed()).toBe(0);
    expect(k.sys.usleep(2500)).toBe(0);
    expect(elapsed()).toBe(2_500_000);
    expect(k.sys.nanosleep({ tv_sec: 1, tv_nsec: 5 })).toBe(0);
    expect(elapsed()).toBe(1_002_500_005);
  });
});

describe("epoll_wait timeouts", () => {
  test("a timeout of 1000 ms on a set nothing wakes sleeps exactly that long and returns 0", () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    const p: number[] = [];
    expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
    expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: E.EPOLLIN })).toBe(0);
    const elapsed = stopwatch(k);
    const out: E.EpollEvent[] = [];
    expect(k.sys.epoll_wait(ep, out, 1, 1000)).toBe(0);
    expect(elapsed()).toBe(1_000_000_000);
    expect(k.sys.epoll_wait(ep, out, 1, 0)).toBe(0);
    expect(elapsed()).toBe(1_000_000_000);
  });

  test("epoll_wait_into: a timeout that is not a C int is EINVAL", () => {
    const { k, ep } = readySet(1);
    const out = new Uint32Array(3);
    expect(k.sys.epoll_wait_into(ep, out, 1, 1.5)).toBe(-E.EINVAL);
    expect(k.sys.epoll_wait_into(ep, out, 1, 2 ** 31)).toBe(-E.EINVAL);
    expect(out).toEqual(new Uint32Array(3));
  });

  test("epoll_pwait2 with an undefined timeout is an infinite wait (returns the ready event)", () => {
    const { k, ep } = readySet(1);
    const out: E.EpollEvent[] = [];
    expect(k.sys.epoll_pwait2(ep, out, 1, undefined as unknown as null, null)).toBe(1);
    expect(out[0]).toEqual({ events: E.EPOLLIN, data: 0n });
  });
});

describe("epoll_wait_into copies exactly 3 words per event", () => {
  test.each([[1], [2], [5]])("%i events: the words after them are untouched", (n) => {
    const { k, ep } = readySet(n);
    const out = new Uint32Array(3 * 8).fill(0xdeadbeef);
    expect(k.sys.epoll_wait_into(ep, out, 8, 0)).toBe(n);
    const want = new Uint32Array(3 * 8).fill(0xdeadbeef);
    for (let i = 0; i < n; i++) want.set([E.EPOLLIN, i, 0], 3 * i);
    expect(out).toEqual(want);
  });
});

describe("socketpair argument checks (Linux's errnos)", () => {
  test("AF_UNIX accepts protocol 0 and PF_UNIX (1), refuses others; other families and types", () => {
    const k = newKernel();
    const sv: number[] = [];
    expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 1, sv)).toBe(0);
    expect(sv.length).toBe(2);
    expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 2, [])).toBe(-E.EPROTONOSUPPORT);
    expect(k.sys.socketpair(2 /* AF_INET */, E.SOCK_STREAM, 0, [])).toBe(-E.EOPNOTSUPP);
    expect(k.sys.socketpair(10 /* AF_INET6 */, E.SOCK_STREAM, 0, [])).toBe(-E.EOPNOTSUPP);
    expect(k.sys.socketpair(12345, E.SOCK_STREAM, 0, [])).toBe(-E.EAFNOSUPPORT);
    expect(k.sys.socketpair(E.AF_UNIX, 99, 0, [])).toBe(-E.EINVAL);
  });
});

describe("timerfd_settime / timerfd_gettime: what the value objects must be", () => {
  const zero = () => ({ it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 0 } });
  test("old_value may be null or undefined; a frozen one is EFAULT (after the timer is set); a non-extensible one with both fields is written", () => {
    const k = newKernel();
    const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, 0);
    const v = { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 5, tv_nsec: 0 } };
    expect(k.sys.timerfd_settime(t, 0, v, null)).toBe(0);
    expect(k.sys.timerfd_settime(t, 0, v, undefined as unknown as null)).toBe(0);
    expect(k.sys.timerfd_settime(t, 0, v, Object.freeze(zero()))).toBe(-E.EFAULT);
    const fixed = Object.preventExtensions(zero());
    expect(k.sys.timerfd_settime(t, 0, v, fixed)).toBe(0);
    expect(fixed.it_value).toEqual({ tv_sec: 5, tv_nsec: 0 });
    const old = zero();
    expect(k.sys.timerfd_settime(t, 0, v, old)).toBe(0);
    expect(old.it_value).toEqual({ tv_sec: 5, tv_nsec: 0 });
  });
  test("new_value that is not an object, or whose getters throw, is EFAULT", () => {
    const k = newKernel();
    const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, 0);
    for (const bad of [null, undefined, 5, "x"]) expect(k.sys.timerfd_settime(t, 0, bad as unknown as E.Itimerspec, null)).toBe(-E.EFAULT);
    const throwing = { get it_interval(): never { throw new Error("trap"); }, it_value: { tv_sec: 1, tv_nsec: 0 } };
    expect(k.sys.timerfd_settime(t, 0, throwing as unknown as E.Itimerspec, null)).toBe(-E.EFAULT);
  });
  test("curr_value of timerfd_gettime must be storable: frozen, non-extensible without the fields, or null is EFAULT", () => {
    const k = newKernel();
    const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, 0);
    expect(k.sys.timerfd_gettime(t, Object.freeze(zero()))).toBe(-E.EFAULT);
    expect(k.sys.timerfd_gettime(t, Object.preventExtensions({}) as E.Itimerspec)).toBe(-E.EFAULT);
    expect(k.sys.timerfd_gettime(t, Object.preventExtensions(zero()))).toBe(0);
    expect(k.sys.timerfd_gettime(t, null as unknown as E.Itimerspec)).toBe(-E.EFAULT);
    const cur = zero();
    expect(k.sys.timerfd_gettime(t, cur)).toBe(0);
  });
});

// The copy-out of poll's revents and timerfd's old value is found where Linux finds it: when
// the store is made, after the scan, the sleep or the timer change (checked on Linux 6.18 with
// a pollfd array on a read-only page: poll(…, 50) returns EFAULT after 50 ms; interrupted,
// EFAULT instead of EINTR; a writable array gets revents 0 before EINTR).
describe("user memory stored into at the end of the call, as Linux does", () => {
  const readOnlyRevents = (fd: number, events: number) =>
    Object.defineProperty({ fd, events }, "revents", { value: 99, writable: false, enumerable: true });

  test("poll with an unwritable revents sleeps out its timeout, then EFAULT", () => {
    const k = newKernel();
    const [r] = pipeFds(k);
    const t0 = k.now();
    expect(k.sys.poll([readOnlyRevents(r, E.POLLIN)], 1, 50)).toBe(-E.EFAULT);
    expect(k.now() - t0).toBe(50_000_000n);
  });

  test("poll in a thread, interrupted: revents stored as 0 and EINTR; unwritable: EFAULT; the handler runs", async () => {
    const k = newKernel();
    const [r] = pipeFds(k);
    const plain = { fd: r, events: E.POLLIN, revents: 99 };
    const t = k.spawn(async (ts) => [await ts.poll([plain], 1, 1000), await ts.poll([readOnlyRevents(r, E.POLLIN)], 1, 1000)]);
    k.spawn(async (ts) => {
      await ts.usleep(1000);
      expect(t.kill(E.SIGUSR1)).toBe(0);
      await ts.usleep(1000);
      expect(t.kill(E.SIGUSR1)).toBe(0);
    });
    await k.run();
    expect(await t.join()).toEqual([-E.EINTR, -E.EFAULT]);
    expect(plain.revents).toBe(0);
    expect(t.delivered).toEqual([E.SIGUSR1, E.SIGUSR1]);
  });

  test("a revents setter inherited from the prototype takes the store", () => {
    const k = newKernel();
    const [, w] = pipeFds(k);
    const seen: number[] = [];
    const proto = Object.defineProperty({}, "revents", { set: (v: number) => seen.push(v) });
    const pfd = Object.assign(Object.create(proto) as E.PollFd, { fd: w, events: E.POLLOUT });
    expect(k.sys.poll([pfd], 1, 0)).toBe(1);
    expect(seen).toEqual([E.POLLOUT]);
  });

  test("a sealed itimerspec with both fields is writable: timerfd_settime stores the old value", () => {
    const k = newKernel();
    const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, 0);
    const ts = (s: number, ns: number) => ({ tv_sec: s, tv_nsec: ns });
    expect(k.sys.timerfd_settime(t, 0, { it_interval: ts(2, 0), it_value: ts(5, 0) }, null)).toBe(0);
    const old = Object.seal({ it_interval: ts(9, 9), it_value: ts(9, 9) });
    expect(k.sys.timerfd_settime(t, 0, { it_interval: ts(0, 0), it_value: ts(1, 0) }, old)).toBe(0);
    expect(old).toEqual({ it_interval: ts(2, 0), it_value: ts(5, 0) });
    const cur = Object.seal({ it_interval: ts(9, 9), it_value: ts(9, 9) });
    expect(k.sys.timerfd_gettime(t, cur)).toBe(0);
    expect(cur).toEqual({ it_interval: ts(0, 0), it_value: ts(1, 0) });
  });
});

describe("a sigmask given as an array of signal numbers", () => {
  test.each([
    ["[10, 12]", [10, 12], 0],
    ["[1, 64] (the ends of the range)", [1, 64], 0],
    ["[] (the empty set)", [], 0],
    ["[0]", [0], -E.EFAULT],
    ["[65]", [65], -E.EFAULT],
    ["[1.5]", [1.5], -E.EFAULT],
    ["['10']", ["10"], -E.EFAULT],
    ["[10, NaN]", [10, NaN], -E.EFAULT],
  ])("epoll_pwait and epoll_pwait2 with %s", (_, mask, want) => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    const m = mask as unknown as number[];
    expect(k.sys.epoll_pwait(ep, [], 1, 0, m)).toBe(want);
    expect(k.sys.epoll_pwait2(ep, [], 1, { tv_sec: 0, tv_nsec: 0 }, m)).toBe(want);
  });

  test("an array proxy whose iteration throws cannot be read: EFAULT", () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    const m = new Proxy([10], { get: () => { throw new Error("trap"); } });
    expect(k.sys.epoll_pwait(ep, [], 1, 0, m)).toBe(-E.EFAULT);
  });

  test.each([
    ["holds the signal off", [E.SIGUSR1], [0, 100_000_000n]],
    ["with the signal's neighbours only, lets it interrupt", [E.SIGUSR1 - 1, E.SIGUSR1 + 1], [-E.EINTR, 1_000_000n]],
  ])("in a thread, [signals] %s", async (_, mask, want) => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    const t = k.spawn(async (ts) => [await ts.epoll_pwait(ep, [], 1, 100, mask), k.now()]);
    k.spawn(async (ts) => {
      await ts.usleep(1000);
      t.kill(E.SIGUSR1);
    });
    await k.run();
    expect(await t.join()).toEqual(want);
    expect(t.delivered).toEqual([E.SIGUSR1]);
  });
});

function pipeFds(k: E.Kernel): [number, number] {
  const fds = [0, 0];
  expect(k.sys.pipe2(fds, E.O_NONBLOCK)).toBe(0);
  return [fds[0], fds[1]];
}

test("a synchronous epoll_wait on a set another thread is transferring from: -EAGAIN (MODEL, README)", async () => {
  const seen = new Set<number>();
  for (const seed of [1, 2, 3, 4, 5]) {
    const k = newKernel({ seed });
    const ep = k.sys.epoll_create1(0);
    for (let i = 0; i < 5; i++) {
      const fd = k.sys.eventfd(1, E.EFD_NONBLOCK);
      expect(k.sys.epoll_ctl(ep, ADD, fd, { events: E.EPOLLIN, data: i })).toBe(0);
    }
    let done = false;
    const w1 = k.spawn(async (ts) => {
      const n = await ts.epoll_wait(ep, [], 8, -1);
      done = true;
      return n;
    }, "W1");
    k.spawn(async (ts) => {
      while (!done) {
        seen.add(k.sys.epoll_wait(ep, [], 8, 0));
        await ts.fcntl(0, E.F_GETFD); // a scheduling point
      }
    }, "H");
    await k.run();
    expect(await w1.join()).toBe(5);
  }
  // Outside W1's transfer all five (level-triggered) items come back; inside it, EAGAIN.
  expect([...seen].sort()).toEqual([-E.EAGAIN, 5].sort());
});

test("poll sleeps until a timer makes an fd ready: the count and revents of the pass after the wakeup", () => {
  const k = newKernel();
  const [r, w] = pipeFds(k);
  const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  expect(k.sys.timerfd_settime(t, 0, { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 10_000_000 } }, null)).toBe(0);
  const fds = [
    { fd: r, events: E.POLLIN, revents: 7 },
    { fd: t, events: E.POLLIN, revents: 7 },
    { fd: -1, events: E.POLLIN, revents: 7 },
  ];
  const t0 = k.now();
  expect(k.sys.poll(fds, 3, 1000)).toBe(1);
  expect(k.now() - t0).toBe(10_000_000n);
  expect(fds.map((p) => p.revents)).toEqual([0, E.POLLIN, 0]);
  // Nothing ready, timeout 0: no sleep, revents cleared.
  expect(k.sys.poll([{ fd: r, events: E.POLLIN, revents: 7 }], 1, 0)).toBe(0);
  expect(k.now() - t0).toBe(10_000_000n);
  // Data in the pipe: the first entry reports it at once.
  expect(k.sys.write(w, new Uint8Array([1]), 1)).toBe(1);
  expect(k.sys.poll(fds, 3, 1000)).toBe(2);
  expect(fds.map((p) => p.revents)).toEqual([E.POLLIN, E.POLLIN, 0]);
  expect(k.now() - t0).toBe(10_000_000n);
});

test("epoll_pwait and epoll_pwait2 with no sigmask (null or undefined) harvest as epoll_wait", () => {
  const { k, ep } = readySet(1);
  const ts0 = { tv_sec: 0, tv_nsec: 0 };
  for (const m of [null, undefined]) {
    expect(k.sys.epoll_pwait(ep, [], 1, 0, m)).toBe(1);
    expect(k.sys.epoll_pwait2(ep, [], 1, ts0, m)).toBe(1);
  }
});

test("poll sleeps through a timer that makes none of its fds ready (kernel.sys: the whole timeout)", () => {
  const k = newKernel();
  const [r] = pipeFds(k);
  const t = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  expect(k.sys.timerfd_settime(t, 0, { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: 10_000_000 } }, null)).toBe(0);
  const t0 = k.now();
  const fds = [{ fd: r, events: E.POLLIN, revents: 7 }];
  expect(k.sys.poll(fds, 1, 50)).toBe(0);
  expect(k.now() - t0).toBe(50_000_000n);
  expect(fds[0].revents).toBe(0);
});

test("a thread stuck in poll is named in run()'s EDEADLK message", async () => {
  const k = newKernel();
  const [r] = pipeFds(k);
  k.spawn(async (ts) => ts.poll([{ fd: r, events: E.POLLIN, revents: 0 }], 1, -1), "poller");
  await expect(k.run()).rejects.toMatchObject({ code: "EDEADLK", message: expect.stringContaining("poller (poll)") });
});
