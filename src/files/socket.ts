// The file of an AF_UNIX socket (net/unix/af_unix.c), and the SOCK_STREAM operations:
// socketpairs, and sockets that bind a name, listen, connect and accept. A connect makes the
// server's end at once (an "embryo" queued on the listener until accept takes it) and is
// connected on return, as Linux does. Datagram and seqpacket sockets: unix-dgram.ts; the
// socket's state: unix-sock.ts.
//
// A write becomes skbs queued on the peer. A sender may allocate another skb while
// wmem_alloc < sk_sndbuf (so a write overshoots by at most one skb), and poll reports it
// writable only while (wmem_alloc + 1) × 4 <= sk_sndbuf (unix-sock.ts, writable).
//
// Wakeups and their keys: data arriving wakes the reader with IN|PRI|RDNORM|RDBAND
// (sock_def_readable); freeing send space wakes the writer with OUT|WRNORM|WRBAND only once
// it is writable again (unix_write_space); shutdown and close wake everything, keyless
// (sock_def_wakeup).
import { EAGAIN, ECONNRESET, EINVAL, ENOTCONN, EOPNOTSUPP, EPIPE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, MSG_PEEK, MSG_WAITALL, O_RDWR, SOCK_DGRAM, SOCK_STREAM } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SKB_MAX_HEAD, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, UNIX_SKB_FRAGS_SZ, UnixSock, attachedFds, flight, recvScm, skbTruesize, type UnixHost } from "./unix-sock.js";
import { dgramInq, dgramPoll, dgramRecv, dgramSend, peerWakeDisconnect } from "./unix-dgram.js";
import { copyBytes } from "../kernel/copy.js";
import { NO_INODE, type InodeAllocator, type InodeId } from "../kernel/inode.js";

export { RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, UnixSock, recvScm, skbTruesize, type UnixHost };
const PAGE = 4096;

export class SocketFile extends OpenFile {
  readonly kind = "socket";
  private ino = NO_INODE;
  constructor(readonly sock: UnixSock, flags: number) {
    super(O_RDWR | flags);
  }
  override get inode(): InodeId {
    return this.ino;
  }
  override assignInode(alloc: InodeAllocator): void {
    this.ino = alloc.sock();
  }

  override poll(pt: PollTable | null, _depth = 0, key = 0xffffffff): number {
    const sk = this.sock;
    if (sk.type !== SOCK_STREAM) return dgramPoll(sk, pt, key);
    pollWait(pt, sk.wq);
    let mask = 0;
    if (sk.err) mask |= EPOLLERR;
    if (sk.shutdown === SHUTDOWN_MASK) mask |= EPOLLHUP;
    if (sk.shutdown & RCV_SHUTDOWN) mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
    if (sk.recv.length || sk.acceptq.length) mask |= EPOLLIN | EPOLLRDNORM;
    if (sk.state === TCP_CLOSE) mask |= EPOLLHUP; // not connected (or released)
    if (sk.writable) mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
    return mask;
  }

  /** unix_stream_read_generic for read(2). */
  override read(buf: Uint8Array, count: number): number {
    if (count === 0) return 0; // sock_read_iter: nothing to do (recv(2) goes on to the checks)
    const r = this.recvmsg(buf, count, 0);
    this.dropPassedFiles();
    return r;
  }

  /** A receive without room for SCM_RIGHTS (read, recv, recvfrom) closes the files it took. */
  dropPassedFiles(): void {
    const fds = recvScm.fds;
    if (!fds) return;
    recvScm.fds = null;
    for (const f of fds) this.sock.host?.putFile(f);
  }

  /** unix_detach_fds / unix_peek_fds: an skb's files go to the reader (MSG_PEEK: new references). */
  private takeFiles(skb: { fds?: OpenFile[] | null }, peek: boolean): void {
    const fds = skb.fds;
    if (!fds) return;
    if (peek) {
      for (const f of fds) this.sock.host?.getFile(f);
      recvScm.fds = fds.slice();
    } else {
      recvScm.fds = fds;
      skb.fds = null;
      flight(this.sock.host, fds, -1);
    }
  }

  /** Bytes FIONREAD reports (unix_inq_len). */
  get inq(): number {
    return this.sock.type === SOCK_STREAM ? this.sock.inq : dgramInq(this.sock);
  }

