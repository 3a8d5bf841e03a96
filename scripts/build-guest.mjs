// node scripts/build-guest.mjs [--check] [--out DIR]
// Builds the project's guest fixtures with `epoll-wasm cc` (needs clang, lld and wasi-libc):
// tests/guest/src/*.c, the differential oracle (tests/native/oracle.c) and the benchmark
// helper (bench/native/bench.c), each to tests/guest/wasm/NAME.wasm, and records in
// tests/guest/wasm/manifest.json the hash of every input (the program, the guest headers and
// runtime, the compiler driver) and of every output, with the tool versions.
//   --check   build into a temporary folder and compare with the committed fixtures: exit 1
//             if an input changed since they were built, or (same clang and binaryen) if the
//             bytes differ. Nothing in the tree is written.
//   --out D   build into D instead (no manifest).
// The fixtures are committed, so a machine without clang still runs every guest test.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WASM = join(root, "tests/guest/wasm");
const MANIFEST = join(WASM, "manifest.json");
const cli = join(root, "dist/node/cli.js");

/** name -> source: every program of tests/guest/src, the oracle and the benchmark helper. */
export function programs() {
  const list = readdirSync(join(root, "tests/guest/src")).filter((f) => f.endsWith(".c")).sort()
    .map((f) => [f.replace(/\.c$/, ""), `tests/guest/src/${f}`]);
  return [...list, ["oracle", "tests/native/oracle.c"], ["bench", "bench/native/bench.c"]];
}

/** The files every fixture depends on besides its own source. */
function shared() {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(join(root, d), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(`${d}/${e.name}`);
      else files.push(`${d}/${e.name}`);
    }
  };
  walk("guest");
  files.push("src/node/cc.ts");
  return files;
}

const sha = (data) => createHash("sha256").update(data).digest("hex");
export function inputHash(src) {
  const h = createHash("sha256");
  for (const f of [src, ...shared()]) h.update(f + "\0").update(readFileSync(join(root, f))).update("\0");
  return h.digest("hex");
}

/** The flags the fixtures are built with (part of the manifest). */
export const FLAGS = ["-O2", "-Wall"];

function versions() {
  let clang = null; // no clang here: the fixtures can only be checked against their inputs
  try {
    clang = execFileSync(process.env.EPOLL_WASM_CLANG || "clang", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0];
  } catch {}
  const binaryen = JSON.parse(readFileSync(join(root, "node_modules/binaryen/package.json"), "utf8")).version;
  return { clang, binaryen };
}

function build(outDir) {
  mkdirSync(outDir, { recursive: true });
  const built = {};
  for (const [name, src] of programs()) {
    const out = join(outDir, `${name}.wasm`);
    execFileSync(process.execPath, [cli, "cc", ...FLAGS, src, "-o", out], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    built[name] = { source: src, inputs: inputHash(src), wasm: sha(readFileSync(out)), bytes: readFileSync(out).length };
  }
  return built;
}

const args = process.argv.slice(2);
if (!existsSync(cli)) {
  console.error("build-guest: dist/node/cli.js is missing: npm run build first");
  process.exit(2);
}
if (args.includes("--check")) {
  const manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
  const problems = [];
  for (const [name, src] of programs()) {
    const m = manifest.programs[name];
    if (!m) problems.push(`${name}: not in the manifest`);
    else if (m.inputs !== inputHash(src)) problems.push(`${name}: ${src} or the guest runtime changed since the fixture was built`);
    else if (sha(readFileSync(join(WASM, `${name}.wasm`))) !== m.wasm) problems.push(`${name}: tests/guest/wasm/${name}.wasm is not the file the manifest records`);
  }
  const v = versions();
  const same = v.clang !== null && v.clang === manifest.clang && v.binaryen === manifest.binaryen;
  if (same) {
    const dir = mkdtempSync(join(tmpdir(), "guest-check-"));
    try {
      const built = build(dir);
      for (const [name, b] of Object.entries(built)) if (manifest.programs[name] && b.wasm !== manifest.programs[name].wasm) problems.push(`${name}: rebuilding gives different bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (problems.length) {
    console.error(`build-guest --check: the committed fixtures are stale (rebuild with: node scripts/build-guest.mjs)\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`build-guest --check: ${programs().length} fixtures up to date${same ? ", rebuilt byte for byte" : ` (not rebuilt: this machine has ${v.clang} / binaryen ${v.binaryen}, the fixtures ${manifest.clang} / binaryen ${manifest.binaryen})`}`);
} else {
  const o = args.indexOf("--out");
  const outDir = o >= 0 ? args[o + 1] : WASM;
  const built = build(outDir);
  if (o < 0) writeFileSync(MANIFEST, JSON.stringify({ note: "Written by node scripts/build-guest.mjs", ...versions(), flags: FLAGS, programs: built }, null, 2) + "\n");
  for (const [name, b] of Object.entries(built)) console.log(`${relative(root, join(outDir, name + ".wasm"))}  ${b.bytes} bytes`);
}
