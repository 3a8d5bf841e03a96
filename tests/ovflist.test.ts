// Callbacks that arrive while ep_send_events runs land on ovflist and are re-injected by
// ep_done_scan at the head of the ready list, in FIFO order, ahead of the level-triggered
// items the transfer re-queued. A host file whose f_op->poll writes into pipes makes such
// callbacks arrive deterministically in the middle of the transfer loop.
import * as E from "../src/index";
import { OpenFile, O_RDWR, type PollTable } from "../src/kernel/file";
import { newKernel, tags, bytes } from "./helpers";

/** Always readable; each poll without a table (a transfer re-poll) writes to `targets`. */
class PokingFile extends OpenFile {
  readonly kind = "null" as const;
  armed = false;
  constructor(private readonly k: E.Kernel, private readonly targets: number[]) {
    super(O_RDWR);
  }
  override poll(pt: PollTable | null): number {
    if (!pt && this.armed) for (const fd of this.targets) this.k.sys.write(fd, bytes(1), 1);
    return E.EPOLLIN;
  }
}

test("items woken during the transfer are delivered next time, FIFO, before re-queued LT items", () => {
  const k = newKernel();
  const p1: number[] = [];
  const p2: number[] = [];
  k.sys.pipe2(p1, E.O_NONBLOCK);
  k.sys.pipe2(p2, E.O_NONBLOCK);
  const poker = new PokingFile(k, [p2[1], p1[1]]);
  const pfd = k.fdt.install(k.track(poker), false);
  const ep = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, pfd, { events: E.EPOLLIN, data: 0 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p1[0], { events: E.EPOLLIN | E.EPOLLET, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p2[0], { events: E.EPOLLIN | E.EPOLLET, data: 2 })).toBe(0);
  poker.armed = true;
  // The transfer re-polls the poker, which wakes p2 then p1: both chain on ovflist (LIFO).
  expect(tags(k, ep)).toEqual([0]);
  poker.armed = false;
  // ep_done_scan reversed ovflist into FIFO order at the head: 2, 1, then the LT poker.
  expect(tags(k, ep)).toEqual([2, 1, 0]);
  expect(tags(k, ep)).toEqual([0]);
});

test("an item already on the ready list is not queued twice by a callback during the transfer", () => {
  const k = newKernel();
  const p1: number[] = [];
  k.sys.pipe2(p1, E.O_NONBLOCK);
  const poker = new PokingFile(k, [p1[1]]);
  const pfd = k.fdt.install(k.track(poker), false);
  const ep = k.sys.epoll_create1(0);
  k.sys.write(p1[1], bytes(1), 1);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, pfd, { events: E.EPOLLIN, data: 0 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, p1[0], { events: E.EPOLLIN, data: 1 })).toBe(0);
  poker.armed = true;
  // maxevents 1: the poker is delivered and re-queued; p1 stays on the txlist; the poke
  // chains p1 on ovflist, but done_scan skips it because it is linked (txlist).
  expect(tags(k, ep, 1)).toEqual([0]);
  poker.armed = false;
  expect(tags(k, ep)).toEqual([1, 0]);
});
