// Nesting limits (ELOOP, the reverse path check), EPOLLWAKEUP accounting, and fdinfo.
import * as E from "../src/index";
import { newKernel, tags, bytes } from "./helpers";

const { EPOLL_CTL_ADD: ADD, EPOLL_CTL_DEL: DEL, EPOLLIN } = E;

test("reverse path check: at most 10 wakeup paths of length 5 may lead to one file", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const e = [0, 1, 2, 3].map(() => k.sys.epoll_create1(0));
  expect(k.sys.epoll_ctl(e[0], ADD, p[0], { events: EPOLLIN })).toBe(0);
  for (let i = 1; i < 4; i++) expect(k.sys.epoll_ctl(e[i], ADD, e[i - 1], { events: EPOLLIN })).toBe(0);
  const tops = Array.from({ length: 12 }, () => k.sys.epoll_create1(0));
  const results = tops.map((a) => k.sys.epoll_ctl(a, ADD, e[3], { events: EPOLLIN }));
  expect(results).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -E.EINVAL, -E.EINVAL]);
  expect(k.userWatches()).toBe(1 + 3 + 10);
  // Removing a path makes room for another.
  expect(k.sys.epoll_ctl(tops[0], DEL, e[3], null)).toBe(0);
  expect(k.sys.epoll_ctl(tops[11], ADD, e[3], { events: EPOLLIN })).toBe(0);
});

test("reverse path check: 50 paths of length 4, and depth-1 paths are unlimited", () => {
  const k = newKernel({ maxFds: 4096 });
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const e = [0, 1, 2].map(() => k.sys.epoll_create1(0));
  expect(k.sys.epoll_ctl(e[0], ADD, p[0], { events: EPOLLIN })).toBe(0);
  for (let i = 1; i < 3; i++) expect(k.sys.epoll_ctl(e[i], ADD, e[i - 1], { events: EPOLLIN })).toBe(0);
  const r = Array.from({ length: 52 }, () => k.sys.epoll_ctl(k.sys.epoll_create1(0), ADD, e[2], { events: EPOLLIN }));
  expect(r.filter((x) => x === 0).length).toBe(50);
  expect(r.slice(50)).toEqual([-E.EINVAL, -E.EINVAL]);
  // One file watched directly by 1200 sets: no limit applies.
  const q: number[] = [];
  k.sys.pipe2(q, E.O_NONBLOCK);
  for (let i = 0; i < 1200; i++) expect(k.sys.epoll_ctl(k.sys.epoll_create1(0), ADD, q[0], { events: EPOLLIN })).toBe(0);
});

test("EPOLLWAKEUP: per-item and per-set wakeup sources follow queueing and harvesting", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN | E.EPOLLWAKEUP, data: 1 })).toBe(0);
  expect(k.wakeupSource(ep, p[0])).toEqual({ active: false, eventCount: 0, activeCount: 0, relaxCount: 0 });
  k.sys.write(p[1], bytes(1), 1);
  expect(k.wakeupSource(ep, p[0])).toEqual({ active: true, eventCount: 1, activeCount: 1, relaxCount: 0 });
  expect(tags(k, ep)).toEqual([1]);
  // Harvested and re-queued (level-triggered): the item stays awake; the set's source
  // covered the transfer and was relaxed at its end.
  expect(k.wakeupSource(ep, p[0])).toEqual({ active: true, eventCount: 2, activeCount: 2, relaxCount: 1 });
  expect(k.wakeupSource(ep)).toEqual({ active: false, eventCount: 1, activeCount: 1, relaxCount: 1 });
  k.sys.read(p[0], new Uint8Array(1), 1);
  expect(tags(k, ep)).toEqual([]);
  expect(k.wakeupSource(ep, p[0])?.active).toBe(false);
  // MOD without the flag destroys the item's source; the set keeps its own.
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_MOD, p[0], { events: EPOLLIN })).toBe(0);
  expect(k.wakeupSource(ep, p[0])).toBeNull();
  expect(k.wakeupSource(ep)).not.toBeNull();
  expect(k.liveObjects().wakeupSource).toBe(1);
});

test("EPOLLWAKEUP is dropped silently without CAP_BLOCK_SUSPEND", () => {
  const k = newKernel({ capBlockSuspend: false });
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN | E.EPOLLWAKEUP, data: 1 })).toBe(0);
  expect(k.wakeupSource(ep, p[0])).toBeNull();
  expect(k.sys.fdinfo(ep)).toMatch(/events:       19 /);
});

test("fdinfo of an epoll fd: header, then one line per item in tree order", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, 0);
  const efd = k.sys.eventfd(0, 0);
  const ep = k.sys.epoll_create1(E.EPOLL_CLOEXEC);
  expect(k.sys.epoll_ctl(ep, ADD, efd, { events: EPOLLIN | E.EPOLLOUT | E.EPOLLET, data: 0xdeadbeefcafen })).toBe(0);
  expect(k.sys.epoll_ctl(ep, ADD, p[0], { events: EPOLLIN, data: 0x1234 })).toBe(0);
  const text = k.sys.fdinfo(ep) as string;
  const lines = text.split("\n");
  expect(lines.slice(0, 4)).toEqual(["pos:\t0", "flags:\t02000002", "mnt_id:\t17", "ino:\t1038"]);
  expect(lines[4]).toMatch(/^tfd:        3 events:       19 data:             1234  pos:0 ino:[0-9a-f]+ sdev:f$/);
  expect(lines[5]).toBe("tfd:        5 events: 8000001d data:     deadbeefcafe  pos:0 ino:40e sdev:10");
  expect(lines[6]).toBe("");
  expect(k.sys.fdinfo(p[0])).toMatch(/^pos:\t0\nflags:\t00\nmnt_id:\t\d+\nino:\t\d+\n$/);
  expect(k.sys.fdinfo(99)).toBe(-E.EBADF);
});
