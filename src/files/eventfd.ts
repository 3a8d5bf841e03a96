// Models fs/eventfd.c: a 64-bit counter. read() takes the whole counter (or 1 with
// EFD_SEMAPHORE) and needs at least 8 bytes; write() adds an 8-byte little-endian value,
// needs exactly 8 bytes, refuses 0xffffffffffffffff, and cannot push the counter past
// 0xfffffffffffffffe. Poll: EPOLLIN while the counter is non-zero, EPOLLOUT while one more
// increment fits, EPOLLERR on overflow (unreachable through write).
import { EAGAIN, EFAULT, EINVAL, EPOLLERR, EPOLLIN, EPOLLOUT, O_RDWR } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";

const ULLONG_MAX = 0xffffffffffffffffn;

export class EventFdFile extends OpenFile {
  readonly kind = "eventfd";
  readonly wqh = new WaitQueueHead();
  constructor(public count: bigint, readonly semaphore: boolean, flags: number) {
    super(O_RDWR | flags);
  }

  override poll(pt: PollTable | null): number {
    pollWait(pt, this.wqh);
    const c = this.count;
    let events = 0;
    if (c > 0n) events |= EPOLLIN;
    if (c === ULLONG_MAX) events |= EPOLLERR;
    if (ULLONG_MAX - 1n > c) events |= EPOLLOUT;
    return events;
  }

  override read(buf: Uint8Array, count: number): number {
    if (count < 8) return -EINVAL;
    // MODEL: a blocking read of a zero counter returns -EAGAIN in the synchronous layer.
    if (this.count === 0n) return -EAGAIN;
    const ucnt = this.semaphore ? 1n : this.count;
    this.count -= ucnt;
    if (this.wqh.active) this.wqh.wakeUp(EPOLLOUT, 1);
    new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, ucnt, true);
    return 8;
  }

  override write(buf: Uint8Array, count: number): number {
    if (count !== 8) return -EINVAL;
    if (buf.byteLength < 8) return -EFAULT;
    const ucnt = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
    if (ucnt === ULLONG_MAX) return -EINVAL;
    // MODEL: a blocking write that cannot fit returns -EAGAIN in the synchronous layer.
    if (!(ULLONG_MAX - this.count > ucnt)) return -EAGAIN;
    this.count += ucnt;
    if (this.wqh.active) this.wqh.wakeUp(EPOLLIN, 1);
    return 8;
  }

  override waitHead() {
    return { head: this.wqh, exclusive: false };
  }

  override release(): void {
    this.wqh.wakeUp(0x10 /* EPOLLHUP */, 1);
  }
}
