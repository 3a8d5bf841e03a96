import { EPOLLIN, EPOLL_CTL_ADD, O_NONBLOCK } from "../src/index";
import { newKernel, harvest } from "./helpers";

test("a pipe registered level-triggered reports EPOLLIN with its data tag", () => {
  const k = newKernel();
  const p: number[] = [];
  expect(k.sys.pipe2(p, O_NONBLOCK)).toBe(0);
  expect(p).toEqual([3, 4]);
  const ep = k.sys.epoll_create1(0);
  expect(ep).toBe(5);
  expect(k.sys.epoll_ctl(ep, EPOLL_CTL_ADD, p[0], { events: EPOLLIN, data: 42n })).toBe(0);
  expect(harvest(k, ep)).toEqual([]);
  expect(k.sys.write(p[1], new Uint8Array([1]), 1)).toBe(1);
  expect(harvest(k, ep)).toEqual([{ events: EPOLLIN, data: 42n }]);
});
