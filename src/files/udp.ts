// UDP on the loopback network (net/ipv4/udp.c, net/ipv6/udp.c, net/core/datagram.c): a
// datagram is delivered before sendto() returns, or dropped when the receiver's queue is
// full (no error: UDP is unreliable), or — with no socket on the port — answered by an ICMP
// port-unreachable, which a connected sender sees as ECONNREFUSED (sk_err, EPOLLERR); an
// unconnected one ignores it (checked on Linux 6.18, 100 of 100 tries each).
//
// Receive accounting is Linux's: each datagram charges its skb truesize to the receiver's
// sk_rmem_alloc, and a datagram that would take it past sk_rcvbuf is dropped (212992 bytes
// hold 256 datagrams of up to 197 bytes, 92 of 1000 bytes). The sender's buffer never fills:
// loopback frees each skb as it is handed over, so a UDP socket always polls writable.
import { EAFNOSUPPORT, EAGAIN, EDESTADDRREQ, EINVAL, EMSGSIZE, ENETUNREACH, EOPNOTSUPP, MSG_OOB, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, ECONNREFUSED, EPIPE, MSG_PEEK, MSG_TRUNC } from "../uapi.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { copyBytes } from "../kernel/copy.js";
import { V4_ANY, V6_ANY, addrMatches, isAny, isLocal, isV4, mappedSourceToV6, sourceFor, type Ip } from "./inet-addr.js";
import type { InetNet } from "./inet-net.js";
import type { PortHolder } from "./inet-ports.js";

const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
/** net.core.rmem_default / wmem_default. */
export const UDP_BUF_DEFAULT = 212992;
/** The largest payload: 65535 minus the IPv4 and UDP headers (IPv6: minus UDP's only). */
export const UDP_MAX_V4 = 65507, UDP_MAX_V6 = 65527;

const SHINFO = 320, SKB = 256, SMALL_HEAD = 576, SKB_MAX_ALLOC = 16384 - SHINFO;
const align64 = (n: number) => (n + 63) & ~63;

/**
 * The truesize of a datagram's skb on loopback (ip_append_data / ip6_append_data, Linux
 * 6.18 x86-64; measured with SO_MEMINFO): headers (IPv4 + UDP, or IPv6 + UDP) plus 31 bytes
 * of link-layer reserve and alignment; below SKB_MAX_ALLOC one linear head from the small
 * head cache (576) or the next power of two, above it a small head plus the payload in page
 * fragments. MODEL: an IPv6 datagram too big for lo's 65536-byte MTU is fragmented on Linux
 * (a little more memory); here it is charged as one.
 */
export function udpTruesize(n: number, v6: boolean): number {
  const head = (v6 ? 48 : 28) + 31;
  if (n + head >= SKB_MAX_ALLOC) return SMALL_HEAD + SKB + n;
  const obj = align64(n + head) + SHINFO;
  if (obj <= SMALL_HEAD) return SMALL_HEAD + SKB;
  let s = 1024;
  while (s < obj) s *= 2;
  return s + SKB;
}

export interface Datagram {
  data: Uint8Array;
  fromIp: Ip;
  fromPort: number;
  truesize: number;
}

export class UdpSock implements PortHolder {
  localIp: Ip;
  localPort = 0;
  hashed = false;
  remoteIp: Ip = "";
  remotePort = 0;
  readonly rq: Datagram[] = [];
  rmem = 0;
  shutdown = 0;
  err = 0;
  reuse = false;
  reuseport = false;
  v6only = false;
  readonly listening = false;
  rcvbuf = UDP_BUF_DEFAULT;
  sndbuf = UDP_BUF_DEFAULT;
  rcvlowat = 1;
  keepalive = 0;
  /** SOCK_BINDPORT_LOCK: bind() chose the port (a disconnect keeps it). */
  bindLocked = false;
  /** SOCK_BINDADDR_LOCK: bind() chose the address. */
  addrLocked = false;
  readonly wq = new WaitQueueHead();

  constructor(
    readonly net: InetNet,
    readonly family: number
  ) {
    this.localIp = family === 2 ? V4_ANY : V6_ANY;
  }

  /** connect() set a default destination (ip4_datagram_connect: TCP_ESTABLISHED). */
  connected = false;