  /** unix_stream_read_generic: recv(2) with MSG_PEEK honoured (MSG_WAITALL is the caller's loop). */
  recvmsg(buf: Uint8Array, count: number, flags: number): number {
    const sk = this.sock;
    if (sk.type !== SOCK_STREAM) return dgramRecv(sk, buf, count, flags);
    recvScm.fds = null;
    recvScm.from = null;
    recvScm.trunc = false;
    if (sk.state !== TCP_ESTABLISHED) return -EINVAL;
    const peek = (flags & MSG_PEEK) !== 0;
    let copied = 0;
    let reached = false;
    // The first skb is always reached, even for 0 bytes (its files go to the reader). A
    // peek walks on past the bytes asked for, to the first skb that carries files.
    for (let i = 0; i < sk.recv.length && (peek || copied < count || !reached); ) {
      const skb = sk.recv[i];
      reached = true;
      const n = Math.min(skb.data.length - skb.off, count - copied);
      copyBytes(buf, copied, skb.data, skb.off, n);
      copied += n;
      const fds = skb.fds;
      this.takeFiles(skb, peek);
      if (peek) {
        i++;
        if (fds) break;
        continue;
      }
      skb.off += n;
      if (skb.off < skb.data.length) break; // the bytes asked for are done
      sk.recv.shift();
      skb.owner.wfree(skb.truesize);
      if (fds) break;
    }
    if (reached && !copied) return 0; // data there, none asked for
    if (copied) {
      // MSG_WAITALL looks for more after the queue ran dry: sock_error() consumes a pending
      // error there, and the call returns what it copied (the error is lost).
      if (flags & MSG_WAITALL && copied < count && !peek) sk.err = 0;
      return copied;
    }
    // POSIX order: a pending error first (reported once), then end of stream.
    if (sk.err) {
      const e = sk.err;
      sk.err = 0;
      return -e;
    }
    if (sk.shutdown & RCV_SHUTDOWN) return 0;
    return -EAGAIN; // the caller sleeps (a thread) or returns it (kernel.sys, MODEL)
  }

  /** unix_stream_sendmsg for write(2). */
  override write(buf: Uint8Array, count: number): number {
    return this.sendmsg(buf, count, null);
  }

  /**
   * unix_stream_sendmsg (unix_dgram_sendmsg for the other types): `fds`, files passed with
   * SCM_RIGHTS (one in-flight reference each, taken by the caller), go with the first skb;
   * when nothing is sent they are not consumed (the caller drops them).
   */
  sendmsg(buf: Uint8Array, count: number, fds: OpenFile[] | null): number {
    const sk = this.sock;
    if (sk.type !== SOCK_STREAM) return dgramSend(sk, buf, count, null, null, fds);
    const other = sk.peer; // (a zero-length write still checks for shutdown: EPIPE)
    if (!other) return -ENOTCONN; // never connected (a live fd keeps its peer pointer)
    if (sk.shutdown & SEND_SHUTDOWN) return -EPIPE; // MODEL: no SIGPIPE (signals only interrupt calls)
    let sent = 0;
    while (sent < count) {
      // Keep two messages in the pipe; fall back to order-0 heads plus 32 KiB of frags.
      let size = Math.min(count - sent, (sk.sndbuf >> 1) - 64, SKB_MAX_HEAD + UNIX_SKB_FRAGS_SZ);
      if (size < 1) size = 1;
      const dataLen = Math.min(size, Math.ceil(Math.max(0, size - SKB_MAX_HEAD) / PAGE) * PAGE);
      // sock_alloc_send_pskb: room while wmem_alloc < sndbuf, else wait.
      // MODEL: a blocking write that would wait returns what it sent (or -EAGAIN).
      if (sk.wmemAlloc >= sk.sndbuf) return sent || -EAGAIN;
      if (other.dead || other.shutdown & RCV_SHUTDOWN) {
        sk.wfree(0); // the skb allocated for it is freed: a write-space wakeup
        return sent || -EPIPE;
      }
      const truesize = skbTruesize(size - dataLen, dataLen);
      sk.wmemAlloc += truesize;
      other.recv.push({ data: buf.slice(sent, sent + size), off: 0, truesize, owner: sk, fds: sent === 0 ? fds : null });
      if (sent === 0 && fds) {
        attachedFds.add(fds);
        flight(sk.host, fds, +1);
      }
      sent += size;
      other.wq.wakeUp(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND, 1);
    }
    return sent;
  }

  override waitHead(dir: "read" | "write") {
    // A datagram read waits exclusively (__skb_wait_for_more_packets); stream reads and
    // waits for send buffer room do not.
    return { head: this.sock.wq, exclusive: dir === "read" && this.sock.type !== SOCK_STREAM };
  }

