// The socket calls on AF_INET and AF_INET6 sockets (net/ipv4/af_inet.c, net/ipv6/af_inet6.c
// and the TCP and UDP protocol ops), reached from socket.ts once the fd is known to be an
// internet socket. Written once for kernel.sys and threads (pause.ts).
import * as U from "../uapi.js";
import { InetSocketFile } from "../files/inet-sock.js";
import { SS_CONNECTED, SS_CONNECTING, SS_DISCONNECTING, SS_UNCONNECTED, TCP_CLOSE, TCP_LISTEN, TCP_SYN_SENT, TcpSock } from "../files/tcp.js";
import { UdpSock } from "../files/udp.js";
import { connectTarget, isAny, isLocal, isV4, mappedSourceToV6, sourceFor, V4_ANY, type Ip } from "../files/inet-addr.js";
import { isCInt, readInetAddr, storeInetAddr, type SockAddr } from "./args.js";
import { blockingIo, sendRest, sleepOn } from "./io.js";
import { RMEM_MAX, SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, WMEM_MAX } from "./sockbuf.js";
import type { Body, Caller } from "./pause.js";
import { splitSend } from "./tcp-split.js";

const INT_MAX = 0x7fffffff;
/** 2 × net.core.wmem_max and rmem_max (socket.ts). */
const SNDBUF_MAX = 2 * WMEM_MAX, RCVBUF_MAX = 2 * RMEM_MAX;
/** tcp_rmem[2] / 2: the most SO_RCVLOWAT keeps on TCP (tcp_set_rcvlowat). */
const TCP_RCVLOWAT_MAX = 16777216;
const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2;

/** inet_create: a TCP or UDP socket of `domain` (AF_INET, AF_INET6), or -errno. */
export function inetSocket(c: Caller, domain: number, type: number, protocol: number, flags: number): number {
  // inetsw lookup: the type picks the protocol; protocol 0 means its default.
  if (type === U.SOCK_STREAM) {
    if (protocol !== 0 && protocol !== U.IPPROTO_TCP) return -U.EPROTONOSUPPORT;
  } else if (type === U.SOCK_DGRAM) {
    if (protocol !== 0 && protocol !== U.IPPROTO_UDP) return -U.EPROTONOSUPPORT;
  } else if (type === 3 /* SOCK_RAW */) {
    return -U.EPROTONOSUPPORT; // MODEL: raw sockets are not modelled (Linux: EPROTONOSUPPORT for protocol 0)
  } else return -U.ESOCKTNOSUPPORT;
  const p = c.p;
  if (p.fdt.findFree() < 0) return -U.EMFILE;
  const sk = type === U.SOCK_STREAM ? new TcpSock(p.net, domain) : new UdpSock(p.net, domain);
  const f = new InetSocketFile(sk, flags & U.O_NONBLOCK);
  return p.fdt.install(p.track(f), (flags & U.O_CLOEXEC) !== 0);
}

/**
 * The address of a bind or connect: { ip, port }, or -errno. An IPv4 socket takes AF_UNSPEC
 * only with 0.0.0.0 (inet_bind's compatibility rule) — when `unspecAny`.
 */
function target(sk: TcpSock | UdpSock, addr: SockAddr, unspecAny: boolean): { ip: Ip; port: number } | number {
  const a = readInetAddr(addr, sk.family);
  if (typeof a === "number") return a;
  if (a.family === U.AF_UNSPEC && !(unspecAny && sk.family === U.AF_INET && a.ip === V4_ANY)) return -U.EAFNOSUPPORT;
  return a;
}

/** inet_bind / inet6_bind: Linux's checks in its order, then the port (0: an ephemeral one). */
export function bind(f: InetSocketFile, addr: SockAddr): number {
  const sk = f.sk;
  const a = target(sk, addr, true);
  if (typeof a === "number") return a;
  const bound = (sk instanceof TcpSock && sk.state !== TCP_CLOSE) || sk.hashed;
  if (sk.family === U.AF_INET) {
    if (!isLocal(a.ip)) return -U.EADDRNOTAVAIL;
    // MODEL: the process may bind ports below 1024 (CAP_NET_BIND_SERVICE, as root here).
    if (bound) return -U.EINVAL;
  } else {
    if (bound) return -U.EINVAL;
    if (isV4(a.ip) && sk.v6only) return -U.EINVAL;
    if (!isLocal(a.ip)) return -U.EADDRNOTAVAIL;
  }
  const table = sk instanceof TcpSock ? sk.net.tcp : sk.net.udp;
  const r = table.bind(sk, a.ip, a.port);
  if (r < 0) return r;
  if (a.port) sk.bindLocked = true;
  if (!isAny(a.ip)) sk.addrLocked = true;
  // __inet6_bind: an IPv6 socket bound to one IPv6 address takes IPv6 only from then on.
  if (sk.family === U.AF_INET6 && !isAny(a.ip) && !isV4(a.ip)) sk.v6only = true;
  return 0;
}

