// timerfd on the virtual clock (facts checked against this machine's kernel).
import * as E from "../src/index";
import { newKernel, tags } from "./helpers";

const ts = (s: number, ns = 0) => ({ tv_sec: s, tv_nsec: ns });
const spec = (value: [number, number], interval: [number, number] = [0, 0]) => ({
  it_value: ts(...value),
  it_interval: ts(...interval),
});
const MS = 1000000;

function readTicks(k: E.Kernel, fd: number): bigint | number {
  const b = new Uint8Array(8);
  const n = k.sys.read(fd, b, 8);
  return n < 0 ? n : new DataView(b.buffer).getBigUint64(0, true);
}
const pollIn = (k: E.Kernel, fd: number) => {
  const p = [{ fd, events: E.POLLIN | E.POLLOUT, revents: 0 }];
  k.sys.poll(p, 1, 0);
  return p[0].revents;
};

test("one-shot: readable after expiry, one tick, then EAGAIN", () => {
  const k = newKernel();
  const fd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK | E.TFD_CLOEXEC);
  expect(k.sys.fcntl(fd, E.F_GETFL)).toBe(0x802);
  expect(k.sys.fcntl(fd, E.F_GETFD)).toBe(1);
  expect(pollIn(k, fd)).toBe(0);
  expect(readTicks(k, fd)).toBe(-E.EAGAIN);
  expect(k.sys.timerfd_settime(fd, 0, spec([0, 10 * MS]), null)).toBe(0);
  expect(k.sys.usleep(20000)).toBe(0);
  expect(pollIn(k, fd)).toBe(E.POLLIN);
  expect(readTicks(k, fd)).toBe(1n);
  expect(readTicks(k, fd)).toBe(-E.EAGAIN);
  expect(k.sys.read(fd, new Uint8Array(8), 7)).toBe(-E.EINVAL);
  expect(k.sys.write(fd, new Uint8Array(8), 8)).toBe(-E.EINVAL);
});

test("periodic: an unread timer fires once; the read counts every interval that went by", () => {
  const k = newKernel();
  const fd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN | E.EPOLLOUT | E.EPOLLET, data: 1 })).toBe(0);
  expect(k.sys.timerfd_settime(fd, 0, spec([0, 5 * MS], [0, 5 * MS]), null)).toBe(0);
  expect(k.sys.usleep(23000)).toBe(0);
  expect(tags(k, ep)).toEqual([1]);
  expect(tags(k, ep)).toEqual([]); // no further edge while unread
  expect(readTicks(k, fd)).toBe(4n);
  const cur = { it_value: ts(0), it_interval: ts(0) };
  expect(k.sys.timerfd_gettime(fd, cur)).toBe(0);
  expect(cur).toEqual(spec([0, 2 * MS], [0, 5 * MS]));
});

test("epoll_wait with a timeout sleeps exactly until the timer fires", () => {
  const k = newKernel();
  const fd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, 0);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: 7 })).toBe(0);
  expect(k.sys.timerfd_settime(fd, 0, spec([0, 10 * MS]), null)).toBe(0);
  const out: E.EpollEvent[] = [];
  expect(k.sys.epoll_wait(ep, out, 4, -1)).toBe(1);
  expect(out[0]).toEqual({ events: E.EPOLLIN, data: 7n });
  expect(k.now()).toBe(10000000n);
  expect(readTicks(k, fd)).toBe(1n);
  // Nothing armed any more: an infinite wait could never end.
  expect(k.sys.epoll_wait(ep, out, 4, -1)).toBe(-E.EDEADLK);
  expect(k.sys.epoll_wait(ep, out, 4, 50)).toBe(0);
  expect(k.now()).toBe(60000000n);
});

test("settime returns the old value, resets unread ticks, and disarms with a zero value", () => {
  const k = newKernel();
  const fd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  expect(k.sys.timerfd_settime(fd, 0, spec([5, 0], [2, 500000000]), null)).toBe(0);
  k.sys.usleep(100000);
  const old = { it_value: ts(0), it_interval: ts(0) };
  expect(k.sys.timerfd_settime(fd, 0, spec([1, 0]), old)).toBe(0);
  expect(old).toEqual(spec([4, 900000000], [2, 500000000]));
  k.sys.usleep(1000000);
  expect(pollIn(k, fd)).toBe(E.POLLIN);
  expect(k.sys.timerfd_settime(fd, 0, spec([0, 0]), old)).toBe(0);
  expect(old).toEqual(spec([0, 0]));
  expect(pollIn(k, fd)).toBe(0);
  expect(readTicks(k, fd)).toBe(-E.EAGAIN);
});

test("TFD_TIMER_ABSTIME in the past fires at once and counts the missed intervals", () => {
  const k = newKernel();
  k.sys.usleep(20 * 1000000); // monotonic now = 20 s
  const fd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
  expect(k.sys.timerfd_settime(fd, E.TFD_TIMER_ABSTIME, spec([10, 0], [1, 0]), null)).toBe(0);
  expect(pollIn(k, fd)).toBe(E.POLLIN);
  expect(readTicks(k, fd)).toBe(11n);
  const rt = k.sys.timerfd_create(E.CLOCK_REALTIME, E.TFD_NONBLOCK);
  expect(k.sys.timerfd_settime(rt, E.TFD_TIMER_ABSTIME, spec([1, 0]), null)).toBe(0);
  expect(readTicks(k, rt)).toBe(1n);
});

test("argument checks", () => {
  const k = newKernel();
  expect(k.sys.timerfd_create(99, 0)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_create(2 /* CLOCK_PROCESS_CPUTIME_ID */, 0)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_create(E.CLOCK_MONOTONIC, 4)).toBe(-E.EINVAL);
  const fd = k.sys.timerfd_create(E.CLOCK_BOOTTIME, 0);
  expect(k.sys.timerfd_settime(fd, 0, spec([0, 1e9]), null)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_settime(fd, 0, spec([0, 0], [0, 1e9]), null)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_settime(fd, 0, spec([-1, 0]), null)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_settime(fd, 4, spec([1, 0]), null)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_settime(fd, 0, null as unknown as E.Itimerspec, null)).toBe(-E.EFAULT);
  expect(k.sys.timerfd_settime(fd, 3, spec([1, 0]), null)).toBe(0);
  expect(k.sys.timerfd_settime(999, 0, spec([1, 0]), null)).toBe(-E.EBADF);
  expect(k.sys.timerfd_settime(0, 0, spec([1, 0]), null)).toBe(-E.EINVAL);
  expect(k.sys.timerfd_settime(fd, 0, spec([1, 0]), Object.freeze({}) as E.Itimerspec)).toBe(-E.EFAULT);
});
