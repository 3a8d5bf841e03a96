// The page's state: the kernel, the log, the threads it spawned, the scheduler's step mode,
// and the busy count tests wait on. Other modules read these live bindings and change them
// only through the functions here.

// ---------------------------------------------------------------------------------------
// state

export let kernel = null;
export const setKernel = (k) => (kernel = k);
/** Every log entry: { seq, kind: "call"|"event"|"thread"|"note"|"error"|"scenario", text, ... } */
export const log = [];
export let seq = 0;
/** fd -> a note of where it came from ("pipe read end, peer 4", ...); cleared on close. */
export const notes = new Map();
/** Threads spawned from this page: { t, desc, lastResult }. */
export let threads = [];
export let threadCounter = 0;
export const nextThreadNumber = () => ++threadCounter;
export const clearThreads = () => (threads = []);
/** Bumped on reset: callbacks of an old kernel's run() then do nothing. */
export let generation = 0;
/** Settles when the current generation ends (reset): frees anything awaiting an old run. */
export let abortGen = () => {};
export let aborted = new Promise(() => {});
/** A new generation (reset): callbacks of the old kernel's run() become no-ops. */
export function newGeneration() {
  generation++;
  abortGen();
  aborted = new Promise((r) => (abortGen = r));
}

/** Redraws the page (render.js registers itself: the operations redraw without importing it). */
export let renderer = () => {};
export const setRenderer = (fn) => (renderer = fn);
export const render = () => renderer();

/** Resolves when no console action, scenario or kernel.run() is in progress. */
export function idle() {
  if (busyCount === 0 && !sched.running) return Promise.resolve();
  return new Promise((r) => idleWaiters.push(r));
}
/** Nothing in progress, or kernel.run() paused in step mode before a scheduling decision. */
export const settledNow = () => !!sched.pending || (busyCount === 0 && !sched.running);

export const sched = {
  mode: "run", // "run" | "step"
  running: false,
  pending: null, // resolve of the step hook's promise while paused
  next: null, // name of the thread the scheduler will run next
  steps: 0,
  done: null, // promise of the current run
};

export let busyCount = 0;
export let idleWaiters = [];
export function busy(delta) {
  busyCount += delta;
  document.body.dataset.busy = String(busyCount > 0 || sched.running);
  if (busyCount === 0 && !sched.running) {
    for (const r of idleWaiters.splice(0)) r();
  }
}

export function addLog(kind, text, extra = {}) {
  const entry = { seq: ++seq, kind, text, ...extra };
  log.push(entry);
  if (log.length > 2000) log.splice(0, log.length - 2000);
  return entry;
}
