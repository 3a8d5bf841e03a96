// Helpers shared by the epoll_wakeup_test.c ports: the topology builders of the original.
import * as E from "../../src/index";

type K = E.Kernel;

/** A blocking AF_UNIX stream socketpair, as the original creates it. */
export function socketpair(k: K): [number, number] {
  const sv: number[] = [];
  expect(k.sys.socketpair(E.AF_UNIX, E.SOCK_STREAM, 0, sv)).toBe(0);
  expect(sv[0]).toBeGreaterThanOrEqual(3);
  expect(sv[1]).toBeGreaterThanOrEqual(3);
  return [sv[0], sv[1]];
}

/** epoll_create(1), as the original does. */
export function epollCreate(k: K): number {
  const ep = k.sys.epoll_create(1);
  expect(ep).toBeGreaterThanOrEqual(3);
  return ep;
}

/** EPOLL_CTL_ADD of fd to ep with a data tag. */
export function watch(k: K, ep: number, fd: number, events: number, data: number): void {
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events, data })).toBe(0);
}