/** inet_listen: TCP only; an unbound socket gets an ephemeral port; EADDRINUSE if another socket listens there. */
export function listen(f: InetSocketFile, backlog: number): number {
  const sk = f.sk;
  if (!(sk instanceof TcpSock)) return -U.EOPNOTSUPP;
  if (!isCInt(backlog)) return -U.EINVAL; // MODEL: C has no non-integers
  if (sk.ss !== SS_UNCONNECTED || (sk.state !== TCP_CLOSE && sk.state !== TCP_LISTEN)) return -U.EINVAL;
  if (sk.everConnected) {
    // Linux 6.18 refuses to listen once a socket has connected, after taking a port for it
    // if it had none (observed: a later bind is EINVAL, a later connect keeps the port).
    if (!sk.hashed) sk.net.tcp.bind(sk, sk.localIp, 0);
    return -U.EINVAL;
  }
  sk.maxAckBacklog = backlog >>> 0 > U.SOMAXCONN ? U.SOMAXCONN : backlog;
  if (sk.state === TCP_LISTEN) return 0;
  sk.state = TCP_LISTEN;
  sk.everListened = true;
  const table = sk.net.tcp;
  if (!sk.hashed) {
    if (table.bind(sk, sk.localIp, 0) < 0) {
      sk.state = TCP_CLOSE;
      return -U.EADDRINUSE;
    }
  } else if (table.conflicts(sk, sk.localIp, sk.localPort)) {
    sk.state = TCP_CLOSE;
    return -U.EADDRINUSE;
  }
  return 0;
}

/** connect(2) on an internet socket. */
export function connect(c: Caller, f: InetSocketFile, addr: SockAddr): number | Body {
  const sk = f.sk;
  let family: unknown;
  try {
    family = addr !== null && typeof addr === "object" ? addr.family : undefined;
  } catch {
    return -U.EFAULT;
  }
  if (family === undefined) return -U.EFAULT;
  if (sk instanceof UdpSock) return connectUdp(sk, addr, family === U.AF_UNSPEC);
  if (family === U.AF_UNSPEC) {
    // tcp_disconnect: a connection is reset; the socket may connect again.
    sk.disconnect();
    sk.ss = SS_UNCONNECTED;
    return 0;
  }
  if (sk.ss === SS_CONNECTED) return -U.EISCONN;
  if (sk.ss === SS_DISCONNECTING) return -U.EINVAL;
  if (sk.ss === SS_UNCONNECTED) {
    if (sk.state !== TCP_CLOSE) return -U.EISCONN;
    const a = target(sk, addr, false);
    if (typeof a === "number") return a;
    if (sk.everListened) {
      // tcp_v4_connect's failure path closes the socket: a port bind() did not fix goes back.
      if (!sk.bindLocked) sk.unhash();
      return -U.EINVAL;
    }
    const dst = connectTarget(a.ip, sk.localIp);
    if (!isLocal(dst) || (sk.v6only && isV4(dst))) return -U.ENETUNREACH;
    if (mappedSourceToV6(sk.family, sk.localIp, dst)) return -U.EAFNOSUPPORT;
    sk.remoteIp = dst;
    sk.remotePort = a.port;
    if (!sk.hashed) {
      if (sk.net.tcp.bind(sk, sk.localIp, 0, true, { ip: dst, port: a.port }) < 0) {
        sk.remoteIp = "";
        sk.remotePort = 0;
        return -U.EADDRNOTAVAIL;
      }
      sk.connectBound = true;
    }
    if (isAny(sk.localIp)) sk.localIp = sourceFor(dst);
    sk.state = TCP_SYN_SENT;
    sk.ss = SS_CONNECTING;
    sk.everConnected = true;
    sk.handshake();
    // The handshake is over on loopback, but the caller sees the state it had when the SYN
    // left (the answer is processed as the socket lock is released): in progress.
    if (f.nonblock) return -U.EINPROGRESS;
  } else if (sk.state === TCP_SYN_SENT && f.nonblock) return -U.EALREADY;
  if (sk.state === TCP_SYN_SENT) return connectWait(c, f, sk);
  return connectDone(sk);
}

