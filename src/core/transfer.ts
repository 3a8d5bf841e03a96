// Copying the events of a transfer out of the core: one routine for the synchronous layer
// (the whole transfer at once) and for threads (one event per step). The core leaves event
// i of the transfer in slot i of its events buffer (a packed struct epoll_event, 3 words),
// and in slot i of its undo log the item's handle and its mask before the transfer (2 words).
import type { CoreExports } from "./loader.js";
import { storeAll } from "../usermem.js";
import { EFAULT } from "../uapi.js";

/** A struct epoll_event as epoll_wait(2) fills it. */
export interface EpollEvent {
  /** The EPOLL* bits that hold, reported unsigned (`>>> 0`). */
  events: number;
  /** The data given to epoll_ctl for the item, as the unsigned 64-bit value. */
  data: bigint;
}

/** The 64-bit epoll_data from its two 32-bit halves (the common small value makes one bigint). */
export const dataOf = (lo: number, hi: number): bigint => (hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));

export class EventCopier {
  #mem32: Uint32Array | null = null;

  /** For the core `core`. */
  constructor(private readonly core: CoreExports) {}

  /**
   * A view of the core's memory, made again only after the memory has grown: growing a
   * (non-shared) wasm memory detaches its old buffer, which leaves the old view empty. This
   * spares the event path the `memory.buffer` getter.
   */
  #words(): Uint32Array {
    const m = this.#mem32;
    if (m !== null && m.length !== 0) return m;
    return (this.#mem32 = new Uint32Array(this.core.memory.buffer));
  }

  /**
   * Copies slots 0..n-1 of the last transfer on set `ep` to `out` from index `at` (a typed
   * array takes 3 words an event); returns how many were copied. A typed array must be a
   * genuine Uint32Array long enough (callers check first: stores into it cannot fail). For
   * an array of objects, when a store faults (the caller's setter, trap or frozen array),
   * the event that failed and every later one are given back to the core (ep_unsend: to the
   * front of the list, untouched by the transfer), as Linux's ep_send_events does on a
   * fault; the count is what was copied before it. Everything is read out of the core before
   * the first store: the caller's own code may run during a store and make calls.
   */
  copy(ep: number, out: unknown[] | Uint32Array, at: number, n: number): number {
    const m = this.#words();
    const w = this.core.events_ptr() >>> 2;
    if (out instanceof Uint32Array) {
      for (let i = 0; i < 3 * n; i++) out[3 * at + i] = m[w + i];
      return n;
    }
    const events: EpollEvent[] = new Array<EpollEvent>(n);
    for (let i = 0; i < n; i++) events[i] = { events: m[w + 3 * i], data: dataOf(m[w + 3 * i + 1], m[w + 3 * i + 2]) };
    const lg = this.core.events_log_ptr() >>> 2;
    const undo = m.slice(lg, lg + 2 * n);
    const copied = storeAll(out, events, at);
    for (let i = n - 1; i >= copied; i--) this.core.epoll_unsend(ep, undo[2 * i], undo[2 * i + 1]);
    return copied;
  }

  /** The count an epoll_wait returns after a copy: what was copied, -EFAULT for nothing of something. */
  static result(copied: number, n: number): number {
    return copied === 0 && n > 0 ? -EFAULT : copied;
  }
}
