// The benchmark workloads on the model, through kernel.sys (epoll) or its poll().
// Each returns { ns_per_event | ns_per_op | bytes_per_watch, ...counts } (explore: a Promise of it).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  createKernelSync, EPOLLIN, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL, O_NONBLOCK, EFD_NONBLOCK, POLLIN,
  AF_INET, SOCK_STREAM, SOCK_NONBLOCK, EINPROGRESS, IPPROTO_TCP, TCP_NODELAY, EAGAIN,
} from "epoll-wasm";
import { explore as exploreSchedules } from "epoll-wasm/testing";

const now = () => process.hrtime.bigint();

// A full garbage collection before each timed section, so that what earlier kernels left
// behind (a run of 1,000,000 pipes leaves a lot) is not collected inside the next
// measurement. Node exposes gc() only behind a flag, which can be set at run time.
setFlagsFromString("--expose-gc");
const fullGc = runInNewContext("gc");
/** The start of a timed section: a collected heap, then the clock. */
const start = () => {
  fullGc();
  return now();
};
const nsSince = (t0) => Number(now() - t0);

function pipes(k, n) {
  const rd = new Int32Array(n);
  const wr = new Int32Array(n);
  const p = [];
  for (let i = 0; i < n; i++) {
    if (k.sys.pipe2(p, O_NONBLOCK) !== 0) throw new Error("pipe2 failed");
    rd[i] = p[0];
    wr[i] = p[1];
  }
  return { rd, wr };
}

/**
 * The libevent benchmark: N pipes registered level-triggered, A of them carrying a byte;
 * each readable pipe is read (1 byte) and the next pipe written, until W writes are done.
 * `timed`, if given, is called with "start" and "end" around the timed section (a profiler
 * keeps only what lies between: bench/cpuprof.mjs).
 */
export function ring({ pipes: n, active, writes, index = "rbtree", timed }, mode = "epoll") {
  const k = createKernelSync({ maxFds: 2 * n + 64, core: "release", index });
  const s = k.sys;
  const { rd, wr } = pipes(k, n);
  const one = new Uint8Array([1]);
  const byte = new Uint8Array(1);
  let ep = -1;
  let pfds;
  if (mode === "epoll") {
    ep = s.epoll_create1(0);
    for (let i = 0; i < n; i++) if (s.epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], { events: EPOLLIN, data: i }) !== 0) throw new Error("ctl");
  } else {
    pfds = Array.from(rd, (fd) => ({ fd, events: POLLIN, revents: 0 }));
  }
  const out = new Uint32Array(64 * 3);
  const space = Math.floor(n / active);
  const t0 = start();
  timed?.("start");
  for (let i = 0; i < active; i++) s.write(wr[i * space], one, 1);
  let done = active;
  let events = 0;
  const handle = (i) => {
    s.read(rd[i], byte, 1);
    events++;
    if (done < writes) {
      s.write(wr[i + 1 === n ? 0 : i + 1], one, 1);
      done++;
    }
  };
  for (;;) {
    if (mode === "epoll") {
      const got = s.epoll_wait_into(ep, out, 64, 0);
      if (got <= 0) break;
      for (let j = 0; j < got; j++) handle(out[3 * j + 1]);
    } else {
      const got = s.poll(pfds, n, 0);
      if (got <= 0) break;
      for (let i = 0; i < n; i++) if (pfds[i].revents) handle(i);
    }
  }
  const elapsed = nsSince(t0);
  timed?.("end");
  k.fdt.closeAll();
  return { ns_per_event: elapsed / events, events };
}

/** Token passing through a ring of P pipes with T tokens in flight (the 2002 pipetest). */
export function pipetest({ pipes: n, tokens, passes }) {
  const r = ring({ pipes: n, active: tokens, writes: passes });
  return { ns_per_event: r.ns_per_event, tokens_per_sec: 1e9 / r.ns_per_event, events: r.events };
}

/** epoll_ctl ADD, MOD, DEL of `watches` eventfds in one set: ns per operation each. */
export function ctl({ watches, index = "rbtree" }) {
  const k = createKernelSync({ maxFds: watches + 64, core: "release", index });
  const s = k.sys;
  const fds = new Int32Array(watches);
  for (let i = 0; i < watches; i++) fds[i] = s.eventfd(0, EFD_NONBLOCK);
  const ep = s.epoll_create1(0);
  const ev = { events: EPOLLIN, data: 0 };
  const phase = (op) => {
    const t0 = start();
    for (let i = 0; i < watches; i++) {
      ev.data = i;
      if (s.epoll_ctl(ep, op, fds[i], op === EPOLL_CTL_DEL ? null : ev) !== 0) throw new Error(`ctl ${op}`);
    }
    return nsSince(t0) / watches;
  };
  // One untimed cycle warms the JIT and the caches, as the native helper does.
  phase(EPOLL_CTL_ADD);
  phase(EPOLL_CTL_DEL);
  const add = phase(EPOLL_CTL_ADD);
  const mod = phase(EPOLL_CTL_MOD);
  const del = phase(EPOLL_CTL_DEL);
  k.fdt.closeAll();
  return { add, mod, del };
}

