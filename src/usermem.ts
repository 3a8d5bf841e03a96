// MODEL: JS objects stand in for user memory; see below for what counts as a bad pointer.
// User memory: the arrays, objects and buffers a caller passes are user memory, and a store
// into them or a read from them can fail as a copy to or from a bad user pointer does in
// Linux (EFAULT): a setter, getter or proxy trap that throws, a frozen or sealed array, a
// non-writable element, a detached or shrunken buffer, a proxy around a typed array. The
// helpers here never let such a failure escape as an exception; the callers keep Linux's
// order around them (fds not installed, events given back to the ready list).

/**
 * A genuine Uint8Array (not a proxy around one, not another view): its bytes can be copied.
 * ArrayBuffer.isView is false for a proxy, so instanceof never meets a trap; neither
 * allocates (this runs on the event path).
 */
export function isU8(x: unknown): x is Uint8Array {
  return ArrayBuffer.isView(x) && x instanceof Uint8Array;
}

/** A genuine Uint32Array (not a proxy): stores into it in range cannot throw or run code. */
export function isU32(x: unknown): x is Uint32Array {
  return ArrayBuffer.isView(x) && x instanceof Uint32Array;
}

/**
 * Stores values[i] at out[at + i] for each i, in order; the number stored before the first store
 * that failed (values.length when all did). The caller's own code (a setter or trap) may run
 * during a store: nothing the caller passes is trusted to return normally.
 */
export function storeAll(out: unknown, values: readonly unknown[], at = 0): number {
  if (out === null || typeof out !== "object") return 0;
  const o = out as Record<number, unknown>;
  let i = 0;
  try {
    for (; i < values.length; i++) o[at + i] = values[i];
  } catch {
    /* a fault at index i */
  }
  return i;
}

/** An array the call may store into (it is an array, extensible and not frozen). */
export function writableArray(a: unknown): a is unknown[] {
  try {
    return Array.isArray(a) && Object.isExtensible(a) && !Object.isFrozen(a);
  } catch {
    return false; // a revoked proxy, or one whose traps throw
  }
}

/**
 * The `fault` argument of a transfer into `out` (1: the first event copied faults, as a bad
 * user pointer that access_ok accepts; 0: copy). `typed`: the caller asked for the typed
 * array form (epoll_wait_into), a genuine Uint32Array of at least 3 × maxevents words; the
 * other form is an array of objects.
 * MODEL: "nothing ready" still returns 0 with an unwritable destination (JS has no
 * kernel-range pointers for access_ok to refuse up front).
 */
export function transferFault(out: unknown, maxevents: number, typed: boolean): number {
  if (typed) return isU32(out) && out.length >= 3 * maxevents ? 0 : 1;
  return writableArray(out) ? 0 : 1;
}
