// npm run fuzz:diff -- --runs N --seed S [--max-ops M]: compiles the differential harness
// (tests/diff, CommonJS) into build/campaign and runs the campaign.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Compile only when a source is newer than the compiled campaign.
const outJs = join(root, "build", "campaign", "tests", "diff", "campaign.js");
const newest = (dir) => readdirSync(dir, { recursive: true })
  .filter((f) => String(f).endsWith(".ts"))
  .reduce((m, f) => Math.max(m, statSync(join(dir, String(f))).mtimeMs), 0);
const stale = !existsSync(outJs) ||
  Math.max(newest(join(root, "src")), newest(join(root, "tests", "diff")), statSync(join(root, "tests", "env.ts")).mtimeMs) > statSync(outJs).mtimeMs;
if (stale) execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tests/diff/tsconfig.campaign.json"], { cwd: root, stdio: "inherit" });
mkdirSync(join(root, "build", "campaign"), { recursive: true });
writeFileSync(join(root, "build", "campaign", "package.json"), '{ "type": "commonjs" }\n');
const r = spawnSync(process.execPath, [join(root, "build", "campaign", "tests", "diff", "campaign.js"), ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
