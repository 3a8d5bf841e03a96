// The process fd table: lowest-free allocation, RLIMIT_NOFILE (EMFILE), dup/dup2/dup3 and
// fcntl(F_DUPFD*, F_GETFD/F_SETFD, F_GETFL/F_SETFL), and the null device on fds 0-2.
import * as E from "../src/index";
import type { Kernel, PollFd } from "../src/index";
import { newKernel, bytes, tags } from "./helpers";
import { stateDump } from "./state";

const {
  EPOLL_CTL_ADD: ADD, EPOLLIN, EPOLLOUT, EPOLLHUP,
  EBADF, EINVAL, EMFILE, EPERM, EAGAIN,
  O_NONBLOCK, O_CLOEXEC, O_DIRECT, EPOLL_CLOEXEC, EFD_NONBLOCK, EFD_CLOEXEC, EFD_SEMAPHORE, MFD_CLOEXEC,
  F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, FD_CLOEXEC,
  POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP,
} = E;
const O_APPEND = 0x400;
const O_LARGEFILE = 0x8000;

const pipe = (k: Kernel, flags = 0): number[] => {
  const p: number[] = [];
  expect(k.sys.pipe2(p, flags)).toBe(0);
  return p;
};
const getfl = (k: Kernel, fd: number) => k.sys.fcntl(fd, F_GETFL);
const getfd = (k: Kernel, fd: number) => k.sys.fcntl(fd, F_GETFD);
const pollOne = (k: Kernel, fd: number, events: number): [number, number] => {
  const fds: PollFd[] = [{ fd, events, revents: 0 }];
  const n = k.sys.poll(fds, 1, 0);
  return [n, fds[0].revents];
};

describe("fds 0, 1, 2: the null device", () => {
  test("exist at start, O_RDWR|O_LARGEFILE, not close-on-exec", () => {
    const k = newKernel();
    expect(k.fdt.fds()).toEqual([0, 1, 2]);
    for (const fd of [0, 1, 2]) {
      expect(getfl(k, fd)).toBe(0x8002);
      expect(getfd(k, fd)).toBe(0);
    }
    expect(k.sys.eventfd(0, 0)).toBe(3);
  });

  test("read returns 0 (EOF) and leaves the buffer; write returns the count", () => {
    const k = newKernel();
    const b = bytes(16, 0x55);
    for (const fd of [0, 1, 2]) {
      expect(k.sys.read(fd, b, 16)).toBe(0);
      expect(k.sys.write(fd, b, 16)).toBe(16);
      expect(k.sys.write(fd, b, 5)).toBe(5);
      expect(k.sys.write(fd, b, 0)).toBe(0);
    }
    expect([...b]).toEqual(new Array(16).fill(0x55));
  });

  test("epoll_ctl ADD of fd 0, 1 or 2 is EPERM (no f_op->poll), and adds nothing", () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    for (const fd of [0, 1, 2]) expect(k.sys.epoll_ctl(ep, ADD, fd, { events: EPOLLIN | EPOLLOUT })).toBe(-EPERM);
    expect(k.userWatches()).toBe(0);
    expect(k.liveObjects()).toEqual({ eventpoll: 1, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
  });

  test("poll reports DEFAULT_POLLMASK: 0x145 for POLLIN|POLLOUT|POLLRDNORM|POLLWRNORM", () => {
    const k = newKernel();
    const want = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    expect(want).toBe(0x145);
    const fds: PollFd[] = [0, 1, 2].map((fd) => ({ fd, events: want, revents: 0 }));
    expect(k.sys.poll(fds, 3, 0)).toBe(3);
    expect(fds.map((p) => p.revents)).toEqual([0x145, 0x145, 0x145]);
    expect(pollOne(k, 1, POLLIN)).toEqual([1, POLLIN]);
    expect(pollOne(k, 2, POLLOUT | E.POLLPRI)).toEqual([1, POLLOUT]);
  });

  test("closing fd 0 makes it the next fd", () => {
    const k = newKernel();
    expect(k.sys.close(0)).toBe(0);
    expect(k.sys.close(0)).toBe(-EBADF);
    expect(k.sys.epoll_create1(0)).toBe(0);
    expect(k.sys.eventfd(0, 0)).toBe(3);
  });
});

describe("lowest free fd", () => {
  test("new fds take the lowest free number", () => {
    const k = newKernel();
    expect(pipe(k)).toEqual([3, 4]);
    expect(k.sys.eventfd(0, 0)).toBe(5);
    expect(k.sys.epoll_create1(0)).toBe(6);
    expect(k.sys.close(4)).toBe(0);
    expect(k.sys.eventfd(0, 0)).toBe(4);
    expect(k.sys.close(3)).toBe(0);
    expect(k.sys.close(5)).toBe(0);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 4, 6]);
    // pipe2 takes the two lowest free numbers, which need not be adjacent.
    expect(pipe(k)).toEqual([3, 5]);
    expect(k.sys.memfd_create("m", 0)).toBe(7);
    expect(k.sys.close(6)).toBe(0);
    expect(k.sys.dup(0)).toBe(6);
    expect(k.sys.epoll_create(1)).toBe(8);
  });

  test("dup2 to a high fd leaves the gap below it for later fds", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, 0);
    expect(k.sys.dup2(e, 10)).toBe(10);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 10]);
    expect(pipe(k)).toEqual([4, 5]);
    expect(k.sys.close(3)).toBe(0);
    expect(k.sys.dup(10)).toBe(3);
    expect(getfl(k, 3)).toBe(2);
  });
});

