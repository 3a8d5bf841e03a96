// UDP over the model's loopback (AF_INET and AF_INET6). Expected values were observed on
// this machine's Linux 6.18 with small C programs doing the same calls on 127.0.0.1 / ::1
// (non-blocking sockets; poll with all request bits).
import * as E from "../src/index";
import { newKernel } from "./helpers";

const { AF_INET, AF_INET6, SOCK_DGRAM, SOCK_NONBLOCK } = E;
const OUT3 = E.EPOLLOUT | E.EPOLLWRNORM | E.EPOLLWRBAND; // 0x304
const READABLE = OUT3 | E.EPOLLIN | E.EPOLLRDNORM; // 0x345
const enc = (s: string) => new TextEncoder().encode(s);
const revents = (k: E.Kernel, fd: number) => {
  const p = [{ fd, events: 0x23c7, revents: 0 }];
  expect(k.sys.poll(p, 1, 0)).toBeGreaterThanOrEqual(0);
  return p[0].revents;
};
const at = (fam: number, port: number): E.SockAddr => (fam === AF_INET ? { family: fam, addr: "127.0.0.1", port } : { family: fam, addr: "::1", port });
const portOf = (k: E.Kernel, fd: number) => {
  const o = { family: 0, addr: "", port: -1 };
  expect(k.sys.getsockname(fd, o)).toBe(0);
  return o.port;
};
/** A bound receiver and an unbound sender. */
function pair(k: E.Kernel, fam: number) {
  const r = k.sys.socket(fam, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(k.sys.bind(r, at(fam, 0))).toBe(0);
  const s = k.sys.socket(fam, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  return { r, s, to: at(fam, portOf(k, r)) };
}

describe.each([
  ["AF_INET", AF_INET, 65507],
  ["AF_INET6", AF_INET6, 65527],
])("%s", (_n, fam, max) => {
  test("poll masks, autobind on send, FIONREAD, the sender's address (q17, q20)", () => {
    const k = newKernel();
    const { r, s, to } = pair(k, fam);
    expect(revents(k, s)).toBe(OUT3);
    const o = { family: 0, addr: "", port: -1 };
    expect(k.sys.getsockname(s, o)).toBe(0);
    expect(o).toEqual({ family: fam, addr: fam === AF_INET ? "0.0.0.0" : "::", port: 0 });
    expect(k.sys.getpeername(s, o)).toBe(-E.ENOTCONN);
    expect(k.sys.sendto(s, enc("hello"), 5, 0, to)).toBe(5);
    expect(revents(k, r)).toBe(READABLE);
    expect(portOf(k, s)).toBeGreaterThan(0); // the send bound it
    const n = [0];
    expect(k.sys.ioctl(r, E.FIONREAD, n)).toBe(0);
    expect(n[0]).toBe(5);
    const from = { family: 0, addr: "", port: 0 };
    const b = new Uint8Array(16);
    expect(k.sys.recvfrom(r, b, 16, 0, from)).toBe(5);
    expect(from).toEqual({ family: fam, addr: fam === AF_INET ? "127.0.0.1" : "::1", port: portOf(k, s) });
    expect(revents(k, r)).toBe(OUT3);
    expect(k.sys.recv(r, b, 16, 0)).toBe(-E.EAGAIN);
  });

  test("message boundaries: a short read loses the rest; MSG_TRUNC and MSG_PEEK; empty datagrams (q20)", () => {
    const k = newKernel();
    const { r, s, to } = pair(k, fam);
    const b = new Uint8Array(64);
    expect(k.sys.sendto(s, enc("0123456789"), 10, 0, to)).toBe(10);
    expect(k.sys.recv(r, b, 4, 0)).toBe(4);
    expect(new TextDecoder().decode(b.subarray(0, 4))).toBe("0123");
    expect(k.sys.recv(r, b, 64, 0)).toBe(-E.EAGAIN);
    expect(k.sys.sendto(s, enc("0123456789"), 10, 0, to)).toBe(10);
    expect(k.sys.recv(r, b, 4, E.MSG_TRUNC)).toBe(10);
    expect(k.sys.sendto(s, enc("0123456789"), 10, 0, to)).toBe(10);
    const msg: E.MsgHdr = { iov: [new Uint8Array(4)] };
    expect(k.sys.recvmsg(r, msg, 0)).toBe(4);
    expect(msg.flags).toBe(E.MSG_TRUNC);
    expect(k.sys.sendto(s, enc("0123456789"), 10, 0, to)).toBe(10);
    expect(k.sys.recv(r, b, 4, E.MSG_PEEK | E.MSG_TRUNC)).toBe(10);
    expect(k.sys.recv(r, b, 64, 0)).toBe(10);
    expect(k.sys.sendto(s, b, 0, 0, to)).toBe(0);
    expect(revents(k, r)).toBe(READABLE);
    const n = [9];
    expect(k.sys.ioctl(r, E.FIONREAD, n)).toBe(0);
    expect(n[0]).toBe(0);
    expect(k.sys.recv(r, b, 64, 0)).toBe(0);
    expect(revents(k, r)).toBe(OUT3);
    expect(k.sys.sendto(s, enc("0123456789"), 10, 0, to)).toBe(10);
    expect(k.sys.recv(r, b, 0, 0)).toBe(0); // a 0-byte receive takes the datagram
    expect(k.sys.recv(r, b, 64, 0)).toBe(-E.EAGAIN);
  });

  test("the largest datagram (q18)", () => {
    const k = newKernel();
    const { r, s, to } = pair(k, fam);
    const big = new Uint8Array(70000);
    expect(k.sys.sendto(s, big, max, 0, to)).toBe(max);
    expect(k.sys.recv(r, big, 70000, 0)).toBe(max);
    for (const n of [max + 1, 65535, 65536, 70000]) expect(k.sys.sendto(s, big, n, 0, to)).toBe(-E.EMSGSIZE);
    expect(k.sys.recv(r, big, 70000, 0)).toBe(-E.EAGAIN);
  });

  test("a connected socket learns ECONNREFUSED from a closed port; an unconnected one never (q19)", () => {
    const k = newKernel();
    const dead = k.sys.socket(fam, SOCK_DGRAM, 0);
    expect(k.sys.bind(dead, at(fam, 0))).toBe(0);
    const to = at(fam, portOf(k, dead));
    expect(k.sys.close(dead)).toBe(0);
    const c = k.sys.socket(fam, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    expect(k.sys.connect(c, to)).toBe(0);
    expect(revents(k, c)).toBe(OUT3);
    expect(k.sys.send(c, enc("x"), 1, 0)).toBe(1);
    expect(revents(k, c)).toBe(OUT3 | E.EPOLLERR); // 0x30c
    const err = [0];
    expect(k.sys.getsockopt(c, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
    expect(err[0]).toBe(E.ECONNREFUSED);
    expect(revents(k, c)).toBe(OUT3);
    expect(k.sys.send(c, enc("x"), 1, 0)).toBe(1);
    expect(k.sys.send(c, enc("x"), 1, 0)).toBe(-E.ECONNREFUSED); // the pending error, nothing sent
    expect(revents(k, c)).toBe(OUT3);
    expect(k.sys.recv(c, new Uint8Array(4), 4, 0)).toBe(-E.EAGAIN);
    expect(k.sys.send(c, enc("x"), 1, 0)).toBe(1);
    expect(k.sys.recv(c, new Uint8Array(4), 4, 0)).toBe(-E.ECONNREFUSED);
    const u = k.sys.socket(fam, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    expect(k.sys.sendto(u, enc("x"), 1, 0, to)).toBe(1);
    expect(revents(k, u)).toBe(OUT3);
    expect(k.sys.getsockopt(u, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
    expect(err[0]).toBe(0);
  });
});

test("a full receiver drops datagrams silently: 92 of 1000 bytes, 256 of 1 byte fit in 212992 (q21)", () => {
  for (const [size, fits] of [
    [1000, 92],
    [1, 256],
    [200, 166],
    [2000, 48],
    [8000, 12],
    [32000, 6],
  ]) {
    const k = newKernel();
    const { r, s, to } = pair(k, AF_INET);
    const buf = new Uint8Array(size);
    for (let i = 0; i < 400; i++) expect(k.sys.sendto(s, buf, size, 0, to)).toBe(size);
    let n = 0;
    while (k.sys.recv(r, new Uint8Array(size), size, 0) === size) n++;
    expect([size, n]).toEqual([size, fits]);
  }
});

test("connect, disconnect, listen/accept, shutdown on UDP (q22)", () => {
  const k = newKernel();
  const s = k.sys;
  const u = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  const b = new Uint8Array(4);
  expect(s.send(u, b, 1, 0)).toBe(-E.EDESTADDRREQ);
  expect(s.write(u, b, 1)).toBe(-E.EDESTADDRREQ);
  expect(portOf(k, u)).toBeGreaterThan(0); // bound by the failed send
  const { r, to } = pair(k, AF_INET);
  const c = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(s.connect(c, to)).toBe(0);
  const o = { family: 0, addr: "", port: 0 };
  expect(s.getsockname(c, o)).toBe(0);
  expect(o.addr).toBe("127.0.0.1");
  expect(s.getpeername(c, o)).toBe(0);
  expect(o.port).toBe(to.port);
  expect(s.write(c, enc("ab"), 2)).toBe(2);
  expect(s.read(r, b, 4)).toBe(2);
  expect(s.connect(c, { family: E.AF_UNSPEC, addr: "0.0.0.0", port: 0 })).toBe(0);
  expect(s.getpeername(c, o)).toBe(-E.ENOTCONN);
  expect(s.getsockname(c, o)).toBe(0);
  expect(o).toEqual({ family: AF_INET, addr: "0.0.0.0", port: 0 });
  expect(s.send(c, b, 1, 0)).toBe(-E.EDESTADDRREQ);
  expect(s.listen(c, 1)).toBe(-E.EOPNOTSUPP);
  expect(s.accept(c, null)).toBe(-E.EOPNOTSUPP);
  const z = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(s.shutdown(z, E.SHUT_RD)).toBe(-E.ENOTCONN); // refused, yet in force
  expect(revents(k, z)).toBe(0x2345);
  expect(s.recv(z, b, 4, 0)).toBe(-E.EAGAIN);
  const zb = s.socket(AF_INET, SOCK_DGRAM, 0);
  expect(s.shutdown(zb, E.SHUT_RD)).toBe(-E.ENOTCONN);
  expect(s.recv(zb, b, 4, 0)).toBe(0); // a blocking receive returns at once
  const zz = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(s.shutdown(zz, E.SHUT_WR)).toBe(-E.ENOTCONN);
  expect(revents(k, zz)).toBe(OUT3);
  expect(s.sendto(zz, b, 1, 0, to)).toBe(-E.EPIPE);
  expect(s.shutdown(zz, E.SHUT_RDWR)).toBe(-E.ENOTCONN);
  expect(revents(k, zz)).toBe(0x2355);
  const x = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(s.connect(x, to)).toBe(0);
  expect(s.shutdown(x, E.SHUT_RD)).toBe(0);
  expect(revents(k, x)).toBe(0x2345);
  expect(s.send(x, b, 1, 0)).toBe(1);
  expect(s.shutdown(x, E.SHUT_WR)).toBe(0);
  expect(s.send(x, b, 1, 0)).toBe(-E.EPIPE);
  expect(revents(k, x)).toBe(0x2355);
});

test("two sockets on one port: SO_REUSEADDR delivers to the last bound; a SO_REUSEPORT group shares by sender (q23)", () => {
  const k = newKernel();
  const s = k.sys;
  const mk = (opt: number) => {
    const fd = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    expect(s.setsockopt(fd, E.SOL_SOCKET, opt, 1)).toBe(0);
    return fd;
  };
  const A = mk(E.SO_REUSEADDR);
  expect(s.bind(A, at(AF_INET, 0))).toBe(0);
  const P = portOf(k, A);
  const B = mk(E.SO_REUSEADDR);
  expect(s.bind(B, at(AF_INET, P))).toBe(0);
  expect(s.bind(s.socket(AF_INET, SOCK_DGRAM, 0), at(AF_INET, P))).toBe(-E.EADDRINUSE);
  const snd = s.socket(AF_INET, SOCK_DGRAM, 0);
  for (let i = 0; i < 4; i++) expect(s.sendto(snd, enc("x"), 1, 0, at(AF_INET, P))).toBe(1);
  const count = (fd: number) => {
    let n = 0;
    while (s.recv(fd, new Uint8Array(1), 1, 0) === 1) n++;
    return n;
  };
  expect([count(A), count(B)]).toEqual([0, 4]);
  expect(s.close(B)).toBe(0);
  expect(s.sendto(snd, enc("x"), 1, 0, at(AF_INET, P))).toBe(1);
  expect(count(A)).toBe(1);
  // SO_REUSEPORT: one sender always reaches the same member; many senders reach both.
  const C = mk(E.SO_REUSEPORT);
  expect(s.bind(C, at(AF_INET, 0))).toBe(0);
  const Q = portOf(k, C);
  const D = mk(E.SO_REUSEPORT);
  expect(s.bind(D, at(AF_INET, Q))).toBe(0);
  for (let i = 0; i < 4; i++) expect(s.sendto(snd, enc("x"), 1, 0, at(AF_INET, Q))).toBe(1);
  const one = [count(C), count(D)];
  expect(one.sort()).toEqual([0, 4]);
  for (let i = 0; i < 20; i++) expect(s.sendto(s.socket(AF_INET, SOCK_DGRAM, 0), enc("x"), 1, 0, at(AF_INET, Q))).toBe(1);
  expect(count(C) + count(D)).toBe(20);
});
