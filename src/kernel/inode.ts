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

let nextPipeIno = 0x10fda1;
let nextSockIno = 0x2f1a3;
let nextShmemIno = 0x4a;

export const pipeInode = (): InodeId => ({ ino: nextPipeIno++, sdev: 0xf, mntId: 16 });
export const sockInode = (): InodeId => ({ ino: nextSockIno++, sdev: 0x8, mntId: 10 });
export const shmemInode = (): InodeId => ({ ino: nextShmemIno++, sdev: 0x1, mntId: 1 });