/** The end of __inet_stream_connect once the SYN_SENT wait is over. */
function connectDone(sk: TcpSock): number {
  if (sk.state === TCP_CLOSE) {
    // Refused, reset or timed out: the error (or ECONNABORTED once it was read), and the
    // socket is disconnected, ready to connect again.
    const e = sk.takeError() || U.ECONNABORTED;
    sk.ss = SS_UNCONNECTED;
    sk.disconnect();
    return -e;
  }
  sk.ss = SS_CONNECTED;
  return 0;
}

/** inet_wait_for_connect: sleep while the SYN is unanswered (its retransmissions run on timers). */
function* connectWait(c: Caller, f: InetSocketFile, sk: TcpSock): Body {
  c.p.fget(f);
  try {
    while (sk.state === TCP_SYN_SENT) {
      const r = yield* sleepOn(c, sk.wq, false, "connect", () => sk.state === TCP_SYN_SENT, true);
      if (r !== 0) return r;
    }
    return connectDone(sk);
  } finally {
    c.p.fput(f);
  }
}

/** ip4_datagram_connect / ip6_datagram_connect (AF_UNSPEC: udp_disconnect). */
function connectUdp(sk: UdpSock, addr: SockAddr, unspec: boolean): number {
  if (unspec) {
    sk.disconnect();
    return 0;
  }
  // inet_dgram_connect binds a port before the protocol looks at the address.
  if (!sk.hashed && sk.net.udp.bind(sk, sk.localIp, 0) < 0) return -U.EAGAIN;
  // An IPv6 socket connects to an IPv4 address as v4-mapped (ip6_datagram_connect).
  let v4 = false;
  try {
    v4 = sk.family === U.AF_INET6 && addr.family === U.AF_INET;
  } catch {
    return -U.EFAULT;
  }
  if (v4 && sk.v6only) return -U.EAFNOSUPPORT;
  const a = v4 ? readInetAddr(addr, U.AF_INET) : target(sk, addr, false);
  if (typeof a === "number") return a;
  const dst = connectTarget(a.ip, sk.localIp);
  if (!isLocal(dst) || (sk.v6only && isV4(dst))) return -U.ENETUNREACH;
  if (mappedSourceToV6(sk.family, sk.localIp, dst)) return -U.EAFNOSUPPORT;
  if (isAny(sk.localIp)) sk.localIp = sourceFor(dst);
  sk.remoteIp = dst;
  sk.remotePort = a.port;
  sk.connected = true;
  return 0;
}

/** inet_accept: the next connection (TCP; UDP: EOPNOTSUPP), sleeping for one unless non-blocking. */
export function accept(c: Caller, f: InetSocketFile, addrOut: SockAddr | null, flags: number): number | Body {
  const sk = f.sk;
  if (!(sk instanceof TcpSock)) return -U.EOPNOTSUPP;
  if (sk.state !== TCP_LISTEN) return -U.EINVAL;
  if (sk.acceptq.length) return install(c, sk, addrOut, flags);
  if (f.nonblock) return -U.EAGAIN;
  return acceptWait(c, f, sk, addrOut, flags);
}

/** inet_csk_wait_for_connect: exclusive, so each connection wakes one sleeper. */
function* acceptWait(c: Caller, f: InetSocketFile, sk: TcpSock, addrOut: SockAddr | null, flags: number): Body {
  c.p.fget(f);
  try {
    for (;;) {
      const r = yield* sleepOn(c, sk.wq, true, "accept", () => sk.state === TCP_LISTEN && sk.acceptq.length === 0);
      if (r !== 0) return r;
      if (sk.state !== TCP_LISTEN) return -U.EINVAL;
      if (sk.acceptq.length) return install(c, sk, addrOut, flags);
    }
  } finally {
    c.p.fput(f);
  }
}

