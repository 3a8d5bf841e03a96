// epoll_create / epoll_ctl / epoll_wait errno rules, in Linux 6.x's order of checks
// (each expectation was confirmed against this machine's kernel with a C probe).
import * as E from "../src/index";
import { newKernel } from "./helpers";

const { EPOLL_CTL_ADD: ADD, EPOLL_CTL_DEL: DEL, EPOLL_CTL_MOD: MOD, EPOLLIN, EPOLLOUT } = E;

function setup() {
  const k = newKernel();
  const s = k.sys;
  const p: number[] = [];
  expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
  const ep = s.epoll_create1(0);
  const mfd = s.memfd_create("m", 0);
  return { k, s, p, ep, mfd };
}

describe("epoll_create / epoll_create1", () => {
  test("size must be positive; flags only EPOLL_CLOEXEC", () => {
    const { s } = setup();
    expect(s.epoll_create(0)).toBe(-E.EINVAL);
    expect(s.epoll_create(-1)).toBe(-E.EINVAL);
    expect(s.epoll_create(1)).toBeGreaterThan(2);
    expect(s.epoll_create1(1)).toBe(-E.EINVAL);
    expect(s.epoll_create1(E.O_NONBLOCK)).toBe(-E.EINVAL);
    const fd = s.epoll_create1(E.EPOLL_CLOEXEC);
    expect(s.fcntl(fd, E.F_GETFD)).toBe(E.FD_CLOEXEC);
    expect(s.fcntl(fd, E.F_GETFL)).toBe(2);
  });
});

describe("epoll_ctl", () => {
  test("NULL event with any op but DEL is EFAULT, before every other check", () => {
    const { s, p, ep } = setup();
    expect(s.epoll_ctl(ep, ADD, p[0], null)).toBe(-E.EFAULT);
    expect(s.epoll_ctl(ep, MOD, p[0], null)).toBe(-E.EFAULT);
    expect(s.epoll_ctl(ep, 0, p[0], null)).toBe(-E.EFAULT);
    expect(s.epoll_ctl(999, ADD, 998, null)).toBe(-E.EFAULT);
    expect(s.epoll_ctl(ep, ADD, ep, null)).toBe(-E.EFAULT);
    // DEL needs no event.
    expect(s.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN })).toBe(0);
    expect(s.epoll_ctl(ep, DEL, p[0], null)).toBe(0);
  });

  test("EBADF for a closed epfd or fd; EPERM for files without poll", () => {
    const { k, s, p, ep, mfd } = setup();
    expect(s.epoll_ctl(999, ADD, p[0], { events: EPOLLIN })).toBe(-E.EBADF);
    expect(s.epoll_ctl(ep, ADD, 998, { events: EPOLLIN })).toBe(-E.EBADF);
    expect(s.epoll_ctl(p[0], ADD, 998, { events: EPOLLIN })).toBe(-E.EBADF); // epfd not epoll, fd bad
    expect(s.epoll_ctl(ep, ADD, mfd, { events: EPOLLIN })).toBe(-E.EPERM);
    expect(s.epoll_ctl(ep, ADD, 0, { events: EPOLLIN })).toBe(-E.EPERM); // the null device
    expect(s.epoll_ctl(p[0], ADD, mfd, { events: EPOLLIN })).toBe(-E.EPERM); // EPERM before "not epoll"
    expect(s.epoll_ctl(ep, 0, mfd, { events: EPOLLIN })).toBe(-E.EPERM); // and before a bad op
    expect(k.userWatches()).toBe(0);
  });

  test("EINVAL: epfd not an epoll file, fd is the epoll file itself (or a dup of it), bad op", () => {
    const { s, p, ep } = setup();
    expect(s.epoll_ctl(p[0], ADD, p[1], { events: EPOLLIN })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(p[0], ADD, p[0], { events: EPOLLIN })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, ADD, ep, { events: EPOLLIN })).toBe(-E.EINVAL);
    const d = s.dup(ep);
    expect(s.epoll_ctl(ep, ADD, d, { events: EPOLLIN })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, 0, p[0], { events: EPOLLIN })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, 5, p[0], { events: EPOLLIN })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, -1, p[0], { events: EPOLLIN })).toBe(-E.EINVAL);
  });

  test("EEXIST on a second ADD; ENOENT for MOD/DEL of unregistered fds", () => {
    const { s, p, ep } = setup();
    expect(s.epoll_ctl(ep, MOD, p[0], { events: EPOLLIN })).toBe(-E.ENOENT);
    expect(s.epoll_ctl(ep, DEL, p[0], null)).toBe(-E.ENOENT);
    expect(s.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN })).toBe(0);
    expect(s.epoll_ctl(ep, ADD, p[0], { events: EPOLLOUT })).toBe(-E.EEXIST);
    expect(s.epoll_ctl(ep, DEL, p[0], null)).toBe(0);
    expect(s.epoll_ctl(ep, DEL, p[0], null)).toBe(-E.ENOENT);
  });

  test("EPOLLEXCLUSIVE: ADD only, only with IN/OUT/ERR/HUP/WAKEUP/ET, never on epoll targets", () => {
    const { s, p, ep } = setup();
    const X = E.EPOLLEXCLUSIVE;
    expect(s.epoll_ctl(ep, ADD, p[0], { events: X | E.EPOLLRDNORM })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, ADD, p[0], { events: X | E.EPOLLONESHOT })).toBe(-E.EINVAL);
    const inner = s.epoll_create1(0);
    expect(s.epoll_ctl(ep, ADD, inner, { events: X | EPOLLIN })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, MOD, p[0], { events: X | EPOLLIN })).toBe(-E.EINVAL); // EINVAL, not ENOENT
    expect(s.epoll_ctl(ep, ADD, p[1], { events: X | EPOLLOUT | E.EPOLLWAKEUP | E.EPOLLET })).toBe(0);
    // An exclusive item can never be modified, even without the flag.
    expect(s.epoll_ctl(ep, MOD, p[1], { events: EPOLLOUT })).toBe(-E.EINVAL);
    expect(s.epoll_ctl(ep, DEL, p[1], null)).toBe(0);
  });

  test("a registration belongs to (file, fd): a dup is a separate item of the same file", () => {
    const { k, s, p, ep } = setup();
    const d = s.dup(p[0]);
    expect(s.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 1 })).toBe(0);
    expect(s.epoll_ctl(ep, ADD, d, { events: EPOLLIN, data: 2 })).toBe(0);
    expect(k.userWatches()).toBe(2);
  });
});

