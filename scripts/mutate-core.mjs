// Mutation testing of the AssemblyScript core (assembly/), which StrykerJS cannot
// instrument: hand-written mutants (scripts/core-mutants.json), each applied to its own
// copy of the repository, the core rebuilt there and a fast, core-centric part of the suite
// run against the release core. A mutant is killed when a test fails (or the run hangs
// past the timeout), survives when every test passes. `npm run mutate:core`.
//
//   node scripts/mutate-core.mjs                 run every mutant
//   node scripts/mutate-core.mjs --only a,b      run these mutants
//   node scripts/mutate-core.mjs --list          list the mutants (and check their search strings)
//   node scripts/mutate-core.mjs --save          also write mutation/core-latest.md
//   node scripts/mutate-core.mjs --keep          keep the temporary copies (to debug a mutant)
//   node scripts/mutate-core.mjs --tests <f,g>   run these test files instead of the default set
//
// The working tree is never modified: the repository is snapshotted once into a temporary
// directory (so edits made meanwhile do not mix into the run), the unmutated snapshot must
// build and pass first, then each mutant gets a fresh copy of the snapshot. Exit status: 0
// when every mutant is killed or marked equivalent ("equivalent": "why" in the data file);
// 1 when a mutant survives that is not marked equivalent, a mutant marked equivalent is
// killed, or a mutant's core does not build; 2 on a usage or setup error.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MUTANTS_FILE = join(root, "scripts", "core-mutants.json");
const REPORT = join(root, "mutation", "core-latest.md");

/** What a copy holds: enough to build the core and run the jest suite. */
const COPY = [
  "src", "assembly", "tests", "scripts", "package.json", "asconfig.json",
  "tsconfig.json", "tsconfig.build.json", "jest.config.cjs", "jest.mutate.cjs",
];

/**
 * The core-centric test files (release core, jest.mutate.cjs), chosen by measurement: the
 * ones that exercise the core's decisions (triggers, ctl errnos, nesting, ovflist,
 * exclusive wakeups, limits, LTP and kselftest ports, liveness properties, the recorded
 * Linux corpus, the threaded transfer scenarios) and together take about 15 s. `--bail`
 * stops at the first failing file.
 */
const DEFAULT_TESTS = [
  "tests/triggers.test.ts",
  "tests/epoll-ctl.test.ts",
  "tests/nested.test.ts",
  "tests/ovflist.test.ts",
  "tests/exclusive.test.ts",
  "tests/dup-close.test.ts",
  "tests/limits.test.ts",
  "tests/inspect.test.ts",
  "tests/core-abi.test.ts",
  "tests/ltp/",
  "tests/kselftest/",
  "tests/liveness.test.ts",
  "tests/diff/differential.test.ts",
  "tests/threads-scenarios.test.ts",
  "tests/mutation-kills-",
];

// ---- arguments -----------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return false;
  argv.splice(i, 1);
  return true;
};
const option = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) usage(`${name} needs a value`);
  argv.splice(i, 2);
  return v;
};
function usage(msg) {
  console.error(`mutate-core: ${msg}\nusage: node scripts/mutate-core.mjs [--list] [--only id,id] [--save] [--keep] [--tests file,file]`);
  process.exit(2);
}
const LIST = flag("--list");
const SAVE = flag("--save");
const KEEP = flag("--keep");
const ONLY = option("--only")?.split(",").map((s) => s.trim()).filter(Boolean);
const TESTS = option("--tests")?.split(",").map((s) => s.trim()).filter(Boolean) ?? DEFAULT_TESTS;
if (argv.length) usage(`unknown argument ${argv[0]}`);

// ---- the mutants ---------------------------------------------------------------------

const { mutants: all } = JSON.parse(readFileSync(MUTANTS_FILE, "utf8"));
const ids = new Set();
for (const m of all) {
  for (const k of ["id", "file", "search", "replace", "description"]) {
    if (typeof m[k] !== "string") usage(`mutant ${JSON.stringify(m.id)}: "${k}" must be a string`);
  }
  if (ids.has(m.id)) usage(`duplicate mutant id ${m.id}`);
  ids.add(m.id);
}
if (ONLY) for (const id of ONLY) if (!ids.has(id)) usage(`no mutant "${id}" (see --list)`);
const selected = ONLY ? all.filter((m) => ONLY.includes(m.id)) : all;

