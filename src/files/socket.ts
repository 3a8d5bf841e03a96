// Models net/unix/af_unix.c for SOCK_STREAM sockets: socketpairs, and sockets that bind a
// name, listen, connect and accept. A connect makes the server's end at once (an "embryo"
// queued on the listener until accept takes it) and is connected on return, as Linux does.
//
// A write becomes skbs queued on the peer; each skb charges its truesize to the sender's
// sk_wmem_alloc until the reader consumes it whole. A sender may allocate another skb while
// wmem_alloc < sk_sndbuf (so a write overshoots by at most one skb), and poll reports it
// writable only while wmem_alloc <= sk_sndbuf / 4. The truesize arithmetic follows
// unix_stream_sendmsg and __alloc_skb on x86-64 (calibrated on Linux 6.18: a 1-byte skb costs
// 768, a 4096-byte one 4864, a full 36544-byte one 37120).
//
// Wakeups and their keys: data arriving wakes the reader with IN|PRI|RDNORM|RDBAND
// (sock_def_readable); freeing send space wakes the writer with OUT|WRNORM|WRBAND only once
// it is writable again (unix_write_space); shutdown and close wake everything, keyless
// (sock_def_wakeup).
import { EAGAIN, ECONNRESET, EINVAL, ENOTCONN, EOPNOTSUPP, EPIPE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, MSG_PEEK, O_RDWR, SOCK_STREAM } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { copyBytes } from "../kernel/copy.js";
import { NO_INODE, type InodeAllocator, type InodeId } from "../kernel/inode.js";

export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;
export const SHUTDOWN_MASK = 3;
/** net.core.wmem_default (and wmem_max, rmem_default, rmem_max on this machine). */
export const SK_SNDBUF_DEFAULT = 212992;
/** sk_state values (include/net/tcp_states.h): AF_UNIX uses these three. */
export const TCP_ESTABLISHED = 1;
export const TCP_CLOSE = 7;
export const TCP_LISTEN = 10;

/** Where names of bound AF_UNIX sockets live: the kernel's name space (unix-names.ts). */
export interface UnixNameSpace {
  /** The socket's name goes (an abstract name is freed; a path stays, as its file does). */
  release(sk: UnixSock): void;
}

const PAGE = 4096;
const SHINFO = 320; // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
const SKB_STRUCT = 256; // SKB_DATA_ALIGN(sizeof(struct sk_buff))
const SKB_MAX_HEAD = PAGE - SHINFO; // 3776
const UNIX_SKB_FRAGS_SZ = 32768;
const SMALL_HEAD = 512; // skb_small_head_cache object size

const align64 = (n: number) => (n + 63) & ~63;
/** kmalloc size class of an allocation above the small-head cache. */
const kmallocSize = (n: number) => {
  let s = 1024;
  while (s < n) s *= 2;
  return s;
};

/** truesize of an skb with `head` linear bytes and `dataLen` bytes in page frags. */
export function skbTruesize(head: number, dataLen: number): number {
  const obj = align64(head) + SHINFO;
  const osize = obj <= SMALL_HEAD ? SMALL_HEAD : kmallocSize(obj);
  return osize + SKB_STRUCT + Math.ceil(dataLen / PAGE) * PAGE;
}

interface Skb {
  data: Uint8Array;
  off: number;
  truesize: number;
  owner: UnixSock;
}

export class UnixSock {
  peer: UnixSock | null = null;
  readonly recv: Skb[] = [];
  shutdown = 0;
  err = 0;
  wmemAlloc = 0;
  sndbuf = SK_SNDBUF_DEFAULT;
  rcvbuf = SK_SNDBUF_DEFAULT;
  dead = false;
  readonly type = SOCK_STREAM;
  state = TCP_CLOSE;
  /** The bound name ("\0…" abstract, else a path); null while unbound. */
  addr: string | null = null;
  /** A listener's connections not yet accepted (Linux queues them on sk_receive_queue). */
  readonly acceptq: UnixSock[] = [];
  maxAckBacklog = 0;
  /** u->peer_wait: connects waiting for room in this listener's backlog. */
  readonly peerWait = new WaitQueueHead();
  /** Options that are stored and read back (SO_REUSEADDR, SO_KEEPALIVE, SO_REUSEPORT, SO_RCVLOWAT). */
  readonly opts = new Map<number, number>();
  readonly wq = new WaitQueueHead();

  constructor(readonly names: UnixNameSpace | null = null) {}

