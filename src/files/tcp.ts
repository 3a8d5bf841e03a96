// TCP on the loopback network (net/ipv4/tcp*.c, inet_connection_sock.c, af_inet.c): the
// connection state machine as a user sees it through poll, read, write, connect and close.
//
// Two connected sockets point at each other. A write queues bytes on the sender (its send
// queue, charged against sk_sndbuf) and pushes what the receiver's window takes into the
// receiver's queue at once — loopback delivers and acknowledges before the call returns
// (inet-net.ts) — so the send queue holds only what a full receiver has not taken. A read
// reopens the window and pulls more. FIN travels behind the data; RST at once.
//
// Wakeups and their keys, as Linux's: data arriving wakes readers with IN|PRI|RDNORM|RDBAND
// (sock_def_readable, only once SO_RCVLOWAT bytes wait); send space wakes writers with
// OUT|WRNORM|WRBAND only if a writer found the socket full since (SOCK_NOSPACE, as
// tcp_check_space), so an edge-triggered EPOLLOUT watcher is not woken by every
// acknowledgement; state changes wake everybody without a key (sock_def_wakeup); an error
// also wakes with EPOLLERR (sk_error_report); a connection queued on a listener wakes one
// exclusive waiter.
//
// MODEL: buffer sizes are Linux's defaults on loopback (sk_sndbuf 16384 before a connection,
// 3939840 once established — tcp_sndbuf_expand for lo's 64 KiB segments; sk_rcvbuf 131072)
// but counted in payload bytes, and the receive window is the receiver's whole sk_rcvbuf
// reopened by every read: the point where a never-reading peer makes write() return EAGAIN
// is within a few per cent of Linux's (≈ 4.0 MB here, 3.91 + 0.11 MB measured), not exact.
// Receive-buffer autotuning is not modelled.
import { EAGAIN, ECONNREFUSED, ECONNRESET, ENOTCONN, EPIPE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWRBAND, EPOLLWRNORM, ETIMEDOUT, MSG_PEEK, MSG_TRUNC } from "../uapi.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { Timer } from "../kernel/timers.js";
import { copyBytes } from "../kernel/copy.js";
import { V4_ANY, V6_ANY, addrMatches, isV4, type Ip } from "./inet-addr.js";
import type { InetNet } from "./inet-net.js";
import type { PortHolder } from "./inet-ports.js";

/** sk_state values (include/net/tcp_states.h). */
export const TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_FIN_WAIT1 = 4, TCP_FIN_WAIT2 = 5, TCP_TIME_WAIT = 6, TCP_CLOSE = 7, TCP_CLOSE_WAIT = 8, TCP_LAST_ACK = 9, TCP_LISTEN = 10, TCP_CLOSING = 11;
/** socket->state (SS_*): what connect(2) remembers between calls. */
export const SS_UNCONNECTED = 1, SS_CONNECTING = 2, SS_CONNECTED = 3, SS_DISCONNECTING = 4;

const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
/** tcp_wmem[1] and tcp_rmem[1]: a socket's buffers before a connection. */
export const TCP_SNDBUF_INIT = 16384, TCP_RCVBUF_INIT = 131072;
/** sk_sndbuf after tcp_init_buffer_space on lo (measured on Linux 6.18). */
export const TCP_SNDBUF_CONNECTED = 3939840;
const SEC = 1000000000n;
/** TCP_TIMEOUT_INIT: the first SYN retransmission after 1 s, then doubling. */
const SYN_RTO = SEC;
/** net.ipv4.tcp_syn_retries. */
const SYN_RETRIES = 6;
/** TCP_TIMEWAIT_LEN, and tcp_fin_timeout for an orphan in FIN_WAIT2. */
const TIMEWAIT_LEN = 60n * SEC;

const IN_KEY = EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND;
const OUT_KEY = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;

