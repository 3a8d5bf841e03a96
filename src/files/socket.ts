// Models net/unix/af_unix.c for SOCK_STREAM socketpairs: bidirectional byte streams.
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
import { EAGAIN, ECONNRESET, EPIPE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, O_RDWR } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { copyBytes } from "../kernel/copy.js";
import { NO_INODE, type InodeAllocator, type InodeId } from "../kernel/inode.js";

export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;
export const SHUTDOWN_MASK = 3;
/** net.core.wmem_default */
export const SK_SNDBUF_DEFAULT = 212992;

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
  dead = false;
  readonly wq = new WaitQueueHead();

  get writable(): boolean {
    return this.wmemAlloc << 2 <= this.sndbuf;
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
    if (sk.recv.length) mask |= EPOLLIN | EPOLLRDNORM;
    if (sk.dead) mask |= EPOLLHUP; // TCP_CLOSE (never seen through a live fd)
    if (sk.writable) mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
    return mask;
  }

  /** unix_stream_read_generic for read(2). */
  override read(buf: Uint8Array, count: number): number {
    const sk = this.sock;
    if (count === 0) return 0; // sock_read_iter: nothing to do
    let copied = 0;
    while (copied < count && sk.recv.length) {
      const skb = sk.recv[0];
      const n = Math.min(skb.data.length - skb.off, count - copied);
      copyBytes(buf, copied, skb.data, skb.off, n);
      skb.off += n;
      copied += n;
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
    // MODEL: a blocking read in the synchronous layer returns -EAGAIN instead of sleeping.
    return -EAGAIN;
  }

  /** unix_stream_sendmsg for write(2). */
  override write(buf: Uint8Array, count: number): number {
    const sk = this.sock;
    const other = sk.peer; // (a zero-length write still checks for shutdown: EPIPE)
    if (sk.shutdown & SEND_SHUTDOWN || !other) return -EPIPE; // MODEL: no SIGPIPE (signals only interrupt calls)
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
    const sk = this.sock;
    sk.shutdown = SHUTDOWN_MASK;
    sk.dead = true;
    const skpair = sk.peer;
    sk.peer = null;
    if (skpair) {
      skpair.shutdown = SHUTDOWN_MASK;
      if (sk.recv.length) skpair.err = ECONNRESET;
      skpair.stateChange();
    }
    sk.purge();
  }
}

export function createSocketPair(flags: number): [SocketFile, SocketFile] {
  const a = new UnixSock();
  const b = new UnixSock();
  a.peer = b;
  b.peer = a;
  return [new SocketFile(a, flags), new SocketFile(b, flags)];
}
