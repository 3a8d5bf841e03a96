// `npm pack` produces a package that installs into an empty folder (offline: it has no
// runtime dependencies) and runs the README example there; its browser entry imports no
// Node built-ins.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");

test("npm pack → install into an empty folder → the README example runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "epoll-wasm-pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--pack-destination", dir, "--silent"], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
    const tgz = join(dir, out);
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "module", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", tgz], { cwd: app, encoding: "utf8" });
    // Only the built files and the README are in the package.
    const files = readdirSync(join(app, "node_modules", "epoll-wasm")).sort();
    expect(files).toEqual(["README.md", "dist", "package.json"]);
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const m = /<!-- readme-example[^>]*-->\s*```js\n([\s\S]*?)```\s*Output:\s*```\n([\s\S]*?)```/.exec(readme)!;
    writeFileSync(join(app, "example.mjs"), m[1]);
    const printed = execFileSync(process.execPath, [join(app, "example.mjs")], { cwd: app, encoding: "utf8" });
    expect(printed).toBe(m[2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120000);

test("the package's runtime code imports no Node built-ins (one entry serves browsers)", () => {
  const dist = join(root, "dist");
  const js: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".js")) js.push(join(d, e.name));
    }
  };
  walk(dist);
  expect(js.length).toBeGreaterThan(10);
  for (const f of js) expect([f, /from\s+["']node:|require\(/.test(readFileSync(f, "utf8"))]).toEqual([f, false]);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  expect(pkg.exports["."]).toMatchObject({ browser: "./dist/index.js", import: "./dist/index.js", types: "./dist/index.d.ts" });
});