/**
 * A TIME_WAIT remnant (inet_timewait_sock): holds the port of a connection this side closed
 * first for 60 s. In its FIN_WAIT2 stage (an orphan whose peer has not closed yet) data from
 * the peer is answered with a reset, a FIN moves it to TIME_WAIT.
 */
export class TimeWait implements PortHolder {
  localIp: Ip;
  localPort: number;
  readonly reuse: boolean;
  readonly reuseport: boolean;
  readonly v6only: boolean;
  readonly listening = false;
  hashed = false;
  finWait2: boolean;
  private readonly timer: Timer;
  constructor(sk: TcpSock, finWait2: boolean) {
    this.localIp = sk.localIp;
    this.localPort = sk.localPort;
    this.reuse = sk.reuse;
    this.reuseport = sk.reuseport;
    this.v6only = sk.v6only;
    this.finWait2 = finWait2;
    this.net = sk.net;
    this.timer = new Timer(() => this.kill());
    this.net.tcp.add(this, this.localIp, this.localPort);
    this.arm();
  }
  private readonly net: InetNet;
  arm(): void {
    this.net.timers.arm(this.timer, this.net.clock.now() + TIMEWAIT_LEN);
  }
  kill(): void {
    this.net.timers.cancel(this.timer);
    this.net.tcp.remove(this);
  }
}

export type TcpPeer = TcpSock | TimeWait;

export class TcpSock implements PortHolder {
  localIp: Ip;
  localPort = 0;
  /** The port is in the table (inet_num set); `localPort` may outlive it (inet_sport). */
  hashed = false;
  remoteIp: Ip = "";
  remotePort = 0;
  state = TCP_CLOSE;
  /** socket->state: SS_CONNECTING from a connect() until a connect() sees it done. */
  ss = SS_UNCONNECTED;
  peer: TcpPeer | null = null;
  /** Bytes to read, in arrival order; `rqOff` into the first. */
  readonly rq: Uint8Array[] = [];
  rqOff = 0;
  rqBytes = 0;
  /** Bytes written that the peer's window has not taken yet. */
  readonly sq: Uint8Array[] = [];
  sqBytes = 0;
  /** Our FIN waits behind the send queue. */
  finQueued = false;
  shutdown = 0;
  err = 0;
  /** SOCK_DONE: the peer's FIN arrived (reads return 0 before a later error). */
  done = false;
  /** SOCK_DEAD: closed by the user; lives on until the connection ends. */
  orphan = false;
  /** A listener's established connections not yet accepted. */
  readonly acceptq: TcpSock[] = [];
  maxAckBacklog = 0;
  reuse = false;
  reuseport = false;
  v6only = false;
  keepalive = 0;
  nodelay = 0;
  rcvlowat = 1;
  sndbuf = TCP_SNDBUF_INIT;
  rcvbuf = TCP_RCVBUF_INIT;
  /** SOCK_SNDBUF_LOCK: SO_SNDBUF was set, the buffer is not grown on connect. */
  sndbufLocked = false;
  /** SOCK_BINDPORT_LOCK: bind() chose the port; it is kept when the connection closes. */
  bindLocked = false;
  /** SOCK_BINDADDR_LOCK: bind() chose the address; a disconnect keeps it. */
  addrLocked = false;
  /** connect() chose the port (inet-ports.ts: shared with other destinations' connects). */
  connectBound = false;
  /**
   * The socket began a connect, or listened, once: Linux 6.18 then refuses the other for
   * good (listen after any connect attempt, connect after listening: EINVAL, even once
   * disconnected — observed; the model records the fact rather than the cause).
   */
  everConnected = false;
  everListened = false;
  /** SOCK_NOSPACE: a writer found no room; the next freed space wakes writers. */
  nospace = false;
  readonly wq = new WaitQueueHead();
  /** A connect waiting for room in a full listener's backlog: SYN retransmissions. */
  private syn: { timer: Timer; tries: number; rto: bigint } | null = null;

