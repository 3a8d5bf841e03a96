// Port of the single-threaded cases of Linux's kselftest
// tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c (Linux 6.x): the wakeup
// topologies a single caller can drive — one epoll over one or two AF_UNIX stream
// sockets, a two-level nest, a two-branch nest — harvested with epoll_wait(…, 0) ("ew")
// or first probed with poll(…, 0) ("p"), level-triggered ("lt") or edge-triggered ("et")
// on each edge; plus the epoll_pwait2 cases and the edge-triggered pipe case.
//
// The expectations are the kernel's. Where the original leaves epoll_event.data
// uninitialised we give each watch its own tag and check it comes back, and every
// harvest is checked event by event (mask and data), not just counted.
//
// Diagram legend (as in the original): t0/t1 threads, e0/e1/e2 epoll instances,
// s0/s2 the watched socket ends (their peers s1/s3 are the writers), p0 a pipe's read end.
//
// Not ported here (they need waiter/emitter threads; they follow with the threads issue):
//   epoll9–16   t0 and a waiter thread t1 both blocked on e0 over s0 (or s0+s2), an
//               emitter thread writing after 100 ms, SIGUSR1 to break the sleepers
//   epoll25–32  same, with e0 nested over e1 over s0
//   epoll33–48  t0 blocked on e1 while t1 blocks on e0 (which nests e1), via
//               epoll_wait or poll, with an emitter thread
//   epoll53–58  t0 and t1 blocked on e0 over the two-branch nest e1/e2, emitter thread
//   epoll59     a thread re-arming an eventfd with EPOLL_CTL_MOD while t0 waits,
//               100000 rounds (bugzilla 205933)
//   epoll60     ten epoll_pwait waiters, each must get exactly one ET eventfd
//   epoll61     a writer thread racing an 11 ms epoll_wait and a blocking epoll_wait
//   epoll64     two waiter threads on one LT socket, both must be woken by one write
//   epoll65     64 threads doing epoll_wait(…, 0) on a ready LT eventfd, none may see 0
import * as E from "../../src/index";
import { newKernel } from "../helpers";
import { socketpair, epollCreate, watch } from "./common";

type K = E.Kernel;

/** One byte into a socket/pipe end that has plenty of room (never blocks). */
function put(k: K, fd: number): void {
  expect(k.sys.write(fd, new Uint8Array([0x77]), 1)).toBe(1);
}

/** epoll_wait(ep, events, maxevents, 0): the return value and the events it filled. */
function ew(k: K, ep: number, maxevents: number): { n: number; events: E.EpollEvent[] } {
  const out: E.EpollEvent[] = [];
  const n = k.sys.epoll_wait(ep, out, maxevents, 0);
  return { n, events: out.slice(0, Math.max(n, 0)) };
}

/** poll({fd, POLLIN}, 1, 0): the return value and revents. */
function p(k: K, fd: number): { n: number; revents: number } {
  const fds = [{ fd, events: E.POLLIN, revents: 0 }];
  const n = k.sys.poll(fds, 1, 0);
  return { n, revents: fds[0].revents };
}

const IN = E.EPOLLIN;
const ET = E.EPOLLET;
const ev = (data: number) => ({ events: E.EPOLLIN, data: BigInt(data) });
const nothing = { n: 0, events: [] };
const pollReady = { n: 1, revents: E.POLLIN };
const pollIdle = { n: 0, revents: 0 };

function closeAll(k: K, ...fds: number[]): void {
  for (const fd of fds) expect(k.sys.close(fd)).toBe(0);
}

// Tags for epoll_event.data.
const S0 = 0x50, S2 = 0x52, E1 = 0xe1, E2 = 0xe2;

// ---------------------------------------------------------------------------
// One epoll, sockets as leaves.
// ---------------------------------------------------------------------------

/*
 *          t0
 *           | (ew)
 *          e0
 *           | (lt)
 *          s0
 */
test("epoll1", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN, S0);
  put(k, s1);
  // Level-triggered: the unread byte keeps s0 ready across harvests.
  expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(S0)] });
  expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(S0)] });
  closeAll(k, e0, s0, s1);
});

/*
 *          t0
 *           | (ew)
 *          e0
 *           | (et)
 *          s0
 */
