// Models include/linux/wait.h / kernel/sched/wait.c: wait queue heads and entries.
//
// add_wait_queue() puts a non-exclusive entry at the head, add_wait_queue_exclusive() an
// exclusive one at the tail; __wake_up_common() walks from the head, calls every entry's
// function, and stops after `nrExclusive` exclusive entries whose function returned
// non-zero (0 = wake all). That ordering is observable: two epoll items on one file
// (dup'ed fds) are queued by a wakeup newest-registration first.

/** Returns non-zero if the wakeup counts (for exclusive entries: consumes the budget). */
export type WakeFunc = (key: number) => number;

export class WaitEntry {
  prev: WaitEntry | null = null;
  next: WaitEntry | null = null;
  head: WaitQueueHead | null = null;
  constructor(readonly func: WakeFunc | null, readonly exclusive: boolean) {}
  /** The entry's wake function (wait_queue_entry.func). */
  wake(key: number): number {
    return this.func!(key);
  }
}

/** An epoll item's entry (eppoll_entry.wait): its wake function is ep_poll_callback. */
export class EpollWaitEntry extends WaitEntry {
  constructor(private readonly callback: (pwq: number, key: number) => number, readonly pwq: number, exclusive: boolean) {
    super(null, exclusive);
  }
  override wake(key: number): number {
    return this.callback(this.pwq, key);
  }
}

export class WaitQueueHead {
  first: WaitEntry | null = null;
  last: WaitEntry | null = null;
  count = 0;
  /** Called when the head goes from empty to non-empty (true) or back (false). */
  onActive: ((active: boolean) => void) | null = null;

  /** waitqueue_active() */
  get active(): boolean {
    return this.first !== null;
  }

  add(e: WaitEntry): void {
    if (e.head) throw new Error("wait entry already queued");
    e.head = this;
    if (e.exclusive) {
      e.prev = this.last;
      e.next = null;
      if (this.last) this.last.next = e;
      else this.first = e;
      this.last = e;
    } else {
      e.next = this.first;
      e.prev = null;
      if (this.first) this.first.prev = e;
      else this.last = e;
      this.first = e;
    }
    if (this.count++ === 0) this.onActive?.(true);
  }

  remove(e: WaitEntry): void {
    if (e.head !== this) return;
    if (e.prev) e.prev.next = e.next;
    else this.first = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.last = e.prev;
    e.prev = e.next = null;
    e.head = null;
    if (--this.count === 0) this.onActive?.(false);
  }

  /**
   * __wake_up(head, mode, nr_exclusive, key). A wake function that throws does not stop
   * the walk (the others still get their wakeup); the first error is rethrown at the end.
   */
  wakeUp(key: number, nrExclusive = 1): void {
    let e = this.first;
    let budget = nrExclusive;
    let error: unknown = undefined;
    while (e) {
      const next = e.next; // the function may remove its own entry
      let ret: number;
      try {
        ret = e.wake(key);
      } catch (err) {
        error ??= err;
        ret = 0;
      }
      if (ret < 0) break; // as __wake_up_common: a failing wake function ends the walk
      if (ret && e.exclusive && budget > 0 && --budget === 0) break;
      e = next;
    }
    if (error !== undefined) throw error;
  }
}
