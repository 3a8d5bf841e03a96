// The socket calls (net/socket.c, net/unix/af_unix.c), written once for kernel.sys and
// threads (pause.ts). AF_UNIX SOCK_STREAM: socket, bind (path, abstract, autobind),
// listen, connect (sleeps while the listener's backlog is full), accept/accept4 (sleep for
// a connection), send/recv/sendto/recvfrom with their flags, getsockname/getpeername,
// setsockopt/getsockopt, ioctl(FIONREAD), and unlink of a socket's path.
import * as U from "../uapi.js";
import type { OpenFile } from "../kernel/file.js";
import { PipeFile } from "../files/pipe.js";
import { EpollFile } from "../files/epoll.js";
import { MemFdFile } from "../files/memfd.js";
import { SocketFile, UnixSock, RCV_SHUTDOWN, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, releaseSock } from "../files/socket.js";
import { dgramConnect, dgramSend } from "../files/unix-dgram.js";
import { attachedFds, recvScm } from "../files/unix-sock.js";
import { isU8, writableArray } from "../usermem.js";
import { isCInt, readUnixAddr, storeInetAddr, storeUnixAddr, type MsgHdr, type SockAddr } from "./args.js";
import { InetSocketFile } from "../files/inet-sock.js";
import * as I from "./inet.js";
import { blockingIo, brokenPipe, checkBuffer, dgramSendWait, sendRest, sigpipeAfter, sleepOn } from "./io.js";
import type { Body, Caller } from "./pause.js";

const AF_MAX = 46, SOCK_MAX = 11, SOCK_TYPE_MASK = 0xf, SOCK_RAW = 3, AF_UNSPEC = 0;
import { RMEM_MAX, SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, WMEM_MAX } from "./sockbuf.js";
const INT_MAX = 0x7fffffff;

/** sockfd_lookup: the socket behind `fd` (AF_UNIX or internet), or -EBADF / -ENOTSOCK. */
function sockFile(c: Caller, fd: number): SocketFile | InetSocketFile | number {
  const f = c.p.fdt.get(fd);
  if (!f) return -U.EBADF;
  return f instanceof SocketFile || f instanceof InetSocketFile ? f : -U.ENOTSOCK;
}

/** socket(2): AF_UNIX SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET (SOCK_RAW is taken as SOCK_DGRAM); `type` may add SOCK_NONBLOCK and SOCK_CLOEXEC. */
export function socket(c: Caller, domain: number, type: number, protocol: number): number {
  if (!isCInt(domain) || !isCInt(type) || !isCInt(protocol)) return -U.EINVAL; // MODEL: C has no non-integers
  const flags = type & ~SOCK_TYPE_MASK;
  if (flags & ~(U.O_CLOEXEC | U.O_NONBLOCK)) return -U.EINVAL;
  let t = type & SOCK_TYPE_MASK;
  if (domain < 0 || domain >= AF_MAX) return -U.EAFNOSUPPORT;
  if (t >= SOCK_MAX) return -U.EINVAL;
  if (domain === U.AF_INET || domain === U.AF_INET6) return I.inetSocket(c, domain, t, protocol, flags);
  // MODEL: the other families are not built into this kernel.
  if (domain !== U.AF_UNIX) return -U.EAFNOSUPPORT;
  if (protocol !== 0 && protocol !== U.AF_UNIX) return -U.EPROTONOSUPPORT;
  if (t === SOCK_RAW) t = U.SOCK_DGRAM; // unix_create: SOCK_RAW is taken as SOCK_DGRAM
  if (t !== U.SOCK_STREAM && t !== U.SOCK_DGRAM && t !== U.SOCK_SEQPACKET) return -U.ESOCKTNOSUPPORT;
  const p = c.p;
  if (p.fdt.findFree() < 0) return -U.EMFILE;
  const f = new SocketFile(new UnixSock(p.unixHost, t), flags & U.O_NONBLOCK);
  return p.fdt.install(p.track(f), (flags & U.O_CLOEXEC) !== 0);
}

