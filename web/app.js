// epoll-wasm visualizer: a console of Linux calls on a live kernel, scripted scenarios, and a
// drawing of every epoll set's core state (kernel.inspect) after each operation and each
// scheduler step. Plain DOM, no build step; the package comes from the built dist/.
import * as E from "../dist/index.js";

// ---------------------------------------------------------------------------------------
// small helpers

const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** h("div", { class: "x", "data-fd": 3, onclick: f }, child, "text", [more]) */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "true" : String(v));
    }
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

/** Event bits in the order they are shown. */
const BITS = [
  ["IN", E.EPOLLIN], ["PRI", E.EPOLLPRI], ["OUT", E.EPOLLOUT], ["ERR", E.EPOLLERR], ["HUP", E.EPOLLHUP],
  ["NVAL", E.EPOLLNVAL], ["RDNORM", E.EPOLLRDNORM], ["RDBAND", E.EPOLLRDBAND], ["WRNORM", E.EPOLLWRNORM],
  ["WRBAND", E.EPOLLWRBAND], ["MSG", E.EPOLLMSG], ["RDHUP", E.EPOLLRDHUP], ["EXCLUSIVE", E.EPOLLEXCLUSIVE],
  ["WAKEUP", E.EPOLLWAKEUP], ["ONESHOT", E.EPOLLONESHOT], ["ET", E.EPOLLET],
];
/** The checkboxes of the epoll_ctl form. */
const CTL_BITS = ["IN", "OUT", "PRI", "RDHUP", "ET", "ONESHOT", "EXCLUSIVE", "WAKEUP", "ERR", "HUP"];