const count = (hay, needle) => {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) n++;
  return n;
};
/** The mutated text of the mutant's file, or throws: the search string must occur exactly once. */
function mutate(base, m) {
  const text = readFileSync(join(base, m.file), "utf8");
  const n = count(text, m.search);
  if (n !== 1) throw new Error(`mutant ${m.id}: search string found ${n} times in ${m.file} (must be exactly once): ${JSON.stringify(m.search)}`);
  if (m.search === m.replace) throw new Error(`mutant ${m.id}: replacement equals the search string`);
  const at = text.indexOf(m.search);
  return text.slice(0, at) + m.replace + text.slice(at + m.search.length);
}
const lineOf = (base, m) => {
  const text = readFileSync(join(base, m.file), "utf8");
  return text.slice(0, text.indexOf(m.search)).split("\n").length;
};

// Check every selected mutant against the working tree before anything runs.
const bad = [];
for (const m of selected) {
  try {
    mutate(root, m);
  } catch (e) {
    bad.push(e.message);
  }
}
if (LIST) {
  for (const m of selected) {
    const where = bad.some((b) => b.startsWith(`mutant ${m.id}:`)) ? "SEARCH STRING NOT UNIQUE/FOUND" : `${m.file}:${lineOf(root, m)}`;
    console.log(`${m.id.padEnd(40)} ${where}${m.equivalent ? "  [equivalent]" : ""}\n    ${m.description}`);
  }
  console.log(`${selected.length} mutants`);
}
if (bad.length) {
  for (const b of bad) console.error(b);
  process.exit(2);
}
if (LIST) process.exit(0);

// ---- running -------------------------------------------------------------------------

const bin = (name) => join(root, "node_modules", ".bin", name);
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The process group of the command running now (killed on timeout and on Ctrl-C). */
let current = null;
const killGroup = (child) => {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch { /* already gone */ }
};

/** Runs a command in `cwd`, in its own process group; kills the group after `timeoutMs`. */
function run(cmd, args, cwd, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, {
      cwd, detached: true, stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", CI: "true" },
    });
    current = child;
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      current = null;
      resolve({ code, out, timedOut, ms: Date.now() - t0 });
    });
  });
}

/** A fresh directory holding a copy of `from` (node_modules symlinked to the repository's). */
function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const f of COPY) if (existsSync(join(from, f))) cpSync(join(from, f), join(to, f), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(to, "node_modules"), "dir");
}

const buildCore = (dir) => run(process.execPath, ["scripts/build-core.mjs"], dir, 300_000);
const jestArgs = () => [bin("jest"), "-c", "jest.mutate.cjs", "--bail", "--ci", "--silent", ...TESTS];
const runTests = (dir, timeoutMs) => run(process.execPath, jestArgs(), dir, timeoutMs);
/** The test files that failed, from jest's output. */
const failedFiles = (out) => [...new Set([...out.matchAll(/^FAIL\s.*?(tests\/\S+\.test\.ts)/gm)].map((x) => x[1]))];

const work = mkdtempSync(join(tmpdir(), "epoll-wasm-mutate-core-"));
const cleanup = () => {
  if (!KEEP) rmSync(work, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  if (current) killGroup(current);
  cleanup();
  process.exit(130);
});

const t0 = Date.now();
const snapshot = join(work, "snapshot");
copyTree(root, snapshot);
console.log(`mutate-core: ${selected.length} mutants; snapshot of ${root} in ${snapshot}`);
console.log(`tests (release core, --bail): ${TESTS.join(" ")}`);

// The baseline: the unmutated snapshot must build and pass.
let b = await buildCore(snapshot);
if (b.code !== 0) {
  console.error(`the unmutated core does not build:\n${b.out}`);
  cleanup();
  process.exit(2);
}
const base = await runTests(snapshot, 600_000);
if (base.code !== 0) {
  console.error(`the unmutated suite fails (exit ${base.code}${base.timedOut ? ", timed out" : ""}):\n${base.out.slice(-4000)}`);
  cleanup();
  process.exit(2);
}
const nTests = /Tests:\s+(\d+) passed/.exec(base.out)?.[1] ?? "?";
// A mutant's run may take longer than the baseline (more events, a failing test that waits
// for its timeout), but not this long: past it the mutant counts as killed (a hang).
const TIMEOUT = Math.max(60_000, 4 * base.ms);
console.log(`baseline: build ${fmt(b.ms)}, ${nTests} tests pass in ${fmt(base.ms)}; timeout per mutant ${fmt(TIMEOUT)}\n`);

