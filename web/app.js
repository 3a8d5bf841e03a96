// epoll-wasm visualizer: a console of Linux calls on a live kernel, scripted scenarios, and a
// drawing of every epoll set's core state (kernel.inspect) after each operation and each
// scheduler step. Plain DOM, no build step; the package comes from the built dist/.
// The page is ES modules under js/, one concept each; this one starts it and exposes
// window.__epoll, the hooks the browser test drives.
import * as E from "../dist/index.js";
import { $, h, sleep } from "./js/dom.js";
import { idle, kernel, log, render, settledNow } from "./js/state.js";
import { reset } from "./js/calls.js";
import { runAll, step } from "./js/threads.js";
import { playScenario, scenarios } from "./js/scenarios.js";
import { num, wire } from "./js/console.js";

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
  idle,
  /**
   * Resolves when the page is waiting for the user: nothing in progress, or kernel.run()
   * paused in step mode before a scheduling decision (see #sched-status[data-paused]).
   */
  async settled() {
    while (!settledNow()) await sleep(5);
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