  /** unix_recvq_full: a listener takes one connection more than its backlog. */
  get recvqFull(): boolean {
    return this.acceptq.length > this.maxAckBacklog;
  }

  /** Bytes queued to read (unix_inq_len). */
  get inq(): number {
    let n = 0;
    for (const skb of this.recv) n += skb.data.length - skb.off;
    return n;
  }

  /**
   * unix_writable: never for a listener. sk_wmem_alloc counts one more than the skbs in
   * flight (sk_alloc sets it to 1, so the socket outlives them): that 1 is in this sum, and
   * not in sock_alloc_send_pskb's room test (sk_wmem_alloc_get subtracts it).
   */
  get writable(): boolean {
    return this.state !== TCP_LISTEN && (this.wmemAlloc + 1) << 2 <= this.sndbuf;
  }

  /** sock_def_readable: data (or a connection) arrived. */
  dataReady(): void {
    this.wq.wakeUp(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND, 1);
  }

  /** sock_def_wakeup: state change, everybody, no key. */
  stateChange(): void {
    this.wq.wakeUp(0, 0);
  }

  /** sock_wfree + unix_write_space: an skb this socket sent was freed. */
  wfree(truesize: number): void {
    this.wmemAlloc -= truesize;
    if (this.writable && this.wq.active) this.wq.wakeUp(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND, 1);
  }

  /** Drop every queued skb (close), charging each back to its sender. */
  purge(): void {
    for (const skb of this.recv.splice(0)) skb.owner.wfree(skb.truesize);
  }
}

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

  override poll(pt: PollTable | null): number {
    const sk = this.sock;
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
    return this.recvmsg(buf, count, 0);
  }

  /** unix_stream_read_generic: recv(2) with MSG_PEEK honoured (MSG_WAITALL is the caller's loop). */
  recvmsg(buf: Uint8Array, count: number, flags: number): number {
    const sk = this.sock;
    if (sk.state !== TCP_ESTABLISHED) return -EINVAL;
    if (count === 0 && sk.recv.length) return 0; // data there, none asked for
    const peek = (flags & MSG_PEEK) !== 0;
    let copied = 0;
    for (let i = 0; copied < count && i < sk.recv.length; ) {
      const skb = sk.recv[i];
      const n = Math.min(skb.data.length - skb.off, count - copied);
      copyBytes(buf, copied, skb.data, skb.off, n);
      copied += n;
      if (peek) {
        i++;
        continue;
      }
      skb.off += n;
      if (skb.off === skb.data.length) {
        sk.recv.shift();
        skb.owner.wfree(skb.truesize);
      }
    }
    if (copied) return copied;
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
    const sk = this.sock;
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
      if (other.dead || other.shutdown & RCV_SHUTDOWN) return sent || -EPIPE;
      const truesize = skbTruesize(size - dataLen, dataLen);
      sk.wmemAlloc += truesize;
      other.recv.push({ data: buf.slice(sent, sent + size), off: 0, truesize, owner: sk });
      sent += size;
      other.wq.wakeUp(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND, 1);
    }
    return sent;
  }

  override waitHead() {
    return { head: this.sock.wq, exclusive: false };
  }

  /** unix_shutdown; `how` already validated (0..2). */
  shutdownSock(how: number): number {
    const sk = this.sock;
    const mode = how + 1;
    sk.shutdown |= mode;
    sk.stateChange();
    const other = sk.peer;
    if (other) {
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
    if (sk.type !== SOCK_STREAM) return -EOPNOTSUPP;
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
  sk.names?.release(sk);
  const skpair = sk.peer;
  sk.peer = null;
  if (skpair) {
    skpair.shutdown = SHUTDOWN_MASK;
    if (sk.recv.length || embryo) skpair.err = ECONNRESET;
    skpair.stateChange();
  }
  sk.purge();
  // A listener's unaccepted connections go with it: their clients see ECONNRESET.
  if (wasListening) for (const nsk of sk.acceptq.splice(0)) releaseSock(nsk, true);
  sk.peerWait.wakeUp(0, 0);
}

export function createSocketPair(flags: number, names: UnixNameSpace | null = null): [SocketFile, SocketFile] {
  const a = new UnixSock(names);
  const b = new UnixSock(names);
  a.peer = b;
  b.peer = a;
  a.state = b.state = TCP_ESTABLISHED;
  return [new SocketFile(a, flags), new SocketFile(b, flags)];
}
