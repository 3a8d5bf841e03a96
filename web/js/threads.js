// Threads spawned from the page, and kernel.run() in run or step mode (kernel.onSchedule).
import { fmtRet } from "./dom.js";
import { addLog, busy, generation, kernel, nextThreadNumber, render, sched, threads } from "./state.js";
import { delivered, writeTo } from "./calls.js";

// ---------------------------------------------------------------------------------------
// threads and the scheduler

export function spawnWaiter(epfd, max, timeout, loops = 1, name) {
  const tname = name ?? `waiter-${nextThreadNumber()}`;
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
export function spawnWriter(writes, name) {
  const tname = name ?? `writer-${nextThreadNumber()}`;
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

export function startRun() {
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

export function release() {
  const r = sched.pending;
  sched.pending = null;
  r?.();
}

export function step() {
  sched.mode = "step";
  if (sched.pending) release();
  else if (!sched.running) startRun();
}

export function runAll() {
  sched.mode = "run";
  if (sched.pending) release();
  else if (!sched.running) startRun();
  return sched.done;
}
