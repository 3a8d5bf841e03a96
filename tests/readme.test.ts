// The README's usage example really runs: its code block is executed with Node against
// the built package (self-referenced as "epoll-wasm") and must print the README's output.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The README blocks run in child Node processes.
jest.setTimeout(60_000);

const root = join(__dirname, "..");

test("every README example prints what the README says", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/<!-- readme-example[^>]*-->\s*```js\n([\s\S]*?)```\s*Output:\s*```\n([\s\S]*?)```/g)];
  expect(blocks.length).toBe(2); // Usage, and the idiomatic API woken by a setTimeout
  mkdirSync(join(root, "build"), { recursive: true });
  blocks.forEach(([, code, expected], i) => {
    expect(code.trim().split("\n").length).toBeLessThanOrEqual(15);
    const file = join(root, "build", `readme-example-${i}.mjs`);
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, EPOLL_WASM_CORE: process.env.EPOLL_WASM_CORE },
    });
    expect([i, out]).toEqual([i, expected]);
  });
});