describe("epoll_wait argument checks", () => {
  test("EBADF first, then maxevents range, then not-an-epoll-fd", () => {
    const { s, p, ep } = setup();
    const out: E.EpollEvent[] = [];
    expect(s.epoll_wait(999, out, 0, 0)).toBe(-E.EBADF);
    expect(s.epoll_wait(999, out, -1, 0)).toBe(-E.EBADF);
    expect(s.epoll_wait(ep, out, 0, 0)).toBe(-E.EINVAL);
    expect(s.epoll_wait(ep, out, -1, 0)).toBe(-E.EINVAL);
    expect(s.epoll_wait(ep, out, 178956971, 0)).toBe(-E.EINVAL);
    expect(s.epoll_wait(ep, out, 178956970, 0)).toBe(0);
    expect(s.epoll_wait(p[0], out, 1, 0)).toBe(-E.EINVAL);
    expect(s.epoll_wait(p[0], out, 0, 0)).toBe(-E.EINVAL);
  });

  test("an unwritable events buffer: 0 when nothing is ready, EFAULT (item kept) when something is", () => {
    const { s, p, ep } = setup();
    expect(s.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 3 })).toBe(0);
    expect(s.epoll_wait(ep, null as unknown as E.EpollEvent[], 1, 0)).toBe(0);
    expect(s.write(p[1], new Uint8Array(1), 1)).toBe(1);
    expect(s.epoll_wait(ep, null as unknown as E.EpollEvent[], 1, 0)).toBe(-E.EFAULT);
    expect(s.epoll_wait(ep, Object.freeze([]) as unknown as E.EpollEvent[], 1, 0)).toBe(-E.EFAULT);
    const out: E.EpollEvent[] = [];
    expect(s.epoll_wait(ep, out, 1, 0)).toBe(1);
    expect(out[0]).toEqual({ events: EPOLLIN, data: 3n });
  });

  test("epoll_pwait2 validates the timespec even when events are ready", () => {
    const { s, p, ep } = setup();
    expect(s.epoll_ctl(ep, ADD, p[1], { events: EPOLLOUT })).toBe(0);
    const out: E.EpollEvent[] = [];
    expect(s.epoll_pwait2(ep, out, 4, { tv_sec: 0, tv_nsec: 1e9 }, null)).toBe(-E.EINVAL);
    expect(s.epoll_pwait2(ep, out, 4, { tv_sec: -1, tv_nsec: 0 }, null)).toBe(-E.EINVAL);
    expect(s.epoll_pwait2(ep, out, 4, { tv_sec: 0, tv_nsec: -1 }, null)).toBe(-E.EINVAL);
    expect(s.epoll_pwait2(ep, out, 4, { tv_sec: 0, tv_nsec: 0 }, null)).toBe(1);
    expect(s.epoll_pwait(ep, out, 4, 0, null)).toBe(1);
  });

  test("virtual clock: a timed wait with nothing ready sleeps; an infinite one is EDEADLK", () => {
    const { k, s, ep } = setup();
    const out: E.EpollEvent[] = [];
    expect(k.now()).toBe(0n);
    expect(s.epoll_wait(ep, out, 1, 250)).toBe(0);
    expect(k.now()).toBe(250000000n);
    expect(s.epoll_pwait2(ep, out, 1, { tv_sec: 1, tv_nsec: 5 }, null)).toBe(0);
    expect(k.now()).toBe(1250000005n);
    expect(s.epoll_wait(ep, out, 1, -1)).toBe(-E.EDEADLK);
    expect(k.now()).toBe(1250000005n);
  });

  test("real clock: a wait that would sleep returns EAGAIN", () => {
    const k = newKernel({ clock: "real" });
    const ep = k.sys.epoll_create1(0);
    expect(k.sys.epoll_wait(ep, [], 1, 10)).toBe(-E.EAGAIN);
    expect(k.sys.epoll_wait(ep, [], 1, 0)).toBe(0);
  });
});
