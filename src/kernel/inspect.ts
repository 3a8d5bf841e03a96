// A snapshot of one epoll set's core state, for visualizers, teaching and debugging: the
// interest tree in order, the ready list, ovflist (as chained: newest first), the list of a
// transfer in progress, who waits, and who holds ep->mtx. Reading it changes nothing.
import { EPI_CHAINED, EPI_DATA_HI, EPI_DATA_LO, EPI_EVENTS, EPI_FD, EPI_FILE, EPI_LINKED, EP_SCANNING, LIST_OVFLIST, LIST_RDLLIST, LIST_TXLIST } from "../abi.js";
import { dataOf } from "../core/transfer.js";
import type { Process } from "./process.js";
import { EpollFile } from "../files/epoll.js";
import type { OpenFile } from "./file.js";
import type { CoreExports } from "../core/loader.js";

/**
 * A set's items (handles) in rb-tree order — by watched file, then fd — as Linux walks them
 * (fdinfo). The core walks its index; with the hash index that is bucket order, so sort.
 */
export function epItems(core: CoreExports, ep: number): number[] {
  const out: number[] = [];
  for (let epi = core.ep_item_next(ep, 0); epi > 0; epi = core.ep_item_next(ep, epi)) out.push(epi);
  if (core.ep_hash_bits(ep) > 0) {
    const key = (epi: number): [number, number] => [core.epitem_field(epi, EPI_FILE) >>> 0, core.epitem_field(epi, EPI_FD)];
    out.sort((a, b) => {
      const [fa, da] = key(a), [fb, db] = key(b);
      return fa - fb || da - db;
    });
  }
  return out;
}

/** One watched item (struct epitem) of an EpollState. */
export interface ItemState {
  /** The watched fd. */
  fd: number;
  /** The watched file's kind ("pipe", "socket", "eventfd", "timerfd", "epoll", …). */
  kind: string;
  /** The item's event mask (EPOLL* bits and flags), unsigned. */
  events: number;
  /** The item's data, as epoll_ctl set it. */
  data: bigint;
  /** On the ready list or on a transfer list (ep_is_linked). */
  linked: boolean;
  /** Chained on ovflist (a callback came during a transfer). */
  chained: boolean;
  /**
   * The file's current poll mask, masked by the item's events (what a harvest would report).
   * Not computed (0) for a nested epoll file: polling one would drop its not-ready items.
   */
  ready: number;
}

/** A snapshot of one epoll set's core state: kernel.inspect(epfd). Reading it changes nothing. */
export interface EpollState {
  /** The epoll fd inspected. */
  epfd: number;
  /** rb-tree order. */
  items: ItemState[];
  /** fds in ready-list order. */
  rdllist: number[];
  /** fds chained on ovflist, newest first (ep_done_scan reverses them). */
  ovflist: number[];
  /** fds still to be transferred by the transfer in progress. */
  txlist: number[];
  /** A transfer is scanning (ep_start_scan … ep_done_scan): callbacks chain items on ovflist. */
  transferring: boolean;
  /** Threads asleep in epoll_wait on this set (ep->wq). */
  waiters: string[];
  /** Entries on ep->poll_wait (poll() callers and outer sets). */
  pollWatchers: number;
  /** The thread holding ep->mtx, if any. */
  mtxOwner: string | null;
}

/** A file's poll mask for a snapshot; a poll that throws shows as not ready. */
function pollQuietly(file: OpenFile, events: number): number {
  try {
    return (file.poll(null, 1) & events) >>> 0;
  } catch {
    return 0;
  }
}

export function inspectEpoll(k: Process, epfd: number): EpollState | null {
  const f = k.fdt.get(epfd);
  if (!(f instanceof EpollFile)) return null;
  const core = k.core;
  const ep = f.ep;
  const itemOf = (epi: number): ItemState => {
    const fd = core.epitem_field(epi, EPI_FD);
    const events = core.epitem_field(epi, EPI_EVENTS) >>> 0;
    const file = k.fileById(core.epitem_field(epi, EPI_FILE) >>> 0);
    return {
      fd,
      kind: file?.kind ?? "?",
      events,
      data: dataOf(core.epitem_field(epi, EPI_DATA_LO), core.epitem_field(epi, EPI_DATA_HI)),
      linked: core.epitem_field(epi, EPI_LINKED) === 1,
      chained: core.epitem_field(epi, EPI_CHAINED) === 1,
      ready: file && !(file instanceof EpollFile) ? pollQuietly(file, events) : 0,
    };
  };
  const items = epItems(core, ep).map(itemOf);
  const list = (which: number): number[] => {
    const out: number[] = [];
    for (let epi = core.ep_list_next(ep, which, 0); epi > 0 && out.length <= items.length; epi = core.ep_list_next(ep, which, epi)) {
      out.push(core.epitem_field(epi, EPI_FD));
    }
    return out;
  };
  const waiters: string[] = [];
  for (let e = f.wq.first; e; e = e.next) waiters.push((e as { owner?: string }).owner ?? "waiter");
  return {
    epfd,
    items,
    rdllist: list(LIST_RDLLIST),
    ovflist: list(LIST_OVFLIST),
    txlist: list(LIST_TXLIST),
    transferring: core.ep_field(ep, EP_SCANNING) !== 0,
    waiters,
    pollWatchers: f.pollWaitHead.count,
    mtxOwner: f.mtx.owner?.name ?? null,
  };
}

/** One open fd of the process: kernel.fds(). A snapshot; reading it changes nothing. */
export interface FdState {
  /** The fd number. */
  fd: number;
  /** The file's kind: "pipe", "socket", "eventfd", "timerfd", "memfd", "epoll" or "null" (fds 0-2). */
  kind: string;
  /** The open file description's id: fds made by dup() share it. */
  file: number;
  /** References to the open file description (fds, in-flight calls, epoll items do not count). */
  refs: number;
  /** Opened for reading. */
  readable: boolean;
  /** Opened for writing. */
  writable: boolean;
  /** The file status flags (F_GETFL). */
  flags: number;
  /** FD_CLOEXEC is set on this fd. */
  cloexec: boolean;
  /**
   * The file's poll mask now (EPOLL* bits); null for an epoll file (polling one would drop
   * its not-ready items: use kernel.inspect()).
   */
  poll: number | null;
}

export function inspectFds(k: Process): FdState[] {
  return k.fdt.fds().map((fd) => {
    const f = k.fdt.get(fd)!;
    return {
      fd, kind: f.kind, file: f.id, refs: f.refs, readable: f.readable, writable: f.writable, flags: f.flags,
      cloexec: k.fdt.getCloexec(fd), poll: f instanceof EpollFile ? null : pollQuietly(f, 0xffffffff),
    };
  });
}