  constructor(
    readonly net: InetNet,
    /** AF_INET or AF_INET6. */
    readonly family: number
  ) {
    this.localIp = family === 2 ? V4_ANY : V6_ANY;
  }

  get listening(): boolean {
    return this.state === TCP_LISTEN;
  }

  /** tcp_stream_memory_free: room to queue another byte. */
  get memoryFree(): boolean {
    return this.sqBytes < this.sndbuf;
  }

  /** __sk_stream_is_writeable: free space at least half of what is queued. */
  get writeable(): boolean {
    return this.sndbuf - this.sqBytes >= this.sqBytes >> 1;
  }

  /** tcp_poll. */
  pollMask(): number {
    const state = this.state;
    if (state === TCP_LISTEN) return this.acceptq.length ? EPOLLIN | EPOLLRDNORM : 0; // inet_csk_listen_poll
    let mask = 0;
    const shut = this.shutdown;
    if (shut === SHUTDOWN_MASK || state === TCP_CLOSE) mask |= EPOLLHUP;
    if (shut & RCV_SHUTDOWN) mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
    if (state !== TCP_SYN_SENT) {
      if (this.rqBytes > 0 && this.rqBytes >= this.rcvlowat) mask |= EPOLLIN | EPOLLRDNORM;
      if (shut & SEND_SHUTDOWN || this.writeable) mask |= EPOLLOUT | EPOLLWRNORM;
      else this.nospace = true;
    }
    if (this.err) mask |= EPOLLERR;
    return mask;
  }

  /** sock_def_wakeup. */
  stateChange(): void {
    if (!this.orphan) this.wq.wakeUp(0, 0);
  }

  /** sock_error: the pending error, cleared (0 if none). */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  // ---- the wire (loopback): what arrives at a socket ----

  /**
   * The window reopened or data was queued: move what `to` can take of our send queue into
   * its receive queue, then the FIN behind it. Acknowledged at once: the space comes back.
   */
  push(): void {
    const to = this.peer;
    if (!to) return;
    if (to instanceof TimeWait) {
      if (this.sqBytes) return this.resetBy(to);
      if (this.finQueued) this.finTo(to);
      return;
    }
    if (this.sqBytes) {
      // A socket closing with its read side shut (an orphan, or after SHUT_RDWR) answers new
      // data by resetting itself and us (tcp_rcv_state_process in FIN_WAIT1/2).
      if ((to.state === TCP_FIN_WAIT1 || to.state === TCP_FIN_WAIT2) && to.shutdown & RCV_SHUTDOWN) {
        to.peer = null;
        this.peer = null;
        to.receiveReset();
        this.receiveReset();
        return;
      }
      let room = this.held ? Math.min(this.movable, to.rcvbuf - to.rqBytes) : to.rcvbuf - to.rqBytes;
      let moved = 0;
      while (room > 0 && this.sq.length) {
        const b = this.sq[0];
        const n = Math.min(room, b.length);
        to.rq.push(n === b.length ? b : b.subarray(0, n));
        if (n === b.length) this.sq.shift();
        else this.sq[0] = b.subarray(n);
        room -= n;
        moved += n;
      }
      if (!moved) return;
      if (this.held) this.movable -= moved;
      this.sqBytes -= moved;
      to.rqBytes += moved;
      // tcp_data_ready: readers are woken once SO_RCVLOWAT bytes wait.
      if (to.rqBytes >= to.rcvlowat) to.wq.wakeUp(IN_KEY, 1);
      this.spaceFreed();
    }
    if (!this.sqBytes && this.finQueued) this.finTo(to);
  }

  /** tcp_check_space: acknowledged bytes left the send queue. */
  private spaceFreed(): void {
    if (!this.nospace || !this.writeable) return;
    this.nospace = false;
    if (!this.orphan) this.wq.wakeUp(OUT_KEY, 1);
  }

