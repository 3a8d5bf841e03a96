// npm run bench [-- --json] [--quick] [--only ring,ctl,...] [--save | --no-save]
// Runs every workload on the model ("wasm"), through the model's poll() ("poll") where it
// applies, and on this machine's kernel through bench/native/bench.c ("linux", built here
// with the system compiler); explore (the testing toolkit's schedules per second) runs on the
// model only. Progress goes to stderr; stdout gets a Markdown table, or with
// --json one JSON document { results: [...] }. Files under bench/results/ (latest.json,
// latest.md, scaling.svg) are written only by a full run (no --json, --quick or --only) or
// with --save; --no-save never writes.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createKernel } from "epoll-wasm";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import * as W from "./workloads.mjs";
import { scalingSvg } from "./chart.mjs";

const USAGE = `usage: npm run bench [-- options]

  --json           print one JSON document { machine, results: [...] } instead of the table
  --quick          small sizes and one repetition (about 30 s)
  --only a,b       only these workloads: ring, pipetest, ctl, harvest, footprint, http, explore, floor
  --save           write bench/results/ (latest.json, latest.md, scaling.svg) from this run
  --no-save        never write bench/results/ (a full run without --json writes it by default)
  --help           this text

Every workload runs on the model and, with a C compiler on Linux, on this machine's kernel in
the same invocation (explore, the testing toolkit's speed, has no kernel counterpart); compare
the ratio column, not absolute times between machines.
`;
const WORKLOADS = ["ring", "scaling", "pipetest", "ctl", "harvest", "footprint", "http", "explore", "floor"];
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
let json = false, quick = false, saveFlag = null, only = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--help" || a === "-h") {
    process.stdout.write(USAGE);
    process.exit(0);
  } else if (a === "--json") json = true;
  else if (a === "--quick") quick = true;
  else if (a === "--save") saveFlag = true;
  else if (a === "--no-save") saveFlag = false;
  else if (a === "--only" || a.startsWith("--only=")) {
    const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
    only = (v ?? "").split(",").filter(Boolean);
    const bad = only.filter((w) => !WORKLOADS.includes(w));
    if (!only.length || bad.length) {
      process.stderr.write(`bench: --only needs workloads from ${WORKLOADS.join(", ")}${bad.length ? `; unknown: ${bad.join(", ")}` : ""}\n`);
      process.exit(2);
    }
  } else {
    process.stderr.write(`bench: unknown option ${JSON.stringify(a)}\n\n${USAGE}`);
    process.exit(2);
  }
}
// A full run (every workload, full sizes) refreshes the committed results unless told not to.
const save = saveFlag ?? (!json && !quick && only === null);
const want = (name) => !only || only.includes(name);
const REPS = quick ? 1 : 3;
const LINUX_MAX_PIPES = 9995; // 20000 open files, two per pipe, a few for the process

const results = [];
const log = (msg) => process.stderr.write(msg);

// ---- the native helper ----------------------------------------------------------------

function nativeHelper() {
  const src = join(root, "bench/native/bench.c");
  const out = join(root, "bench/native/build/bench");
  if (process.platform !== "linux") return { unavailable: "not Linux" };
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync("cc", ["-O2", "-Wall", "-o", out, src], { encoding: "utf8" });
  if (r.error || r.status !== 0) return { unavailable: `no C compiler (${r.error?.code ?? r.stderr.trim()})` };
  return { bin: out };
}
const native = nativeHelper();

function linux(workload, params) {
  if (!native.bin) return [{ impl: "linux", params, unavailable: native.unavailable }];
  const reps = ["footprint", "info"].includes(workload) ? [] : [`reps=${REPS}`];
  const argv = [workload, ...Object.entries(params).map(([k, v]) => `${k}=${v}`), ...reps];
  const r = spawnSync(native.bin, argv, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return [{ impl: "linux", params, unavailable: r.stderr.trim() || `exit ${r.status}` }];
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l));
}