/** `fds` always-ready eventfds, level-triggered; epoll_wait(maxevents): ns per returned event. */
export function harvest({ fds: n, maxevents, events, index = "rbtree" }) {
  const k = createKernelSync({ maxFds: n + 64, core: "release", index });
  const s = k.sys;
  const ep = s.epoll_create1(0);
  for (let i = 0; i < n; i++) {
    const fd = s.eventfd(1, EFD_NONBLOCK);
    if (s.epoll_ctl(ep, EPOLL_CTL_ADD, fd, { events: EPOLLIN, data: i }) !== 0) throw new Error("ctl");
  }
  const out = new Uint32Array(maxevents * 3);
  let got = 0;
  const warm = Math.min(events, n + 100000);
  while (got < warm) got += s.epoll_wait_into(ep, out, maxevents, 0);
  got = 0;
  const t0 = start();
  while (got < events) got += s.epoll_wait_into(ep, out, maxevents, 0);
  const elapsed = nsSince(t0);
  k.fdt.closeAll();
  return { ns_per_event: elapsed / got, events: got };
}

/**
 * Core memory per watched fd with `watches` eventfds in one set, and per file: creating a
 * file reserves its f_ep word in the core (Linux keeps f_ep in struct file), so that cost
 * is per open file, watched or not; a watch adds its EpItem.
 */
export function footprint({ watches, index = "rbtree" }) {
  const k = createKernelSync({ maxFds: watches + 64, core: "release", index });
  const s = k.sys;
  const ep = s.epoll_create1(0);
  const fds = new Int32Array(watches);
  const mem0 = k.coreMemoryBytes();
  for (let i = 0; i < watches; i++) fds[i] = s.eventfd(0, EFD_NONBLOCK);
  const before = k.coreMemoryBytes();
  const ev = { events: EPOLLIN, data: 0 };
  for (let i = 0; i < watches; i++) {
    ev.data = i;
    if (s.epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], ev) !== 0) throw new Error("ctl");
  }
  const bytes = k.coreMemoryBytes() - before;
  k.fdt.closeAll();
  return { bytes_per_watch: bytes / watches, core_bytes: bytes, core_bytes_per_file: (before - mem0) / watches };
}

/**
 * The host's JavaScript heap per watched pipe: `pipes` pipes whose read ends are watched by
 * one set, measured as the collected heap's growth (pipe, its two files, fd slots, wait
 * queue and wait entry). Approximate: V8 grows arrays geometrically.
 */
export function footprintHost({ pipes: n }) {
  const k = createKernelSync({ maxFds: 2 * n + 64, core: "release" });
  const s = k.sys;
  const ep = s.epoll_create1(0);
  fullGc();
  const h0 = process.memoryUsage().heapUsed;
  const { rd } = pipes(k, n);
  const ev = { events: EPOLLIN, data: 0 };
  for (let i = 0; i < n; i++) {
    ev.data = i;
    if (s.epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], ev) !== 0) throw new Error("ctl");
  }
  fullGc();
  const grown = process.memoryUsage().heapUsed - h0;
  k.fdt.closeAll();
  return { bytes_per_watch: grown / n, host_bytes: grown };
}

const REQ = new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n");
const RESP = new TextEncoder().encode("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello");

/**
 * The 2002 thread's headline shape (dphttpd): C active and D dead (idle) TCP connections
 * on the kernel's loopback network, all in one kernel. A round: every active client writes a request;
 * the server waits (epoll, or poll over every connection), reads each request and answers;
 * every client reads its answer. ns per request. bench/native/bench.c `http` does the same.
 */
