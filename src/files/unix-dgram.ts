// AF_UNIX SOCK_DGRAM and SOCK_SEQPACKET (net/unix/af_unix.c: unix_dgram_sendmsg,
// unix_dgram_recvmsg, unix_dgram_poll, unix_dgram_connect, the peer_wait relay).
//
// Every send is one message (one skb, charged to the sender's sk_wmem_alloc until it is
// read); a read takes one message, truncating it (MSG_TRUNC) to the buffer. A datagram
// socket's receive queue holds at most max_dgram_qlen + 1 messages from senders it is not
// connected back to: such a sender gets EAGAIN (or sleeps on the receiver's peer_wait), and
// poll() reports it unwritable while it is connected to that full receiver — it is then
// queued on the receiver's peer_wait, whose wakeup (a message read) is relayed to the
// sender's own queue as EPOLLOUT. SEQPACKET is connection-oriented (connect/accept as a
// stream) and keeps message boundaries; it never hits the queue limit (its peer is always
// connected back).
import { EAGAIN, ECONNREFUSED, ECONNRESET, EMSGSIZE, ENOTCONN, EPERM, EPIPE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, MSG_PEEK, MSG_TRUNC, SOCK_DGRAM, SOCK_SEQPACKET } from "../uapi.js";
import { pollWait, type PollTable } from "../kernel/file.js";
import { WaitEntry, type WaitQueueHead } from "../kernel/waitqueue.js";
import { copyBytes } from "../kernel/copy.js";
import { RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, TCP_CLOSE, TCP_ESTABLISHED, attachedFds, flight, recvScm, skbTruesize, type UnixSock } from "./unix-sock.js";
import type { OpenFile } from "../kernel/file.js";

const PAGE = 4096;
/** SKB_MAX_ALLOC: the largest linear skb of order 2 (16 KiB less skb_shared_info). */
const SKB_MAX_ALLOC = 16384 - 320;
/** MAX_SKB_FRAGS × PAGE_SIZE: the most a datagram puts in page frags. */
const MAX_FRAG_BYTES = 17 * PAGE;
const OUT_KEY = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;

/** Where a send or receive that found no room or no data would sleep. */
export interface Wait {
  head: WaitQueueHead;
  exclusive: boolean;
}

/** unix_dgram_poll. `key`: the events the caller asked for (no OUT bits: no write test). */
export function dgramPoll(sk: UnixSock, pt: PollTable | null, key: number): number {
  pollWait(pt, sk.wq);
  let mask = 0;
  if (sk.err) mask |= EPOLLERR;
  if (sk.shutdown & RCV_SHUTDOWN) mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
  if (sk.shutdown === SHUTDOWN_MASK) mask |= EPOLLHUP;
  if (sk.recv.length) mask |= EPOLLIN | EPOLLRDNORM;
  if (sk.type === SOCK_SEQPACKET && sk.state === TCP_CLOSE) mask |= EPOLLHUP;
  if (!(key & OUT_KEY)) return mask; // no write status requested
  let writable = sk.writable;
  const other = sk.peer;
  if (writable && other && other.peer !== sk && other.recvqFull && peerWakeMe(sk, other)) writable = false;
  if (writable) mask |= OUT_KEY;
  return mask;
}

/**
 * unix_dgram_peer_wake_me: queue `sk` on the full receiver's peer_wait (the wakeup is
 * relayed to sk's own queue), unless the receiver has room after all. True: still full.
 */
function peerWakeMe(sk: UnixSock, other: UnixSock): boolean {
  peerWakeConnect(sk, other);
  if (other.recvqFull) return true;
  peerWakeDisconnect(sk);
  return false;
}

function peerWakeConnect(sk: UnixSock, other: UnixSock): void {
  if (sk.peerWake) {
    if (sk.peerWake.head === other.peerWait) return;
    peerWakeDisconnect(sk);
  }
  // unix_dgram_peer_wake_relay: unlink, then wake the sender's own waiters with the key.
  const entry: WaitEntry = new WaitEntry((key) => {
    peerWakeDisconnect(sk);
    sk.wq.wakeUp(key, 1);
    return 0;
  }, false);
  sk.peerWake = entry;
  other.peerWait.add(entry);
}

