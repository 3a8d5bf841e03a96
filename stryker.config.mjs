// Mutation testing of the TypeScript host (src/) with StrykerJS: `npm run mutate:src`.
// The tests are the fast release-core subset of jest.mutate.cjs; each mutant runs only the
// tests that cover it (coverageAnalysis "perTest"), and mutants that do not type-check are
// dropped by the TypeScript checker before any test runs. The core (assembly/) is not
// instrumentable by Stryker: scripts/mutate-core.mjs mutates it by hand.
//
// The default scope is the event path and the syscalls (see `mutate` below). Widen it with
//   npm run mutate:src -- --mutate 'src/**/*.ts,!src/core/embedded.ts'
// or MUTATE='src/epoll.ts,src/handles.ts' npm run mutate:src. Reports: reports/mutation/.
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
  // ts-jest only transpiles (isolatedModules), so only the instrumented sources need it.
  disableTypeChecks: "src/**/*.ts",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: fromEnv ?? [
    "src/sys.ts",
    "src/kernel/*.ts",
    "src/files/*.ts",
  ],
  // The sandbox needs the built core (src/core/embedded.ts): `npm run mutate:src` builds first.
  ignorePatterns: ["dist", "bench", "web", "examples", "coverage", "mutation", "reports", "*.tgz"],
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 3000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/src.html" },
  jsonReporter: { fileName: "reports/mutation/src.json" },
  incrementalFile: "reports/stryker-incremental.json",
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