  /** Our FIN (behind all data) reaches `to`, which acknowledges it. */
  private finTo(to: TcpPeer): void {
    this.finQueued = false;
    if (to instanceof TimeWait) {
      if (to.finWait2) {
        to.finWait2 = false;
        to.arm(); // TIME_WAIT proper: 60 s from now
      }
    } else to.finArrived();
    this.finAcked();
  }

  /** tcp_fin: the peer's FIN arrived. */
  private finArrived(): void {
    this.shutdown |= RCV_SHUTDOWN;
    this.done = true;
    switch (this.state) {
      case TCP_ESTABLISHED:
        this.state = TCP_CLOSE_WAIT;
        break;
      case TCP_FIN_WAIT1:
        this.state = TCP_CLOSING; // both sides closing: ours is acknowledged next
        break;
      case TCP_FIN_WAIT2:
        this.enterTimeWait();
        return;
    }
    this.stateChange();
  }

  /** Our FIN was acknowledged. */
  private finAcked(): void {
    switch (this.state) {
      case TCP_FIN_WAIT1:
        this.state = TCP_FIN_WAIT2;
        this.shutdown |= SEND_SHUTDOWN;
        if (this.orphan) {
          // tcp_close: an orphan in FIN_WAIT2 becomes a remnant for tcp_fin_timeout (60 s).
          this.becomeRemnant(true);
          return;
        }
        this.stateChange();
        break;
      case TCP_CLOSING:
        this.enterTimeWait();
        break;
      case TCP_LAST_ACK:
        this.closeDone();
        break;
    }
  }

  /** tcp_time_wait: a remnant holds the port; this socket is done (CLOSE). */
  private enterTimeWait(): void {
    this.becomeRemnant(false);
  }

  private becomeRemnant(finWait2: boolean): void {
    const tw = new TimeWait(this, finWait2);
    const p = this.peer;
    if (p instanceof TcpSock && p.peer === this) p.peer = tw;
    this.peer = null;
    this.bindLocked = false; // the remnant has the port now
    this.closeDone();
  }

  /** tcp_done: CLOSE, both directions shut; an orphan is destroyed, others are woken. */
  private closeDone(): void {
    this.setClosed();
    this.shutdown = SHUTDOWN_MASK;
    this.cancelSyn();
    this.stateChange();
  }

  /** tcp_set_state(TCP_CLOSE): the port goes unless bind() chose it (SOCK_BINDPORT_LOCK). */
  private setClosed(): void {
    this.state = TCP_CLOSE;
    if (this.orphan || !this.bindLocked) this.unhash();
  }

  /**
   * inet_put_port: the port goes back to the table (inet_num = 0). getsockname still shows
   * it (inet_sport stays) until a bind or connect takes another.
   */
  unhash(): void {
    if (this.hashed) this.net.tcp.remove(this);
    this.hashed = false;
    this.connectBound = false;
  }

  /** tcp_send_active_reset: the peer is reset; the link is cut. */
  sendReset(): void {
    const p = this.peer;
    this.peer = null;
    if (p === this) return; // a socket connected to itself is the one closing
    if (p instanceof TcpSock) {
      p.peer = null;
      p.receiveReset();
    } else if (p instanceof TimeWait) p.kill();
  }

  /** Our data reached a remnant: it answers with a reset and is gone. */
  private resetBy(tw: TimeWait): void {
    tw.kill();
    this.peer = null;
    this.receiveReset();
  }

  /** tcp_reset: the error by state, the send queue dropped, CLOSE; then the error report. */
  receiveReset(): void {
    this.peer = null;
    let e: number;
    switch (this.state) {
      case TCP_SYN_SENT: e = ECONNREFUSED; break;
      case TCP_CLOSE_WAIT: e = EPIPE; break;
      case TCP_CLOSE: return;
      default: e = ECONNRESET;
    }
    this.err = e;
    this.sq.length = 0;
    this.sqBytes = 0;
    this.finQueued = false;
    this.closeDone();
    if (!this.orphan) this.wq.wakeUp(EPOLLERR, 1);
  }

