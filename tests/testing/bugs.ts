// Classic epoll bugs of user programs, each as a scenario for the testing toolkit with its
// corrected version: what tests/testing/bugs.test.ts proves explore() finds (and replays),
// and the corrected programs pass.
import * as E from "../../src/index";
import type { Kernel, EpollEvent } from "../../src/index";
import type { ExploreContext, Scenario } from "../../src/testing";

const byte = (v: number) => new Uint8Array([v]);

function pipe(k: Kernel, flags = E.O_NONBLOCK): [number, number] {
  const fds: number[] = [];
  if (k.sys.pipe2(fds, flags) !== 0) throw new Error("pipe2 failed");
  return [fds[0], fds[1]];
}

/**
 * 1. An edge-triggered reader that reads once per event instead of draining to EAGAIN. The
 * writer sends two bytes in two writes; if both land before the reader's read, the second
 * byte's edge is already spent and the reader waits forever (EDEADLK, and a lost byte).
 */
export function etReader(fixed: boolean): Scenario {
  return async (k: Kernel, ctx: ExploreContext) => {
    const [r, w] = pipe(k);
    const ep = k.sys.epoll_create1(0);
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, r, { events: E.EPOLLIN | E.EPOLLET, data: r });
    k.spawn(async (sys) => {
      for (const v of [1, 2]) {
        ctx.produce(v);
        await sys.write(w, byte(v), 1);
      }
    }, "writer");
    k.spawn(async (sys) => {
      const evs: EpollEvent[] = [];
      let got = 0;
      while (got < 2) {
        if ((await sys.epoll_wait(ep, evs, 1, -1)) !== 1) throw new Error("epoll_wait failed");
        for (;;) {
          const b = new Uint8Array(1);
          const n = await sys.read(r, b, 1);
          if (n === -E.EAGAIN) break;
          if (n !== 1) throw new Error(`read returned ${n}`);
          ctx.consume(b[0]);
          got++;
          if (!fixed) break; // the bug: one read per edge
        }
      }
    }, "reader");
  };
}

/**
 * 2. Two workers share a level-triggered set without EPOLLONESHOT: both can be told about
 * the same readable fd, and the second one's read finds nothing (or handles a request twice).
 * The corrected workers arm the fd with EPOLLONESHOT and re-arm it (EPOLL_CTL_MOD) after
 * handling one request.
 */
export function sharedLt(fixed: boolean): Scenario {
  return async (k: Kernel, ctx: ExploreContext) => {
    const [r, w] = pipe(k);
    const ep = k.sys.epoll_create1(0);
    const mask = E.EPOLLIN | (fixed ? E.EPOLLONESHOT : 0);
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, r, { events: mask, data: r });
    for (const v of [1, 2]) {
      ctx.produce(v);
      k.sys.write(w, byte(v), 1);
    }
    let handled = 0;
    for (const name of ["worker-a", "worker-b"]) {
      k.spawn(async (sys) => {
        const evs: EpollEvent[] = [];
        while (handled < 2) {
          const n = await sys.epoll_wait(ep, evs, 1, 5);
          if (n === 0) continue; // a timeout: look at `handled` again
          const b = new Uint8Array(1);
          const got = await sys.read(r, b, 1);
          if (got !== 1) throw new Error(`${name}: told fd ${r} is readable, read returned ${E.errnoName(got)}`);
          ctx.consume(b[0]);
          handled++;
          if (fixed) await sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, r, { events: mask, data: r });
        }
      }, name);
    }
  };
}

/**
 * 3. Closing an fd another thread still waits on. The stopper writes a "quit" byte and
 * closes the read end at once: if the close lands before the waiter's epoll_wait sees the
 * byte, the item is gone with the file and the waiter sleeps forever (EDEADLK). The
 * corrected stopper closes only after the waiter has finished (join).
 */