function install(c: Caller, l: TcpSock, addrOut: SockAddr | null, flags: number): number {
  const child = l.acceptq.shift()!;
  if (addrOut !== null && addrOut !== undefined && !storeInetAddr(addrOut, l.family, child.remoteIp, child.remotePort)) {
    child.close(); // the connection is dropped, as Linux does when the address cannot be stored
    return -U.EFAULT;
  }
  const p = c.p;
  return p.fdt.install(p.track(new InetSocketFile(child, flags & U.O_NONBLOCK)), (flags & U.O_CLOEXEC) !== 0);
}

/** inet_getname: the bound address (the wildcard and port 0 while unbound). */
export function getsockname(f: InetSocketFile, out: SockAddr): number {
  const sk = f.sk;
  return storeInetAddr(out, sk.family, sk.localIp, sk.localPort) ? 0 : -U.EFAULT;
}

/** inet_getname(peer): ENOTCONN unless connected (a TCP socket being connected or closed is not). */
export function getpeername(f: InetSocketFile, out: SockAddr): number {
  const sk = f.sk;
  // (A UDP socket "connected" to port 0 has no peer to name either: inet_getname.)
  const connected = sk.remotePort !== 0 && (sk instanceof TcpSock ? sk.state !== TCP_CLOSE && sk.state !== TCP_SYN_SENT : sk.connected);
  if (!connected) return -U.ENOTCONN;
  return storeInetAddr(out, sk.family, sk.remoteIp, sk.remotePort) ? 0 : -U.EFAULT;
}

/**
 * sendto/sendmsg on an internet socket: TCP ignores an address and sends all of `buf`
 * (sleeping for room unless non-blocking); UDP sends one datagram to `addr` or its peer.
 * MODEL: no SIGPIPE yet — a send that Linux would signal returns -EPIPE as with MSG_NOSIGNAL.
 */
export function send(c: Caller, f: InetSocketFile, fd: number, buf: Uint8Array, flags: number, addr: SockAddr | null | undefined, rights: boolean): number | Body {
  const sk = f.sk;
  // SCM_RIGHTS is "semantically SOL_UNIX" (__sock_cmsg_send): an internet socket ignores it.
  void rights;
  if (sk instanceof UdpSock) return sk.sendmsg(buf, addr === null || addr === undefined ? null : udpTarget(sk, addr), flags);
  if (addr !== null && addr !== undefined && typeof addr !== "object") return -U.EFAULT;
  // MODEL: urgent data (MSG_OOB) is not modelled.
  if (flags & U.MSG_OOB) return -U.EOPNOTSUPP;
  const len = buf.byteLength;
  const split = c.p.hooks !== null ? splitSend(c, f, fd, buf, len) : null;
  if (split) return split;
  const r = sk.send(buf, len);
  if (f.nonblock || flags & U.MSG_DONTWAIT || (r < 0 && r !== -U.EAGAIN) || r === len) return r;
  return sendRest(c, f, fd, len, Math.max(r, 0), (at, n) => sk.send(buf.subarray(at), n));
}

/**
 * A datagram's destination from sendto's address: a loopback target, or -errno. An IPv6
 * socket also takes an IPv4 address (sent as v4-mapped) and AF_UNSPEC as no address.
 */
function udpTarget(sk: UdpSock, addr: SockAddr): { ip: Ip; port: number } | number | null {
  let fam: unknown;
  try {
    fam = addr.family;
  } catch {
    return -U.EFAULT;
  }
  if (sk.family === U.AF_INET6 && fam === U.AF_UNSPEC) return null;
  // udpv6_sendmsg takes AF_INET6, AF_INET and AF_UNSPEC; anything else is EINVAL.
  if (sk.family === U.AF_INET6 && fam !== U.AF_INET6 && fam !== U.AF_INET) return -U.EINVAL;
  const a = readInetAddr(addr, sk.family === U.AF_INET6 && fam === U.AF_INET ? U.AF_INET : sk.family);
  if (typeof a === "number") return a;
  if (a.family === U.AF_UNSPEC && sk.family !== U.AF_INET) return -U.EAFNOSUPPORT;
  return { ip: connectTarget(a.ip, sk.localIp), port: a.port }; // (port 0: UdpSock.sendmsg says EINVAL in its turn)
}

/** What a receive took besides bytes: a datagram's sender, whether it was cut short. */
export interface InetRecvInfo {
  fromIp: Ip;
  fromPort: number;
  trunc: boolean;
}

