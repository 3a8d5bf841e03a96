// struct unix_sock: the state of one AF_UNIX socket (net/unix/af_unix.c), whatever its
// type — peer, receive queue of skbs, send-buffer accounting, shutdown and error state,
// bound name, a listener's pending connections — and the skb truesize arithmetic. The
// stream operations are in socket.ts, the datagram and seqpacket ones in unix-dgram.ts.
//
// Each skb charges its truesize to the sender's sk_wmem_alloc until the reader consumes it
// whole. The truesize arithmetic follows __alloc_skb on x86-64 (calibrated on Linux 6.18: a
// 1-byte skb costs 768, a 4096-byte one 4864, a full 36544-byte one 37120).
import { EPOLLERR, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, SOCK_STREAM } from "../uapi.js";
import { WaitQueueHead, type WaitEntry } from "../kernel/waitqueue.js";
import type { OpenFile } from "../kernel/file.js";

export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;
export const SHUTDOWN_MASK = 3;
/** net.core.wmem_default (and wmem_max, rmem_default, rmem_max on this machine). */
export const SK_SNDBUF_DEFAULT = 212992;
/** sk_state values (include/net/tcp_states.h): AF_UNIX uses these three. */
export const TCP_ESTABLISHED = 1;
export const TCP_CLOSE = 7;
export const TCP_LISTEN = 10;

/** What a socket needs of its kernel: its name space (unix-names.ts) and file references. */
export interface UnixHost {
  /** The socket's name goes (an abstract name is freed; a path stays, as its file does). */
  release(sk: UnixSock): void;
  /** Takes an in-flight reference to a file passed with SCM_RIGHTS (fget). */
  getFile(f: OpenFile): void;
  /** Drops an in-flight reference to a file passed with SCM_RIGHTS (fput). */
  putFile(f: OpenFile): void;
  /** Files in flight and how many skbs carry each (unix_inflight / unix_notinflight). */
  readonly inflight: Map<OpenFile, number>;
  /** unix_gc is running (it releases sockets, whose release would start it again). */
  gcRunning: boolean;
}

/** Counts `fds` in (+1) or out of (-1) flight. */
export function flight(host: UnixHost | null, fds: OpenFile[], delta: number): void {
  if (!host) return;
  for (const f of fds) {
    const n = (host.inflight.get(f) ?? 0) + delta;
    if (n > 0) host.inflight.set(f, n);
    else host.inflight.delete(f);
  }
}

/**
 * What the last receive took besides bytes: the files passed with SCM_RIGHTS (in-flight
 * references, now the caller's), the sender (a datagram's), and whether it was cut short.
 */
/** The SCM_RIGHTS file lists that an skb took (so a sendmsg knows its files went). */
export const attachedFds = new WeakSet<OpenFile[]>();

export const recvScm: { fds: OpenFile[] | null; from: UnixSock | null; trunc: boolean } = { fds: null, from: null, trunc: false };

const PAGE = 4096;
const SHINFO = 320; // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
const SKB_STRUCT = 256; // SKB_DATA_ALIGN(sizeof(struct sk_buff))
export const SKB_MAX_HEAD = PAGE - SHINFO; // 3776
export const UNIX_SKB_FRAGS_SZ = 32768;
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

export interface Skb {
  data: Uint8Array;
  off: number;
  truesize: number;
  owner: UnixSock;
  /** Files in flight with this skb (SCM_RIGHTS): one reference each. */
  fds?: OpenFile[] | null;
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
  state = TCP_CLOSE;
  /** The bound name ("\0…" abstract, else a path); null while unbound. */
  addr: string | null = null;
  /** A listener's connections not yet accepted (Linux queues them on sk_receive_queue). */
  readonly acceptq: UnixSock[] = [];
  /** sk_max_ack_backlog: net.unix.max_dgram_qlen (10) until listen() sets a backlog. */
  maxAckBacklog = 10;
  /** A datagram sender's entry on a full receiver's peer_wait (unix_dgram_peer_wake_me). */
  peerWake: WaitEntry | null = null;
  /** u->peer_wait: connects waiting for room in this listener's backlog. */
  readonly peerWait = new WaitQueueHead();
  /** Options that are stored and read back (SO_REUSEADDR, SO_KEEPALIVE, SO_REUSEPORT, SO_RCVLOWAT). */
  readonly opts = new Map<number, number>();
  readonly wq = new WaitQueueHead();

  constructor(
    readonly host: UnixHost | null = null,
    /** SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET. */
    readonly type: number = SOCK_STREAM
  ) {}

  /**
   * unix_recvq_full: more than sk_max_ack_backlog on the receive queue — a listener's
   * connections, a datagram socket's messages.
   */
  get recvqFull(): boolean {
    return (this.state === TCP_LISTEN ? this.acceptq.length : this.recv.length) > this.maxAckBacklog;
  }

  /** sock_def_error_report: sk_err was set. */
  errorReport(): void {
    this.wq.wakeUp(EPOLLERR, 1);
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
    for (const skb of this.recv.splice(0)) {
      skb.owner.wfree(skb.truesize);
      // Files in flight that nobody received are let go (their last reference may go here).
      if (skb.fds) {
        flight(this.host, skb.fds, -1);
        for (const f of skb.fds) this.host?.putFile(f);
      }
    }
  }
}
