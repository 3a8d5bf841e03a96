// AF_UNIX SOCK_DGRAM and SOCK_SEQPACKET: message boundaries, truncation, the datagram
// receive-queue limit and its poll/wakeup rules, connect/disconnect, a closed peer.
// Expected values were checked on this machine's Linux 6.18 with a C program making the
// same calls (abstract names; non-blocking sockets).
import * as E from "../src/index";
import { newKernel } from "./helpers";

const { AF_UNIX, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_NONBLOCK } = E;
const at = (path: string): E.SockAddr => ({ family: AF_UNIX, path });
const enc = (s: string) => new TextEncoder().encode(s);
const revents = (k: E.Kernel, fd: number, events = 0xff) => {
  const p = [{ fd, events, revents: 0 }];
  k.sys.poll(p, 1, 0);
  return p[0].revents;
};
const dgram = (k: E.Kernel) => k.sys.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

test("the receive queue takes max_dgram_qlen + 1 = 11 messages from a sender it is not connected to", () => {
  const k = newKernel();
  const s = k.sys;
  const r = dgram(k);
  expect(s.bind(r, at("\0r"))).toBe(0);
  const snd = dgram(k);
  const results = Array.from({ length: 12 }, () => s.sendto(snd, enc("m"), 1, 0, at("\0r")));
  expect(results).toEqual([...Array(11).fill(1), -E.EAGAIN]);
  const n = [0];
  expect(s.ioctl(r, E.FIONREAD, n)).toBe(0);
  expect(n).toEqual([1]); // a datagram socket's FIONREAD: the first message's length
});

test("a connected sender to a full receiver: no EPOLLOUT, EAGAIN; one read relays a write-space edge", () => {
  const k = newKernel();
  const s = k.sys;
  const r = dgram(k);
  expect(s.bind(r, at("\0r"))).toBe(0);
  const other = dgram(k);
  for (let i = 0; i < 11; i++) expect(s.sendto(other, enc("m"), 1, 0, at("\0r"))).toBe(1);
  const c = dgram(k);
  expect(s.bind(c, at("\0c"))).toBe(0);
  expect(s.connect(c, at("\0r"))).toBe(0);
  expect(revents(k, c, E.POLLOUT)).toBe(0);
  const ep = s.epoll_create1(0);
  expect(s.epoll_ctl(ep, E.EPOLL_CTL_ADD, c, { events: E.EPOLLOUT | E.EPOLLET, data: 7 })).toBe(0);
  const out: E.EpollEvent[] = [];
  expect(s.epoll_wait(ep, out, 4, 0)).toBe(0);
  expect(s.send(c, enc("m"), 1, 0)).toBe(-E.EAGAIN);
  const from = { family: 0, path: "?" };
  expect(s.recvfrom(r, new Uint8Array(8), 8, 0, from)).toBe(1);
  expect(from).toEqual({ family: AF_UNIX, path: "" }); // an unnamed sender
  expect(s.epoll_wait(ep, out, 4, 0)).toBe(1); // unix_dgram_peer_wake_relay
  expect(out[0]).toEqual({ events: E.EPOLLOUT, data: 7n });
  expect(s.send(c, enc("hello"), 5, 0)).toBe(5);
  // r is connected to c now: a third socket may not send to it.
  expect(s.connect(r, at("\0c"))).toBe(0);
  expect(s.sendto(dgram(k), enc("z"), 1, 0, at("\0r"))).toBe(-E.EPERM);
});

test("message boundaries: truncation, MSG_TRUNC, MSG_PEEK, and the sender's name", () => {
  const k = newKernel();
  const s = k.sys;
  const p: number[] = [];
  expect(s.socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, p)).toBe(0);
  expect(s.send(p[0], enc("abcdef"), 6, 0)).toBe(6);
  expect(s.send(p[0], enc("gh"), 2, 0)).toBe(2);
  const b = new Uint8Array(8);
  expect(s.recv(p[1], b, 3, 0)).toBe(3); // the rest of "abcdef" is gone
  expect(s.recv(p[1], b, 3, E.MSG_TRUNC | E.MSG_PEEK)).toBe(2);
  expect(s.recv(p[1], b, 1, E.MSG_TRUNC)).toBe(2); // the real length, one byte copied
  expect(s.recv(p[1], b, 8, 0)).toBe(-E.EAGAIN);
  expect(s.send(p[0], new Uint8Array(212961), 212961, 0)).toBe(-E.EMSGSIZE); // more than sk_sndbuf - 32
  expect(s.send(p[0], new Uint8Array(0), 0, 0)).toBe(0); // an empty datagram is a message
  expect(revents(k, p[1])).toBe(E.POLLIN | E.POLLOUT | E.POLLRDNORM);
  expect(s.read(p[1], b, 8)).toBe(0);
  expect(s.read(p[1], b, 8)).toBe(-E.EAGAIN);
});

test("a datagram peer that closes: ECONNREFUSED once, then the socket is unconnected", () => {
  const k = newKernel();
  const s = k.sys;
  const q: number[] = [];
  expect(s.socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, q)).toBe(0);
  expect(s.send(q[1], enc("x"), 1, 0)).toBe(1);
  expect(s.close(q[0])).toBe(0);
  expect(revents(k, q[1])).toBe(E.POLLOUT); // no HUP, no ERR: datagram peers are not told
  expect(s.send(q[1], enc("y"), 1, 0)).toBe(-E.ECONNREFUSED);
  expect(s.send(q[1], enc("y"), 1, 0)).toBe(-E.ENOTCONN);
  expect(s.recv(q[1], new Uint8Array(8), 8, 0)).toBe(-E.EAGAIN);
});

