// Models memfd_create(): an anonymous regular (shmem) file. It has no f_op->poll, so
// epoll_ctl(ADD) refuses it with EPERM and poll() reports DEFAULT_POLLMASK.
import { O_LARGEFILE, O_RDWR } from "../uapi.js";
import { OpenFile } from "../kernel/file.js";
import { NO_INODE, type InodeAllocator, type InodeId } from "../kernel/inode.js";

/** Longest name accepted (NAME_MAX minus the "memfd:" prefix). */

export class MemFdFile extends OpenFile {
  readonly kind = "memfd";
  private ino = NO_INODE;
  override get inode(): InodeId {
    return this.ino;
  }
  override assignInode(alloc: InodeAllocator): void {
    this.ino = alloc.shmem();
  }
  private data = new Uint8Array(0);
  private size = 0;
  /** Bytes from the position to the end (FIONREAD on a regular file: i_size - f_pos). */
  get remaining(): number {
    return this.size - this.pos;
  }
  constructor(readonly name: string) {
    super(O_RDWR | O_LARGEFILE);
  }
  override get canPoll(): boolean {
    return false;
  }
  override read(buf: Uint8Array, count: number): number {
    const n = Math.max(0, Math.min(count, this.size - this.pos));
    buf.set(this.data.subarray(this.pos, this.pos + n), 0);
    this.pos += n;
    return n;
  }
  override write(buf: Uint8Array, count: number): number {
    const end = this.pos + count;
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    this.data.set(buf.subarray(0, count), this.pos);
    this.pos = end;
    if (end > this.size) this.size = end;
    return count;
  }
}
