// The fast subset of the suite that mutation testing runs (StrykerJS over src/ with
// stryker.config.mjs, and scripts/mutate-core.mjs over assembly/): the release core only,
// without the tests that check packaging, docs, browsers or workers rather than behaviour,
// and with the randomized campaigns scaled down (the fixed seeds still run; more seeds are
// what `npm test` is for). Run it by hand with `npx jest -c jest.mutate.cjs`.
const { projects } = require("./jest.config.cjs");

const release = projects.find((p) => p.displayName === "release");
if (!release) throw new Error("jest.config.cjs has no release project");

// Smaller campaigns. Set here, in the process that loads this config: jest's workers (and
// Stryker's jest runner) inherit the environment. A value already set wins.
const scaled = {
  DIFF_FORCE_CORPUS: "1", // replay the recorded Linux corpus: no cc, deterministic
  SCENARIO_SEEDS: "20", // threads-scenarios, seeds 1..20 of each scenario
  TOTALMESS_STEPS: "200",
};
for (const [k, v] of Object.entries(scaled)) if (process.env[k] === undefined) process.env[k] = v;

module.exports = {
  ...release,
  displayName: "mutate (release core)",
  rootDir: __dirname,
  // src/ as a root too: jest --findRelatedTests (Stryker's per-file test selection) follows
  // imports only through files it has crawled.
  roots: ["<rootDir>/tests", "<rootDir>/src"],
  testPathIgnorePatterns: [
    "/node_modules/",
    // not the model's behaviour: packaging, docs, browsers, benchmarks, examples
    "/tests/browser\\.test\\.ts$",
    "/tests/package\\.test\\.ts$",
    "/tests/bench\\.test\\.ts$",
    "/tests/examples\\.test\\.ts$",
    "/tests/docs\\.test\\.ts$",
    "/tests/readme\\.test\\.ts$",
    "/tests/embedding\\.test\\.ts$", // child Node processes on the real clock
    "/tests/diff/shard\\.test\\.ts$", // drives the fuzz:diff campaign script
    // long campaigns, worker threads, GC counting
    "/tests/soak\\.test\\.ts$",
    "/tests/isolation\\.test\\.ts$",
    "/tests/abi-fuzz\\.test\\.ts$",
    "/tests/alloc\\.test\\.ts$",
  ],
};
