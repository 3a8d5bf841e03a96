// The testing toolkit's split fault on TCP sends (src/kernel/hooks.ts): a send that would go
// out whole arrives as two segments instead. Its own module: both write(2) (io.ts) and the
// send family (inet.ts) use it, and each passes how its blocking send goes on.
import { EAGAIN } from "../uapi.js";
import type { InetSocketFile } from "../files/inet-sock.js";
import { TcpSock } from "../files/tcp.js";
import { PREEMPT, type Body, type Caller } from "./pause.js";

/**
 * The testing toolkit's split fault: a TCP send that would go out whole now arrives instead
 * as two segments, other threads running between them — what a peer sees when segments,
 * the receive window or a deferred softirq cut a send (a first segment of 0 bytes: the data
 * is still in flight, a non-blocking reader finds nothing). null: no fault here.
 */
export function splitSend(c: Caller, f: InetSocketFile, fd: number, buf: Uint8Array, len: number, nonblock: boolean, rest: (done: number) => Body): Body | null {
  const sk = f.sk;
  const h = c.p.hooks;
  if (h === null || c.thread === null || !(sk instanceof TcpSock) || len < 2) return null;
  if (!sk.takesWhole(len)) return null;
  const v = h.fault("split", c.thread, `send(fd ${fd}, ${len} bytes)`, len);
  return v === 0 ? null : splitBody(sk, buf.subarray(0, len), v - 1, nonblock, rest);
}

function* splitBody(sk: TcpSock, buf: Uint8Array, first: number, nonblock: boolean, rest: (done: number) => Body): Body {
  const len = buf.byteLength;
  const a = first === 0 ? 0 : sk.send(buf, first);
  if (a < 0) return a;
  yield PREEMPT;
  const b = sk.send(buf.subarray(a), len - a);
  if (b === len - a) return len;
  // What happened meanwhile (a reset, a full buffer) decides the rest, as for any send.
  if (b < 0 && b !== -EAGAIN) return a || b;
  const done = a + Math.max(b, 0);
  if (nonblock) return done || -EAGAIN;
  return yield* rest(done); // the blocking send's wait for room, from where it is
}
