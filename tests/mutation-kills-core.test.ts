// Tests written to kill mutants of the core (scripts/core-mutants.json, `npm run
// mutate:core`) that the rest of the suite let survive. Each names the mutant(s) it kills.
// The expected values are Linux's: the programs (tests/diff/program.ts line format) were
// run on the real kernel with tests/native/oracle.c, and are again whenever the oracle can
// be built here; the fdinfo lines were read from /proc/self/fdinfo on Linux 6.18.
import * as E from "../src/index";
import { oracleState, runLinux } from "./diff/native";
import { runModel, textToProgram } from "./diff/program";
import { newKernel, tags } from "./helpers";

const { EPOLL_CTL_ADD: ADD, EPOLL_CTL_MOD: MOD } = E;

const native = oracleState().native;
/** The model prints what Linux printed (and Linux still does, when the oracle runs here). */
function agrees(program: string[], linux: string[]): void {
  const p = textToProgram(program.join("\n"));
  if (native) expect(runLinux(p)).toEqual(linux);
  expect(runModel(p)).toEqual(linux);
}

/** The `events:` field of each item line of an epoll fd's fdinfo. */
function fdinfoEvents(k: E.Kernel, epfd: number): string[] {
  const text = k.sys.fdinfo(epfd);
  if (typeof text !== "string") throw new Error(`fdinfo failed: ${text}`);
  return [...text.matchAll(/^tfd:\s+\d+ events:\s+([0-9a-f]+) /gm)].map((m) => m[1]);
}

describe("ONESHOT disarm keeps exactly the private bits (EP_PRIVATE_BITS)", () => {
  // kills: private-bits-without-et, private-bits-without-oneshot
  test("fdinfo of a fired ONESHOT|ET item shows c0000000 (ONESHOT and ET kept, poll bits cleared)", () => {
    const k = newKernel();
    const p: number[] = [];
    expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
    const ep = k.sys.epoll_create1(0);
    expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: E.EPOLLIN | E.EPOLLONESHOT | E.EPOLLET, data: 7 })).toBe(0);
    expect(fdinfoEvents(k, ep)).toEqual(["c0000019"]);
    expect(k.sys.write(p[1], new Uint8Array([0x78]), 1)).toBe(1);
    expect(tags(k, ep)).toEqual([7]);
    expect(fdinfoEvents(k, ep)).toEqual(["c0000000"]);
    // Disarmed: the hang-up of the write end is not reported either.
    expect(k.sys.close(p[1])).toBe(0);
    expect(tags(k, ep)).toEqual([]);
  });

  test("fdinfo of a fired ONESHOT item (level-triggered) shows 40000000", () => {
    const k = newKernel();
    const efd = k.sys.eventfd(0, E.EFD_NONBLOCK);
    const ep = k.sys.epoll_create1(0);
    expect(k.sys.epoll_ctl(ep, ADD, efd, { events: E.EPOLLIN | E.EPOLLONESHOT, data: 1 })).toBe(0);
    expect(k.sys.write(efd, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]), 8)).toBe(8);
    expect(tags(k, ep)).toEqual([1]);
    expect(fdinfoEvents(k, ep)).toEqual(["40000000"]);
    // MOD re-arms with the new mask (ERR|HUP added): reported again, in order.
    expect(k.sys.epoll_ctl(ep, MOD, efd, { events: E.EPOLLIN | E.EPOLLONESHOT, data: 2 })).toBe(0);
    expect(fdinfoEvents(k, ep)).toEqual(["40000019"]);
    expect(tags(k, ep)).toEqual([2]);
  });
});

