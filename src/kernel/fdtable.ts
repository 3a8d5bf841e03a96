// The process's fd table (struct files_struct): the open file description of each fd (the
// array is indexed directly: one load on the event path) and the close-on-exec flags
// (struct fdtable's close_on_exec bitmap, here a set). New fds take the lowest free
// number; RLIMIT_NOFILE caps them (EMFILE).
import { EBADF, EINVAL, EMFILE } from "../uapi.js";
import type { OpenFile } from "./file.js";
import type { FootprintSink } from "./hooks.js";

export class FdTable {
  private readonly slots: (OpenFile | undefined)[] = [];
  private readonly cloexec = new Set<number>();
  private lowestFree = 0;

  constructor(public maxFds: number, private readonly onLastRef: (f: OpenFile) => void) {}

  /** Where an explorer records which slots and files a step used (null: not recording). */
  fp: FootprintSink | null = null;

  get(fd: unknown): OpenFile | undefined {
    if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) return undefined;
    const f = this.slots[fd];
    if (this.fp) {
      this.fp.touch(`fd${fd}`, false);
      if (f) this.fp.touch(f, true);
    }
    return f;
  }
  getCloexec(fd: number): boolean {
    return this.cloexec.has(fd);
  }
  setCloexec(fd: number, on: boolean): void {
    if (!this.slots[fd]) return;
    if (on) this.cloexec.add(fd);
    else this.cloexec.delete(fd);
  }
  /** Open fds in increasing order. */
  fds(): number[] {
    const out: number[] = [];
    this.slots.forEach((s, fd) => s && out.push(fd));
    return out;
  }

  /** The lowest free fd >= min, or -EMFILE. */
  findFree(min = 0): number {
    this.fp?.touch("fdalloc", false);
    let fd = Math.max(min, this.lowestFree); // every fd below lowestFree is in use
    while (this.slots[fd]) fd++;
    return fd >= this.maxFds ? -EMFILE : fd;
  }

  /** How many fds are free below the limit, counting no further than `upTo`. */
  freeCount(upTo: number): number {
    this.fp?.touch("fdalloc", false);
    let n = 0;
    for (let fd = this.lowestFree; fd < this.maxFds && n < upTo; fd++) if (!this.slots[fd]) n++;
    return n;
  }

  /** Install `file` at the lowest free fd >= min (takes a reference). Returns fd or -EMFILE. */
  install(file: OpenFile, cloexec: boolean, min = 0): number {
    const fd = this.findFree(min);
    if (fd < 0) return fd;
    this.installAt(fd, file, cloexec);
    return fd;
  }

  private installAt(fd: number, file: OpenFile, cloexec: boolean): void {
    if (this.fp) this.slotChanged(fd);
    file.refs++;
    this.slots[fd] = file;
    if (cloexec) this.cloexec.add(fd);
    else this.cloexec.delete(fd);
    if (fd === this.lowestFree) {
      while (this.slots[this.lowestFree]) this.lowestFree++;
    }
  }

  /** close(): drop the slot and its reference; the file goes when no reference is left. */
  close(fd: number): number {
    const f = this.get(fd);
    if (!f) return -EBADF;
    if (this.fp) this.slotChanged(fd);
    this.slots[fd] = undefined;
    this.cloexec.delete(fd);
    if (fd < this.lowestFree) this.lowestFree = fd;
    this.put(f);
    return 0;
  }

  /** A slot changed: it, and which fd is lowest free. */
  private slotChanged(fd: number): void {
    this.fp!.touch(`fd${fd}`, true);
    this.fp!.touch("fdalloc", true);
  }

  /** Drop one reference to a file (fput); the last one releases it. */
  put(file: OpenFile): void {
    if (--file.refs === 0) this.onLastRef(file);
  }

  /** Puts `file` at `fd` (below the limit), closing what it held: do_dup2 for a file from outside the table. */
  installOver(fd: number, file: OpenFile): void {
    const prev = this.slots[fd];
    this.installAt(fd, file, false);
    if (prev) this.put(prev);
  }

  /** dup2/dup3 core (do_dup2): replace newfd atomically, closing what it held. */
  replace(oldfd: number, newfd: number, cloexec: boolean): number {
    const f = this.slots[oldfd];
    if (!f) return -EBADF;
    if (!Number.isInteger(newfd) || newfd < 0 || newfd >= this.maxFds) return -EBADF;
    const prev = this.slots[newfd];
    this.installAt(newfd, f, cloexec); // the new file is in place before the old one goes
    if (prev) this.put(prev);
    return newfd;
  }

  /** Every fd, closed in increasing order (process exit). */
  closeAll(): void {
    for (const fd of this.fds()) this.close(fd);
  }

  setLimit(n: number): number {
    if (!Number.isInteger(n) || n < 3) return -EINVAL;
    this.maxFds = n;
    return 0;
  }
}
