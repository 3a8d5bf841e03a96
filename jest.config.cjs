// Every test runs twice: against the debug core (assertions, invariant walks) and the
// optimized release core. ts-jest compiles tests and sources to CommonJS for jest.
const base = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tests/tsconfig.json" }],
  },
};
module.exports = {
  projects: [
    { ...base, displayName: "debug", setupFiles: ["<rootDir>/tests/setup/debug-core.cjs"] },
    { ...base, displayName: "release", setupFiles: ["<rootDir>/tests/setup/release-core.cjs"] },
  ],
};
