// Drawing the kernel: every epoll set (kernel.inspect), the fd table (kernel.fds), the
// threads and the log.
import * as E from "../../dist/index.js";
import { $, fmtEvents, fmtNs, h } from "./dom.js";
import { kernel, log, notes, sched, setRenderer, threads } from "./state.js";
import { kindOf } from "./calls.js";

// ---------------------------------------------------------------------------------------
// rendering

export function fdOptions(select, fds, preferred) {
  const old = select.value;
  select.replaceChildren(...fds.map((fd) => h("option", { value: fd }, `${fd} ${kindOf(fd) ?? ""}`)));
  const want = preferred !== undefined && fds.includes(preferred) ? preferred : fds.includes(Number(old)) ? Number(old) : fds[fds.length - 1];
  if (want !== undefined) select.value = String(want);
}

export function renderAll() {
  if (!kernel) return;
  $("clock").textContent = fmtNs(kernel.now());
  renderSelects();
  renderSets();
  renderFdTable();
  renderThreads();
  renderLog();
}

export let preferred = {};
/** The fds the selects should show next (the console sets it after creating files). */
export const setPreferred = (p) => (preferred = p);
export function renderSelects() {
  const fds = kernel.fds().map((f) => f.fd);
  const eps = fds.filter((fd) => kindOf(fd) === "epoll");
  fdOptions($("ctl-epfd"), eps, preferred.epfd);
  fdOptions($("wait-epfd"), eps, preferred.epfd);
  fdOptions($("thr-epfd"), eps, preferred.epfd);
  fdOptions($("ctl-fd"), fds, preferred.watch);
  fdOptions($("io-fd"), fds, preferred.io);
  preferred = {};
}

export function chip(fd, extra = {}) {
  return h("span", { class: "chip", "data-fd": fd, ...extra }, String(fd));
}

export function listRow(name, label, fds, hint) {
  const cells = [];
  fds.forEach((fd, i) => {
    if (i) cells.push(h("span", { class: "arrow", "aria-hidden": "true" }, "→"));
    cells.push(chip(fd));
  });
  return h("div", { class: `lrow lrow-${name}` },
    h("span", { class: "lname", title: hint }, label),
    h("div", { class: "list", "data-list": name, "data-count": fds.length }, cells.length ? cells : h("span", { class: "empty" }, "empty")));
}

export function renderSets() {
  const root = $("sets");
  const seen = new Map(); // file id -> [fds]
  for (const f of kernel.fds()) {
    if (f.kind !== "epoll") continue;
    if (!seen.has(f.file)) seen.set(f.file, []);
    seen.get(f.file).push(f.fd);
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

export function renderFdTable() {
  const rows = kernel.fds().map((f) => {
    const fd = f.fd;
    let pollMask = "";
    if (f.poll !== null) {
      pollMask = fmtEvents(f.poll);
    } else {
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
      h("td", { title: "open file description id (dup'ed fds share one); references" }, f ? `#${f.file} ×${f.refs}` : ""),
      h("td", null, flags.join(" ")),
      h("td", null, pollMask),
      h("td", null, fd <= 2 && f?.kind === "null" ? "/dev/null" : notes.get(fd) ?? ""));
  });
  $("fdtable").tBodies[0].replaceChildren(...rows);
}

export function renderThreads() {
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
    // Its signals: pending (its own), blocked (its mask), handled so far.
    const pending = sigList(t.pending), blocked = sigList(t.sigmask);
    const sigs = pending.length || blocked.length || t.delivered.length
      ? ` — signals pending [${pending.join(", ")}], blocked [${blocked.join(", ")}], handled [${t.delivered.join(", ")}]`
      : "";
    return h("li", { "data-thread": t.name, "data-state": t.state, "data-pending": pending.join(","), class: `st-${t.state}${sched.next === t.name && sched.pending ? " next" : ""}` },
      h("b", null, t.name), ` ${rec.desc}: `, h("span", { class: "tstate" }, t.state), detail, h("span", { class: "tsigs" }, sigs));
  }));
}

/** The signal numbers of a sigset (bit sig - 1). */
function sigList(set) {
  const out = [];
  for (let sig = 1; sig <= 64; sig++) if (set & (1n << BigInt(sig - 1))) out.push(sig);
  return out;
}

export let renderedSeq = 0;
export function renderLog() {
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


setRenderer(renderAll);