describe("EMFILE at options.maxFds", () => {
  /** maxFds 8: fds 3..7 filled with eventfds. */
  function full(): Kernel {
    const k = newKernel({ maxFds: 8 });
    for (let fd = 3; fd < 8; fd++) expect(k.sys.eventfd(0, 0)).toBe(fd);
    return k;
  }

  test("every fd-creating call fails with EMFILE on a full table and changes nothing", () => {
    const k = full();
    const ep = 7;
    expect(k.sys.close(ep)).toBe(0);
    expect(k.sys.epoll_create1(0)).toBe(ep);
    expect(k.sys.epoll_ctl(ep, ADD, 3, { events: EPOLLIN })).toBe(0);
    const before = stateDump(k);
    const p = [-1, -1];
    expect(k.sys.pipe2(p, 0)).toBe(-EMFILE);
    expect(p).toEqual([-1, -1]);
    expect(k.sys.pipe2(null as never, 0)).toBe(-EMFILE); // fds are allocated before the copy-out
    expect(k.sys.epoll_create1(0)).toBe(-EMFILE);
    expect(k.sys.epoll_create1(EPOLL_CLOEXEC)).toBe(-EMFILE);
    expect(k.sys.epoll_create(1)).toBe(-EMFILE);
    expect(k.sys.eventfd(0, 0)).toBe(-EMFILE);
    expect(k.sys.memfd_create("m", 0)).toBe(-EMFILE);
    expect(k.sys.dup(3)).toBe(-EMFILE);
    expect(k.sys.fcntl(3, F_DUPFD, 0)).toBe(-EMFILE);
    expect(k.sys.fcntl(3, F_DUPFD, 7)).toBe(-EMFILE);
    expect(k.sys.fcntl(3, F_DUPFD_CLOEXEC, 5)).toBe(-EMFILE);
    expect(stateDump(k)).toEqual(before);
  });

  test("the limit is on fd numbers: F_DUPFD at or past it is EINVAL, dup2/dup3 EBADF", () => {
    const k = full();
    expect(k.sys.fcntl(3, F_DUPFD, 8)).toBe(-EINVAL);
    expect(k.sys.fcntl(3, F_DUPFD_CLOEXEC, 8)).toBe(-EINVAL);
    expect(k.sys.dup2(3, 8)).toBe(-EBADF);
    expect(k.sys.dup3(3, 8, 0)).toBe(-EBADF);
    // Replacing an fd below the limit needs no free slot.
    expect(k.sys.dup2(3, 7)).toBe(7);
    expect(k.sys.dup3(4, 6, O_CLOEXEC)).toBe(6);
    expect(getfd(k, 6)).toBe(FD_CLOEXEC);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test("pipe2 with one free slot fails with EMFILE and installs nothing", () => {
    const k = full();
    expect(k.sys.close(5)).toBe(0);
    const before = stateDump(k);
    const p = [-1, -1];
    expect(k.sys.pipe2(p, O_NONBLOCK)).toBe(-EMFILE);
    expect(p).toEqual([-1, -1]);
    expect(stateDump(k)).toEqual(before);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    // The slot is still there for a one-fd call.
    expect(k.sys.eventfd(0, 0)).toBe(5);
  });

  test("pipe2 with two free slots (not adjacent) succeeds; then the table is full", () => {
    const k = full();
    expect(k.sys.close(7)).toBe(0);
    expect(k.sys.close(4)).toBe(0);
    expect(pipe(k, O_NONBLOCK)).toEqual([4, 7]);
    expect(getfl(k, 4)).toBe(O_NONBLOCK);
    expect(getfl(k, 7)).toBe(O_NONBLOCK | 1);
    expect(k.sys.write(7, bytes(3), 3)).toBe(3);
    expect(k.sys.read(4, new Uint8Array(8), 8)).toBe(3);
    expect(k.sys.dup(4)).toBe(-EMFILE);
  });

  test("the last slot (maxFds - 1) is usable", () => {
    const k = newKernel({ maxFds: 4 });
    expect(k.sys.epoll_create1(0)).toBe(3);
    expect(k.sys.epoll_create1(0)).toBe(-EMFILE);
    expect(k.sys.close(3)).toBe(0);
    expect(k.sys.dup(1)).toBe(3);
    const p = [-1, -1];
    expect(k.sys.close(3)).toBe(0);
    expect(k.sys.pipe2(p, 0)).toBe(-EMFILE);
    expect(k.fdt.fds()).toEqual([0, 1, 2]);
  });
});

describe("dup, dup2, dup3, F_DUPFD", () => {
  test("dup shares the open file description, not the fd flags", () => {
    const k = newKernel();
    const [r, w] = pipe(k, O_CLOEXEC);
    expect(getfd(k, r)).toBe(FD_CLOEXEC);
    const d = k.sys.dup(r);
    expect(d).toBe(5);
    expect(getfd(k, d)).toBe(0); // dup never sets FD_CLOEXEC
    expect(getfd(k, r)).toBe(FD_CLOEXEC);
    // File status flags live in the description: visible through both fds.
    expect(k.sys.fcntl(d, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, r)).toBe(O_NONBLOCK);
    // FD_CLOEXEC lives in the fd: not shared.
    expect(k.sys.fcntl(d, F_SETFD, FD_CLOEXEC)).toBe(0);
    expect(k.sys.fcntl(r, F_SETFD, 0)).toBe(0);
    expect([getfd(k, r), getfd(k, d)]).toEqual([0, FD_CLOEXEC]);
    // Same pipe: data written once is read once, through either fd.
    expect(k.sys.write(w, new Uint8Array([1, 2, 3, 4]), 4)).toBe(4);
    const b = new Uint8Array(2);
    expect(k.sys.read(d, b, 2)).toBe(2);
    expect([...b]).toEqual([1, 2]);
    expect(k.sys.read(r, b, 2)).toBe(2);
    expect([...b]).toEqual([3, 4]);
    expect(k.sys.read(d, b, 2)).toBe(-EAGAIN);
    // Closing the original leaves the dup working.
    expect(k.sys.close(r)).toBe(0);
    expect(k.sys.write(w, new Uint8Array([9]), 1)).toBe(1);
    expect(k.sys.read(d, b, 2)).toBe(1);
  });

  test("dup of an unknown or closed fd is EBADF", () => {
    const k = newKernel();
    expect(k.sys.dup(3)).toBe(-EBADF);
    const e = k.sys.eventfd(0, 0);
    expect(k.sys.close(e)).toBe(0);
    expect(k.sys.dup(e)).toBe(-EBADF);
    expect(k.sys.dup(-1)).toBe(-EBADF);
  });

  test("dup2(fd, fd) returns fd and changes nothing, not even FD_CLOEXEC", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, EFD_CLOEXEC);
    const before = stateDump(k);
    expect(k.sys.dup2(e, e)).toBe(e);
    expect(getfd(k, e)).toBe(FD_CLOEXEC);
    expect(stateDump(k)).toEqual(before);
    expect(k.sys.dup2(0, 0)).toBe(0);
    expect(k.sys.dup2(7, 7)).toBe(-EBADF);
  });

  test("dup2 onto a free fd: that exact number, FD_CLOEXEC clear", () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(EPOLL_CLOEXEC);
    expect(k.sys.dup2(ep, 9)).toBe(9);
    expect(getfd(k, 9)).toBe(0);
    expect(getfl(k, 9)).toBe(2);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 9]);
    expect(k.sys.dup2(ep, 1023)).toBe(1023);
    expect(k.sys.dup2(ep, 1024)).toBe(-EBADF);
    expect(k.sys.dup2(ep, -1)).toBe(-EBADF);
    expect(k.sys.dup2(4, 5)).toBe(-EBADF);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 9, 1023]);
  });

  test("dup2 onto an open fd closes it: a pipe's only write end goes, the reader sees HUP", () => {
    const k = newKernel();
    const [r, w] = pipe(k, O_NONBLOCK);
    const e = k.sys.eventfd(0, EFD_NONBLOCK);
    const ep = k.sys.epoll_create1(0);
    expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN, data: 1 })).toBe(0);
    expect(pollOne(k, r, POLLIN)).toEqual([0, 0]);
    expect(k.sys.fcntl(w, F_SETFD, FD_CLOEXEC)).toBe(0);
    expect(k.sys.dup2(e, w)).toBe(w);
    // w is now the eventfd (FD_CLOEXEC cleared), and the pipe has no writer.
    expect(getfl(k, w)).toBe(0x802);
    expect(getfd(k, w)).toBe(0);
    expect(pollOne(k, r, POLLIN)).toEqual([1, POLLHUP]);
    expect(pollOne(k, r, 0)).toEqual([1, POLLHUP]);
    expect(k.sys.read(r, new Uint8Array(4), 4)).toBe(0); // EOF
    const out: E.EpollEvent[] = [];
    expect(k.sys.epoll_wait(ep, out, 8, 0)).toBe(1);
    expect(out).toEqual([{ events: EPOLLHUP, data: 1n }]);
    // Writes through w reach the eventfd now.
    const one = new Uint8Array(8);
    one[0] = 1;
    expect(k.sys.write(w, one, 8)).toBe(8);
    expect(pollOne(k, e, POLLIN)).toEqual([1, POLLIN]);
  });

  test("dup2 onto a pipe end with data still buffered: the reader gets POLLIN|POLLHUP", () => {
    const k = newKernel();
    const [r, w] = pipe(k, O_NONBLOCK);
    expect(k.sys.write(w, bytes(3), 3)).toBe(3);
    expect(k.sys.dup2(0, w)).toBe(w);
    expect(getfl(k, w)).toBe(0x8002);
    expect(pollOne(k, r, POLLIN | POLLOUT)).toEqual([1, POLLIN | POLLHUP]);
    expect(k.sys.read(r, new Uint8Array(8), 8)).toBe(3);
    expect(k.sys.read(r, new Uint8Array(8), 8)).toBe(0);
  });

  test("dup2 onto an fd that shares the same description only changes FD_CLOEXEC", () => {
    const k = newKernel();
    const [r, w] = pipe(k, O_NONBLOCK);
    const d = k.sys.fcntl(w, F_DUPFD_CLOEXEC, 0);
    expect(d).toBe(5);
    expect(getfd(k, d)).toBe(FD_CLOEXEC);
    expect(k.sys.dup2(w, d)).toBe(d);
    expect(getfd(k, d)).toBe(0);
    expect(k.sys.close(w)).toBe(0);
    // The description still has a writer (fd d): no HUP.
    expect(pollOne(k, r, POLLIN)).toEqual([0, 0]);
    expect(k.sys.write(d, bytes(1), 1)).toBe(1);
    expect(pollOne(k, r, POLLIN)).toEqual([1, POLLIN]);
  });

  test("dup3: flags only O_CLOEXEC, oldfd != newfd", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, 0);
    expect(k.sys.dup3(e, e, 0)).toBe(-EINVAL);
    expect(k.sys.dup3(e, e, O_CLOEXEC)).toBe(-EINVAL);
    expect(k.sys.dup3(e, 6, O_NONBLOCK)).toBe(-EINVAL);
    expect(k.sys.dup3(e, 6, FD_CLOEXEC)).toBe(-EINVAL);
    expect(k.sys.dup3(9, 6, 0)).toBe(-EBADF);
    expect(k.sys.dup3(e, 1024, 0)).toBe(-EBADF);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3]);
    expect(k.sys.dup3(e, 6, O_CLOEXEC)).toBe(6);
    expect(getfd(k, 6)).toBe(FD_CLOEXEC);
    expect(k.sys.dup3(e, 6, 0)).toBe(6);
    expect(getfd(k, 6)).toBe(0);
    expect(k.sys.dup3(e, 1, 0)).toBe(1); // replaces a null-device fd
    expect(getfl(k, 1)).toBe(2);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 6]);
  });

  test("F_DUPFD / F_DUPFD_CLOEXEC: lowest free fd >= arg", () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(EPOLL_CLOEXEC);
    expect(k.sys.fcntl(ep, F_DUPFD, 10)).toBe(10);
    expect(k.sys.fcntl(ep, F_DUPFD, 10)).toBe(11);
    expect(getfd(k, 10)).toBe(0);
    expect(k.sys.fcntl(ep, F_DUPFD_CLOEXEC, 10)).toBe(12);
    expect(getfd(k, 12)).toBe(FD_CLOEXEC);
    expect(k.sys.fcntl(ep, F_DUPFD, 0)).toBe(4);
    expect(k.sys.fcntl(ep, F_DUPFD, 2)).toBe(5);
    expect(k.sys.fcntl(ep, F_DUPFD_CLOEXEC, 1023)).toBe(1023);
    expect(k.sys.fcntl(ep, F_DUPFD, 1023)).toBe(-EMFILE);
    expect(k.sys.fcntl(ep, F_DUPFD, 1024)).toBe(-EINVAL);
    expect(k.sys.fcntl(ep, F_DUPFD, -1)).toBe(-EINVAL);
    expect(k.sys.fcntl(99, F_DUPFD, 0)).toBe(-EBADF);
    expect(F_DUPFD_CLOEXEC).toBe(1030);
    expect(k.fdt.fds()).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 1023]);
    for (const fd of [4, 5, 10, 11, 12, 1023]) expect(getfl(k, fd)).toBe(2);
  });

  test("an fd made by dup is a separate epoll key but the same file", () => {
    const k = newKernel();
    const [r, w] = pipe(k, O_NONBLOCK);
    const ep = k.sys.epoll_create1(0);
    const d = k.sys.dup(r);
    expect(k.sys.epoll_ctl(ep, ADD, r, { events: EPOLLIN, data: 1 })).toBe(0);
    expect(k.sys.epoll_ctl(ep, ADD, d, { events: EPOLLIN, data: 2 })).toBe(0);
    expect(k.sys.epoll_ctl(ep, ADD, d, { events: EPOLLIN, data: 3 })).toBe(-E.EEXIST);
    expect(k.sys.write(w, bytes(1), 1)).toBe(1);
    expect(tags(k, ep).sort()).toEqual([1, 2]);
  });
});