  // ---- what the user does ----

  /**
   * tcp_sendmsg: bytes queued (and pushed), or -errno: -EAGAIN when the send buffer is full
   * or the connection is still being made (the caller may sleep), -EPIPE when it cannot send
   * (the caller raises SIGPIPE where signals exist), a pending error once.
   */
  send(buf: Uint8Array, count: number): number {
    const bad = this.sendCheck();
    if (bad) return bad;
    if (count === 0) return 0;
    let copied = 0;
    while (copied < count) {
      if (!this.memoryFree) {
        this.nospace = true;
        break;
      }
      const n = Math.min(count - copied, this.sndbuf - this.sqBytes);
      this.sq.push(buf.slice(copied, copied + n));
      this.sqBytes += n;
      copied += n;
      this.push();
      if (!this.peer || this.err) break; // reset by what we sent
    }
    return copied || (this.err ? -this.takeError() : -EAGAIN);
  }

  /**
   * The testing toolkit's split fault: while set, only the first `movable` bytes of the send
   * queue may reach the peer (the rest of a send is still in flight; bytes queued behind it
   * wait too, so the stream keeps its order).
   */
  held = false;
  movable = 0;

  /** Whether a send of `len` bytes would be taken whole now (connected, no error, room in the send buffer). */
  takesWhole(len: number): boolean {
    return (this.state === TCP_ESTABLISHED || this.state === TCP_CLOSE_WAIT) && !this.err && !(this.shutdown & SEND_SHUTDOWN) && this.peer !== null && this.sndbuf - this.sqBytes >= len;
  }

  /** tcp_sendmsg's checks before any byte: 0 when the socket can send, else -errno. */
  sendCheck(): number {
    if (this.state !== TCP_ESTABLISHED && this.state !== TCP_CLOSE_WAIT) {
      // sk_stream_wait_connect
      if (this.err) return -this.takeError();
      if (this.state !== TCP_SYN_SENT) return -EPIPE;
      return -EAGAIN;
    }
    if (this.err || this.shutdown & SEND_SHUTDOWN) return -(this.takeError() || EPIPE);
    return 0;
  }

  /**
   * tcp_recvmsg, one pass: bytes copied (MSG_PEEK: left queued; MSG_TRUNC: dropped, not
   * copied), 0 at end of stream, or -errno (-EAGAIN: nothing yet, the caller may wait).
   */
  recv(buf: Uint8Array, count: number, flags: number): number {
    if (this.state === TCP_LISTEN) return -ENOTCONN;
    const peek = (flags & MSG_PEEK) !== 0;
    const trunc = (flags & MSG_TRUNC) !== 0;
    let copied = 0;
    let i = 0, off = this.rqOff;
    while (copied < count && i < this.rq.length) {
      const b = this.rq[i];
      const n = Math.min(b.length - off, count - copied);
      if (!trunc) copyBytes(buf, copied, b, off, n);
      copied += n;
      off += n;
      if (off === b.length) {
        i++;
        off = 0;
      }
    }
    if (!peek && copied) {
      this.rq.splice(0, i);
      this.rqOff = off;
      this.rqBytes -= copied;
      // tcp_cleanup_rbuf: the window opened; the peer sends more at once.
      if (this.peer instanceof TcpSock) this.peer.push();
    }
    if (copied || count === 0 && this.rqBytes) return copied;
    if (this.done) return 0;
    if (this.err) return -this.takeError();
    if (this.shutdown & RCV_SHUTDOWN) return 0;
    if (this.state === TCP_CLOSE) return -ENOTCONN;
    return -EAGAIN;
  }

  /** Whether a read that has `copied` bytes must stop now rather than wait for more. */
  readEnds(): boolean {
    return this.err !== 0 || this.state === TCP_CLOSE || (this.shutdown & RCV_SHUTDOWN) !== 0;
  }