function fmtEvents(n) {
  n >>>= 0;
  if (n === 0) return "0";
  const names = [];
  let rest = n;
  for (const [name, bit] of BITS) {
    if ((n & bit) >>> 0) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push("0x" + rest.toString(16));
  return names.join("|");
}

function fmtRet(ret) {
  if (typeof ret !== "number") return String(ret);
  return ret < 0 ? `-${E.errnoName(ret)}` : String(ret);
}

function fmtArg(a) {
  if (a === null) return "NULL";
  if (a === undefined) return "undefined";
  if (typeof a === "bigint") return `${a}n`;
  if (a instanceof Uint8Array) return `"${printable(a)}"`;
  if (Array.isArray(a)) return "out";
  if (typeof a === "object" && "events" in a) return `{${fmtEvents(a.events)}, data=${a.data}}`;
  if (typeof a === "object" && "it_value" in a) return `{value=${fmtTs(a.it_value)}, interval=${fmtTs(a.it_interval)}}`;
  if (typeof a === "object" && "tv_sec" in a) return fmtTs(a);
  return String(a);
}
const CTL_OPS = { 1: "EPOLL_CTL_ADD", 2: "EPOLL_CTL_DEL", 3: "EPOLL_CTL_MOD", 4: "EPOLL_CTL_DISABLE" };
function fmtFlags(v, extra) {
  const names = [];
  let rest = v >>> 0;
  for (const [name, bit] of [...extra, ["NONBLOCK", 0x800], ["CLOEXEC", 0x80000]]) {
    if ((rest & bit) === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push("0x" + rest.toString(16));
  return names.length ? names.join("|") : "0";
}
const fmtTs = (t) => `${t.tv_sec}s+${t.tv_nsec}ns`;
const msToTs = (ms) => ({ tv_sec: Math.floor(ms / 1000), tv_nsec: (ms % 1000) * 1e6 });

function printable(bytes) {
  const s = dec.decode(bytes);
  return s.length > 40 ? s.slice(0, 40) + "…" : s.replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const u64 = (v) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
};
const readU64 = (b) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);

function fmtNs(ns) {
  const n = BigInt(ns);
  if (n === 0n) return "0 ns";
  if (n % 1000000n === 0n) return `${n / 1000000n} ms`;
  if (n % 1000n === 0n) return `${n / 1000n} µs`;
  return `${n} ns`;
}

// ---------------------------------------------------------------------------------------
// state

let kernel = null;
/** Every log entry: { seq, kind: "call"|"event"|"thread"|"note"|"error"|"scenario", text, ... } */
const log = [];
let seq = 0;
/** fd -> a note of where it came from ("pipe read end, peer 4", ...); cleared on close. */
const notes = new Map();
/** Threads spawned from this page: { t, desc, lastResult }. */
let threads = [];
let threadCounter = 0;
/** Bumped on reset: callbacks of an old kernel's run() then do nothing. */
let generation = 0;
/** Settles when the current generation ends (reset): frees anything awaiting an old run. */
let abortGen = () => {};
let aborted = new Promise(() => {});

const sched = {
  mode: "run", // "run" | "step"
  running: false,
  pending: null, // resolve of the step hook's promise while paused
  next: null, // name of the thread the scheduler will run next
  steps: 0,
  done: null, // promise of the current run
};

let busyCount = 0;
let idleWaiters = [];
function busy(delta) {
  busyCount += delta;
  document.body.dataset.busy = String(busyCount > 0 || sched.running);
  if (busyCount === 0 && !sched.running) {
    for (const r of idleWaiters.splice(0)) r();
  }
}

function addLog(kind, text, extra = {}) {
  const entry = { seq: ++seq, kind, text, ...extra };
  log.push(entry);
  if (log.length > 2000) log.splice(0, log.length - 2000);
  return entry;
}

// ---------------------------------------------------------------------------------------
// kernel and calls

async function reset(seed) {
  generation++;
  abortGen();
  aborted = new Promise((r) => (abortGen = r));
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
  threads = [];
  notes.clear();
  kernel = await E.createKernel({ seed });
  installHook();
  addLog("note", `new kernel (seed ${seed}); fds 0-2 are /dev/null`);
  render();
}

function installHook() {
  const gen = generation;
  kernel.sched.stepHook = (next) => {
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
  };
}

/** A synchronous kernel.sys call, logged as `name(args) = ret`. */
function sys(name, ...args) {
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
function delivered(epfd, out, n, by) {
  if (n <= 0) return;
  for (let i = 0; i < n; i++) {
    const ev = out[i];
    addLog("event", `${by}: epfd ${epfd} → ${fmtEvents(ev.events)} data=${ev.data}`, {
      epfd, events: ev.events >>> 0, data: ev.data, by,
    });
  }
}

function doWait(epfd, max, timeout, by = "main") {
  const out = [];
  const n = sys("epoll_wait", epfd, out, max, timeout);
  delivered(epfd, out, n, by);
  return { n, out };
}

const fileOf = (fd) => kernel.fdt.get(fd);
const kindOf = (fd) => fileOf(fd)?.kind;

function createPipe() {
  const p = [];
  if (sys("pipe2", p, nonblock() ? E.O_NONBLOCK : 0) < 0) return null;
  notes.set(p[0], `pipe read end (writer ${p[1]})`);
  notes.set(p[1], `pipe write end (reader ${p[0]})`);
  return p;
}
function createSocketpair() {
  const sv = [];
  if (sys("socketpair", E.AF_UNIX, E.SOCK_STREAM | (nonblock() ? E.SOCK_NONBLOCK : 0), 0, sv) < 0) return null;
  notes.set(sv[0], `socket, peer ${sv[1]}`);
  notes.set(sv[1], `socket, peer ${sv[0]}`);
  return sv;
}
function createEventfd() {
  const fd = sys("eventfd", 0, nonblock() ? E.EFD_NONBLOCK : 0);
  if (fd >= 0) notes.set(fd, "eventfd");
  return fd;
}
function createEpoll() {
  const fd = sys("epoll_create1", 0);
  if (fd >= 0) notes.set(fd, "epoll set");
  return fd;
}
function createTimerfd(ms, intervalMs) {
  const fd = sys("timerfd_create", E.CLOCK_MONOTONIC, nonblock() ? E.TFD_NONBLOCK : 0);
  if (fd < 0) return fd;
  notes.set(fd, `timerfd (${ms} ms${intervalMs ? `, every ${intervalMs} ms` : ""})`);
  settime(fd, ms, intervalMs);
  return fd;
}
function settime(fd, ms, intervalMs) {
  return sys("timerfd_settime", fd, 0, { it_interval: msToTs(intervalMs), it_value: msToTs(ms) }, null);
}

/** write(fd): text for pipes and sockets; an 8-byte counter for an eventfd. */
function writeTo(fd, text, ts) {
  const { buf, len } = payload(fd, text);
  if (ts) return ts.write(fd, buf, len);
  return sys("write", fd, buf, len);
}
function payload(fd, text) {
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

function readFrom(fd, count) {
  const kind = kindOf(fd);
  const n = kind === "eventfd" || kind === "timerfd" ? 8 : Math.max(0, count | 0);
  const buf = new Uint8Array(n);
  const ret = kernel.sys.read(fd, buf, n);
  let shown = "";
  if (ret > 0) shown = kind === "eventfd" || kind === "timerfd" ? ` → ${readU64(buf)}` : ` → "${printable(buf.subarray(0, ret))}"`;
  addLog(ret < 0 ? "error" : "call", `read(${fd}, buf, ${n}) = ${fmtRet(ret)}${shown}`, { call: "read", ret, by: "main" });
  return ret;
}

function closeFd(fd) {
  const ret = sys("close", fd);
  if (ret === 0) notes.delete(fd);
  return ret;
}
function dupFd(fd) {
  const ret = sys("dup", fd);
  if (ret >= 0) notes.set(ret, `dup of ${fd}${notes.has(fd) ? ` (${notes.get(fd)})` : ""}`);
  return ret;
}

function ctl(epfd, op, fd, events, data) {
  const ev = op === E.EPOLL_CTL_DEL ? null : { events, data: data ?? BigInt(fd) };
  return sys("epoll_ctl", epfd, op, fd, ev);
}

// ---------------------------------------------------------------------------------------
// threads and the scheduler

function spawnWaiter(epfd, max, timeout, loops = 1, name) {
  const tname = name ?? `waiter-${++threadCounter}`;
  const rec = { desc: `epoll_wait(${epfd}, ${max}, ${timeout})${loops > 1 ? ` ×${loops}` : ""}`, results: [] };
  rec.t = kernel.spawn(async (ts) => {
    for (let i = 0; i < loops; i++) {
      const out = [];
      const n = await ts.epoll_wait(epfd, out, max, timeout);
      addLog(n < 0 ? "error" : "thread", `${tname}: epoll_wait(${epfd}, ${max}, ${timeout}) = ${fmtRet(n)}`, { by: tname, ret: n, call: "epoll_wait" });
      delivered(epfd, out, n, tname);
      rec.results.push(n);
      if (n < 0) break;
    }
    return rec.results;
  }, tname);
  threads.push(rec);
  addLog("thread", `spawn ${tname}: ${rec.desc}`, { by: tname });
  return rec;
}

/** A thread making a sequence of writes (each a scheduling point). */
function spawnWriter(writes, name) {
  const tname = name ?? `writer-${++threadCounter}`;
  const rec = { desc: writes.map(([fd, text]) => `write(${fd}, "${text}")`).join("; "), results: [] };
  rec.t = kernel.spawn(async (ts) => {
    for (const [fd, text] of writes) {
      const n = await writeTo(fd, text, ts);
      addLog(n < 0 ? "error" : "thread", `${tname}: write(${fd}, "${text}") = ${fmtRet(n)}`, { by: tname, ret: n, call: "write" });
      rec.results.push(n);
    }
    return rec.results;
  }, tname);
  threads.push(rec);
  addLog("thread", `spawn ${tname}: ${rec.desc}`, { by: tname });
  return rec;
}

function startRun() {
  if (sched.running) return sched.done;
  const gen = generation;
  sched.running = true;
  busy(0);
  addLog("note", `kernel.run() (${sched.mode} mode)`);
  sched.done = kernel.run().then(
    () => {
      if (gen === generation) addLog("note", "kernel.run() resolved: every thread has finished");
    },
    (e) => {
      if (gen !== generation) return;
      if (e && e.code === "EDEADLK") {
        addLog("note", `kernel.run() rejected: ${e.message}. The threads stay blocked: make an fd ready (or spawn a thread) and press run/step again.`, { code: "EDEADLK" });
      } else {
        addLog("error", `kernel.run() failed: ${e && e.stack ? e.stack : e}`);
      }
    },
  ).finally(() => {
    if (gen !== generation) return;
    sched.running = false;
    sched.pending = null;
    sched.next = null;
    busy(0);
    render();
  });
  render();
  return sched.done;
}

function release() {
  const r = sched.pending;
  sched.pending = null;
  r?.();
}

function step() {
  sched.mode = "step";
  if (sched.pending) release();
  else if (!sched.running) startRun();
}

function runAll() {
  sched.mode = "run";
  if (sched.pending) release();
  else if (!sched.running) startRun();
  return sched.done;
}

// ---------------------------------------------------------------------------------------
// scenarios

const scenarios = [
  {
    id: "lt-vs-et",
    title: "level- vs edge-triggered",
    desc: "Two pipes in one set: fd A level-triggered (data 1), fd B with EPOLLET (data 2). One byte in each, then epoll_wait twice: the LT item is reported again while its byte is unread, the ET item only once per new write.",
    async play(p) {
      const a = createPipe(), b = createPipe();
      const ep = createEpoll();
      await p();
      ctl(ep, E.EPOLL_CTL_ADD, a[0], E.EPOLLIN, 1n);
      ctl(ep, E.EPOLL_CTL_ADD, b[0], E.EPOLLIN | E.EPOLLET, 2n);
      await p();
      writeTo(a[1], "a");
      writeTo(b[1], "b");
      await p("both items are on the ready list");
      doWait(ep, 8, 0);
      await p("LT item re-queued at the tail (still readable); ET item gone");
      doWait(ep, 8, 0);
      await p("only data=1: the ET pipe has had no new write");
      writeTo(b[1], "b");
      await p("a new write is a new edge");
      doWait(ep, 8, 0);
      await p();
      readFrom(a[0], 64);
      readFrom(b[0], 64);
      await p();
      doWait(ep, 8, 0);
      addLog("scenario", "drained: nothing is ready");
    },
  },
  {
    id: "oneshot",
    title: "EPOLLONESHOT re-arm",
    desc: "EPOLLONESHOT disarms the item after one event (its mask drops to the private bits) until EPOLL_CTL_MOD re-arms it.",
    async play(p) {
      const a = createPipe();
      const ep = createEpoll();
      ctl(ep, E.EPOLL_CTL_ADD, a[0], E.EPOLLIN | E.EPOLLONESHOT, 7n);
      await p();
      writeTo(a[1], "x");
      await p();
      doWait(ep, 8, 0);
      await p("disarmed: the item's events are now just ONESHOT");
      writeTo(a[1], "y");
      doWait(ep, 8, 0);
      await p("no event although the pipe is readable");
      ctl(ep, E.EPOLL_CTL_MOD, a[0], E.EPOLLIN | E.EPOLLONESHOT, 8n);
      await p("MOD re-arms: ready at once, queued");
      doWait(ep, 8, 0);
      addLog("scenario", "one event per arm");
    },
  },
  {
    id: "nested",
    title: "nested sets (outer watches inner)",
    desc: "An inner set watches a pipe; an outer set watches the inner epoll fd. A waiter thread sleeps on the outer set; a writer thread writes the pipe: the wakeup travels pipe → inner (ep_poll_callback) → inner's poll_wait queue → outer.",
    async play(p, ctx) {
      const a = createPipe();
      const inner = createEpoll();
      const outer = createEpoll();
      ctl(inner, E.EPOLL_CTL_ADD, a[0], E.EPOLLIN, 100n);
      ctl(outer, E.EPOLL_CTL_ADD, inner, E.EPOLLIN, 200n);
      await p("outer set's item is the inner epoll fd; inner has one poll watcher (the outer set)");
      spawnWaiter(outer, 8, -1, 1, "outer-waiter");
      spawnWriter([[a[1], "n"]], "writer");
      await p();
      await ctx.run();
      await p("the outer waiter got data=200 (the inner set is readable)");
      doWait(inner, 8, 0);
      addLog("scenario", "the inner set reports the pipe itself (data=100)");
    },
  },
  {
    id: "transfer",
    title: "callback during transfer (ovflist)",
    desc: "A harvester thread's epoll_wait transfers four ready ET items; it lets other threads run after each item's re-poll (where Linux drops ep->lock). A writer writes to watched pipes meanwhile: those callbacks land on ovflist (newest first) and are put back on the ready list when the transfer ends. Tick “pause threads for stepping” to watch txlist and ovflist change step by step.",
    seedSearch: true,
    async play(p, ctx) {
      const pipes = [];
      for (let i = 0; i < 6; i++) pipes.push(createPipe());
      const ep = createEpoll();
      pipes.forEach((q, i) => ctl(ep, E.EPOLL_CTL_ADD, q[0], E.EPOLLIN | E.EPOLLET, BigInt(i + 1)));
      await p();
      for (let i = 0; i < 4; i++) writeTo(pipes[i][1], "r");
      await p("items 1-4 ready (rdllist)");
      spawnWaiter(ep, 8, -1, 1, "harvester");
      spawnWriter([[pipes[4][1], "w"], [pipes[5][1], "w"], [pipes[0][1], "w"]], "writer");
      await p();
      await ctx.run();
      await p("after the transfer: the items written meanwhile are back on rdllist");
      doWait(ep, 8, 0);
    },
  },
  {
    id: "two-waiters",
    title: "two waiters, maxevents 10, 50 ready",
    desc: "50 ready eventfds (level-triggered) and two waiter threads with maxevents 10, two rounds each. Each transfer takes the first 10 items in ready-list order and re-queues them at the tail (LT), so the waiters take turns through the list; ep->mtx serializes them.",
    async play(p, ctx) {
      const ep = createEpoll();
      const fds = [];
      for (let i = 0; i < 50; i++) {
        const fd = kernel.sys.eventfd(1, E.EFD_NONBLOCK);
        notes.set(fd, "eventfd (counter 1)");
        fds.push(fd);
        kernel.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, fd, { events: E.EPOLLIN, data: BigInt(i) });
      }
      addLog("call", `50 × eventfd(1, EFD_NONBLOCK) + epoll_ctl(${ep}, ADD, fd, IN, data=0..49)`);
      await p("50 items, all on the ready list");
      spawnWaiter(ep, 10, -1, 2, "waiter-A");
      spawnWaiter(ep, 10, -1, 2, "waiter-B");
      await p();
      await ctx.run();
      await p();
      addLog("scenario", "40 events delivered in 4 transfers of 10; rdllist rotated");
    },
  },
  {
    id: "dup-close",
    title: "dup + close: the registration lives on",
    desc: "An epoll registration belongs to the (open file description, fd) pair and disappears only with the file's last reference: closing the registered fd while a dup is open leaves the item in the tree, still reporting events.",
    async play(p) {
      const a = createPipe();
      const ep = createEpoll();
      ctl(ep, E.EPOLL_CTL_ADD, a[0], E.EPOLLIN, 9n);
      await p();
      const d = dupFd(a[0]);
      await p();
      closeFd(a[0]);
      await p("the item is still in the tree, keyed by the closed fd number");
      writeTo(a[1], "z");
      doWait(ep, 8, 0);
      await p("and it still reports");
      closeFd(d);
      await p("last reference gone: eventpoll_release removed the item");
      doWait(ep, 8, 0);
    },
  },
];

/** Transfer scenario: the first seed under which the writer's writes land mid-transfer. */
async function findTransferSeed(sc) {
  for (let seed = 1; seed <= 64; seed++) {
    const k = await E.createKernel({ seed });
    const ps = [];
    for (let i = 0; i < 6; i++) {
      const q = [];
      k.sys.pipe2(q, E.O_NONBLOCK);
      ps.push(q);
    }
    const ep = k.sys.epoll_create1(0);
    ps.forEach((q, i) => k.sys.epoll_ctl(ep, E.EPOLL_CTL_ADD, q[0], { events: E.EPOLLIN | E.EPOLLET, data: BigInt(i + 1) }));
    for (let i = 0; i < 4; i++) k.sys.write(ps[i][1], enc.encode("r"), 1);
    k.spawn(async (ts) => ts.epoll_wait(ep, [], 8, -1), "harvester");
    k.spawn(async (ts) => {
      for (const fd of [ps[4][1], ps[5][1], ps[0][1]]) await ts.write(fd, enc.encode("w"), 1);
    }, "writer");
    let chained = 0;
    k.sched.stepHook = async () => {
      const st = k.inspect(ep);
      if (st) chained = Math.max(chained, st.ovflist.length);
    };
    try {
      await k.run();
    } catch {
      continue;
    }
    if (chained >= 2) return seed;
  }
  return Number($("seed").value) || 1;
}

async function playScenario(id) {
  const sc = scenarios.find((s) => s.id === id);
  if (!sc) return;
  busy(+1);
  try {
    let seed = Number($("seed").value) || 1;
    if (sc.seedSearch) {
      seed = await findTransferSeed(sc);
      $("seed").value = String(seed);
    }
    log.length = 0;
    await reset(seed);
    const gen = generation;
    addLog("scenario", `▶ ${sc.title}`, { scenario: sc.id });
    const delay = Math.max(0, Number($("scenario-delay").value) || 0);
    const pause = async (caption) => {
      if (gen !== generation) throw new Error("superseded");
      if (caption) addLog("scenario", caption, { scenario: sc.id });
      render();
      if (delay) await sleep(delay);
      if (gen !== generation) throw new Error("superseded");
    };
    const ctx = {
      run: async () => {
        sched.mode = $("scenario-step").checked ? "step" : "run";
        if (sched.mode === "step") addLog("scenario", "threads are paused: press step (or run) to advance", { scenario: sc.id });
        const end = aborted;
        await Promise.race([startRun(), end]);
        if (gen !== generation) throw new Error("superseded");
      },
    };
    await sc.play(pause, ctx);
    if (gen === generation) addLog("scenario", `■ ${sc.title} done`, { scenario: sc.id });
  } catch (e) {
    if (!(e instanceof Error && e.message === "superseded")) addLog("error", `scenario failed: ${e && e.stack ? e.stack : e}`);
  } finally {
    busy(-1);
    render();
  }
}

// ---------------------------------------------------------------------------------------
// rendering

function fdOptions(select, fds, preferred) {
  const old = select.value;
  select.replaceChildren(...fds.map((fd) => h("option", { value: fd }, `${fd} ${kindOf(fd) ?? ""}`)));
  const want = preferred !== undefined && fds.includes(preferred) ? preferred : fds.includes(Number(old)) ? Number(old) : fds[fds.length - 1];
  if (want !== undefined) select.value = String(want);
}

function render() {
  if (!kernel) return;
  $("clock").textContent = fmtNs(kernel.now());
  renderSelects();
  renderSets();
  renderFdTable();
  renderThreads();
  renderLog();
}

let preferred = {};
function renderSelects() {
  const fds = kernel.fdt.fds();
  const eps = fds.filter((fd) => kindOf(fd) === "epoll");
  fdOptions($("ctl-epfd"), eps, preferred.epfd);
  fdOptions($("wait-epfd"), eps, preferred.epfd);
  fdOptions($("thr-epfd"), eps, preferred.epfd);
  fdOptions($("ctl-fd"), fds, preferred.watch);
  fdOptions($("io-fd"), fds, preferred.io);
  preferred = {};
}

function chip(fd, extra = {}) {
  return h("span", { class: "chip", "data-fd": fd, ...extra }, String(fd));
}

function listRow(name, label, fds, hint) {
  const cells = [];
  fds.forEach((fd, i) => {
    if (i) cells.push(h("span", { class: "arrow", "aria-hidden": "true" }, "→"));
    cells.push(chip(fd));
  });
  return h("div", { class: `lrow lrow-${name}` },
    h("span", { class: "lname", title: hint }, label),
    h("div", { class: "list", "data-list": name, "data-count": fds.length }, cells.length ? cells : h("span", { class: "empty" }, "empty")));
}

function renderSets() {
  const root = $("sets");
  const fds = kernel.fdt.fds();
  const seen = new Map(); // file id -> [fds]
  for (const fd of fds) {
    const f = fileOf(fd);
    if (f?.kind !== "epoll") continue;
    if (!seen.has(f.id)) seen.set(f.id, []);
    seen.get(f.id).push(fd);
  }
  const sections = [];
  for (const epfds of seen.values()) {
    const epfd = epfds[0];
    const st = kernel.inspect(epfd);
    if (!st) continue;
    const tree = st.items.map((it) =>
      h("div", {
        class: `node${it.linked ? " linked" : ""}${it.chained ? " chained" : ""}${it.ready ? " ready" : ""}`,
        "data-fd": it.fd, "data-kind": it.kind, "data-events": "0x" + (it.events >>> 0).toString(16),
        "data-data": String(it.data), "data-linked": String(it.linked), "data-chained": String(it.chained),
        "data-ready": "0x" + (it.ready >>> 0).toString(16),
        title: `fd ${it.fd} (${it.kind})\nevents ${fmtEvents(it.events)}\ndata ${it.data}\nfile ready now: ${fmtEvents(it.ready)}\n${it.linked ? "linked (rdllist/txlist)" : "not linked"}${it.chained ? ", chained on ovflist" : ""}`,
      },
      h("div", { class: "nfd" }, String(it.fd)),
      h("div", { class: "nkind" }, it.kind),
      h("div", { class: "nev" }, fmtEvents(it.events)),
      h("div", { class: "ndata" }, `data ${it.data}`),
      h("div", { class: "nready" }, it.ready ? `ready ${fmtEvents(it.ready)}` : it.kind === "epoll" ? "(nested)" : "not ready")));
    const mtx = st.mtxOwner;
    sections.push(h("section", {
      class: `set${st.transferring ? " transferring" : ""}`, "data-epfd": epfd, "data-fds": epfds.join(","),
      "data-transferring": String(st.transferring), "data-mtx-owner": mtx ?? "",
    },
    h("div", { class: "sethead" },
      h("h2", null, `epoll fd ${epfds.join(" = ")}`),
      h("span", { class: `badge mtx${mtx ? " held" : ""}`, "data-mtx": mtx ?? "" }, `ep->mtx: ${mtx ?? "free"}`),
      st.transferring ? h("span", { class: "badge xfer", "data-transferring": "true" }, "ep_send_events in progress") : null,
      h("span", { class: "badge", title: "poll() callers and outer epoll sets on ep->poll_wait" }, `poll watchers: ${st.pollWatchers}`),
      h("span", { class: "badge" }, `${st.items.length} item${st.items.length === 1 ? "" : "s"}`)),
    h("div", { class: "lrow" },
      h("span", { class: "lname", title: "the red-black interest tree, walked in order (key: file, fd)" }, "rb-tree"),
      h("div", { class: "tree", "data-list": "tree", "data-count": st.items.length }, tree.length ? tree : h("span", { class: "empty" }, "no items"))),
    listRow("rdllist", "rdllist", st.rdllist, "the ready list, head first: the next epoll_wait takes from the left"),
    listRow("txlist", "txlist", st.txlist, "items the transfer in progress still has to handle"),
    listRow("ovflist", "ovflist", st.ovflist, "callbacks that came during a transfer, newest first (reversed onto rdllist at the end)"),
    h("div", { class: "lrow" },
      h("span", { class: "lname", title: "threads asleep in epoll_wait (ep->wq)" }, "waiters"),
      h("div", { class: "list", "data-list": "waiters", "data-count": st.waiters.length },
        st.waiters.length ? st.waiters.map((w) => h("span", { class: "chip thread", "data-thread": w }, w)) : h("span", { class: "empty" }, "none")))));
  }
  root.replaceChildren(...(sections.length ? sections : [h("p", { class: "hint" }, "No epoll sets yet: press epoll_create1, or pick a scenario and press play.")]));
}

function renderFdTable() {
  const rows = kernel.fdt.fds().map((fd) => {
    const f = fileOf(fd);
    let pollMask = "";
    if (f && f.kind !== "epoll") {
      try {
        pollMask = fmtEvents(f.poll(null, 1));
      } catch {
        pollMask = "?";
      }
    } else if (f) {
      const st = kernel.inspect(fd);
      pollMask = st && st.rdllist.length + st.ovflist.length + st.txlist.length ? "IN (items queued)" : "–";
    }
    const flags = [];
    if (f) {
      if (f.readable && f.writable) flags.push("rw");
      else if (f.readable) flags.push("r");
      else if (f.writable) flags.push("w");
      if (f.flags & E.O_NONBLOCK) flags.push("NONBLOCK");
    }
    return h("tr", { "data-fd": fd, "data-kind": f?.kind ?? "" },
      h("td", null, String(fd)),
      h("td", { class: `k-${f?.kind}` }, f?.kind ?? "?"),
      h("td", { title: "open file description id (dup'ed fds share one); references" }, f ? `#${f.id} ×${f.refs}` : ""),
      h("td", null, flags.join(" ")),
      h("td", null, pollMask),
      h("td", null, fd <= 2 && f?.kind === "null" ? "/dev/null" : notes.get(fd) ?? ""));
  });
  $("fdtable").tBodies[0].replaceChildren(...rows);
}

function renderThreads() {
  const st = $("sched-status");
  st.dataset.running = String(sched.running);
  st.dataset.paused = String(!!sched.pending);
  st.dataset.nextThread = sched.next ?? "";
  st.dataset.mode = sched.mode;
  st.textContent = !sched.running
    ? `scheduler idle (${sched.steps} scheduling decisions so far)`
    : sched.pending
      ? `paused before running ${sched.next}: press step to let it run to its next scheduling point`
      : `running (${sched.mode} mode)`;
  $("threads").replaceChildren(...threads.map((rec) => {
    const t = rec.t;
    const detail = t.state === "blocked" ? ` — blocked on ${t.waitingOn}` : t.state === "done" ? ` — returned ${t.failed ? String(t.error) : JSON.stringify(rec.results)}` : "";
    return h("li", { "data-thread": t.name, "data-state": t.state, class: `st-${t.state}${sched.next === t.name && sched.pending ? " next" : ""}` },
      h("b", null, t.name), ` ${rec.desc}: `, h("span", { class: "tstate" }, t.state), detail);
  }));
}

let renderedSeq = 0;
function renderLog() {
  const ol = $("log");
  const first = log.length ? log[0].seq : 0;
  // Drop DOM entries that left the log (clear or trim), then append the new ones.
  while (ol.firstChild && Number(ol.firstChild.dataset.seq) < first) ol.firstChild.remove();
  if (!log.length) ol.replaceChildren();
  for (const e of log) {
    if (e.seq <= renderedSeq) continue;
    const attrs = { "data-kind": e.kind, "data-seq": e.seq, class: `log-${e.kind}` };
    if (e.kind === "event") Object.assign(attrs, { "data-set": e.epfd, "data-events": "0x" + e.events.toString(16), "data-data": String(e.data), "data-by": e.by });
    else if (e.by) attrs["data-by"] = e.by;
    ol.append(h("li", attrs, e.text));
  }
  renderedSeq = log.length ? log[log.length - 1].seq : renderedSeq;
  while (ol.childNodes.length > 600) ol.firstChild.remove();
  ol.scrollTop = ol.scrollHeight;
}

// ---------------------------------------------------------------------------------------
// the console

const nonblock = () => $("opt-nonblock").checked;
const num = (id, dflt = 0) => {
  const v = Number($(id).value);
  return Number.isFinite(v) ? Math.trunc(v) : dflt;
};
const selFd = (id) => ($(id).value === "" ? -1 : Number($(id).value));

function ctlEvents() {
  let ev = 0;
  for (const box of document.querySelectorAll("#ctl-events input[type=checkbox]")) if (box.checked) ev |= Number(box.dataset.event);
  return ev >>> 0;
}

/** Run a console action; every action ends with a redraw. */
function action(fn) {
  return async () => {
    if (!kernel) return;
    busy(+1);
    try {
      await fn();
    } catch (e) {
      addLog("error", `${e && e.stack ? e.stack : e}`);
    } finally {
      busy(-1);
      render();
    }
  };
}

function buildCtlEvents() {
  const box = $("ctl-events");
  box.replaceChildren(...CTL_BITS.map((name) => {
    const bit = BITS.find(([n]) => n === name)[1];
    return h("label", { class: "inline" },
      h("input", { type: "checkbox", id: `ev-${name}`, "data-event": bit >>> 0, checked: name === "IN" ? true : undefined }), ` ${name}`);
  }));
}

function wire() {
  buildCtlEvents();
  $("scenario").replaceChildren(...scenarios.map((s) => h("option", { value: s.id }, s.title)));
  const showDesc = () => ($("scenario-desc").textContent = scenarios.find((s) => s.id === $("scenario").value)?.desc ?? "");
  $("scenario").addEventListener("change", showDesc);
  showDesc();

  const on = (id, fn) => $(id).addEventListener("click", action(fn));
  on("op-reset", () => {
    log.length = 0;
    return reset(num("seed", 1));
  });
  on("op-clear-log", () => {
    log.length = 0;
  });
  on("op-pipe", () => {
    const p = createPipe();
    if (p) preferred = { watch: p[0], io: p[1] };
  });
  on("op-socketpair", () => {
    const p = createSocketpair();
    if (p) preferred = { watch: p[0], io: p[1] };
  });
  on("op-eventfd", () => {
    const fd = createEventfd();
    if (fd >= 0) preferred = { watch: fd, io: fd };
  });
  on("op-timerfd", () => {
    const fd = createTimerfd(Math.max(0, num("tfd-ms")), Math.max(0, num("tfd-interval")));
    if (fd >= 0) preferred = { watch: fd, io: fd };
  });
  on("op-epoll", () => {
    const fd = createEpoll();
    if (fd >= 0) preferred = { epfd: fd };
  });
  on("op-ctl", () => {
    const raw = $("ctl-data").value.trim();
    let data;
    if (raw !== "") {
      try {
        data = BigInt(raw);
      } catch {
        addLog("error", `data: not an integer: ${raw}`);
        return;
      }
    }
    const fd = selFd("ctl-fd");
    ctl(selFd("ctl-epfd"), num("ctl-op", 1), fd, ctlEvents(), data);
    preferred = { watch: fd };
  });
  on("op-write", () => writeTo(selFd("io-fd"), $("io-data").value));
  on("op-read", () => readFrom(selFd("io-fd"), num("io-len", 64)));
  on("op-close", () => closeFd(selFd("io-fd")));
  on("op-dup", () => {
    const fd = dupFd(selFd("io-fd"));
    if (fd >= 0) preferred = { io: fd };
  });
  on("op-shutdown", () => sys("shutdown", selFd("io-fd"), E.SHUT_WR));
  on("op-settime", () => settime(selFd("io-fd"), Math.max(0, num("tfd-ms")), Math.max(0, num("tfd-interval"))));
  on("op-sleep", () => sys("nanosleep", msToTs(Math.max(0, num("sleep-ms")))));
  on("op-wait", () => doWait(selFd("wait-epfd"), num("wait-max", 8), num("wait-timeout", 0)));
  on("op-spawn-waiter", () => spawnWaiter(selFd("thr-epfd"), num("thr-max", 8), num("thr-timeout", -1), Math.max(1, num("thr-loops", 1))));
  on("op-spawn-writer", () => spawnWriter([[selFd("io-fd"), $("io-data").value]]));
  on("op-run", () => {
    runAll();
  });
  on("op-step", () => step());
  $("op-play").addEventListener("click", () => playScenario($("scenario").value));
}

// ---------------------------------------------------------------------------------------
// start

window.__epoll = {
  get kernel() {
    return kernel;
  },
  E,
  log,
  scenarios: scenarios.map((s) => s.id),
  /** Resolves when no console action, scenario or kernel.run() is in progress. */
  idle() {
    if (busyCount === 0 && !sched.running) return Promise.resolve();
    return new Promise((r) => idleWaiters.push(r));
  },
  /**
   * Resolves when the page is waiting for the user: nothing in progress, or kernel.run()
   * paused in step mode before a scheduling decision (see #sched-status[data-paused]).
   */
  async settled() {
    while (!(sched.pending || (busyCount === 0 && !sched.running))) await sleep(5);
  },
  /** The drawn model's source: kernel.inspect(epfd). */
  inspect: (epfd) => kernel.inspect(epfd),
  render,
  play: playScenario,
  step,
  run: runAll,
};

wire();
reset(num("seed", 1)).then(
  () => {
    document.body.dataset.ready = "true";
  },
  (e) => {
    document.body.dataset.ready = "error";
    $("sets").replaceChildren(h("p", { class: "error" }, `failed to start the kernel: ${e && e.stack ? e.stack : e}`));
  },
);
