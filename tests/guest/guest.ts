// Running the project's C programs: as guests on the model (the committed wasm fixtures in
// tests/guest/wasm) and natively (cc and the real kernel, when this machine has them).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { createKernelSync, type KernelOptions } from "../../src/index";

export const ROOT = join(__dirname, "..", "..");
export const WASM = join(ROOT, "tests/guest/wasm");
const NATIVE = join(ROOT, "tests/native/build/guest");

export interface Run {
  stdout: string;
  stderr: string;
  status: number;
}

const modules = new Map<string, WebAssembly.Module>();
/** The compiled fixture tests/guest/wasm/NAME.wasm. */
export function fixture(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (!m) modules.set(name, (m = new WebAssembly.Module(readFileSync(join(WASM, `${name}.wasm`)))));
  return m;
}

/** Runs a fixture on a fresh kernel of the project's core. */
export async function runGuest(name: string, o: { args?: string[]; stdin?: string; kernel?: KernelOptions } = {}): Promise<Run> {
  const k = createKernelSync(o.kernel ?? {});
  let stdout = "", stderr = "";
  const dec = new TextDecoder();
  const status = await k.spawnProcess(fixture(name), {
    args: [name, ...(o.args ?? [])],
    stdin: o.stdin,
    stdout: (b) => (stdout += dec.decode(b)),
    stderr: (b) => (stderr += dec.decode(b)),
  });
  return { stdout, stderr, status };
}

/** Whether `cc` builds and runs Linux programs here (else: why not). */
export function nativeState(): { ok: true } | { ok: false; why: string } {
  if (process.platform !== "linux") return { ok: false, why: `not Linux (${process.platform})` };
  const r = spawnSync("cc", ["--version"]);
  return r.error ? { ok: false, why: "no C compiler: `cc` is not on PATH" } : { ok: true };
}

/** Builds a C source natively with cc -O2 -pthread (cached in tests/native/build/guest) and runs it. */
export function runNative(src: string, args: string[] = [], input = ""): Run {
  const name = src.replace(/^.*\//, "").replace(/\.c$/, "");
  const bin = join(NATIVE, name);
  const file = join(ROOT, src);
  if (!(existsSync(bin) && statSync(bin).mtimeMs >= statSync(file).mtimeMs)) {
    mkdirSync(NATIVE, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const c = spawnSync("cc", ["-O2", "-Wall", "-pthread", "-o", tmp, file], { encoding: "utf8" });
    if (c.status !== 0) throw new Error(`cc ${src} failed:\n${c.stderr}`);
    renameSync(tmp, bin); // atomic: the two jest projects may build at once
  }
  const r = spawnSync(bin, args, { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 + (r.signal ? (require("node:os").constants.signals[r.signal] as number) : 0) };
}

/** What a run prints as the expected files hold it: stdout, then "status N". */
export const transcript = (r: Run): string => `${r.stdout}status ${r.status}\n`;
