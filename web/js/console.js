// The console: the forms and buttons of the page, wired to the operations.
import * as E from "../../dist/index.js";
import { $, BITS, CTL_BITS, h, msToTs } from "./dom.js";
import { addLog, busy, kernel, log, render } from "./state.js";
import { closeFd, createEpoll, createEventfd, createPipe, createSocketpair, createTimerfd, ctl, doWait, dupFd, readFrom, reset, settime, sys, writeTo } from "./calls.js";
import { runAll, spawnWaiter, spawnWriter, step } from "./threads.js";
import { playScenario, scenarios } from "./scenarios.js";
import { setPreferred } from "./render.js";

// ---------------------------------------------------------------------------------------
// the console

export const num = (id, dflt = 0) => {
  const v = Number($(id).value);
  return Number.isFinite(v) ? Math.trunc(v) : dflt;
};
export const selFd = (id) => ($(id).value === "" ? -1 : Number($(id).value));

export function ctlEvents() {
  let ev = 0;
  for (const box of document.querySelectorAll("#ctl-events input[type=checkbox]")) if (box.checked) ev |= Number(box.dataset.event);
  return ev >>> 0;
}

/** Run a console action; every action ends with a redraw. */
export function action(fn) {
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

export function buildCtlEvents() {
  const box = $("ctl-events");
  box.replaceChildren(...CTL_BITS.map((name) => {
    const bit = BITS.find(([n]) => n === name)[1];
    return h("label", { class: "inline" },
      h("input", { type: "checkbox", id: `ev-${name}`, "data-event": bit >>> 0, checked: name === "IN" ? true : undefined }), ` ${name}`);
  }));
}

export function wire() {
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
    if (p) setPreferred({ watch: p[0], io: p[1] });
  });
  on("op-socketpair", () => {
    const p = createSocketpair();
    if (p) setPreferred({ watch: p[0], io: p[1] });
  });
  on("op-eventfd", () => {
    const fd = createEventfd();
    if (fd >= 0) setPreferred({ watch: fd, io: fd });
  });
  on("op-timerfd", () => {
    const fd = createTimerfd(Math.max(0, num("tfd-ms")), Math.max(0, num("tfd-interval")));
    if (fd >= 0) setPreferred({ watch: fd, io: fd });
  });
  on("op-epoll", () => {
    const fd = createEpoll();
    if (fd >= 0) setPreferred({ epfd: fd });
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
    setPreferred({ watch: fd });
  });
  on("op-write", () => writeTo(selFd("io-fd"), $("io-data").value));
  on("op-read", () => readFrom(selFd("io-fd"), num("io-len", 64)));
  on("op-close", () => closeFd(selFd("io-fd")));
  on("op-dup", () => {
    const fd = dupFd(selFd("io-fd"));
    if (fd >= 0) setPreferred({ io: fd });
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
