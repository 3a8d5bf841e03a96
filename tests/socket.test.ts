// AF_UNIX stream socketpairs: poll masks through shutdown and close, EOF/EPIPE/ECONNRESET,
// the send-buffer accounting, and the wakeup keys epoll sees (facts checked on Linux 6.18).
import * as E from "../src/index";
import { newKernel, harvest, tags, bytes } from "./helpers";

const ASK = 0x2347; // IN|PRI|OUT|RDNORM|WRNORM|WRBAND|RDHUP

function pair(k: E.Kernel, flags = E.SOCK_NONBLOCK): number[] {
  const sv: number[] = [];
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM | flags, 0, sv)).toBe(0);
  return sv;
}
function mask(k: E.Kernel, fd: number): number {
  const p = [{ fd, events: ASK, revents: 0 }];
  expect(k.sys.poll(p, 1, 0)).toBeGreaterThanOrEqual(0);
  return p[0].revents;
}

test("poll masks: fresh, data, every shutdown, close", () => {
  const k = newKernel();
  let [a, b] = pair(k);
  expect([mask(k, a), mask(k, b)]).toEqual([0x304, 0x304]);
  k.sys.write(b, bytes(1), 1);
  expect(mask(k, a)).toBe(0x345);
  const cases: [number, number, [number, number]][] = [
    [0, E.SHUT_RD, [0x2345, 0x304]],
    [0, E.SHUT_WR, [0x304, 0x2345]],
    [1, E.SHUT_WR, [0x2345, 0x304]],
    [1, E.SHUT_RD, [0x304, 0x2345]],
    [0, E.SHUT_RDWR, [0x2355, 0x2355]],
  ];
  for (const [who, how, want] of cases) {
    [a, b] = pair(k);
    expect(k.sys.shutdown(who === 0 ? a : b, how)).toBe(0);
    expect([mask(k, a), mask(k, b)]).toEqual(want);
  }
  [a, b] = pair(k);
  k.sys.close(b);
  expect(mask(k, a)).toBe(0x2355);
});

test("reads: data survives a shutdown, then EOF; a peer closed on unread data is ECONNRESET once", () => {
  const k = newKernel();
  const [a, b] = pair(k);
  k.sys.write(b, bytes(3), 3);
  expect(k.sys.shutdown(a, E.SHUT_RD)).toBe(0);
  const buf = new Uint8Array(16);
  expect(k.sys.read(a, buf, 16)).toBe(3);
  expect(k.sys.read(a, buf, 16)).toBe(0);
  const [c, d] = pair(k);
  expect(k.sys.read(c, buf, 16)).toBe(-E.EAGAIN);
  k.sys.write(c, bytes(3), 3); // d never reads it
  expect(k.sys.close(d)).toBe(0);
  expect(mask(k, c)).toBe(0x235d);
  expect(k.sys.read(c, buf, 16)).toBe(-E.ECONNRESET);
  expect(k.sys.read(c, buf, 16)).toBe(0);
  expect(mask(k, c)).toBe(0x2355);
});

test("writes: EPIPE after our SHUT_WR, after the peer's SHUT_RD, after the peer's close", () => {
  const k = newKernel();
  let [a, b] = pair(k);
  k.sys.shutdown(a, E.SHUT_WR);
  expect(k.sys.write(a, bytes(1), 1)).toBe(-E.EPIPE);
  expect(k.sys.write(a, bytes(1), 0)).toBe(-E.EPIPE); // even a zero-length write
  [a, b] = pair(k);
  k.sys.shutdown(b, E.SHUT_RD);
  expect(k.sys.write(a, bytes(1), 1)).toBe(-E.EPIPE);
  [a, b] = pair(k);
  k.sys.close(b);
  expect(k.sys.write(a, bytes(1), 1)).toBe(-E.EPIPE);
});

