// explore() and replay(): the testing toolkit's entry points (docs/TESTING.md).
import type { KernelOptions } from "../kernel/kernel.js";
import { checkOptions as checkKernelOptions } from "../kernel/process.js";
import { GuidedPolicy, PctPolicy, RandomPolicy, type FaultRates, type Policy } from "./policies.js";
import { DfsPolicy } from "./exhaustive.js";
import { decodeSchedule, encodeSchedule, type Decision } from "./schedule.js";
import { formatTrace, type TraceEntry } from "./trace.js";
import { runOnce, type RunOutcome, type Scenario } from "./run.js";

/** Which faults to inject, each where Linux could produce it (docs/TESTING.md, Faults). */
export interface FaultOptions {
  /** Chance that a signal interrupts each interruptible sleep (EINTR, or a short count). */
  eintr?: number;
  /** Chance that each epoll_ctl ADD and epoll_create fails with ENOMEM (failslab). */
  enomem?: number;
  /** Chance that each TCP send arrives in two segments (short reads; EAGAIN while in flight). */
  split?: number;
  /** The interrupting signal's handler has SA_RESTART (default false). */
  restart?: boolean;
  /** At most this many faults in one run (default: no limit; exhaustive: 2, so that the search ends). */
  max?: number;
}

/** The options of explore() and replay() (docs/TESTING.md). */
export interface ExploreOptions {
  /** Runs (random, pct) or the most schedules to try (exhaustive). Default 100 (exhaustive 10,000). */
  runs?: number;
  /** First run's seed (run i has seed + i). Default 1. */
  seed?: number;
  /** Default "random". */
  strategy?: "random" | "pct" | "exhaustive";
  /** pct: the bug depth it aims at (ordering constraints). Default 3. */
  depth?: number;
  /** pct: the scenario's length in scheduling steps (default: measured by one run without preemption). */
  steps?: number;
  /** Faults to inject: true for every kind at its default chance (eintr 0.1, enomem 0.1, split 0.2). */
  faults?: FaultOptions | boolean;
  /** Options of each run's kernel (its seed is the run's; the clock must be virtual). */
  kernel?: KernelOptions;
  /** Stop after this many failing runs. Default 1. */
  maxFailures?: number;
  /** Shrink failures (fewer preemptions, fewer faults) before reporting them. Default true. */
  shrink?: boolean;
  /** exhaustive: prune schedules that only reorder commuting steps. Default true. */
  prune?: boolean;
  /** exhaustive: at most this many preemptions per schedule. Default unbounded. */
  maxPreemptions?: number;
  /** A scheduling point after each call that woke a thread, before it returns. Default false. */
  preemptWakeups?: boolean;
  /** Scheduling steps after which a run fails as a livelock. Default 10,000. */
  maxSteps?: number;
}

/** A failing run, as reported. */
export interface Failure {
  /** Give it to replay(scenario, seed, options): the run seed (a number) or, for a shrunk or exhaustive run, its schedule. */
  readonly seed: number | string;
  /** The strategy that found it. */
  readonly strategy: "random" | "pct" | "exhaustive";
  /** What the scenario threw, the run rejected with (a DeadlockError, a ThreadFailure), or a LivenessError. */
  readonly error: unknown;
  /** What happened, call by call. */
  readonly trace: TraceEntry[];
  /** The run's schedule (always a string): replay(scenario, schedule) follows it exactly. */
  readonly schedule: string;
  /** Switches away from a thread that could have gone on. */
  readonly preemptions: number;
  /** The faults injected, in order. */
  readonly faults: string[];
  /** A line of code that replays it. */
  readonly replay: string;
  /** The seed of the run before shrinking (random, pct). */
  readonly runSeed?: number;
}

/** What explore() found. */
export interface Report {
  /** Runs made (exhaustive: including runs cut short by pruning). */
  runs: number;
  /** The failing runs (at most maxFailures), shrunk. */
  failures: Failure[];
  /** The strategy used. */
  strategy: "random" | "pct" | "exhaustive";
  /** exhaustive: distinct schedules run to the end. */
  schedules?: number;
  /** exhaustive: whether every schedule (within maxPreemptions) was covered. */
  complete?: boolean;
  /** pct: its parameters and the chance one run finds a bug of that depth, at least. */
  pct?: { depth: number; steps: number; threads: number; bound: number };
}

/** What replay() returns: the run, as a failure's fields describe it. */
export interface Replay {
  /** Whether the run failed. */
  failed: boolean;
  /** What it failed with (undefined if it did not). */
  error: unknown;
  /** What happened, call by call. */
  trace: TraceEntry[];
  /** The run's schedule string. */
  schedule: string;
  /** Switches away from a thread that could have gone on. */
  preemptions: number;
  /** The faults injected, in order. */
  faults: string[];
}

