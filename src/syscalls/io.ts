// read(2) and write(2) (fs/read_write.c: vfs_read, vfs_write), written once for kernel.sys and
// threads (see pause.ts). A blocking fd that has nothing to give sleeps on the file's wait
// queue; kernel.sys gets -EAGAIN there (MODEL: README, the synchronous layer).
import { EAGAIN, EBADF, EFAULT, EINVAL, EPIPE, SOCK_STREAM } from "../uapi.js";
import { InetSocketFile } from "../files/inet-sock.js";
import { TcpSock } from "../files/tcp.js";
import { raiseSigpipe } from "./signal.js";
import type { OpenFile } from "../kernel/file.js";
import type { WaitQueueHead } from "../kernel/waitqueue.js";
import { EpollFile } from "../files/epoll.js";
import { PipeFile } from "../files/pipe.js";
import { SocketFile } from "../files/socket.js";
import { sendWait } from "../files/unix-dgram.js";
import { isU8 } from "../usermem.js";
import { isInt } from "./args.js";
import { autoremoveEntry, sleep, type Body, type Caller } from "./pause.js";
import { splitSend } from "./tcp-split.js";

const EMPTY = new Uint8Array(0);

/** read(2): up to `count` bytes into `buf`; 0 at end of file; sleeps on a blocking fd with nothing to read. */
export function read(c: Caller, fd: number, buf: Uint8Array, count: number): number | Body {
  const f = rwFile(c, fd, buf, count, "read");
  if (typeof f === "number") return f;
  const r = f.read(buf ?? EMPTY, count);
  if (r !== -EAGAIN || f.nonblock) return r;
  return blockingRead(c, f, fd, buf, count);
}

/** write(2): up to `count` bytes; a blocking fd goes on until all are written (or an error after a partial write). */
export function write(c: Caller, fd: number, buf: Uint8Array, count: number): number | Body {
  const f = rwFile(c, fd, buf, count, "write");
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile && c.p.hooks !== null) {
    const split = splitSend(c, f, fd, buf, count);
    if (split) return sigpipeAfter(c, f, split);
  }
  const r = f.write(buf ?? EMPTY, count);
  if (r === -EPIPE) return brokenPipe(c, f, r);
  if (f.nonblock || r < 0 && r !== -EAGAIN || r === count) return r;
  // A datagram socket sleeps where its send found no room (unix_wait_for_peer on a full
  // receiver's peer_wait, or its own send buffer).
  if (f instanceof SocketFile && f.sock.type !== SOCK_STREAM) return dgramWrite(c, f, buf, count);
  return sigpipeAfter(c, f, blockingWrite(c, f, fd, buf, count, Math.max(r, 0)));
}

/** Files whose writes raise SIGPIPE when nobody reads: pipes and stream sockets. */
function raisesSigpipe(f: OpenFile): boolean {
  return f instanceof PipeFile || (f instanceof SocketFile && f.sock.type === SOCK_STREAM) || (f instanceof InetSocketFile && f.sk instanceof TcpSock);
}

/** -EPIPE from `f`: SIGPIPE for the caller where Linux raises it (MSG_NOSIGNAL: `quiet`). */
export function brokenPipe(c: Caller, f: OpenFile, r: number, quiet = false): number {
  if (!quiet && raisesSigpipe(f)) raiseSigpipe(c);
  return r;
}

/** A blocking send that ends in -EPIPE raises SIGPIPE too. */
export function* sigpipeAfter(c: Caller, f: OpenFile, body: Body, quiet = false): Body {
  const r = yield* body;
  return r === -EPIPE ? brokenPipe(c, f, r, quiet) : r;
}

// (The sleeping halves are separate functions: a closure in read() or write() would make
// every call allocate its context, on the event path.)
function blockingRead(c: Caller, f: OpenFile, fd: number, buf: Uint8Array, count: number): Body {
  return blockingIo(c, f, fd, "read", () => f.read(buf, count));
}

function dgramWrite(c: Caller, f: SocketFile, buf: Uint8Array, count: number): Body {
  return dgramSendWait(c, f, () => f.write(buf, count));
}

function blockingWrite(c: Caller, f: OpenFile, fd: number, buf: Uint8Array, count: number, done: number): Body {
  return sendRest(c, f, fd, count, done, (at, n) => {
    const r = f.write(buf.subarray(at), n);
    // pipe_write raises SIGPIPE when the readers went, even after a partial write (which
    // then returns its count); with nothing written, the -EPIPE result raises it (write()).
    if (r === -EPIPE && at > 0 && f instanceof PipeFile) raiseSigpipe(c);
    return r;
  });
}

/**
 * The rest of a blocking send of `count` bytes of which `done` went: `send(at, n)` sends n
 * bytes from byte `at`; it goes on until all are sent, or an error ends it after a partial
 * send (which then returns the count).
 */
