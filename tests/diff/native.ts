// Builds tests/native/oracle.c with `cc -O2` into tests/native/build/ (git-ignored) and
// runs batches of programs on the real Linux kernel.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
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

/** Whether the native oracle can run here; when not, why (a reason, never a failure). */
export type OracleState = { native: true; path: string } | { native: false; why: string };

let state: OracleState | undefined;

/**
 * The native oracle: built on first use with `cc -O2 -Wall` (rebuilt when oracle.c is newer).
 * Unavailable only off Linux or when no `cc` is on PATH. On Linux with a compiler, an oracle
 * that does not build or does not run its self-check is an error with the compiler's or the
 * program's output — never a silent fall back to the recorded corpus.
 */
export function oracleState(): OracleState {
  if (state) return state;
  if (process.platform !== "linux") return (state = { native: false, why: `not Linux (${process.platform})` });
  const probe = spawnSync("cc", ["--version"], { encoding: "utf8" });
  if (probe.error && (probe.error as NodeJS.ErrnoException).code === "ENOENT") {
    return (state = { native: false, why: "no C compiler: `cc` is not on PATH" });
  }
  if (!(existsSync(BIN) && statSync(BIN).mtimeMs >= statSync(SRC).mtimeMs)) {
    mkdirSync(OUT_DIR, { recursive: true });
    const tmp = `${BIN}.${process.pid}.tmp`;
    const r = spawnSync("cc", ["-O2", "-Wall", "-o", tmp, SRC], { encoding: "utf8" });
    if (r.error || r.status !== 0) {
      throw new Error(`the native oracle does not build: cc -O2 -Wall -o ${tmp} ${SRC} ` +
        `${r.error ? `failed to start: ${r.error.message}` : `exited with ${r.status}`}\n${r.stdout}${r.stderr}`);
    }
    // Rename is atomic: the two jest projects may build at the same time.
    renameSync(tmp, BIN);
  }
  // Self-check: an empty program prints nothing, and a set is fd 3 in a fresh process.
  const r = spawnSync(BIN, [], { input: "---\nepc 0\n---\n", encoding: "utf8" });
  if (r.error || r.status !== 0 || r.stdout !== "---\n3\n---\n") {
    throw new Error(`the native oracle ${BIN} does not run: ${r.error ? r.error.message : `exit ${r.status}`}, ` +
      `stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
  }
  return (state = { native: true, path: BIN });
}

/** Runs programs on Linux in one oracle process; one array of result lines per program. */
export function runLinuxBatch(programs: Program[]): string[][] {
  const o = oracleState();
  if (!o.native) throw new Error(`native oracle unavailable: ${o.why}`);
  const bin = o.path;
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
