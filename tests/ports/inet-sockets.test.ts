// Ports of socket + poll/epoll cases from public test suites, rewritten against kernel.sys on
// the model's loopback network (TCP and UDP over 127.0.0.1 and ::1). Each test names its
// source case; the code is this package's own. Sources:
//   - gVisor syscall tests (google/gvisor, test/syscalls/linux/): tcp_socket.cc,
//     socket_ip_tcp_generic.cc, socket_inet_loopback.cc, udp_socket.cc
//   - LTP (linux-test-project/ltp, testcases/kernel/syscalls/epoll_wait/epoll_wait05.c)
//   - Linux kselftests (torvalds/linux, tools/testing/selftests/net/reuseport_dualstack.c,
//     reuseport_addr_any.c)
//   - OKTET Labs / Xilinx sockapi-ts (Xilinx-CNS/cns-sapi-ts, sockapi-ts/epoll/*.c)
// (read at gvisor 3c5eee17, ltp 69582772, cns-sapi-ts 5d0f0290, linux reuseport_dualstack.c
// 2cc2c3cb and reuseport_addr_any.c 11fb60d1)
// Every expected value is what this machine's Linux 6.18 returned to a small C program doing
// the same calls (non-blocking sockets on 127.0.0.1 / ::1, poll with timeout 0 and every
// request bit unless a case says otherwise). Where a source only asks "some bit is set" or
// "poll returned 1", the exact mask Linux reported is asserted instead.
import * as E from "../../src/index";
import { newKernel } from "../helpers";

const { AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_NONBLOCK, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL } = E;
const IN = E.EPOLLIN, OUT = E.EPOLLOUT, ERR = E.EPOLLERR, HUP = E.EPOLLHUP, RDHUP = E.EPOLLRDHUP, ET = E.EPOLLET;
const RDNORM = E.EPOLLRDNORM, WRNORM = E.EPOLLWRNORM, WRBAND = E.EPOLLWRBAND;
const ALL = 0x23c7; // every request bit: IN PRI OUT RDNORM RDBAND WRNORM WRBAND RDHUP (ERR and HUP are implied)
const WRITABLE = OUT | WRNORM; // 0x104
const READABLE = IN | RDNORM; // 0x41
const FIN_IN = IN | OUT | RDNORM | WRNORM | RDHUP; // 0x2145: the peer's FIN arrived
const CLOSED = FIN_IN | HUP; // 0x2155: both directions shut
const RESET = CLOSED | ERR; // 0x215d: a reset (or refusal) not yet read from SO_ERROR
const UDP_OUT = OUT | WRNORM | WRBAND; // 0x304

const FAMILIES: [string, number][] = [
  ["AF_INET", AF_INET],
  ["AF_INET6", AF_INET6],
];
const loop = (fam: number, port: number): E.SockAddr =>
  fam === AF_INET ? { family: AF_INET, addr: "127.0.0.1", port } : { family: AF_INET6, addr: "::1", port };
const any = (fam: number, port: number): E.SockAddr =>
  fam === AF_INET ? { family: AF_INET, addr: "0.0.0.0", port } : { family: AF_INET6, addr: "::", port };
const bytes = (n: number) => new Uint8Array(n).fill(0x61);

function poll(k: E.Kernel, fd: number, events = ALL, timeout = 0): number {
  const p = [{ fd, events, revents: 0 }];
  expect(k.sys.poll(p, 1, timeout)).toBeGreaterThanOrEqual(0);
  return p[0].revents;
}
function portOf(k: E.Kernel, fd: number): number {
  const o = { family: 0, addr: "", port: -1 };
  expect(k.sys.getsockname(fd, o)).toBe(0);
  return o.port;
}
function soError(k: E.Kernel, fd: number): number {
  const o = [-1];
  expect(k.sys.getsockopt(fd, E.SOL_SOCKET, E.SO_ERROR, o)).toBe(0);
  return o[0];
}
function fionread(k: E.Kernel, fd: number): number {
  const o = [-1];
  expect(k.sys.ioctl(fd, E.FIONREAD, o)).toBe(0);
  return o[0];
}
/** epoll_wait(timeout 0) as [events, data] pairs. */
function wait(k: E.Kernel, ep: number, max = 64): [number, number][] {
  const out: E.EpollEvent[] = [];
  const n = k.sys.epoll_wait(ep, out, max, 0);
  expect(n).toBeGreaterThanOrEqual(0);
  return out.slice(0, n).map((e) => [e.events >>> 0, Number(e.data)]);
}
function add(k: E.Kernel, ep: number, fd: number, events: number, data = fd) {
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fd, { events: events >>> 0, data })).toBe(0);
}
/** A non-blocking TCP listener on an ephemeral loopback port. */
function listener(k: E.Kernel, fam: number, backlog = 8) {
  const l = k.sys.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(k.sys.bind(l, loop(fam, 0))).toBe(0);
  expect(k.sys.listen(l, backlog)).toBe(0);
  return { l, port: portOf(k, l), to: loop(fam, portOf(k, l)) };
}
/** A non-blocking connect: EINPROGRESS, as Linux answers even on loopback. */
function connectNb(k: E.Kernel, fam: number, to: E.SockAddr): number {
  const c = k.sys.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(k.sys.connect(c, to)).toBe(-E.EINPROGRESS);
  return c;
}
/** listener, client c and accepted a (non-blocking), connected. */
function tcpPair(k: E.Kernel, fam: number) {
  const { l, to } = listener(k, fam);
  const c = connectNb(k, fam, to);
  const a = k.sys.accept4(l, null, SOCK_NONBLOCK);
  expect(a).toBeGreaterThan(0);
  return { l, to, c, a };
}
/** A port nobody listens on: bound by a listener that is then closed. */
function closedPort(k: E.Kernel, fam: number): E.SockAddr {
  const { l, to } = listener(k, fam);
  expect(k.sys.close(l)).toBe(0);
  return to;
}
function udp(k: E.Kernel, fam: number, bind = true): number {
  const u = k.sys.socket(fam, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (bind) expect(k.sys.bind(u, loop(fam, 0))).toBe(0);
  return u;
}
/** write until EAGAIN; the bytes written. */
function overfill(k: E.Kernel, fd: number): number {
  const chunk = bytes(65536);
  let total = 0;
  for (;;) {
    const n = k.sys.write(fd, chunk, chunk.length);
    if (n < 0) {
      expect(n).toBe(-E.EAGAIN);
      return total;
    }
    total += n;
  }
}
/** read until EAGAIN or end of file; the bytes read. */
function drain(k: E.Kernel, fd: number): number {
  const buf = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const n = k.sys.read(fd, buf, buf.length);
    if (n <= 0) return total;
    total += n;
  }
}