export function sendRest(c: Caller, f: OpenFile, fd: number, count: number, done: number, send: (at: number, n: number) => number): Body {
  return blockingIo(c, f, fd, "write", () => {
    const n = send(done, count - done);
    if (n > 0) done += n;
    if (done === count) return done;
    if (n === -EAGAIN || n > 0) return -EAGAIN;
    return done || n;
  }, () => done);
}

/** vfs_read/vfs_write checks, in Linux's order: mode (EBADF), no such op (EINVAL), buffer. */
function rwFile(c: Caller, fd: number, buf: Uint8Array, count: number, dir: "read" | "write"): OpenFile | number {
  const f = c.p.fdt.get(fd);
  if (!f || !(dir === "read" ? f.readable : f.writable)) return -EBADF;
  if (f instanceof EpollFile) return -EINVAL; // no f_op->read / f_op->write
  const bad = checkBuffer(buf, count);
  return bad === null ? f : bad;
}

/** The user buffer of a read/write/send/recv: null if fine, else -errno. */
export function checkBuffer(buf: Uint8Array, count: number): number | null {
  if (!isInt(count)) return -EINVAL; // MODEL: C has no NaN or fractional size_t
  // A NULL buffer is fine for a zero-length transfer (access_ok(NULL, 0) passes).
  if ((buf === null || buf === undefined) && count === 0) return null;
  if (!isU8(buf)) return -EFAULT;
  // A negative count is a huge size_t: access_ok fails. MODEL: the whole user range must
  // lie inside `buf`, checked up front (Linux may fault part-way through a copy).
  if (count < 0 || count > buf.byteLength) return -EFAULT;
  return null;
}

/**
 * Sleep on the file's wait queue until `attempt` stops saying -EAGAIN. `partial` is what a
 * caller that cannot sleep gets instead (kernel.sys: a write returns what it wrote so far).
 */
export function* blockingIo(c: Caller, f: OpenFile, fd: number, dir: "read" | "write", attempt: () => number, partial: () => number = () => 0): Body {
  const w = f.waitHead(dir);
  if (!w) return -EAGAIN;
  const p = c.p;
  p.fget(f);
  let slept = false;
  try {
    for (;;) {
      const entry = autoremoveEntry(c, w.exclusive);
      w.head.add(entry); // queue first, then re-check: no wakeup can be lost
      const r = attempt();
      if (r !== -EAGAIN) {
        entry.head?.remove(entry);
        // pipe_read / pipe_write: a reader (writer) that slept passes the wakeup on when
        // it leaves data (room) behind.
        if (slept && f instanceof PipeFile && r > 0) f.passWakeup(dir);
        return r;
      }
      if (c.signalPending()) {
        entry.head?.remove(entry);
        // A transfer that moved some bytes returns their count (the handler still runs);
        // one that moved none is restarted under SA_RESTART (ERESTARTSYS), else -EINTR.
        const n = partial();
        const r = c.interrupted(true);
        if (n > 0) return n;
        if (r === 0) continue;
        return r;
      }
      const woke = yield sleep(-1n, `${dir} on fd ${fd}`, null);
      entry.head?.remove(entry);
      if (typeof woke === "number") return partial() || woke;
      slept = true;
    }
  } finally {
    p.fput(f);
  }
}

/**
 * One sleep on `head` while `still()` holds: 0 to look again, or -errno (-EINTR on a
 * signal; kernel.sys gets -EAGAIN: MODEL, it cannot sleep on another thread — unless
 * `timersCanEnd`: a timer may end the wait, so kernel.sys runs the virtual clock to it).
 */
export function* sleepOn(c: Caller, head: WaitQueueHead, exclusive: boolean, what: string, still: () => boolean, timersCanEnd = false): Body {
  // (Every caller restarts under SA_RESTART: accept, connect, sendto — ERESTARTSYS; 0 is
  // "look again".)
  if (c.signalPending()) return c.interrupted(true);
  const entry = autoremoveEntry(c, exclusive);
  head.add(entry);
  try {
    if (!still()) return 0;
    const woke = yield sleep(-1n, what, timersCanEnd ? () => !still() : null);
    if (typeof woke === "number") return woke;
    return c.signalPending() ? c.interrupted(true) : 0;
  } finally {
    entry.head?.remove(entry);
  }
}

/** A blocking datagram send: sleep where the send found no room (own buffer, or the receiver's peer_wait), then try again. */
export function* dgramSendWait(c: Caller, f: SocketFile, attempt: () => number): Body {
  c.p.fget(f);
  try {
    for (;;) {
      const w = sendWait.wait ?? { head: f.sock.wq, exclusive: false };
      const r = yield* sleepOn(c, w.head, w.exclusive, "sendto", () => true);
      if (r !== 0) return r;
      const n = attempt();
      if (n !== -EAGAIN) return n;
    }
  } finally {
    c.p.fput(f);
  }
}