export function http({ active: C, dead: D, requests }, mode = "epoll") {
  const n = C + D;
  const k = createKernelSync({ maxFds: 2 * n + 64, core: "release" });
  const s = k.sys;
  // The server listens on 0.0.0.0; clients connect to 127.0.0.1, then 127.0.0.2, … per 20000
  // connections (one source address and one server port give at most 28232 connections:
  // the ephemeral port range).
  const addr = { family: AF_INET, addr: "0.0.0.0", port: 0 };
  const l = s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (s.bind(l, addr) !== 0 || s.getsockname(l, addr) !== 0 || s.listen(l, 4096) !== 0) throw new Error("listen");
  const cl = new Int32Array(n), sv = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    cl[i] = s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const r = s.connect(cl[i], { family: AF_INET, addr: `127.0.0.${1 + Math.floor(i / 20000)}`, port: addr.port });
    if (r !== 0 && r !== -EINPROGRESS) throw new Error("connect");
    sv[i] = s.accept4(l, null, SOCK_NONBLOCK);
    if (sv[i] < 0) throw new Error("accept4");
    s.setsockopt(cl[i], IPPROTO_TCP, TCP_NODELAY, 1);
    s.setsockopt(sv[i], IPPROTO_TCP, TCP_NODELAY, 1);
  }
  let ep = -1, pfds;
  if (mode === "epoll") {
    ep = s.epoll_create1(0);
    for (let i = 0; i < n; i++) if (s.epoll_ctl(ep, EPOLL_CTL_ADD, sv[i], { events: EPOLLIN, data: i }) !== 0) throw new Error("ctl");
  } else {
    pfds = Array.from(sv, (fd) => ({ fd, events: POLLIN, revents: 0 }));
  }
  const out = new Uint32Array(64 * 3);
  const buf = new Uint8Array(256);
  const serve = (fd) => {
    if (s.read(fd, buf, buf.length) <= 0) throw new Error("read request");
    if (s.write(fd, RESP, RESP.length) !== RESP.length) throw new Error("write response");
  };
  const t0 = start();
  let done = 0;
  while (done < requests) {
    for (let i = 0; i < C; i++) if (s.write(cl[i], REQ, REQ.length) !== REQ.length) throw new Error("write request");
    let served = 0;
    while (served < C) {
      if (mode === "epoll") {
        const got = s.epoll_wait_into(ep, out, 64, 0);
        for (let j = 0; j < got; j++) serve(sv[out[3 * j + 1]]);
        served += got;
      } else {
        const got = s.poll(pfds, n, 0);
        for (let i = 0; i < n; i++) if (pfds[i].revents) serve(sv[i]);
        served += got;
      }
    }
    for (let i = 0; i < C; i++) if (s.read(cl[i], buf, buf.length) !== RESP.length) throw new Error("read response");
    done += C;
  }
  const elapsed = nsSince(t0);
  k.fdt.closeAll();
  return { ns_per_request: elapsed / done, requests: done };
}

/**
 * Two threads, two nonblocking pipes, each thread exactly 10 calls (20 in all) and none that can
 * block: thread a writes pipe 1 and reads pipe 2, b the reverse; each has its own epoll set
 * watching the read end it reads. A thread: 3 × (write 1 byte, epoll_wait timeout 0, read 1 byte,
 * which may find nothing: -EAGAIN), then a last epoll_wait timeout 0.
 */
function pingPong(k) {
  const s = k.sys;
  const p = [];
  const pipe = () => {
    if (s.pipe2(p, O_NONBLOCK) !== 0) throw new Error("pipe2 failed");
    return [p[0], p[1]];
  };
  const [r1, w1] = pipe();
  const [r2, w2] = pipe();
  const side = (name, wr, rd) => {
    const ep = s.epoll_create1(0);
    if (s.epoll_ctl(ep, EPOLL_CTL_ADD, rd, { events: EPOLLIN, data: rd }) !== 0) throw new Error("ctl");
    k.spawn(async (sys) => {
      const one = new Uint8Array([1]);
      const b = new Uint8Array(1);
      const evs = [];
      for (let i = 0; i < 3; i++) {
        if ((await sys.write(wr, one, 1)) !== 1) throw new Error(`${name}: write`);
        const n = await sys.epoll_wait(ep, evs, 1, 0);
        if (n !== 0 && n !== 1) throw new Error(`${name}: epoll_wait returned ${n}`);
        const got = await sys.read(rd, b, 1);
        if (got !== 1 && got !== -EAGAIN) throw new Error(`${name}: read returned ${got}`);
      }
      if ((await sys.epoll_wait(ep, evs, 1, 0)) < 0) throw new Error(`${name}: epoll_wait`);
    }, name);
  };
  side("a", w1, r2);
  side("b", w2, r1);
}

/**
 * Exploration speed of the testing toolkit (epoll-wasm/testing): explore() of the 2-thread,
 * 20-call pingPong scenario; ns per run (one schedule, on a fresh kernel). Exhaustive: `runs`
 * caps the search; runs counts those cut short by pruning, schedules the distinct ones finished.
 */
export async function explore({ strategy, runs, maxPreemptions }) {
  const options = { strategy, runs, seed: 1, kernel: { core: "release" }, ...(maxPreemptions === undefined ? {} : { maxPreemptions }) };
  const t0 = start();
  const r = await exploreSchedules(pingPong, options);
  const elapsed = nsSince(t0);
  if (r.failures.length) throw new Error(`explore ${strategy}: a failing schedule in a scenario that cannot fail: ${r.failures[0].error}`);
  const ns = elapsed / r.runs;
  return {
    ns_per_op: ns,
    schedules_per_s: 1e9 / ns,
    runs: r.runs,
    ...(r.schedules === undefined ? {} : { schedules: r.schedules, complete: r.complete }),
  };
}

/**
 * The in-memory floor: list moves in the core's wasm (list_del_init + list_add_tail of N nodes,
 * round after round), no files, no wait queues, no host calls — what moving an item from a
 * ready list to a transfer list costs at the least on this machine.
 */
export function floor({ nodes, moves }) {
  const k = createKernelSync({ core: "release" });
  const rounds = Math.max(1, Math.floor(moves / nodes));
  k.core.floor_moves(nodes, 2); // warm
  const t0 = start();
  const m = k.core.floor_moves(nodes, rounds);
  if (m !== nodes * rounds) throw new Error(`floor_moves: ${m}`);
  return { ns_per_event: nsSince(t0) / m, events: m };
}