/** unix_dgram_peer_wake_disconnect. */
export function peerWakeDisconnect(sk: UnixSock): void {
  const e = sk.peerWake;
  if (!e) return;
  e.head?.remove(e);
  sk.peerWake = null;
}

/** unix_dgram_disconnected: `sk` left `old`; its queue is purged, and `old`, if it was connected back, gets ECONNRESET. */
function disconnected(sk: UnixSock, old: UnixSock): void {
  if (!sk.recv.length) return;
  sk.purge();
  sk.peerWait.wakeUp(0, 0);
  if (!old.dead && old.peer === sk) {
    old.err = ECONNRESET;
    old.errorReport();
  }
}

/** unix_dgram_connect to `other` (null: AF_UNSPEC, disconnect). Checks done by the caller (lookup). */
export function dgramConnect(sk: UnixSock, other: UnixSock | null): number {
  if (other) {
    if (other.peer !== null && other.peer !== sk) return -EPERM; // unix_may_send
    sk.state = TCP_ESTABLISHED;
    other.state = TCP_ESTABLISHED;
  }
  const old = sk.peer;
  sk.peer = other;
  if (old) {
    if (!other) sk.state = TCP_CLOSE;
    peerWakeDisconnectWakeup(sk, old);
    if (other !== old) disconnected(sk, old);
  }
  return 0;
}

/**
 * unix_dgram_peer_wake_disconnect_wakeup: after leaving a peer, a sender waiting for it may
 * write — the write-space wakeup comes whether or not it was waiting (an EPOLLET edge).
 */
function peerWakeDisconnectWakeup(sk: UnixSock, old: UnixSock): void {
  if (sk.peerWake && sk.peerWake.head === old.peerWait) peerWakeDisconnect(sk);
  sk.wq.wakeUp(OUT_KEY, 1);
}

/** The result of a dgramSend that must wait (EAGAIN), and where. */
export const sendWait: { wait: Wait | null } = { wait: null };

/**
 * unix_dgram_sendmsg (and unix_seqpacket_sendmsg): one message of `count` bytes to the peer,
 * or to `dest` (already looked up: a socket, or a -errno of the lookup) when given. Returns
 * `count` or -errno; on -EAGAIN, sendWait.wait tells where a blocking caller would sleep.
 */
export function dgramSend(sk: UnixSock, buf: Uint8Array, count: number, dest: UnixSock | number | null, find: (() => UnixSock | number) | null, fds: OpenFile[] | null = null): number {
  sendWait.wait = null;
  if (sk.type === SOCK_SEQPACKET) {
    if (sk.err) {
      const e = sk.err;
      sk.err = 0;
      return -e;
    }
    if (sk.state !== TCP_ESTABLISHED) return -ENOTCONN;
    dest = null; // a seqpacket socket ignores an address
    find = null;
  }
  if (count > sk.sndbuf - 32) return -EMSGSIZE;
  // sock_alloc_send_pskb: a pending error (reported once), a shut-down sending side, then
  // room while the sender's wmem_alloc is below its sndbuf.
  if (sk.err) {
    const e = sk.err;
    sk.err = 0;
    return -e;
  }
  if (sk.shutdown & SEND_SHUTDOWN) return -EPIPE;
  if (sk.wmemAlloc >= sk.sndbuf) {
    sendWait.wait = { head: sk.wq, exclusive: false };
    return -EAGAIN;
  }
  // Then the receiver: the peer, or the socket the address names. From here on a failure
  // frees the skb just allocated, which is a write-space wakeup (unix_write_space).
  const r = deliver(sk, buf, count, dest, find, fds);
  if (r < 0 && r !== -EAGAIN) sk.wfree(0);
  return r;
}

