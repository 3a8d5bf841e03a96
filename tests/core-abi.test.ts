// The raw core ABI: generation-checked handles are refused when stale, forged or out of
// range (never dereferenced), and an abort makes the kernel refuse further calls.
import * as E from "../src/index";
import fc from "fast-check";
import { newKernel, isDebugCore, bytes } from "./helpers";

test("stale and forged handles are rejected with -EBADF", () => {
  const k = newKernel();
  const core = k.core;
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const epfd = k.sys.epoll_create1(0);
  const ep = (k.fdt.get(epfd) as unknown as { ep: number }).ep;
  expect(ep).toBeGreaterThan(0);
  expect(core.events_available(ep)).toBe(0);
  k.sys.close(epfd);
  // The handle's generation no longer matches: every export refuses it.
  expect(core.events_available(ep)).toBe(-E.EBADF);
  expect(core.epoll_send_events(ep, 1, 0)).toBe(-E.EBADF);
  expect(core.eventpoll_poll(ep, 0)).toBe(-E.EBADF);
  expect(core.epoll_release(ep)).toBe(-E.EBADF);
  expect(core.set_waitqueue_active(ep, 0, 1)).toBe(-E.EBADF);
  expect(core.epoll_ctl(ep, E.EPOLL_CTL_ADD, 1, 3, 1 | 2 | 4, 0, 0, E.EPOLLIN, 0, 0)).toBe(-E.EBADF);
  expect(core.ep_item_next(ep, 0)).toBe(-E.EBADF);
  // File ids: one the file table holds (nothing watches it) is released as a no-op; one it
  // never reserved is refused.
  for (const id of [0, 1, 1023]) expect(core.eventpoll_release_file(id, 0)).toBe(0);
  for (const id of [-1, 0x7fffffff, 0x00800001, 1 << 24]) expect(core.eventpoll_release_file(id, 0)).toBe(-E.EBADF);
  for (const h of [0, -1, 1, 0x7fffffff, 0x00800001, 12345]) {
    expect(core.eventpoll_release_file(0, h)).toBe(h === 0 ? 0 : -E.EBADF);
    expect(core.poll_callback(h, 0)).toBe(-E.EBADF);
    expect(core.epitem_field(h, 1)).toBe(-E.EBADF);
    expect(core.wakeup_source_field(0, h, 0)).toBe(-E.EBADF);
  }
  expect(k.userWatches()).toBe(0);
});

test("a stale EppollEntry handle (item deleted) cannot queue anything", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const epfd = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(epfd, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN })).toBe(0);
  // The first wait entry of a fresh kernel's first item is embedded in the item: its handle
  // is the item's (generation 1, slot 1) negated.
  const pwq = -((1 << 23) | 1);
  expect(k.core.pwq_item(pwq)).toBeGreaterThan(0);
  expect(k.core.poll_callback(pwq, E.EPOLLIN)).toBe(1);
  expect(k.sys.epoll_ctl(epfd, E.EPOLL_CTL_DEL, p[0], null)).toBe(0);
  expect(k.core.poll_callback(pwq, E.EPOLLIN)).toBe(-E.EBADF);
  expect(k.core.pwq_item(pwq)).toBe(-E.EBADF);
  // The slot is reused with the next generation; the old handle still does not match.
  expect(k.sys.epoll_ctl(epfd, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN })).toBe(0);
  expect(k.core.pwq_item(pwq)).toBe(-E.EBADF);
  expect(k.core.pwq_item(-((2 << 23) | 1))).toBeGreaterThan(0);
});

test("random interleavings of ADD/MOD/DEL/close keep the tree and lists valid (debug walk)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 39 })), { minLength: 1, maxLength: 300 }),
      (ops) => {
        const k = newKernel();
        const fds: number[] = [];
        for (let i = 0; i < 20; i++) {
          const p: number[] = [];
          k.sys.pipe2(p, E.O_NONBLOCK);
          fds.push(...p);
        }
        const ep = k.sys.epoll_create1(0);
        const registered = new Set<number>();
        for (const [op, i] of ops) {
          const fd = fds[i];
          if (op === 0) {
            const r = k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN | E.EPOLLOUT, data: i });
            expect(r).toBe(registered.has(fd) ? -E.EEXIST : 0);
            registered.add(fd);
          } else if (op === 1) {
            expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, fd, null)).toBe(registered.delete(fd) ? 0 : -E.ENOENT);
          } else if (op === 2) {
            expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, fd, { events: E.EPOLLIN | E.EPOLLET, data: i })).toBe(registered.has(fd) ? 0 : -E.ENOENT);
          } else if (op === 3) {
            k.sys.write(fds[i | 1], bytes(1), 1);
          } else if (op === 4) {
            const out: E.EpollEvent[] = [];
            const n = k.sys.epoll_wait(ep, out, 1 + (i % 7), 0);
            expect(n).toBeGreaterThanOrEqual(0);
            for (const e of out.slice(0, n)) expect(registered.has(fds[Number(e.data)])).toBe(true);
          } else {
            k.sys.read(fds[i & ~1], new Uint8Array(2), 2);
          }
          if (isDebugCore()) expect(k.invariants()).toBe(0);
          expect(k.userWatches()).toBe(registered.size);
        }
      },
    ),
    { seed: 20261121, numRuns: 60 },
  );
});

