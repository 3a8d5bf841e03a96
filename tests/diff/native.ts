// Builds tests/native/oracle.c with `cc -O2` into tests/native/build/ (git-ignored) and
// runs batches of programs on the real Linux kernel.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { programToText, type Program } from "./program";

/** The repository root: the nearest folder above this file holding tests/native/oracle.c
 *  (this file also runs compiled, from build/campaign, for `npm run fuzz:diff`). */
function findRoot(): string {
  for (let d = __dirname; d !== dirname(d); d = dirname(d)) if (existsSync(join(d, "tests/native/oracle.c"))) return d;
  return resolve(__dirname, "../..");
}
const ROOT = findRoot();
const SRC = join(ROOT, "tests/native/oracle.c");
const OUT_DIR = join(ROOT, "tests/native/build");
const BIN = join(OUT_DIR, "oracle");

let built: string | null | undefined;

/** Path of a fresh oracle binary, or null when this is not Linux or there is no `cc`. */
export function oraclePath(): string | null {
  if (built !== undefined) return built;
  built = null;
  if (process.platform !== "linux") return null;
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= statSync(SRC).mtimeMs) return (built = BIN);
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${BIN}.${process.pid}.tmp`;
  const r = spawnSync("cc", ["-O2", "-Wall", "-o", tmp, SRC], { encoding: "utf8" });
  if (r.error || r.status !== 0) return null;
  // Rename is atomic: the two jest projects may build at the same time.
  spawnSync("mv", ["-f", tmp, BIN]);
  return (built = BIN);
}

/** Runs programs on Linux in one oracle process; one array of result lines per program. */
export function runLinuxBatch(programs: Program[]): string[][] {
  const bin = oraclePath();
  if (!bin) throw new Error("native oracle unavailable");
  const input = programs.map((p) => (p.length ? programToText(p) + "\n" : "") + "---\n").join("");
  const r = spawnSync(bin, [], { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`oracle exited with ${r.status}: ${r.stderr}`);
  const blocks = r.stdout.split("---\n");
  blocks.pop(); // after the last separator
  if (blocks.length !== programs.length) throw new Error(`oracle returned ${blocks.length} results for ${programs.length} programs`);
  return blocks.map((b) => (b === "" ? [] : b.replace(/\n$/, "").split("\n")));
}

export const runLinux = (p: Program): string[] => runLinuxBatch([p])[0];
