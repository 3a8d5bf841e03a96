// How a watch is laid out in the core: the EpItem carries its first wait entry, a file's
// f_ep list starts in the file table (reserved with the file), and the rare extras (a
// second wait queue, an epoll file as target, a wakeup source) live in an EpItemExt made on
// demand. Each shape must behave exactly like the plain one, and running out of memory
// while making the extras must leave nothing behind.
import * as E from "../src/index";
import { OpenFile, O_RDWR, pollWait, type PollTable } from "../src/kernel/file";
import { WaitQueueHead } from "../src/kernel/waitqueue";
import { EP_ITEM_COST } from "../src/kernel/kernel";
import { newKernel, tags, isDebugCore } from "./helpers";

/** Polls on two wait queue heads (like a pipe opened for reading and writing). */
class TwoHeadFile extends OpenFile {
  readonly kind = "null" as const;
  readonly a = new WaitQueueHead();
  readonly b = new WaitQueueHead();
  mask = 0;
  constructor() {
    super(O_RDWR);
  }
  override poll(pt: PollTable | null): number {
    pollWait(pt, this.a);
    pollWait(pt, this.b);
    return this.mask;
  }
}

const invariantsHold = (k: E.Kernel) => {
  if (isDebugCore()) expect(k.invariants()).toBe(0);
};

test("a file on two wait queues: the first entry is the item's own, the second an EppollEntry; both wake it", () => {
  const k = newKernel();
  const f = new TwoHeadFile();
  const fd = k.fdt.install(k.track(f), false);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN | E.EPOLLET, data: 7 })).toBe(0);
  expect(k.liveObjects()).toEqual({ eventpoll: 1, epitem: 1, eppollEntry: 2, epitemsHead: 1, wakeupSource: 0 });
  expect(k.hostWaitEntries()).toBe(2);
  expect(f.a.count).toBe(1);
  expect(f.b.count).toBe(1);
  invariantsHold(k);
  // A wakeup through either head queues the item once.
  for (const head of [f.a, f.b, f.b]) {
    f.mask = E.EPOLLIN;
    head.wakeUp(E.EPOLLIN);
    expect(tags(k, ep)).toEqual([7]);
    expect(tags(k, ep)).toEqual([]);
  }
  // A key the item does not ask for is ignored (through the second entry too).
  f.b.wakeUp(E.EPOLLOUT);
  expect(tags(k, ep)).toEqual([]);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_DEL, fd, null)).toBe(0);
  expect(f.a.count).toBe(0);
  expect(f.b.count).toBe(0);
  expect(k.liveObjects()).toEqual({ eventpoll: 1, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
  invariantsHold(k);
});

test("liveObjects counts what Linux would allocate: entries per hooked head, one epitems_head per watched file", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
  const a = k.sys.epoll_create1(0);
  const b = k.sys.epoll_create1(0);
  const d = k.sys.dup(p[0]);
  expect(k.sys.epoll_ctl(a, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(a, E.EPOLL_CTL_ADD, d, { events: E.EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(b, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN | E.EPOLLWAKEUP })).toBe(0);
  expect(k.sys.epoll_ctl(b, E.EPOLL_CTL_ADD, a, { events: E.EPOLLIN })).toBe(0);
  // Three items on the pipe's read file (one head), one on epoll file a (its refs list).
  expect(k.liveObjects()).toEqual({ eventpoll: 2, epitem: 4, eppollEntry: 4, epitemsHead: 1, wakeupSource: 2 });
  invariantsHold(k);
  expect(k.sys.close(p[0])).toBe(0);
  expect(k.sys.close(d)).toBe(0); // the file's last reference: its three items go
  expect(k.liveObjects()).toEqual({ eventpoll: 2, epitem: 1, eppollEntry: 1, epitemsHead: 0, wakeupSource: 1 });
  invariantsHold(k);
  expect(k.sys.close(a)).toBe(0);
  expect(k.liveObjects()).toEqual({ eventpoll: 1, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 1 });
});

test("a watch on a new file costs its EpItem alone: the file's f_ep word came with the file", () => {
  const N = 20000;
  const k = newKernel({ maxFds: N + 16 });
  const ep = k.sys.epoll_create1(0);
  const before0 = k.coreMemoryBytes();
  const fds = Array.from({ length: N }, () => k.sys.eventfd(0, E.EFD_NONBLOCK));
  const perFile = (k.coreMemoryBytes() - before0) / N;
  const before = k.coreMemoryBytes();
  for (const fd of fds) expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN })).toBe(0);
  const grown = k.coreMemoryBytes() - before;
  // Memory grows in 64 KiB pages: allow one page of slack either way.
  expect(Math.abs(grown / N - EP_ITEM_COST)).toBeLessThan(65536 / N + 0.01);
  expect(perFile).toBeLessThan(4 + 65536 / N + 0.01);
  expect(k.liveObjects()).toMatchObject({ epitem: N, eppollEntry: N, epitemsHead: N });
});