/** bind(2): a path, an abstract name ("\0…") or "" (autobind: an abstract name is chosen). */
export function bind(c: Caller, fd: number, addr: SockAddr): number {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile) return I.bind(f, addr);
  const name = readUnixAddr(addr);
  if (typeof name === "number") return name;
  const sk = f.sock;
  const names = c.p.unixNames;
  if (name === "") {
    if (sk.addr === null) names.autobind(sk); // unix_autobind: a bound socket keeps its name (0)
    return 0;
  }
  if (name.startsWith("\0")) {
    if (sk.addr !== null) return -U.EINVAL;
    return names.bind(sk, name);
  }
  // unix_bind_bsd creates the socket file first: an existing path wins over "already bound".
  if (names.find(name, sk.type) !== -U.ENOENT) return -U.EADDRINUSE;
  if (sk.addr !== null) return -U.EINVAL;
  return names.bind(sk, name);
}

/** listen(2): backlogs above SOMAXCONN (or negative) are cut to SOMAXCONN. */
export function listen(c: Caller, fd: number, backlog: number): number {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile) return I.listen(f, backlog);
  if (!isCInt(backlog)) return -U.EINVAL; // MODEL: C has no non-integers
  if (backlog >>> 0 > U.SOMAXCONN) backlog = U.SOMAXCONN;
  const sk = f.sock;
  if (sk.type === U.SOCK_DGRAM) return -U.EOPNOTSUPP; // sock_no_listen
  if (sk.addr === null) return -U.EINVAL; // no listens on an unbound socket
  if (sk.state !== TCP_CLOSE && sk.state !== TCP_LISTEN) return -U.EINVAL;
  if (backlog > sk.maxAckBacklog) sk.peerWait.wakeUp(0, 0); // room for waiting connects
  sk.maxAckBacklog = backlog;
  sk.state = TCP_LISTEN;
  return 0;
}

/** connect(2): connected on return; sleeps (unless non-blocking: EAGAIN) while the backlog is full. */
export function connect(c: Caller, fd: number, addr: SockAddr): number | Body {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile) return I.connect(c, f, addr);
  if (f.sock.type === U.SOCK_DGRAM) return connectDgram(c, f.sock, addr);
  const name = readUnixAddr(addr);
  if (typeof name === "number") return name;
  if (name === "") return -U.EINVAL;
  const r = tryConnect(c, f.sock, name);
  if (r !== -U.EAGAIN || f.nonblock) return r;
  return connectWait(c, f, name);
}

/** unix_dgram_connect: a default peer (AF_UNSPEC: none), set at once; EPERM if it is connected elsewhere. */
function connectDgram(c: Caller, sk: UnixSock, addr: SockAddr): number {
  let family: unknown;
  try {
    family = addr !== null && typeof addr === "object" ? addr.family : undefined;
  } catch {
    return -U.EFAULT;
  }
  if (family === AF_UNSPEC) return dgramConnect(sk, null);
  const name = readUnixAddr(addr);
  if (typeof name === "number") return name;
  if (name === "") return -U.EINVAL;
  const other = lookup(c, sk, name);
  if (typeof other === "number") return other;
  return dgramConnect(sk, other);
}

/** unix_find_other for a socket of `sk`'s type: the socket, or -errno (a path to another type: EPROTOTYPE). */
function lookup(c: Caller, sk: UnixSock, name: string): UnixSock | number {
  const other = c.p.unixNames.find(name, sk.type);
  if (typeof other === "number") return other;
  return other.type !== sk.type ? -U.EPROTOTYPE : other;
}

/** unix_stream_connect's checks, in Linux's order, then the connection: 0, or -errno (-EAGAIN: backlog full). */
function tryConnect(c: Caller, sk: UnixSock, name: string): number {
  const other = lookup(c, sk, name);
  if (typeof other === "number") return other;
  if (other.state !== TCP_LISTEN || other.shutdown & RCV_SHUTDOWN) return -U.ECONNREFUSED;
  if (other.recvqFull) return -U.EAGAIN;
  if (sk.state === TCP_ESTABLISHED) return -U.EISCONN;
  if (sk.state !== TCP_CLOSE) return -U.EINVAL;
  // The server's end, queued on the listener until accept() takes it.
  const nsk = new UnixSock(c.p.unixHost, sk.type);
  nsk.state = TCP_ESTABLISHED;
  nsk.addr = other.addr; // an accepted socket has its listener's name (not owning it)
  nsk.peer = sk;
  sk.peer = nsk;
  sk.state = TCP_ESTABLISHED; // (no wakeup: unix_stream_connect changes the state silently)
  other.acceptq.push(nsk);
  other.dataReady();
  return 0;
}