describe("F_GETFD / F_SETFD", () => {
  test("close-on-exec from the creating call's flag", () => {
    const k = newKernel();
    const [r0, w0] = pipe(k, 0);
    const [r1, w1] = pipe(k, O_CLOEXEC);
    const e0 = k.sys.eventfd(0, 0);
    const e1 = k.sys.eventfd(0, EFD_CLOEXEC);
    const p0 = k.sys.epoll_create(1);
    const p1 = k.sys.epoll_create1(EPOLL_CLOEXEC);
    const m0 = k.sys.memfd_create("a", 0);
    const m1 = k.sys.memfd_create("b", MFD_CLOEXEC);
    expect([r0, w0, r1, w1, e0, e1, p0, p1, m0, m1].map((fd) => getfd(k, fd))).toEqual([0, 0, 1, 1, 0, 1, 0, 1, 0, 1]);
  });

  test("F_SETFD sets and clears FD_CLOEXEC; only bit 0 counts", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, 0);
    expect(k.sys.fcntl(e, F_SETFD, FD_CLOEXEC)).toBe(0);
    expect(getfd(k, e)).toBe(1);
    expect(k.sys.fcntl(e, F_SETFD, 0)).toBe(0);
    expect(getfd(k, e)).toBe(0);
    expect(k.sys.fcntl(e, F_SETFD, 3)).toBe(0);
    expect(getfd(k, e)).toBe(1);
    expect(k.sys.fcntl(e, F_SETFD, 2)).toBe(0);
    expect(getfd(k, e)).toBe(0);
    expect(k.sys.fcntl(e, F_SETFD, -1)).toBe(0);
    expect(getfd(k, e)).toBe(1);
    // F_SETFD touches neither the status flags nor other fds.
    expect(getfl(k, e)).toBe(2);
    expect(getfd(k, 0)).toBe(0);
    expect(k.sys.fcntl(9, F_SETFD, 1)).toBe(-EBADF);
    expect(k.sys.fcntl(9, F_GETFD)).toBe(-EBADF);
    expect(k.sys.fcntl(0, F_SETFD, FD_CLOEXEC)).toBe(0);
    expect(getfd(k, 0)).toBe(1);
    expect(getfd(k, 1)).toBe(0);
  });

  test("a closed and reused fd number starts without FD_CLOEXEC", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, EFD_CLOEXEC);
    expect(k.sys.close(e)).toBe(0);
    expect(k.sys.epoll_create1(0)).toBe(e);
    expect(getfd(k, e)).toBe(0);
  });
});