/**
 * The same C helper (bench/native/bench.c) compiled to wasm32 by `epoll-wasm cc` (the
 * committed fixture tests/guest/wasm/bench.wasm) and run as a guest program on the model:
 * the cost of the guest path (Asyncify, the import layer) next to the JS-driven model. The
 * kernel runs on the real clock, as the helper times itself with clock_gettime.
 */
let guestModule = null;
async function guest(workload, params) {
  guestModule ??= new WebAssembly.Module(readFileSync(join(root, "tests/guest/wasm/bench.wasm")));
  const k = await createKernel({ clock: "real" });
  let out = "", err = "";
  const dec = new TextDecoder();
  const argv = [workload, ...Object.entries(params).map(([k, v]) => `${k}=${v}`), `reps=${REPS}`];
  const status = await k.spawnProcess(guestModule, { args: ["bench", ...argv], stdout: (b) => (out += dec.decode(b)), stderr: (b) => (err += dec.decode(b)) });
  // Rows of this project ("wasm", as the contract names it), marked params.runtime "guest".
  const p = { ...params, runtime: "guest" };
  if (status !== 0) return [{ impl: "wasm", params: p, unavailable: err.trim() || `exit ${status}` }];
  return out.trim().split("\n").map((l) => ({ ...JSON.parse(l), impl: "wasm", params: p }));
}

// ---- progress ---------------------------------------------------------------------------

