// Ported from LTP testcases/kernel/syscalls/epoll_create1/ (epoll_create1_01-02).
import * as E from "../../src/index";
import { newKernel } from "../helpers";

describe("epoll_create1_01", () => {
  test.each([
    ["without EPOLL_CLOEXEC", 0, 0],
    ["with EPOLL_CLOEXEC", E.EPOLL_CLOEXEC, E.FD_CLOEXEC],
  ])("close-on-exec %s", (_what, flags, want) => {
    const k = newKernel();
    const fd = k.sys.epoll_create1(flags);
    expect(fd).toBe(3);
    expect(k.sys.fcntl(fd, E.F_GETFD, 0) & E.FD_CLOEXEC).toBe(want);
    expect(k.sys.close(fd)).toBe(0);
  });
});

describe("epoll_create1_02", () => {
  test.each([
    ["-1", -1],
    ["EPOLL_CLOEXEC + 1", E.EPOLL_CLOEXEC + 1],
  ])("epoll_create1(%s) fails with EINVAL", (_what, flags) => {
    const k = newKernel();
    expect(k.sys.epoll_create1(flags)).toBe(-E.EINVAL);
    expect(k.sys.epoll_create1(0)).toBe(3); // nothing was installed by the failed call
  });
});
