// close(2), dup2(2), dup3(2), written once for kernel.sys and threads (see pause.ts).
// Dropping a file's last reference runs eventpoll_release, which takes the ep->mtx of each
// set watching the file: a thread waits while such a set is in mid-transfer; kernel.sys
// cannot wait, so the release completes when the transfer ends (MODEL: README).
import * as U from "../uapi.js";
import type { OpenFile } from "../kernel/file.js";
import { isCInt } from "./args.js";
import { lock, type Body, type Caller } from "./pause.js";

/** close(2): free the fd; the file goes with its last reference. EBADF if the fd is not open. */
export function close(c: Caller, fd: number): number | Body {
  return lastRefGuard(c, () => c.p.fdt.get(fd), () => (isCInt(fd) ? c.p.fdt.close(fd) : -U.EBADF));
}

/** dup2(2): make `newfd` refer to oldfd's file, closing what it held; `oldfd === newfd` just checks oldfd. */
export function dup2(c: Caller, oldfd: number, newfd: number): number | Body {
  if (oldfd === newfd) return c.p.fdt.get(oldfd) ? newfd : -U.EBADF;
  return lastRefGuard(c, () => c.p.fdt.get(newfd), () => dup3impl(c, oldfd, newfd, 0));
}

/** dup3(2): dup2 with O_CLOEXEC allowed in `flags`; `oldfd === newfd` gives EINVAL. */
export function dup3(c: Caller, oldfd: number, newfd: number, flags: number): number | Body {
  if (!isCInt(flags) || (flags & ~U.O_CLOEXEC) !== 0) return -U.EINVAL;
  if (oldfd === newfd) return -U.EINVAL;
  return lastRefGuard(c, () => c.p.fdt.get(newfd), () => dup3impl(c, oldfd, newfd, flags));
}

function dup3impl(c: Caller, oldfd: number, newfd: number, flags: number): number {
  const fdt = c.p.fdt;
  if (!isCInt(newfd) || newfd < 0 || newfd >= fdt.maxFds) return -U.EBADF;
  if (!fdt.get(oldfd)) return -U.EBADF;
  return fdt.replace(oldfd, newfd, (flags & U.O_CLOEXEC) !== 0);
}

/** The set in mid-transfer (held by another thread) that watches `victim`'s last reference, if any. */
function busyWatcher(c: Caller, victim: OpenFile | undefined) {
  if (c.thread === null || !victim || victim.refs !== 1) return undefined;
  const { eps, busy } = c.p.watchers(victim);
  return busy ? eps.find((x) => x.mtx.owner !== null && x.mtx.owner !== c.thread) : undefined;
}

/**
 * While the call would drop the last reference of a file that a set in mid-transfer watches,
 * wait for that set's mutex, then look again. `op` runs with no pause after the last look,
 * so no transfer can start in between.
 */
function lastRefGuard(c: Caller, victimOf: () => OpenFile | undefined, op: () => number): number | Body {
  return busyWatcher(c, victimOf()) ? waitForWatchers(c, victimOf, op) : op();
}

function* waitForWatchers(c: Caller, victimOf: () => OpenFile | undefined, op: () => number): Body {
  for (let e = busyWatcher(c, victimOf()); e; e = busyWatcher(c, victimOf())) {
    c.p.fget(e);
    try {
      yield lock(e.mtx);
      c.unlock(e.mtx);
    } finally {
      c.p.fput(e);
    }
  }
  return op();
}