  /** tcp_shutdown, after inet_shutdown set the bits: SHUT_WR sends a FIN behind the data. */
  shutdownSend(): void {
    switch (this.state) {
      case TCP_ESTABLISHED:
        this.state = TCP_FIN_WAIT1;
        break;
      case TCP_CLOSE_WAIT:
        this.state = TCP_LAST_ACK;
        break;
      default:
        return;
    }
    this.finQueued = true;
    this.push();
  }

  /** tcp_close: the user's last reference went. */
  close(): void {
    this.shutdown = SHUTDOWN_MASK;
    this.orphan = true;
    this.cancelSyn();
    if (this.state === TCP_LISTEN) return this.disconnect();
    const unread = this.rqBytes > 0;
    this.rq.length = 0;
    this.rqBytes = 0;
    if (this.state === TCP_CLOSE) return this.setClosed();
    if (unread) {
      // Unread data was tossed: the connection is reset, not closed.
      this.setClosed();
      this.sendReset();
      return;
    }
    if (this.state === TCP_SYN_SENT) return this.setClosed();
    if (this.state === TCP_ESTABLISHED || this.state === TCP_CLOSE_WAIT) this.shutdownSend();
    else if (this.state === TCP_FIN_WAIT2) this.becomeRemnant(true);
  }

  /**
   * tcp_disconnect (connect(AF_UNSPEC), shutdown of a connecting socket or a listener, a
   * failed connect, a listener's unaccepted connection): a live connection is reset (and
   * ECONNRESET left here), queues dropped, shutdown and end-of-stream forgotten — the
   * socket can connect again.
   */
  disconnect(): void {
    const old = this.state;
    this.cancelSyn();
    if (old === TCP_LISTEN) {
      this.setClosed();
      // inet_csk_listen_stop: connections nobody accepted are reset.
      for (const child of this.acceptq.splice(0)) {
        child.orphan = true;
        child.disconnect();
      }
    } else {
      if (old !== TCP_CLOSE) this.setClosed();
      if (old === TCP_ESTABLISHED || old === TCP_CLOSE_WAIT || old === TCP_FIN_WAIT1 || old === TCP_FIN_WAIT2) {
        this.sendReset();
        this.err = ECONNRESET;
      } else if (old === TCP_SYN_SENT) this.err = ECONNRESET;
    }
    this.peer = null;
    this.rq.length = 0;
    this.rqBytes = this.rqOff = 0;
    this.sq.length = 0;
    this.sqBytes = 0;
    this.finQueued = false;
    this.done = false;
    this.shutdown = 0;
    this.remoteIp = "";
    this.remotePort = 0;
    if (!this.addrLocked) this.localIp = this.family === 2 ? V4_ANY : V6_ANY; // inet_reset_saddr
    if (!this.orphan) this.wq.wakeUp(EPOLLERR, 1); // sk_error_report
  }

  /** SO_RCVLOWAT changed (tcp_set_rcvlowat): readers are woken if enough is there now. */
  lowatChanged(): void {
    if (this.rqBytes && this.rqBytes >= this.rcvlowat) this.wq.wakeUp(IN_KEY, 1);
  }

  /** sk_stream_write_space (SO_SNDBUF changed): writers are woken if there is room. */
  writeSpace(): void {
    if (!this.writeable) return;
    this.nospace = false;
    this.wq.wakeUp(OUT_KEY, 1);
  }

  // ---- connection setup ----