test("many registrations: the tree stays balanced and lookups exact", () => {
  const k = newKernel({ maxFds: 5000 });
  const ep = k.sys.epoll_create1(0);
  const efds: number[] = [];
  for (let i = 0; i < 2000; i++) efds.push(k.sys.eventfd(0, E.EFD_NONBLOCK));
  for (const [i, fd] of efds.entries()) expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: i })).toBe(0);
  if (isDebugCore()) expect(k.invariants()).toBe(0);
  for (let i = 0; i < efds.length; i += 3) expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, efds[i], null)).toBe(0);
  if (isDebugCore()) expect(k.invariants()).toBe(0);
  for (let i = 0; i < efds.length; i++) {
    const r = k.sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, efds[i], { events: E.EPOLLIN, data: i });
    expect(r).toBe(i % 3 === 0 ? -E.ENOENT : 0);
  }
  expect(k.userWatches()).toBe(2000 - 667);
});

test("max_user_watches: ENOSPC past the limit, across sets; DEL and close give slots back", () => {
  const k = newKernel({ maxUserWatches: 3 });
  const a = k.sys.epoll_create1(0);
  const b = k.sys.epoll_create1(0);
  const e = [0, 1, 2, 3].map(() => k.sys.eventfd(0, 0));
  expect(k.sys.epoll_ctl(a, E.EPOLL_CTL_ADD, e[0], { events: E.EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(b, E.EPOLL_CTL_ADD, e[1], { events: E.EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(b, E.EPOLL_CTL_ADD, e[2], { events: E.EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(a, E.EPOLL_CTL_ADD, e[3], { events: E.EPOLLIN })).toBe(-E.ENOSPC);
  expect(k.sys.epoll_ctl(b, E.EPOLL_CTL_DEL, e[1], null)).toBe(0);
  expect(k.sys.epoll_ctl(a, E.EPOLL_CTL_ADD, e[3], { events: E.EPOLLIN })).toBe(0);
  expect(k.sys.close(b)).toBe(0);
  expect(k.userWatches()).toBe(2);
});

test("memory exhaustion: ENOMEM at the cap with existing state intact, room again after DEL", () => {
  const k = newKernel({ maxMemoryBytes: 4 * 65536, maxFds: 100000, maxUserWatches: 1 << 20 });
  const ep = k.sys.epoll_create1(0);
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 1 })).toBe(0);
  const fds: number[] = [];
  let r = 0;
  while (r === 0) {
    const fd = k.sys.eventfd(0, 0);
    fds.push(fd);
    r = k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN });
  }
  expect(r).toBe(-E.ENOMEM);
  expect(fds.length).toBeGreaterThan(100);
  const watches = k.userWatches();
  k.sys.write(p[1], bytes(1), 1);
  const out: E.EpollEvent[] = [];
  expect(k.sys.epoll_wait(ep, out, 4, 0)).toBe(1);
  expect(out[0].data).toBe(1n);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, fds[0], null)).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fds[fds.length - 1], { events: E.EPOLLIN })).toBe(0);
  expect(k.userWatches()).toBe(watches);
});

test("a core abort surfaces as an error naming the core file, and the kernel refuses further calls", () => {
  const k = newKernel();
  if (!isDebugCore()) {
    expect(k.core.debug_selftest_abort()).toBe(-38); // ENOSYS: asserts are compiled out
    return;
  }
  expect(() => k.core.debug_selftest_abort()).toThrow(E.CoreAbortError);
  expect(k.dead?.message).toMatch(/selftest abort requested by the host \(assembly\/index\.ts:\d+:\d+\)/);
  expect(() => k.sys.epoll_create1(0)).toThrow(/refuses calls after a core abort/);
  expect(() => k.sys.close(3)).toThrow(/refuses calls after a core abort/);
});
