#!/usr/bin/env node
// npx epoll-wasm cc [clang args] file.c -o prog.wasm
// npx epoll-wasm run [--seed N] [--clock virtual|real] prog.wasm [args…]
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { createKernel } from "../kernel/kernel.js";
import { DeadlockError } from "../kernel/sched.js";
import { cc, CcError } from "./cc.js";

const USAGE = `usage:
  epoll-wasm cc [clang arguments] file.c … -o prog.wasm
      compile and link a C program for the model (clang --target=wasm32-wasi with
      epoll-wasm's headers and runtime, then the Asyncify pass)
  epoll-wasm run [--seed N] [--clock virtual|real] prog.wasm [arguments…]
      run it on a fresh kernel; stdin, stdout and stderr are this process's, and the exit
      status is the program's (128 + the signal that ended it)
`;

async function runCommand(argv: string[]): Promise<number> {
  let seed = 1;
  let clock: "virtual" | "real" = "virtual";
  let i = 0;
  for (; i < argv.length && argv[i].startsWith("--"); i++) {
    const [k, v0] = argv[i].split("=", 2);
    const v = v0 ?? argv[++i];
    if (k === "--seed" && v !== undefined && /^-?\d+$/.test(v)) seed = Number(v);
    else if (k === "--clock" && (v === "virtual" || v === "real")) clock = v;
    else return usage(`bad option ${argv[i]}`);
  }
  const file = argv[i];
  if (!file) return usage("run: no program given");
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    process.stderr.write(`epoll-wasm run: ${(e as Error).message}\n`);
    return 127;
  }
  // A reader that went away (| head): end quietly, as a program killed by SIGPIPE would.
  for (const s of [process.stdout, process.stderr]) s.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 141 : 74));
  const stdin = process.stdin.isTTY ? new Uint8Array(0) : readFileSync(0);
  const kernel = await createKernel({ seed, clock });
  try {
    return await kernel.spawnProcess(bytes, {
      args: [basename(file), ...argv.slice(i + 1)],
      env: [],
      stdin,
      tty: process.stdout.isTTY === true,
      stdout: (b) => process.stdout.write(b),
      stderr: (b) => process.stderr.write(b),
    });
  } catch (e) {
    if (e instanceof DeadlockError) {
      process.stderr.write(`epoll-wasm run: deadlock: ${e.message}\n`);
      return 124;
    }
    process.stderr.write(`epoll-wasm run: ${(e as Error).message}\n`);
    return 125;
  }
}

function usage(msg?: string): number {
  if (msg) process.stderr.write(`epoll-wasm: ${msg}\n\n`);
  process.stderr.write(USAGE);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "cc") {
    try {
      cc(rest);
      return 0;
    } catch (e) {
      if (e instanceof CcError) {
        process.stderr.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  if (cmd === "run") return runCommand(rest);
  if (cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  return usage(cmd ? `unknown command ${cmd}` : undefined);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`epoll-wasm: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 70;
  }
);
