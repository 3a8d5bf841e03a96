// The benchmark runner's output contract (CONTRACT.md §5), on tiny sizes: one JSON
// document on stdout with results for the model and, where a compiler exists, Linux.
// (Speed itself is never asserted: see npm run bench.)
import { execFileSync } from "node:child_process";
import { join } from "node:path";

test("npm run bench -- --json --quick prints { results: [...] } with the contract's fields", () => {
  const root = join(__dirname, "..");
  const out = execFileSync(process.execPath, ["bench/run.mjs", "--json", "--quick", "--no-save", "--only", "pipetest"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const doc = JSON.parse(out);
  expect(Array.isArray(doc.results)).toBe(true);
  const wasm = doc.results.filter((r: { impl: string }) => r.impl === "wasm");
  expect(wasm.map((r: { name: string; params: { tokens: number } }) => [r.name, r.params.tokens])).toEqual([
    ["pipetest", 1],
    ["pipetest", 16],
    ["pipetest", 256],
  ]);
  for (const r of doc.results) {
    expect(typeof r.name).toBe("string");
    expect(["wasm", "linux", "poll"]).toContain(r.impl);
    expect(typeof r.params).toBe("object");
    if (!r.unavailable) expect(r.ns_per_event).toBeGreaterThan(0);
  }
  const linux = doc.results.filter((r: { impl: string }) => r.impl === "linux");
  expect(linux).toHaveLength(3);
}, 60000);