describe("ep_poll_callback: what a wakeup may queue", () => {
  // kills: callback-disabled-item-queued. A disarmed ONESHOT item must not be queued by a
  // wakeup. A keyed wakeup is filtered anyway (the key misses its mask); a keyless one is
  // not: closing a pipe's last writer wakes the readers' queue with no key. Were the item
  // queued, it would keep its place on the ready list, and the MOD that re-arms it would
  // not move it behind the eventfd that became ready in between.
  test("a keyless wakeup of a disarmed ONESHOT item does not queue it (order after the re-arming MOD)", () => {
    agrees([
      "epc 0", "pipe 0x800", "efd 0 0x800",
      "ctl 3 1 4 0x40000001 1", // pipe read end: EPOLLIN|EPOLLONESHOT
      "ctl 3 1 6 0x1 2", // eventfd: EPOLLIN
      "write 5 1 0", "wait 3 8", // delivered, disarmed
      "close 5", // last writer gone: keyless wakeup of the read side
      "write 6 8 1", // the eventfd becomes ready
      "ctl 3 3 4 0x40000001 1", // MOD re-arms: ready (IN|HUP), queued now, behind the eventfd
      "wait 3 8",
    ], ["3", "0 4 5", "6", "0", "0", "1", "1 0x1:1", "0", "8", "0", "2 0x1:2 0x11:1"]);
  });

  test("a keyed wakeup of a disarmed ONESHOT item does not queue it either", () => {
    agrees([
      "epc 0", "efd 0 0x800", "pipe 0x800",
      "ctl 3 1 4 0x40000001 1", "ctl 3 1 5 0x1 2",
      "write 4 8 1", "wait 3 8",
      "write 4 8 1", // EPOLLIN wakeup of the disarmed item
      "write 6 1 0",
      "ctl 3 3 4 0x40000001 1",
      "wait 3 8",
    ], ["3", "4", "0 5 6", "0", "0", "8", "1 0x1:1", "8", "1", "0", "2 0x1:2 0x1:1"]);
  });

  // The key filter: an eventfd read wakes its queue with EPOLLOUT; an EPOLLIN|ET item that
  // is not ready must not be queued by it (it would then hold its place ahead of the pipe).
  test("a wakeup whose key holds none of the item's events does not queue it (order)", () => {
    agrees([
      "epc 0", "efd 0 0x800", "pipe 0x800",
      "ctl 3 1 4 0x80000001 1", // efd: EPOLLIN|EPOLLET
      "ctl 3 1 5 0x1 2",
      "write 4 8 1", "wait 3 8", // delivered, off the list (ET)
      "read 4 8", // counter 0: wakes with EPOLLOUT
      "write 6 1 0",
      "write 4 8 1", // now EPOLLIN: queued behind the pipe
      "wait 3 8",
    ], ["3", "4", "0 5 6", "0", "0", "8", "1 0x1:1", "8 h=3e801244 v=1", "1", "8", "2 0x1:2 0x1:1"]);
  });
});

describe("__ep_eventpoll_poll drops queued items that are not ready", () => {
  // kills: nested-poll-keeps-unready. poll() on the epoll fd re-polls the queued eventfd,
  // finds it drained and drops it; queued again by the next write, it goes behind the pipe.
  test("poll() of the set drops a drained item from the ready list (order afterwards)", () => {
    agrees([
      "epc 0", "efd 0 0x800", "pipe 0x800",
      "ctl 3 1 4 0x1 1", "ctl 3 1 5 0x1 2",
      "write 4 8 1", // efd queued
      "read 4 8", // drained (the EPOLLOUT wakeup leaves it queued)
      "poll 3:1", // the set is not readable: the efd item is dropped
      "write 6 1 0", "write 4 8 1",
      "wait 3 8",
    ], ["3", "4", "0 5 6", "0", "0", "8", "8 h=3e801244 v=1", "0 0x0", "1", "8", "2 0x1:2 0x1:1"]);
  });
});

describe("reverse path check when a plain file is added to a set that is itself watched", () => {
  // kills: path-limits-not-counted-for-watched-set. Adding the pipe to e0 creates 12 paths
  // of length 5 (p <- e0 <- e1 <- e2 <- e3 <- top): over the limit of 10, so Linux refuses
  // it with EINVAL although the target is not an epoll file (full_check: e0 is watched).
  function chain(k: E.Kernel, tops: number): { e: number[]; p: number[] } {
    const p: number[] = [];
    expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
    const e = [0, 1, 2, 3].map(() => k.sys.epoll_create1(0));
    for (let i = 1; i < 4; i++) expect(k.sys.epoll_ctl(e[i], ADD, e[i - 1], { events: E.EPOLLIN })).toBe(0);
    const r = Array.from({ length: tops }, () => k.sys.epoll_ctl(k.sys.epoll_create1(0), ADD, e[3], { events: E.EPOLLIN }));
    expect(r).toEqual(new Array(tops).fill(0)); // no file below yet: no path to count
    return { e, p };
  }
  test("12 watchers above: EINVAL for either end of the pipe", () => {
    const k = newKernel({ maxFds: 4096 });
    const { e, p } = chain(k, 12);
    expect(k.sys.epoll_ctl(e[0], ADD, p[0], { events: E.EPOLLIN })).toBe(-E.EINVAL);
    expect(k.sys.epoll_ctl(e[0], ADD, p[1], { events: E.EPOLLIN })).toBe(-E.EINVAL);
    expect(k.userWatches()).toBe(3 + 12);
  });
  test("10 watchers above: allowed", () => {
    const k = newKernel({ maxFds: 4096 });
    const { e, p } = chain(k, 10);
    expect(k.sys.epoll_ctl(e[0], ADD, p[0], { events: E.EPOLLIN })).toBe(0);
  });
});

