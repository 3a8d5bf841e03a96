// The benchmark runner's output contract (docs/API.md, Benchmarks), on tiny sizes: one JSON
// document on stdout with results for the model and, where a compiler exists, Linux.
// (Speed itself is never asserted: see npm run bench.)
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..");
const RESULTS = ["latest.json", "latest.md", "scaling.svg"].map((f) => join(root, "bench", "results", f));
const snapshot = () => RESULTS.map((f) => [f, statSync(f).mtimeMs, readFileSync(f, "utf8")]);

test("npm run bench -- --json --quick prints { results: [...] } with the contract's fields", () => {
  const before = snapshot();
  const out = execFileSync(process.execPath, ["bench/run.mjs", "--json", "--quick", "--only", "pipetest"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const doc = JSON.parse(out);
  expect(Array.isArray(doc.results)).toBe(true);
  const wasm = doc.results.filter((r: { impl: string; params: { runtime?: string } }) => r.impl === "wasm" && r.params.runtime === undefined);
  expect(wasm.map((r: { name: string; params: { tokens: number } }) => [r.name, r.params.tokens])).toEqual([
    ["pipetest", 1],
    ["pipetest", 16],
    ["pipetest", 256],
  ]);
  // The same workload as a C guest program (bench/native/bench.c compiled to wasm32) on the model.
  const guest = doc.results.filter((r: { impl: string; params: { runtime?: string } }) => r.params.runtime === "guest");
  expect(guest.map((r: { name: string; impl: string; params: { tokens: number; passes: number } }) => [r.name, r.impl, r.params.tokens, r.params.passes])).toEqual([
    ["pipetest", "wasm", 1, 20000],
    ["pipetest", "wasm", 16, 20000],
    ["pipetest", "wasm", 256, 20000],
  ]);
  for (const r of doc.results) {
    expect(typeof r.name).toBe("string");
    expect(["wasm", "linux", "poll"]).toContain(r.impl);
    expect(typeof r.params).toBe("object");
    if (!r.unavailable) expect(r.ns_per_event).toBeGreaterThan(0);
  }
  const linux = doc.results.filter((r: { impl: string }) => r.impl === "linux");
  expect(linux).toHaveLength(3);
  expect(snapshot()).toEqual(before); // a --json, --quick or --only run writes nothing
}, 60000);

test("bench: --help prints the usage, unknown flags exit 2, progress suits a non-terminal", () => {
  const help = spawnSync(process.execPath, ["bench/run.mjs", "--help"], { cwd: root, encoding: "utf8" });
  expect([help.status, help.stdout.split("\n")[0]]).toEqual([0, "usage: npm run bench [-- options]"]);
  expect(help.stdout).toContain("--save");
  for (const bad of [["--fast"], ["--only", "nope"], ["--only"]]) {
    const r = spawnSync(process.execPath, ["bench/run.mjs", ...bad], { cwd: root, encoding: "utf8" });
    expect([bad.join(" "), r.status, r.stdout]).toEqual([bad.join(" "), 2, ""]);
    expect(r.stderr).toMatch(/^bench: /);
  }
  const before = snapshot();
  const r = spawnSync(process.execPath, ["bench/run.mjs", "--quick", "--only", "footprint"], { cwd: root, encoding: "utf8" });
  expect(r.status).toBe(0);
  // stderr is a pipe here: one progress line per step, no carriage returns.
  expect(r.stderr).not.toContain("\r");
  expect(r.stderr.trim().split("\n")).toEqual([
    expect.stringMatching(/^\[#+\.*\] 1\/4 footprint wasm$/),
    expect.stringMatching(/^\[#+\.*\] 2\/4 footprint wasm hash$/),
    expect.stringMatching(/^\[#+\.*\] 3\/4 footprint linux$/),
    expect.stringMatching(/^\[#+\] 4\/4 footprint host$/),
    expect.stringMatching(/^done: 4 steps in [\d.]+ s$/),
  ]);
  expect(r.stdout).toContain('"wasm / linux" is the model');
  expect(snapshot()).toEqual(before);
}, 60000);

test("npm run bench -- --only http: the request/response workload on the model (epoll, poll) and Linux", () => {
  const out = execFileSync(process.execPath, ["bench/run.mjs", "--json", "--quick", "--only", "http"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const doc = JSON.parse(out);
  const rows = doc.results as { name: string; impl: string; params: { dead: number }; ns_per_request?: number; unavailable?: string }[];
  expect(rows.filter((r) => r.impl === "wasm").map((r) => r.params.dead)).toEqual([0, 1000]);
  expect(rows.filter((r) => r.impl === "poll").map((r) => r.params.dead)).toEqual([0, 1000]);
  for (const r of rows) {
    expect(["http", "http_poll"]).toContain(r.name);
    if (!r.unavailable) expect(r.ns_per_request).toBeGreaterThan(0);
  }
}, 120000);

test("bench/cpuprof.mjs: a profile of ring whose shares add up, and usage errors exit 2", () => {
  const r = spawnSync(process.execPath, ["bench/cpuprof.mjs", "10", "2", "20000", "5"], { cwd: root, encoding: "utf8" });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  const [head, ...rows] = r.stdout.trim().split("\n");
  expect(head).toMatch(/^ring N=10 A=2 writes=20000: \d+ ns\/event, \d+ samples in the timed section; the core's wasm \d+\.\d % of them$/);
  expect(rows).toHaveLength(5);
  const shares = rows.map((line) => {
    const m = /^ *(\d+\.\d) % {2}\S/.exec(line);
    expect(m).not.toBeNull();
    return Number(m![1]);
  });
  // Printed from the most self time down, and no row is more than the whole.
  expect([...shares].sort((x, y) => y - x)).toEqual(shares);
  expect(shares.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(100.5);
  for (const bad of [["0"], ["10", "11"], ["ten"]]) {
    const b = spawnSync(process.execPath, ["bench/cpuprof.mjs", ...bad], { cwd: root, encoding: "utf8" });
    expect([bad.join(" "), b.status, b.stdout]).toEqual([bad.join(" "), 2, ""]);
    expect(b.stderr).toMatch(/^usage: node bench\/cpuprof\.mjs/);
  }
}, 60000);
