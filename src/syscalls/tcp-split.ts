// The testing toolkit's split fault on TCP sends (src/kernel/hooks.ts): a send that would go
// out whole arrives as two segments instead. Its own module: both write(2) (io.ts) and the
// send family (inet.ts) use it.
import type { InetSocketFile } from "../files/inet-sock.js";
import { TcpSock } from "../files/tcp.js";
import { PREEMPT, type Body, type Caller } from "./pause.js";

/**
 * The testing toolkit's split fault: a TCP send that would go out whole now arrives instead
 * as two segments, other threads running between them — what a peer sees when segments,
 * the receive window or a deferred softirq cut a send (a first segment of 0 bytes: the data
 * is still in flight, a non-blocking reader finds nothing). The whole send is queued at once
 * (tcp_sendmsg holds the socket: another sender's bytes queue behind it); only its tail's
 * arrival waits. null: no fault here.
 */
export function splitSend(c: Caller, f: InetSocketFile, fd: number, buf: Uint8Array, len: number): Body | null {
  const sk = f.sk;
  const h = c.p.hooks;
  if (h === null || c.thread === null || !(sk instanceof TcpSock) || len < 2 || sk.held) return null;
  if (!sk.takesWhole(len)) return null;
  const v = h.fault("split", c.thread, `send(fd ${fd}, ${len} bytes)`, len);
  return v === 0 ? null : splitBody(sk, buf.subarray(0, len), v - 1);
}

function* splitBody(sk: TcpSock, buf: Uint8Array, first: number): Body {
  sk.held = true;
  sk.movable = sk.sqBytes + first; // what is queued already, and the first segment
  let r: number;
  try {
    r = sk.send(buf, buf.byteLength);
    yield PREEMPT;
  } finally {
    sk.held = false;
    sk.push(); // the rest arrives (and whatever queued behind it)
  }
  return r;
}
