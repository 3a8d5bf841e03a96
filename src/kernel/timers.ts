// Pending timers of a kernel (the hrtimer queue), ordered by expiry, ties in arming order.
// A binary min-heap: arm/cancel O(log n), next expiry O(1). Timers fire when the clock
// reaches them: the virtual clock jumps from expiry to expiry while a caller sleeps; with
// the real clock, due timers fire at the next syscall.

export class Timer {
  expires = 0n;
  /** Position in the heap, -1 when not armed. */
  index = -1;
  seq = 0;
  constructor(readonly fire: () => void) {}
  get armed(): boolean {
    return this.index >= 0;
  }
}

export class TimerQueue {
  private readonly heap: Timer[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Expiry of the earliest armed timer, or undefined. */
  nextExpiry(): bigint | undefined {
    return this.heap.length ? this.heap[0].expires : undefined;
  }

  arm(t: Timer, expires: bigint): void {
    if (t.armed) this.cancel(t);
    t.expires = expires;
    t.seq = this.nextSeq++;
    t.index = this.heap.length;
    this.heap.push(t);
    this.up(t.index);
  }

  cancel(t: Timer): void {
    const i = t.index;
    if (i < 0) return;
    const last = this.heap.pop()!;
    t.index = -1;
    if (last !== t) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
  }

  /** Fire, in order, every timer whose expiry is <= now. */
  runDue(now: bigint): void {
    while (this.heap.length && this.heap[0].expires <= now) {
      const t = this.heap[0];
      this.cancel(t);
      t.fire();
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.expires < b.expires || (a.expires === b.expires && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    [h[i], h[j]] = [h[j], h[i]];
    h[i].index = i;
    h[j].index = j;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i], this.heap[p])) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.heap[l], this.heap[m])) m = l;
      if (r < n && this.less(this.heap[r], this.heap[m])) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
