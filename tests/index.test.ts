// The interest set's index: the rb-tree (default) or the 2002 hash table
// (createKernel({ index: "hash" })). The same calls give the same results with either; the
// hash table starts with 128 buckets and doubles when a set holds more than two items a
// bucket, up to 2^18; fdinfo lists the items in tree order with both.
import * as E from "../src/index";
import { createKernelSync as create, type Kernel, type KernelOptions } from "../src/index";

// The debug core: its invariant walk checks the hash index's buckets and back links too.
const createKernelSync = (o: KernelOptions): Kernel => create({ ...o, core: "debug" });

const epOf = (k: Kernel, epfd: number): number => (k.fdt.get(epfd) as unknown as { ep: number }).ep;
const bits = (k: Kernel, epfd: number): number => k.core.ep_hash_bits(epOf(k, epfd));

function fill(k: Kernel, ep: number, n: number): number[] {
  const fds: number[] = [];
  for (let i = 0; i < n; i++) {
    const efd = k.sys.eventfd(i % 3 === 0 ? 1 : 0, E.EFD_NONBLOCK);
    expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN, data: i })).toBe(0);
    fds.push(efd);
  }
  return fds;
}

test("createKernel's index option: rbtree (default) or hash; anything else is a TypeError", () => {
  const t = createKernelSync({ index: "rbtree" });
  expect(bits(t, t.sys.epoll_create1(0))).toBe(0);
  const k = createKernelSync({ index: "hash" });
  expect(bits(k, k.sys.epoll_create1(0))).toBe(7);
  expect(() => createKernelSync({ index: "btree" as never })).toThrow(/invalid option index/);
  // The core refuses a change once a set exists.
  expect(k.core.set_index(0)).toBe(-E.EBUSY);
  expect(k.core.set_index(2)).toBe(-E.EINVAL);
});

test("the hash table doubles past two items a bucket on average (2002: 7 bits to start, 18 at most)", () => {
  const k = createKernelSync({ index: "hash", maxFds: 4096 });
  const ep = k.sys.epoll_create1(0);
  const seen: [number, number][] = [];
  for (let n = 1; n <= 1600; n++) {
    const efd = k.sys.eventfd(0, E.EFD_NONBLOCK);
    k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN });
    const b = bits(k, ep);
    if (seen.length === 0 || seen[seen.length - 1][1] !== b) seen.push([n, b]);
  }
  // (n >> bits) > 2: 384 items grow 128 buckets, 768 grow 256, 1536 grow 512.
  expect(seen).toEqual([[1, 7], [384, 8], [768, 9], [1536, 10]]);
  expect(k.invariants()).toBe(0);
});

test("the same program gives the same results, events and fdinfo with either index", () => {
  const run = (index: "rbtree" | "hash") => {
    const k = createKernelSync({ index, maxFds: 2048 });
    const s = k.sys;
    const out: string[] = [];
    const ep = s.epoll_create1(0);
    const fds = fill(k, ep, 700);
    for (let i = 0; i < fds.length; i += 7) out.push(`del ${s.epoll_ctl(ep, E.EPOLL_CTL_DEL, fds[i], null)}`);
    for (let i = 1; i < fds.length; i += 11) out.push(`mod ${s.epoll_ctl(ep, E.EPOLL_CTL_MOD, fds[i], { events: E.EPOLLIN | E.EPOLLET, data: 7 })}`);
    out.push(`dup add ${s.epoll_ctl(ep, E.EPOLL_CTL_ADD, fds[3], { events: E.EPOLLIN })}`);
    const d = s.dup(fds[3]);
    out.push(`dup'ed fd ${s.epoll_ctl(ep, E.EPOLL_CTL_ADD, d, { events: E.EPOLLIN, data: 99 })}`);
    const ev: E.EpollEvent[] = [];
    for (let r = 0; r < 3; r++) out.push(`wait ${s.epoll_wait(ep, ev, 500, 0)} ${ev.map((e) => `${e.events}:${e.data}`).join(",")}`);
    out.push(s.fdinfo(ep) as string);
    s.close(fds[10]);
    out.push(`after close ${s.epoll_ctl(ep, E.EPOLL_CTL_MOD, fds[10], { events: E.EPOLLIN })}`);
    expect(k.invariants()).toBe(0);
    return out;
  };
  expect(run("hash")).toEqual(run("rbtree"));
});

test("with the hash index, a set whose bucket table does not fit is ENOMEM, and a table that cannot grow stays as it is", () => {
  // One page more than the kernel starts with, and sets until a bucket table no longer fits.
  const k = createKernelSync({ index: "hash", maxFds: 1 << 16 });
  const have = k.core.memory_bytes();
  expect(k.core.set_memory_limit(have + 65536)).toBe(0);
  const sets: number[] = [];
  let r = 0;
  while ((r = k.sys.epoll_create1(0)) >= 0) sets.push(r);
  expect(r).toBe(-E.ENOMEM);
  expect(sets.length).toBeGreaterThan(10);
  expect(k.liveObjects().eventpoll).toBe(sets.length); // the set whose table did not fit was freed
  expect(k.invariants()).toBe(0);
  // Closing one frees its table: the next set reuses it.
  expect(k.sys.close(sets.pop()!)).toBe(0);
  const again = k.sys.epoll_create1(0);
  expect(again).toBeGreaterThanOrEqual(0);
  // A set with 380 items, then no memory to spare: adds go on in the slab's chunks while a
  // bucket table that does not fit simply is not grown (never fewer than 7 bits, never more
  // than the policy asks).
  const k2 = createKernelSync({ index: "hash", maxFds: 4096 });
  const ep2 = k2.sys.epoll_create1(0);
  fill(k2, ep2, 380);
  const ev: E.EpollEvent[] = [];
  expect(k2.sys.epoll_wait(ep2, ev, 1000, 0)).toBe(127); // the 127 of them made with a count of 1 (level-triggered: they stay ready)
  expect(k2.core.set_memory_limit(k2.core.memory_bytes())).toBe(0);
  let added = 380;
  for (;;) {
    const efd = k2.sys.eventfd(0, E.EFD_NONBLOCK);
    const rr = k2.sys.epoll_ctl(ep2, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN });
    if (rr !== 0 || added === 1000) {
      if (rr !== 0) expect(rr).toBe(-E.ENOMEM);
      break;
    }
    added++;
  }
  expect(added).toBeGreaterThan(768);
  expect(bits(k2, ep2)).toBeGreaterThanOrEqual(7);
  expect(bits(k2, ep2)).toBeLessThanOrEqual(9);
  expect(k2.invariants()).toBe(0);
  // Every item is still found (MOD allocates nothing).
  for (let fd = 4; fd < 4 + added; fd++) expect([fd, k2.sys.epoll_ctl(ep2, E.EPOLL_CTL_MOD, fd, { events: E.EPOLLIN | E.EPOLLET })]).toEqual([fd, 0]);
});
