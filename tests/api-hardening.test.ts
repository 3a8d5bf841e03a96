// The idiomatic API (kernel.epoll() / class Epoll, the file handles, kernel.pipe() and the
// other constructors) fed wrong types, NaN, Infinity, huge and negative integers, frozen or
// Proxy objects and wrong-length arrays. Each bad call must throw a TypeError (a wrong
// argument type) or an EpollError carrying the Linux errno of the call (code, errno,
// syscall), and leave the kernel's observable state exactly as it was: stateDump(k), every
// set's kernel.inspect() snapshot, the timer's setting and the scheduler's trace are
// compared before and after each call.
import * as E from "../src/index";
import type { Kernel } from "../src/index";
import { checkKernel, newKernel } from "./helpers";
import { stateDump } from "./state";

type Fx = ReturnType<typeof fixture>;

/** A kernel with some state worth preserving: data in pipes, counters, an armed timer, sets. */
function fixture() {
  const k = newKernel();
  const [rd, wr] = k.pipe({ nonblock: true }); // 3, 4: 5 bytes queued
  const [erd, ewr] = k.pipe({ nonblock: true }); // 5, 6: empty
  const efd = k.eventFd(3, { nonblock: true }); // 7
  const tfd = k.timerFd({ nonblock: true }); // 8
  const [sa, sb] = k.socketPair({ nonblock: true }); // 9, 10
  const ep = k.epoll(); // 11
  const ep2 = k.epoll(); // 12: watches the first set
  const unreg = k.eventFd(0, { nonblock: true }); // 13: never registered
  expect(wr.write("hello")).toBe(5);
  tfd.set({ afterMs: 10000, intervalMs: 250 });
  ep.add(rd, E.EPOLLIN, 0xaan);
  ep.add(efd, E.EPOLLIN | E.EPOLLOUT, -5);
  ep.add(sa, E.EPOLLOUT | E.EPOLLET, 0x1122334455667788n);
  ep.add(tfd, E.EPOLLIN | E.EPOLLONESHOT);
  ep.add(erd, E.EPOLLIN);
  ep2.add(ep.fd, E.EPOLLIN, 77);
  expect(sb.write("x")).toBe(1);
  return { k, rd, wr, erd, ewr, efd, tfd, sa, sb, ep, ep2, unreg };
}

function fullState(fx: Fx) {
  const { k } = fx;
  const timer = { it_interval: { tv_sec: -1, tv_nsec: -1 }, it_value: { tv_sec: -1, tv_nsec: -1 } };
  expect(k.sys.timerfd_gettime(fx.tfd.fd, timer)).toBe(0);
  return {
    dump: stateDump(k),
    sets: [fx.ep.fd, fx.ep2.fd].map((fd) => k.inspect(fd)),
    timer,
    trace: k.sched.trace.slice(),
    allocs: k.coreAllocations(),
  };
}

type Expect = "TypeError" | { code: string; syscall: string } | { thrown: unknown };

const errnoOf = (code: string) => (E as unknown as Record<string, number>)[code];