function deliver(sk: UnixSock, buf: Uint8Array, count: number, dest: UnixSock | number | null, find: (() => UnixSock | number) | null, fds: OpenFile[] | null): number {
  let other = dest === null ? sk.peer : null;
  if (dest === null && !other) return -ENOTCONN;
  if (!other) {
    const found = find ? find() : (dest as UnixSock | number);
    if (typeof found === "number") return found;
    other = found;
  }
  if (other.peer !== null && other.peer !== sk) return -EPERM; // unix_may_send
  if (other.dead) {
    if (sk.type === SOCK_SEQPACKET) return -EPIPE;
    if (sk.peer === other) {
      // The connected peer is gone: this socket is disconnected (its queue purged).
      sk.peer = null;
      peerWakeDisconnectWakeup(sk, other);
      sk.state = TCP_CLOSE;
      disconnected(sk, other);
      return -ECONNREFUSED;
    }
    return -ECONNREFUSED; // (a name looked up now never leads to a dead socket)
  }
  if (other.shutdown & RCV_SHUTDOWN) return -EPIPE;
  if (other !== sk && other.peer !== sk && other.recvqFull) {
    // A full receiver: a connected sender queues itself on its peer_wait (so poll sees it).
    if (sk.peer === other) peerWakeMe(sk, other);
    sendWait.wait = { head: other.peerWait, exclusive: true };
    return -EAGAIN;
  }
  const dataLen = count > SKB_MAX_ALLOC ? Math.min(Math.ceil(Math.min(count - SKB_MAX_ALLOC, MAX_FRAG_BYTES) / PAGE) * PAGE, count) : 0;
  const truesize = skbTruesize(count - dataLen, dataLen);
  sk.wmemAlloc += truesize;
  other.recv.push({ data: buf.slice(0, count), off: 0, truesize, owner: sk, fds });
  if (fds) {
    attachedFds.add(fds);
    flight(sk.host, fds, +1);
  }
  other.dataReady();
  return count;
}

/**
 * unix_dgram_recvmsg (and unix_seqpacket_recvmsg): one message into `buf`; MSG_PEEK leaves
 * it queued, MSG_TRUNC returns its real length. -EAGAIN when there is none.
 */
export function dgramRecv(sk: UnixSock, buf: Uint8Array, count: number, flags: number): number {
  recvScm.fds = null;
  recvScm.from = null;
  recvScm.trunc = false;
  if (sk.type === SOCK_SEQPACKET && sk.state !== TCP_ESTABLISHED) return -ENOTCONN;
  if (sk.err) {
    const e = sk.err; // sock_error: reported (and cleared) before any message
    sk.err = 0;
    return -e;
  }
  const skb = sk.recv[0];
  if (!skb) {
    // EOF on a disconnected seqpacket socket; a datagram socket just has nothing.
    if (sk.type === SOCK_SEQPACKET && sk.shutdown & RCV_SHUTDOWN) return 0;
    return -EAGAIN;
  }
  if (!(flags & MSG_PEEK)) sk.recv.shift();
  // Files passed with the message: the reader's now (MSG_PEEK: new references to them).
  if (skb.fds) {
    if (flags & MSG_PEEK) {
      for (const f of skb.fds) sk.host?.getFile(f);
      recvScm.fds = skb.fds.slice();
    } else {
      recvScm.fds = skb.fds;
      flight(sk.host, skb.fds, -1);
      skb.fds = null;
    }
  }
  sk.peerWait.wakeUp(OUT_KEY, 1); // room in the queue: a waiting sender may go on
  const len = skb.data.length;
  const n = Math.min(count, len);
  copyBytes(buf, 0, skb.data, 0, n);
  recvScm.from = skb.owner;
  recvScm.trunc = n < len;
  if (!(flags & MSG_PEEK)) skb.owner.wfree(skb.truesize);
  return flags & MSG_TRUNC ? len : n;
}

/** FIONREAD of a datagram socket: the first message's length (a seqpacket socket: all bytes). */
export function dgramInq(sk: UnixSock): number {
  if (sk.type === SOCK_DGRAM) return sk.recv.length ? sk.recv[0].data.length : 0;
  return sk.inq;
}