  /** unix_shutdown; `how` already validated (0..2). */
  shutdownSock(how: number): number {
    const sk = this.sock;
    const mode = how + 1;
    sk.shutdown |= mode;
    sk.stateChange();
    const other = sk.peer;
    if (other && sk.type !== SOCK_DGRAM) {
      let peerMode = 0;
      if (mode & RCV_SHUTDOWN) peerMode |= SEND_SHUTDOWN;
      if (mode & SEND_SHUTDOWN) peerMode |= RCV_SHUTDOWN;
      other.shutdown |= peerMode;
      other.stateChange();
    }
    return 0;
  }

  /** unix_release_sock */
  override release(): void {
    releaseSock(this.sock, false);
  }

  /** unix_accept: the first connection waiting on this listener, or -errno. */
  accept(): UnixSock | number {
    const sk = this.sock;
    if (sk.type === SOCK_DGRAM) return -EOPNOTSUPP; // sock_no_accept
    if (sk.state !== TCP_LISTEN) return -EINVAL;
    const nsk = sk.acceptq.shift();
    if (!nsk) return -EAGAIN;
    sk.peerWait.wakeUp(0, 1); // room in the backlog: one waiting connect may go on
    return nsk;
  }
}

/** unix_release_sock: `embryo` for a connection that was never accepted. */
export function releaseSock(sk: UnixSock, embryo: boolean): void {
  const wasListening = sk.state === TCP_LISTEN;
  sk.shutdown = SHUTDOWN_MASK;
  sk.dead = true;
  sk.state = TCP_CLOSE;
  sk.host?.release(sk);
  const skpair = sk.peer;
  sk.peer = null;
  peerWakeDisconnect(sk);
  if (skpair && sk.type !== SOCK_DGRAM) {
    skpair.shutdown = SHUTDOWN_MASK;
    // Anything left unread resets the peer — except that a first skb with nothing left in it
    // is passed over (it stands for a consumed OOB byte in Linux 6.18; an empty seqpacket
    // message is taken for one: checked with 1, 2 and 3 of them).
    const first = sk.recv[0];
    const next = first && first.data.length - first.off === 0 ? sk.recv[1] : first;
    if (next || embryo) skpair.err = ECONNRESET;
    skpair.stateChange();
  }
  sk.purge();
  // A listener's unaccepted connections go with it: their clients see ECONNRESET.
  if (wasListening) for (const nsk of sk.acceptq.splice(0)) releaseSock(nsk, true);
  sk.peerWait.wakeUp(0, 0);
  if (sk.host && sk.host.inflight.size) unixGc(sk.host);
}

/** The files carried by the skbs queued on a socket (a listener: on its embryos too). */
function queuedFiles(sk: UnixSock): OpenFile[] {
  const out: OpenFile[] = [];
  for (const q of [sk, ...sk.acceptq]) for (const skb of q.recv) if (skb.fds) out.push(...skb.fds);
  return out;
}

/**
 * unix_gc, run when a socket is released while files are in flight: a socket whose every
 * reference is in flight, and that is reachable only from such sockets' queues (a cycle of
 * sockets passed over each other and then closed), is garbage — its queue is purged, which
 * lets go of the files in it (those sockets are then released). MODEL: Linux runs it from
 * a work queue, soon after the release; here it runs at once.
 */
export function unixGc(host: UnixHost): void {
  if (host.gcRunning) return;
  host.gcRunning = true;
  try {
    // Candidates: in-flight sockets with no reference but their in-flight ones.
    const left = new Map<SocketFile, number>();
    for (const [f, n] of host.inflight) if (f instanceof SocketFile && f.refs === n) left.set(f, n);
    if (!left.size) return;
    // Take away the references that candidates' own queues hold.
    for (const c of left.keys()) {
      for (const f of queuedFiles(c.sock)) if (f instanceof SocketFile && left.has(f)) left.set(f, left.get(f)! - 1);
    }
    // What is still referenced from outside is alive, and so is everything its queue holds.
    const stack = [...left].filter(([, n]) => n > 0).map(([f]) => f);
    const live = new Set(stack);
    while (stack.length) {
      for (const f of queuedFiles(stack.pop()!.sock)) {
        if (f instanceof SocketFile && left.has(f) && !live.has(f)) {
          live.add(f);
          stack.push(f);
        }
      }
    }
    const garbage = [...left.keys()].filter((f) => !live.has(f)).map((f) => f.sock);
    for (const sk of garbage) sk.purge();
  } finally {
    host.gcRunning = false;
  }
}

export function createSocketPair(flags: number, host: UnixHost | null = null, type = SOCK_STREAM): [SocketFile, SocketFile] {
  const a = new UnixSock(host, type);
  const b = new UnixSock(host, type);
  a.peer = b;
  b.peer = a;
  a.state = b.state = TCP_ESTABLISHED;
  return [new SocketFile(a, flags), new SocketFile(b, flags)];
}