test("seqpacket: truncation, EOF after the peer's SHUT_WR, and an unconnected socket", () => {
  const k = newKernel();
  const s = k.sys;
  const sp: number[] = [];
  expect(s.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sp)).toBe(0);
  expect(s.send(sp[0], enc("abc"), 3, 0)).toBe(3);
  expect(s.shutdown(sp[0], E.SHUT_WR)).toBe(0);
  const b = new Uint8Array(8);
  expect(s.recv(sp[1], b, 2, 0)).toBe(2);
  expect(s.recv(sp[1], b, 8, 0)).toBe(0);
  expect(revents(k, sp[1])).toBe(E.POLLIN | E.POLLOUT | E.POLLRDNORM);
  const u = s.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
  expect(revents(k, u, 0xffff)).toBe(E.POLLOUT | E.POLLHUP | E.POLLWRNORM | E.POLLWRBAND);
  expect(s.send(u, enc("a"), 1, 0)).toBe(-E.ENOTCONN);
  expect(s.recv(u, b, 1, 0)).toBe(-E.ENOTCONN);
  const d = s.socket(AF_UNIX, SOCK_DGRAM, 0);
  expect(s.listen(d, 1)).toBe(-E.EOPNOTSUPP);
  expect(s.accept(d, null)).toBe(-E.EOPNOTSUPP);
});

test("seqpacket: a closed peer resets unless only one empty message was left (Linux 6.18 skips it)", () => {
  const reset = (lens: number[], readFirst: number) => {
    const k = newKernel();
    const sv: number[] = [];
    expect(k.sys.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv)).toBe(0);
    for (const n of lens) expect(k.sys.write(sv[1], new Uint8Array(8), n)).toBe(n);
    for (let i = 0; i < readFirst; i++) k.sys.read(sv[0], new Uint8Array(8), 8);
    expect(k.sys.close(sv[0])).toBe(0);
    const e = [0];
    expect(k.sys.getsockopt(sv[1], E.SOL_SOCKET, E.SO_ERROR, e)).toBe(0);
    return e[0];
  };
  expect([reset([0], 0), reset([0, 0], 0), reset([1], 0), reset([0, 1], 0), reset([1, 0], 0), reset([0, 0, 0], 0)])
    .toEqual([0, E.ECONNRESET, E.ECONNRESET, E.ECONNRESET, E.ECONNRESET, E.ECONNRESET]);
  expect([reset([0, 0], 1), reset([0, 0, 0], 1), reset([1, 0], 1), reset([0, 1], 1)]).toEqual([0, E.ECONNRESET, 0, E.ECONNRESET]);
});

test("a thread blocked in recv on a datagram socket wakes for the next message", async () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.socketpair(AF_UNIX, SOCK_DGRAM, 0, p)).toBe(0); // blocking
  const t = k.spawn(async (ts) => {
    const b = new Uint8Array(16);
    const n = await ts.recv(p[1], b, 16, 0);
    return [n, new TextDecoder().decode(b.subarray(0, n)), k.now()];
  });
  k.spawn(async (ts) => {
    await ts.usleep(2000);
    expect(await ts.send(p[0], enc("ping"), 4, 0)).toBe(4);
  });
  await k.run();
  expect(await t.join()).toEqual([4, "ping", 2000000n]);
});

test("threads: a sender blocked on a full datagram receiver wakes when a message is read (sendto: peer_wait; connected write: the relay)", async () => {
  const k = newKernel();
  const s = k.sys;
  const r = s.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(s.bind(r, at("\0full"))).toBe(0);
  const filler = dgram(k);
  for (let i = 0; i < 11; i++) expect(s.sendto(filler, enc("m"), 1, 0, at("\0full"))).toBe(1);
  const a = s.socket(AF_UNIX, SOCK_DGRAM, 0); // blocking, unconnected
  const b = s.socket(AF_UNIX, SOCK_DGRAM, 0); // blocking, connected
  expect(s.connect(b, at("\0full"))).toBe(0);
  const log: string[] = [];
  const ta = k.spawn(async (ts) => {
    const n = await ts.sendto(a, enc("A"), 1, 0, at("\0full"));
    log.push(`A ${n} at ${k.now()}`);
    return n;
  }, "A");
  const tb = k.spawn(async (ts) => {
    const n = await ts.write(b, enc("B"), 1);
    log.push(`B ${n} at ${k.now()}`);
    return n;
  }, "B");
  k.spawn(async (ts) => {
    await ts.usleep(1000);
    expect(await ts.recv(r, new Uint8Array(4), 4, 0)).toBe(1); // one slot: one sender goes
    await ts.usleep(1000);
    expect(await ts.recv(r, new Uint8Array(4), 4, 0)).toBe(1); // and then the other
  }, "reader");
  await k.run();
  expect([await ta.join(), await tb.join()]).toEqual([1, 1]);
  expect(log.map((l) => l.split(" at ")[1]).sort()).toEqual(["1000000", "2000000"]);
});
