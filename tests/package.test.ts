// `npm pack` produces a package that installs into an empty folder (offline: it has no
// runtime dependencies) and runs the README example there; its browser entry imports no
// Node built-ins.
import { execFileSync, spawnSync } from "node:child_process";
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
    // Only the built files, the guest headers and runtime (guest/), the docs and the README are in the package.
    const files = readdirSync(join(app, "node_modules", "epoll-wasm")).sort();
    expect(files).toEqual(["README.md", "dist", "docs", "guest", "package.json"]);
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/<!-- readme-example[^>]*-->\s*```js\n([\s\S]*?)```\s*Output:\s*```\n([\s\S]*?)```/g)];
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    blocks.forEach((m, i) => {
      writeFileSync(join(app, `example-${i}.mjs`), m[1]);
      const printed = execFileSync(process.execPath, [join(app, `example-${i}.mjs`)], { cwd: app, encoding: "utf8" });
      expect([i, printed]).toEqual([i, m[2]]);
    });
    // A strict TypeScript program of a user, with the plain ES2022 and DOM libs (a browser
    // project; Node projects have @types/node instead), compiles against the installed
    // package's types: they bring what else they need (Symbol.dispose for `using`).
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, lib: ["ES2022", "DOM"], types: [] },
      include: ["user.ts"],
    }));
    writeFileSync(join(app, "user.ts"), [
      'import { createKernel, EPOLLIN, type EpollEvent, type Thread } from "epoll-wasm";',
      "const kernel = await createKernel();",
      "const [rd] = kernel.pipe();",
      "using ep = kernel.epoll();",
      "ep.add(rd, EPOLLIN);",
      "const t: Thread<number> = kernel.spawn(async (ts) => ts.epoll_wait(ep.fd, [] as EpollEvent[], 1, 0));",
      "await kernel.run();",
      "const n: number = await t.join();",
      // The testing toolkit, from its own entry point.
      'import { explore, replay, type Failure, type ExploreContext } from "epoll-wasm/testing";',
      "const report = await explore(async (k, ctx: ExploreContext) => { ctx.produce(1); k.spawn(async () => ctx.consume(1)); }, { strategy: \"pct\", runs: 3 });",
      "const first: Failure | undefined = report.failures[0];",
      "if (first) await replay(async () => {}, first.seed);",
      // A guest program from JS: the module's bytes, the options' types.
      'import type { SpawnOptions } from "epoll-wasm";',
      "const opts: SpawnOptions = { args: [\"prog\"], stdin: \"\", stdout: (b: Uint8Array) => void b };",
      "const status: number = await kernel.spawnProcess(new Uint8Array(8), opts).catch(() => -1);",
      "export { n, status };",
    ].join("\n"));
    const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", app], { cwd: app, encoding: "utf8" });
    expect([tsc.status, tsc.stdout + tsc.stderr]).toEqual([0, ""]);
    // The `epoll-wasm` command of the installed package runs a C program built by `epoll-wasm cc`
    // (the committed fixture of tests/guest/src/pipetest.c), with its argv and exit status.
    const run = spawnSync("npx", ["--offline", "epoll-wasm", "run", join(root, "tests/guest/wasm/pipetest.wasm"), "5", "9"], { cwd: app, encoding: "utf8" });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, "pipes 5 hops 9\nepoll_wait calls 9 events 9\ntoken in pipe 4 value 9\nok\n", ""]);
    const usage = spawnSync("npx", ["--offline", "epoll-wasm", "frobnicate"], { cwd: app, encoding: "utf8" });
    expect([usage.status, usage.stderr.split("\n")[0]]).toEqual([2, "epoll-wasm: unknown command frobnicate"]);
    // The package documents itself: it cites nothing outside it, and its source maps carry
    // their sources (the TypeScript files are not shipped).
    const pkgDir = join(app, "node_modules", "epoll-wasm");
    const shipped: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else shipped.push(join(d, e.name));
      }
    };
    walk(pkgDir);
    for (const f of shipped.filter((x) => /\.(js|d\.ts|md)$/.test(x))) {
      expect([f, /CONTRACT\.md|DESIGN\.md|\.\.\/shared/.test(readFileSync(f, "utf8"))]).toEqual([f, false]);
    }
    const maps = shipped.filter((x) => x.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(10);
    for (const f of maps) {
      const map = JSON.parse(readFileSync(f, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect([f, map.sources.length, (map.sourcesContent ?? []).filter((c) => typeof c === "string" && c.length > 0).length])
        .toEqual([f, map.sources.length, map.sources.length]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120000);

test("the package's runtime code imports no Node built-ins (one entry serves browsers); only the CLI in dist/node does", () => {
  const dist = join(root, "dist");
  const js: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && join(d, e.name) === join(dist, "node")) continue; // `npx epoll-wasm` (bin), never imported by the library
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".js")) js.push(join(d, e.name));
    }
  };
  walk(dist);
  expect(js.length).toBeGreaterThan(10);
  for (const f of js) expect([f, /from\s+["']node:|require\(|["']\.\.?\/(\.\.\/)*node\//.test(readFileSync(f, "utf8"))]).toEqual([f, false]);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  expect(pkg.exports["."]).toMatchObject({ browser: "./dist/index.js", import: "./dist/index.js", types: "./dist/index.d.ts" });
  expect(pkg.exports["./testing"]).toMatchObject({ browser: "./dist/testing/index.js", import: "./dist/testing/index.js", types: "./dist/testing/index.d.ts" });
});