let step = 0;
let total = 0;
// A bar redrawn in place on a terminal; one line per step anywhere else (CI logs, files).
const tty = process.stderr.isTTY === true;
function bar(label) {
  step++;
  const width = 24;
  const filled = Math.round((step / total) * width);
  const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${step}/${total} ${label}`;
  log(tty ? `\r${line}`.padEnd(90) : `${line}\n`);
}

/** Best (minimum) of REPS runs of a model workload. */
function best(fn, key) {
  let top;
  for (let i = 0; i < REPS; i++) {
    const r = fn();
    if (!top || r[key] < top[key]) top = r;
  }
  return top;
}

/** best() for a workload that returns a Promise. */
async function bestAsync(fn, key) {
  let top;
  for (let i = 0; i < REPS; i++) {
    const r = await fn();
    if (!top || r[key] < top[key]) top = r;
  }
  return top;
}

// ---- the plan ---------------------------------------------------------------------------

const plan = [];
// 1,000,000 pipes (2,000,000 fds) on the model only, and not with --quick: ~15 s a size.
const Ns = quick ? [10, 100, 1000, 10000, 100000] : [10, 100, 1000, 10000, 100000, 1000000];
const writes = quick ? 20000 : 100000;
if (want("ring") || want("scaling")) {
  for (const n of Ns) {
    for (const active of [...new Set([Math.min(n, 100), 1])]) {
      const params = { pipes: n, active, writes };
      plan.push(["ring wasm", () => results.push({ name: "ring", impl: "wasm", params, ...best(() => W.ring(params), "ns_per_event") })]);
      // The same on the 2002 hash index (params.index "hash").
      const hparams = { ...params, index: "hash" };
      plan.push(["ring wasm hash", () => results.push({ name: "ring", impl: "wasm", params: hparams, ...best(() => W.ring(hparams), "ns_per_event") })]);
      // poll is O(N) per call: bound its run by work, not by writes.
      const pw = Math.max(200, Math.min(writes, Math.floor((quick ? 2e6 : 2e7) / n)));
      const pparams = { pipes: n, active, writes: pw };
      if (!(quick && n > 10000) && n <= 100000) plan.push(["ring poll", () => results.push({ name: "ring", impl: "poll", params: pparams, ...best(() => W.ring(pparams, "poll"), "ns_per_event") })]);
      if (n <= 10000) plan.push(["ring guest", async () => {
        for (const r of await guest("ring", { pipes: n, active, writes, mode: "epoll" })) results.push({ ...r, name: "ring", params: { ...params, runtime: "guest" } });
      }]);
      plan.push(["ring linux", () => {
        if (n > LINUX_MAX_PIPES + 5) {
          results.push({ name: "ring", impl: "linux", params, unavailable: "20000 open files: at most 9995 pipes" });
          if (n <= 100000) results.push({ name: "ring_poll", impl: "linux", params: pparams, unavailable: "20000 open files: at most 9995 pipes" });
          return;
        }
        const pn = Math.min(n, LINUX_MAX_PIPES);
        for (const r of linux("ring", { pipes: pn, active, writes, mode: "epoll" })) results.push({ ...r, name: "ring", params: { ...params, pipes_used: pn } });
        if (!(quick && n > 1000)) {
          for (const r of linux("ring", { pipes: pn, active, writes: pw, mode: "poll" })) results.push({ ...r, name: "ring_poll", params: { ...pparams, pipes_used: pn } });
        }
      }]);
    }
  }
}
if (want("pipetest")) {
  for (const tokens of [1, 16, 256]) {
    const params = { pipes: 256, tokens, passes: quick ? 20000 : 100000 };
    plan.push(["pipetest wasm", () => results.push({ name: "pipetest", impl: "wasm", params, ...best(() => W.pipetest(params), "ns_per_event") })]);
    plan.push(["pipetest guest", async () => (await guest("pipetest", params)).forEach((r) => results.push({ ...r, params: { ...params, runtime: "guest" } }))]);
    plan.push(["pipetest linux", () => linux("pipetest", params).forEach((r) => results.push(r))]);
  }
}
if (want("ctl")) {
  const watches = quick ? 20000 : 100000;
  for (const index of ["rbtree", "hash"]) {
    plan.push([`ctl wasm${index === "hash" ? " hash" : ""}`, () => {
      const r = best(() => W.ctl({ watches, index }), "add");
      for (const op of ["add", "mod", "del"]) results.push({ name: "ctl", impl: "wasm", params: { watches, op, ...(index === "hash" ? { index } : {}) }, ns_per_op: r[op] });
    }]);
  }
  plan.push(["ctl linux", () => linux("ctl", { watches }).forEach((r) => results.push(r))]);
}
if (want("harvest")) {
  const params = { fds: quick ? 20000 : 100000, maxevents: 64, events: quick ? 200000 : 1000000 };
  plan.push(["harvest wasm", () => results.push({ name: "harvest", impl: "wasm", params, ...best(() => W.harvest(params), "ns_per_event") })]);
  const hparams = { ...params, index: "hash" };
  plan.push(["harvest wasm hash", () => results.push({ name: "harvest", impl: "wasm", params: hparams, ...best(() => W.harvest(hparams), "ns_per_event") })]);
  plan.push(["harvest linux", () => linux("harvest", params).forEach((r) => results.push(r))]);
}
if (want("floor") || want("ring")) {
  // The floor of the same run: list moves in the core's wasm, no files (CONTRACT: name "floor").
  const params = { nodes: 100, moves: quick ? 2e6 : 1e7 };
  plan.push(["floor wasm", () => results.push({ name: "floor", impl: "wasm", params, ...best(() => W.floor(params), "ns_per_event") })]);
}
if (want("http")) {
  // The 2002 headline: C = 100 active connections and D dead ones; epoll should stay flat in
  // D while poll grows with it. Linux runs within 20000 open files (2 per connection).
  const requests = quick ? 20000 : 100000;
  for (const dead of quick ? [0, 1000] : [0, 1000, 9800, 30000]) {
    const params = { active: 100, dead, requests };
    const pparams = { active: 100, dead, requests: Math.max(2000, Math.min(requests, Math.floor((quick ? 2e6 : 1e7) / (dead + 100)))) };
    plan.push(["http wasm", () => results.push({ name: "http", impl: "wasm", params, ...best(() => W.http(params), "ns_per_request") })]);
    if (dead <= 9800) {
      plan.push(["http poll", () => results.push({ name: "http", impl: "poll", params: pparams, ...best(() => W.http(pparams, "poll"), "ns_per_request") })]);
      plan.push(["http linux", () => {
        for (const r of linux("http", { ...params, mode: "epoll" })) results.push({ ...r, name: "http" });
        for (const r of linux("http", { ...pparams, mode: "poll" })) results.push({ ...r, name: "http_poll" });
      }]);
    } else {
      plan.push(["http linux", () => results.push({ name: "http", impl: "linux", params, unavailable: "20000 open files: at most 9900 connections" })]);
    }
  }
}
if (want("footprint")) {
  const params = { watches: quick ? 100000 : 1000000 };
  plan.push(["footprint wasm", () => results.push({ name: "footprint", impl: "wasm", params, ...W.footprint(params) })]);
  plan.push(["footprint wasm hash", () => results.push({ name: "footprint", impl: "wasm", params: { ...params, index: "hash" }, ...W.footprint({ ...params, index: "hash" }) })]);
  plan.push(["footprint linux", () => linux("footprint", params).forEach((r) => results.push(r))]);
  const hparams = { pipes: params.watches / 10 };
  plan.push(["footprint host", () => results.push({ name: "footprint_host", impl: "wasm", params: hparams, ...W.footprintHost(hparams) })]);
}
if (want("explore")) {
  // The testing toolkit (epoll-wasm/testing): schedules explored per second of a 2-thread,
  // 20-call scenario (bench/workloads.mjs pingPong), each on a fresh kernel. Model only: Linux
  // has no counterpart. Exhaustive stops at maxPreemptions 2 or the runs cap, whichever first.
  const runs = quick ? 100 : 500;
  // Warmed just before it is measured: the first ~1000 runs (each a fresh kernel) are several
  // times slower than the rest, and the other workloads leave the JIT and the heap elsewhere.
  const warm = async () => {
    for (let i = 0; i < 2; i++) for (const p of [{ strategy: "random", runs: 500 }, { strategy: "pct", runs: 200 }, { strategy: "exhaustive", runs: 1000, maxPreemptions: 2 }]) await W.explore(p);
  };
  for (const strategy of ["random", "pct"]) {
    const params = { strategy, threads: 2, calls: 20, runs };
    plan.push([`explore ${strategy} wasm`, async () => {
      if (strategy === "random") await warm();
      results.push({ name: "explore", impl: "wasm", params, ...(await bestAsync(() => W.explore(params), "ns_per_op")) });
    }]);
  }
  const xparams = { strategy: "exhaustive", threads: 2, calls: 20, runs: quick ? 1000 : 10000, maxPreemptions: 2 };
  plan.push(["explore exhaustive wasm", async () => results.push({ name: "explore", impl: "wasm", params: xparams, ...(await bestAsync(() => W.explore(xparams), "ns_per_op")) })]);
}

// ---- run ---------------------------------------------------------------------------------

total = plan.length;
const started = Date.now();
// Warm the JIT on a small ring first, so the first measured sizes are not cold.
if (want("ring") || want("pipetest")) for (let i = 0; i < 3; i++) W.ring({ pipes: 100, active: 10, writes: 50000 });
for (const [label, run] of plan) {
  bar(label);
  await run();
}
log(`${tty ? "\r" : ""}done: ${total} steps in ${((Date.now() - started) / 1000).toFixed(1)} s`.padEnd(tty ? 90 : 0) + "\n");

const info = native.bin ? linux("info", {})[0] : {};
const machine = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? "?",
  cpus: os.cpus().length,
  kernel: info.kernel ?? os.release(),
  date: new Date().toISOString().slice(0, 10),
  quick,
};
const doc = { machine, results };

// ---- reports -----------------------------------------------------------------------------

const fmt = (v) => (v === undefined ? "" : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const metric = (r) => (r.unavailable ? `unavailable (${r.unavailable})` : fmt(r.ns_per_event ?? r.ns_per_op ?? r.ns_per_request ?? r.bytes_per_watch));
// Rows group the implementations of one workload and size; poll runs fewer writes (its cost
// per event grows with N), so `writes` is not part of the key for ring.
const key = (r) => `${r.name}|${JSON.stringify({ ...r.params, runtime: undefined, index: undefined, pipes_used: undefined, watches_used: undefined, fds_used: undefined, reps: undefined, mode: undefined, op: undefined, writes: r.name === "ring" ? undefined : r.params.writes, requests: undefined })}|${r.params.op ?? ""}`;
function table() {
  const rows = new Map();
  for (const r of results) {
    const name = r.name === "ring_poll" ? "ring" : r.name === "http_poll" ? "http" : r.name;
    const k = key({ ...r, name });
    if (!rows.has(k)) rows.set(k, { name, params: r.params, cells: {} });
    const impl = r.name === "ring_poll" || r.name === "http_poll" ? "linux poll" : r.params.runtime === "guest" ? "guest" : r.params.index === "hash" ? "hash" : r.impl;
    rows.get(k).cells[impl] = r;
  }
  const unit = (n) => (n === "footprint" ? "bytes/watch" : n === "footprint_host" ? "host bytes/watched pipe" : n === "ctl" ? "ns/op" : n === "http" ? "ns/request" : n === "explore" ? "ns/schedule" : "ns/event");
  // explore: what the run found, after its params (exhaustive: distinct schedules, covered or not).
  const found = (r) => (!r || r.name !== "explore" ? "" : ` (${fmt(r.schedules_per_s)} schedules/s${r.schedules === undefined ? "" : `; ${r.runs} runs, ${r.schedules} schedules, ${r.complete ? "complete" : "not complete"}`})`);
  const lines = [
    `| workload | params | unit | wasm | hash index | poll (model) | guest (C) | linux | linux poll | wasm / linux | guest / linux |`,
    `| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const { name, params, cells } of rows.values()) {
    const p = Object.entries(params).filter(([k]) => !["reps", "mode", "writes", "pipes_used", "watches_used", "fds_used", "op", "runtime", "index"].includes(k) || (k === "writes" && name !== "ring")).map(([k, v]) => `${k}=${v}`).join(" ") + (params.op ? ` ${params.op}` : "") + found(cells.wasm);
    const w = cells.wasm;
    const l = cells.linux;
    const val = (r) => (r ? (r.ns_per_event ?? r.ns_per_op ?? r.ns_per_request ?? r.bytes_per_watch) : undefined);
    const g = cells.guest;
    const over = (x) => (x && !x.unavailable && l && !l.unavailable && val(l) ? (val(x) / val(l)).toFixed(2) + "×" : "");
    lines.push(`| ${name} | ${p} | ${unit(name)} | ${w ? metric(w) : ""} | ${cells.hash ? metric(cells.hash) : ""} | ${cells.poll ? metric(cells.poll) : ""} | ${g ? metric(g) : ""} | ${l ? metric(l) : ""} | ${cells["linux poll"] ? metric(cells["linux poll"]) : ""} | ${over(w)} | ${over(g)} |`);
  }
  return lines.join("\n");
}

