// kernel.inspect(): a read-only snapshot of a set's core state.
import * as E from "../src/index";
import { newKernel, tags, bytes } from "./helpers";

test("inspect shows the tree, the ready list and waiters, and changes nothing", async () => {
  const k = newKernel();
  const p: number[] = [];
  const q: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  k.sys.pipe2(q, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, q[0], { events: E.EPOLLIN | E.EPOLLET, data: 2 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 1 })).toBe(0);
  k.sys.write(q[1], bytes(1), 1);
  k.sys.write(p[1], bytes(1), 1);
  const st = k.inspect(ep)!;
  expect(st.items.map((i) => [i.fd, i.kind, i.events, i.data, i.linked, i.ready])).toEqual([
    [p[0], "pipe", E.EPOLLIN | E.EPOLLERR | E.EPOLLHUP, 1n, true, E.EPOLLIN],
    [q[0], "pipe", (E.EPOLLIN | E.EPOLLET | E.EPOLLERR | E.EPOLLHUP) >>> 0, 2n, true, E.EPOLLIN],
  ]);
  expect(st.rdllist).toEqual([q[0], p[0]]);
  expect([st.ovflist, st.txlist, st.transferring, st.waiters, st.mtxOwner]).toEqual([[], [], false, [], null]);
  expect(k.inspect(ep)).toEqual(st); // reading changed nothing
  expect(tags(k, ep)).toEqual([2, 1]);
  expect(k.inspect(ep)!.rdllist).toEqual([p[0]]); // LT re-queued, ET gone
  expect(k.inspect(p[0])).toBeNull();
  // A thread asleep in epoll_wait shows up as a waiter.
  const empty = k.sys.epoll_create1(0);
  let seen: string[] = [];
  k.spawn(async (ts) => ts.epoll_wait(empty, [], 1, 10), "sleeper");
  k.spawn(async (ts) => {
    await ts.usleep(1000);
    seen = k.inspect(empty)!.waiters;
  }, "looker");
  await k.run();
  expect(seen).toEqual(["sleeper"]);
});

test("kernel.fds(): the fd table as the visualizer draws it", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
  const ep = k.sys.epoll_create1(E.EPOLL_CLOEXEC);
  const d = k.sys.dup(p[1]);
  expect(k.sys.write(p[1], new Uint8Array([1]), 1)).toBe(1);
  const all = k.fds();
  expect(all.map((f) => [f.fd, f.kind])).toEqual([[0, "null"], [1, "null"], [2, "null"], [p[0], "pipe"], [p[1], "pipe"], [ep, "epoll"], [d, "pipe"]]);
  const byFd = new Map(all.map((f) => [f.fd, f]));
  expect(byFd.get(p[0])).toMatchObject({ readable: true, writable: false, cloexec: false, poll: E.EPOLLIN | E.EPOLLRDNORM });
  expect(byFd.get(p[0])!.flags & E.O_NONBLOCK).toBe(E.O_NONBLOCK);
  expect(byFd.get(p[1])).toMatchObject({ readable: false, writable: true, poll: E.EPOLLOUT | E.EPOLLWRNORM });
  // dup shares the open file description (and counts as a reference to it).
  expect(byFd.get(d)!.file).toBe(byFd.get(p[1])!.file);
  expect(byFd.get(d)!.refs).toBe(2);
  expect(byFd.get(ep)).toMatchObject({ kind: "epoll", cloexec: true, poll: null });
});

test("kernel.onSchedule(): awaited before each scheduling decision with the thread about to run; null removes it", async () => {
  const k = newKernel();
  const seen: string[] = [];
  k.onSchedule((next) => {
    seen.push(next.name);
  });
  k.spawn(async (ts) => ts.usleep(10), "a");
  await k.run();
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(new Set(seen)).toEqual(new Set(["a"]));
  k.onSchedule(null);
  k.spawn(async (ts) => ts.usleep(10), "b");
  await k.run();
  expect(seen.includes("b")).toBe(false);
  expect(() => k.onSchedule(5 as unknown as null)).toThrow(TypeError);
});