const results = [];
for (const [i, m] of selected.entries()) {
  const dir = join(work, `m${i}`);
  const line = lineOf(snapshot, m);
  copyTree(snapshot, dir);
  writeFileSync(join(dir, m.file), mutate(snapshot, m));
  const mt0 = Date.now();
  const build = await buildCore(dir);
  let status;
  let detail = "";
  let testMs = 0;
  if (build.code !== 0) {
    status = "build error";
    detail = build.out.split("\n").find((l) => /ERROR|error/.test(l))?.trim() ?? `exit ${build.code}`;
  } else {
    const r = await runTests(dir, TIMEOUT);
    testMs = r.ms;
    if (r.timedOut) status = "timeout";
    else if (r.code === 0) status = "survived";
    else {
      status = "killed";
      detail = failedFiles(r.out).join(", ") || `jest exit ${r.code}`;
    }
  }
  const ms = Date.now() - mt0;
  results.push({ m, line, status, detail, ms, buildMs: build.ms, testMs });
  const mark = status === "survived" ? (m.equivalent ? "survived (equivalent)" : "SURVIVED") : status;
  console.log(`[${String(i + 1).padStart(2)}/${selected.length}] ${m.id.padEnd(40)} ${mark.padEnd(22)} ${fmt(ms).padStart(7)}  ${detail}`);
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
cleanup();

// ---- report --------------------------------------------------------------------------

const detected = (r) => r.status === "killed" || r.status === "timeout";
const equivalentSurvivors = results.filter((r) => r.status === "survived" && r.m.equivalent);
const survivors = results.filter((r) => r.status === "survived" && !r.m.equivalent);
const killedEquivalent = results.filter((r) => detected(r) && r.m.equivalent);
const buildErrors = results.filter((r) => r.status === "build error");
const nKilled = results.filter((r) => r.status === "killed").length;
const nTimeout = results.filter((r) => r.status === "timeout").length;
const scored = results.length - equivalentSurvivors.length - buildErrors.length;
const score = scored ? (100 * (nKilled + nTimeout)) / scored : 100;
const total = Date.now() - t0;

const rows = results.map((r) =>
  `| ${r.m.id} | ${r.m.file}:${r.line} | ${r.status === "survived" && r.m.equivalent ? "survived (equivalent)" : r.status} | ${fmt(r.ms)} | ${(r.m.equivalent ? `equivalent: ${r.m.equivalent}` : r.detail).replace(/\|/g, "\\|")} |`);
const summary = [
  `mutants: ${results.length}; killed ${nKilled}, timeout ${nTimeout}, survived ${survivors.length}, ` +
    `equivalent ${equivalentSurvivors.length}, build errors ${buildErrors.length}`,
  `mutation score: ${score.toFixed(1)}% (${nKilled + nTimeout}/${scored}, equivalent mutants excluded)`,
  `time: ${fmt(total)} (baseline: build ${fmt(b.ms)}, tests ${fmt(base.ms)})`,
];
console.log(`\n| mutant | where | status | time | killed by / note |\n|---|---|---|---|---|\n${rows.join("\n")}\n`);
for (const s of summary) console.log(s);
for (const r of survivors) console.log(`SURVIVED: ${r.m.id} — ${r.m.description}`);
for (const r of killedEquivalent) console.log(`KILLED BUT MARKED EQUIVALENT: ${r.m.id} (remove "equivalent" from the data file)`);
for (const r of buildErrors) console.log(`BUILD ERROR: ${r.m.id}: ${r.detail}`);

if (SAVE) {
  mkdirSync(dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, [
    "# Core mutation testing (scripts/mutate-core.mjs)",
    "",
    `Generated by \`node scripts/mutate-core.mjs${ONLY ? ` --only ${ONLY.join(",")}` : ""} --save\` on ${new Date().toISOString()}.`,
    `Mutants: scripts/core-mutants.json. Tests (release core, jest.mutate.cjs, --bail): ${TESTS.join(" ")}.`,
    "",
    ...summary.map((s) => `- ${s}`),
    "",
    "| mutant | where | status | time | killed by / note |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"));
  console.log(`report: ${relative(root, REPORT)}`);
}
process.exit(survivors.length || killedEquivalent.length || buildErrors.length ? 1 : 0);