/** unix_wait_for_peer: sleep on the listener's peer_wait (exclusive), then look up again. */
function* connectWait(c: Caller, f: SocketFile, name: string): Body {
  c.p.fget(f);
  try {
    for (;;) {
      const other = lookup(c, f.sock, name);
      if (typeof other === "number") return other;
      const r = yield* sleepOn(c, other.peerWait, true, "connect", () => other.recvqFull && !other.dead && !(other.shutdown & RCV_SHUTDOWN));
      if (r !== 0) return r;
      const res = tryConnect(c, f.sock, name);
      if (res !== -U.EAGAIN) return res;
    }
  } finally {
    c.p.fput(f);
  }
}

/** accept(2): accept4 with no flags. */
export function accept(c: Caller, fd: number, addrOut: SockAddr | null): number | Body {
  return accept4(c, fd, addrOut, 0);
}

/** accept4(2): the next connection as a new fd (flags SOCK_NONBLOCK, SOCK_CLOEXEC); `addrOut` gets the peer's address. */
export function accept4(c: Caller, fd: number, addrOut: SockAddr | null, flags: number): number | Body {
  // __sys_accept4: the fd, then the flags, then a free fd, then whether it is a socket.
  const file = c.p.fdt.get(fd);
  if (!file) return -U.EBADF;
  if (!isCInt(flags) || flags & ~(U.SOCK_CLOEXEC | U.SOCK_NONBLOCK)) return -U.EINVAL;
  if (c.p.fdt.findFree() < 0) return -U.EMFILE;
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile) return I.accept(c, f, addrOut, flags);
  const r = f.accept();
  if (r !== -U.EAGAIN || f.nonblock) return typeof r === "number" ? r : install(c, r, addrOut, flags);
  return acceptWait(c, f, addrOut, flags);
}

/** skb_recv_datagram's wait: exclusive on the listener's queue, so one sleeper per connection. */
function* acceptWait(c: Caller, f: SocketFile, addrOut: SockAddr | null, flags: number): Body {
  c.p.fget(f);
  try {
    for (;;) {
      const sk = f.sock;
      const r = yield* sleepOn(c, sk.wq, true, "accept", () => sk.state === TCP_LISTEN && sk.acceptq.length === 0);
      if (r !== 0) return r;
      const nsk = f.accept();
      if (typeof nsk !== "number") return install(c, nsk, addrOut, flags);
      if (nsk !== -U.EAGAIN) return nsk;
    }
  } finally {
    c.p.fput(f);
  }
}

/** The accepted socket's fd; if the peer's address cannot be stored, the connection is dropped (EFAULT), as Linux does. */
function install(c: Caller, nsk: UnixSock, addrOut: SockAddr | null, flags: number): number {
  if (addrOut !== null && addrOut !== undefined && !storeUnixAddr(addrOut, nsk.peer?.addr ?? null)) {
    releaseSock(nsk, false);
    return -U.EFAULT;
  }
  const p = c.p;
  return p.fdt.install(p.track(new SocketFile(nsk, flags & U.O_NONBLOCK)), (flags & U.O_CLOEXEC) !== 0);
}

/** getsockname(2): the socket's own name ("" while unbound). */
export function getsockname(c: Caller, fd: number, out: SockAddr): number {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile) return I.getsockname(f, out);
  return storeUnixAddr(out, f.sock.addr) ? 0 : -U.EFAULT;
}

/** getpeername(2): the peer's name; ENOTCONN without a peer. */
export function getpeername(c: Caller, fd: number, out: SockAddr): number {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (f instanceof InetSocketFile) return I.getpeername(f, out);
  const peer = f.sock.peer;
  if (!peer) return -U.ENOTCONN;
  return storeUnixAddr(out, peer.addr) ? 0 : -U.EFAULT;
}

