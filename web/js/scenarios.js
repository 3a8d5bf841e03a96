// Scripted scenarios: each plays a sequence of operations with notes in the log.
import * as E from "../../dist/index.js";
import { $, enc, sleep } from "./dom.js";
import { aborted, addLog, busy, generation, kernel, log, notes, render, sched, threads } from "./state.js";
import { closeFd, createEpoll, createPipe, ctl, doWait, dupFd, readFrom, reset, sys, writeTo } from "./calls.js";
import { spawnWaiter, spawnWriter, startRun } from "./threads.js";

// ---------------------------------------------------------------------------------------
// scenarios

export const scenarios = [
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
    id: "accept-herd",
    title: "the accept herd and EPOLLEXCLUSIVE",
    desc: "A listening TCP socket (127.0.0.1:8080 on the kernel's loopback network) watched by three epoll sets, each with a thread asleep in epoll_wait: sets A and B with EPOLLIN | EPOLLEXCLUSIVE, set C without. A client connects: the listener's wakeup walk wakes C (non-exclusive entries always wake) and exactly one of A and B — the first exclusive entry whose set has a waiter. The woken threads race to accept; the losers get EAGAIN.",
    async play(p, ctx) {
      const l = sys("socket", E.AF_INET, E.SOCK_STREAM | E.SOCK_NONBLOCK, 0);
      sys("bind", l, { family: E.AF_INET, addr: "127.0.0.1", port: 8080 });
      sys("listen", l, 8);
      notes.set(l, "listening on 127.0.0.1:8080");
      const sets = ["A", "B", "C"].map((name, i) => {
        const ep = createEpoll();
        notes.set(ep, `set ${name}`);
        ctl(ep, E.EPOLL_CTL_ADD, l, E.EPOLLIN | (i < 2 ? E.EPOLLEXCLUSIVE : 0), BigInt(i + 1));
        return ep;
      });
      await p("three sets watch the listener: A and B exclusively");
      const accepted = [];
      sets.forEach((ep, i) => {
        const name = `server-${"ABC"[i]}`;
        const rec = { desc: `epoll_wait(${ep}, 1, 100) then accept4`, results: [] };
        rec.t = kernel.spawn(async (ts) => {
          const n = await ts.epoll_wait(ep, [], 1, 100);
          addLog("thread", `${name}: epoll_wait(${ep}, 1, 100) = ${n}${n > 0 ? " (woken)" : " (timed out: not woken)"}`, { by: name, ret: n, call: "epoll_wait" });
          rec.results.push(n);
          if (n > 0) {
            const fd = await ts.accept4(l, null, E.SOCK_NONBLOCK);
            addLog(fd < 0 ? "error" : "thread", `${name}: accept4(${l}) = ${fd < 0 ? "-" + E.errnoName(fd) : fd}`, { by: name, ret: fd, call: "accept4" });
            rec.results.push(fd);
            if (fd >= 0) accepted.push(name);
          }
          return rec.results;
        }, name);
        threads.push(rec);
        addLog("thread", `spawn ${name}: ${rec.desc}`, { by: name });
      });
      const rec = { desc: "sleep 10 ms, then connect to 127.0.0.1:8080", results: [] };
      rec.t = kernel.spawn(async (ts) => {
        await ts.usleep(10_000);
        const c = await ts.socket(E.AF_INET, E.SOCK_STREAM, 0);
        const r = await ts.connect(c, { family: E.AF_INET, addr: "127.0.0.1", port: 8080 });
        addLog("thread", `client: connect(${c}, 127.0.0.1:8080) = ${r}`, { by: "client", ret: r, call: "connect" });
        rec.results.push(r);
        return rec.results;
      }, "client");
      threads.push(rec);
      addLog("thread", `spawn client: ${rec.desc}`, { by: "client" });
      await p("three servers asleep on the listener; press step to watch the wakeup");
      await ctx.run();
      await p();
      addLog("scenario", `one connection, woken: C and one exclusive set; accepted by ${accepted.join(", ") || "nobody"}`);
    },
  },
  {
    id: "signals",
    title: "a blocked signal stays pending, then its handler runs",
    desc: "SIGUSR1 has a handler. The worker blocks SIGUSR1 and sleeps 20 ms; the sender signals it (tgkill) at 5 ms: the signal stays pending on the worker (shown on its line) instead of interrupting the sleep. When the worker unblocks it, the handler runs as sigprocmask returns, on the worker's thread.",
    async play(p, ctx) {
      sys("sigaction", E.SIGUSR1, { handler: (sig) => addLog("thread", `handler for signal ${sig} runs on ${kernel.sched.current?.name ?? "main"}`, { call: "handler" }) });
      const worker = { desc: "block SIGUSR1, sleep 20 ms, unblock", results: [] };
      worker.t = kernel.spawn(async (ts) => {
        worker.results.push(await ts.sigprocmask(E.SIG_BLOCK, 1n << 9n, null));
        addLog("thread", "worker: sigprocmask(SIG_BLOCK, {SIGUSR1}) = 0", { by: "worker", call: "sigprocmask" });
        worker.results.push(await ts.nanosleep({ tv_sec: 0, tv_nsec: 20_000_000 }));
        addLog("thread", `worker: nanosleep(20 ms) = ${worker.results[1]} (not interrupted)`, { by: "worker", call: "nanosleep" });
        worker.results.push(await ts.sigprocmask(E.SIG_UNBLOCK, 1n << 9n, null));
        addLog("thread", "worker: sigprocmask(SIG_UNBLOCK, {SIGUSR1}) = 0", { by: "worker", call: "sigprocmask" });
        return worker.results;
      }, "worker");
      threads.push(worker);
      const sender = { desc: "at 5 ms: tgkill(worker, SIGUSR1)", results: [] };
      sender.t = kernel.spawn(async (ts) => {
        await ts.usleep(5000);
        const r = await ts.tgkill(await ts.getpid(), worker.t.tid, E.SIGUSR1);
        addLog("thread", `sender: tgkill(${worker.t.tid}, SIGUSR1) = ${r}`, { by: "sender", ret: r, call: "tgkill" });
        sender.results.push(r);
        return sender.results;
      }, "sender");
      threads.push(sender);
      await p("the worker will block SIGUSR1; press step to watch it become pending");
      await ctx.run();
      await p();
      addLog("scenario", "the signal waited on the worker while blocked; its handler ran when it was unblocked");
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
export async function findTransferSeed(sc) {
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
    k.onSchedule(() => {
      const st = k.inspect(ep);
      if (st) chained = Math.max(chained, st.ovflist.length);
    });
    try {
      await k.run();
    } catch {
      continue;
    }
    if (chained >= 2) return seed;
  }
  return Number($("seed").value) || 1;
}

export async function playScenario(id) {
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
