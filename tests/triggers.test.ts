// Trigger modes and delivery order: LT, ET, ONESHOT, MOD re-arming, ready-at-ADD, FIFO
// order, LT rotation, maxevents truncation, masks limited to the requested bits.
import * as E from "../src/index";
import { newKernel, harvest, tags, bytes } from "./helpers";

const { EPOLL_CTL_ADD: ADD, EPOLL_CTL_MOD: MOD, EPOLL_CTL_DEL: DEL, EPOLLIN, EPOLLOUT, EPOLLET, EPOLLONESHOT } = E;

function pipes(k: E.Kernel, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const p: number[] = [];
    expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
    out.push(p);
  }
  return out;
}

test("level-triggered: reported on every wait while ready, not after draining", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN, data: 7 })).toBe(0);
  k.sys.write(w, bytes(2), 2);
  for (let i = 0; i < 3; i++) expect(harvest(k, ep)).toEqual([{ events: EPOLLIN, data: 7n }]);
  expect(k.sys.read(r, new Uint8Array(8), 8)).toBe(2);
  expect(harvest(k, ep)).toEqual([]);
});

test("edge-triggered: one report per wakeup; a new write is a new edge even if unread", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLET, data: 1 })).toBe(0);
  k.sys.write(w, bytes(1), 1);
  expect(tags(k, ep)).toEqual([1]);
  expect(tags(k, ep)).toEqual([]);
  k.sys.write(w, bytes(1), 1); // pipes wake readers on every write once polled
  expect(tags(k, ep)).toEqual([1]);
  expect(tags(k, ep)).toEqual([]);
  // A write that does not fit (EAGAIN) still wakes the reader: a new edge.
  const big = bytes(65536);
  while (k.sys.write(w, big, 4096) > 0);
  expect(tags(k, ep)).toEqual([1]);
  expect(k.sys.write(w, big, 4096)).toBe(-E.EAGAIN);
  expect(tags(k, ep)).toEqual([1]);
});

test("ready at ADD: an already-readable file is queued by the registration itself", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  k.sys.write(w, bytes(1), 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLET, data: 5 })).toBe(0);
  expect(tags(k, ep)).toEqual([5]);
  expect(tags(k, ep)).toEqual([]);
});

test("ONESHOT: one report, then disarmed until MOD re-arms it (and MOD of a ready fd queues it)", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLONESHOT, data: 9 })).toBe(0);
  k.sys.write(w, bytes(1), 1);
  expect(tags(k, ep)).toEqual([9]);
  expect(tags(k, ep)).toEqual([]);
  k.sys.write(w, bytes(1), 1);
  expect(tags(k, ep)).toEqual([]); // disarmed: the wakeup is ignored
  expect(k.sys.epoll_ctl(ep, MOD, r, { events: EPOLLIN | EPOLLONESHOT, data: 10 })).toBe(0);
  expect(tags(k, ep)).toEqual([10]);
  expect(tags(k, ep)).toEqual([]);
  // Still registered while disarmed.
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN })).toBe(-E.EEXIST);
});

test("MOD re-arms an edge-triggered item that is still ready", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLET, data: 1 })).toBe(0);
  k.sys.write(w, bytes(1), 1);
  expect(tags(k, ep)).toEqual([1]);
  expect(tags(k, ep)).toEqual([]);
  expect(k.sys.epoll_ctl(ep, MOD, r, { events: EPOLLIN | EPOLLET, data: 2 })).toBe(0);
  expect(tags(k, ep)).toEqual([2]);
  // MOD to a mask that is not ready queues nothing.
  expect(k.sys.epoll_ctl(ep, MOD, r, { events: EPOLLOUT | EPOLLET, data: 3 })).toBe(0);
  expect(tags(k, ep)).toEqual([]);
});

test("FIFO: items are delivered in the order they became ready", () => {
  const k = newKernel();
  const ps = pipes(k, 5);
  const ep = k.sys.epoll_create1(0);
  ps.forEach(([r], i) => expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLET, data: i })).toBe(0));
  for (const i of [3, 0, 4, 1]) k.sys.write(ps[i][1], bytes(1), 1);
  expect(tags(k, ep)).toEqual([3, 0, 4, 1]);
});

test("LT rotation: 13 always-ready pipes, maxevents 3", () => {
  const k = newKernel();
  const ps = pipes(k, 13);
  const ep = k.sys.epoll_create1(0);
  ps.forEach(([r, w], i) => {
    k.sys.write(w, bytes(1), 1);
    expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN, data: i })).toBe(0);
  });
  const seen = [];
  for (let i = 0; i < 6; i++) seen.push(tags(k, ep, 3));
  expect(seen).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12, 0, 1], [2, 3, 4]]);
});

test("maxevents truncation keeps the rest queued, in order, for the next call (ET too)", () => {
  const k = newKernel();
  const ps = pipes(k, 5);
  const ep = k.sys.epoll_create1(0);
  ps.forEach(([r], i) => expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLET, data: i })).toBe(0));
  ps.forEach(([, w]) => k.sys.write(w, bytes(1), 1));
  expect(tags(k, ep, 2)).toEqual([0, 1]);
  expect(tags(k, ep, 2)).toEqual([2, 3]);
  expect(tags(k, ep, 2)).toEqual([4]);
  expect(tags(k, ep, 2)).toEqual([]);
});

test("reported masks hold only requested bits (no RDNORM/WRNORM leak); ERR and HUP always", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, ADD, w, { events: EPOLLOUT | E.EPOLLWRNORM, data: 2 })).toBe(0);
  k.sys.write(w, bytes(1), 1);
  expect(harvest(k, ep)).toEqual([
    { events: EPOLLOUT | E.EPOLLWRNORM, data: 2n },
    { events: EPOLLIN, data: 1n },
  ]);
  // An item asking for nothing still gets HUP: the write end goes away.
  expect(k.sys.epoll_ctl(ep, MOD, r, { events: 0, data: 3 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, DEL, w, null)).toBe(0);
  expect(k.sys.close(w)).toBe(0);
  expect(harvest(k, ep)).toEqual([{ events: E.EPOLLHUP, data: 3n }]);
});

test("EPOLLET reported back as an unsigned mask and 64-bit data survive the round trip", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLET, data: 0xfedcba9876543210n })).toBe(0);
  k.sys.write(w, bytes(1), 1);
  expect(harvest(k, ep)).toEqual([{ events: EPOLLIN, data: 0xfedcba9876543210n }]);
  expect(k.sys.epoll_ctl(ep, MOD, r, { events: EPOLLIN, data: -1 })).toBe(0);
  expect(harvest(k, ep)).toEqual([{ events: EPOLLIN, data: 0xffffffffffffffffn }]);
});

test("EPOLL_CTL_DISABLE: 0 and dequeued when queued, EBUSY otherwise, ENOENT when unknown", () => {
  const k = newKernel();
  const [[r, w]] = pipes(k, 1);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DISABLE, r, null)).toBe(-E.ENOENT);
  expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN | EPOLLONESHOT | EPOLLET, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DISABLE, r, null)).toBe(-E.EBUSY);
  expect(k.sys.epoll_ctl(ep, MOD, r, { events: EPOLLIN | EPOLLONESHOT | EPOLLET, data: 1 })).toBe(0);
  k.sys.write(w, bytes(1), 1);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DISABLE, r, null)).toBe(0);
  expect(tags(k, ep)).toEqual([]);
  k.sys.write(w, bytes(1), 1);
  expect(tags(k, ep)).toEqual([]); // disabled: no further event is queued
  expect(k.sys.epoll_ctl(ep, DEL, r, null)).toBe(0);
});