interface Resolved {
  runs: number;
  seed: number;
  strategy: "random" | "pct" | "exhaustive";
  depth: number;
  steps: number | undefined;
  rates: FaultRates | null;
  kernel: KernelOptions;
  maxFailures: number;
  shrink: boolean;
  prune: boolean;
  maxPreemptions: number;
  preemptWakeups: boolean;
  maxSteps: number;
}

const KNOWN = ["runs", "seed", "strategy", "depth", "steps", "faults", "kernel", "maxFailures", "shrink", "prune", "maxPreemptions", "preemptWakeups", "maxSteps"];
const DEFAULT_RATES: FaultRates = { eintr: 0.1, enomem: 0.1, split: 0.2, restart: false, max: Infinity };
/** exhaustive's default bound on faults per schedule: each fault point doubles the tree, and a retried call makes new points. */
const EXHAUSTIVE_MAX_FAULTS = 2;

function resolve(o: ExploreOptions | undefined, who: string): Resolved {
  const bad = (what: string): never => {
    throw new TypeError(`${who}: invalid option ${what}`);
  };
  if (o === undefined) o = {};
  if (o === null || typeof o !== "object") bad("object (options must be an object)");
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) bad(`${k} (unknown; known: ${KNOWN.join(", ")})`);
  const strategy = o.strategy ?? "random";
  if (strategy !== "random" && strategy !== "pct" && strategy !== "exhaustive") bad(`strategy (${String(strategy)}; one of random, pct, exhaustive)`);
  const int = (name: keyof ExploreOptions, min: number, dflt: number): number => {
    const v = o![name];
    if (v === undefined) return dflt;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) bad(`${name} (${String(v)}; an integer >= ${min})`);
    return v as number;
  };
  const bool = (name: keyof ExploreOptions, dflt: boolean): boolean => {
    const v = o![name];
    if (v === undefined) return dflt;
    if (typeof v !== "boolean") bad(`${name} (${String(v)}; a boolean)`);
    return v as boolean;
  };
  const seed = o.seed === undefined ? 1 : o.seed;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) bad(`seed (${String(seed)}; a safe integer)`);
  const maxPre = o.maxPreemptions === undefined ? Infinity : int("maxPreemptions", 0, 0);
  const kernel = o.kernel ?? {};
  try {
    checkKernelOptions(kernel);
  } catch (e) {
    bad(`kernel (${(e as Error).message})`);
  }
  if (kernel.clock === "real") bad("kernel.clock (explore needs the virtual clock: real time would make runs unrepeatable)");
  return {
    runs: int("runs", 1, strategy === "exhaustive" ? 10000 : 100),
    seed: seed as number,
    strategy,
    depth: int("depth", 1, 3),
    steps: o.steps === undefined ? undefined : int("steps", 1, 1),
    rates: resolveFaults(o.faults, bad, strategy === "exhaustive" ? EXHAUSTIVE_MAX_FAULTS : Infinity),
    kernel: { ...kernel },
    maxFailures: int("maxFailures", 1, 1),
    shrink: bool("shrink", true),
    prune: bool("prune", true),
    maxPreemptions: maxPre,
    preemptWakeups: bool("preemptWakeups", false),
    maxSteps: int("maxSteps", 1, 10_000),
  };
}

function resolveFaults(f: ExploreOptions["faults"], bad: (w: string) => never, max: number): FaultRates | null {
  if (f === undefined || f === false) return null;
  if (f === true) return { ...DEFAULT_RATES, max };
  if (f === null || typeof f !== "object") bad("faults (true, false or { eintr, enomem, split, restart, max })");
  const out: FaultRates = { eintr: 0, enomem: 0, split: 0, restart: false, max };
  for (const [k, v] of Object.entries(f)) {
    if (k === "max") {
      if (typeof v !== "number" || !(Number.isSafeInteger(v) && v >= 0)) bad(`faults.max (${String(v)}; an integer >= 0)`);
      out.max = v as number;
    } else if (k === "restart") {
      if (typeof v !== "boolean") bad("faults.restart (a boolean)");
      out.restart = v as boolean;
    } else if (k === "eintr" || k === "enomem" || k === "split") {
      if (typeof v !== "number" || !(v >= 0 && v <= 1)) bad(`faults.${k} (${String(v)}; a chance from 0 to 1)`);
      out[k] = v as number;
    } else bad(`faults.${k} (unknown; known: eintr, enomem, split, restart, max)`);
  }
  return out.eintr || out.enomem || out.split ? out : null;
}

function checkScenario(s: unknown, who: string): asserts s is Scenario {
  if (typeof s !== "function") throw new TypeError(`${who}: scenario must be a function (kernel, ctx) => Promise<void>`);
}

const NO_FAULTS: FaultRates = { eintr: 0, enomem: 0, split: 0, restart: false, max: 0 };