/** Calls `call` (sync or async) on a settled fixture; checks the failure and that nothing changed. */
async function expectRefused(fx: Fx, call: (fx: Fx) => unknown, want: Expect): Promise<void> {
  stateDump(fx.k); // settle: a dump harvests edge-triggered and one-shot events (state.ts)
  const before = fullState(fx);
  let err: unknown = undefined;
  let result: unknown = "(no result)";
  try {
    result = call(fx);
    if (result instanceof Promise) result = await result;
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error(`expected a failure, the call returned ${String(result)}`);
  if (want === "TypeError") {
    // By name: a TypeError thrown by a built-in may come from another realm than jest's.
    expect([(err as Error)?.constructor?.name, (err as Error)?.name, err instanceof E.EpollError]).toEqual(["TypeError", "TypeError", false]);
  } else if ("thrown" in want) {
    expect(err).toBe(want.thrown);
  } else {
    expect(err).toBeInstanceOf(E.EpollError);
    const e = err as E.EpollError;
    expect({ name: e.name, code: e.code, errno: e.errno, syscall: e.syscall }).toEqual({ name: "EpollError", code: want.code, errno: -errnoOf(want.code), syscall: want.syscall });
    expect(e.message.startsWith(`${want.code}: `) && e.message.endsWith(`, ${want.syscall}`)).toBe(true);
  }
  checkKernel(fx.k);
  expect(fullState(fx)).toEqual(before);
}

const TE = "TypeError" as const;
const err = (code: string, syscall: string) => ({ code, syscall });
const trap = new Error("proxy trap");
const throwingProxy = () => new Proxy({}, { get: () => { throw trap; }, has: () => { throw trap; }, getPrototypeOf: () => { throw trap; } });

/** Wrong types for a number argument (fd, mask, count, option). */
const NOT_NUMBERS: [string, unknown][] = [
  ["a numeric string", "3"],
  ["a bigint", 3n],
  ["null", null],
  ["a plain object", { valueOf: () => 3 }],
  ["an array", [3]],
  ["a boolean", true],
  ["a symbol", Symbol("x")],
];
/** Numbers that are not integers. */
const NON_INTEGERS: [string, number][] = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["1.5", 1.5],
];

type Case = [string, (fx: Fx) => unknown, Expect];
const cases: Case[] = [];
const add = (group: string, name: string, call: (fx: Fx) => unknown, want: Expect) => cases.push([`${group}: ${name}`, call, want]);

// ---- Epoll.add / modify / delete / disable: the target ----
for (const m of ["add", "modify", "delete", "disable"] as const) {
  const call = (fx: Fx, target: unknown) => (m === "add" || m === "modify" ? fx.ep[m](target as number, E.EPOLLIN) : fx.ep[m](target as number));
  for (const [name, v] of [...NOT_NUMBERS, ...NON_INTEGERS, ["undefined", undefined] as [string, unknown], ["a FileHandle look-alike", { fd: 3 }] as [string, unknown]]) {
    add(`Epoll.${m}`, `target ${name}`, (fx) => call(fx, v), TE);
  }
  add(`Epoll.${m}`, "target a throwing Proxy", (fx) => call(fx, throwingProxy()), { thrown: trap });
  for (const [name, v] of [["-1", -1], ["-2**31", -(2 ** 31)], ["2**31", 2 ** 31], ["2**53 - 1", Number.MAX_SAFE_INTEGER], ["-2**53 + 1", Number.MIN_SAFE_INTEGER], ["1e300", 1e300], ["1000 (not open)", 1000]] as [string, number][]) {
    add(`Epoll.${m}`, `target ${name}`, (fx) => call(fx, v), err("EBADF", "epoll_ctl"));
  }
  // The set itself, the null device, an unregistered fd.
  add(`Epoll.${m}`, "target the set itself", (fx) => call(fx, fx.ep.fd), err("EINVAL", "epoll_ctl"));
  add(`Epoll.${m}`, "target fd 0 (null device)", (fx) => call(fx, 0), err("EPERM", "epoll_ctl"));
  if (m !== "add") add(`Epoll.${m}`, "target not registered", (fx) => call(fx, fx.unreg), err("ENOENT", "epoll_ctl"));
  // A closed set.
  add(`Epoll.${m}`, "on a set whose fd is not an epoll fd", (fx) => (m === "add" || m === "modify" ? E.Epoll.prototype[m].call({ fd: fx.rd.fd, kernel: fx.k }, fx.efd, E.EPOLLIN) : E.Epoll.prototype[m].call({ fd: fx.rd.fd, kernel: fx.k }, fx.efd)), err("EINVAL", "epoll_ctl"));
}
add("Epoll.add", "target already registered", (fx) => fx.ep.add(fx.rd, E.EPOLLIN), err("EEXIST", "epoll_ctl"));
add("Epoll.add", "target a Proxy of a registered handle", (fx) => fx.ep.add(new Proxy(fx.rd, {}), E.EPOLLIN), err("EEXIST", "epoll_ctl"));
add("Epoll.add", "target a frozen registered handle", (fx) => fx.ep.add(Object.freeze(Object.create(fx.rd)), E.EPOLLIN), err("EEXIST", "epoll_ctl"));
add("Epoll.add", "a set that would contain itself through ep2", (fx) => fx.ep.add(fx.ep2.fd, E.EPOLLIN), err("ELOOP", "epoll_ctl"));