// ---------------------------------------------------------------------------------------
// gVisor test/syscalls/linux/tcp_socket.cc
// ---------------------------------------------------------------------------------------
describe.each(FAMILIES)("gVisor tcp_socket.cc, %s", (_n, fam) => {
  test("a listener polls POLLIN only while a connection waits for accept [SimpleTcpSocketTest.PollAroundAccept]", () => {
    const k = newKernel();
    const { l, to } = listener(k, fam, 4096);
    expect(poll(k, l, E.POLLIN)).toBe(0);
    const c = connectNb(k, fam, to);
    expect(poll(k, l, E.POLLIN)).toBe(E.POLLIN);
    expect(poll(k, l)).toBe(READABLE); // 0x41
    expect(k.sys.accept(l, null)).toBeGreaterThan(c);
    expect(poll(k, l)).toBe(0);
  });

  test("a non-blocking connect polls POLLOUT / POLLWRNORM with SO_ERROR 0; after the peer closes, connect gives 0 then EISCONN [SimpleTcpSocketTest.NonBlockingConnect_PollOut, _PollWrNorm, _PollWrNorm_PollOut, NonBlockingConnectRemoteClose]", () => {
    const k = newKernel();
    const { l, to } = listener(k, fam, 4096);
    const c = connectNb(k, fam, to);
    const a = k.sys.accept(l, null);
    expect(a).toBeGreaterThan(0);
    expect(poll(k, c, E.POLLOUT)).toBe(E.POLLOUT);
    expect(poll(k, c, E.POLLWRNORM)).toBe(E.POLLWRNORM);
    expect(poll(k, c, E.POLLOUT | E.POLLWRNORM)).toBe(E.POLLOUT | E.POLLWRNORM);
    expect(poll(k, c)).toBe(WRITABLE);
    expect(soError(k, c)).toBe(0);
    expect(k.sys.close(a)).toBe(0);
    expect(poll(k, c, E.POLLOUT)).toBe(E.POLLOUT);
    expect(poll(k, c)).toBe(FIN_IN); // 0x2145
    expect(k.sys.connect(c, to)).toBe(0); // CLOSE_WAIT is not TCP_CLOSE: the pending connect completes
    expect(k.sys.connect(c, to)).toBe(-E.EISCONN);
  });

  test("a refused non-blocking connect polls POLLERR|POLLHUP even with events 0; SO_ERROR ECONNREFUSED once [SimpleTcpSocketTest.NonBlockingConnectRefused]", () => {
    const k = newKernel();
    const to = closedPort(k, fam);
    const c = connectNb(k, fam, to);
    expect(poll(k, c, 0)).toBe(E.POLLERR | E.POLLHUP); // 0x18
    expect(poll(k, c)).toBe(RESET); // 0x215d
    expect(soError(k, c)).toBe(E.ECONNREFUSED);
    expect(soError(k, c)).toBe(0);
    expect(poll(k, c)).toBe(CLOSED); // 0x2155: the error bit goes with the error
  });

  test.each([
    ["SHUT_RD", E.SHUT_RD],
    ["SHUT_WR", E.SHUT_WR],
    ["SHUT_RDWR", E.SHUT_RDWR],
  ])("shutdown(%s) of a socket stuck in SYN_SENT aborts it: POLLHUP|POLLERR, SO_ERROR ECONNRESET [SimpleTcpSocketTest.ShutdownReadConnectingSocket, ShutdownWriteConnectingSocket]", (_h, how) => {
    const k = newKernel();
    const { l, to } = listener(k, fam, 0); // backlog 0 holds one connection
    const c1 = connectNb(k, fam, to);
    expect(poll(k, c1)).toBe(WRITABLE);
    expect(poll(k, l)).toBe(READABLE);
    const c2 = connectNb(k, fam, to); // the queue is full: its SYN is dropped
    expect(poll(k, c2)).toBe(0);
    expect(k.sys.shutdown(c2, how)).toBe(0);
    expect(poll(k, c2, 0)).toBe(E.POLLHUP | E.POLLERR); // what gVisor asserts exactly
    expect(poll(k, c2)).toBe(OUT | ERR | HUP | WRNORM); // 0x11c: tcp_disconnect, then TCP_CLOSE
    expect(soError(k, c2)).toBe(E.ECONNRESET);
    expect(soError(k, c2)).toBe(0);
    expect(poll(k, c2)).toBe(OUT | HUP | WRNORM); // 0x114: a fresh socket again
    expect(k.sys.connect(c2, to)).toBe(-E.EINPROGRESS); // it may connect anew (and wait again)
  });

  test("shutdown(SHUT_WR) on both ends: each polls POLLIN (then POLLHUP too once its own side is shut); TIME_WAIT polls POLLHUP [TcpSocketTest.PollAfterShutdown, TimeWaitPollHUP]", () => {
    const k = newKernel();
    const { c, a } = tcpPair(k, fam);
    expect(k.sys.shutdown(c, E.SHUT_WR)).toBe(0);
    expect(poll(k, a, E.POLLIN | E.POLLERR | E.POLLHUP)).toBe(E.POLLIN);
    expect(poll(k, a)).toBe(FIN_IN);
    expect(k.sys.shutdown(a, E.SHUT_WR)).toBe(0);
    expect(poll(k, c, E.POLLIN | E.POLLERR | E.POLLHUP)).toBe(E.POLLIN | E.POLLHUP);
    expect(poll(k, c)).toBe(CLOSED);
    expect(poll(k, a)).toBe(CLOSED);

    const p = tcpPair(k, fam);
    expect(k.sys.shutdown(p.c, E.SHUT_RDWR)).toBe(0);
    expect(poll(k, p.c)).toBe(CLOSED);
    expect(poll(k, p.a)).toBe(FIN_IN);
    expect(k.sys.shutdown(p.a, E.SHUT_RDWR)).toBe(0);
    expect(poll(k, p.c, E.POLLHUP)).toBe(E.POLLHUP); // c is in TIME_WAIT
    expect(poll(k, p.a)).toBe(CLOSED);
    const buf = new Uint8Array(10);
    expect(k.sys.read(p.c, buf, 10)).toBe(0);
    expect(k.sys.read(p.a, buf, 10)).toBe(0);
    expect(k.sys.send(p.c, buf, 1, E.MSG_NOSIGNAL)).toBe(-E.EPIPE);
  });
});