test("send buffer: skb truesize accounting against SO_SNDBUF 212992", () => {
  const k = newKernel();
  let [a, b] = pair(k);
  let n = 0;
  while (k.sys.write(a, bytes(1), 1) === 1) n++;
  expect(n).toBe(278); // 768 bytes of truesize each
  expect(mask(k, a)).toBe(0);
  // Writable again only at a quarter of the buffer: 209 one-byte skbs consumed.
  let r = 0;
  while (mask(k, a) === 0) r += k.sys.read(b, new Uint8Array(1), 1);
  expect(r).toBe(209);
  [a, b] = pair(k);
  n = 0;
  while (k.sys.write(a, bytes(4096), 4096) === 4096) n++;
  expect(n).toBe(44);
  [a, b] = pair(k);
  expect(k.sys.write(a, bytes(1000000), 1000000)).toBe(219264); // six 36544-byte skbs
  expect(k.sys.write(a, bytes(1), 1)).toBe(-E.EAGAIN);
});

test("epoll keys: data wakes IN only, freed space wakes OUT only, shutdown wakes everything", () => {
  const k = newKernel();
  const [a, b] = pair(k);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, a, { events: E.EPOLLOUT | E.EPOLLET, data: 1 })).toBe(0);
  expect(tags(k, ep)).toEqual([1]);
  k.sys.write(b, bytes(1), 1); // data arriving at a: key IN, filtered out
  expect(tags(k, ep)).toEqual([]);
  k.sys.write(a, bytes(1), 1);
  expect(tags(k, ep)).toEqual([]);
  k.sys.read(b, new Uint8Array(1), 1); // a's skb freed while writable: OUT edge
  expect(tags(k, ep)).toEqual([1]);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, a, { events: E.EPOLLIN | E.EPOLLRDHUP | E.EPOLLET, data: 2 })).toBe(0);
  expect(tags(k, ep)).toEqual([2]); // the byte b wrote is readable
  k.sys.shutdown(b, E.SHUT_WR);
  expect(harvest(k, ep)).toEqual([{ events: E.EPOLLIN | E.EPOLLRDHUP, data: 2n }]);
  k.sys.close(b);
  expect(harvest(k, ep)).toEqual([{ events: E.EPOLLIN | E.EPOLLRDHUP | E.EPOLLHUP, data: 2n }]);
});

test("socketpair and shutdown argument checks", () => {
  const k = newKernel();
  expect(k.sys.socketpair(2, E.SOCK_STREAM, 0, [])).toBe(-E.EOPNOTSUPP);
  expect(k.sys.socketpair(999, E.SOCK_STREAM, 0, [])).toBe(-E.EAFNOSUPPORT);
  expect(k.sys.socketpair(E.AF_UNIX, 99, 0, [])).toBe(-E.EINVAL);
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM | 0x1000000, 0, [])).toBe(-E.EINVAL);
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 2, [])).toBe(-E.EPROTONOSUPPORT);
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 0, null as unknown as number[])).toBe(-E.EFAULT);
  expect(k.fdt.fds()).toEqual([0, 1, 2]);
  const sv = pair(k, E.SOCK_CLOEXEC);
  expect(k.sys.fcntl(sv[0], E.F_GETFL)).toBe(2);
  expect(k.sys.fcntl(sv[0], E.F_GETFD)).toBe(1);
  expect(k.sys.shutdown(sv[0], 3)).toBe(-E.EINVAL);
  expect(k.sys.shutdown(sv[0], -1)).toBe(-E.EINVAL);
  expect(k.sys.shutdown(0, 3)).toBe(-E.ENOTSOCK);
  expect(k.sys.shutdown(999, 3)).toBe(-E.EBADF);
  expect([k.sys.shutdown(sv[0], E.SHUT_WR), k.sys.shutdown(sv[0], E.SHUT_WR), k.sys.shutdown(sv[0], E.SHUT_RDWR)]).toEqual([0, 0, 0]);
});