/** send(2): write(2) with flags (MSG_DONTWAIT, MSG_NOSIGNAL). */
export function send(c: Caller, fd: number, buf: Uint8Array, len: number, flags: number): number | Body {
  return sendto(c, fd, buf, len, flags, null);
}

/** sendto(2): a stream socket refuses an address (EISCONN; EOPNOTSUPP unconnected); a datagram socket sends there. */
export function sendto(c: Caller, fd: number, buf: Uint8Array, len: number, flags: number, addr: SockAddr | null): number | Body {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  const bad = checkBuffer(buf, len) ?? checkFlags(flags, f);
  if (bad !== null) return bad;
  const data = len === buf?.byteLength ? buf : (buf ?? EMPTY).subarray(0, len);
  return pipeSignal(c, f, flags, f instanceof InetSocketFile ? I.send(c, f, fd, data, flags, addr, false) : sendWithFiles(c, f, fd, data, flags, addr, null));
}

/** A send that ends in -EPIPE on a stream raises SIGPIPE, unless MSG_NOSIGNAL. */
function pipeSignal(c: Caller, f: OpenFile, flags: number, r: number | Body): number | Body {
  const quiet = (flags & U.MSG_NOSIGNAL) !== 0;
  if (typeof r !== "number") return sigpipeAfter(c, f, r, quiet);
  return r === -U.EPIPE ? brokenPipe(c, f, r, quiet) : r;
}

/** recv(2): read(2) with flags (MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL). */
export function recv(c: Caller, fd: number, buf: Uint8Array, len: number, flags: number): number | Body {
  return recvfrom(c, fd, buf, len, flags, null);
}

/** recvfrom(2): `addrOut` gets the sender's address when data is read. */
export function recvfrom(c: Caller, fd: number, buf: Uint8Array, len: number, flags: number, addrOut: SockAddr | null): number | Body {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  const bad = checkBuffer(buf, len) ?? checkFlags(flags, f);
  if (bad !== null) return bad;
  if (f instanceof InetSocketFile) return inetRecvfrom(c, f, fd, buf ?? EMPTY, len, flags, addrOut);
  const dgram = f.sock.type !== U.SOCK_STREAM;
  // The sender's address: a stream's peer; a datagram's own sender (stored even for a
  // 0-byte datagram, which is still a message).
  const hadData = f.sock.recv.length > 0; // a stream names its peer when it reaches a message, even for 0 bytes
  const from = (n: number): number => {
    if (addrOut === null || addrOut === undefined || n < 0 || (n === 0 && !dgram && !hadData)) return n;
    const sender = dgram ? recvScm.from : f.sock.peer;
    if (dgram && !sender) return n;
    return storeUnixAddr(addrOut, sender?.addr ?? null) ? n : -U.EFAULT;
  };
  const r = receive(c, f, fd, buf, len, flags, false);
  return typeof r === "number" ? from(r) : mapBody(r, from);
}

/**
 * The receive of recv, recvfrom and recvmsg: one attempt, then (a blocking socket with
 * nothing) sleeps for data. MSG_WAITALL on a stream gathers all `len` bytes, unless end of
 * stream, an error, a signal or passed files end the read with what it has. `keepFiles`:
 * the caller takes passed files (recvmsg); the others close them (no room: MSG_CTRUNC).
 */
function receive(c: Caller, f: SocketFile, fd: number, buf: Uint8Array, len: number, flags: number, keepFiles: boolean): number | Body {
  const waitAll = f.sock.type === U.SOCK_STREAM && (flags & (U.MSG_WAITALL | U.MSG_PEEK)) === U.MSG_WAITALL;
  let done = 0;
  const attempt = (): number => {
    const n = f.recvmsg(done ? buf.subarray(done) : buf, len - done, flags);
    const gotFiles = recvScm.fds !== null;
    if (!keepFiles) f.dropPassedFiles();
    if (n > 0) done += n;
    if (n > 0 && waitAll && done < len && !gotFiles) return -U.EAGAIN;
    if (n === -U.EAGAIN) return -U.EAGAIN;
    return done || n;
  };
  const r = attempt();
  if (r !== -U.EAGAIN) return r;
  if (f.nonblock || flags & U.MSG_DONTWAIT) return done || r;
  return blockingIo(c, f, fd, "read", attempt, () => done);
}