describe("F_GETFL", () => {
  test("pipe ends: O_RDONLY / O_WRONLY plus O_NONBLOCK; O_DIRECT on the write end only; no O_CLOEXEC", () => {
    const k = newKernel();
    const cases: [number, number, number][] = [
      [0, 0, 1],
      [O_NONBLOCK, 0x800, 0x801],
      [O_DIRECT, 0, 0x4001],
      [O_DIRECT | O_NONBLOCK, 0x800, 0x4801],
      [O_CLOEXEC, 0, 1],
      [O_CLOEXEC | O_NONBLOCK | O_DIRECT, 0x800, 0x4801],
    ];
    for (const [flags, rfl, wfl] of cases) {
      const [r, w] = pipe(k, flags);
      expect([flags, getfl(k, r), getfl(k, w)]).toEqual([flags, rfl, wfl]);
    }
  });

  test("eventfd O_RDWR (+O_NONBLOCK), epoll O_RDWR, memfd and fds 0-2 O_RDWR|O_LARGEFILE", () => {
    const k = newKernel();
    expect(getfl(k, k.sys.eventfd(0, 0))).toBe(2);
    expect(getfl(k, k.sys.eventfd(5, EFD_NONBLOCK))).toBe(0x802);
    expect(getfl(k, k.sys.eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE))).toBe(2);
    expect(getfl(k, k.sys.epoll_create1(0))).toBe(2);
    expect(getfl(k, k.sys.epoll_create1(EPOLL_CLOEXEC))).toBe(2);
    expect(getfl(k, k.sys.epoll_create(100))).toBe(2);
    expect(getfl(k, k.sys.memfd_create("m", 0))).toBe(0x8002);
    expect(getfl(k, k.sys.memfd_create("m", MFD_CLOEXEC))).toBe(0x8002);
    expect([0, 1, 2].map((fd) => getfl(k, fd))).toEqual([0x8002, 0x8002, 0x8002]);
    expect(getfl(k, 99)).toBe(-EBADF);
  });
});

