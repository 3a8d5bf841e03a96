// Epoll fds are pollable: poll() and outer sets see an inner set readable when one of its
// queued items is really ready; cycles and deep nesting are refused with ELOOP.
import * as E from "../src/index";
import { newKernel, tags, bytes } from "./helpers";

const { EPOLL_CTL_ADD: ADD, EPOLLIN } = E;

test("an inner set's readiness reaches an outer set and poll(), without consuming inner events", () => {
  const k = newKernel();
  const p: number[] = [];
  k.sys.pipe2(p, E.O_NONBLOCK);
  const inner = k.sys.epoll_create1(0);
  const outer = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(inner, ADD, p[0], { events: EPOLLIN, data: 1 })).toBe(0);
  expect(k.sys.epoll_ctl(outer, ADD, inner, { events: EPOLLIN, data: 2 })).toBe(0);
  const pfd = [{ fd: inner, events: E.POLLIN, revents: 0 }];
  expect(k.sys.poll(pfd, 1, 0)).toBe(0);
  expect(tags(k, outer)).toEqual([]);
  k.sys.write(p[1], bytes(1), 1);
  expect(k.sys.poll(pfd, 1, 0)).toBe(1);
  expect(pfd[0].revents).toBe(E.POLLIN); // EPOLLIN|EPOLLRDNORM, masked by the request
  expect(tags(k, outer)).toEqual([2]);
  expect(tags(k, inner)).toEqual([1]);
  expect(tags(k, outer)).toEqual([2]); // level-triggered outer item, inner still ready
  k.sys.read(p[0], new Uint8Array(4), 4);
  expect(tags(k, outer)).toEqual([]);
});

test("ELOOP for a cycle and for nesting deeper than EP_MAX_NESTS", () => {
  const k = newKernel();
  const a = k.sys.epoll_create1(0);
  const b = k.sys.epoll_create1(0);
  expect(k.sys.epoll_ctl(a, ADD, b, { events: EPOLLIN })).toBe(0);
  expect(k.sys.epoll_ctl(b, ADD, a, { events: EPOLLIN })).toBe(-E.ELOOP);
  const chain = [b];
  for (let i = 0; i < 6; i++) chain.push(k.sys.epoll_create1(0));
  const results = [];
  for (let i = 1; i < chain.length; i++) results.push(k.sys.epoll_ctl(chain[i - 1], ADD, chain[i], { events: EPOLLIN }));
  // a -> b -> c1 -> c2 -> c3 is the deepest chain allowed (4 levels of nesting); c4 then
  // stays outside, so c4 -> c5 -> c6 is a new, shallow chain.
  expect(results).toEqual([0, 0, 0, -E.ELOOP, 0, 0]);
});
