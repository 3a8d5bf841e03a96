// node bench/compare.mjs <before-tree> [after-tree] [--reps N]
// The model's event-path workloads from two checkouts of this repository (each built with
// `npm run build`), run alternately in one process, best of N each: a refactor's cost as a
// same-run ratio (after / before), which absolute times between runs cannot give.
import { resolve, join } from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const repsAt = args.indexOf("--reps");
const reps = repsAt >= 0 ? Number(args.splice(repsAt, 2)[1]) : 5;
const [beforeDir, afterDir = "."] = args;
if (!beforeDir || !Number.isInteger(reps) || reps < 1) {
  console.error("usage: node bench/compare.mjs <before-tree> [after-tree] [--reps N]");
  process.exit(2);
}
const load = async (dir) => {
  const f = join(resolve(dir), "bench", "workloads.mjs");
  if (!existsSync(join(resolve(dir), "dist", "index.js"))) throw new Error(`${dir}: no dist/ (run npm run build there)`);
  return import(pathToFileURL(f).href);
};
const A = await load(beforeDir);
const B = await load(afterDir);
const cases = [
  ["ring pipes=100 active=100", (W) => W.ring({ pipes: 100, active: 100, writes: 100000 }).ns_per_event],
  ["ring pipes=1000 active=1", (W) => W.ring({ pipes: 1000, active: 1, writes: 100000 }).ns_per_event],
  ["pipetest pipes=256 tokens=16", (W) => W.pipetest({ pipes: 256, tokens: 16, passes: 100000 }).ns_per_event],
  ["harvest fds=20000 maxevents=64", (W) => W.harvest({ fds: 20000, maxevents: 64, events: 500000 }).ns_per_event],
];
for (let i = 0; i < 2; i++) for (const W of [A, B]) W.ring({ pipes: 100, active: 10, writes: 50000 }); // warm the JIT
console.log(`| workload | before ns/event | after ns/event | after / before |\n| --- | ---: | ---: | ---: |`);
for (const [name, run] of cases) {
  let a = Infinity;
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    a = Math.min(a, run(A));
    b = Math.min(b, run(B));
  }
  console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(3)} |`);
}