/** A body whose result goes through `map`. */
function* mapBody(body: Body, map: (r: number) => number): Body {
  return map(yield* body);
}

function checkFlags(flags: number, f: SocketFile | InetSocketFile): number | null {
  if (!isCInt(flags)) return -U.EINVAL; // MODEL: C has no non-integers
  if (f instanceof InetSocketFile) return null; // the protocols check MSG_OOB (inet.ts)
  // MODEL: out-of-band data is not modelled. Other flag bits are ignored, as Linux ignores
  // those a protocol does not use (MSG_TRUNC on an AF_UNIX stream, MSG_NOSIGNAL while no
  // signal is ever raised).
  if (flags & U.MSG_OOB) return -U.EOPNOTSUPP;
  return null;
}

/** setsockopt(2) at SOL_SOCKET with an integer value. */
export function setsockopt(c: Caller, fd: number, level: number, name: number, value: number): number {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (!isCInt(level) || !isCInt(name)) return -U.EINVAL;
  if (f instanceof InetSocketFile) return I.setsockopt(f, level, name, value);
  if (level !== U.SOL_SOCKET) return -U.EOPNOTSUPP; // AF_UNIX has no protocol-level options
  if (!isCInt(value)) return -U.EINVAL; // an optval that is not a C int
  const sk = f.sock;
  switch (name) {
    case U.SO_REUSEPORT:
      if (value !== 0) return -U.EOPNOTSUPP; // sk_setsockopt: SO_REUSEPORT is for internet sockets
      sk.opts.set(name, 0);
      return 0;
    case U.SO_REUSEADDR:
    case U.SO_KEEPALIVE:
      sk.opts.set(name, value !== 0 ? 1 : 0);
      return 0;
    case U.SO_RCVLOWAT:
      sk.opts.set(name, value < 0 ? INT_MAX : value || 1);
      return 0;
    case U.SO_SNDBUF:
      sk.sndbuf = Math.max(Math.min(value >>> 0, WMEM_MAX) * 2, SOCK_MIN_SNDBUF);
      sk.wfree(0); // sk_write_space: a larger buffer may make room
      return 0;
    case U.SO_RCVBUF:
      sk.rcvbuf = Math.max(Math.min(value >>> 0, RMEM_MAX) * 2, SOCK_MIN_RCVBUF);
      return 0;
    default:
      return -U.ENOPROTOOPT;
  }
}

/** getsockopt(2) at SOL_SOCKET: the value goes into out[0]. */
export function getsockopt(c: Caller, fd: number, level: number, name: number, out: number[]): number {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  if (!isCInt(level) || !isCInt(name)) return -U.EINVAL;
  if (f instanceof InetSocketFile) {
    const err = f.sk.err;
    const v = I.getsockopt(f, level, name);
    if (v < 0) return v;
    if (store0(out, v)) return 0;
    if (level === U.SOL_SOCKET && name === U.SO_ERROR) f.sk.err = err; // not read: not cleared
    return -U.EFAULT;
  }
  if (level !== U.SOL_SOCKET) return -U.EOPNOTSUPP;
  const sk = f.sock;
  let v: number;
  switch (name) {
    case U.SO_TYPE: v = sk.type; break;
    case U.SO_ERROR: v = sk.err; break;
    case U.SO_SNDBUF: v = sk.sndbuf; break;
    case U.SO_RCVBUF: v = sk.rcvbuf; break;
    case U.SO_ACCEPTCONN: v = sk.state === TCP_LISTEN ? 1 : 0; break;
    case U.SO_REUSEADDR: case U.SO_KEEPALIVE: case U.SO_REUSEPORT: v = sk.opts.get(name) ?? 0; break;
    case U.SO_RCVLOWAT: v = sk.opts.get(name) ?? 1; break;
    case U.SO_DOMAIN: v = U.AF_UNIX; break;
    case U.SO_PROTOCOL: v = 0; break;
    default: return -U.ENOPROTOOPT;
  }
  if (!store0(out, v)) return -U.EFAULT;
  if (name === U.SO_ERROR) sk.err = 0; // sock_error: reading the error clears it
  return 0;
}

