// sendmsg/recvmsg and SCM_RIGHTS over AF_UNIX: files in flight, their fds on arrival, their
// epoll registrations meanwhile, and what a receive without room for them does. Values
// checked on this machine's Linux 6.18 (a C program passing a pipe's read end).
import * as E from "../src/index";
import { newKernel } from "./helpers";

const { AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_NONBLOCK } = E;
const enc = (s: string) => new TextEncoder().encode(s);
const pair = (k: E.Kernel, type: number) => {
  const sv: number[] = [];
  expect(k.sys.socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv)).toBe(0);
  return sv;
};

test.each([["SOCK_STREAM", SOCK_STREAM], ["SOCK_DGRAM", SOCK_DGRAM], ["SOCK_SEQPACKET", SOCK_SEQPACKET]])(
  "%s: a pipe's read end passed and read through its new fd; the sender's copy closed meanwhile",
  (_, type) => {
    const k = newKernel();
    const s = k.sys;
    const [a, b] = pair(k, type);
    const p: number[] = [];
    expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
    expect(s.write(p[1], enc("via fd"), 6)).toBe(6);
    expect(s.sendmsg(a, { iov: [enc("he"), enc("llo")], rights: [p[0]] }, 0)).toBe(5);
    expect(s.close(p[0])).toBe(0); // in flight: the file lives on
    const buf = new Uint8Array(16);
    const msg: E.MsgHdr = { iov: [buf.subarray(0, 2), buf.subarray(2, 16)] };
    expect(s.recvmsg(b, msg, E.MSG_CMSG_CLOEXEC)).toBe(5);
    expect(new TextDecoder().decode(buf.subarray(0, 5))).toBe("hello");
    expect(msg.rights).toEqual([p[0]]); // the lowest free fd: the number just closed
    expect(msg.flags).toBe(0);
    expect(s.fcntl(p[0], E.F_GETFD)).toBe(E.FD_CLOEXEC);
    const got = new Uint8Array(8);
    expect(s.read(p[0], got, 8)).toBe(6);
    expect(new TextDecoder().decode(got.subarray(0, 6))).toBe("via fd");
  },
);

test("a file in flight keeps its epoll registration; dropping the message unread releases it", () => {
  const k = newKernel();
  const s = k.sys;
  const [a, b] = pair(k, SOCK_DGRAM);
  const p: number[] = [];
  expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
  const ep = s.epoll_create1(0);
  expect(s.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 5 })).toBe(0);
  expect(s.sendmsg(a, { iov: [enc("x")], rights: [p[0]] }, 0)).toBe(1);
  expect(s.close(p[0])).toBe(0);
  expect(s.write(p[1], enc("!"), 1)).toBe(1);
  const out: E.EpollEvent[] = [];
  expect(s.epoll_wait(ep, out, 4, 0)).toBe(1); // the item lives with the file
  expect(out[0]).toEqual({ events: E.EPOLLIN, data: 5n });
  expect(k.inspect(ep)!.items.length).toBe(1);
  expect(s.close(b)).toBe(0); // the unread message and the file in it go
  expect(k.inspect(ep)!.items.length).toBe(0);
  // The write end now has no reader.
  expect(s.write(p[1], enc("?"), 1)).toBe(-E.EPIPE);
});

test("read(), recv() and recvfrom() have no room for passed files: they are closed", () => {
  const k = newKernel();
  const s = k.sys;
  const [a, b] = pair(k, SOCK_STREAM);
  const p: number[] = [];
  expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
  expect(s.sendmsg(a, { iov: [enc("ab")], rights: [p[0]] }, 0)).toBe(2);
  expect(s.close(p[0])).toBe(0);
  expect(s.read(b, new Uint8Array(8), 8)).toBe(2);
  expect(s.write(p[1], enc("?"), 1)).toBe(-E.EPIPE); // the last reference to the read end went
});