/** Runs `scenario` under many schedules (and faults); a report of what failed, each failure replayable. */
export async function explore(scenario: Scenario, options?: ExploreOptions): Promise<Report> {
  checkScenario(scenario, "explore");
  const o = resolve(options, "explore");
  if (o.strategy === "exhaustive") return exhaustive(scenario, o);
  const report: Report = { runs: 0, failures: [], strategy: o.strategy };
  let steps = 0;
  if (o.strategy === "pct") {
    const plain = await runWith(scenario, o, new GuidedPolicy([]), o.seed, 0);
    steps = o.steps ?? Math.max(1, plain.steps);
    const threads = Math.max(1, plain.threads);
    report.pct = { depth: o.depth, steps, threads, bound: 1 / (threads * Math.pow(steps, o.depth - 1)) };
  }
  for (let i = 0; i < o.runs; i++) {
    const seed = o.seed + i;
    const out = await runWith(scenario, o, policyFor(o, seed, steps), seed, i);
    report.runs++;
    if (!out.failed) continue;
    report.failures.push(await failure(scenario, o, out, seed, steps));
    if (report.failures.length >= o.maxFailures) break;
  }
  return report;
}

function policyFor(o: Resolved, seed: number, steps: number): Policy {
  const rates = o.rates ?? NO_FAULTS;
  return o.strategy === "pct" ? new PctPolicy(seed, o.depth, steps, rates) : new RandomPolicy(seed, rates);
}

function runWith(scenario: Scenario, o: Resolved, policy: Policy, seed: number, run: number, footprints = false): Promise<RunOutcome> {
  return runOnce(scenario, { policy, kernel: o.kernel, seed, run, footprints, preemptWakeups: o.preemptWakeups, maxSteps: o.maxSteps });
}

/** pct's k: the scheduling steps of one run at the base seed without preemption or faults (deterministic for a scenario). */
async function measureSteps(scenario: Scenario, o: Resolved): Promise<number> {
  const out = await runWith(scenario, o, new GuidedPolicy([]), o.seed, 0);
  return Math.max(1, out.steps);
}

async function exhaustive(scenario: Scenario, o: Resolved): Promise<Report> {
  const dfs = new DfsPolicy(o.rates, o.prune, o.maxPreemptions);
  const report: Report = { runs: 0, failures: [], strategy: "exhaustive", schedules: 0, complete: false };
  for (;;) {
    if (report.runs >= o.runs) return report;
    dfs.beginRun();
    const out = await runWith(scenario, o, dfs, o.seed, report.runs, o.prune && !o.rates);
    report.runs++;
    if (!out.pruned) report.schedules!++;
    if (out.failed) {
      report.failures.push(await failure(scenario, o, out, null, 0));
      if (report.failures.length >= o.maxFailures) return report;
    }
    if (!dfs.advance()) {
      report.complete = true;
      return report;
    }
  }
}

/** A failing run as reported: shrunk first (if asked), with its replay line. */
async function failure(scenario: Scenario, o: Resolved, out: RunOutcome, runSeed: number | null, steps: number): Promise<Failure> {
  let best = out;
  if (o.shrink) best = await shrink(scenario, o, out);
  const schedule = encodeSchedule(best.seed, best.decisions);
  const seed = best === out && runSeed !== null ? runSeed : schedule;
  return {
    seed,
    strategy: o.strategy,
    error: best.error,
    trace: best.trace,
    schedule,
    preemptions: best.preemptions,
    faults: best.faults,
    replay: replayLine(seed, o, steps),
    ...(runSeed !== null ? { runSeed } : {}),
  };
}

function replayLine(seed: number | string, o: Resolved, steps: number): string {
  const opts: Record<string, unknown> = {};
  if (typeof seed === "number") {
    opts.strategy = o.strategy;
    if (o.strategy === "pct") Object.assign(opts, { depth: o.depth, steps });
    if (o.rates) {
      const { max, ...rest } = o.rates;
      opts.faults = Number.isFinite(max) ? { ...rest, max } : rest;
    }
  }
  if (Object.keys(o.kernel).length) opts.kernel = o.kernel;
  if (o.preemptWakeups) opts.preemptWakeups = true;
  if (o.maxSteps !== 10_000) opts.maxSteps = o.maxSteps;
  const rest = Object.keys(opts).length ? `, ${JSON.stringify(opts)}` : "";
  return `await replay(scenario, ${JSON.stringify(seed)}${rest})`;
}

/** Score of a failing run: fewer faults and preemptions first, then a shorter schedule. */
function cost(r: RunOutcome): [number, number] {
  return [r.faults.length + r.preemptions, r.decisions.length];
}
function better(a: RunOutcome, b: RunOutcome): boolean {
  const [x, y] = [cost(a), cost(b)];
  return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
}