test("epoll2", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN | ET, S0);
  put(k, s1);
  // Edge-triggered: one write, one report.
  expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(S0)] });
  expect(ew(k, e0, 1)).toEqual(nothing);
  closeAll(k, e0, s0, s1);
});

/*
 *           t0
 *            | (ew)
 *           e0
 *     (lt) /  \ (lt)
 *        s0    s2
 */
test("epoll3", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN, S0);
  watch(k, e0, s2, IN, S2);
  put(k, s1);
  put(k, s3);
  // Ready-list order is the order the writes woke the sockets, and LT re-queues at the tail.
  expect(ew(k, e0, 2)).toEqual({ n: 2, events: [ev(S0), ev(S2)] });
  expect(ew(k, e0, 2)).toEqual({ n: 2, events: [ev(S0), ev(S2)] });
  closeAll(k, e0, s0, s1, s2, s3);
});

/*
 *           t0
 *            | (ew)
 *           e0
 *     (et) /  \ (et)
 *        s0    s2
 */
test("epoll4", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN | ET, S0);
  watch(k, e0, s2, IN | ET, S2);
  put(k, s1);
  put(k, s3);
  expect(ew(k, e0, 2)).toEqual({ n: 2, events: [ev(S0), ev(S2)] });
  expect(ew(k, e0, 2)).toEqual(nothing);
  closeAll(k, e0, s0, s1, s2, s3);
});

/*
 *          t0
 *           | (p)
 *          e0
 *           | (lt)
 *          s0
 */
test("epoll5", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN, S0);
  put(k, s1);
  // poll on the epoll fd reports it readable without consuming anything.
  expect(p(k, e0)).toEqual(pollReady);
  expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(S0)] });
  expect(p(k, e0)).toEqual(pollReady);
  expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(S0)] });
  closeAll(k, e0, s0, s1);
});

/*
 *          t0
 *           | (p)
 *          e0
 *           | (et)
 *          s0
 */
test("epoll6", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN | ET, S0);
  put(k, s1);
  expect(p(k, e0)).toEqual(pollReady);
  expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(S0)] });
  // The edge was consumed by the harvest: e0 is no longer readable.
  expect(p(k, e0)).toEqual(pollIdle);
  expect(ew(k, e0, 1)).toEqual(nothing);
  closeAll(k, e0, s0, s1);
});

/*
 *           t0
 *            | (p)
 *           e0
 *     (lt) /  \ (lt)
 *        s0    s2
 */
test("epoll7", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN, S0);
  watch(k, e0, s2, IN, S2);
  put(k, s1);
  put(k, s3);
  expect(p(k, e0)).toEqual(pollReady);
  expect(ew(k, e0, 2)).toEqual({ n: 2, events: [ev(S0), ev(S2)] });
  expect(p(k, e0)).toEqual(pollReady);
  expect(ew(k, e0, 2)).toEqual({ n: 2, events: [ev(S0), ev(S2)] });
  closeAll(k, e0, s0, s1, s2, s3);
});

/*
 *           t0
 *            | (p)
 *           e0
 *     (et) /  \ (et)
 *        s0    s2
 */
test("epoll8", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN | ET, S0);
  watch(k, e0, s2, IN | ET, S2);
  put(k, s1);
  put(k, s3);
  expect(p(k, e0)).toEqual(pollReady);
  expect(ew(k, e0, 2)).toEqual({ n: 2, events: [ev(S0), ev(S2)] });
  expect(p(k, e0)).toEqual(pollIdle);
  expect(ew(k, e0, 2)).toEqual(nothing);
  closeAll(k, e0, s0, s1, s2, s3);
});

// ---------------------------------------------------------------------------
// Two-level nest: e0 watches e1, e1 watches s0.
// ---------------------------------------------------------------------------

/** e1 watching s0 with `leaf`, e0 watching e1 with `top`; one byte written to s0's peer. */
function chain(k: K, leaf: number, top: number) {
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  const e1 = epollCreate(k);
  watch(k, e1, s0, leaf, S0);
  watch(k, e0, e1, top, E1);
  put(k, s1);
  return { e0, e1, s0, s1, fds: [e0, e1, s0, s1] };
}

/*
 *          t0
 *           | (ew)
 *          e0
 *           | (lt)
 *          e1
 *           | (lt)
 *          s0
 */
test("epoll17", () => {
  const k = newKernel();
  const c = chain(k, IN, IN);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  closeAll(k, ...c.fds);
});

