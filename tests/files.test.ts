// Pipes and eventfds as Linux 6.x defines them (facts checked on this machine's kernel).
import * as E from "../src/index";
import { newKernel, tags, bytes } from "./helpers";

const ASK = E.POLLIN | E.POLLOUT | E.POLLPRI | E.POLLRDNORM | E.POLLWRNORM | E.EPOLLRDHUP;

function pollMask(k: E.Kernel, fd: number, events = ASK): number {
  const fds = [{ fd, events, revents: -1 }];
  expect(k.sys.poll(fds, 1, 0)).toBeGreaterThanOrEqual(0);
  return fds[0].revents;
}

describe("pipe", () => {
  test("poll masks of both ends through their life", () => {
    const k = newKernel();
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    expect(pollMask(k, p[0])).toBe(0);
    expect(pollMask(k, p[1])).toBe(0x104);
    k.sys.write(p[1], bytes(1), 1);
    expect(pollMask(k, p[0])).toBe(0x41);
    expect(k.sys.close(p[1])).toBe(0);
    expect(pollMask(k, p[0])).toBe(0x51);
    expect(k.sys.read(p[0], new Uint8Array(4), 4)).toBe(1);
    expect(pollMask(k, p[0])).toBe(0x10);
    expect(k.sys.read(p[0], new Uint8Array(4), 4)).toBe(0); // EOF
    const q: number[] = [];
    k.sys.pipe2(q, E.O_NONBLOCK);
    expect(k.sys.close(q[0])).toBe(0);
    expect(pollMask(k, q[1])).toBe(0x10c);
    expect(pollMask(k, q[1], 0)).toBe(0x8);
    expect(k.sys.write(q[1], bytes(1), 1)).toBe(-E.EPIPE);
    expect(k.sys.write(q[1], bytes(1), 0)).toBe(0);
  });

  test("capacity is 16 page buffers: 65536 one-byte writes, but 61441 after a 4097-byte write", () => {
    const k = newKernel();
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    let ok = 0;
    while (k.sys.write(p[1], bytes(1), 1) === 1) ok++;
    expect(ok).toBe(65536);
    expect(pollMask(k, p[1])).toBe(0);
    const q: number[] = [];
    k.sys.pipe2(q, E.O_NONBLOCK);
    expect(k.sys.write(q[1], bytes(4097), 4097)).toBe(4097);
    let total = 4097;
    for (let n; (n = k.sys.write(q[1], bytes(4096), 4096)) > 0; ) total += n;
    expect(total).toBe(61441);
    expect(k.sys.write(q[1], bytes(4096), 4096)).toBe(-E.EAGAIN);
    // Non-blocking writes larger than the room left are partial.
    const r: number[] = [];
    k.sys.pipe2(r, E.O_NONBLOCK);
    expect(k.sys.write(r[1], bytes(70000), 70000)).toBe(65536);
  });

  test("reading one byte of a full pipe frees no buffer: EPOLLOUT (ET) only after a page is read", () => {
    const k = newKernel();
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    for (let i = 0; i < 16; i++) expect(k.sys.write(p[1], bytes(4096), 4096)).toBe(4096);
    const ep = k.sys.epoll_create1(0);
    expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[1], { events: E.EPOLLOUT | E.EPOLLET, data: 1 })).toBe(0);
    expect(tags(k, ep)).toEqual([]);
    const buf = new Uint8Array(4096);
    expect(k.sys.read(p[0], buf, 1)).toBe(1);
    expect(pollMask(k, p[1])).toBe(0);
    expect(k.inspect(ep).rdllist).toEqual([]); // no wakeup reached the item: not even queued
    expect(tags(k, ep)).toEqual([]);
    expect(k.sys.read(p[0], buf, 4095)).toBe(4095);
    expect(k.inspect(ep).rdllist).toEqual([p[1]]);
    expect(pollMask(k, p[1])).toBe(0x104);
    expect(tags(k, ep)).toEqual([1]);
    expect(k.sys.read(p[0], buf, 1)).toBe(1); // was not full: no wakeup, no new edge
    expect(tags(k, ep)).toEqual([]);
  });

  test("data round-trips in order across buffers", () => {
    const k = newKernel();
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    const src = new Uint8Array(10000).map((_, i) => i * 7);
    expect(k.sys.write(p[1], src, 10000)).toBe(10000);
    const dst = new Uint8Array(10000);
    expect(k.sys.read(p[0], dst.subarray(0, 3000), 3000)).toBe(3000);
    expect(k.sys.read(p[0], dst.subarray(3000), 7000)).toBe(7000);
    expect(dst).toEqual(src);
    expect(k.sys.read(p[0], dst, 1)).toBe(-E.EAGAIN);
    expect(k.sys.read(p[0], dst, 0)).toBe(0);
  });

  test("O_DIRECT packet mode: one write per read, the rest of a packet is discarded", () => {
    const k = newKernel();
    const p: number[] = [];
    expect(k.sys.pipe2(p, E.O_DIRECT | E.O_NONBLOCK)).toBe(0);
    expect(k.sys.fcntl(p[0], E.F_GETFL)).toBe(0x800);
    expect(k.sys.fcntl(p[1], E.F_GETFL)).toBe(0x4801);
    k.sys.write(p[1], new TextEncoder().encode("abc"), 3);
    k.sys.write(p[1], new TextEncoder().encode("defgh"), 5);
    const b = new Uint8Array(100);
    expect(k.sys.read(p[0], b, 2)).toBe(2);
    expect(new TextDecoder().decode(b.subarray(0, 2))).toBe("ab");
    expect(k.sys.read(p[0], b, 100)).toBe(5);
    expect(new TextDecoder().decode(b.subarray(0, 5))).toBe("defgh");
    expect(k.sys.read(p[0], b, 100)).toBe(-E.EAGAIN);
  });

  test("pipe2 flag checks: O_NOTIFICATION_PIPE is ENOPKG (no watch queues), unknown bits EINVAL", () => {
    const k = newKernel();
    expect(k.sys.pipe2([], 0x80)).toBe(-65);
    expect(k.sys.pipe2([], 0x1)).toBe(-E.EINVAL);
    expect(k.fdt.fds()).toEqual([0, 1, 2]);
  });

  test("read/write on the wrong end is EBADF", () => {
    const k = newKernel();
    const p: number[] = [];
    k.sys.pipe2(p, E.O_NONBLOCK);
    expect(k.sys.write(p[0], bytes(1), 1)).toBe(-E.EBADF);
    expect(k.sys.read(p[1], new Uint8Array(1), 1)).toBe(-E.EBADF);
  });
});