/** Whether two errors are the same kind of failure (a shrunk run must fail as the original did). */
function sameKind(a: unknown, b: unknown): boolean {
  const kind = (e: unknown) => (e instanceof Error ? `${e.name}/${(e as { code?: unknown }).code ?? ""}` : typeof e);
  return kind(a) === kind(b);
}

/** At most this many runs are spent shrinking one failure. */
const SHRINK_BUDGET = 200;

/**
 * Shrinking: try the failing schedule with one fault taken out, with one preemption taken out
 * (the running thread goes on instead), or cut short (the rest run without preemption); keep
 * any change that still fails and costs less, until none does.
 */
async function shrink(scenario: Scenario, o: Resolved, failing: RunOutcome): Promise<RunOutcome> {
  let best = failing;
  let budget = SHRINK_BUDGET;
  const tryRun = async (ds: Decision[]): Promise<boolean> => {
    if (budget-- <= 0) return false;
    const out = await runWith(scenario, o, new GuidedPolicy(ds), failing.seed, 0);
    if (out.failed && sameKind(out.error, failing.error) && better(out, best)) {
      best = out;
      return true;
    }
    return false;
  };
  for (let progress = true; progress && budget > 0; ) {
    progress = false;
    const ds = best.decisions;
    // Cut the tail: the rest of the run without preemptions or faults.
    for (let len = ds.length >> 1; len < ds.length && !progress; len += Math.max(1, (ds.length - len) >> 1)) {
      progress = await tryRun(ds.slice(0, len));
    }
    // One fault fewer.
    for (let i = 0; i < ds.length && !progress; i++) {
      if (ds[i].k !== "t" && ds[i].v !== 0) progress = await tryRun(ds.map((d, j) => (j === i ? { k: d.k, v: 0 } : d)));
    }
    // One preemption fewer: the thread that ran before goes on.
    const prevs = preemptionPoints(best);
    for (const [i, prev] of prevs) {
      if (progress) break;
      progress = await tryRun(ds.map((d, j) => (j === i ? { k: "t", v: prev } : d)));
    }
  }
  return best;
}

/** Indices of the scheduling decisions that preempted, with the thread preempted. */
function preemptionPoints(r: RunOutcome): [number, number][] {
  const out: [number, number][] = [];
  let prev = 0;
  for (let i = 0; i < r.decisions.length; i++) {
    const d = r.decisions[i];
    if (d.k !== "t") continue;
    if (prev && d.v !== prev) out.push([i, prev]);
    prev = d.v;
  }
  return out;
}

/**
 * Runs one schedule again: `seed` is a failure's seed — a run seed (with the options it
 * was explored with: strategy, depth, steps, faults, kernel) or a schedule string.
 * Same scenario, same seed, same options: the same trace.
 */
export async function replay(scenario: Scenario, seed: number | string, options?: ExploreOptions): Promise<Replay> {
  checkScenario(scenario, "replay");
  const o = resolve(options, "replay");
  let out: RunOutcome;
  if (typeof seed === "string") {
    const s = decodeSchedule(seed);
    out = await runWith(scenario, o, new GuidedPolicy(s.decisions), s.seed, 0);
  } else {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new TypeError(`replay: seed must be a safe integer or a schedule string (got ${String(seed)})`);
    if (o.strategy === "exhaustive") throw new TypeError("replay: an exhaustive failure's seed is its schedule string");
    const steps = o.strategy === "pct" ? o.steps ?? (await measureSteps(scenario, o)) : 0;
    out = await runWith(scenario, o, policyFor(o, seed, steps), seed, 0);
  }
  return { failed: out.failed, error: out.error, trace: out.trace, schedule: encodeSchedule(out.seed, out.decisions), preemptions: out.preemptions, faults: out.faults };
}

/** A failure as text: the error, the faults, the trace and the line that replays it. */
export function formatFailure(f: Failure): string {
  const err = f.error instanceof Error ? `${f.error.name}: ${f.error.message}` : String(f.error);
  const faults = f.faults.length ? `\nfaults: ${f.faults.join("; ")}` : "";
  return `${err}\nstrategy ${f.strategy}, ${f.preemptions} preemption(s)${faults}\n${formatTrace(f.trace)}\nreplay: ${f.replay}`;
}

/** Throws an Error describing the first failure (formatFailure) if the report has any. */
export function assertNoFailures(report: Report): void {
  if (!report || !Array.isArray(report.failures)) throw new TypeError("assertNoFailures: expected a Report from explore()");
  if (report.failures.length === 0) return;
  const f = report.failures[0];
  const e = new Error(`explore found ${report.failures.length} failing schedule(s) in ${report.runs} run(s); the first:\n${formatFailure(f)}`);
  (e as { cause?: unknown }).cause = f.error;
  throw e;
}
