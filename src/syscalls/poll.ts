// poll(2) (fs/select.c: do_sys_poll, do_poll), written once for kernel.sys and threads
// (see pause.ts): read the pollfds, scan, sleep on every queue the files polled on until a
// wakeup, the timeout or a signal, scan again, and copy every revents out at the end.
import * as U from "../uapi.js";
import type { Process } from "../kernel/process.js";
import type { PollTable } from "../kernel/file.js";
import { WaitEntry, type WaitQueueHead } from "../kernel/waitqueue.js";
import { isCInt, isInt, msToNs, type PollFd, type PollRequest } from "./args.js";
import { sleep, type Body, type Caller } from "./pause.js";

/** poll(2): fills `revents` of `fds[0 … nfds)`; returns how many are non-zero. `timeout` in ms (-1 infinite). */
export function poll(c: Caller, fds: PollFd[], nfds: number, timeout: number): number | Body {
  const req = pollRequests(c.p, fds, nfds, timeout);
  if (typeof req === "number") return req;
  return do_poll(c, req, timeout);
}

/** poll()'s argument checks: the requests to scan, or -errno. */
function pollRequests(p: Process, fds: PollFd[], nfds: number, timeout: number): PollRequest[] | number {
  if (!isInt(nfds) || nfds < 0 || nfds > p.fdt.maxFds) return -U.EINVAL;
  if (!isCInt(timeout)) return -U.EINVAL;
  const req: PollRequest[] = [];
  try {
    // nfds 0 reads nothing: poll(NULL, 0, timeout) is the classic portable sleep.
    if (nfds > 0 && (!Array.isArray(fds) || fds.length < nfds)) return -U.EFAULT;
    for (let i = 0; i < nfds; i++) {
      const pfd = fds[i];
      if (pfd === null || typeof pfd !== "object") return -U.EFAULT;
      const { fd, events: ev } = pfd;
      if (!isCInt(fd) || !isInt(ev)) return -U.EFAULT;
      req.push({ fd, events: ev & 0xffff, pollfd: pfd });
    }
  } catch {
    return -U.EFAULT; // a getter or proxy trap that throws: the array cannot be read
  }
  return req;
}

/**
 * One pass of do_poll over the requests: each one's revents (a negative fd: 0; a closed
 * one: POLLNVAL; else the file's poll within the request, ERR and HUP always). `tableFor`
 * gives the poll table each file queues its wait entries on (a thread's first pass), or null.
 */
export function pollScan(p: Process, req: PollRequest[], tableFor: ((want: number) => PollTable) | null): number[] {
  return req.map(({ fd, events }) => {
    if (fd < 0) return 0;
    const f = p.fdt.get(fd);
    if (!f) return U.EPOLLNVAL;
    const want = events | U.EPOLLERR | U.EPOLLHUP;
    return f.poll(tableFor ? tableFor(want) : null, 0, want) & want;
  });
}

const nonZero = (revents: number[]): number => revents.reduce((n, r) => (r !== 0 ? n + 1 : n), 0);

/** do_poll and the copy-out of do_sys_poll. */
function* do_poll(c: Caller, req: PollRequest[], timeout: number): Body {
  const p = c.p;
  const deadline = timeout < 0 ? -1n : p.now() + msToNs(timeout);
  if (timeout > 0) c.arm(deadline);
  let timedOut = timeout === 0;
  const entries: WaitEntry[] = [];
  // The first pass of a thread queues a pollwake entry on every head each file polls on
  // (kernel.sys sleeps only on the clock: it needs none).
  const table = c.thread === null ? null : (want: number): PollTable => ({
    key: want,
    queue: (head: WaitQueueHead) => {
      const e = new WaitEntry((key) => {
        if (key && !(key & want)) return 0;
        c.wake();
        return 1;
      }, false);
      head.add(e);
      entries.push(e);
    },
  });
  try {
    let revents = pollScan(p, req, table);
    for (;;) {
      p.rethrow(); // a file's poll that threw (under an epoll fd's scan)
      const count = nonZero(revents);
      if (count > 0 || timedOut) return storeRevents(req, revents, count);
      if (c.signalPending()) {
        // do_sys_poll copies every revents (all 0 here) out even when interrupted; a
        // store that faults turns -EINTR into -EFAULT. The handler runs either way.
        const stored = storeRevents(req, revents, 0);
        const r = c.interrupted();
        return stored < 0 ? stored : r;
      }
      // kernel.sys re-scans after each timer it fires (ready()); that scan is the pass after
      // the wakeup. A thread scans when it runs again.
      let scanned = false;
      const woke = yield sleep(deadline, "poll", () => {
        revents = pollScan(p, req, null);
        scanned = true;
        return nonZero(revents) > 0;
      });
      if (typeof woke === "number") return woke;
      timedOut = woke === "timeout";
      if (!scanned) revents = pollScan(p, req, null);
    }
  } finally {
    for (const e of entries) e.head?.remove(e);
  }
}

/** Copies each revents back into the pollfd read at entry, in order; -EFAULT if a store faults. */
function storeRevents(req: PollRequest[], revents: number[], count: number): number {
  try {
    for (let i = 0; i < req.length; i++) req[i].pollfd.revents = revents[i];
  } catch {
    return -U.EFAULT;
  }
  return count;
}