describe("eventfd", () => {
  const u64 = (v: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return b;
  };
  const readU64 = (k: E.Kernel, fd: number): bigint | number => {
    const b = new Uint8Array(8);
    const n = k.sys.read(fd, b, 8);
    return n < 0 ? n : new DataView(b.buffer).getBigUint64(0, true);
  };

  test("counter, poll masks, limits", () => {
    const k = newKernel();
    const fd = k.sys.eventfd(0, E.EFD_NONBLOCK);
    expect(k.sys.fcntl(fd, E.F_GETFL)).toBe(0x802);
    expect(pollMask(k, fd)).toBe(0x4);
    expect(readU64(k, fd)).toBe(-E.EAGAIN);
    expect(k.sys.write(fd, u64(5n), 8)).toBe(8);
    expect(pollMask(k, fd)).toBe(0x5);
    expect(k.sys.write(fd, u64(0xfffffffffffffff9n), 8)).toBe(8); // counter = max - 1
    expect(pollMask(k, fd)).toBe(0x1);
    expect(k.sys.write(fd, u64(1n), 8)).toBe(-E.EAGAIN);
    expect(k.sys.write(fd, u64(0xffffffffffffffffn), 8)).toBe(-E.EINVAL);
    expect(k.sys.write(fd, u64(1n), 7)).toBe(-E.EINVAL);
    expect(k.sys.write(fd, new Uint8Array(16), 16)).toBe(-E.EINVAL);
    expect(k.sys.read(fd, new Uint8Array(8), 7)).toBe(-E.EINVAL);
    expect(readU64(k, fd)).toBe(0xfffffffffffffffen);
    expect(readU64(k, fd)).toBe(-E.EAGAIN);
    expect(k.sys.eventfd(0, 0x1234)).toBe(-E.EINVAL);
  });

  test("EFD_SEMAPHORE reads 1 at a time", () => {
    const k = newKernel();
    const fd = k.sys.eventfd(3, E.EFD_SEMAPHORE | E.EFD_NONBLOCK);
    expect([readU64(k, fd), readU64(k, fd), readU64(k, fd), readU64(k, fd)]).toEqual([1n, 1n, 1n, -E.EAGAIN]);
  });

  test("edge-triggered: writes wake EPOLLIN watchers (even a write of 0); reads wake EPOLLOUT ones", () => {
    const k = newKernel();
    const fd = k.sys.eventfd(1, E.EFD_NONBLOCK);
    const ep = k.sys.epoll_create1(0);
    expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN | E.EPOLLET, data: 1 })).toBe(0);
    const d = k.sys.dup(fd);
    expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, d, { events: E.EPOLLOUT | E.EPOLLET, data: 2 })).toBe(0);
    expect(tags(k, ep)).toEqual([1, 2]);
    expect(tags(k, ep)).toEqual([]);
    expect(k.sys.write(fd, u64(0n), 8)).toBe(8);
    expect(tags(k, ep)).toEqual([1]); // key EPOLLIN: the OUT-only item filters it out
    expect(k.sys.write(fd, u64(1n), 8)).toBe(8);
    expect(tags(k, ep)).toEqual([1]);
    expect(readU64(k, fd)).toBe(2n);
    expect(tags(k, ep)).toEqual([2]);
  });
});

describe("memfd and the null device", () => {
  test("memfd is a regular file: EPERM for epoll, DEFAULT_POLLMASK for poll, reads what was written", () => {
    const k = newKernel();
    const fd = k.sys.memfd_create("x", E.MFD_CLOEXEC);
    expect(k.sys.fcntl(fd, E.F_GETFL)).toBe(0x8002);
    expect(k.sys.fcntl(fd, E.F_GETFD)).toBe(1);
    expect(pollMask(k, fd)).toBe(0x145);
    expect(k.sys.write(fd, bytes(5), 5)).toBe(5);
    expect(k.sys.read(fd, new Uint8Array(5), 5)).toBe(0); // position is at the end
    expect(k.sys.memfd_create("n".repeat(250), 0)).toBe(-E.EINVAL);
    expect(k.sys.memfd_create("n".repeat(249), 0)).toBeGreaterThan(2);
    expect(k.sys.memfd_create("x", 0x100)).toBe(-E.EINVAL);
  });
});