export function closeWhileWaiting(fixed: boolean): Scenario {
  return async (k: Kernel) => {
    const [r, w] = pipe(k);
    const ep = k.sys.epoll_create1(0);
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, r, { events: E.EPOLLIN, data: r });
    const waiter = k.spawn(async (sys) => {
      const evs: EpollEvent[] = [];
      const n = await sys.epoll_wait(ep, evs, 1, -1);
      if (n !== 1) throw new Error(`epoll_wait returned ${n}`);
    }, "waiter");
    k.spawn(async (sys) => {
      await sys.write(w, byte(0x71), 1);
      if (fixed) await waiter.join();
      await sys.close(r);
    }, "stopper");
  };
}

/**
 * 4. EPOLL_CTL_MOD racing EPOLL_CTL_DEL (the 2002 thread's race, which Linux now serializes
 * under ep->mtx): a worker re-arms a one-shot connection after handling it while a closer
 * removes and closes it. The re-arm then fails (ENOENT, or EBADF once the fd is closed);
 * the buggy worker treats that as impossible. The corrected one takes it as "gone".
 */
export function modAfterDel(fixed: boolean): Scenario {
  return async (k: Kernel) => {
    const [r, w] = pipe(k);
    const ep = k.sys.epoll_create1(0);
    const mask = E.EPOLLIN | E.EPOLLONESHOT;
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, r, { events: mask, data: r });
    k.sys.write(w, byte(1), 1);
    k.spawn(async (sys) => {
      const evs: EpollEvent[] = [];
      // Nothing within 10 ms: the connection was closed before the worker looked.
      if ((await sys.epoll_wait(ep, evs, 1, 10)) !== 1) return;
      await sys.read(r, new Uint8Array(1), 1);
      const m = await sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, r, { events: mask, data: r });
      if (m !== 0 && !(fixed && (m === -E.ENOENT || m === -E.EBADF))) throw new Error(`re-arm failed: ${E.errnoName(m)}`);
    }, "worker");
    k.spawn(async (sys) => {
      await sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, r, null);
      await sys.close(r);
    }, "closer");
  };
}

/**
 * 5. The 2017 seed's bug in user space: waiters with timeouts share one event queue for
 * their alarms, so one waiter can take another's alarm. Each waiter arms its own timerfd,
 * but all the timerfds sit in one shared epoll set; a waiter takes the first alarm it is
 * given as its own. A short waiter's alarm can go to the long one, and the short one then
 * sleeps until the long alarm (the "long, undetermined amount of time" of the commit). The
 * fix, as in the commit: a queue per waiter (its own epoll set).
 */
export function sharedAlarmQueue(fixed: boolean): Scenario {
  return async (k: Kernel) => {
    const shared = k.sys.epoll_create1(0);
    for (const [name, ms] of [["short", 10], ["long", 30]] as const) {
      const tfd = k.sys.timerfd_create(E.CLOCK_MONOTONIC, E.TFD_NONBLOCK);
      const queue = fixed ? k.sys.epoll_create1(0) : shared;
      k.sys.epoll_ctl(queue, E.EPOLL_CTL_ADD, tfd, { events: E.EPOLLIN, data: tfd });
      k.spawn(async (sys) => {
        const start = k.now();
        await sys.timerfd_settime(tfd, 0, { it_interval: { tv_sec: 0, tv_nsec: 0 }, it_value: { tv_sec: 0, tv_nsec: ms * 1e6 } }, null);
        const evs: EpollEvent[] = [];
        if ((await sys.epoll_wait(queue, evs, 1, -1)) !== 1) throw new Error("epoll_wait failed");
        await sys.read(Number(evs[0].data), new Uint8Array(8), 8); // "my" alarm
        const waited = Number(k.now() - start) / 1e6;
        if (waited !== ms) throw new Error(`${name} waiter asked for ${ms} ms and woke after ${waited} ms`);
      }, name);
    }
  };
}

/** Every bug with its name. */
export const BUGS: { name: string; make: (fixed: boolean) => Scenario }[] = [
  { name: "edge-triggered reader that does not drain", make: etReader },
  { name: "shared LT set without EPOLLONESHOT", make: sharedLt },
  { name: "close of an fd another thread waits on", make: closeWhileWaiting },
  { name: "MOD racing DEL (2002)", make: modAfterDel },
  { name: "shared alarm queue (2017)", make: sharedAlarmQueue },
];