/**
 * recv/recvfrom/recvmsg on an internet socket: TCP gathers until SO_RCVLOWAT bytes (all of
 * them with MSG_WAITALL) unless non-blocking or the stream ends; UDP takes one datagram.
 * `info` gets the sender (UDP) when bytes were read.
 */
export function receive(c: Caller, f: InetSocketFile, fd: number, buf: Uint8Array, len: number, flags: number, info: InetRecvInfo | null): number | Body {
  const sk = f.sk;
  const nonblock = f.nonblock || (flags & U.MSG_DONTWAIT) !== 0;
  if (sk instanceof UdpSock) {
    if (flags & U.MSG_OOB) return -U.EOPNOTSUPP;
    const attempt = (): number => {
      const r = sk.recv(buf, len, flags, f.got);
      // __skb_wait_for_more_packets: a receive that would sleep ends (0) on a shut read side;
      // a non-blocking one says EAGAIN first (checked on Linux 6.18).
      if (r === -U.EAGAIN && !nonblock && sk.shutdown & RCV_SHUTDOWN) return 0;
      const d = f.got.d;
      if (d && info) {
        info.fromIp = d.fromIp;
        info.fromPort = d.fromPort;
        info.trunc = d.data.length > len;
      }
      return r;
    };
    const r = attempt();
    if (r !== -U.EAGAIN || nonblock) return r;
    return blockingIo(c, f, fd, "read", attempt);
  }
  if (flags & U.MSG_OOB) return -U.EINVAL; // no urgent data is ever queued
  const peek = (flags & U.MSG_PEEK) !== 0;
  const target = flags & U.MSG_WAITALL ? len : Math.min(sk.rcvlowat, len) || 1;
  let done = 0;
  const attempt = (): number => {
    const r = sk.recv(peek ? buf : buf.subarray(done), peek ? len : len - done, flags);
    if (r > 0) done = peek ? r : done + r;
    if (r === 0 && len === 0) return 0;
    if (r < 0 && r !== -U.EAGAIN) return done || r;
    if (r === 0) return done;
    if (done >= target) return done;
    if (done > 0 && (nonblock || sk.readEnds())) return done;
    return -U.EAGAIN;
  };
  const r = attempt();
  if (r !== -U.EAGAIN || nonblock) return r;
  return blockingIo(c, f, fd, "read", attempt, () => done);
}

/** setsockopt(2) on an internet socket: SOL_SOCKET, IPPROTO_TCP (TCP) and IPPROTO_IPV6 (AF_INET6) integer options. */
export function setsockopt(f: InetSocketFile, level: number, name: number, value: number): number {
  const sk = f.sk;
  if (level === U.SOL_SOCKET) {
    if (!isCInt(value)) return -U.EINVAL;
    switch (name) {
      case U.SO_REUSEADDR:
        sk.reuse = value !== 0;
        return 0;
      case U.SO_REUSEPORT:
        sk.reuseport = value !== 0;
        return 0;
      case U.SO_KEEPALIVE:
        sk.keepalive = value !== 0 ? 1 : 0;
        return 0;
      case U.SO_RCVLOWAT: {
        const v = value < 0 ? INT_MAX : value;
        sk.rcvlowat = (sk instanceof TcpSock ? Math.min(v, TCP_RCVLOWAT_MAX) : v) || 1;
        if (sk instanceof TcpSock) sk.lowatChanged();
        return 0;
      }
      case U.SO_SNDBUF:
        sk.sndbuf = Math.max(Math.min((value >>> 0) * 2, SNDBUF_MAX), SOCK_MIN_SNDBUF);
        if (sk instanceof TcpSock) {
          sk.sndbufLocked = true;
          sk.writeSpace();
        }
        return 0;
      case U.SO_RCVBUF:
        sk.rcvbuf = Math.max(Math.min((value >>> 0) * 2, RCVBUF_MAX), SOCK_MIN_RCVBUF);
        return 0;
      default:
        return -U.ENOPROTOOPT;
    }
  }
  if (level === U.IPPROTO_TCP && sk instanceof TcpSock) {
    if (name !== U.TCP_NODELAY) return -U.ENOPROTOOPT;
    if (!isCInt(value)) return -U.EINVAL;
    sk.nodelay = value !== 0 ? 1 : 0;
    return 0;
  }
  if (level === U.IPPROTO_IPV6 && sk.family === U.AF_INET6) {
    if (name !== U.IPV6_V6ONLY) return -U.ENOPROTOOPT;
    if (!isCInt(value)) return -U.EINVAL;
    if (sk.hashed || (sk instanceof TcpSock && sk.state !== TCP_CLOSE)) return -U.EINVAL;
    sk.v6only = value !== 0;
    return 0;
  }
  return -U.ENOPROTOOPT;
}

