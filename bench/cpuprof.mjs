// Where the model's `ring` spends its time: runs the workload in a child Node with V8's
// sampling profiler (--cpu-prof) and prints the functions with the most self time, as a
// share of all samples. A profile, not a benchmark: shares are steady enough to compare two
// builds, absolute times are not (the machine is shared); only samples taken inside ring's
// timed section count (not the set-up of N pipes). The profile file goes to a
// temporary directory and is removed; nothing in the tree is written.
//   node bench/cpuprof.mjs [N] [A] [writes] [top]        e.g. node bench/cpuprof.mjs 100000 100
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [n = 100, a = 100, writes = 2_000_000, top = 12] = process.argv.slice(2).map(Number);
if (![n, a, writes, top].every((v) => Number.isInteger(v) && v > 0) || a > n) {
  console.error("usage: node bench/cpuprof.mjs [N] [A<=N] [writes] [top]  (positive integers)");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "epoll-wasm-prof-"));
try {
  // The child notes the monotonic clock (µs, as the profile's timestamps) around the timed
  // section, so that set-up (making N pipes) and teardown are left out of the shares.
  const code = `const at = {}; const timed = (m) => { at[m] = Number(process.hrtime.bigint() / 1000n); };` +
    `import(${JSON.stringify(join(here, "workloads.mjs"))}).then((W) => ` +
    `console.log(JSON.stringify({ ...W.ring({ pipes: ${n}, active: ${a}, writes: ${writes}, timed }), at })))`;
  const run = spawnSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "250", "-e", code],
    { encoding: "utf8" });
  if (run.status !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("node wrote no .cpuprofile");
  const prof = JSON.parse(readFileSync(join(dir, file), "utf8"));
  // Self samples per node, summed over nodes that name the same function at the same place.
  const result = JSON.parse(run.stdout.trim().split("\n").pop());
  const self = new Map(prof.nodes.map((node) => [node.id, 0]));
  let t = prof.startTime;
  let total = 0;
  prof.samples.forEach((id, i) => {
    t += prof.timeDeltas[i];
    if (t < result.at.start || t > result.at.end) return;
    self.set(id, self.get(id) + 1);
    total++;
  });
  if (total === 0) throw new Error("no sample fell inside the timed section");
  const byFn = new Map();
  for (const node of prof.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(dist|bench|node_modules)\//, "$1/")}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + self.get(node.id));
  }
  // The release core is stripped of names, so its functions show as wasm-function[i]:
  // their sum is the time spent inside eventpoll's own code.
  let wasm = 0;
  for (const [key, count] of byFn) if (key.startsWith("wasm-function")) wasm += count;
  console.log(`ring N=${n} A=${a} writes=${writes}: ${result.ns_per_event.toFixed(0)} ns/event, ${total} samples in the timed section; ` +
    `the core's wasm ${((100 * wasm) / total).toFixed(1)} % of them`);
  for (const [key, count] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, top)) {
    console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
