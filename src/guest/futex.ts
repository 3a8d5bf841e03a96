// The futex a guest's mutexes and condition variables sleep on (futex(2), FUTEX_WAIT and
// FUTEX_WAKE on private words): one wait queue per address of the guest's memory. A wait is a
// sleep of the kernel's own kind (src/syscalls/pause.ts), so the scheduler, the virtual clock,
// signals (-EINTR) and deadlock reports treat it as any blocking call.
import { EAGAIN, ETIMEDOUT } from "../uapi.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { autoremoveEntry, sleep, type Body, type Caller } from "../syscalls/pause.js";

export class Futexes {
  readonly #heads = new Map<number, WaitQueueHead>();

  /**
   * FUTEX_WAIT: sleep while `still()` (the word still holds the expected value) until a wake,
   * the deadline (absolute CLOCK_MONOTONIC ns, -1n none: -ETIMEDOUT) or a signal (-EINTR);
   * -EAGAIN at once when the word has already changed. 0 after a wake.
   */
  *wait(c: Caller, addr: number, still: () => boolean, deadline: bigint): Body {
    if (!still()) return -EAGAIN;
    if (deadline >= 0n && deadline <= c.p.now()) return -ETIMEDOUT; // a deadline already past
    if (c.signalPending()) return c.interrupted();
    let head = this.#heads.get(addr);
    if (!head) this.#heads.set(addr, (head = new WaitQueueHead()));
    const entry = autoremoveEntry(c, true);
    head.add(entry);
    try {
      if (deadline >= 0n) c.arm(deadline);
      const woke = yield sleep(deadline, "futex", null);
      if (typeof woke === "number") return woke;
      if (entry.head === null) return 0; // woken by FUTEX_WAKE (perhaps as the deadline passed)
      if (woke === "timeout") return -ETIMEDOUT;
      return c.signalPending() ? c.interrupted() : 0;
    } finally {
      entry.head?.remove(entry);
      if (!head.active && this.#heads.get(addr) === head) this.#heads.delete(addr);
    }
  }

  /** FUTEX_WAKE: wakes up to `n` waiters on `addr`, oldest first. */
  wake(addr: number, n: number): void {
    if (n > 0) this.#heads.get(addr)?.wakeUp(0, n);
  }
}