/**
 * ioctl(2) FIONREAD: bytes to read on a socket (EINVAL on a listener), a pipe, or a memfd
 * (size - position, as any regular file); an epoll fd answers every request EINVAL
 * (ep_eventpoll_ioctl), the other files ENOTTY.
 */
export function ioctl(c: Caller, fd: number, request: number, out: number[]): number {
  const f: OpenFile | undefined = c.p.fdt.get(fd);
  if (!f) return -U.EBADF;
  if (f instanceof EpollFile) return -U.EINVAL;
  if (request !== U.FIONREAD) return -U.ENOTTY; // MODEL: no other ioctl is modelled
  let v: number;
  if (f instanceof SocketFile) {
    if (f.sock.state === TCP_LISTEN) return -U.EINVAL;
    v = f.inq;
  } else if (f instanceof InetSocketFile) {
    v = I.inq(f);
    if (v < 0) return v;
  } else if (f instanceof PipeFile) v = f.pipe.size;
  else if (f instanceof MemFdFile) v = f.remaining;
  else return -U.ENOTTY;
  return store0(out, v) ? 0 : -U.EFAULT;
}

/** unlink(2) of a bound socket's path: 0, or -ENOENT. */
export function unlink(c: Caller, path: string): number {
  if (typeof path !== "string") return -U.EFAULT;
  if (path === "" || path.includes("\0")) return -U.ENOENT;
  return c.p.unixNames.unlink(path);
}

function store0(out: unknown, v: number): boolean {
  if (!writableArray(out)) return false;
  try {
    out[0] = v;
    return true;
  } catch {
    return false;
  }
}

/** The parts of a msghdr a call reads: its buffers (one byte count) and, for sendmsg, name and rights. */
function readMsg(msg: unknown, withRights: boolean): { iov: Uint8Array[]; total: number; name: unknown; rights: number[] | null } | number {
  if (msg === null || typeof msg !== "object") return -U.EFAULT;
  let iov: unknown, name: unknown, rights: unknown;
  try {
    ({ iov, name, rights } = msg as MsgHdr);
    if (!Array.isArray(iov)) return -U.EFAULT;
    const bufs: Uint8Array[] = [];
    let total = 0;
    for (const b of iov) {
      if (!isU8(b)) return -U.EFAULT;
      bufs.push(b);
      total += b.byteLength;
    }
    let fds: number[] | null = null;
    if (withRights && rights !== undefined && rights !== null) {
      if (!Array.isArray(rights)) return -U.EFAULT;
      fds = [];
      for (const fd of rights) {
        if (!isCInt(fd)) return -U.EFAULT;
        fds.push(fd);
      }
    }
    return { iov: bufs, total, name, rights: fds };
  } catch {
    return -U.EFAULT; // a getter or trap that throws: the msghdr cannot be read
  }
}

/**
 * sendmsg(2): the bytes of msg.iov in order, to msg.name (a datagram socket) or the peer;
 * msg.rights passes those fds' files (SCM_RIGHTS: EBADF for one not open, EINVAL for more
 * than SCM_MAX_FD). The receiver gets new fds for them; until then they are in flight,
 * and their epoll registrations stay as long as the file lives.
 */
