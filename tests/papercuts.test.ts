// The first hour's papercuts, each with the rule it follows now: spawn typed by its result,
// one close rule for every handle, errnoName for non-errnos, the SIG* constants, and the
// per-watch cost behind max_user_watches.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as E from "../src/index";
import { EP_ITEM_COST } from "../src/kernel/kernel";
import { newKernel } from "./helpers";

jest.setTimeout(60_000);
const root = join(__dirname, "..");

test("spawn is generic: join() is typed by the thread's result (strict tsc)", () => {
  // tsc fails (and prints why) if a typed line is an error or an @ts-expect-error is not.
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const out = execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--target", "ES2022", "--module", "NodeNext",
    "--moduleResolution", "NodeNext", "--skipLibCheck", join(root, "tests", "types", "typed-api.ts")], { cwd: root, encoding: "utf8" });
  expect(out).toBe("");
});

test("one close rule for every handle: the first close() closes, later ones do nothing", () => {
  const k = newKernel();
  const [rd, wr] = k.pipe();
  const efd = k.eventFd();
  const ep = k.epoll();
  for (const h of [rd, efd, ep]) {
    const fd = h.fd;
    expect(fd).toBeGreaterThan(2);
    h.close();
    expect(h.fd).toBe(-1);
    expect(() => h.close()).not.toThrow();
    expect(k.sys.fcntl(fd, E.F_GETFD)).toBe(-E.EBADF);
  }
  // The number is reused by the next file; the old handle never reaches it.
  const [rd2] = k.pipe();
  expect(rd2.fd).toBe(3);
  rd.close();
  rd[Symbol.dispose]();
  expect(() => rd.read()).toThrow(expect.objectContaining({ code: "EBADF", syscall: "read" }));
  expect(k.sys.fcntl(3, E.F_GETFD)).toBe(0); // rd2 is still open
  // A close behind the handle's back is the one failure close() reports.
  k.sys.close(wr.fd);
  expect(() => wr.close()).toThrow(expect.objectContaining({ code: "EBADF", syscall: "close" }));
  expect(() => wr.close()).not.toThrow();
});

test("errnoName: the errno's name, UNKNOWN for anything that is not an errno", () => {
  expect([E.errnoName(9), E.errnoName(-9), E.errnoName(-E.ELOOP)]).toEqual(["EBADF", "EBADF", "ELOOP"]);
  expect([E.errnoName(0), E.errnoName(-9999), E.errnoName(1.5), E.errnoName(NaN)]).toEqual(["UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN"]);
});

test("signal constants have their Linux x86-64 numbers", () => {
  expect([E.SIGHUP, E.SIGINT, E.SIGKILL, E.SIGUSR1, E.SIGUSR2, E.SIGPIPE, E.SIGALRM, E.SIGTERM, E.SIGCHLD]).toEqual([1, 2, 9, 10, 12, 13, 14, 15, 17]);
  expect([E.SIG_BLOCK, E.SIG_UNBLOCK, E.SIG_SETMASK]).toEqual([0, 1, 2]);
});

test("EP_ITEM_COST is what a watch really costs in the core (an EpItem, its wait entry inside)", () => {
  // Watches on dups of one eventfd share its f_ep word, so each costs exactly one EpItem
  // (with its embedded wait entry); memory grows in 64 KiB pages, so take many.
  const N = 20000;
  const k = newKernel({ maxFds: N + 16 });
  const efd = k.sys.eventfd(0, 0);
  const ep = k.sys.epoll_create1(0);
  const fds = Array.from({ length: N }, () => k.sys.dup(efd));
  expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, efd, { events: E.EPOLLIN })).toBe(0); // the head exists now
  const before = k.coreMemoryBytes();
  const live0 = k.liveObjects();
  for (const fd of fds) expect(k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN })).toBe(0);
  const grown = k.coreMemoryBytes() - before;
  expect(k.liveObjects()).toMatchObject({ epitem: live0.epitem + N, eppollEntry: live0.eppollEntry + N, epitemsHead: live0.epitemsHead });
  expect(Math.abs(grown / N - EP_ITEM_COST)).toBeLessThan(65536 / N + 0.01);
});
