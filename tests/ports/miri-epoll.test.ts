// Ports of the socketpair cases of Miri's epoll tests (rust-lang/rust,
// src/tools/miri/tests/pass-dep/libc/libc-epoll.rs), which assert what Linux reports:
// rewritten here against kernel.sys, with the same calls and the same expected events.
import * as E from "../../src/index";
import { newKernel } from "../helpers";

const { EPOLLIN, EPOLLOUT, EPOLLET, EPOLLRDHUP, EPOLLHUP, EPOLL_CTL_ADD, EPOLL_CTL_MOD } = E;
const IN_OUT_ET = (EPOLLIN | EPOLLOUT | EPOLLET) >>> 0;
const abcde = new TextEncoder().encode("abcde");

function setup() {
  const k = newKernel();
  const ep = k.sys.epoll_create1(0);
  const fds: number[] = [];
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 0, fds)).toBe(0);
  const wait = (max = 8): [number, bigint][] => {
    const out: E.EpollEvent[] = [];
    const n = k.sys.epoll_wait(ep, out, max, 0);
    expect(n).toBeGreaterThanOrEqual(0);
    return out.slice(0, n).map((e) => [e.events, e.data]);
  };
  return { k, ep, fds, wait };
}

test("test_epoll_socketpair: ET re-fires on every write; closing the peer reports RDHUP|IN|OUT|HUP", () => {
  const { k, ep, fds, wait } = setup();
  expect(k.sys.write(fds[0], abcde, 5)).toBe(5);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], { events: IN_OUT_ET | EPOLLRDHUP, data: fds[1] })).toBe(0);
  expect(wait()).toEqual([[EPOLLIN | EPOLLOUT, BigInt(fds[1])]]);
  expect(wait()).toEqual([]);
  expect(k.sys.write(fds[0], abcde, 5)).toBe(5); // readiness unchanged, and still an event
  expect(wait()).toEqual([[EPOLLIN | EPOLLOUT, BigInt(fds[1])]]);
  expect(k.sys.close(fds[0])).toBe(0);
  expect(wait()).toEqual([[EPOLLRDHUP | EPOLLIN | EPOLLOUT | EPOLLHUP, BigInt(fds[1])]]);
});

test("test_epoll_ctl_mod: MOD adds EPOLLRDHUP; the peer's close reports it", () => {
  const { k, ep, fds, wait } = setup();
  expect(k.sys.write(fds[0], abcde, 5)).toBe(5);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], { events: IN_OUT_ET, data: fds[1] })).toBe(0);
  expect(wait()).toEqual([[EPOLLIN | EPOLLOUT, BigInt(fds[1])]]);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_MOD, fds[1], { events: IN_OUT_ET | EPOLLRDHUP, data: fds[1] })).toBe(0);
  expect(k.sys.close(fds[0])).toBe(0);
  expect(wait()).toEqual([[EPOLLRDHUP | EPOLLIN | EPOLLOUT | EPOLLHUP, BigInt(fds[1])]]);
});

test("test_two_epoll_instance: one socket in two sets, both report it", () => {
  const { k, ep, fds, wait } = setup();
  const ep2 = k.sys.epoll_create1(0);
  expect(k.sys.write(fds[0], abcde, 5)).toBe(5);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], { events: IN_OUT_ET, data: fds[1] })).toBe(0);
  expect(k.sys.epoll_ctl(ep2, EPOLL_CTL_ADD, fds[1], { events: IN_OUT_ET, data: fds[1] })).toBe(0);
  expect(wait()).toEqual([[EPOLLIN | EPOLLOUT, BigInt(fds[1])]]);
  const out: E.EpollEvent[] = [];
  expect(k.sys.epoll_wait(ep2, out, 8, 0)).toBe(1);
  expect(out[0]).toEqual({ events: EPOLLIN | EPOLLOUT, data: BigInt(fds[1]) });
});

test("test_two_same_fd_in_same_epoll_instance: a socket and its dup are two items, both notified", () => {
  const { k, ep, fds, wait } = setup();
  const dupfd = k.sys.dup(fds[1]);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], { events: IN_OUT_ET, data: 5 })).toBe(0);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, dupfd, { events: IN_OUT_ET, data: 5 })).toBe(0);
  expect(k.sys.write(fds[0], abcde, 5)).toBe(5);
  expect(wait()).toEqual([[EPOLLIN | EPOLLOUT, 5n], [EPOLLIN | EPOLLOUT, 5n]]);
});

test("test_epoll_socketpair_both_sides: a write readies the reader; a read frees room for the writer", () => {
  const { k, ep, fds, wait } = setup();
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], { events: IN_OUT_ET, data: fds[0] })).toBe(0);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], { events: IN_OUT_ET, data: fds[1] })).toBe(0);
  expect(k.sys.write(fds[1], abcde, 5)).toBe(5);
  expect(wait()).toEqual([[EPOLLIN | EPOLLOUT, BigInt(fds[0])], [EPOLLOUT, BigInt(fds[1])]]);
  const buf = new Uint8Array(5);
  expect(k.sys.read(fds[0], buf, 5)).toBe(5);
  expect(wait()).toEqual([[EPOLLOUT, BigInt(fds[1])]]);
});
