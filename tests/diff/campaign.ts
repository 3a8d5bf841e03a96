// `npm run fuzz:diff -- --runs N --seed S [--max-ops M]`: a long differential campaign.
// Programs are drawn in batches of 2000 (batch i uses seed S + i), run on Linux in one
// oracle process per batch and on the model; every diverging program is counted, and the
// first of each batch is shrunk by fast-check and printed with a paste-ready regression.
// Progress goes to stderr; the summary (programs, operations, divergences) ends stdout.
import fc from "fast-check";
import { programArb } from "./generator";
import { oracleState, runLinux, runLinuxBatch } from "./native";
import { describeMismatch, firstMismatch, opToLine, programToText, runModel, type Program } from "./program";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`fuzz:diff: --${name} needs a non-negative integer`);
    process.exit(2);
  }
  return v;
}

const runs = arg("runs", 20000);
const seed = arg("seed", Date.now() % 1000000);
const maxOps = arg("max-ops", 60);
const BATCH = 2000;

/**
 * `--shard i/n` (1 ≤ i ≤ n): this process runs batches i-1, i-1+n, i-1+2n, … of the
 * campaign's batches (batch b draws its programs from seed S + b), so n processes — a CI
 * matrix, several machines — cover the same programs as one run, disjointly.
 */
function shardArg(): { index: number; count: number } {
  const i = process.argv.indexOf("--shard");
  if (i < 0) return { index: 1, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(process.argv[i + 1] ?? "");
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count)) {
    console.error("fuzz:diff: --shard needs i/n with 1 <= i <= n (e.g. --shard 2/8)");
    process.exit(2);
  }
  return { index, count };
}
const shard = shardArg();
const batches = Math.ceil(runs / BATCH);
const mine: number[] = [];
for (let b = shard.index - 1; b < batches; b += shard.count) mine.push(b);
const myRuns = mine.reduce((a, b) => a + Math.min(BATCH, runs - b * BATCH), 0);

{
  const o = oracleState(); // throws, with the compiler's output, when the oracle does not build
  if (!o.native) {
    console.error(`fuzz:diff needs Linux and a C compiler (cc) for the native oracle: ${o.why}`);
    process.exit(2);
  }
}

const arb = programArb(maxOps);
let programs = 0;
let operations = 0;
let divergences = 0;
const started = Date.now();

for (const batch of mine) {
  const n = Math.min(BATCH, runs - batch * BATCH);
  const bseed = seed + batch;
  const sample = fc.sample(arb, { seed: bseed, numRuns: n });
  const linux = runLinuxBatch(sample);
  let firstBad = -1;
  sample.forEach((p, i) => {
    operations += p.length;
    if (firstMismatch(p, linux[i], runModel(p))) {
      divergences++;
      if (firstBad < 0) firstBad = i;
    }
  });
  programs += n;
  if (firstBad >= 0) {
    const cache = new Map<string, string[]>();
    sample.forEach((p, i) => cache.set(programToText(p), linux[i]));
    const linuxOf = (p: Program) => cache.get(programToText(p)) ?? runLinux(p);
    const r = fc.check(fc.property(arb, (p) => firstMismatch(p, linuxOf(p), runModel(p)) === null), { seed: bseed, numRuns: n });
    let [p] = r.counterexample ?? [sample[firstBad]];
    let lx = linuxOf(p);
    let model = runModel(p);
    if (!firstMismatch(p, lx, model)) {
      // Not reproduced alone: Linux's answer depended on an earlier program of the batch
      // (state that outlived it). Report the batch's own result.
      console.log("\n(the divergence does not reproduce when the program runs alone: Linux kept state from an earlier program of its batch)");
      p = sample[firstBad];
      lx = linux[firstBad];
      model = runModel(p);
    }
    console.log(`\n--- divergence (batch seed ${bseed}; rerun: DIFF_SEED=${bseed} DIFF_RUNS=${n} npx jest tests/diff -t random --selectProjects release)`);
    console.log(describeMismatch(p, lx, model, firstMismatch(p, lx, model)!));
    console.log(`regression program:\n${p.map(opToLine).join("\n")}\nlinux: ${JSON.stringify(lx)}`);
  }
  const secs = (Date.now() - started) / 1000;
  const line = `fuzz:diff ${programs}/${myRuns} programs, ${operations} ops, ${divergences} divergences, ${secs.toFixed(1)} s`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}   ` : `${line}\n`);
}
if (process.stderr.isTTY) process.stderr.write("\n");
const of = shard.count > 1 ? `, shard ${shard.index}/${shard.count} of ${runs}` : "";
console.log(`programs: ${programs}, operations: ${operations}, divergences: ${divergences} (seed ${seed}, max ops ${maxOps}${of})`);
process.exit(divergences ? 1 : 0);