const md = `Machine: ${machine.cpu} × ${machine.cpus}, Linux ${machine.kernel}, Node ${machine.node}, ${machine.date}${quick ? " (--quick)" : ""}.\n` +
  `Command: \`npm run bench${quick ? " -- --quick" : ""}\`. Best of ${REPS} runs each; lower is better. ` +
  `ring runs ${writes} writes (poll rows fewer, as their cost per event grows with N); Linux is limited to 9995 pipes by this machine's 20000 open files.\n\n${table()}\n\n` +
  `"wasm / linux" is the model's figure divided by the kernel's from this same run (below 1: the model is cheaper). ` +
  `A blank cell is a measurement that does not apply (no poll variant of that workload, no kernel counterpart (explore), or no ratio without both figures); ` +
  `"unavailable" says why the kernel could not run it here. The kernel's own figures vary several-fold between machines: ` +
  `compare ratios from one run, never absolute times across machines.\n`;
if (save) {
  mkdirSync(join(root, "bench/results"), { recursive: true });
  writeFileSync(join(root, "bench/results/latest.json"), JSON.stringify(doc, null, 2) + "\n");
  writeFileSync(join(root, "bench/results/latest.md"), md);
  if (want("ring") || want("scaling")) writeFileSync(join(root, "bench/results/scaling.svg"), scalingSvg(results));
}
process.stdout.write(json ? JSON.stringify(doc) + "\n" : md);