test("a stream read stops after the skb that carried files", () => {
  const k = newKernel();
  const s = k.sys;
  const [a, b] = pair(k, SOCK_STREAM);
  const e1 = s.eventfd(0, 0);
  expect(s.write(a, enc("12"), 2)).toBe(2);
  expect(s.sendmsg(a, { iov: [enc("34")], rights: [e1] }, 0)).toBe(2);
  expect(s.write(a, enc("56"), 2)).toBe(2);
  const buf = new Uint8Array(8);
  const msg: E.MsgHdr = { iov: [buf] };
  expect(s.recvmsg(b, msg, 0)).toBe(4); // "12" then "34" with its file, and no further
  expect(msg.rights!.length).toBe(1);
  const again: E.MsgHdr = { iov: [buf] };
  expect(s.recvmsg(b, again, 0)).toBe(2);
  expect(again.rights).toEqual([]);
  // MSG_WAITALL too ends with that skb (Linux 6.18: recvmsg(6, MSG_WAITALL) -> 4 and the
  // fd; a non-blocking recv(6, MSG_WAITALL) then returns the 2 bytes there).
  expect(s.write(a, enc("12"), 2)).toBe(2);
  expect(s.sendmsg(a, { iov: [enc("34")], rights: [e1] }, 0)).toBe(2);
  expect(s.write(a, enc("56"), 2)).toBe(2);
  const all: E.MsgHdr = { iov: [buf.subarray(0, 6)] };
  expect(s.recvmsg(b, all, E.MSG_WAITALL)).toBe(4);
  expect(all.rights!.length).toBe(1);
  expect(s.recv(b, buf, 6, E.MSG_WAITALL)).toBe(2);
});

test("sendmsg's errors: a closed fd in rights (EBADF), too many (EINVAL), bad msghdr (EFAULT); files not sent are not kept", () => {
  const k = newKernel();
  const s = k.sys;
  const [a, b] = pair(k, SOCK_DGRAM);
  expect(s.sendmsg(a, { iov: [enc("x")], rights: [99] }, 0)).toBe(-E.EBADF);
  expect(s.sendmsg(a, { iov: [enc("x")], rights: Array(254).fill(a) }, 0)).toBe(-E.EINVAL);
  expect(s.sendmsg(a, null as unknown as E.MsgHdr, 0)).toBe(-E.EFAULT);
  expect(s.sendmsg(a, { iov: ["x" as unknown as Uint8Array] }, 0)).toBe(-E.EFAULT);
  expect(s.sendmsg(b, { iov: [enc("x")] }, 0)).toBe(1);
  const empty: E.MsgHdr = { iov: [] };
  expect(s.recvmsg(a, empty, 0)).toBe(0); // nothing read: a 1-byte datagram cut to 0 bytes
  expect(empty.flags).toBe(E.MSG_TRUNC);
  // A send that fails keeps no reference: closing the fd then releases the pipe.
  const p: number[] = [];
  expect(s.pipe2(p, E.O_NONBLOCK)).toBe(0);
  const lone = s.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  expect(s.sendmsg(lone, { iov: [enc("x")], rights: [p[0]] }, 0)).toBe(-E.ENOTCONN);
  expect(s.close(p[0])).toBe(0);
  expect(s.write(p[1], enc("?"), 1)).toBe(-E.EPIPE);
});

test("unix_gc: a socket whose only reference is in its own queue is collected when a socket is released", () => {
  // Linux 6.18: read -> EAGAIN until the collector has run; after another socket's release
  // (and 100 ms for its work queue) the peer reads EOF. The model collects at the release.
  const k = newKernel();
  const s = k.sys;
  const [a, b] = pair(k, SOCK_STREAM);
  expect(s.sendmsg(a, { iov: [enc("x")], rights: [b] }, 0)).toBe(1); // b now sits in b's own queue
  expect(s.close(b)).toBe(0);
  const buf = new Uint8Array(8);
  expect(s.read(a, buf, 8)).toBe(-E.EAGAIN); // nothing released yet: b is in flight
  expect(s.close(s.socket(AF_UNIX, SOCK_DGRAM, 0))).toBe(0); // a release runs the collector
  expect(s.read(a, buf, 8)).toBe(0); // b was garbage: released, its queue purged first (no reset)
  // A socket held from outside the cycle is not garbage.
  const [c, d] = pair(k, SOCK_STREAM);
  const [e, f] = pair(k, SOCK_STREAM);
  expect(s.sendmsg(c, { iov: [enc("x")], rights: [d] }, 0)).toBe(1);
  expect(s.sendmsg(e, { iov: [enc("y")], rights: [d] }, 0)).toBe(1); // also in f's queue
  expect(s.close(d)).toBe(0);
  expect(s.close(s.socket(AF_UNIX, SOCK_DGRAM, 0))).toBe(0);
  expect(s.read(c, buf, 8)).toBe(-E.EAGAIN); // d lives: f (open) holds a reference to it
  const msg: E.MsgHdr = { iov: [buf] };
  expect(s.recvmsg(f, msg, 0)).toBe(1);
  expect(msg.rights!.length).toBe(1); // d, received back
});
