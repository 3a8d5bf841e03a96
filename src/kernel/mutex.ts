// A sleeping lock between threads (struct mutex): ep->mtx. Only ThreadSys calls take it;
// a thread that finds it held blocks (not interruptibly) until the owner unlocks.
import type { Scheduler, Thread } from "./sched.js";

export class Mutex {
  owner: Thread | null = null;
  private readonly queue: Thread[] = [];

  constructor(readonly name: string) {}

  async lock(sched: Scheduler, t: Thread): Promise<void> {
    while (this.owner !== null && this.owner !== t) {
      this.queue.push(t);
      await sched.block(t, this.name, false);
    }
    this.owner = t;
  }

  /** Takes the lock at once if it is free (or `t` holds it): what lock() does without sleeping. */
  tryLock(t: Thread): boolean {
    if (this.owner !== null && this.owner !== t) return false;
    this.owner = t;
    return true;
  }

  unlock(sched: Scheduler, t: Thread): void {
    if (this.owner !== t) throw new Error(`${this.name} unlocked by ${t.name}, which does not hold it`);
    this.owner = null;
    const next = this.queue.shift();
    if (next) sched.wake(next, "woken");
  }
}