test("a thread blocked in epoll_wait on a listener wakes when another thread connects [gVisor tcp_socket.cc SimpleTcpSocketTest.EpollListeningSocket]", async () => {
  const k = newKernel({ seed: 3 });
  const { l, to } = listener(k, AF_INET6, 2);
  expect(k.sys.accept(l, null)).toBe(-E.EAGAIN);
  const ep = k.sys.epoll_create1(0);
  add(k, ep, l, IN, 7);
  const waiter = k.spawn(async (ts) => {
    const out: E.EpollEvent[] = [];
    const n = await ts.epoll_wait(ep, out, 1, 60000);
    return [n, out[0]?.events, out[0]?.data, k.now()];
  }, "waiter");
  const connector = k.spawn(async (ts) => {
    await ts.nanosleep({ tv_sec: 1, tv_nsec: 0 }); // give the waiter time to block
    const c = await ts.socket(AF_INET6, SOCK_STREAM, 0);
    return ts.connect(c, to); // blocking connect: 0
  }, "connector");
  await k.run();
  expect(await connector.join()).toBe(0);
  expect(await waiter.join()).toEqual([1, IN, 7n, 1000000000n]);
  expect(k.sys.accept(l, null)).toBeGreaterThan(0);
});

// ---------------------------------------------------------------------------------------
// gVisor test/syscalls/linux/socket_ip_tcp_generic.cc
// ---------------------------------------------------------------------------------------
describe.each(FAMILIES)("gVisor socket_ip_tcp_generic.cc, %s", (_n, fam) => {
  test("closing with unread data resets the peer: POLLHUP; buffered data is read first, then ECONNRESET once, then EOF and EPIPE [TCPSocketPairTest.RSTCausesPollHUP, RSTSentOnCloseWithUnreadDataAllowsReadBuffered]", () => {
    const k = newKernel();
    const buf = new Uint8Array(10);
    {
      const { c, a } = tcpPair(k, fam);
      expect(k.sys.write(c, bytes(10), 10)).toBe(10);
      expect(poll(k, a, E.POLLIN)).toBe(E.POLLIN);
      expect(fionread(k, a)).toBe(10);
      expect(k.sys.close(a)).toBe(0);
      expect(poll(k, c, E.POLLHUP)).toBe(E.POLLERR | E.POLLHUP); // 0x18
      expect(poll(k, c)).toBe(RESET);
      expect(k.sys.read(c, buf, 10)).toBe(-E.ECONNRESET);
      expect(k.sys.read(c, buf, 10)).toBe(0);
      expect(poll(k, c)).toBe(CLOSED);
    }
    {
      const { c, a } = tcpPair(k, fam);
      expect(k.sys.write(c, bytes(10), 10)).toBe(10);
      expect(k.sys.write(a, bytes(10), 10)).toBe(10);
      expect(k.sys.close(a)).toBe(0);
      expect(poll(k, c, E.POLLHUP)).toBe(E.POLLERR | E.POLLHUP);
      expect(k.sys.read(c, buf, 10)).toBe(10); // the data that arrived before the RST
      expect(poll(k, c)).toBe(RESET);
      expect(k.sys.read(c, buf, 10)).toBe(-E.ECONNRESET);
      expect(poll(k, c)).toBe(CLOSED);
      expect(k.sys.read(c, buf, 10)).toBe(0);
      expect(k.sys.send(c, buf, 10, E.MSG_NOSIGNAL)).toBe(-E.EPIPE);
    }
  });

  test("SHUT_WR with unread data sends a FIN, not a RST; SHUT_RD sends nothing, keeps queued data readable, then EOF [TCPSocketPairTest.FINSentOnShutdownWrWithUnreadData, ShutdownRdShouldCauseNoPacketsWithUnreadData, ShutdownRdAllowsReadOfReceivedDataBeforeEOF, ClosedReadNonBlockingSocket]", () => {
    const k = newKernel();
    const buf = new Uint8Array(20);
    {
      const { c, a } = tcpPair(k, fam);
      expect(k.sys.write(c, bytes(10), 10)).toBe(10);
      expect(k.sys.shutdown(a, E.SHUT_WR)).toBe(0);
      expect(poll(k, c, E.POLLIN | E.POLLHUP)).toBe(E.POLLIN);
      expect(k.sys.read(c, buf, 10)).toBe(0); // a clean end of file
      expect(k.sys.read(a, buf, 20)).toBe(10);
    }
    {
      const { c, a } = tcpPair(k, fam);
      expect(k.sys.write(c, bytes(10), 10)).toBe(10);
      expect(k.sys.shutdown(a, E.SHUT_RD)).toBe(0);
      expect(poll(k, c, E.POLLIN | E.POLLHUP)).toBe(0); // the peer sees nothing
      expect(poll(k, c)).toBe(WRITABLE);
      expect(poll(k, a)).toBe(FIN_IN);
      expect(k.sys.read(a, buf, 10)).toBe(10);
      expect(poll(k, a, E.POLLIN | E.POLLHUP)).toBe(E.POLLIN);
      expect(k.sys.read(a, buf, 10)).toBe(0);
      // Linux's SHUT_RD does not refuse later data: it is queued and read after the EOF.
      expect(k.sys.write(c, bytes(5), 5)).toBe(5);
      expect(poll(k, a)).toBe(FIN_IN);
      expect(k.sys.read(a, buf, 10)).toBe(5);
      expect(k.sys.close(a)).toBe(0); // nothing unread: a FIN
      expect(poll(k, c)).toBe(FIN_IN);
    }
    {
      const { c, a } = tcpPair(k, fam);
      expect(k.sys.send(c, bytes(10), 10, 0)).toBe(10);
      expect(poll(k, a, E.POLLIN)).toBe(E.POLLIN);
      expect(k.sys.recv(a, buf, 10, 0)).toBe(10);
      expect(k.sys.close(c)).toBe(0);
      expect(poll(k, a, E.POLLIN)).toBe(E.POLLIN);
      expect(k.sys.recv(a, buf, 10, 0)).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------
// gVisor test/syscalls/linux/socket_inet_loopback.cc
// ---------------------------------------------------------------------------------------
describe.each(FAMILIES)("gVisor socket_inet_loopback.cc, %s", (_n, fam) => {
  test("POLLIN|POLLRDHUP exactly after a local SHUT_RD, a remote SHUT_WR, or a client closing right after connect [SocketInetLoopbackTest.TCPUnblockWaitOnLocalRdHUp, TCPUnblockWaitOnRemoteRdHUp, TCPNonBlockingConnectClose]", () => {
    const k = newKernel();
    const want = E.POLLIN | RDHUP; // POLLRDHUP is EPOLLRDHUP (0x2000)
    {
      const { a } = tcpPair(k, fam);
      expect(k.sys.shutdown(a, E.SHUT_RD)).toBe(0);
      expect(poll(k, a, want)).toBe(want);
    }
    {
      const { c, a } = tcpPair(k, fam);
      expect(k.sys.shutdown(c, E.SHUT_WR)).toBe(0);
      expect(k.sys.recv(a, new Uint8Array(4), 4, 0)).toBe(0);
      expect(poll(k, a, want)).toBe(want);
    }
    const { l, to } = listener(k, fam, 0);
    for (let i = 0; i < 3; i++) {
      const c = connectNb(k, fam, to);
      expect(k.sys.close(c)).toBe(0);
      const a = k.sys.accept(l, null); // the connection was complete before the close
      expect(a).toBeGreaterThan(0);
      expect(poll(k, a, want)).toBe(want);
      expect(poll(k, a)).toBe(FIN_IN);
      expect(k.sys.close(a)).toBe(0);
    }
  });

  test.each([
    ["close", false],
    ["shutdown(SHUT_RD)", true],
  ])("a listener hung up by %s resets its queued connection: POLLHUP|POLLERR, ECONNRESET [SocketInetLoopbackTest.TCPListenCloseDuringConnect, TCPListenShutdownDuringConnect]", (_h, useShutdown) => {
    const k = newKernel();
    const { l, to } = listener(k, fam, 0);
    const c = connectNb(k, fam, to);
    if (useShutdown) {
      expect(k.sys.shutdown(l, E.SHUT_RD)).toBe(0);
      expect(poll(k, l)).toBe(OUT | HUP | WRNORM); // 0x114: no longer listening
      expect(k.sys.accept(l, null)).toBe(-E.EINVAL);
    } else {
      expect(k.sys.close(l)).toBe(0);
    }
    expect(poll(k, c, 0)).toBe(E.POLLHUP | E.POLLERR);
    expect(poll(k, c)).toBe(RESET);
    expect(k.sys.read(c, new Uint8Array(1), 1)).toBe(-E.ECONNRESET);
  });

  test.each([
    ["close", false],
    ["shutdown(SHUT_RD)", true],
  ])("after %s of a full listener: the queued client is reset at once, the one in SYN_SENT is refused at its SYN retransmission 1 s later [SocketInetLoopbackTest.TCPListenCloseConnectingRead, TCPListenShutdownConnectingRead]", (_h, useShutdown) => {
    const k = newKernel();
    const { l, to } = listener(k, fam, 0);
    const est = connectNb(k, fam, to);
    expect(poll(k, est, E.POLLIN | E.POLLOUT)).toBe(E.POLLOUT);
    expect(poll(k, l, E.POLLIN)).toBe(E.POLLIN);
    const c = connectNb(k, fam, to);
    expect(poll(k, c)).toBe(0);
    const t0 = k.now();
    expect(useShutdown ? k.sys.shutdown(l, E.SHUT_RD) : k.sys.close(l)).toBe(0);
    expect(poll(k, est, 0)).toBe(E.POLLHUP | E.POLLERR);
    expect(poll(k, c, 0)).toBe(0);
    expect(poll(k, c, 0, 5000)).toBe(E.POLLHUP | E.POLLERR); // Linux: after 1.01 s
    expect(k.now() - t0).toBe(1000000000n);
    expect(poll(k, c)).toBe(RESET);
    const b = new Uint8Array(1);
    expect(k.sys.read(est, b, 1)).toBe(-E.ECONNRESET);
    expect(k.sys.read(c, b, 1)).toBe(-E.ECONNREFUSED);
    expect(k.sys.read(c, b, 1)).toBe(0);
    expect(poll(k, c)).toBe(CLOSED);
  });

  test("a connection reset while queued is still accepted: POLLIN|POLLHUP|POLLERR, SO_ERROR ECONNRESET then 0, getpeername ENOTCONN [SocketInetLoopbackTest.TCPAcceptAfterReset, with connect(AF_UNSPEC) as the reset instead of SO_LINGER 0]", () => {
    const k = newKernel();
    const { l, to } = listener(k, fam);
    const c = connectNb(k, fam, to);
    expect(k.sys.connect(c, { family: E.AF_UNSPEC, addr: "", port: 0 })).toBe(0); // tcp_disconnect: RST
    expect(poll(k, c)).toBe(OUT | ERR | HUP | WRNORM); // 0x11c: the resetting side has sk_err too
    expect(poll(k, l)).toBe(READABLE);
    const a = k.sys.accept(l, null);
    expect(a).toBeGreaterThan(0);
    expect(poll(k, a, E.POLLIN)).toBe(E.POLLIN | E.POLLHUP | E.POLLERR);
    expect(poll(k, a)).toBe(RESET);
    expect(soError(k, a)).toBe(E.ECONNRESET);
    expect(soError(k, a)).toBe(0);
    expect(k.sys.getpeername(a, { family: 0, addr: "", port: 0 })).toBe(-E.ENOTCONN);
  });
});

// ---------------------------------------------------------------------------------------
// gVisor test/syscalls/linux/udp_socket.cc
// ---------------------------------------------------------------------------------------
describe.each(FAMILIES)("gVisor udp_socket.cc, %s", (_n, fam) => {
  test("a connected socket's datagram to a closed port raises POLLERR; the error is reported once, by SO_ERROR, send or recv [UdpSocketTest.ConnectWriteToInvalidPort, ConnectAndSendNoReceiver]", () => {
    const k = newKernel();
    const buf = bytes(512);
    const b = udp(k, fam);
    const to = loop(fam, portOf(k, b));
    expect(k.sys.close(b)).toBe(0);
    const u = udp(k, fam, false);
    expect(k.sys.sendto(u, buf, 512, 0, to)).toBe(512); // unconnected: the ICMP error is ignored
    expect(poll(k, u)).toBe(UDP_OUT);
    expect(soError(k, u)).toBe(0);

    const s = udp(k, fam, false);
    expect(k.sys.connect(s, to)).toBe(0);
    expect(k.sys.sendto(s, buf, 512, 0, to)).toBe(512);
    expect(poll(k, s, E.POLLERR)).toBe(E.POLLERR);
    expect(poll(k, s)).toBe(UDP_OUT | ERR); // 0x30c
    expect(soError(k, s)).toBe(E.ECONNREFUSED);
    expect(poll(k, s)).toBe(UDP_OUT);

    expect(k.sys.send(s, buf, 512, 0)).toBe(512);
    expect(poll(k, s, E.POLLERR)).toBe(E.POLLERR);
    expect(k.sys.send(s, buf, 512, 0)).toBe(-E.ECONNREFUSED); // the pending error, nothing sent
    expect(poll(k, s)).toBe(UDP_OUT);
    expect(k.sys.send(s, buf, 512, 0)).toBe(512);
    expect(poll(k, s, E.POLLERR)).toBe(E.POLLERR);
    expect(k.sys.recv(s, buf, 512, 0)).toBe(-E.ECONNREFUSED);
    expect(k.sys.send(s, buf, 512, 0)).toBe(512);
    expect(k.sys.recv(s, buf, 512, 0)).toBe(-E.ECONNREFUSED);
  });

  test("an empty datagram makes the receiver readable; FIONREAD is the first datagram's size [UdpSocketTest.ZerolengthWriteAllowed, ZerolengthWriteAllowedNonBlockRead, Fionread, FIONREADZeroLengthPacket]", () => {
    const k = newKernel();
    const buf = new Uint8Array(512);
    const b = udp(k, fam);
    const s = udp(k, fam);
    expect(k.sys.connect(b, loop(fam, portOf(k, s)))).toBe(0);
    expect(k.sys.write(b, buf, 0)).toBe(0);
    expect(poll(k, s, E.POLLIN)).toBe(E.POLLIN);
    expect(poll(k, s)).toBe(UDP_OUT | READABLE); // 0x345
    expect(fionread(k, s)).toBe(0);
    expect(k.sys.read(s, buf, 3)).toBe(0);
    expect(k.sys.read(s, buf, 3)).toBe(-E.EAGAIN);
    expect(poll(k, s)).toBe(UDP_OUT);

    const r = udp(k, fam);
    const to = loop(fam, portOf(k, r));
    const tx = udp(k, fam, false);
    expect(fionread(k, r)).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(k.sys.sendto(tx, bytes(100), 100, 0, to)).toBe(100);
      expect(poll(k, r, E.POLLIN)).toBe(E.POLLIN);
      expect(fionread(k, r)).toBe(100); // one datagram's size, however many are queued
    }
    const z = udp(k, fam);
    const toZ = loop(fam, portOf(k, z));
    for (let i = 0; i < 3; i++) {
      expect(k.sys.sendto(tx, buf, 0, 0, toZ)).toBe(0);
      expect(poll(k, z, E.POLLIN)).toBe(E.POLLIN);
      expect(fionread(k, z)).toBe(0);
    }
  });

  test("shutdown(SHUT_RD): ENOTCONN unconnected yet still marked (POLLIN|POLLRDHUP); queued data stays readable; a blocking recv returns 0, a non-blocking one EAGAIN; reconnecting keeps it [UdpSocketTest.ReadShutdown, ReadShutdownNonblockPendingData, ReconnectDoesNotClearReadShutdown, ReadShutdownOnBoundSocket]", () => {
    const k = newKernel();
    const buf = new Uint8Array(512);
    const b = udp(k, fam);
    const to = loop(fam, portOf(k, b));
    const s = udp(k, fam, false);
    expect(k.sys.recv(s, buf, 512, E.MSG_DONTWAIT)).toBe(-E.EAGAIN);
    expect(k.sys.shutdown(s, E.SHUT_RD)).toBe(-E.ENOTCONN);
    expect(poll(k, s)).toBe(UDP_OUT | READABLE | RDHUP); // 0x2345: inet_shutdown set RCV_SHUTDOWN anyway
    expect(k.sys.recv(s, buf, 512, E.MSG_DONTWAIT)).toBe(-E.EAGAIN);
    expect(k.sys.connect(s, to)).toBe(0);
    expect(poll(k, s)).toBe(UDP_OUT | READABLE | RDHUP);
    expect(k.sys.shutdown(s, E.SHUT_RD)).toBe(0);
    expect(k.sys.recv(s, buf, 512, E.MSG_DONTWAIT)).toBe(-E.EAGAIN);
    expect(k.sys.connect(s, to)).toBe(0);
    expect(poll(k, s)).toBe(UDP_OUT | READABLE | RDHUP);

    const blk = k.sys.socket(fam, SOCK_DGRAM, 0); // blocking
    expect(k.sys.connect(blk, to)).toBe(0);
    expect(k.sys.shutdown(blk, E.SHUT_RD)).toBe(0);
    expect(k.sys.recv(blk, buf, 512, 0)).toBe(0); // does not block: end of file
    expect(k.sys.read(blk, buf, 8)).toBe(0); // read(2) too
    expect(k.sys.recv(blk, buf, 512, E.MSG_DONTWAIT)).toBe(-E.EAGAIN);

    const r = udp(k, fam);
    const w = udp(k, fam);
    expect(k.sys.connect(r, loop(fam, portOf(k, w)))).toBe(0);
    expect(k.sys.connect(w, loop(fam, portOf(k, r)))).toBe(0);
    expect(k.sys.recv(r, buf, 512, E.MSG_DONTWAIT)).toBe(-E.EAGAIN);
    expect(k.sys.write(w, bytes(3), 3)).toBe(3);
    expect(k.sys.shutdown(r, E.SHUT_RD)).toBe(0);
    expect(poll(k, r)).toBe(UDP_OUT | READABLE | RDHUP);
    expect(k.sys.recv(r, buf, 2, 0)).toBe(2); // the rest of the datagram is lost
    expect(k.sys.recv(r, buf, 1, 0)).toBe(-E.EAGAIN);

    const q = udp(k, fam);
    expect(k.sys.shutdown(q, E.SHUT_RD)).toBe(-E.ENOTCONN);
    expect(k.sys.shutdown(q, E.SHUT_WR)).toBe(-E.ENOTCONN);
    expect(k.sys.shutdown(q, E.SHUT_RDWR)).toBe(-E.ENOTCONN);
    expect(poll(k, q)).toBe(UDP_OUT | READABLE | RDHUP | HUP); // 0x2355: both directions marked
  });

  test("shutdown(SHUT_WR): ENOTCONN unconnected but sends then fail EPIPE; connected, later sends EPIPE even after a reconnect [UdpSocketTest.WriteShutdown, ReconnectDoesNotClearWriteShutdown]", () => {
    const k = newKernel();
    const b = udp(k, fam);
    const to = loop(fam, portOf(k, b));
    const s = udp(k, fam, false);
    expect(k.sys.shutdown(s, E.SHUT_WR)).toBe(-E.ENOTCONN);
    expect(poll(k, s)).toBe(UDP_OUT);
    expect(k.sys.send(s, bytes(1), 1, E.MSG_NOSIGNAL)).toBe(-E.EDESTADDRREQ);
    expect(k.sys.sendto(s, bytes(1), 1, E.MSG_NOSIGNAL, to)).toBe(-E.EPIPE);
    const c = udp(k, fam, false);
    expect(k.sys.connect(c, to)).toBe(0);
    expect(k.sys.send(c, bytes(1), 1, E.MSG_NOSIGNAL)).toBe(1);
    expect(k.sys.shutdown(c, E.SHUT_WR)).toBe(0);
    expect(poll(k, c)).toBe(UDP_OUT);
    expect(k.sys.send(c, bytes(1), 1, E.MSG_NOSIGNAL)).toBe(-E.EPIPE);
    expect(k.sys.connect(c, to)).toBe(0);
    expect(k.sys.send(c, bytes(1), 1, E.MSG_NOSIGNAL)).toBe(-E.EPIPE);
  });
});

// ---------------------------------------------------------------------------------------
// LTP testcases/kernel/syscalls/epoll_wait/epoll_wait05.c (over TCP, as the original)
// ---------------------------------------------------------------------------------------
describe.each(FAMILIES)("LTP epoll_wait05, %s", (_n, fam) => {
  test("shutdown(SHUT_RD) of a connected TCP socket watched for EPOLLRDHUP alone reports EPOLLRDHUP [epoll_wait05]", () => {
    const k = newKernel();
    const { c } = tcpPair(k, fam);
    const ep = k.sys.epoll_create1(0);
    add(k, ep, c, RDHUP);
    expect(wait(k, ep)).toEqual([]);
    expect(k.sys.shutdown(c, E.SHUT_RD)).toBe(0);
    expect(wait(k, ep, 1)).toEqual([[RDHUP, c]]);
    expect(wait(k, ep, 1)).toEqual([[RDHUP, c]]); // level-triggered
    expect(poll(k, c)).toBe(FIN_IN);
  });
});

// ---------------------------------------------------------------------------------------
// Linux kselftests tools/testing/selftests/net/reuseport_dualstack.c, reuseport_addr_any.c
// ---------------------------------------------------------------------------------------
type Recv = { fd: number; fam: number };
/** `count` SO_REUSEPORT sockets of `fam` bound to addr:port (port 0: the first picks one). */
function group(k: E.Kernel, into: Recv[], fam: number, type: number, count: number, port: number, addr?: string): number {
  for (let i = 0; i < count; i++) {
    const fd = k.sys.socket(fam, type | SOCK_NONBLOCK, 0);
    expect(k.sys.setsockopt(fd, E.SOL_SOCKET, E.SO_REUSEPORT, 1)).toBe(0);
    const at = addr === undefined ? any(fam, port) : { family: fam, addr, port };
    expect(k.sys.bind(fd, at)).toBe(0);
    if (port === 0) port = portOf(k, fd);
    if (type === SOCK_STREAM) expect(k.sys.listen(fd, 10)).toBe(0);
    into.push({ fd, fam });
  }
  return port;
}
/** The kselftests' send: bind to the wildcard, connect to loopback, send "a"; then the one ready socket's index. */
function sendAndReceive(k: E.Kernel, rcv: Recv[], fam: number, type: number, port: number): number {
  const ep = k.sys.epoll_create1(0);
  rcv.forEach((r, i) => add(k, ep, r.fd, IN, i));
  const s = k.sys.socket(fam, type, 0);
  expect(k.sys.bind(s, any(fam, 0))).toBe(0);
  expect(k.sys.connect(s, loop(fam, port))).toBe(0); // blocking TCP connect: 0 on loopback
  expect(k.sys.send(s, bytes(1), 1, 0)).toBe(1);
  const ev = wait(k, ep);
  expect(ev.length).toBe(1);
  expect(ev[0][0]).toBe(IN);
  const idx = ev[0][1];
  const buf = new Uint8Array(8);
  if (type === SOCK_STREAM) {
    const a = k.sys.accept(rcv[idx].fd, null);
    expect(a).toBeGreaterThan(0);
    expect(k.sys.recv(a, buf, 8, 0)).toBe(1);
  } else {
    expect(k.sys.recv(rcv[idx].fd, buf, 8, 0)).toBe(1);
  }
  const dom = [-1];
  expect(k.sys.getsockopt(rcv[idx].fd, E.SOL_SOCKET, E.SO_DOMAIN, dom)).toBe(0);
  expect(dom[0]).toBe(rcv[idx].fam);
  return idx;
}

// An IPv4 datagram or connection always lands on an AF_INET member (0 of 40 on an AF_INET6
// one in a C run of each row): compute_score ranks an AF_INET socket above a dual-stack one.
describe("kselftest net/reuseport_dualstack.c", () => {
  test.each([
    ["UDP, IPv4 sockets first", SOCK_DGRAM, [AF_INET, AF_INET6], 5],
    ["UDP, IPv6 sockets first", SOCK_DGRAM, [AF_INET6, AF_INET], 5],
    ["TCP, IPv4 sockets first", SOCK_STREAM, [AF_INET, AF_INET6], 5],
    ["TCP, IPv6 sockets first", SOCK_STREAM, [AF_INET6, AF_INET], 5],
  ])("%s: an IPv4 packet to a mixed SO_REUSEPORT group wakes (epoll) only an AF_INET socket [main]", (_n, type, order, count) => {
    const k = newKernel();
    const rcv: Recv[] = [];
    const port = group(k, rcv, order[0], type, count, 0);
    group(k, rcv, order[1], type, count, port);
    const idx = sendAndReceive(k, rcv, AF_INET, type, port);
    expect(rcv[idx].fam).toBe(AF_INET); // Linux: always an AF_INET socket (which one is a hash)
  });
});

describe("kselftest net/reuseport_addr_any.c", () => {
  test.each([
    ["UDP IPv4", SOCK_DGRAM, AF_INET, AF_INET, "127.0.0.1"],
    ["UDP IPv6", SOCK_DGRAM, AF_INET6, AF_INET6, "::1"],
    ["UDP IPv4 mapped to IPv6", SOCK_DGRAM, AF_INET6, AF_INET, "::ffff:127.0.0.1"],
    ["TCP IPv4", SOCK_STREAM, AF_INET, AF_INET, "127.0.0.1"],
    ["TCP IPv6", SOCK_STREAM, AF_INET6, AF_INET6, "::1"],
    ["TCP IPv4 mapped to IPv6", SOCK_STREAM, AF_INET6, AF_INET, "::ffff:127.0.0.1"],
  ])("%s: the socket bound to the specific address wins over wildcard ones created before and after it [main]", (_n, type, specFam, sendFam, addr) => {
    const k = newKernel();
    const rcv: Recv[] = [];
    const port = group(k, rcv, AF_INET, type, 2, 0);
    group(k, rcv, AF_INET6, type, 2, port);
    group(k, rcv, specFam, type, 1, port, addr);
    group(k, rcv, AF_INET, type, 2, port);
    group(k, rcv, AF_INET6, type, 2, port);
    expect(sendAndReceive(k, rcv, sendFam, type, port)).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------
// sockapi-ts (Xilinx-CNS/cns-sapi-ts) sockapi-ts/epoll/
// ---------------------------------------------------------------------------------------
describe.each(FAMILIES)("sockapi-ts epoll, %s", (_n, fam) => {
  test("EPOLLOUT|EPOLLET: reported once; a TCP write does not re-arm it, a UDP write does [epoll/edge_triggered_out]", () => {
    const k = newKernel();
    const buf = new Uint8Array(1000);
    {
      const { c, a } = tcpPair(k, fam);
      const ep = k.sys.epoll_create1(0);
      add(k, ep, c, OUT | ET);
      expect(wait(k, ep)).toEqual([[OUT, c]]);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.write(c, bytes(1000), 1000)).toBe(1000);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.recv(a, buf, 1000, 0)).toBe(1000);
      expect(wait(k, ep)).toEqual([]);
    }
    {
      const u = udp(k, fam);
      const t = udp(k, fam);
      expect(k.sys.connect(u, loop(fam, portOf(k, t)))).toBe(0);
      expect(k.sys.connect(t, loop(fam, portOf(k, u)))).toBe(0);
      const ep = k.sys.epoll_create1(0);
      add(k, ep, u, OUT | ET);
      expect(wait(k, ep)).toEqual([[OUT, u]]);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.write(u, bytes(1000), 1000)).toBe(1000);
      expect(wait(k, ep)).toEqual([[OUT, u]]); // the sent skb's memory came back: a write-space wakeup
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.recv(t, buf, 1000, 0)).toBe(1000);
      expect(wait(k, ep)).toEqual([]);
    }
  });

  test("a fresh TCP socket watched for EPOLLIN reports EPOLLHUP (UDP: nothing); a refused non-blocking connect reports EPOLLOUT|EPOLLERR|EPOLLHUP [epoll/epoll_nbio_tcpconnect]", () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    const t = k.sys.socket(fam, SOCK_STREAM, 0);
    add(k, ep, t, IN);
    expect(wait(k, ep)).toEqual([[HUP, t]]);
    expect(k.sys.epoll_ctl(ep, EPOLL_CTL_DEL, t, null)).toBe(0);
    expect(k.sys.close(t)).toBe(0);
    const u = udp(k, fam, false);
    add(k, ep, u, IN);
    expect(wait(k, ep)).toEqual([]);
    expect(k.sys.epoll_ctl(ep, EPOLL_CTL_DEL, u, null)).toBe(0);
    expect(k.sys.close(u)).toBe(0);
    const to = closedPort(k, fam);
    const s = k.sys.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(k.sys.connect(s, to)).toBe(-E.EINPROGRESS);
    add(k, ep, s, OUT);
    expect(wait(k, ep)).toEqual([[OUT | ERR | HUP, s]]);
    expect(wait(k, ep)).toEqual([[OUT | ERR | HUP, s]]);
    expect(soError(k, s)).toBe(E.ECONNREFUSED);
    expect(wait(k, ep)).toEqual([[OUT | HUP, s]]);
    expect(k.sys.epoll_ctl(ep, EPOLL_CTL_DEL, s, null)).toBe(0);
  });

  test("EPOLLIN|EPOLLET added before bind/listen/connect: TCP reports EPOLLHUP once, UDP nothing; later events come as usual [epoll/epollet_early_shot]", () => {
    const k = newKernel();
    const b = new Uint8Array(16);
    { // TCP, passive open
      const ep = k.sys.epoll_create1(0);
      const s = k.sys.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
      add(k, ep, s, IN | ET);
      expect(wait(k, ep)).toEqual([[HUP, s]]);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.bind(s, loop(fam, 0))).toBe(0);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.listen(s, 4)).toBe(0);
      expect(wait(k, ep)).toEqual([]);
      const t = connectNb(k, fam, loop(fam, portOf(k, s)));
      expect(wait(k, ep)).toEqual([[IN, s]]);
      expect(wait(k, ep)).toEqual([]);
      const a = k.sys.accept(s, null);
      expect(a).toBeGreaterThan(0);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.write(t, bytes(4), 4)).toBe(4);
      expect(k.sys.write(a, bytes(4), 4)).toBe(4);
      expect(k.sys.read(t, b, 4)).toBe(4);
      expect(k.sys.read(a, b, 4)).toBe(4);
    }
    { // TCP, active open
      const ep = k.sys.epoll_create1(0);
      const s = k.sys.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
      add(k, ep, s, IN | ET);
      expect(wait(k, ep)).toEqual([[HUP, s]]);
      expect(wait(k, ep)).toEqual([]);
      const { l, to } = listener(k, fam, 4);
      expect(k.sys.connect(s, to)).toBe(-E.EINPROGRESS);
      expect(wait(k, ep)).toEqual([]);
      const a = k.sys.accept(l, null);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.write(a, bytes(4), 4)).toBe(4);
      expect(wait(k, ep)).toEqual([[IN, s]]);
      expect(k.sys.read(s, b, 4)).toBe(4);
      expect(wait(k, ep)).toEqual([]);
    }
    { // UDP
      const ep = k.sys.epoll_create1(0);
      const s = udp(k, fam, false);
      add(k, ep, s, IN | ET);
      expect(wait(k, ep)).toEqual([]);
      expect(k.sys.bind(s, loop(fam, 0))).toBe(0);
      expect(wait(k, ep)).toEqual([]);
      const t = udp(k, fam, false);
      expect(k.sys.sendto(t, bytes(4), 4, 0, loop(fam, portOf(k, s)))).toBe(4);
      expect(wait(k, ep)).toEqual([[IN, s]]);
      expect(k.sys.recv(s, b, 16, 0)).toBe(4);
      expect(wait(k, ep)).toEqual([]);
    }
  });

  test.each([
    ["in", IN],
    ["out", OUT],
    ["inout", IN | OUT],
  ])("EPOLL_CTL_MOD with the same events re-arms an edge-triggered item (evts=%s) [epoll/edge_triggered_refresh]", (_e, evts) => {
    const k = newKernel();
    const cases: [string, number, number, number | null][] = [];
    const tcpFresh = k.sys.socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
    cases.push(["just_created TCP", tcpFresh, ((evts & OUT) | HUP) >>> 0, null]); // 0x10 / 0x14
    const udpFresh = udp(k, fam, false);
    cases.push(["just_created UDP", udpFresh, evts & OUT, null]);
    const { c, a } = tcpPair(k, fam);
    cases.push(["connected TCP", a, evts, c]);
    const u = udp(k, fam);
    const v = udp(k, fam);
    expect(k.sys.connect(u, loop(fam, portOf(k, v)))).toBe(0);
    expect(k.sys.connect(v, loop(fam, portOf(k, u)))).toBe(0);
    cases.push(["connected UDP", u, evts, v]);
    for (const [what, fd, want, peer] of cases) {
      const ep = k.sys.epoll_create1(0);
      add(k, ep, fd, evts | ET);
      if (peer !== null && evts & IN) expect(k.sys.write(peer, bytes(100), 100)).toBe(100);
      const expected = want === 0 ? [] : [[want, fd]];
      expect([what, wait(k, ep)]).toEqual([what, expected]);
      expect([what, wait(k, ep)]).toEqual([what, []]);
      expect(k.sys.epoll_ctl(ep, EPOLL_CTL_MOD, fd, { events: (evts | ET) >>> 0, data: fd })).toBe(0);
      expect([what, wait(k, ep)]).toEqual([what, expected]);
      expect([what, wait(k, ep)]).toEqual([what, []]);
    }
  });

  describe.each([
    ["in", IN],
    ["out", OUT],
    ["inout", IN | OUT],
  ])("shutdown(SHUT_WR) under EPOLLET|EPOLLHUP|EPOLLERR, evts=%s [epoll/tcp_shutdown]", (_e, evts) => {
    test.each([
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ])("event_before=%s close_peer=%s", (eventBefore, closePeer) => {
      const k = newKernel();
      const { c: tst, a: iut } = tcpPair(k, fam); // the tester connects to the IUT
      const tx = evts & OUT ? overfill(k, iut) : 0;
      if (evts & OUT) expect(tx).toBeGreaterThan(0);
      const ep = k.sys.epoll_create1(0);
      add(k, ep, iut, evts | HUP | ERR | ET);
      if (eventBefore) {
        if (evts & IN) expect(k.sys.write(tst, bytes(100), 100)).toBe(100);
        if (evts & OUT) expect(drain(k, tst)).toBe(tx);
      }
      expect(k.sys.shutdown(iut, E.SHUT_WR)).toBe(0);
      if (closePeer) expect(k.sys.close(tst)).toBe(0);
      // Linux, over both families (mask per case):
      //   !before !close: in 0, out/inout 0x4      before !close: in 0x1, out 0x4, inout 0x5
      //   !before close:  in 0x11, out 0x1c, inout 0x1d   before close: in 0x11, out 0x14, inout 0x15
      let want = evts & OUT;
      if (evts & IN && (eventBefore || closePeer)) want |= IN;
      if (closePeer) want |= HUP;
      if (closePeer && !eventBefore && evts & OUT) want |= ERR; // the tester closed with unread data: RST
      expect(wait(k, ep)).toEqual(want ? [[want, iut]] : []);
      expect(wait(k, ep)).toEqual([]);
      if (!closePeer) {
        if (!eventBefore && evts & OUT) expect(drain(k, tst)).toBe(tx); // the FIN follows the data
        const buf = new Uint8Array(100);
        expect(k.sys.recv(tst, buf, 100, E.MSG_DONTWAIT)).toBe(0);
        if (evts & IN) {
          expect(k.sys.write(tst, bytes(100), 100)).toBe(100);
          expect(wait(k, ep)).toEqual([[(IN | (evts & OUT)) >>> 0, iut]]);
        }
      }
    });
  });
});