// ---- events and data ----
for (const m of ["add", "modify"] as const) {
  const target = (fx: Fx) => (m === "add" ? fx.unreg : fx.efd);
  for (const [name, v] of [...NOT_NUMBERS, ...NON_INTEGERS, ["undefined", undefined] as [string, unknown], ["2**32", 2 ** 32], ["-(2**31) - 1", -(2 ** 31) - 1], ["2**53", 2 ** 53], ["-1e300", -1e300]]) {
    add(`Epoll.${m}`, `events ${name}`, (fx) => fx.ep[m](target(fx), v as number), TE);
  }
  add(`Epoll.${m}`, "events a throwing Proxy", (fx) => fx.ep[m](target(fx), throwingProxy() as unknown as number), TE);
  for (const [name, v] of [["NaN", NaN], ["1.5", 1.5], ["Infinity", Infinity], ["2**53", 2 ** 53], ["-(2**53)", -(2 ** 53)], ["a string", "1"], ["null", null], ["an object", {}], ["a symbol", Symbol("d")]] as [string, unknown][]) {
    add(`Epoll.${m}`, `data ${name}`, (fx) => fx.ep[m](target(fx), E.EPOLLIN, v as number), TE);
  }
  add(`Epoll.${m}`, "EPOLLEXCLUSIVE with EPOLLONESHOT", (fx) => fx.ep[m](target(fx), E.EPOLLIN | E.EPOLLEXCLUSIVE | E.EPOLLONESHOT), err("EINVAL", "epoll_ctl"));
}
add("Epoll.add", "EPOLLEXCLUSIVE on an epoll fd", (fx) => fx.ep.add(fx.ep2.fd, E.EPOLLIN | E.EPOLLEXCLUSIVE), err("EINVAL", "epoll_ctl"));

// ---- Epoll.wait (async) ----
for (const [name, v] of [["null", null], ["a number", 5], ["a string", "x"], ["true", true]] as [string, unknown][]) {
  add("Epoll.wait", `options ${name}`, (fx) => fx.ep.wait(v as E.WaitOptions), TE);
}
add("Epoll.wait", "options a throwing Proxy", (fx) => fx.ep.wait(throwingProxy() as E.WaitOptions), { thrown: trap });
for (const [name, v] of [...NOT_NUMBERS, ...NON_INTEGERS, ["0", 0], ["-1", -1], ["178956971", 178956971], ["2**31", 2 ** 31], ["2**53", 2 ** 53]] as [string, unknown][]) {
  add("Epoll.wait", `maxEvents ${name}`, (fx) => fx.ep.wait({ maxEvents: v as number, timeout: 0 }), TE);
}
for (const [name, v] of [...NOT_NUMBERS, ...NON_INTEGERS, ["-2", -2], ["2**31", 2 ** 31], ["-(2**31)", -(2 ** 31)], ["2**53", 2 ** 53]] as [string, unknown][]) {
  add("Epoll.wait", `timeout ${name}`, (fx) => fx.ep.wait({ timeout: v as number }), TE);
}
for (const [name, v] of [["an object", { aborted: false, addEventListener() {} }], ["null", null], ["true", true]] as [string, unknown][]) {
  add("Epoll.wait", `signal ${name}`, (fx) => fx.ep.wait({ timeout: 10, signal: v as AbortSignal }), TE);
}
const reason = new Error("already aborted");
add("Epoll.wait", "an aborted signal", (fx) => fx.ep.wait({ timeout: 1000, signal: AbortSignal.abort(reason) }), { thrown: reason });
add("Epoll.wait", "on a non-epoll fd", (fx) => E.Epoll.prototype.wait.call({ fd: fx.rd.fd, kernel: fx.k }, { timeout: 0 }), err("EINVAL", "epoll_wait"));
add("Epoll.wait", "on a closed fd", (fx) => E.Epoll.prototype.wait.call({ fd: 500, kernel: fx.k }, { timeout: 0 }), err("EBADF", "epoll_wait"));