export function sendmsg(c: Caller, fd: number, msg: MsgHdr, flags: number): number | Body {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  const m = readMsg(msg, true);
  if (typeof m === "number") return m;
  const bad = checkFlags(flags, f);
  if (bad !== null) return bad;
  if (f instanceof InetSocketFile) return pipeSignal(c, f, flags, I.send(c, f, fd, gather(m.iov, m.total), flags, m.name as SockAddr | null | undefined, (m.rights?.length ?? 0) > 0));
  // A seqpacket socket checks its error and connection before the control data
  // (unix_seqpacket_sendmsg); the others parse it first (scm_send).
  const sk = f.sock;
  if (sk.type === U.SOCK_SEQPACKET) {
    if (sk.err) {
      const e = sk.err;
      sk.err = 0;
      return -e;
    }
    if (sk.state !== TCP_ESTABLISHED) return -U.ENOTCONN;
  }
  // __scm_send / scm_fp_copy: every fd must be open; at most SCM_MAX_FD of them.
  let files: OpenFile[] | null = null;
  if (m.rights && m.rights.length) {
    if (m.rights.length > U.SCM_MAX_FD) return -U.EINVAL;
    files = [];
    for (const rfd of m.rights) {
      const file = c.p.fdt.get(rfd);
      if (!file) return -U.EBADF;
      files.push(file);
    }
  }
  const buf = gather(m.iov, m.total);
  if (files) for (const file of files) c.p.fget(file); // in flight: one reference each
  const r = sendWithFiles(c, f, fd, buf, flags, m.name as SockAddr | null | undefined, files);
  return pipeSignal(c, f, flags, typeof r === "number" ? settle(c, r, files) : settleBody(c, r, files));
}

const EMPTY = new Uint8Array(0);

/** The bytes of an iov, in order. */
function gather(iov: Uint8Array[], total: number): Uint8Array {
  const buf = new Uint8Array(total);
  let at = 0;
  for (const b of iov) {
    buf.set(b, at);
    at += b.byteLength;
  }
  return buf;
}

/** recvfrom on an internet socket: `addrOut` gets a datagram's sender (TCP leaves it alone: no name). */
function inetRecvfrom(c: Caller, f: InetSocketFile, fd: number, buf: Uint8Array, len: number, flags: number, addrOut: SockAddr | null): number | Body {
  const info: I.InetRecvInfo = { fromIp: "", fromPort: 0, trunc: false };
  const from = (n: number): number => {
    if (n < 0 || addrOut === null || addrOut === undefined || !info.fromIp) return n;
    return storeInetAddr(addrOut, f.sk.family, info.fromIp, info.fromPort) ? n : -U.EFAULT;
  };
  const r = I.receive(c, f, fd, buf, len, flags, info);
  return typeof r === "number" ? from(r) : mapBody(r, from);
}

/** The send of sendto and sendmsg: all of `buf`; `files` (SCM_RIGHTS) go with the first skb. */
function sendWithFiles(c: Caller, f: SocketFile, fd: number, buf: Uint8Array, flags: number, addr: SockAddr | null | undefined, files: OpenFile[] | null): number | Body {
  const sk = f.sock;
  const len = buf.byteLength;
  const nonblock = f.nonblock || (flags & U.MSG_DONTWAIT) !== 0;
  if (sk.type !== U.SOCK_STREAM) {
    let name: string | null = null;
    if (addr !== null && addr !== undefined && sk.type === U.SOCK_DGRAM) {
      const n = readUnixAddr(addr);
      if (typeof n === "number") return n;
      if (n === "") return -U.EINVAL;
      name = n;
    }
    const attempt = () => dgramSend(sk, buf, len, name === null ? null : 0, name === null ? null : () => lookup(c, sk, name!), files);
    const r = attempt();
    if (r !== -U.EAGAIN || nonblock) return r;
    return dgramSendWait(c, f, attempt);
  }
  if (addr !== null && addr !== undefined) {
    // unix_stream_sendmsg refuses any name without reading it (only its copy can fault).
    if (typeof addr !== "object") return -U.EFAULT;
    return sk.state === TCP_ESTABLISHED ? -U.EISCONN : -U.EOPNOTSUPP;
  }
  const r = f.sendmsg(buf, len, files);
  if (nonblock || (r < 0 && r !== -U.EAGAIN) || r === len) return r;
  return sendRest(c, f, fd, len, Math.max(r, 0), (at, n) => f.sendmsg(buf.subarray(at), n, at === 0 ? files : null));
}

/** Files that did not go with an skb lose their in-flight reference. */
function settle(c: Caller, r: number, files: OpenFile[] | null): number {
  if (files && !attachedFds.has(files)) for (const file of files) c.p.fput(file);
  return r;
}
function* settleBody(c: Caller, body: Body, files: OpenFile[] | null): Body {
  return settle(c, yield* body, files);
}