describe("do_epoll_ctl refuses fd == epfd before it needs ep->mtx", () => {
  // kills: errno-same-file-allowed. Linux checks `f.file == tf.file` (EINVAL) before it
  // takes ep->mtx, so the answer does not depend on a transfer in progress; the model's
  // synchronous caller, which cannot sleep on the mutex, must get EINVAL too (not EAGAIN).
  test("a synchronous epoll_ctl(ep, ADD, ep) during another thread's transfer: EINVAL", async () => {
    const k = newKernel();
    const ep = k.sys.epoll_create1(0);
    const efds = [0, 1, 2, 3].map((i) => {
      const fd = k.sys.eventfd(1, E.EFD_NONBLOCK);
      expect(k.sys.epoll_ctl(ep, ADD, fd, { events: E.EPOLLIN, data: i })).toBe(0);
      return fd;
    });
    const mtx = (k.fdt.get(ep) as unknown as { mtx: { owner: unknown } }).mtx;
    let done = false;
    const w1 = k.spawn(async (ts) => {
      const out: E.EpollEvent[] = [];
      const n = await ts.epoll_wait(ep, out, 4, 0);
      done = true;
      return n;
    }, "W1");
    const seen: number[] = [];
    const w2 = k.spawn(async (ts) => {
      while (!done) {
        if (mtx.owner === w1) {
          seen.push(k.sys.epoll_ctl(ep, ADD, ep, { events: E.EPOLLIN }));
          seen.push(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, ep, null));
        }
        await ts.fcntl(0, E.F_GETFD); // a scheduling point
      }
    }, "W2");
    await k.run();
    expect(await w1.join()).toBe(4);
    await w2.join();
    expect(seen.length).toBeGreaterThan(0); // W2 did act in mid-transfer
    expect(new Set(seen)).toEqual(new Set([-E.EINVAL]));
    // Outside a transfer, the same answers.
    expect(k.sys.epoll_ctl(ep, ADD, ep, { events: E.EPOLLIN })).toBe(-E.EINVAL);
    efds.forEach((fd) => expect(k.sys.close(fd)).toBe(0));
  });
});

describe("wakeups through the deepest legal nest", () => {
  // The nested-wakeup cap (ep_poll_safewake) must let the deepest chain the loop check
  // admits — a -> b -> c1 -> c2 -> c3, 4 levels — wake a poll() sleeping on the outermost
  // set. kills: safewake-cap-two-lower (safewake-cap-one-lower is equivalent: see
  // scripts/core-mutants.json).
  test("a write into the innermost set wakes poll() on the outermost one", async () => {
    const k = newKernel();
    const p: number[] = [];
    expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
    const sets = [0, 1, 2, 3, 4].map(() => k.sys.epoll_create1(0));
    for (let i = 0; i < 4; i++) expect(k.sys.epoll_ctl(sets[i], ADD, sets[i + 1], { events: E.EPOLLIN })).toBe(0);
    expect(k.sys.epoll_ctl(sets[4], ADD, p[0], { events: E.EPOLLIN })).toBe(0);
    let polled = false;
    const t = k.spawn(async (ts) => {
      const pfd = [{ fd: sets[0], events: E.POLLIN, revents: 0 }];
      polled = true;
      const n = await ts.poll(pfd, 1, -1);
      return [n, pfd[0].revents];
    }, "poller");
    const w = k.spawn(async (ts) => {
      while (!polled) await ts.fcntl(0, E.F_GETFD);
      await ts.fcntl(0, E.F_GETFD); // the poller is asleep now
      return ts.write(p[1], new Uint8Array([1]), 1);
    }, "writer");
    await k.run();
    expect(await w.join()).toBe(1);
    expect(await t.join()).toEqual([1, E.POLLIN]);
  });
});
