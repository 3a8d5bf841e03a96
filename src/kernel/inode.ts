// Inode identity as /proc/self/fdinfo shows it (ino, the superblock's s_dev, the mount id).
// MODEL: the numbers are this model's own, shaped like a typical x86-64 Linux 6.x system
// (they differ between real machines too): anonymous-inode files (epoll, eventfd, timerfd)
// share one inode, pipes and sockets get a fresh inode each on their pseudo filesystems.
export interface InodeId {
  ino: number;
  sdev: number;
  mntId: number;
}

export const ANON_INODE: InodeId = { ino: 1038, sdev: 0x10, mntId: 17 };
export const NULL_INODE: InodeId = { ino: 5, sdev: 0x5, mntId: 24 };

/** Inode numbers of one kernel's pseudo filesystems (kernels share nothing). */
export class InodeAllocator {
  private nextPipe = 0x10fda1;
  private nextSock = 0x2f1a3;
  private nextShmem = 0x4a;
  pipe(): InodeId {
    return { ino: this.nextPipe++, sdev: 0xf, mntId: 16 };
  }
  sock(): InodeId {
    return { ino: this.nextSock++, sdev: 0x8, mntId: 10 };
  }
  shmem(): InodeId {
    return { ino: this.nextShmem++, sdev: 0x1, mntId: 1 };
  }
}

/** Placeholder until Kernel.track() gives a file its inode. */
export const NO_INODE: InodeId = { ino: 0, sdev: 0, mntId: 0 };
