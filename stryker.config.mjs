// Mutation testing of the TypeScript host (src/) with StrykerJS: `npm run mutate:src`.
// The tests are the fast release-core subset of jest.mutate.cjs; each mutant runs only the
// tests that cover it (coverageAnalysis "perTest"), and mutants that do not type-check are
// dropped by the TypeScript checker before any test runs. The core (assembly/) is not
// instrumentable by Stryker: scripts/mutate-core.mjs mutates it by hand.
//
// Scope. All of src/ is ~3,500 mutants, several hours on a 2-core machine, so the default is
// the syscall layer, src/sys.ts and src/syscalls/ (src/sys.ts alone was ~1,000 mutants,
// 92 min measured here with other jobs running; most of it spent in timeouts, see
// mutation/src-latest.md). Widen or move it with
//   npm run mutate:src -- --mutate 'src/kernel/*.ts'
//   MUTATE='src/files/*.ts,src/core/transfer.ts' npm run mutate:src
//   MUTATE='src/**/*.ts,!src/core/embedded.ts' npm run mutate:src      (everything)
// Line ranges work too: MUTATE='src/sys.ts:300-400'.
//
// Incremental: results are kept in reports/stryker-incremental.json, and a later run tests
// again only the mutants whose code or covering tests changed (`-- --force` tests all).
// Reports: reports/mutation/src.html and src.json (git-ignored).
const fromEnv = process.env.MUTATE?.split(",").map((s) => s.trim()).filter(Boolean);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "jest",
  jest: {
    projectType: "custom",
    configFile: "jest.mutate.cjs",
    enableFindRelatedTests: true,
  },
  coverageAnalysis: "perTest",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // ts-jest only transpiles (isolatedModules), so only the instrumented sources need it.
  disableTypeChecks: "src/**/*.ts",
  mutate: fromEnv ?? ["src/sys.ts", "src/syscalls/*.ts"],
  // The sandbox needs the built core (src/core/embedded.ts): `npm run mutate:src` builds first.
  ignorePatterns: ["dist", "bench", "web", "examples", "coverage", "mutation", "reports", "docs", "*.tgz"],
  // 2 = one checker process, then two test runners once type checking is done.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  // A mutant's run is cut at 1.5 x the dry-run time of its covering tests + 3 s (a hang).
  timeoutMS: 3000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/src.html" },
  jsonReporter: { fileName: "reports/mutation/src.json" },
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  // Reporting only: no score fails the run (the scope changes what a score means).
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
