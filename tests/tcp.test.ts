// TCP over the model's loopback (AF_INET and AF_INET6): every expected value here was
// observed on this machine's Linux 6.18 with small C programs doing the same calls on
// 127.0.0.1 / ::1 (poll with all request bits; non-blocking sockets unless said). The C
// shape of each case is in its comment.
import * as E from "../src/index";
import { newKernel } from "./helpers";

const { AF_INET, AF_INET6, SOCK_STREAM, SOCK_NONBLOCK } = E;
const IN = E.EPOLLIN, OUT = E.EPOLLOUT, ERR = E.EPOLLERR, HUP = E.EPOLLHUP, RDNORM = E.EPOLLRDNORM, WRNORM = E.EPOLLWRNORM, RDHUP = E.EPOLLRDHUP;
const enc = (s: string) => new TextEncoder().encode(s);
const revents = (k: E.Kernel, fd: number) => {
  const p = [{ fd, events: 0x23c7, revents: 0 }];
  expect(k.sys.poll(p, 1, 0)).toBeGreaterThanOrEqual(0);
  return p[0].revents;
};
const v4 = (port: number, addr = "127.0.0.1"): E.SockAddr => ({ family: AF_INET, addr, port });
const v6 = (port: number, addr = "::1"): E.SockAddr => ({ family: AF_INET6, addr, port });
const name = (k: E.Kernel, fd: number, peer = false) => {
  const out = { family: 0, addr: "", port: -1 };
  const r = peer ? k.sys.getpeername(fd, out) : k.sys.getsockname(fd, out);
  return r === 0 ? out : r;
};

/** A listener on an ephemeral port of `fam`, its port, and a connected (client, server) pair. */
function setup(k: E.Kernel, fam = AF_INET, backlog = 8) {
  const s = k.sys;
  const addr = fam === AF_INET ? v4(0) : v6(0);
  const l = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(s.bind(l, addr)).toBe(0);
  expect(s.listen(l, backlog)).toBe(0);
  const port = (name(k, l) as { port: number }).port;
  const to = fam === AF_INET ? v4(port) : v6(port);
  const c = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(s.connect(c, to)).toBe(-E.EINPROGRESS);
  const a = s.accept4(l, null, SOCK_NONBLOCK);
  expect(a).toBeGreaterThan(c);
  return { l, port, to, c, a };
}

