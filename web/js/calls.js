// The page's operations on the kernel: kernel.sys calls, each logged as `name(args) = ret`.
import * as E from "../../dist/index.js";
import { $, CTL_OPS, enc, fmtArg, fmtEvents, fmtFlags, fmtRet, msToTs, printable, readU64, u64 } from "./dom.js";
import { addLog, busy, clearThreads, generation, kernel, newGeneration, notes, render, sched, setKernel } from "./state.js";

// ---------------------------------------------------------------------------------------
// kernel and calls

export async function reset(seed) {
  newGeneration();
  if (sched.pending) {
    // Drop the old run: it stays paused forever and is garbage once unreachable.
    sched.pending = null;
  }
  if (sched.running) {
    sched.running = false;
    busy(0);
  }
  sched.next = null;
  sched.steps = 0;
  sched.done = null;
  clearThreads();
  notes.clear();
  setKernel(await E.createKernel({ seed }));
  installHook();
  addLog("note", `new kernel (seed ${seed}); fds 0-2 are /dev/null`);
  render();
}

export function installHook() {
  const gen = generation;
  kernel.onSchedule((next) => {
    if (gen !== generation) return new Promise(() => {});
    sched.next = next.name;
    sched.steps++;
    if (sched.mode === "run") {
      render();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      sched.pending = resolve;
      render();
    });
  });
}

/** A synchronous kernel.sys call, logged as `name(args) = ret`. */
export function sys(name, ...args) {
  const ret = kernel.sys[name](...args);
  const shown = args.map(fmtArg);
  if (name === "epoll_ctl") shown[1] = CTL_OPS[args[1]] ?? shown[1];
  const flagArg = { pipe2: 1, eventfd: 1, timerfd_create: 1, socketpair: 1 }[name];
  if (flagArg !== undefined) shown[flagArg] = fmtFlags(args[flagArg], name === "socketpair" ? [["SOCK_STREAM", 1]] : []);
  if (name === "shutdown") shown[1] = ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"][args[1]] ?? shown[1];
  let tail = "";
  if ((name === "pipe2" || name === "socketpair") && ret === 0) tail = ` → [${args[name === "pipe2" ? 0 : 3].join(", ")}]`;
  addLog(ret < 0 ? "error" : "call", `${name}(${shown.join(", ")}) = ${fmtRet(ret)}${tail}`, { call: name, ret, by: "main" });
  return ret;
}

/** Log events delivered by an epoll_wait. */
export function delivered(epfd, out, n, by) {
  if (n <= 0) return;
  for (let i = 0; i < n; i++) {
    const ev = out[i];
    addLog("event", `${by}: epfd ${epfd} → ${fmtEvents(ev.events)} data=${ev.data}`, {
      epfd, events: ev.events >>> 0, data: ev.data, by,
    });
  }
}

export function doWait(epfd, max, timeout, by = "main") {
  const out = [];
  const n = sys("epoll_wait", epfd, out, max, timeout);
  delivered(epfd, out, n, by);
  return { n, out };
}

/** The page's "non-blocking" option, for the files it creates. */
export const nonblock = () => $("opt-nonblock").checked;
export const fileOf = (fd) => kernel.fds().find((f) => f.fd === fd);
export const kindOf = (fd) => fileOf(fd)?.kind;

export function createPipe() {
  const p = [];
  if (sys("pipe2", p, nonblock() ? E.O_NONBLOCK : 0) < 0) return null;
  notes.set(p[0], `pipe read end (writer ${p[1]})`);
  notes.set(p[1], `pipe write end (reader ${p[0]})`);
  return p;
}
export function createSocketpair() {
  const sv = [];
  if (sys("socketpair", E.AF_UNIX, E.SOCK_STREAM | (nonblock() ? E.SOCK_NONBLOCK : 0), 0, sv) < 0) return null;
  notes.set(sv[0], `socket, peer ${sv[1]}`);
  notes.set(sv[1], `socket, peer ${sv[0]}`);
  return sv;
}
export function createEventfd() {
  const fd = sys("eventfd", 0, nonblock() ? E.EFD_NONBLOCK : 0);
  if (fd >= 0) notes.set(fd, "eventfd");
  return fd;
}
export function createEpoll() {
  const fd = sys("epoll_create1", 0);
  if (fd >= 0) notes.set(fd, "epoll set");
  return fd;
}
export function createTimerfd(ms, intervalMs) {
  const fd = sys("timerfd_create", E.CLOCK_MONOTONIC, nonblock() ? E.TFD_NONBLOCK : 0);
  if (fd < 0) return fd;
  notes.set(fd, `timerfd (${ms} ms${intervalMs ? `, every ${intervalMs} ms` : ""})`);
  settime(fd, ms, intervalMs);
  return fd;
}
export function settime(fd, ms, intervalMs) {
  return sys("timerfd_settime", fd, 0, { it_interval: msToTs(intervalMs), it_value: msToTs(ms) }, null);
}

/** write(fd): text for pipes and sockets; an 8-byte counter for an eventfd. */
export function writeTo(fd, text, ts) {
  const { buf, len } = payload(fd, text);
  if (ts) return ts.write(fd, buf, len);
  return sys("write", fd, buf, len);
}
export function payload(fd, text) {
  if (kindOf(fd) === "eventfd") {
    let v = 1n;
    try {
      v = BigInt(text.trim() || "1");
    } catch {
      v = 1n;
    }
    return { buf: u64(v), len: 8 };
  }
  const buf = enc.encode(text);
  return { buf, len: buf.length };
}

export function readFrom(fd, count) {
  const kind = kindOf(fd);
  const n = kind === "eventfd" || kind === "timerfd" ? 8 : Math.max(0, count | 0);
  const buf = new Uint8Array(n);
  const ret = kernel.sys.read(fd, buf, n);
  let shown = "";
  if (ret > 0) shown = kind === "eventfd" || kind === "timerfd" ? ` → ${readU64(buf)}` : ` → "${printable(buf.subarray(0, ret))}"`;
  addLog(ret < 0 ? "error" : "call", `read(${fd}, buf, ${n}) = ${fmtRet(ret)}${shown}`, { call: "read", ret, by: "main" });
  return ret;
}

export function closeFd(fd) {
  const ret = sys("close", fd);
  if (ret === 0) notes.delete(fd);
  return ret;
}
export function dupFd(fd) {
  const ret = sys("dup", fd);
  if (ret >= 0) notes.set(ret, `dup of ${fd}${notes.has(fd) ? ` (${notes.get(fd)})` : ""}`);
  return ret;
}

export function ctl(epfd, op, fd, events, data) {
  const ev = op === E.EPOLL_CTL_DEL ? null : { events, data: data ?? BigInt(fd) };
  return sys("epoll_ctl", epfd, op, fd, ev);
}
