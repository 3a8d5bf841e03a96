// The file of an AF_INET or AF_INET6 socket (net/ipv4/af_inet.c's socket ops): TCP or UDP
// state behind one struct file. read/write are recv/send without flags; the protocols'
// logic is in tcp.ts and udp.ts, the calls in syscalls/inet.ts.
import { EAGAIN, O_RDWR, SOCK_DGRAM, SOCK_STREAM } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { NO_INODE, type InodeAllocator, type InodeId } from "../kernel/inode.js";
import { TcpSock } from "./tcp.js";
import { UdpSock, type Datagram } from "./udp.js";

export class InetSocketFile extends OpenFile {
  readonly kind = "socket";
  private ino = NO_INODE;
  /** The last datagram a UDP receive took (its sender's address). */
  readonly got: { d: Datagram | null } = { d: null };
  constructor(readonly sk: TcpSock | UdpSock, flags: number) {
    super(O_RDWR | flags);
  }
  override get inode(): InodeId {
    return this.ino;
  }
  override assignInode(alloc: InodeAllocator): void {
    this.ino = alloc.sock();
  }
  get type(): number {
    return this.sk instanceof TcpSock ? SOCK_STREAM : SOCK_DGRAM;
  }

  override poll(pt: PollTable | null): number {
    pollWait(pt, this.sk.wq);
    return this.sk.pollMask();
  }

  /** sock_read_iter: a 0-byte read is 0 at once (recv(2) goes on to the protocol). */
  override read(buf: Uint8Array, count: number): number {
    if (count === 0) return 0;
    const sk = this.sk;
    if (sk instanceof TcpSock) return sk.recv(buf, count, 0);
    const r = sk.recv(buf, count, 0, this.got);
    // A read that would sleep ends (0) on a shut read side (__skb_wait_for_more_packets).
    return r === -EAGAIN && !this.nonblock && sk.shutdown & 1 ? 0 : r;
  }

  /** write(2): send(2) without flags; an unconnected UDP socket has nowhere to send. */
  override write(buf: Uint8Array, count: number): number {
    const sk = this.sk;
    if (sk instanceof TcpSock) return sk.send(buf, count);
    return sk.sendmsg(buf.subarray(0, count), null, 0);
  }

  override waitHead(dir: "read" | "write") {
    // A datagram read waits exclusively (__skb_wait_for_more_packets); TCP's sk_wait_data
    // and sk_stream_wait_memory do not.
    return { head: this.sk.wq, exclusive: dir === "read" && this.sk instanceof UdpSock };
  }

  override release(): void {
    this.sk.close();
  }
}
