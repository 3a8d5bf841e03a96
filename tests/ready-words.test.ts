// Published readiness (assembly/fep.ts, src/kernel/ready-words.ts): a pipe keeps each end's
// poll mask in its file's readiness word in the core, and the core re-polls ready items
// from there instead of calling vfs_poll. The word must equal what poll would say after
// every call, be cleared for the next file that takes the id, and be withdrawn while the
// testing toolkit records footprints (every poll must reach the host then).
import fc from "fast-check";
import * as E from "../src/index";
import { READY_VALID } from "../src/abi";
import type { OpenFile } from "../src/kernel/file";
import { newKernel } from "./helpers";

/** The readiness word of the file behind `fd` (0: not published). */
function word(k: E.Kernel, fd: number): number {
  const f = k.fdt.get(fd)!;
  const addr = k.core.file_ready_word(f.id);
  expect(addr).toBeGreaterThan(0);
  return new Uint32Array(k.core.memory.buffer)[addr >>> 2];
}

/** What the file's f_op->poll says now. */
const pollNow = (f: OpenFile) => f.poll(null, 0) >>> 0;

test("a pipe's words follow every write, read and close (random sequences)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 70000 })), { maxLength: 60 }),
      (ops) => {
        const k = newKernel();
        const pipes: number[][] = [];
        for (let i = 0; i < 3; i++) {
          const p: number[] = [];
          expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
          pipes.push(p);
        }
        const ep = k.sys.epoll_create1(0);
        for (const [i, p] of pipes.entries()) {
          expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 2 * i })).toBe(0);
          expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[1], { events: E.EPOLLOUT, data: 2 * i + 1 })).toBe(0);
        }
        const buf = new Uint8Array(70000);
        for (const [op, i, n] of ops) {
          const [r, w] = pipes[i];
          if (op <= 1 && w >= 0) k.sys.write(w, buf, n);
          else if (op <= 3 && r >= 0) k.sys.read(r, buf, n);
          else if (op === 4 && w >= 0) {
            expect(k.sys.close(w)).toBe(0);
            pipes[i][1] = -1;
          } else if (op === 5 && r >= 0) {
            expect(k.sys.close(r)).toBe(0);
            pipes[i][0] = -1;
          }
          for (const p of pipes) for (const fd of p) if (fd >= 0) expect(word(k, fd)).toBe((pollNow(k.fdt.get(fd)!) | READY_VALID) >>> 0);
          // And the harvest, answered from the words, is what the files say.
          const got = k.sys.epoll_wait_into(ep, new Uint32Array(3 * 8), 8, 0);
          expect(got).toBeGreaterThanOrEqual(0);
        }
        const want: number[] = [];
        for (const p of pipes) for (const fd of p) if (fd >= 0) want.push(pollNow(k.fdt.get(fd)!));
        expect(want.every((m) => (m & READY_VALID) === 0)).toBe(true);
        k.fdt.closeAll();
      }
    ),
    { seed: 4242, numRuns: 60 }
  );
});

test("level-triggered delivery follows the pipe as the words change", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 1 })).toBe(0);
  const out = new Uint32Array(3 * 4);
  expect(k.sys.epoll_wait_into(ep, out, 4, 0)).toBe(0);
  expect(k.sys.write(p[1], new Uint8Array(3), 3)).toBe(3);
  expect(k.sys.epoll_wait_into(ep, out, 4, 0)).toBe(1);
  expect([out[0], out[1]]).toEqual([E.EPOLLIN, 1]);
  expect(k.sys.epoll_wait_into(ep, out, 4, 0)).toBe(1); // still readable: re-queued
  expect(k.sys.read(p[0], new Uint8Array(3), 3)).toBe(3);
  expect(k.sys.epoll_wait_into(ep, out, 4, 0)).toBe(0); // the re-poll sees it empty
  expect(k.sys.close(p[1])).toBe(0); // the writer goes: EPOLLHUP
  expect(k.sys.epoll_wait_into(ep, out, 4, 0)).toBe(1);
  expect(out[0]).toBe(E.EPOLLHUP);
});

test("a reused file id starts unpublished: an eventfd after a pipe is polled through the host", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
  expect(k.sys.write(p[1], new Uint8Array(1), 1)).toBe(1);
  const id = k.fdt.get(p[0])!.id;
  expect(word(k, p[0])).toBe((E.EPOLLIN | E.EPOLLRDNORM | READY_VALID) >>> 0);
  expect(k.sys.close(p[0])).toBe(0);
  const efd = k.sys.eventfd(0, E.EFD_NONBLOCK);
  expect(k.fdt.get(efd)!.id).toBe(id);
  expect(word(k, efd)).toBe(0);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN, data: 5 })).toBe(0);
  expect(k.sys.epoll_wait_into(ep, new Uint32Array(3), 1, 0)).toBe(0); // not the pipe's EPOLLIN
});

test("while footprints are recorded, nothing is published (every poll reaches the host)", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
  expect(word(k, p[1])).toBe((E.EPOLLOUT | E.EPOLLWRNORM | READY_VALID) >>> 0);
  const touched: unknown[] = [];
  // The toolkit's hooks, as a recording run plugs them in: no faults, footprints kept.
  k.attachHooks({
    pick: (ready) => ready[0],
    timeAdvanced: () => {},
    fault: () => 0,
    faultUnused: () => {},
    called: () => {},
    fp: { touch: (key: object | string) => void touched.push(key) },
    preemptWakeups: false,
  });
  expect(word(k, p[0])).toBe(0);
  expect(word(k, p[1])).toBe(0);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 1 })).toBe(0);
  expect(k.sys.write(p[1], new Uint8Array(1), 1)).toBe(1);
  expect(word(k, p[0])).toBe(0);
  const r: number[] = [];
  expect(k.sys.pipe2(r, E.O_NONBLOCK)).toBe(0);
  expect(word(k, r[0])).toBe(0);
  touched.length = 0;
  expect(k.sys.epoll_wait_into(ep, new Uint32Array(3), 1, 0)).toBe(1);
  expect(touched).toContain(k.fdt.get(p[0])); // the transfer's re-poll was recorded
});
