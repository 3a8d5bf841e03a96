// The public surface holds the contract's calls and nothing else: kernel.sys and a thread's
// sys expose exactly the syscalls (their helpers are private members), and a kernel's
// abort state cannot be cleared from outside.
import * as E from "../src/index";
import { newKernel } from "./helpers";

const SYSCALLS = [
  "close", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2",
  "epoll_wait", "epoll_wait_into", "eventfd", "eventfd2", "exit", "fcntl", "fdinfo", "memfd_create", "nanosleep", "pipe",
  "pipe2", "poll", "read", "shutdown", "socketpair", "timerfd_create", "timerfd_gettime", "timerfd_settime", "usleep", "write",
  // sockets (CONTRACT §6)
  "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "ioctl", "listen", "recv", "recvfrom",
  "send", "sendto", "setsockopt", "socket", "unlink", "sendmsg", "recvmsg",
  // signals (CONTRACT §7)
  "getpid", "gettid", "kill", "tgkill", "sigaction", "sigprocmask", "sigpending", "signalfd",
].sort();
const members = (o: object) => [...Object.keys(o), ...Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((n) => n !== "constructor")].sort();

test("kernel.sys has the syscalls and nothing else", () => {
  const k = newKernel();
  expect(members(k.sys)).toEqual(SYSCALLS);
  const loose = k.sys as unknown as Record<string, unknown>;
  for (const internal of ["copyEvents", "ctlResolved", "waitTarget", "pollRequests", "storeRevents", "k"]) expect(loose[internal]).toBeUndefined();
});

test("a thread's sys has the same syscalls, and its thread", async () => {
  const k = newKernel();
  let seen: string[] = [];
  const t = k.spawn(async (ts) => {
    seen = members(ts);
  });
  const joined = t.join();
  await k.run();
  await joined;
  expect(seen).toEqual([...SYSCALLS, "thread"].sort());
});

test("kernel.dead cannot be written: an aborted kernel stays refused", () => {
  const k = newKernel();
  expect(k.dead).toBeNull();
  expect(() => {
    (k as unknown as { dead: unknown }).dead = new Error("revive?");
  }).toThrow(TypeError);
  expect(k.dead).toBeNull();
  expect(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(k), "dead")?.set).toBeUndefined();
  void E;
});
