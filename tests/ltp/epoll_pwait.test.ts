// Ported from LTP testcases/kernel/syscalls/epoll_pwait/ (epoll_pwait01-05; 06 is out of
// scope). LTP runs most cases twice, through epoll_pwait (millisecond timeout) and through
// epoll_pwait2 (struct timespec timeout); so do these tests. A NULL timeout means "wait
// forever": -1 for epoll_pwait, null for epoll_pwait2.
//
// The model has no signals, fork or threads yet: the parts of these tests that deliver a
// signal (or rely on a signal being blocked by the sigmask) are marked "LEFT FOR THE
// THREADS ISSUE" below.
import * as E from "../../src/index";
import { newKernel, bytes } from "../helpers";

const { EPOLL_CTL_ADD: ADD, EPOLLIN } = E;

const SIGUSR1 = 10;
/** A sigset_t with SIGUSR1 in it (bit signo - 1), as sigemptyset + sigaddset build it. */
const usr1Set = 1n << BigInt(SIGUSR1 - 1);

type Pwait = (k: E.Kernel, ep: number, out: E.EpollEvent[], maxevents: number, ms: number | null, sigmask: unknown) => number;
const variants: [string, Pwait][] = [
  ["epoll_pwait", (k, ep, out, max, ms, sig) => k.sys.epoll_pwait(ep, out, max, ms === null ? -1 : ms, sig)],
  [
    "epoll_pwait2",
    (k, ep, out, max, ms, sig) =>
      k.sys.epoll_pwait2(ep, out, max, ms === null ? null : { tv_sec: Math.floor(ms / 1000), tv_nsec: (ms % 1000) * 1000000 }, sig),
  ],
];

/** LTP's common setup: a socketpair whose first end is watched for EPOLLIN. */
function setup(withData: boolean) {
  const k = newKernel();
  const sv: number[] = [];
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 0, sv)).toBe(0);
  const ep = k.sys.epoll_create(1);
  expect(k.sys.epoll_ctl(ep, ADD, sv[0], { events: EPOLLIN, data: sv[0] })).toBe(0);
  if (withData) expect(k.sys.write(sv[1], bytes(1), 1)).toBe(1);
  return { k, ep, sv };
}

describe("epoll_pwait01", () => {
  // LTP: (1) with SIGUSR1 in the sigmask, a SIGUSR1 sent while the caller waits is held
  // off and the call goes on to return the event the child writes 10 ms later; (2) with a
  // NULL sigmask the same signal interrupts the wait with EINTR.
  // LEFT FOR THE THREADS ISSUE: both signal deliveries (the blocked one in (1), the EINTR
  // of (2)) and the child writing while the parent sleeps.
  // Ported: the single-threaded part of (1): with the sigmask given, the call waits for
  // readiness or its timeout like epoll_wait, returning the event once the peer has
  // written, and 0 after exactly the timeout when nothing arrives.
  test.each(variants)("%s with a sigmask returns the ready event", (_name, pwait) => {
    const { k, ep, sv } = setup(false);
    const out: E.EpollEvent[] = [];
    const before = k.now();
    expect(pwait(k, ep, out, 1, 100, usr1Set)).toBe(0);
    expect(k.now() - before).toBe(100000000n);
    expect(k.sys.write(sv[1], bytes(1), 1)).toBe(1);
    expect(pwait(k, ep, out, 1, null, usr1Set)).toBe(1);
    expect(out).toEqual([{ events: EPOLLIN, data: BigInt(sv[0]) }]);
    expect(k.sys.read(sv[0], new Uint8Array(1), 1)).toBe(1);
  });
});

describe("epoll_pwait02", () => {
  test.each(variants)("%s reports the byte waiting on the socket", (_name, pwait) => {
    const { k, ep, sv } = setup(true);
    const out: E.EpollEvent[] = [];
    expect(pwait(k, ep, out, 1, null, null)).toBe(1);
    expect(out).toEqual([{ events: EPOLLIN, data: BigInt(sv[0]) }]);
  });
});

describe("epoll_pwait03", () => {
  // Nothing arrives, so each call lasts its whole timeout and returns 0; the virtual clock
  // makes the time slept exact.
  const cases = variants.flatMap(([name, fn]) => [1, 10, 100, 1000, 2500].map((ms) => [name, ms, fn] as const));
  test.each(cases)("%s with a %i ms timeout returns 0 when it expires", (_name, ms, pwait) => {
    const { k, ep } = setup(false);
    const out: E.EpollEvent[] = [];
    const before = k.now();
    expect(pwait(k, ep, out, 1, ms, null)).toBe(0);
    expect(k.now() - before).toBe(BigInt(ms) * 1000000n);
    expect(out).toEqual([]);
  });
});

describe("epoll_pwait04", () => {
  // A sigmask pointer outside the address space: EFAULT, even with an event ready and an
  // infinite timeout. A number is this model's unreadable sigmask pointer.
  test.each(variants)("%s fails with EFAULT for an invalid sigmask pointer", (_name, pwait) => {
    const { k, ep, sv } = setup(true);
    const out: E.EpollEvent[] = [];
    expect(pwait(k, ep, out, 1, null, 0xdead0000)).toBe(-E.EFAULT);
    expect(out).toEqual([]);
    // The event was not consumed by the failed call.
    expect(pwait(k, ep, out, 1, 0, null)).toBe(1);
    expect(out).toEqual([{ events: EPOLLIN, data: BigInt(sv[0]) }]);
  });
});

describe("epoll_pwait05", () => {
  test.each([
    ["tv_sec < 0", { tv_sec: -1, tv_nsec: 0 }],
    ["tv_nsec < 0", { tv_sec: 0, tv_nsec: -1 }],
    ["tv_nsec >= NSEC_PER_SEC", { tv_sec: 0, tv_nsec: 1000000000 }],
  ])("epoll_pwait2 fails with EINVAL when %s", (_what, ts) => {
    const { k, ep, sv } = setup(true);
    const out: E.EpollEvent[] = [];
    expect(k.sys.epoll_pwait2(ep, out, 1, ts, null)).toBe(-E.EINVAL);
    expect(out).toEqual([]);
    expect(k.sys.epoll_pwait2(ep, out, 1, { tv_sec: 0, tv_nsec: 0 }, null)).toBe(1);
    expect(out).toEqual([{ events: EPOLLIN, data: BigInt(sv[0]) }]);
  });
});