// ---- Epoll.waitInto ----
for (const [name, v] of [["an Array", [0, 0, 0]], ["a Uint8Array", new Uint8Array(12)], ["an Int32Array", new Int32Array(3)], ["a Float64Array", new Float64Array(3)], ["a BigUint64Array", new BigUint64Array(3)], ["an ArrayBuffer", new ArrayBuffer(12)], ["null", null], ["undefined", undefined], ["a DataView", new DataView(new ArrayBuffer(12))]] as [string, unknown][]) {
  add("Epoll.waitInto", `out ${name}`, (fx) => fx.ep.waitInto(v as Uint32Array), TE);
}
add("Epoll.waitInto", "out a Proxy of a Uint32Array", (fx) => fx.ep.waitInto(new Proxy(new Uint32Array(6), {})), TE);
add("Epoll.waitInto", "out of length 0 (maxEvents 0)", (fx) => fx.ep.waitInto(new Uint32Array(0)), err("EINVAL", "epoll_wait"));
add("Epoll.waitInto", "out of length 2 (maxEvents 0)", (fx) => fx.ep.waitInto(new Uint32Array(2)), err("EINVAL", "epoll_wait"));
add("Epoll.waitInto", "frozen empty out", (fx) => fx.ep.waitInto(Object.freeze(new Uint32Array(0))), err("EINVAL", "epoll_wait"));
add("Epoll.waitInto", "maxEvents beyond the array (events ready: the copy faults, nothing is lost)", (fx) => fx.ep.waitInto(new Uint32Array(6), 3), err("EFAULT", "epoll_wait"));
add("Epoll.waitInto", "a subarray view shorter than maxEvents", (fx) => fx.ep.waitInto(new Uint32Array(30).subarray(0, 5), 2), err("EFAULT", "epoll_wait"));
for (const [name, v] of [...NON_INTEGERS, ["0", 0], ["-1", -1], ["178956971", 178956971], ["2**31", 2 ** 31], ["2**53", 2 ** 53]] as [string, number][]) {
  add("Epoll.waitInto", `maxEvents ${name}`, (fx) => fx.ep.waitInto(new Uint32Array(6), v), err("EINVAL", "epoll_wait"));
}
for (const [name, v] of NOT_NUMBERS) {
  // README: "wrong argument types throw TypeError".
  add("Epoll.waitInto", `maxEvents ${name}`, (fx) => fx.ep.waitInto(new Uint32Array(6), v as number), TE);
}

