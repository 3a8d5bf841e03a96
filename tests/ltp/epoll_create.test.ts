// Ported from LTP testcases/kernel/syscalls/epoll_create/ (epoll_create01-03): what each
// case checks, rewritten against kernel.sys. LTP runs each case through the raw syscall
// and through libc; here there is one entry point, so each variant is one call.
import * as E from "../../src/index";
import { newKernel } from "../helpers";

describe("epoll_create01", () => {
  // The size hint is ignored beyond being positive: 1 and INT_MAX both give a new fd.
  test.each([1, 0x7fffffff])("epoll_create(%i) returns a new fd", (size) => {
    const k = newKernel();
    const fd = k.sys.epoll_create(size);
    expect(fd).toBe(3); // fds 0-2 are taken, so the lowest free one
    expect(k.sys.epoll_wait(fd, [], 1, 0)).toBe(0); // an epoll fd (else EINVAL), watching nothing
    expect(k.sys.close(fd)).toBe(0);
    expect(k.sys.epoll_create(size)).toBe(3); // closing it really released the slot
  });
});

describe("epoll_create02", () => {
  test.each([0, -1])("epoll_create(%i) fails with EINVAL", (size) => {
    const k = newKernel();
    expect(k.sys.epoll_create(size)).toBe(-E.EINVAL);
    // Nothing was installed: the next fd is still 3.
    expect(k.sys.epoll_create(1)).toBe(3);
  });
});

describe("epoll_create03", () => {
  test("epoll_create(1) fails with EMFILE once RLIMIT_NOFILE's worth of fds is open", () => {
    const k = newKernel(); // default RLIMIT_NOFILE: 1024
    // LTP opens a scratch regular file and dup()s it until dup fails; a memfd is this
    // model's regular file.
    const first = k.sys.memfd_create("dummy", 0);
    expect(first).toBe(3);
    let opened = 1;
    for (;;) {
      const fd = k.sys.dup(first);
      if (fd < 0) {
        expect(fd).toBe(-E.EMFILE);
        break;
      }
      opened++;
    }
    expect(opened).toBe(1024 - 3);
    expect(k.sys.epoll_create(1)).toBe(-E.EMFILE);
    // One slot freed: epoll_create succeeds there.
    expect(k.sys.close(500)).toBe(0);
    expect(k.sys.epoll_create(1)).toBe(500);
  });
});