  /** udp_poll (datagram_poll; the send side is always writable on loopback). */
  pollMask(): number {
    let mask = 0;
    if (this.err) mask |= EPOLLERR;
    if (this.shutdown & RCV_SHUTDOWN) mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
    if (this.shutdown === SHUTDOWN_MASK) mask |= EPOLLHUP;
    if (this.rq.length) mask |= EPOLLIN | EPOLLRDNORM;
    return mask | EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
  }

  /** Bytes of the next datagram (FIONREAD on UDP). */
  get inq(): number {
    return this.rq.length ? this.rq[0].data.length : 0;
  }

  /**
   * inet_sendmsg + udp_sendmsg / udpv6_sendmsg, their checks in Linux's order: `data` to
   * `to` — a destination already read from the caller's address (a loopback target), -errno
   * when that address was bad, or null for none (the connected peer). An unbound socket is
   * bound first, even if the send then fails (inet_send_prepare autobinds before the
   * protocol looks at anything). IPv4 refuses an oversized length before it looks at the
   * address; IPv6 after.
   */
  sendmsg(data: Uint8Array, to: { ip: Ip; port: number } | number | null, flags: number): number {
    if (!this.hashed && this.net.udp.bind(this, this.localIp, 0) < 0) return -EAGAIN;
    // udp_sendmsg (an IPv4 socket, or an IPv6 one sending to a v4-mapped address): the
    // length first, then the address — whose port must not be 0 (a connected IPv6 socket's
    // v4-mapped peer is passed as an address too).
    const v4Path = (dst: { ip: Ip; port: number } | null, explicit: boolean): number => {
      if (data.length > 0xffff) return -EMSGSIZE;
      if (flags & MSG_OOB) return -EOPNOTSUPP;
      if (dst && dst.port === 0 && explicit) return -EINVAL;
      return 0;
    };
    let dst: { ip: Ip; port: number } | null;
    if (this.family === 2) {
      const bad = v4Path(typeof to === "number" ? null : to, true);
      if (bad) return bad;
      if (typeof to === "number") return to;
      dst = to;
    } else {
      // udpv6_sendmsg: the address (or the peer) first.
      if (typeof to === "number") return to;
      dst = to ?? (this.connected ? { ip: this.remoteIp, port: this.remotePort } : null);
      if (dst && isV4(dst.ip)) {
        if (this.v6only) return -ENETUNREACH;
        const bad = v4Path(dst, true);
        if (bad) return bad;
      } else {
        if (to && to.port === 0) return -EINVAL;
        if (flags & MSG_OOB) return -EOPNOTSUPP;
      }
    }
    if (!dst) {
      if (!this.connected) return -EDESTADDRREQ;
      dst = { ip: this.remoteIp, port: this.remotePort };
    }
    if (!isLocal(dst.ip)) return -ENETUNREACH;
    if (mappedSourceToV6(this.family, this.localIp, dst.ip)) return -EAFNOSUPPORT;
    if (data.length > (isV4(dst.ip) ? UDP_MAX_V4 : UDP_MAX_V6)) return -EMSGSIZE;
    return this.sendTo(data, dst.ip, dst.port);
  }

  /**
   * udp_sendmsg's delivery of `data` to (`ip`, `port`) from this (bound) socket: queued at
   * the receiver, dropped when it is full, or ICMP port unreachable. Returns the length, or
   * -errno for a pending error (sock_alloc_send_pskb reports it instead of sending) or a
   * send side shut down (EPIPE).
   */
  sendTo(data: Uint8Array, ip: Ip, port: number): number {
    if (this.err) {
      const e = this.err;
      this.err = 0;
      return -e;
    }
    if (this.shutdown & SEND_SHUTDOWN) return -EPIPE;
    // The skb leaves: loopback_xmit orphans it at once, and sock_wfree wakes writers
    // (sock_def_write_space) before the receiver has it.
    this.wq.wakeUp(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND, 1);
    const to = findReceiver(this.net, ip, port, this.sourceFor(ip), this.localPort);
    if (!to) {
      // icmp_unreach → udp_err: the error finds the socket only by the datagram's addresses —
      // a connected socket, for a datagram to its peer (checked on Linux 6.18).
      // (An IPv6 socket with an IPv6 source that sent to an IPv4 address is not found by the
      // ICMPv4 error's lookup at all: its error is lost, as on Linux 6.18.)
      const lost = this.family === 10 && isV4(ip) && !isV4(this.localIp) && !isAny(this.localIp);
      if (this.connected && this.peerIs(ip, port) && !lost) {
        this.err = ECONNREFUSED;
        this.wq.wakeUp(EPOLLERR, 1);
      }
      return data.length;
    }
    const truesize = udpTruesize(data.length, this.family !== 2);
    if (to.rmem + truesize > to.rcvbuf) return data.length; // dropped: the receive queue is full
    to.rq.push({ data: data.slice(), fromIp: this.sourceFor(ip), fromPort: this.localPort, truesize });
    to.rmem += truesize;
    to.wq.wakeUp(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND, 1);
    return data.length;
  }