test("out of memory while making an item's extras (epoll target, wakeup source): ENOMEM, nothing left behind", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, E.O_NONBLOCK)).toBe(0);
  expect(k.sys.write(p[1], new Uint8Array([1]), 1)).toBe(1);
  const outer = k.sys.epoll_create1(0);
  const inner = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(outer, E.EPOLL_CTL_ADD, p[1], { events: E.EPOLLOUT, data: 1 })).toBe(0);
  const live0 = k.liveObjects();
  const watches0 = k.userWatches();
  // The item is allocated first; then an epoll target's EpItemExt; for EPOLLWAKEUP the
  // set's source (made once and kept, as Linux keeps ep->ws), the item's EpItemExt and its
  // own source. Each of those fails in turn.
  const cases: [number, number, { events: number; data: number }][] = [
    [inner, 1, { events: E.EPOLLIN, data: 2 }],
    [p[0], 1, { events: E.EPOLLIN | E.EPOLLWAKEUP, data: 3 }],
    [p[0], 2, { events: E.EPOLLIN | E.EPOLLWAKEUP, data: 3 }],
    [p[0], 2, { events: E.EPOLLIN | E.EPOLLWAKEUP, data: 3 }],
  ];
  for (const [fd, skip, ev] of cases) {
    k.core.set_failslab(1, skip);
    expect(k.sys.epoll_ctl(outer, E.EPOLL_CTL_ADD, fd, ev)).toBe(-E.ENOMEM);
    expect(k.core.set_failslab(0, 0)).toBe(0); // the failure was used
    expect(k.liveObjects()).toMatchObject({ ...live0, wakeupSource: k.liveObjects().wakeupSource });
    expect(k.userWatches()).toBe(watches0);
    expect(k.hostWaitEntries()).toBe(1);
    invariantsHold(k);
  }
  expect(tags(k, outer)).toEqual([1]);
  // With memory again, the same calls succeed and behave.
  expect(k.sys.epoll_ctl(inner, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN, data: 9 })).toBe(0);
  expect(k.sys.epoll_ctl(outer, E.EPOLL_CTL_ADD, inner, { events: E.EPOLLIN, data: 2 })).toBe(0);
  expect(k.sys.epoll_ctl(outer, E.EPOLL_CTL_ADD, p[0], { events: E.EPOLLIN | E.EPOLLWAKEUP, data: 3 })).toBe(0);
  expect(tags(k, outer)).toEqual([1, 2, 3]);
  invariantsHold(k);
});

test("the debug core's invariant walk finds a file's f_ep list broken or left on tfile_check_list, however large the file table", () => {
  if (!isDebugCore()) {
    expect(newKernel().invariants()).toBe(-38); // the release core has no walk: ENOSYS
    return;
  }
  const k = newKernel();
  // A file id near the table's limit grows the table to 2^24 words; the walk follows items.
  expect(k.core.file_table_reserve((1 << 24) - 1)).toBe(0);
  const ep = k.sys.epoll_create1(0);
  const p = [0, 0];
  expect(k.sys.pipe2(p, 0)).toBe(0);
  const r = p[0];
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, r, { events: E.EPOLLIN, data: 1 })).toBe(0);
  expect(k.invariants()).toBe(0);
  // The f_ep word sits just below the file's readiness word (fep.ts).
  const at = (k.core.file_ready_word(k.fdt.get(r)!.id) >>> 2) - 1;
  const mem = () => new Uint32Array(k.core.memory.buffer);
  const saved = mem()[at];
  expect(saved).not.toBe(0);
  mem()[at] = 0; // the item is no longer on its file's list
  expect(k.invariants()).toBe(13);
  mem()[at] = saved | 1; // the file stayed on tfile_check_list
  expect(k.invariants()).toBe(13);
  mem()[at] = saved;
  expect(k.invariants()).toBe(0);
});
