// The differential oracle in guest mode: tests/native/oracle.c, compiled once to wasm32 by
// `epoll-wasm cc` (the fixture tests/guest/wasm/oracle.wasm), runs the same generated
// programs through the guest ABI — C structs in linear memory, Linux's numbers, the runtime
// in guest/lib — and must print what the native oracle prints on Linux. Where the JS harness
// (program.ts) checks the model through kernel.sys, this checks the whole path a C program
// takes. Corpus mode always runs (its Linux results are recorded); with cc, fresh programs
// from the generator run through both oracles.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createKernelSync } from "../../src/index";
import { fixture, ROOT } from "../guest/guest";
import { programArb } from "./generator";
import { oracleState, runLinuxBatch } from "./native";
import { firstMismatch, describeMismatch, programToText, type Program } from "./program";

/** Runs programs through the oracle as a guest, in one process (as the native oracle runs them). */
async function runGuestBatch(programs: Program[]): Promise<string[][]> {
  const input = programs.map((p) => (p.length ? programToText(p) + "\n" : "") + "---\n").join("");
  const k = createKernelSync({});
  let out = "", err = "";
  const dec = new TextDecoder();
  const status = await k.spawnProcess(fixture("oracle"), { args: ["oracle"], stdin: input, stdout: (b) => (out += dec.decode(b)), stderr: (b) => (err += dec.decode(b)) });
  if (status !== 0) throw new Error(`the guest oracle exited with ${status}: ${err}`);
  const blocks = out.split("---\n");
  blocks.pop();
  expect(blocks.length).toBe(programs.length);
  return blocks.map((b) => (b === "" ? [] : b.replace(/\n$/, "").split("\n")));
}

function report(programs: Program[], linux: string[][], guest: string[][]): string[] {
  const bad: string[] = [];
  programs.forEach((p, i) => {
    const m = firstMismatch(p, linux[i], guest[i]);
    if (m) bad.push(`program ${i}:\n${describeMismatch(p, linux[i], guest[i], m)}`);
  });
  return bad;
}

test("guest mode, corpus: the oracle compiled to wasm32 prints Linux's recorded results for all 600 programs", async () => {
  const corpus = JSON.parse(readFileSync(join(ROOT, "tests/diff/corpus.json"), "utf8")) as { programs: { program: string[]; linux: string[] }[] };
  const { textToProgram } = await import("./program");
  const programs = corpus.programs.map((c) => textToProgram(c.program.join("\n")));
  const guest = await runGuestBatch(programs);
  expect(report(programs, corpus.programs.map((c) => c.linux), guest).slice(0, 3)).toEqual([]);
  expect(programs.length).toBe(600);
}, 120000);

const SEED = Number(process.env.DIFF_GUEST_SEED ?? 4242);
const RUNS = Number(process.env.DIFF_GUEST_RUNS ?? 1000);
const native = oracleState();

if (native.native) {
  test(`guest mode, native: ${RUNS} generated programs (seed ${SEED}) print the same through the guest oracle as through the native one`, async () => {
    const programs = fc.sample(programArb(60), { seed: SEED, numRuns: RUNS });
    const linux = runLinuxBatch(programs);
    const guest = await runGuestBatch(programs);
    const bad = report(programs, linux, guest);
    if (bad.length) throw new Error(`seed ${SEED}: ${bad.length} of ${RUNS} programs differ; the first:\n${bad[0]}`);
  }, 300000);
} else {
  test(`guest mode, native: skipped (${native.why}); the corpus test above stands`, () => expect(native.native).toBe(false));
}