  /**
   * udp_recvmsg: the next datagram into `buf` (the rest of it is lost; MSG_TRUNC: its whole
   * length is returned; MSG_PEEK: it stays), or -errno: a pending error first, else -EAGAIN. `got` receives the datagram read.
   */
  recv(buf: Uint8Array, count: number, flags: number, got: { d: Datagram | null }): number {
    got.d = null;
    if (this.err) {
      const e = this.err;
      this.err = 0;
      return -e;
    }
    const d = this.rq[0];
    if (!d) return -EAGAIN; // (a blocking receive returns 0 when the read side is shut: the caller)
    const n = Math.min(count, d.data.length);
    copyBytes(buf, 0, d.data, 0, n);
    got.d = d;
    if (!(flags & MSG_PEEK)) {
      this.rq.shift();
      this.rmem -= d.truesize;
    }
    return flags & MSG_TRUNC ? d.data.length : n;
  }

  /**
   * Whether (`ip`, `port`) is the connected peer (compute_score): the address must match; a
   * peer port of 0 matches any port.
   */
  peerIs(ip: Ip, port: number): boolean {
    return ip === this.remoteIp && (this.remotePort === 0 || port === this.remotePort);
  }

  /** sock_error: the pending error, cleared (0 if none). */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  /** udp_disconnect: no peer; the address and port go unless bind() chose them. */
  disconnect(): void {
    this.connected = false;
    this.remoteIp = "";
    this.remotePort = 0;
    if (!this.addrLocked) this.localIp = this.family === 2 ? V4_ANY : V6_ANY;
    if (!this.bindLocked && this.hashed) {
      this.net.udp.remove(this);
      this.localPort = 0;
    }
  }

  /** The address a datagram to `dst` leaves from: the bound one, else the route's. */
  sourceFor(dst: Ip): Ip {
    return isAny(this.localIp) ? sourceFor(dst) : this.localIp;
  }

  /** The socket is closed: its queue goes, and its port. */
  close(): void {
    this.rq.length = 0;
    this.rmem = 0;
    if (this.hashed) this.net.udp.remove(this);
  }
}

/**
 * __udp4_lib_lookup: the socket that takes a datagram for (`ip`, `port`) from (`fromIp`,
 * `fromPort`): a connected socket only from its peer; an exact address before a wildcard;
 * among sockets sharing the port with SO_REUSEADDR the last bound (Linux puts it first in
 * the chain); a SO_REUSEPORT group by the sender's port. MODEL: Linux hashes the 4-tuple
 * with a random secret to pick a group member; here it is (sender port mod group size).
 */
function findReceiver(net: InetNet, ip: Ip, port: number, fromIp: Ip, fromPort: number): UdpSock | null {
  let best: UdpSock[] = [];
  let bestScore = -1;
  for (const h of net.udp.holders(port)) {
    if (!(h instanceof UdpSock) || !addrMatches(h.localIp, h.v6only, ip)) continue;
    if (h.connected && !h.peerIs(fromIp, fromPort)) continue;
    // compute_score: connected beats bound beats wildcard; for IPv4 an AF_INET socket beats
    // a dual-stack AF_INET6 one (so a mixed SO_REUSEPORT group serves IPv4 from its IPv4 half).
    const score = (h.localIp === ip ? 4 : 2) + (h.connected ? 8 : 0) + (h.family === 2 || !isV4(ip) ? 1 : 0);
    if (score > bestScore) {
      best = [h];
      bestScore = score;
    } else if (score === bestScore) best.push(h);
  }
  if (!best.length) return null;
  if (best.length > 1 && best.every((s) => s.reuseport)) return best[fromPort % best.length];
  return best[best.length - 1];
}