/*
 *          t0
 *           | (ew)
 *          e0
 *           | (lt)
 *          e1
 *           | (et)
 *          s0
 */
test("epoll18", () => {
  const k = newKernel();
  const c = chain(k, IN | ET, IN);
  // Polling e1 from e0 does not consume s0's edge inside e1, so e1 stays readable
  // and the level-triggered e0 keeps reporting it.
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  closeAll(k, ...c.fds);
});

/*
 *           t0
 *            | (ew)
 *           e0
 *            | (et)
 *           e1
 *            | (lt)
 *           s0
 */
test("epoll19", () => {
  const k = newKernel();
  const c = chain(k, IN, IN | ET);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(ew(k, c.e0, 1)).toEqual(nothing);
  closeAll(k, ...c.fds);
});

/*
 *           t0
 *            | (ew)
 *           e0
 *            | (et)
 *           e1
 *            | (et)
 *           s0
 */
test("epoll20", () => {
  const k = newKernel();
  const c = chain(k, IN | ET, IN | ET);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(ew(k, c.e0, 1)).toEqual(nothing);
  closeAll(k, ...c.fds);
});

/*
 *          t0
 *           | (p)
 *          e0
 *           | (lt)
 *          e1
 *           | (lt)
 *          s0
 */
test("epoll21", () => {
  const k = newKernel();
  const c = chain(k, IN, IN);
  expect(p(k, c.e0)).toEqual(pollReady);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(p(k, c.e0)).toEqual(pollReady);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  closeAll(k, ...c.fds);
});

/*
 *          t0
 *           | (p)
 *          e0
 *           | (lt)
 *          e1
 *           | (et)
 *          s0
 */
test("epoll22", () => {
  const k = newKernel();
  const c = chain(k, IN | ET, IN);
  expect(p(k, c.e0)).toEqual(pollReady);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(p(k, c.e0)).toEqual(pollReady);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  closeAll(k, ...c.fds);
});

/*
 *          t0
 *           | (p)
 *          e0
 *           | (et)
 *          e1
 *           | (lt)
 *          s0
 */
test("epoll23", () => {
  const k = newKernel();
  const c = chain(k, IN, IN | ET);
  expect(p(k, c.e0)).toEqual(pollReady);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(p(k, c.e0)).toEqual(pollIdle);
  expect(ew(k, c.e0, 1)).toEqual(nothing);
  closeAll(k, ...c.fds);
});

/*
 *          t0
 *           | (p)
 *          e0
 *           | (et)
 *          e1
 *           | (et)
 *          s0
 */
test("epoll24", () => {
  const k = newKernel();
  const c = chain(k, IN | ET, IN | ET);
  expect(p(k, c.e0)).toEqual(pollReady);
  expect(ew(k, c.e0, 1)).toEqual({ n: 1, events: [ev(E1)] });
  expect(p(k, c.e0)).toEqual(pollIdle);
  expect(ew(k, c.e0, 1)).toEqual(nothing);
  closeAll(k, ...c.fds);
});

// ---------------------------------------------------------------------------
// Two-branch nest: e0 watches e1 and e2; e1 watches s0, e2 watches s2 (both LT).
// ---------------------------------------------------------------------------

/** The two-branch nest with e0's edges in mode `top`; one byte written to each socket. */
function fork(k: K, top: number) {
  const [s0, s1] = socketpair(k);
  const [s2, s3] = socketpair(k);
  const e0 = epollCreate(k);
  const e1 = epollCreate(k);
  const e2 = epollCreate(k);
  watch(k, e1, s0, IN, S0);
  watch(k, e2, s2, IN, S2);
  watch(k, e0, e1, top, E1);
  watch(k, e0, e2, top, E2);
  put(k, s1);
  put(k, s3);
  return { e0, fds: [e0, e1, e2, s0, s1, s2, s3] };
}