/** getsockopt(2) on an internet socket: the value, or -errno. SO_ERROR clears the error. */
export function getsockopt(f: InetSocketFile, level: number, name: number): number {
  const sk = f.sk;
  const tcp = sk instanceof TcpSock;
  if (level === U.SOL_SOCKET) {
    switch (name) {
      case U.SO_TYPE: return f.type;
      case U.SO_ERROR: return sk.takeError();
      case U.SO_SNDBUF: return sk.sndbuf;
      case U.SO_RCVBUF: return sk.rcvbuf;
      case U.SO_ACCEPTCONN: return tcp && sk.state === TCP_LISTEN ? 1 : 0;
      case U.SO_REUSEADDR: return sk.reuse ? 1 : 0;
      case U.SO_REUSEPORT: return sk.reuseport ? 1 : 0;
      case U.SO_KEEPALIVE: return sk.keepalive;
      case U.SO_RCVLOWAT: return sk.rcvlowat;
      case U.SO_PROTOCOL: return tcp ? U.IPPROTO_TCP : U.IPPROTO_UDP;
      case U.SO_DOMAIN: return sk.family;
      default: return -U.ENOPROTOOPT;
    }
  }
  if (level === U.IPPROTO_TCP && tcp) return name === U.TCP_NODELAY ? sk.nodelay : -U.ENOPROTOOPT;
  if (level === U.IPPROTO_UDP && !tcp) return -U.ENOPROTOOPT; // MODEL: no UDP options (UDP_CORK, …)
  // The address family's options: IPv6 (IPV6_V6ONLY) or, for either family, IPv4's
  // (SOL_IP: none modelled). An IPv4 socket answers any other level EOPNOTSUPP
  // (ip_getsockopt), an IPv6 one ENOPROTOOPT (ipv6_getsockopt).
  if (level === U.IPPROTO_IPV6 && sk.family === U.AF_INET6) return name === U.IPV6_V6ONLY ? (sk.v6only ? 1 : 0) : -U.ENOPROTOOPT;
  if (level === 0 /* SOL_IP */) return -U.ENOPROTOOPT; // MODEL: no IP options (IP_TOS, …)
  return sk.family === U.AF_INET ? -U.EOPNOTSUPP : -U.ENOPROTOOPT;
}

/**
 * inet_shutdown: `how` already checked (0..2). An unconnected socket answers ENOTCONN yet
 * keeps the bits (Linux's "hack" so pollers see EPOLLHUP); a listener told SHUT_RD stops
 * listening; a connecting TCP socket is disconnected; otherwise TCP sends its FIN on SHUT_WR.
 */
export function shutdown(f: InetSocketFile, how: number): number {
  const sk = f.sk;
  const mode = how + 1;
  let r = 0;
  if (sk instanceof TcpSock) {
    if (sk.ss === SS_CONNECTING) sk.ss = sk.state === TCP_SYN_SENT || sk.state === TCP_CLOSE ? SS_DISCONNECTING : SS_CONNECTED;
    switch (sk.state) {
      case TCP_CLOSE:
        r = -U.ENOTCONN;
        sk.shutdown |= mode;
        break;
      case TCP_LISTEN:
        if (mode & RCV_SHUTDOWN) sk.disconnect();
        break;
      case TCP_SYN_SENT:
        sk.disconnect();
        sk.ss = SS_UNCONNECTED;
        break;
      default:
        sk.shutdown |= mode;
        if (mode & SEND_SHUTDOWN) sk.shutdownSend();
    }
    sk.stateChange();
    return r;
  }
  if (!sk.connected) r = -U.ENOTCONN;
  sk.shutdown |= mode;
  sk.wq.wakeUp(0, 0);
  return r;
}

/** FIONREAD: TCP's unread bytes (EINVAL on a listener), the size of UDP's next datagram. */
export function inq(f: InetSocketFile): number {
  const sk = f.sk;
  if (sk instanceof TcpSock) return sk.state === TCP_LISTEN ? -U.EINVAL : sk.rqBytes;
  return sk.inq;
}