/**
 * recvmsg(2): fills msg.iov in order; msg.rights gets the fds installed for files passed
 * with SCM_RIGHTS (MSG_CMSG_CLOEXEC: close-on-exec), msg.flags MSG_TRUNC / MSG_CTRUNC,
 * msg.name (when given) the sender's address.
 */
export function recvmsg(c: Caller, fd: number, msg: MsgHdr, flags: number): number | Body {
  const f = sockFile(c, fd);
  if (typeof f === "number") return f;
  const m = readMsg(msg, false);
  if (typeof m === "number") return m;
  const bad = checkFlags(flags, f);
  if (bad !== null) return bad;
  const tmp = new Uint8Array(m.total);
  if (f instanceof InetSocketFile) return inetRecvmsg(c, f, fd, msg, m.iov, tmp, flags & ~U.MSG_CMSG_CLOEXEC);
  const cloexec = (flags & U.MSG_CMSG_CLOEXEC) !== 0;
  const rflags = flags & ~U.MSG_CMSG_CLOEXEC;
  const finish = (r: number): number => (r < 0 ? r : deliverMsg(c, f, msg, m.iov, tmp, r, cloexec));
  const r = receive(c, f, fd, tmp, m.total, rflags, true);
  return typeof r === "number" ? finish(r) : mapBody(r, finish);
}

/** recvmsg on an internet socket: the bytes into the iov, msg.flags MSG_TRUNC for a cut datagram, msg.name its sender. */
function inetRecvmsg(c: Caller, f: InetSocketFile, fd: number, msg: MsgHdr, iov: Uint8Array[], tmp: Uint8Array, flags: number): number | Body {
  const info: I.InetRecvInfo = { fromIp: "", fromPort: 0, trunc: false };
  const finish = (r: number): number => {
    if (r < 0) return r;
    scatter(iov, tmp, Math.min(r, tmp.byteLength));
    try {
      msg.rights = [];
      msg.flags = info.trunc ? U.MSG_TRUNC : 0;
      if (msg.name !== null && msg.name !== undefined && info.fromIp) storeInetAddr(msg.name, f.sk.family, info.fromIp, info.fromPort);
    } catch {
      return -U.EFAULT;
    }
    return r;
  };
  const r = I.receive(c, f, fd, tmp, tmp.byteLength, flags, info);
  return typeof r === "number" ? finish(r) : mapBody(r, finish);
}

/** Copies `n` bytes of `tmp` into the iov's buffers in order. */
function scatter(iov: Uint8Array[], tmp: Uint8Array, n: number): void {
  let at = 0;
  for (const b of iov) {
    const k = Math.min(n - at, b.byteLength);
    if (k <= 0) break;
    b.set(tmp.subarray(at, at + k), 0);
    at += k;
  }
}

/** The copy-out of recvmsg: the bytes into the iov, the passed files into the fd table, the flags. */
function deliverMsg(c: Caller, f: SocketFile, msg: MsgHdr, iov: Uint8Array[], tmp: Uint8Array, r: number, cloexec: boolean): number {
  const files = recvScm.fds;
  recvScm.fds = null;
  const from = recvScm.from ?? (f.sock.type === U.SOCK_STREAM ? f.sock.peer : null);
  let mflags = recvScm.trunc ? U.MSG_TRUNC : 0;
  scatter(iov, tmp, Math.min(r, tmp.byteLength));
  // scm_detach_fds: each file gets the lowest free fd; when the table is full the rest are
  // dropped and MSG_CTRUNC tells.
  const fds: number[] = [];
  if (files) {
    for (const file of files) {
      const nfd = mflags & U.MSG_CTRUNC ? -1 : c.p.fdt.install(file, cloexec);
      if (nfd < 0) mflags |= U.MSG_CTRUNC;
      else fds.push(nfd);
      c.p.fput(file); // the in-flight reference; the fd holds its own now
    }
  }
  try {
    msg.rights = fds;
    msg.flags = mflags;
    if (msg.name !== null && msg.name !== undefined && from) storeUnixAddr(msg.name, from.addr);
  } catch {
    for (const nfd of fds) c.p.fdt.close(nfd);
    return -U.EFAULT;
  }
  return r;
}