// ---- FileHandle.read / write ----
for (const [name, v] of NOT_NUMBERS) add("FileHandle.read", `max ${name}`, (fx) => fx.rd.read(v as number), TE);
for (const [name, v] of [["NaN", NaN], ["1.5", 1.5], ["Infinity", Infinity], ["-Infinity", -Infinity]] as [string, number][]) {
  // As kernel.sys.read: a non-integer count is EINVAL.
  add("FileHandle.read", `max ${name}`, (fx) => fx.rd.read(v), err("EINVAL", "read"));
}
// As kernel.sys.read: a negative count is a huge size_t that access_ok refuses.
add("FileHandle.read", "max -1", (fx) => fx.rd.read(-1), err("EFAULT", "read"));
add("FileHandle.read", "max -(2**53)", (fx) => fx.rd.read(-(2 ** 53)), err("EFAULT", "read"));
// A huge count on an empty non-blocking pipe: Linux answers EAGAIN (it never needs the memory).
add("FileHandle.read", "max 2**40 on an empty pipe", (fx) => fx.erd.read(2 ** 40), err("EAGAIN", "read"));
add("FileHandle.read", "max 2**53 - 1 on an empty pipe", (fx) => fx.erd.read(Number.MAX_SAFE_INTEGER), err("EAGAIN", "read"));
add("FileHandle.read", "the write end", (fx) => fx.wr.read(), err("EBADF", "read"));
add("FileHandle.read", "an epoll fd", (fx) => new E.FileHandle(fx.k, fx.ep.fd).read(), err("EINVAL", "read"));
add("FileHandle.read", "a closed fd", (fx) => new E.FileHandle(fx.k, 600).read(), err("EBADF", "read"));
add("FileHandle.read", "an empty non-blocking pipe", (fx) => fx.erd.read(), err("EAGAIN", "read"));
add("FileHandle.read", "eventfd with fewer than 8 bytes", (fx) => fx.efd.read(7), err("EINVAL", "read"));
for (const [name, v] of [["a number", 123], ["null", null], ["undefined", undefined], ["a plain object", {}], ["an array of bytes", [104, 105]], ["an array-like", { length: 3, 0: 1, 1: 2, 2: 3 }], ["a Uint16Array", new Uint16Array(2)], ["a DataView", new DataView(new ArrayBuffer(2))], ["an ArrayBuffer", new ArrayBuffer(2)], ["a bigint", 5n], ["a symbol", Symbol("w")], ["a String object", new String("hi")], ["a Proxy of a Uint8Array", new Proxy(new Uint8Array(2), {})]] as [string, unknown][]) {
  add("FileHandle.write", `data ${name}`, (fx) => fx.wr.write(v as Uint8Array), TE);
}
// A Proxy is not a Uint8Array (the check reads no property of it, so no trap runs).
add("FileHandle.write", "data a throwing Proxy", (fx) => fx.wr.write(throwingProxy() as Uint8Array), TE);
add("FileHandle.write", "the read end", (fx) => fx.rd.write("x"), err("EBADF", "write"));
add("FileHandle.write", "an epoll fd", (fx) => new E.FileHandle(fx.k, fx.ep.fd).write("x"), err("EINVAL", "write"));
add("FileHandle.write", "eventfd with fewer than 8 bytes", (fx) => fx.efd.write(new Uint8Array(7)), err("EINVAL", "write"));
add("FileHandle.write", "eventfd with 0xffffffffffffffff", (fx) => fx.efd.write(new Uint8Array(8).fill(0xff)), err("EINVAL", "write"));

// ---- EventFdHandle.add ----
for (const [name, v] of [["a numeric string", "5"], ["null", null], ["undefined", undefined], ["a plain object", {}], ["an object with valueOf", { valueOf: () => 5 }], ["an array", [5]], ["a boolean", true], ["a symbol", Symbol("n")], ...NON_INTEGERS] as [string, unknown][]) {
  add("EventFdHandle.add", `n ${name}`, (fx) => fx.efd.add(v as number), TE);
}
for (const [name, v] of [["-1", -1], ["-2", -2], ["-1n", -1n], ["-(2n**63n)", -(2n ** 63n)], ["2n**64n - 1n (ULLONG_MAX)", 2n ** 64n - 1n], ["2n**64n", 2n ** 64n], ["2n**64n + 5n", 2n ** 64n + 5n], ["2n**100n", 2n ** 100n]] as [string, number | bigint][]) {
  // eventfd_write refuses ULLONG_MAX with EINVAL; a value a u64 cannot hold must not wrap.
  add("EventFdHandle.add", `n ${name}`, (fx) => fx.efd.add(v), err("EINVAL", "write"));
}
add("EventFdHandle.add", "on a closed fd", (fx) => new E.EventFdHandle(fx.k, 600).add(1), err("EBADF", "write"));
add("EventFdHandle.take", "an empty non-blocking eventfd", (fx) => fx.unreg.take(), err("EAGAIN", "read"));