describe.each([
  ["AF_INET", AF_INET],
  ["AF_INET6", AF_INET6],
])("%s", (_n, fam) => {
  test("poll masks: fresh, bound, listening, pending connection, connected (q01, q02)", () => {
    const k = newKernel();
    const s = k.sys;
    const x = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(revents(k, x)).toBe(OUT | HUP | WRNORM); // 0x114: TCP_CLOSE, but "writable"
    expect(s.bind(x, fam === AF_INET ? v4(0) : v6(0))).toBe(0);
    expect(revents(k, x)).toBe(OUT | HUP | WRNORM);
    expect(s.listen(x, 4)).toBe(0);
    expect(revents(k, x)).toBe(0);
    const port = (name(k, x) as { port: number }).port;
    const c = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    // connect(nonblocking) = -1 EINPROGRESS; the handshake is over at once on loopback.
    expect(s.connect(c, fam === AF_INET ? v4(port) : v6(port))).toBe(-E.EINPROGRESS);
    expect(revents(k, c)).toBe(OUT | WRNORM);
    expect(revents(k, x)).toBe(IN | RDNORM);
    expect(s.connect(c, fam === AF_INET ? v4(port) : v6(port))).toBe(0); // the 2nd sees it done
    expect(s.connect(c, fam === AF_INET ? v4(port) : v6(port))).toBe(-E.EISCONN);
    const a = s.accept(x, null);
    expect(a).toBeGreaterThan(c);
    expect(revents(k, x)).toBe(0);
    expect(revents(k, a)).toBe(OUT | WRNORM);
    expect(s.write(c, enc("x"), 1)).toBe(1);
    expect(revents(k, a)).toBe(IN | OUT | RDNORM | WRNORM);
    const n = [0];
    expect(s.ioctl(a, E.FIONREAD, n)).toBe(0);
    expect(n[0]).toBe(1);
  });

  test("connect to a port nobody listens on: refused, then ECONNABORTED once the error was read (q03)", () => {
    const k = newKernel();
    const s = k.sys;
    const holder = s.socket(fam, SOCK_STREAM, 0);
    expect(s.bind(holder, fam === AF_INET ? v4(0) : v6(0))).toBe(0); // bound, not listening
    const to = fam === AF_INET ? v4((name(k, holder) as { port: number }).port) : v6((name(k, holder) as { port: number }).port);
    const b = s.socket(fam, SOCK_STREAM, 0);
    expect(s.connect(b, to)).toBe(-E.ECONNREFUSED); // blocking
    const err = [0];
    expect(s.getsockopt(b, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
    expect(err[0]).toBe(0);
    expect(revents(k, b)).toBe(OUT | HUP | WRNORM); // disconnected again
    expect(s.connect(b, to)).toBe(-E.ECONNREFUSED);
    const nb = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(s.connect(nb, to)).toBe(-E.EINPROGRESS);
    expect(revents(k, nb)).toBe(0x215d); // IN|OUT|ERR|HUP|RDNORM|WRNORM|RDHUP
    expect(s.getsockopt(nb, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
    expect(err[0]).toBe(E.ECONNREFUSED);
    expect(s.connect(nb, to)).toBe(-E.ECONNABORTED);
    expect(revents(k, nb)).toBe(OUT | HUP | WRNORM);
    expect(s.connect(nb, to)).toBe(-E.EINPROGRESS);
    expect(s.connect(nb, to)).toBe(-E.ECONNREFUSED); // not read this time: the error itself
  });

  test("close with unread data resets the peer: ECONNRESET once, then EPIPE and end of stream (q07)", () => {
    const k = newKernel();
    const s = k.sys;
    const { c, a } = setup(k, fam);
    expect(s.write(c, enc("0123456789"), 10)).toBe(10);
    expect(s.close(a)).toBe(0);
    expect(revents(k, c)).toBe(0x215d);
    expect(s.read(c, new Uint8Array(4), 4)).toBe(-E.ECONNRESET);
    expect(s.read(c, new Uint8Array(4), 4)).toBe(0);
    expect(revents(k, c)).toBe(0x2155); // the error is gone
    expect(s.write(c, enc("x"), 1)).toBe(-E.EPIPE);
    expect(s.write(c, enc("x"), 1)).toBe(-E.EPIPE);
    // Variant: the first write takes the reset.
    const p = setup(k, fam);
    expect(s.write(p.c, enc("0123456789"), 10)).toBe(10);
    expect(s.close(p.a)).toBe(0);
    expect(s.write(p.c, enc("x"), 1)).toBe(-E.ECONNRESET);
    expect(s.write(p.c, enc("x"), 1)).toBe(-E.EPIPE);
    expect(s.read(p.c, new Uint8Array(4), 4)).toBe(0);
  });

  test("a clean close: EOF, one more write succeeds and is answered by a reset (EPIPE) (q07)", () => {
    const k = newKernel();
    const s = k.sys;
    const { c, a } = setup(k, fam);
    expect(s.close(a)).toBe(0);
    expect(revents(k, c)).toBe(IN | OUT | RDNORM | WRNORM | RDHUP); // 0x2145
    expect(s.read(c, new Uint8Array(4), 4)).toBe(0);
    expect(s.write(c, enc("x"), 1)).toBe(1);
    expect(revents(k, c)).toBe(0x215d);
    const err = [0];
    expect(s.getsockopt(c, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
    expect(err[0]).toBe(E.EPIPE);
    expect(s.write(c, enc("x"), 1)).toBe(-E.EPIPE);
    expect(revents(k, c)).toBe(0x2155);
    expect(s.read(c, new Uint8Array(4), 4)).toBe(0);
  });

  test("shutdown: SHUT_WR is EOF for the peer, SHUT_RD keeps taking data, RDWR hangs up (q08)", () => {
    const k = newKernel();
    const s = k.sys;
    const { c, a } = setup(k, fam);
    expect(s.shutdown(c, E.SHUT_WR)).toBe(0);
    expect(revents(k, a)).toBe(0x2145);
    expect(revents(k, c)).toBe(OUT | WRNORM);
    expect(s.read(a, new Uint8Array(4), 4)).toBe(0);
    expect(s.write(c, enc("x"), 1)).toBe(-E.EPIPE);
    expect(s.write(a, enc("abc"), 3)).toBe(3);
    expect(revents(k, c)).toBe(IN | OUT | RDNORM | WRNORM);
    expect(s.read(c, new Uint8Array(4), 4)).toBe(3);
    const q = setup(k, fam);
    expect(s.shutdown(q.c, E.SHUT_RD)).toBe(0);
    expect(revents(k, q.c)).toBe(0x2145);
    expect(revents(k, q.a)).toBe(OUT | WRNORM); // the peer is not told
    expect(s.read(q.c, new Uint8Array(4), 4)).toBe(0);
    expect(s.write(q.a, enc("abc"), 3)).toBe(3);
    const n = [0];
    expect(s.ioctl(q.c, E.FIONREAD, n)).toBe(0);
    expect(n[0]).toBe(3);
    expect(s.read(q.c, new Uint8Array(4), 4)).toBe(3);
    expect(s.read(q.c, new Uint8Array(4), 4)).toBe(0);
    expect(s.write(q.c, enc("x"), 1)).toBe(1);
    const r = setup(k, fam);
    expect(s.shutdown(r.c, E.SHUT_RDWR)).toBe(0);
    expect(revents(k, r.c)).toBe(0x2155);
    expect(revents(k, r.a)).toBe(0x2145);
    const fresh = s.socket(fam, SOCK_STREAM, 0);
    expect(s.shutdown(fresh, E.SHUT_RDWR)).toBe(-E.ENOTCONN);
    expect(s.shutdown(fresh, 7)).toBe(-E.EINVAL);
    expect(s.shutdown(r.l, E.SHUT_RD)).toBe(0); // a listener stops listening
    expect(revents(k, r.l)).toBe(OUT | HUP | WRNORM);
    expect(s.accept(r.l, null)).toBe(-E.EINVAL);
  });

  test("the backlog: listen(fd, N) completes N + 1 connects; the next SYN is retransmitted 1 s later (q04)", () => {
    const k = newKernel();
    const s = k.sys;
    const { l, to } = setup(k, fam, 1); // one connection already accepted
    const c1 = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const c2 = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const c3 = s.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(s.connect(c1, to)).toBe(-E.EINPROGRESS);
    expect(s.connect(c2, to)).toBe(-E.EINPROGRESS);
    expect(s.connect(c3, to)).toBe(-E.EINPROGRESS);
    expect(revents(k, c1)).toBe(OUT | WRNORM);
    expect(revents(k, c2)).toBe(OUT | WRNORM);
    expect(revents(k, c3)).toBe(0); // SYN_SENT: no bits
    expect(s.connect(c3, to)).toBe(-E.EALREADY);
    const err = [9];
    expect(s.getsockopt(c3, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
    expect(err[0]).toBe(0);
    expect(s.accept(l, null)).toBeGreaterThan(0);
    expect(revents(k, c3)).toBe(0); // room now, but nothing is sent until the retransmission
    const t0 = k.now();
    const p = [{ fd: c3, events: E.POLLOUT, revents: 0 }];
    expect(s.poll(p, 1, 4000)).toBe(1);
    expect(k.now() - t0).toBe(1000000000n);
    expect(s.connect(c3, to)).toBe(0);
  });

  test("names: an accepted socket has the listener's port; unconnected names are the wildcard, port 0 (q13)", () => {
    const k = newKernel();
    const s = k.sys;
    const { l, c, a, port } = setup(k, fam);
    const lo = fam === AF_INET ? "127.0.0.1" : "::1";
    const cport = (name(k, c) as { port: number }).port;
    expect(cport % 2).toBe(0); // connect() takes even ephemeral ports (q11)
    expect(port % 2).toBe(1); // bind(0) odd ones
    expect(name(k, a)).toEqual({ family: fam, addr: lo, port });
    expect(name(k, a, true)).toEqual({ family: fam, addr: lo, port: cport });
    expect(name(k, c, true)).toEqual({ family: fam, addr: lo, port });
    expect(name(k, l, true)).toBe(-E.ENOTCONN);
    const fresh = s.socket(fam, SOCK_STREAM, 0);
    expect(name(k, fresh)).toEqual({ family: fam, addr: fam === AF_INET ? "0.0.0.0" : "::", port: 0 });
    expect(name(k, fresh, true)).toBe(-E.ENOTCONN);
    const peer = { family: 0, addr: "", port: 0 };
    const c2 = s.socket(fam, SOCK_STREAM, 0);
    expect(s.connect(c2, fam === AF_INET ? v4(port) : v6(port))).toBe(0);
    expect(s.accept(l, peer)).toBeGreaterThan(0);
    expect(peer).toEqual({ family: fam, addr: lo, port: (name(k, c2) as { port: number }).port });
  });
});

test("the calls' errors on the wrong socket state (q12, q15)", () => {
  const k = newKernel();
  const s = k.sys;
  const { l, c, a, to } = setup(k);
  expect(s.listen(c, 1)).toBe(-E.EINVAL);
  expect(s.listen(a, 1)).toBe(-E.EINVAL);
  const fresh = s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(s.accept(fresh, null)).toBe(-E.EINVAL);
  expect(s.accept(c, null)).toBe(-E.EINVAL);
  expect(s.accept(l, null)).toBe(-E.EAGAIN);
  expect(s.connect(l, to)).toBe(-E.EISCONN);
  expect(s.connect(c, to)).toBe(0); // the connect after EINPROGRESS reports it done
  expect(s.connect(c, to)).toBe(-E.EISCONN);
  expect(s.connect(fresh, { family: 0, addr: "0.0.0.0", port: 0 })).toBe(0);
  const buf = new Uint8Array(16);
  expect(s.send(c, buf, 0, 0)).toBe(0);
  expect(revents(k, a)).toBe(OUT | WRNORM);
  expect(s.recv(l, buf, 16, 0)).toBe(-E.ENOTCONN);
  expect(s.read(l, buf, 16)).toBe(-E.ENOTCONN);
  expect(s.write(l, buf, 1)).toBe(-E.EPIPE);
  expect(s.recv(fresh, buf, 16, 0)).toBe(-E.ENOTCONN);
  expect(s.write(fresh, buf, 1)).toBe(-E.EPIPE);
  expect(s.sendto(fresh, buf, 1, 0, to)).toBe(-E.EPIPE);
  expect(s.sendto(c, buf, 1, 0, to)).toBe(1); // TCP ignores the address
  expect(s.read(a, buf, 16)).toBe(1);
  expect(s.read(c, buf, 0)).toBe(0);
  expect(s.recv(c, buf, 0, 0)).toBe(-E.EAGAIN); // recv(2) of 0 bytes goes to TCP, which has nothing
  expect(s.write(a, enc("abc"), 3)).toBe(3);
  expect(s.recv(c, buf, 0, 0)).toBe(0);
  expect(s.recv(c, buf, 16, E.MSG_PEEK)).toBe(3);
  expect(s.recv(c, buf, 16, E.MSG_OOB)).toBe(-E.EINVAL);
  // listen on an unbound socket binds an (odd) ephemeral port.
  const u = s.socket(AF_INET, SOCK_STREAM, 0);
  expect(s.listen(u, 1)).toBe(0);
  expect((name(k, u) as { port: number }).port % 2).toBe(1);
  // connect(AF_UNSPEC) on a connection resets it (q12).
  expect(s.connect(c, { family: 0, addr: "0.0.0.0", port: 0 })).toBe(0);
  expect(name(k, c, true)).toBe(-E.ENOTCONN);
  expect(revents(k, c)).toBe(OUT | ERR | HUP | WRNORM);
  expect(revents(k, a)).toBe(0x215d);
  const err = [0];
  expect(s.getsockopt(a, E.SOL_SOCKET, E.SO_ERROR, err)).toBe(0);
  expect(err[0]).toBe(E.ECONNRESET);
  expect(s.connect(c, to)).toBe(-E.EINPROGRESS); // it may connect again
});

test("socket() errors for the internet families (q14)", () => {
  const k = newKernel();
  const s = k.sys;
  expect(s.socket(AF_INET, E.SOCK_SEQPACKET, 0)).toBe(-E.ESOCKTNOSUPPORT);
  expect(s.socket(AF_INET, SOCK_STREAM, E.IPPROTO_UDP)).toBe(-E.EPROTONOSUPPORT);
  expect(s.socket(AF_INET, E.SOCK_DGRAM, E.IPPROTO_TCP)).toBe(-E.EPROTONOSUPPORT);
  expect(s.socket(AF_INET, 3, 0)).toBe(-E.EPROTONOSUPPORT);
  expect(s.socket(AF_INET, 4, 0)).toBe(-E.ESOCKTNOSUPPORT);
  expect(s.socket(AF_INET, 0, 0)).toBe(-E.ESOCKTNOSUPPORT);
  expect(s.socket(AF_INET, 11, 0)).toBe(-E.EINVAL);
  expect(s.socket(AF_INET6, E.SOCK_SEQPACKET, 0)).toBe(-E.ESOCKTNOSUPPORT);
  expect(s.socket(AF_INET, SOCK_STREAM, E.IPPROTO_TCP)).toBeGreaterThan(2);
  expect(s.socket(AF_INET, SOCK_STREAM | 0x10000000, 0)).toBe(-E.EINVAL);
  expect(s.socketpair(AF_INET, SOCK_STREAM, 0, [0, 0])).toBe(-E.EOPNOTSUPP);
  expect(s.socketpair(AF_INET6, E.SOCK_DGRAM, 0, [0, 0])).toBe(-E.EOPNOTSUPP);
});

test("bind rules: conflicts, SO_REUSEADDR, SO_REUSEPORT, wildcards, dual stack (q09)", () => {
  const k = newKernel();
  const s = k.sys;
  const sock = (fam = AF_INET, opts: number[] = []) => {
    const fd = s.socket(fam, SOCK_STREAM, 0);
    for (const o of opts) expect(s.setsockopt(fd, E.SOL_SOCKET, o, 1)).toBe(0);
    return fd;
  };
  const A = sock();
  expect(s.bind(A, v4(0))).toBe(0);
  const P = (name(k, A) as { port: number }).port;
  expect(s.bind(sock(), v4(P))).toBe(-E.EADDRINUSE);
  // SO_REUSEADDR on both shares a port until one listens; then a second listen fails.
  const RA = sock(AF_INET, [E.SO_REUSEADDR]);
  expect(s.bind(RA, v4(0))).toBe(0);
  const R = (name(k, RA) as { port: number }).port;
  const RB = sock(AF_INET, [E.SO_REUSEADDR]);
  expect(s.bind(RB, v4(R))).toBe(0);
  expect(s.listen(RA, 1)).toBe(0);
  expect(s.listen(RB, 1)).toBe(-E.EADDRINUSE);
  expect(s.bind(sock(AF_INET, [E.SO_REUSEADDR]), v4(R))).toBe(-E.EADDRINUSE); // a listener holds it
  expect(s.bind(sock(), v4(R))).toBe(-E.EADDRINUSE);
  // SO_REUSEPORT on both shares even a listening port.
  const PA = sock(AF_INET, [E.SO_REUSEPORT]);
  expect(s.bind(PA, v4(0))).toBe(0);
  const Q = (name(k, PA) as { port: number }).port;
  expect(s.listen(PA, 1)).toBe(0);
  const PB = sock(AF_INET, [E.SO_REUSEPORT]);
  expect(s.bind(PB, v4(Q))).toBe(0);
  expect(s.listen(PB, 1)).toBe(0);
  expect(s.bind(sock(), v4(Q))).toBe(-E.EADDRINUSE);
  // Wildcards overlap everything of their family; other loopback addresses do not overlap.
  expect(s.bind(sock(), v4(P, "0.0.0.0"))).toBe(-E.EADDRINUSE);
  expect(s.bind(sock(), v4(P, "127.0.0.2"))).toBe(0);
  expect(s.bind(sock(), v4(0, "10.1.2.3"))).toBe(-E.EADDRNOTAVAIL);
  expect(s.bind(A, v4(0))).toBe(-E.EINVAL); // bound already
  expect(s.bind(sock(), v6(0))).toBe(-E.EAFNOSUPPORT);
  expect(s.bind(sock(), { family: 0, addr: "0.0.0.0", port: 0 })).toBe(0);
  expect(s.bind(sock(), { family: 0, addr: "127.0.0.1", port: 0 })).toBe(-E.EAFNOSUPPORT);
  // IPv6: :: is dual stack (conflicts with IPv4) unless IPV6_V6ONLY; ::1 is separate.
  expect(s.bind(sock(AF_INET6), v6(P, "::"))).toBe(-E.EADDRINUSE);
  const only = sock(AF_INET6);
  expect(s.setsockopt(only, E.IPPROTO_IPV6, E.IPV6_V6ONLY, 1)).toBe(0);
  expect(s.bind(only, v6(P, "::"))).toBe(0);
  expect(s.bind(sock(AF_INET6), v6(P, "::1"))).toBe(-E.EADDRINUSE); // (:: overlaps ::1)
  expect(s.bind(sock(AF_INET6), v6(P, "::ffff:127.0.0.1"))).toBe(-E.EADDRINUSE);
  const A2 = sock();
  expect(s.bind(A2, v4(0))).toBe(0);
  const P2 = (name(k, A2) as { port: number }).port;
  expect(s.bind(sock(AF_INET6), v6(P2, "::1"))).toBe(0);
  expect(s.bind(sock(), v4(P2, "0.0.0.0"))).toBe(-E.EADDRINUSE);
  const only2 = sock(AF_INET6);
  expect(s.setsockopt(only2, E.IPPROTO_IPV6, E.IPV6_V6ONLY, 1)).toBe(0);
  expect(s.bind(only2, v6(0, "::ffff:127.0.0.1"))).toBe(-E.EINVAL);
  expect(s.bind(sock(AF_INET6), v6(0, "::ffff:10.1.2.3"))).toBe(-E.EADDRNOTAVAIL);
  expect(s.bind(sock(AF_INET6), v6(0, "2001:db8::1"))).toBe(-E.EADDRNOTAVAIL);
  expect(s.bind(sock(AF_INET6), v4(0))).toBe(-E.EAFNOSUPPORT);
  // A dual-stack listener takes IPv4 connections; the peer shows as v4-mapped.
  const d = sock(AF_INET6);
  expect(s.bind(d, v6(0, "::ffff:127.0.0.1"))).toBe(0);
  const D = (name(k, d) as { port: number }).port;
  expect(s.listen(d, 1)).toBe(0);
  const c4 = s.socket(AF_INET, SOCK_STREAM, 0);
  expect(s.connect(c4, v4(D))).toBe(0);
  const peer = { family: 0, addr: "", port: 0 };
  expect(s.accept(d, peer)).toBeGreaterThan(0);
  expect(peer).toEqual({ family: AF_INET6, addr: "::ffff:127.0.0.1", port: (name(k, c4) as { port: number }).port });
});

test("TIME_WAIT holds a server's port when the accepted end closes first, unless both used SO_REUSEADDR (q10)", () => {
  for (const reuse of [0, 1]) {
    const k = newKernel();
    const s = k.sys;
    const l = s.socket(AF_INET, SOCK_STREAM, 0);
    expect(s.setsockopt(l, E.SOL_SOCKET, E.SO_REUSEADDR, reuse)).toBe(0);
    expect(s.bind(l, v4(0))).toBe(0);
    const P = (name(k, l) as { port: number }).port;
    expect(s.listen(l, 1)).toBe(0);
    const c = s.socket(AF_INET, SOCK_STREAM, 0);
    expect(s.connect(c, v4(P))).toBe(0);
    const a = s.accept(l, null);
    expect(s.close(a)).toBe(0); // the server's end first: its TIME_WAIT keeps port P
    expect(s.read(c, new Uint8Array(1), 1)).toBe(0);
    expect(s.close(c)).toBe(0);
    expect(s.close(l)).toBe(0);
    const n = s.socket(AF_INET, SOCK_STREAM, 0);
    expect(s.bind(n, v4(P))).toBe(-E.EADDRINUSE);
    const r = s.socket(AF_INET, SOCK_STREAM, 0);
    expect(s.setsockopt(r, E.SOL_SOCKET, E.SO_REUSEADDR, 1)).toBe(0);
    expect(s.bind(r, v4(P))).toBe(reuse ? 0 : -E.EADDRINUSE);
    // 60 s later the remnant is gone.
    expect(s.nanosleep({ tv_sec: 60, tv_nsec: 0 })).toBe(0);
    expect(s.bind(n, v4(P))).toBe(reuse ? -E.EADDRINUSE : 0);
  }
  // The client closing first leaves the server's port free at once.
  const k = newKernel();
  const s = k.sys;
  const { l, c, a, port } = setup(k);
  expect(s.close(c)).toBe(0);
  expect(s.read(a, new Uint8Array(1), 1)).toBe(0);
  expect(s.close(a)).toBe(0);
  expect(s.close(l)).toBe(0);
  expect(s.bind(s.socket(AF_INET, SOCK_STREAM, 0), v4(port))).toBe(0);
});

test("filling a connection: EAGAIN near 4 MB, writable again below 2/3 of the send buffer (q05, q06)", () => {
  const k = newKernel();
  const s = k.sys;
  const fresh = s.socket(AF_INET, SOCK_STREAM, 0);
  const v = [0];
  expect(s.getsockopt(fresh, E.SOL_SOCKET, E.SO_SNDBUF, v)).toBe(0);
  expect(v[0]).toBe(16384);
  expect(s.getsockopt(fresh, E.SOL_SOCKET, E.SO_RCVBUF, v)).toBe(0);
  expect(v[0]).toBe(131072);
  const { c, a } = setup(k);
  expect(s.getsockopt(c, E.SOL_SOCKET, E.SO_SNDBUF, v)).toBe(0);
  expect(v[0]).toBe(3939840);
  expect(s.getsockopt(a, E.SOL_SOCKET, E.SO_SNDBUF, v)).toBe(0);
  expect(v[0]).toBe(3939840);
  const chunk = new Uint8Array(65536);
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const r = s.write(c, chunk, chunk.length);
    if (r < 0) {
      expect(r).toBe(-E.EAGAIN);
      break;
    }
    total += r;
  }
  // Linux: 3910656 written (113152 of it in the server's queue); the model within 5 %
  // (it counts payload bytes where Linux counts skb memory: README, divergences).
  expect(Math.abs(total - 3910656) / 3910656).toBeLessThan(0.05);
  expect(revents(k, c)).toBe(0);
  expect(revents(k, a)).toBe(IN | OUT | RDNORM | WRNORM);
  // Reading makes room; the writer polls writable once its queue is at most 2/3 of sk_sndbuf.
  let read = 0;
  while (revents(k, c) === 0) read += s.read(a, chunk, chunk.length);
  expect(read).toBeGreaterThan(1000000);
  expect(read).toBeLessThan(1500000);
  for (const [set, got] of [[4096, 8192], [1, 4608], [3000, 6000], [10000000, 8388608]]) {
    expect(s.setsockopt(fresh, E.SOL_SOCKET, E.SO_SNDBUF, set)).toBe(0);
    expect(s.getsockopt(fresh, E.SOL_SOCKET, E.SO_SNDBUF, v)).toBe(0);
    expect(v[0]).toBe(got);
  }
});

test("SO_RCVLOWAT: not readable below it, and a non-blocking read still returns what is there (q16)", () => {
  const k = newKernel();
  const s = k.sys;
  const { c, a } = setup(k);
  expect(s.setsockopt(a, E.SOL_SOCKET, E.SO_RCVLOWAT, 5)).toBe(0);
  const v = [0];
  expect(s.getsockopt(a, E.SOL_SOCKET, E.SO_RCVLOWAT, v)).toBe(0);
  expect(v[0]).toBe(5);
  expect(s.write(c, enc("abc"), 3)).toBe(3);
  expect(revents(k, a)).toBe(OUT | WRNORM);
  expect(s.write(c, enc("de"), 2)).toBe(2);
  expect(revents(k, a)).toBe(IN | OUT | RDNORM | WRNORM);
  expect(s.read(a, new Uint8Array(16), 16)).toBe(5);
  expect(s.write(c, enc("abc"), 3)).toBe(3);
  expect(s.read(a, new Uint8Array(16), 16)).toBe(3);
});

test("epoll: ET re-fires on each arriving write, not on acknowledgements; a listener wakes one EPOLLEXCLUSIVE waiter per connection", () => {
  const k = newKernel();
  const s = k.sys;
  const { c, a, l, to } = setup(k);
  const ep = s.epoll_create1(0);
  expect(s.epoll_ctl(ep, E.EPOLL_CTL_ADD, a, { events: E.EPOLLIN | E.EPOLLOUT | E.EPOLLET, data: 1 })).toBe(0);
  expect(s.epoll_ctl(ep, E.EPOLL_CTL_ADD, c, { events: E.EPOLLOUT | E.EPOLLET, data: 2 })).toBe(0);
  const evs: E.EpollEvent[] = [];
  expect(s.epoll_wait(ep, evs, 4, 0)).toBe(2);
  expect(s.epoll_wait(ep, evs, 4, 0)).toBe(0);
  expect(s.write(c, enc("x"), 1)).toBe(1);
  expect(s.epoll_wait(ep, evs, 4, 0)).toBe(1); // a: data; c is not woken by the acknowledgement
  expect(evs[0].events).toBe(E.EPOLLIN | E.EPOLLOUT);
  expect(s.write(c, enc("x"), 1)).toBe(1);
  expect(s.epoll_wait(ep, evs, 4, 0)).toBe(1); // again, unread data or not
  const ep2 = s.epoll_create1(0);
  expect(s.epoll_ctl(ep2, E.EPOLL_CTL_ADD, l, { events: E.EPOLLIN | E.EPOLLET, data: 3 })).toBe(0);
  expect(s.epoll_wait(ep2, evs, 4, 0)).toBe(0);
  const c2 = s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(s.connect(c2, to)).toBe(-E.EINPROGRESS);
  expect(s.epoll_wait(ep2, evs, 4, 0)).toBe(1);
  expect(evs[0].events).toBe(E.EPOLLIN);
});

test("the idiomatic API over TCP: kernel.listen / kernel.connect with an address object, names, data", () => {
  const k = newKernel();
  const l = k.listen({ family: AF_INET, addr: "127.0.0.1", port: 0 }, { nonblock: true, reuseAddr: true });
  const port = l.port!;
  expect(port % 2).toBe(1);
  expect(l.name).toBe(`127.0.0.1:${port}`);
  const c = k.connect({ family: AF_INET, addr: "127.0.0.1", port }, { nonblock: true }); // in progress = done on loopback
  const a = l.accept({ nonblock: true });
  expect(a.peerName).toBe(`127.0.0.1:${(c.address as { port: number }).port}`);
  expect(c.peerAddress).toEqual({ family: AF_INET, addr: "127.0.0.1", port });
  c.write("GET / HTTP/1.0\r\n\r\n");
  expect(new TextDecoder().decode(a.read())).toBe("GET / HTTP/1.0\r\n\r\n");
  expect(() => l.accept()).toThrow(expect.objectContaining({ code: "EAGAIN" }));
  expect(() => k.connect({ family: AF_INET, addr: "127.0.0.1", port: 1 })).toThrow(expect.objectContaining({ code: "ECONNREFUSED" }));
  const l6 = k.listen({ family: AF_INET6, addr: "::1", port: 0 });
  expect(l6.name).toBe(`[::1]:${l6.port}`);
  expect(() => k.listen({ family: AF_INET, addr: "127.0.0.1", port }, {})).toThrow(expect.objectContaining({ code: "EADDRINUSE" }));
  expect(() => k.listen("/x", { reuseAddr: true })).toThrow(TypeError);
  expect(() => k.listen({ family: E.AF_UNIX, path: "/x" } as E.SockAddr)).toThrow(TypeError);
  expect(() => k.connect(42 as unknown as string)).toThrow(TypeError);
});

describe("threads", () => {
  test("the accept herd on a TCP listener: own sets with and without EPOLLEXCLUSIVE, one shared set LT and ET", async () => {
    // [one shared set?, the item's flags, threads woken by one connection]:
    // own sets — every set's entry on the listener is woken, or one with EPOLLEXCLUSIVE;
    // one shared set — its waiters sleep exclusively on the set, but a level-triggered item
    // stays ready and ep_done_scan hands it to the next waiter, and the next (all N see it);
    // edge-triggered, one waiter takes it and nobody else is woken.
    const configs: [boolean, number, number][] = [
      [false, 0, 4],
      [false, E.EPOLLEXCLUSIVE, 1],
      [true, 0, 4],
      [true, E.EPOLLET, 1],
    ];
    for (const [shared, flags, expected] of configs) {
      const k = newKernel({ seed: 3 });
      const l = k.listen({ family: AF_INET, addr: "127.0.0.1", port: 0 }, { nonblock: true, backlog: 16 });
      const woken: string[] = [];
      const N = 4;
      const one = shared ? k.sys.epoll_create1(0) : -1;
      if (shared) expect(k.sys.epoll_ctl(one, E.EPOLL_CTL_ADD, l.fd, { events: E.EPOLLIN | flags })).toBe(0);
      for (let i = 0; i < N; i++) {
        let ep = one;
        if (!shared) {
          ep = k.sys.epoll_create1(0);
          expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, l.fd, { events: E.EPOLLIN | flags })).toBe(0);
        }
        k.spawn(async (ts) => {
          const n = await ts.epoll_wait(ep, [], 1, 50);
          if (n > 0) woken.push(`t${i}`);
          return n;
        }, `t${i}`);
      }
      k.spawn(async (ts) => {
        await ts.usleep(1000);
        expect(await ts.connect(await ts.socket(AF_INET, SOCK_STREAM, 0), { family: AF_INET, addr: "127.0.0.1", port: l.port! })).toBe(0);
      }, "client");
      await k.run();
      expect([shared, flags, woken.length]).toEqual([shared, flags, expected]);
    }
  });

  test("blocking calls sleep: accept until a connection, read until data, connect to a full backlog until the SYN retransmission", async () => {
    const k = newKernel({ seed: 5 });
    const l = k.listen({ family: AF_INET6, addr: "::1", port: 0 }, { backlog: 0 });
    const to = { family: AF_INET6, addr: "::1", port: l.port! };
    const server = k.spawn(async (ts) => {
      const a = await ts.accept(l.fd, null);
      const b = new Uint8Array(16);
      const n = await ts.read(a, b, 16);
      return [n, new TextDecoder().decode(b.subarray(0, n)), k.now()];
    });
    const clients = k.spawn(async (ts) => {
      await ts.usleep(2000);
      const c1 = await ts.socket(AF_INET6, SOCK_STREAM, 0);
      expect(await ts.connect(c1, to)).toBe(0); // queued (backlog 0 holds one)
      const c2 = await ts.socket(AF_INET6, SOCK_STREAM, 0);
      const t = k.now();
      const r2 = await ts.connect(c2, to); // the queue was full: SYN_SENT until 1 s later
      const waited = k.now() - t;
      await ts.usleep(3000);
      expect(await ts.write(c1, enc("hello"), 5)).toBe(5);
      return [r2, waited];
    });
    await k.run();
    expect(await clients.join()).toEqual([0, 1000000000n]);
    expect(await server.join()).toEqual([5, "hello", 1005000000n]);
  });
});
