// An open file description (struct file): what an fd points at. Several fds (dup) and
// several fd tables may share one; it is released when the last reference goes, and
// only then does epoll forget it (eventpoll_release), which is why closing one of two
// dup'ed fds leaves its epoll registration alive.
import { EINVAL, EPOLLIN, EPOLLOUT, EPOLLRDNORM, EPOLLWRNORM, O_ACCMODE, O_DIRECT, O_LARGEFILE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from "../uapi.js";
import type { WaitQueueHead } from "./waitqueue.js";
import { ANON_INODE, NULL_INODE, type InodeAllocator, type InodeId } from "./inode.js";


/** Poll mask of files without f_op->poll (regular files, /dev/null): DEFAULT_POLLMASK. */
export const DEFAULT_POLLMASK = EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;

/** The poll_table handed to f_op->poll: `queue` is poll_wait's hook; `key` is pt->_key. */
export interface PollTable {
  readonly key: number;
  queue(head: WaitQueueHead): void;
}

/** poll_wait(): register on `head` if the caller wants to be woken. */
export function pollWait(pt: PollTable | null, head: WaitQueueHead): void {
  if (pt) pt.queue(head);
}

export abstract class OpenFile {
  /**
   * Identity within its kernel, given by Kernel.track(); also the rb-tree key's "file" half
   * (Linux compares struct file pointers). Reused after the file is released, as addresses are.
   */
  id = 0;
  /** References held by fd table slots. */
  refs = 0;
  /** Whether an epoll item watches this file (the core says when its f_ep list fills or empties). */
  epWatched = false;
  /**
   * The index of this file's readiness word in the core's memory (kernel/ready-words.ts),
   * for a file type that publishes its poll mask there; 0: it does not.
   */
  readyWord = 0;
  /** Position for seekable files. */
  pos = 0;

  constructor(public flags: number) {}

  abstract readonly kind: "pipe" | "eventfd" | "memfd" | "null" | "epoll" | "timerfd" | "socket" | "signalfd";

  /** The inode behind this file (fdinfo). Anonymous-inode files share one. */
  get inode(): InodeId {
    return ANON_INODE;
  }
  /** Called once by Kernel.track(): files on pseudo filesystems take an inode number there. */
  assignInode(_alloc: InodeAllocator): void {}

  /** file_can_poll(): epoll refuses files without f_op->poll (EPERM). */
  get canPoll(): boolean {
    return true;
  }
  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY;
  }
  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY;
  }
  get nonblock(): boolean {
    return (this.flags & O_NONBLOCK) !== 0;
  }

  /**
   * f_op->poll. `depth` is the epoll nesting depth of the caller (epoll files use it); `key`
   * the events the caller asked for (poll_requested_events; all when unknown).
   */
  poll(_pt: PollTable | null, _depth: number, _key?: number): number {
    return DEFAULT_POLLMASK;
  }
  /** f_op->read: bytes read, or -errno. `buf` is at least `count` bytes. */
  read(_buf: Uint8Array, _count: number): number {
    return -EINVAL;
  }
  /** f_op->write: bytes written, or -errno. */
  write(_buf: Uint8Array, _count: number): number {
    return -EINVAL;
  }
  /** F_SETFL may set these status flags on this file (O_DIRECT only on pipes). */
  setflAllowed(flag: number): boolean {
    return flag !== O_DIRECT;
  }
  /**
   * The wait queue a blocking read (dir "read") or write ("write") sleeps on, and whether
   * it sleeps there exclusively; null if such a call never sleeps on this file.
   */
  waitHead(_dir: "read" | "write"): { head: WaitQueueHead; exclusive: boolean } | null {
    return null;
  }
  /** f_op->release: the last reference is gone. */
  release(): void {}
}

/** The file behind fds 0, 1, 2 of a new process: a null device (reads EOF, writes vanish). */
export class NullFile extends OpenFile {
  readonly kind = "null";
  override get inode(): InodeId {
    return NULL_INODE;
  }
  constructor() {
    super(O_RDWR | O_LARGEFILE);
  }
  override get canPoll(): boolean {
    return false;
  }
  override read(_buf: Uint8Array, _count: number): number {
    return 0;
  }
  override write(_buf: Uint8Array, count: number): number {
    return count;
  }
}