  /**
   * The handshake with the listener at (`ip`, `port`), if any, on this socket in SYN_SENT:
   * established (and queued on the listener), reset (no listener: ECONNREFUSED), or, with
   * the listener's backlog full, the SYN is dropped and retransmitted after 1, 2, 4 … s.
   */
  handshake(): void {
    if (this.remoteIp === this.localIp && this.remotePort === this.localPort) {
      // Connected to its own address: the SYN finds this very socket (simultaneous open),
      // and it is connected to itself — what it sends, it reads.
      this.cancelSyn();
      this.peer = this;
      this.state = TCP_ESTABLISHED;
      if (!this.sndbufLocked) this.sndbuf = TCP_SNDBUF_CONNECTED;
      this.stateChange();
      return;
    }
    const l = findListener(this.net, this.remoteIp, this.remotePort, this.localPort);
    if (!l) {
      this.receiveReset();
      return;
    }
    if (l.acceptq.length > l.maxAckBacklog) {
      this.armSyn();
      return;
    }
    this.cancelSyn();
    const child = new TcpSock(this.net, l.family);
    child.reuse = l.reuse;
    child.reuseport = l.reuseport;
    child.v6only = l.v6only;
    child.keepalive = l.keepalive;
    child.nodelay = l.nodelay;
    child.rcvlowat = l.rcvlowat;
    child.rcvbuf = l.rcvbuf;
    child.sndbuf = l.sndbufLocked ? l.sndbuf : TCP_SNDBUF_CONNECTED;
    child.sndbufLocked = l.sndbufLocked;
    child.state = TCP_ESTABLISHED;
    child.ss = SS_CONNECTED;
    // sk_clone copies the listener's shutdown bits (a listener shut down before it listened
    // makes children that send their FIN at once: the client reads end of file — observed).
    child.shutdown = l.shutdown;
    child.remoteIp = this.localIp;
    child.remotePort = this.localPort;
    // The child answers on the address the client reached (v4-mapped on a dual-stack listener).
    child.net.tcp.add(child, this.remoteIp, l.localPort);
    child.peer = this;
    this.peer = child;
    this.state = TCP_ESTABLISHED;
    if (!this.sndbufLocked) this.sndbuf = TCP_SNDBUF_CONNECTED;
    l.acceptq.push(child);
    l.wq.wakeUp(IN_KEY, 1); // the listener's sk_data_ready
    this.stateChange(); // tcp_finish_connect
    if (child.shutdown & SEND_SHUTDOWN) child.shutdownSend();
  }

  private armSyn(): void {
    if (!this.syn) this.syn = { timer: new Timer(() => this.synTimeout()), tries: 0, rto: SYN_RTO };
    this.net.timers.arm(this.syn.timer, this.net.clock.now() + this.syn.rto);
  }

  private synTimeout(): void {
    const s = this.syn!;
    if (s.tries >= SYN_RETRIES) {
      // tcp_write_err: the connection timed out.
      this.syn = null;
      this.err = ETIMEDOUT;
      this.closeDone();
      this.wq.wakeUp(EPOLLERR, 1);
      return;
    }
    s.tries++;
    s.rto *= 2n;
    this.handshake();
  }

  private cancelSyn(): void {
    if (this.syn) this.net.timers.cancel(this.syn.timer);
    this.syn = null;
  }
}

/**
 * __inet_lookup_listener: the listening socket for (`ip`, `port`) — an exact address before
 * a wildcard, an IPv6 socket's `::` taking IPv4 unless IPV6_V6ONLY. A SO_REUSEPORT group
 * shares the connections by the client's port. MODEL: Linux hashes the 4-tuple with a
 * random secret; here the group member is (client port mod group size), in bind order.
 */
function findListener(net: InetNet, ip: Ip, port: number, fromPort: number): TcpSock | null {
  let best: TcpSock[] = [];
  let bestScore = 0;
  for (const h of net.tcp.holders(port)) {
    if (!(h instanceof TcpSock) || h.state !== TCP_LISTEN || !addrMatches(h.localIp, h.v6only, ip)) continue;
    // compute_score: a bound address beats a wildcard; an IPv4 socket beats a dual-stack one.
    const score = (h.localIp === ip ? 4 : 2) + (h.family === 2 || !isV4(ip) ? 1 : 0);
    if (score > bestScore) {
      best = [h];
      bestScore = score;
    } else if (score === bestScore && h.reuseport && best[0].reuseport) best.push(h);
  }
  if (!best.length) return null;
  return best[fromPort % best.length];
}
