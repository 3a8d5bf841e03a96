// dup/close semantics: an epoll registration belongs to (open file description, fd),
// lives as long as the file description does, and goes with its last reference.
import * as E from "../src/index";
import { newKernel, tags, bytes } from "./helpers";

const { EPOLL_CTL_ADD: ADD, EPOLL_CTL_DEL: DEL, EPOLLIN } = E;

test("the classic surprise: closing the registered fd of a dup'ed file keeps the item delivering", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 7 })).toBe(0);
  const d = k.sys.dup(p[0]);
  expect(k.sys.close(p[0])).toBe(0);
  k.sys.write(p[1], bytes(1), 1);
  expect(tags(k, ep)).toEqual([7]);
  // The item cannot be reached any more: its fd is closed, the dup is another key.
  expect(k.sys.epoll_ctl(ep, DEL, p[0], null)).toBe(-E.EBADF);
  expect(k.sys.epoll_ctl(ep, DEL, d, null)).toBe(-E.ENOENT);
  expect(k.userWatches()).toBe(1);
  // The last reference goes: eventpoll_release removes the item.
  expect(k.sys.close(d)).toBe(0);
  expect(k.userWatches()).toBe(0);
  k.sys.write(p[1], bytes(1), 1);
  expect(tags(k, ep)).toEqual([]);
});

test("a reused fd number is a new file: the stale item is not found under it", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 1 })).toBe(0);
  const keep = k.sys.dup(p[0]);
  k.sys.close(p[0]);
  const e = k.sys.eventfd(0, 0);
  expect(e).toBe(p[0]); // lowest free fd
  expect(k.sys.epoll_ctl(ep, ADD, e, { events: EPOLLIN, data: 2 })).toBe(0); // no EEXIST
  expect(k.userWatches()).toBe(2);
  k.sys.close(keep);
  expect(k.userWatches()).toBe(1);
});

test("dup'ed fds registered in one set are woken newest registration first", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  const d1 = k.sys.dup(p[0]);
  const d2 = k.sys.dup(p[0]);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, ADD, d1, { events: EPOLLIN, data: 2 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, ADD, d2, { events: EPOLLIN, data: 3 })).toBe(0);
  k.sys.write(p[1], bytes(1), 1);
  expect(tags(k, ep)).toEqual([3, 2, 1]);
  // Registered while already ready: queued in registration order instead.
  const ep2 = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep2, ADD, p[0], { events: EPOLLIN, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(ep2, ADD, d1, { events: EPOLLIN, data: 2 })).toBe(0);
  expect(tags(k, ep2)).toEqual([1, 2]);
});

test("closing the epoll fd frees its items and unhooks them from the files", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[1], { events: E.EPOLLOUT })).toBe(0);
  expect(k.hostWaitEntries()).toBe(2);
  expect(k.sys.close(ep)).toBe(0);
  expect(k.liveObjects()).toEqual({ eventpoll: 0, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
  expect(k.hostWaitEntries()).toBe(0);
  expect(k.sys.write(p[1], bytes(1), 1)).toBe(1);
});

test("a dup of the epoll fd keeps the set alive", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 4 })).toBe(0);
  const ep2 = k.sys.dup2(ep, 20);
  expect(ep2).toBe(20);
  k.sys.close(ep);
  k.sys.write(p[1], bytes(1), 1);
  expect(tags(k, ep2)).toEqual([4]);
});

test("dup2 over a registered fd drops that reference", () => {
  const k = newKernel();
  const p: number[] = [];
  const q: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  k.sys.pipe2(q, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN })).toBe(0);
  expect(k.sys.dup2(q[0], p[0])).toBe(p[0]); // p's read end had one reference: released
  expect(k.userWatches()).toBe(0);
  expect(k.sys.write(p[1], bytes(1), 1)).toBe(-E.EPIPE);
});
