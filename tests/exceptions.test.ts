// Host code that throws while the core runs (a file's f_op->poll, a wakeup callback) can
// never leave the core half-updated: the core call completes, the set stays consistent
// (the debug walk passes), and the error reaches the caller of the syscall.
import * as E from "../src/index";
import { OpenFile, O_RDWR, type PollTable } from "../src/kernel/file";
import { WaitEntry } from "../src/kernel/waitqueue";
import { newKernel, isDebugCore, tags, bytes } from "./helpers";

class FlakyFile extends OpenFile {
  readonly kind = "null" as const;
  throwing = false;
  mask = E.EPOLLIN;
  override poll(_pt: PollTable | null): number {
    if (this.throwing) throw new Error("poll failed");
    return this.mask;
  }
}

function setup() {
  const k = newKernel();
  const flaky = new FlakyFile(O_RDWR);
  const fd = k.fdt.install(k.track(flaky), false);
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const ep = k.sys.epoll_create1(0);
  return { k, flaky, fd, p, ep };
}
const consistent = (k: E.Kernel) => expect(k.invariants()).toBe(isDebugCore() ? 0 : -38);

test("epoll_ctl ADD whose registration poll throws: the error reaches the caller, the set is consistent", () => {
  const { k, flaky, fd, ep } = setup();
  flaky.throwing = true;
  expect(() => k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: 1 })).toThrow("poll failed");
  consistent(k);
  // The item was inserted (not queued: its poll answered nothing) and can be removed.
  expect(k.inspect(ep)!.items.map((i) => [i.fd, i.linked])).toEqual([[fd, false]]);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, fd, null)).toBe(0);
  consistent(k);
});

test("epoll_wait whose re-poll throws: the transfer completes, its events are copied out, then the error", () => {
  const { k, flaky, fd, p, ep } = setup();
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN | E.EPOLLET, data: 2 })).toBe(0);
  k.sys.write(p[1], bytes(1), 1);
  flaky.throwing = true;
  const out: E.EpollEvent[] = [];
  expect(() => k.sys.epoll_wait(ep, out, 8, 0)).toThrow("poll failed");
  expect(out).toEqual([{ events: E.EPOLLIN, data: 2n }]); // the pipe's ET event was delivered
  consistent(k);
  flaky.throwing = false;
  expect(tags(k, ep)).toEqual([]); // the flaky item answered nothing and left the list
  k.sys.write(p[1], bytes(1), 1);
  expect(tags(k, ep)).toEqual([2]);
});

test("a wakeup callback that throws does not stop the others; the error reaches the writer", () => {
  const { k, p, ep } = setup();
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 5 })).toBe(0);
  const pipe = (k.fdt.get(p[0]) as unknown as { pipe: { rdWait: { add(e: WaitEntry): void; remove(e: WaitEntry): void } } }).pipe;
  const bad = new WaitEntry(() => {
    throw new Error("callback failed");
  }, false);
  pipe.rdWait.add(bad); // non-exclusive: at the head, so it runs before epoll's entry
  expect(() => k.sys.write(p[1], bytes(1), 1)).toThrow("callback failed");
  pipe.rdWait.remove(bad);
  consistent(k);
  expect(tags(k, ep)).toEqual([5]); // epoll's entry still got the wakeup
});

test("poll() on an epoll fd whose item's poll throws", () => {
  const { k, flaky, fd, ep } = setup();
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: 1 })).toBe(0);
  flaky.throwing = true;
  expect(() => k.sys.poll([{ fd: ep, events: E.POLLIN, revents: 0 }], 1, 0)).toThrow("poll failed");
  consistent(k);
  flaky.throwing = false;
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, fd, null)).toBe(0);
});
