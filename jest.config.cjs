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
    // The campaign-shard test drives `npm run fuzz:diff` (always the release core), and the guest
    // fixtures' check runs clang: neither depends on the core, once is enough.
    { ...base, displayName: "debug", setupFiles: ["<rootDir>/tests/setup/debug-core.cjs"], testPathIgnorePatterns: ["/node_modules/", "/tests/diff/shard\\.test\\.ts$", "/tests/guest/fixtures\\.test\\.ts$"] },
    { ...base, displayName: "release", setupFiles: ["<rootDir>/tests/setup/release-core.cjs"] },
    // The same semantics on the 2002 hash index: the differential suite, the conformance ports
    // and the interest-set suites run again with it.
    {
      ...base,
      displayName: "hash",
      setupFiles: ["<rootDir>/tests/setup/hash-index.cjs"],
      testMatch: [
        "**/tests/diff/differential.test.ts", "**/tests/kselftest/*.test.ts", "**/tests/ltp/*.test.ts", "**/tests/ports/*.test.ts",
        "**/tests/{epoll-ctl,nested,triggers,dup-close,ovflist,exclusive,limits,inspect,abi-fuzz,core-abi,index}.test.ts",
      ],
    },
  ],
};
