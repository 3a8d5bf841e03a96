// epoll-wasm/testing: explore a program's schedules, inject the faults Linux could produce,
// replay a failure from its seed (docs/TESTING.md). No Node built-ins: it runs in browsers.
export { explore, replay, formatFailure, assertNoFailures, type ExploreOptions, type FaultOptions, type Failure, type Report, type Replay } from "./explore.js";
export { LivenessError, type ExploreContext, type Scenario } from "./run.js";
export { formatTrace, type TraceEntry } from "./trace.js";
