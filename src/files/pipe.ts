// Models fs/pipe.c for anonymous pipes (pipe2): a ring of at most 16 page-sized buffers.
//
// Capacity is counted in buffers, not bytes: a write merges into the last buffer only if
// it fits there (and only its sub-page remainder does), otherwise it takes fresh buffers,
// so a pipe holds 65536 bytes of 1-byte writes but only 61441 after a 4097-byte write
// followed by 4096-byte writes. EPOLLOUT means "a buffer is free", so reading 1 byte from
// a full pipe does not make it writable. Writes of at most PIPE_BUF bytes are atomic.
// O_DIRECT on the write end makes "packet" buffers: one write per buffer, one per read.
import { EAGAIN, EPIPE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDNORM, EPOLLWRNORM, O_DIRECT, O_NONBLOCK, O_RDONLY, O_WRONLY, PAGE_SIZE, PIPE_DEF_BUFFERS } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { copyBytes } from "../kernel/copy.js";
import { NO_INODE, type InodeAllocator, type InodeId } from "../kernel/inode.js";
import type { ReadyWords } from "../kernel/ready-words.js";


interface PipeBuffer {
  page: Uint8Array;
  offset: number;
  len: number;
  packet: boolean;
}

/** Slots of a pipe's ring: pipe->max_usage, fixed (no F_SETPIPE_SZ). */
const RING = PIPE_DEF_BUFFERS;
const RING_SHIFT = 4;
if (1 << RING_SHIFT !== RING) throw new Error("a ring row must be 2^RING_SHIFT slots");

/**
 * A kernel's pipe buffers with their pages (the page allocator's role), and the rings that
 * hold them. A buffer is named by its index here, and a pipe's ring holds indexes: small
 * integers, so filling a ring never stores a pointer into an object made long before (which
 * costs the collector a remembered slot per store when the buffer is young). A pipe takes a
 * buffer per page it fills and gives it back when a reader empties it, so the event path
 * allocates nothing once the pool is warm. At most `max` free buffers keep their page; the
 * rest give it up until reused.
 *
 * The rings themselves are rows of one Int32Array (`rings`, 16 slots = 64 bytes a pipe):
 * struct-of-arrays rather than an array object per pipe, so that with many pipes a read or
 * a write touches one dense line for its ring instead of an array's header and elements
 * elsewhere in the heap. A row is taken when a pipe is made (alloc_pipe_info) and given
 * back when its last end is released. Invariant: a row's slots past the pipe's buffers,
 * and every slot of a free row, hold -1.
 */
export class PipeBufferPool {
  /** Every buffer made, by index (a buffer is never forgotten: ids stay valid). */
  readonly #all: PipeBuffer[] = [];
  /** Indexes of the free buffers, most recently freed last. */
  readonly #free: number[] = [];
  #withPage = 0; // free buffers that kept their page
  /** Ring rows: row r is rings[r << 4 … (r << 4) + 15]. Replaced (grown) only by newRing. */
  rings = new Int32Array(64 * RING).fill(-1);
  #rows = 0; // rows ever handed out
  readonly #freeRows: number[] = [];
  constructor(private readonly max = 4096) {}

