// EPOLLEXCLUSIVE wakeups. An exclusive item's wait entry sits at the tail of the file's
// wait queue, and a wakeup stops after the first exclusive entry whose ep_poll_callback
// reports that it woke a waiter (ewake). Threads arrive with the threads issue; here a
// waiter is a wait entry queued on the set's ep->wq exactly as a sleeping epoll_wait
// queues itself (exclusive), which is all ep_poll_callback looks at.
import * as E from "../src/index";
import { EpollFile } from "../src/files/epoll";
import { WaitEntry } from "../src/kernel/waitqueue";
import { newKernel, tags } from "./helpers";

function sleeper(k: E.Kernel, epfd: number, log: number[], tag: number): WaitEntry {
  const f = k.fdt.get(epfd) as EpollFile;
  const e = new WaitEntry(() => {
    log.push(tag);
    f.wq.remove(e); // autoremove, as ep_autoremove_wake_function does
    return 1;
  }, true);
  f.wq.add(e);
  return e;
}

function setup(exclusive: boolean) {
  const k = newKernel();
  const efd = k.sys.eventfd(0, E.EFD_NONBLOCK);
  const eps = [0, 1, 2].map(() => k.sys.epoll_create1(0));
  const flag = exclusive ? E.EPOLLEXCLUSIVE : 0;
  eps.forEach((ep, i) => expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN | flag, data: i })).toBe(0));
  return { k, efd, eps };
}
const one = () => {
  const b = new Uint8Array(8);
  b[0] = 1;
  return b;
};

test("epoll_wait15 shape: without EXCLUSIVE every set's waiter wakes", () => {
  const { k, efd, eps } = setup(false);
  const log: number[] = [];
  eps.forEach((ep, i) => sleeper(k, ep, log, i));
  expect(k.sys.write(efd, one(), 8)).toBe(8);
  // Non-exclusive entries are at the head, newest first.
  expect(log).toEqual([2, 1, 0]);
  expect(eps.map((ep) => tags(k, ep))).toEqual([[0], [1], [2]]);
});

test("epoll_wait16 shape: with EXCLUSIVE only the first set with a waiter is woken", () => {
  const { k, efd, eps } = setup(true);
  const log: number[] = [];
  eps.forEach((ep, i) => sleeper(k, ep, log, i));
  expect(k.sys.write(efd, one(), 8)).toBe(8);
  expect(log).toEqual([0]);
  // The other sets were not even queued: their items stay off the ready list.
  expect(eps.map((ep) => tags(k, ep))).toEqual([[0], [], []]);
});

test("EXCLUSIVE without waiters: nobody consumes the wakeup, every set is queued", () => {
  const { k, efd, eps } = setup(true);
  expect(k.sys.write(efd, one(), 8)).toBe(8);
  expect(eps.map((ep) => tags(k, ep))).toEqual([[0], [1], [2]]);
});

test("EXCLUSIVE: a set whose waiter is gone lets the wakeup pass on to the next one", () => {
  const { k, efd, eps } = setup(true);
  const log: number[] = [];
  sleeper(k, eps[1], log, 1);
  sleeper(k, eps[2], log, 2);
  expect(k.sys.write(efd, one(), 8)).toBe(8);
  expect(log).toEqual([1]);
  // Set 0 had no waiter (ewake 0) so the walk went on; it was queued on the way.
  expect(eps.map((ep) => tags(k, ep))).toEqual([[0], [1], []]);
});