// ---- TimerFdHandle.set ----
for (const [name, v] of [["null", null], ["undefined", undefined], ["a number", 5], ["a string", "x"], ["a symbol", Symbol("t")]] as [string, unknown][]) {
  add("TimerFdHandle.set", `options ${name}`, (fx) => fx.tfd.set(v as { afterMs: number }), TE);
}
add("TimerFdHandle.set", "options a throwing Proxy", (fx) => fx.tfd.set(throwingProxy() as { afterMs: number }), { thrown: trap });
for (const key of ["afterMs", "atMs", "intervalMs"] as const) {
  const base = key === "intervalMs" ? { afterMs: 5 } : {};
  for (const [name, v] of [["a numeric string", "100"], ["a bigint", 100n], ["null", null], ["an object", { valueOf: () => 100 }], ["a boolean", true]] as [string, unknown][]) {
    add("TimerFdHandle.set", `${key} ${name}`, (fx) => fx.tfd.set({ ...base, [key]: v }), TE);
  }
  for (const [name, v] of [["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity], ["-5", -5], ["-0.5", -0.5], ["-(2**53)", -(2 ** 53)]] as [string, number][]) {
    // timerfd_settime refuses an invalid timespec with EINVAL.
    add("TimerFdHandle.set", `${key} ${name}`, (fx) => fx.tfd.set({ ...base, [key]: v }), err("EINVAL", "timerfd_settime"));
  }
}
add("TimerFdHandle.set", "on an eventfd", (fx) => new E.TimerFdHandle(fx.k, fx.efd.fd).set({ afterMs: 5 }), err("EINVAL", "timerfd_settime"));
add("TimerFdHandle.set", "on a closed fd", (fx) => new E.TimerFdHandle(fx.k, 600).set({ afterMs: 5 }), err("EBADF", "timerfd_settime"));

// ---- kernel.pipe() / socketPair() / eventFd() / timerFd() / epoll() options ----
for (const ctor of ["pipe", "socketPair", "timerFd", "epoll"] as const) {
  const mk = (fx: Fx, o: unknown) => (fx.k[ctor] as (o: unknown) => unknown).call(fx.k, o);
  for (const [name, v] of [["null", null], ["a number", 5], ["a string", "nonblock"], ["true", true], ["a symbol", Symbol("o")]] as [string, unknown][]) {
    add(`kernel.${ctor}`, `options ${name}`, (fx) => mk(fx, v), TE);
  }
  add(`kernel.${ctor}`, "options a throwing Proxy", (fx) => mk(fx, throwingProxy()), { thrown: trap });
  const flags = ctor === "epoll" ? ["cloexec"] : ctor === "pipe" ? ["nonblock", "cloexec", "direct"] : ["nonblock", "cloexec"];
  for (const f of flags) {
    for (const [name, v] of [["a string", "yes"], ["a number", 1], ["an object", {}]] as [string, unknown][]) {
      add(`kernel.${ctor}`, `${f} ${name}`, (fx) => mk(fx, { [f]: v }), TE);
    }
  }
}
for (const [name, v] of [["an unknown clock name", "boottime"], ["a clock number", 1], ["null", null], ["an empty string", ""]] as [string, unknown][]) {
  add("kernel.timerFd", `clock ${name}`, (fx) => fx.k.timerFd({ clock: v as "monotonic" }), TE);
}
for (const [name, v] of [["a numeric string", "5"], ["a bigint", 5n], ["null", null], ["an object", {}], ["a symbol", Symbol("i")]] as [string, unknown][]) {
  add("kernel.eventFd", `initval ${name}`, (fx) => fx.k.eventFd(v as number), TE);
}
for (const [name, v] of [["NaN", NaN], ["1.5", 1.5], ["Infinity", Infinity], ["2**32", 2 ** 32], ["2**53", 2 ** 53], ["-1", -1], ["-(2**31)", -(2 ** 31)]] as [string, number][]) {
  // eventfd(2) takes an unsigned int; a negative count is not a counter value.
  add("kernel.eventFd", `initval ${name}`, (fx) => fx.k.eventFd(v), err("EINVAL", "eventfd"));
}
for (const [name, v] of [["null", null], ["a number", 5], ["a string", "semaphore"], ["a throwing Proxy", undefined]] as [string, unknown][]) {
  if (v === undefined) add("kernel.eventFd", `options ${name}`, (fx) => fx.k.eventFd(0, throwingProxy() as {}), { thrown: trap });
  else add("kernel.eventFd", `options ${name}`, (fx) => fx.k.eventFd(0, v as {}), TE);
}
for (const f of ["semaphore", "nonblock", "cloexec"]) {
  for (const [name, v] of [["a string", "yes"], ["a number", 1], ["an object", {}]] as [string, unknown][]) {
    add("kernel.eventFd", `${f} ${name}`, (fx) => fx.k.eventFd(0, { [f]: v }), TE);
  }
}
// Out of fds: EMFILE from every constructor, nothing half-made.
for (const ctor of ["pipe", "socketPair", "eventFd", "timerFd", "epoll"] as const) {
  add(`kernel.${ctor}`, "with no free fd", (fx) => {
    // Fill the table with dups of fd 0, and close them again before the comparison.
    const made: number[] = [];
    for (;;) {
      const fd = fx.k.sys.dup(0);
      if (fd < 0) break;
      made.push(fd);
    }
    try {
      return (fx.k[ctor] as () => unknown).call(fx.k);
    } finally {
      for (const fd of made) fx.k.sys.close(fd);
    }
  }, err("EMFILE", ctor === "pipe" ? "pipe2" : ctor === "socketPair" ? "socketpair" : ctor === "eventFd" ? "eventfd" : ctor === "timerFd" ? "timerfd_create" : "epoll_create1"));
}

describe("bad input to the idiomatic API throws and changes nothing", () => {
  test.each(cases)("%s", async (_name, call, want) => {
    const fx = fixture();
    await expectRefused(fx, call, want);
  });
});

test("MOD of an EPOLLEXCLUSIVE item is EINVAL and changes nothing", async () => {
  const fx = fixture();
  fx.ep.add(fx.unreg, E.EPOLLIN | E.EPOLLEXCLUSIVE, 1);
  await expectRefused(fx, (f) => f.ep.modify(f.unreg, E.EPOLLIN), err("EINVAL", "epoll_ctl"));
  await expectRefused(fx, (f) => f.ep.modify(f.unreg, E.EPOLLIN | E.EPOLLEXCLUSIVE), err("EINVAL", "epoll_ctl"));
});

test("frozen and Proxy arguments that are valid work as the plain ones", async () => {
  const fx = fixture();
  const { k } = fx;
  // A frozen options object, a frozen handle (through a frozen object inheriting from it).
  const [r2, w2] = k.pipe(Object.freeze({ nonblock: true }));
  fx.ep.add(Object.freeze(r2) as E.FileHandle, E.EPOLLIN, 9n);
  fx.ep.modify(new Proxy(r2, {}), E.EPOLLIN | E.EPOLLRDHUP, 10n);
  expect(w2.write(Object.freeze(new Uint8Array(0)))).toBe(0);
  expect(w2.write(new Uint8Array([1, 2, 3]))).toBe(3);
  const evs = await fx.ep.wait(Object.freeze({ timeout: 0, maxEvents: 64 }));
  expect(evs.filter((e) => e.data === 10n)).toEqual([{ events: E.EPOLLIN, data: 10n }]);
  const out = new Uint32Array(3 * 8);
  const n = fx.ep.waitInto(out);
  expect(n).toBeGreaterThan(0);
  expect(fx.ep.disable(new Proxy(r2, {}))).toBe(true);
  fx.ep.delete(Object.freeze(r2) as E.FileHandle);
  r2.close();
  w2.close();
  checkKernel(k);
});

test("every refused call above really was refused by the model, not by the fixture", () => {
  // The fixture itself: the fds and registrations the cases rely on.
  const fx = fixture();
  expect([fx.rd.fd, fx.wr.fd, fx.erd.fd, fx.ewr.fd, fx.efd.fd, fx.tfd.fd, fx.sa.fd, fx.sb.fd, fx.ep.fd, fx.ep2.fd, fx.unreg.fd]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  expect(fx.k.userWatches()).toBe(6);
  expect(cases.length).toBeGreaterThan(300);
  const k: Kernel = fx.k;
  expect(k.inspect(fx.ep.fd)!.items.map((i) => i.fd)).toEqual([3, 5, 7, 8, 9]);
});