  /** A row for a new pipe's ring, every slot -1. */
  newRing(): number {
    if (this.#freeRows.length !== 0) return this.#freeRows.pop()!;
    if ((this.#rows + 1) * RING > this.rings.length) {
      const grown = new Int32Array(this.rings.length * 2).fill(-1);
      grown.set(this.rings);
      this.rings = grown;
    }
    return this.#rows++;
  }
  /** Row `row` is free again (its pipe holds no buffer: every slot is -1). */
  freeRing(row: number): void {
    this.#freeRows.push(row);
  }
  /** Rows in use (pipes alive), for tests. */
  get ringsInUse(): number {
    return this.#rows - this.#freeRows.length;
  }
  /** A free buffer's index, emptied and marked as a packet or not. */
  get(packet: boolean): number {
    let id: number;
    if (this.#free.length !== 0) id = this.#free.pop()!;
    else {
      id = this.#all.length;
      this.#all.push({ page: NO_PAGE, offset: 0, len: 0, packet });
    }
    const b = this.#all[id];
    if (b.page === NO_PAGE) b.page = new Uint8Array(PAGE_SIZE);
    else this.#withPage--;
    b.offset = 0;
    b.len = 0;
    b.packet = packet;
    return id;
  }
  /** Buffer `id` (from get). */
  buffer(id: number): PipeBuffer {
    return this.#all[id];
  }
  /** Buffer `id` is free again. */
  put(id: number): void {
    if (this.#withPage < this.max) this.#withPage++;
    else this.#all[id].page = NO_PAGE;
    this.#free.push(id);
  }
}

/** The page of a pool buffer that gave its own up. */
const NO_PAGE = new Uint8Array(0);

export class PipeInode {
  /**
   * The buffer ring (pipe->bufs), a row of the pool's `rings`: the `nrbufs` buffers held
   * sit in slots tail, tail + 1, … (mod maxUsage), oldest first. Like alloc_pipe_info, the
   * ring is allocated with the pipe, so no read or write ever allocates it: the first write
   * to a pipe made long ago would otherwise hang a young array off an old object and draw
   * the collector in (at 100,000 pipes, scavenges and marking on the event path).
   */
  #row: number; // the ring's row in pool.rings (slot i at (row << 4) + i); -1 once freed
  #tail = 0;
  /** Buffers held (0 … maxUsage). */
  nrbufs = 0;
  readers = 0;
  writers = 0;
  readonly rdWait = new WaitQueueHead();
  readonly wrWait = new WaitQueueHead();
  /** Set once anybody polls: from then on every write wakes readers ("epoll nonsense"). */
  pollUsage = false;
  readonly maxUsage = RING;
  inode: InodeId = NO_INODE;
  /**
   * The readiness words (kernel/ready-words.ts) of the read and the write end, 0 for none:
   * kept here, not only on the ends, so that a write publishes without touching the read
   * end's object (one cache line less per event when pipes are many). An end clears its
   * word here when it is released, before its file id can be given to another file.
   */
  rdWord = 0;
  wrWord = 0;

  constructor(private readonly pool: PipeBufferPool, private readonly ready: ReadyWords | null = null) {
    this.#row = pool.newRing();
  }

  /**
   * Rewrite both ends' readiness words (kernel/ready-words.ts) after a change of what poll
   * reads: the buffer count (empty, full) or the readers and writers. Called before the
   * change's wakeups, so a woken item re-polled from its word sees the new state.
   */
  publish(): void {
    this.publishRd();
    this.publishWr();
  }
  /** The read end's word: it reads `empty` and `writers` (the write path changes only those). */
  publishRd(): void {
    if (this.rdWord !== 0) this.ready!.publish(this.rdWord, this.readMask());
  }
  /** The write end's word: it reads `full` and `readers`. */
  publishWr(): void {
    if (this.wrWord !== 0) this.ready!.publish(this.wrWord, this.writeMask());
  }

  /** What pipe_poll says for a reader now. */
  readMask(): number {
    return (this.nrbufs !== 0 ? EPOLLIN | EPOLLRDNORM : 0) | (this.writers === 0 ? EPOLLHUP : 0);
  }
  /** What pipe_poll says for a writer now. */
  writeMask(): number {
    return (this.nrbufs < this.maxUsage ? EPOLLOUT | EPOLLWRNORM : 0) | (this.readers === 0 ? EPOLLERR : 0);
  }

  get empty(): boolean {
    return this.nrbufs === 0;
  }
  get full(): boolean {
    return this.nrbufs >= this.maxUsage;
  }
  /** Bytes held (FIONREAD). */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.nrbufs; i++) n += this.buffer(i).len;
    return n;
  }

  /** The i-th buffer held, oldest first (i < nrbufs). */
  buffer(i: number): PipeBuffer {
    const pool = this.pool;
    return pool.buffer(pool.rings[(this.#row << RING_SHIFT) + ((this.#tail + i) & (RING - 1))]);
  }

  /** A fresh buffer at the head of the ring (the pipe must not be full). */
  newBuffer(packet: boolean): PipeBuffer {
    const pool = this.pool;
    const id = pool.get(packet);
    pool.rings[(this.#row << RING_SHIFT) + ((this.#tail + this.nrbufs) & (RING - 1))] = id;
    this.nrbufs++;
    return pool.buffer(id);
  }

  /** The oldest buffer is consumed: back to the pool. */
  releaseTail(): void {
    const pool = this.pool;
    const at = (this.#row << RING_SHIFT) + this.#tail;
    pool.put(pool.rings[at]);
    pool.rings[at] = -1;
    this.#tail = (this.#tail + 1) & (RING - 1);
    this.nrbufs--;
  }

  /** The pipe is gone (its last end released): its buffers and its ring's row go back to the pool. */
  freeBuffers(): void {
    if (this.#row < 0) return;
    while (this.nrbufs > 0) this.releaseTail();
    this.pool.freeRing(this.#row);
    this.#row = -1;
  }
}

export class PipeFile extends OpenFile {
  readonly kind = "pipe";
  constructor(readonly pipe: PipeInode, flags: number) {
    super(flags);
  }
  override get inode(): InodeId {
    return this.pipe.inode;
  }
  override assignInode(alloc: InodeAllocator): void {
    if (this.pipe.inode === NO_INODE) this.pipe.inode = alloc.pipe(); // both ends share it
  }

  override poll(pt: PollTable | null): number {
    const pipe = this.pipe;
    pipe.pollUsage = true;
    if (this.readable) pollWait(pt, pipe.rdWait);
    if (this.writable) pollWait(pt, pipe.wrWait);
    return this.pollMask();
  }

  /** What poll returns now (no wait queue hooked): pipe_poll's mask for this end. */
  pollMask(): number {
    const pipe = this.pipe;
    return (this.readable ? pipe.readMask() : 0) | (this.writable ? pipe.writeMask() : 0);
  }

  override read(buf: Uint8Array, count: number): number {
    const pipe = this.pipe;
    if (count === 0) return 0;
    // Writers are woken only when this read frees a buffer of a full pipe.
    let wakeWriter = false;
    let ret = 0;
    let want = count;
    const held = pipe.nrbufs;
    while (!pipe.empty) {
      const b = pipe.buffer(0);
      const chars = Math.min(b.len, want);
      copyBytes(buf, ret, b.page, b.offset, chars);
      ret += chars;
      b.offset += chars;
      b.len -= chars;
      if (b.packet) {
        // A packet is consumed whole; what did not fit in the reader's buffer is lost.
        want = chars;
        b.len = 0;
      }
      if (b.len === 0) {
        wakeWriter ||= pipe.full;
        pipe.releaseTail();
      }
      want -= chars;
      if (want === 0) break;
    }
    if (ret === 0) {
      if (pipe.writers === 0) return 0; // EOF
      // MODEL: a blocking read in the synchronous layer returns -EAGAIN instead of sleeping.
      return -EAGAIN;
    }
    // The read end's mask changes when the pipe empties, the write end's when it stops being full.
    if (pipe.empty) pipe.publishRd();
    if (held >= pipe.maxUsage) pipe.publishWr();
    if (wakeWriter) pipe.wrWait.wakeUp(EPOLLOUT | EPOLLWRNORM, 1);
    return ret;
  }

  override write(buf: Uint8Array, count: number): number {
    const pipe = this.pipe;
    if (count === 0) return 0;
    if (pipe.readers === 0) return -EPIPE; // MODEL: no SIGPIPE is raised (signals only interrupt calls)
    const packet = (this.flags & O_DIRECT) !== 0;
    const wasEmpty = pipe.empty;
    const held = pipe.nrbufs;
    let ret = 0;
    // Merge the sub-page remainder into the last buffer when it fits there entirely.
    const chars = count & (PAGE_SIZE - 1);
    if (chars && !wasEmpty) {
      const last = pipe.buffer(pipe.nrbufs - 1);
      const off = last.offset + last.len;
      if (!last.packet && off + chars <= PAGE_SIZE) {
        copyBytes(last.page, off, buf, 0, chars);
        last.len += chars;
        ret = chars;
      }
    }
    while (ret < count) {
      if (pipe.full) break;
      const b = pipe.newBuffer(packet);
      const n = Math.min(PAGE_SIZE, count - ret);
      copyBytes(b.page, 0, buf, ret, n);
      b.len = n;
      ret += n;
    }
    if (wasEmpty && ret > 0) pipe.publishRd();
    if (pipe.full && held < pipe.maxUsage) pipe.publishWr();
    // Readers are woken even when nothing fit (-EAGAIN): once the pipe has been polled,
    // every write attempt wakes rd_wait, and an edge-triggered reader sees a new edge.
    if (wasEmpty || pipe.pollUsage) pipe.rdWait.wakeUp(EPOLLIN | EPOLLRDNORM, 1);
    // MODEL: a blocking write that would wait for room returns what it wrote (or -EAGAIN)
    // in the synchronous layer; threads block instead.
    return ret === 0 ? -EAGAIN : ret;
  }

  override waitHead(dir: "read" | "write") {
    // pipe_read / pipe_write sleep exclusively (wait_event_interruptible_exclusive).
    return { head: dir === "read" ? this.pipe.rdWait : this.pipe.wrWait, exclusive: true };
  }

  /** pipe_read's wake_next_reader / pipe_write's wake_next_writer after a sleep. */
  passWakeup(dir: "read" | "write"): void {
    const pipe = this.pipe;
    if (dir === "read" && !pipe.empty) pipe.rdWait.wakeUp(EPOLLIN | EPOLLRDNORM, 1);
    if (dir === "write" && !pipe.full) pipe.wrWait.wakeUp(EPOLLOUT | EPOLLWRNORM, 1);
  }

  override setflAllowed(): boolean {
    return true; // pipes accept O_DIRECT (packet mode) through F_SETFL
  }

  override release(): void {
    const pipe = this.pipe;
    if (this.readable) {
      pipe.readers--;
      pipe.rdWord = 0; // (the fd table clears the word itself with the file's id)
    }
    if (this.writable) {
      pipe.writers--;
      pipe.wrWord = 0;
    }
    if (!pipe.readers && !pipe.writers) pipe.freeBuffers();
    pipe.publish();
    // Last reader or last writer gone while the other side remains: wake everybody.
    if (!pipe.readers !== !pipe.writers) {
      pipe.rdWait.wakeUp(0, 0);
      pipe.wrWait.wakeUp(0, 0);
    }
  }
}

/** create_pipe_files(): the read end gets O_NONBLOCK, the write end O_NONBLOCK and O_DIRECT. */
export function createPipe(flags: number, pool: PipeBufferPool, ready: ReadyWords | null = null): [PipeFile, PipeFile] {
  const inode = new PipeInode(pool, ready);
  inode.readers = 1;
  inode.writers = 1;
  const r = new PipeFile(inode, O_RDONLY | (flags & O_NONBLOCK));
  const w = new PipeFile(inode, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT)));
  return [r, w];
}