describe("F_SETFL", () => {
  test("O_NONBLOCK toggles on and off; the access mode cannot change", () => {
    const k = newKernel();
    const [r, w] = pipe(k, 0);
    expect(k.sys.fcntl(r, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, r)).toBe(0x800);
    expect(getfl(k, w)).toBe(1); // the other end is another description
    expect(k.sys.fcntl(r, F_SETFL, 0)).toBe(0);
    expect(getfl(k, r)).toBe(0);
    expect(k.sys.fcntl(w, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, w)).toBe(0x801);
    // Access mode bits, O_CLOEXEC, O_CREAT (0x40), O_TRUNC (0x200) are ignored.
    expect(k.sys.fcntl(r, F_SETFL, 2 | O_NONBLOCK | O_CLOEXEC | 0x40 | 0x200)).toBe(0);
    expect(getfl(k, r)).toBe(0x800);
    expect(getfd(k, r)).toBe(0);
    expect(k.sys.fcntl(w, F_SETFL, 0)).toBe(0);
    expect(getfl(k, w)).toBe(1);
    // A read-only end stays unwritable, a write-only end unreadable.
    expect(k.sys.write(r, bytes(1), 1)).toBe(-EBADF);
    expect(k.sys.read(w, new Uint8Array(1), 1)).toBe(-EBADF);
  });

  test("O_NONBLOCK on eventfd, epoll, memfd, null device; O_LARGEFILE is kept", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, EFD_NONBLOCK);
    const ep = k.sys.epoll_create1(0);
    const m = k.sys.memfd_create("m", 0);
    expect(k.sys.fcntl(e, F_SETFL, 0)).toBe(0);
    expect(getfl(k, e)).toBe(2);
    expect(k.sys.fcntl(e, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, e)).toBe(0x802);
    expect(k.sys.fcntl(ep, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, ep)).toBe(0x802);
    expect(k.sys.fcntl(m, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, m)).toBe(O_LARGEFILE | 0x802);
    expect(k.sys.fcntl(m, F_SETFL, 0)).toBe(0);
    expect(getfl(k, m)).toBe(0x8002);
    expect(k.sys.fcntl(2, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, 2)).toBe(0x8802);
  });

  test("O_APPEND is a settable status flag", () => {
    const k = newKernel();
    const [, w] = pipe(k, 0);
    expect(k.sys.fcntl(w, F_SETFL, O_APPEND | O_NONBLOCK)).toBe(0);
    expect(getfl(k, w)).toBe(O_APPEND | O_NONBLOCK | 1);
  });

  test("O_DIRECT on either pipe end: packet mode", () => {
    const k = newKernel();
    const [r, w] = pipe(k, O_NONBLOCK);
    expect(k.sys.fcntl(r, F_SETFL, O_DIRECT | O_NONBLOCK)).toBe(0);
    expect(getfl(k, r)).toBe(0x4800);
    expect(k.sys.fcntl(w, F_SETFL, O_DIRECT | O_NONBLOCK)).toBe(0);
    expect(getfl(k, w)).toBe(0x4801);
    // Each write is one packet; a read takes at most one packet.
    expect(k.sys.write(w, new Uint8Array([1, 2, 3]), 3)).toBe(3);
    expect(k.sys.write(w, new Uint8Array([4, 5]), 2)).toBe(2);
    const b = new Uint8Array(10);
    expect(k.sys.read(r, b, 10)).toBe(3);
    expect([...b.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(k.sys.read(r, b, 10)).toBe(2);
    expect([...b.subarray(0, 2)]).toEqual([4, 5]);
    // Clearing it returns to byte-stream writes that merge.
    expect(k.sys.fcntl(w, F_SETFL, O_NONBLOCK)).toBe(0);
    expect(getfl(k, w)).toBe(0x801);
    expect(k.sys.write(w, new Uint8Array([6, 7]), 2)).toBe(2);
    expect(k.sys.write(w, new Uint8Array([8]), 1)).toBe(1);
    expect(k.sys.read(r, b, 10)).toBe(3);
  });

  test("O_DIRECT on eventfd, epoll, memfd and the null device is EINVAL and changes nothing", () => {
    const k = newKernel();
    const e = k.sys.eventfd(0, 0);
    const ep = k.sys.epoll_create1(0);
    const m = k.sys.memfd_create("m", 0);
    for (const fd of [e, ep, m, 0]) {
      const fl = getfl(k, fd);
      expect(k.sys.fcntl(fd, F_SETFL, O_DIRECT)).toBe(-EINVAL);
      expect(k.sys.fcntl(fd, F_SETFL, O_DIRECT | O_NONBLOCK)).toBe(-EINVAL);
      expect(getfl(k, fd)).toBe(fl);
    }
    expect([e, ep, m, 0].map((fd) => getfl(k, fd))).toEqual([2, 2, 0x8002, 0x8002]);
  });

  test("F_SETFL on an unknown fd is EBADF; an unknown cmd is EINVAL", () => {
    const k = newKernel();
    expect(k.sys.fcntl(5, F_SETFL, O_NONBLOCK)).toBe(-EBADF);
    expect(k.sys.fcntl(1, 12345, 0)).toBe(-EINVAL);
  });
});