/*
 *           t0
 *            | (ew)
 *           e0
 *     (lt) /  \ (lt)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll49", () => {
  const k = newKernel();
  const f = fork(k, IN);
  expect(ew(k, f.e0, 2)).toEqual({ n: 2, events: [ev(E1), ev(E2)] });
  expect(ew(k, f.e0, 2)).toEqual({ n: 2, events: [ev(E1), ev(E2)] });
  closeAll(k, ...f.fds);
});

/*
 *           t0
 *            | (ew)
 *           e0
 *     (et) /  \ (et)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll50", () => {
  const k = newKernel();
  const f = fork(k, IN | ET);
  expect(ew(k, f.e0, 2)).toEqual({ n: 2, events: [ev(E1), ev(E2)] });
  expect(ew(k, f.e0, 2)).toEqual(nothing);
  closeAll(k, ...f.fds);
});

/*
 *           t0
 *            | (p)
 *           e0
 *     (lt) /  \ (lt)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll51", () => {
  const k = newKernel();
  const f = fork(k, IN);
  expect(p(k, f.e0)).toEqual(pollReady);
  expect(ew(k, f.e0, 2)).toEqual({ n: 2, events: [ev(E1), ev(E2)] });
  expect(p(k, f.e0)).toEqual(pollReady);
  expect(ew(k, f.e0, 2)).toEqual({ n: 2, events: [ev(E1), ev(E2)] });
  closeAll(k, ...f.fds);
});

/*
 *           t0
 *            | (p)
 *           e0
 *     (et) /  \ (et)
 *        e1    e2
 *    (lt) |     | (lt)
 *        s0    s2
 */
test("epoll52", () => {
  const k = newKernel();
  const f = fork(k, IN | ET);
  expect(p(k, f.e0)).toEqual(pollReady);
  expect(ew(k, f.e0, 2)).toEqual({ n: 2, events: [ev(E1), ev(E2)] });
  expect(p(k, f.e0)).toEqual(pollIdle);
  expect(ew(k, f.e0, 2)).toEqual(nothing);
  closeAll(k, ...f.fds);
});

// ---------------------------------------------------------------------------
// epoll_pwait2 and the pipe edge case.
// ---------------------------------------------------------------------------

/*
 * epoll1's topology, harvested with epoll_pwait2 and no timeout (NULL = infinite);
 * the event is already there, so neither call sleeps.
 *
 *          t0
 *           | (epoll_pwait2, timeout NULL)
 *          e0
 *           | (lt)
 *          s0
 */
test("epoll62", () => {
  const k = newKernel();
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN, S0);
  put(k, s1);
  for (let i = 0; i < 2; i++) {
    const out: E.EpollEvent[] = [];
    expect(k.sys.epoll_pwait2(e0, out, 1, null, null)).toBe(1);
    expect(out).toEqual([ev(S0)]);
  }
  closeAll(k, e0, s0, s1);
});

/*
 * epoll_pwait2 with a 10 ms timeout on an idle socket: returns 0, and no earlier than
 * the timeout (on the virtual clock, the sleep shows as the clock's advance).
 *
 *          t0
 *           | (epoll_pwait2, timeout 10 ms)
 *          e0
 *           | (lt)
 *          s0   (nothing written)
 */
test("epoll63", () => {
  const k = newKernel();
  const delayMs = 10;
  const [s0, s1] = socketpair(k);
  const e0 = epollCreate(k);
  watch(k, e0, s0, IN, S0);
  const out: E.EpollEvent[] = [];
  const t0 = k.now();
  expect(k.sys.epoll_pwait2(e0, out, 1, { tv_sec: 0, tv_nsec: delayMs * 1_000_000 }, null)).toBe(0);
  const elapsed = k.now() - t0;
  expect(out).toEqual([]);
  expect(elapsed).toBeGreaterThanOrEqual(BigInt(delayMs) * 1_000_000n);
  closeAll(k, e0, s0, s1);
});

/*
 * Every write to a pipe is a new edge for an edge-triggered watcher, even when the pipe
 * already holds unread data.
 *
 *          t0
 *           | (ew)
 *          e0
 *           | (et)
 *          p0
 */
test("epoll66", () => {
  const k = newKernel();
  const pfd: number[] = [];
  expect(k.sys.pipe2(pfd, 0)).toBe(0);
  const [p0, p1] = pfd;
  const e0 = k.sys.epoll_create1(0);
  expect(e0).toBeGreaterThanOrEqual(3);
  watch(k, e0, p0, IN | ET, 0x66);
  for (let i = 0; i < 2; i++) {
    put(k, p1);
    expect(ew(k, e0, 1)).toEqual({ n: 1, events: [ev(0x66)] });
  }
  closeAll(k, p0, p1, e0);
});
