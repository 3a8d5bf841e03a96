// The committed wasm fixtures of tests/guest/wasm are built from the current sources: the
// hashes of each program, the guest headers and runtime and the compiler driver match the
// manifest, and with clang (the same version and binaryen as recorded) a rebuild gives the
// same bytes (scripts/build-guest.mjs --check). It does not depend on the core, so it runs in
// one jest project (jest.config.cjs).
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

test("the committed wasm fixtures are built from the current sources (rebuilt byte for byte when clang is here)", () => {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/build-guest.mjs"), "--check"], { cwd: ROOT, encoding: "utf8" });
  expect([r.status, r.status === 0 ? "" : r.stderr]).toEqual([0, ""]);
  expect(r.stdout).toMatch(/fixtures up to date/);
}, 300000);
