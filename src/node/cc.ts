// `epoll-wasm cc` (src/node: the Node-only part of the package): clang for wasm32-wasi with this package's headers and runtime, then the
// Asyncify pass (binaryen's wasm-opt) that lets a guest thread sleep inside the kernel.
// Node only. Needs clang, lld and wasi-libc (Debian: clang lld wasi-libc
// libclang-rt-14-dev-wasm32); the rest ships in the package.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root (this file is dist/guest/cc.js or src/guest/cc.ts). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const GUEST_INCLUDE = join(PACKAGE_ROOT, "guest", "include");
export const GUEST_LIB = join(PACKAGE_ROOT, "guest", "lib");

/** The imports Asyncify instruments: every call into the kernel may suspend its thread. */
export const ASYNCIFY_IMPORTS = ["epoll_wasm.*", "wasi_snapshot_preview1.fd_write", "wasi_snapshot_preview1.fd_read", "wasi_snapshot_preview1.fd_close"];

/** Flags of every guest compile (include path first: our headers replace wasi-libc's). */
const COMPILE = ["--target=wasm32-wasi", `-I${GUEST_INCLUDE}`];
/** Flags of every guest link: the stack pointer exported for thread switches, a 1 MiB main stack. */
const LINK = ["-mmutable-globals", "-Wl,--export=__stack_pointer", "-Wl,-z,stack-size=1048576"];
/** Without -g: no DWARF (wasi-libc's own would triple the size); the function names stay for traces. */
const NO_DEBUG = ["-Wl,--strip-debug"];
/** The runtime's own flags (independent of the program's -W/-D options). */
const RUNTIME = ["-O2", "-Wall", "-Werror"];

export class CcError extends Error {}

/** clang: $EPOLL_WASM_CLANG, else `clang` on PATH; null if neither runs. */
export function findClang(): string | null {
  const cand = process.env.EPOLL_WASM_CLANG || "clang";
  const r = spawnSync(cand, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? cand : null;
}

/** Whether clang can build a guest here (clang, wasm-ld and wasi-libc's sysroot). */
export function toolchainState(): { ok: true; clang: string } | { ok: false; why: string } {
  const clang = findClang();
  if (!clang) return { ok: false, why: "no clang (set EPOLL_WASM_CLANG or put clang on PATH)" };
  const dir = mkdtempSync(join(tmpdir(), "ew-probe-"));
  try {
    const r = spawnSync(clang, [...COMPILE, "-x", "c", "-", "-o", join(dir, "a.wasm")], { input: "int main(void){return 0;}\n", encoding: "utf8", env: cleanEnv(clang) });
    return r.status === 0 ? { ok: true, clang } : { ok: false, why: `clang cannot link for wasm32-wasi (need lld and wasi-libc): ${r.stderr.trim().split("\n")[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * PATH without wasm-opt: clang 14 runs a wasm-opt it finds on PATH after linking, which
 * would make the output depend on the machine. The pass is ours to run, once.
 */
function cleanEnv(clang: string): NodeJS.ProcessEnv {
  const own = clang.includes("/") ? dirname(resolve(clang)) : null;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((d) => d && (d === own || !existsSync(join(d, "wasm-opt"))));
  return { ...process.env, PATH: dirs.join(delimiter) };
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8", env });
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.error) throw new CcError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new CcError(`${cmd} exited with ${r.status}`);
}

/** binaryen's wasm-opt (a dependency), run by this Node. */
export function wasmOpt(args: string[]): void {
  const req = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = req.resolve("binaryen/package.json");
  } catch {
    throw new CcError("epoll-wasm cc: the Asyncify pass needs binaryen's wasm-opt: npm install --save-dev binaryen");
  }
  const bin = join(dirname(pkg), "bin", "wasm-opt");
  run(process.execPath, [bin, ...args]);
}

/**
 * Compiles and links a guest: `args` are clang's (sources, -O, -D, -o out.wasm …). With -c,
 * -S or -E it only compiles, with the package's headers. Throws CcError on failure.
 */
export function cc(args: string[]): void {
  const clang = findClang();
  if (!clang) throw new CcError("epoll-wasm cc: no clang found (install clang, lld and wasi-libc, or set EPOLL_WASM_CLANG)");
  const env = cleanEnv(clang);
  if (args.some((a) => a === "-c" || a === "-S" || a === "-E" || a === "-M" || a === "-MM")) return run(clang, [...COMPILE, ...args], env);
  const o = args.indexOf("-o");
  if (o < 0 || o + 1 >= args.length) throw new CcError("epoll-wasm cc: give the output with -o FILE.wasm");
  const output = args[o + 1];
  const rest = [...args.slice(0, o), ...args.slice(o + 2)];
  const dir = mkdtempSync(join(tmpdir(), "ew-cc-"));
  try {
    // The runtime, compiled with its own flags, then linked with the program.
    const objs: string[] = [];
    for (const f of readdirSync(GUEST_LIB).filter((f) => f.endsWith(".c")).sort()) {
      const obj = join(dir, f.replace(/\.c$/, ".o"));
      run(clang, [...COMPILE, ...RUNTIME, "-c", join(GUEST_LIB, f), "-o", obj], env);
      objs.push(obj);
    }
    const linked = join(dir, "linked.wasm");
    const debug = rest.some((a) => /^-g/.test(a));
    run(clang, [...COMPILE, ...LINK, ...(debug ? [] : NO_DEBUG), ...rest, ...objs, "-o", linked], env);
    wasmOpt([linked, "--asyncify", `--pass-arg=asyncify-imports@${ASYNCIFY_IMPORTS.join(",")}`, "-O2", "-o", output]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
