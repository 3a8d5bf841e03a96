// One run of a scenario: a fresh kernel with the policy plugged in (src/kernel/hooks.ts),
// the scenario, the threads it left to run, then the liveness checks it declared. What the
// run decided is written down (the schedule) with a readable trace.
import { createKernel, type Kernel, type KernelOptions } from "../kernel/kernel.js";
import { Rng, type Thread } from "../kernel/sched.js";
import type { FaultKind, HookThread, KernelHooks } from "../kernel/hooks.js";
import { FAULT_LETTER, type Decision } from "./schedule.js";
import { FootprintRecorder } from "./footprint.js";
import { callText, resultText, type TraceEntry } from "./trace.js";
import { Nondeterminism, Pruned } from "./exhaustive.js";
import type { Policy } from "./policies.js";

/**
 * What a scenario is given besides its kernel: randomness from the run's seed (a scenario's
 * own choices must come from here for a seed to replay it), notes for the trace, and the
 * liveness checks `explore` runs once every thread has stopped.
 */
export interface ExploreContext {
  /** Which run this is (0, 1, …) within explore(); 0 in replay(). */
  readonly run: number;
  /** A number in [0, 1) from the run's seed. */
  random(): number;
  /** An integer in [0, n) from the run's seed. */
  int(n: number): number;
  /** A line in the run's trace. */
  note(text: string): void;
  /** Something was made that some thread must see (e.g. a message written): see consume(). */
  produce(item: string | number): void;
  /**
   * A thread saw it. When the run ends, every produced item must have been consumed exactly
   * once: one never consumed is a lost wakeup, one consumed twice a double delivery.
   */
  consume(item: string | number): void;
  /** A condition that must hold once every thread has stopped (e.g. "every request answered"). */
  eventually(what: string, check: () => boolean): void;
}

/** A scenario: sets up files and threads on the kernel it is given; may assert (throw). */
export type Scenario = (kernel: Kernel, ctx: ExploreContext) => Promise<void> | void;

/** A liveness check that failed: a lost wakeup, a double delivery, an `eventually` that never held. */
export class LivenessError extends Error {
  /** Always "ELIVENESS". */
  readonly code = "ELIVENESS";
  /** Made by explore() with what did not hold. */
  constructor(message: string) {
    super(message);
    this.name = "LivenessError";
  }
}

/** What a run did. */
export interface RunOutcome {
  /** The run was cut short by the exhaustive search's pruning (it adds no new schedule). */
  pruned: boolean;
  failed: boolean;
  error: unknown;
  trace: TraceEntry[];
  decisions: Decision[];
  /** Switches away from a thread that could have gone on. */
  preemptions: number;
  /** The faults injected, as the trace names them. */
  faults: string[];
  /** Scheduling decisions made (pct's k). */
  steps: number;
  /** Threads that ran. */
  threads: number;
  /** The seed the run was made with (ctx.random(), the kernel's). */
  seed: number;
}

export interface RunPlan {
  policy: Policy;
  kernel: KernelOptions;
  /** The kernel's own seed (used where the policy leaves a choice to it: none today) and ctx.random()'s. */
  seed: number;
  run: number;
  footprints: boolean;
  preemptWakeups: boolean;
  /** Scheduling steps after which the run is a livelock failure. */
  maxSteps: number;
}

class Context implements ExploreContext {
  private readonly rng: Rng;
  private readonly produced = new Map<string, number>();
  private readonly consumed = new Map<string, number>();
  private readonly checks: { what: string; check: () => boolean }[] = [];

  constructor(readonly run: number, seed: number, private readonly rec: Recorder) {
    this.rng = new Rng((seed ^ 0x2545f491) >>> 0);
  }
  random(): number {
    return this.rng.next() / 0x100000000;
  }
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`ctx.int: n must be a positive integer (got ${n})`);
    return Math.floor(this.random() * n);
  }
  note(text: string): void {
    this.rec.entry("note", String(text), "");
  }
  produce(item: string | number): void {
    const k = String(item);
    this.produced.set(k, (this.produced.get(k) ?? 0) + 1);
  }
  consume(item: string | number): void {
    const k = String(item);
    this.consumed.set(k, (this.consumed.get(k) ?? 0) + 1);
  }
  eventually(what: string, check: () => boolean): void {
    if (typeof check !== "function") throw new TypeError("ctx.eventually: check must be a function");
    this.checks.push({ what: String(what), check });
  }

  /** Once every thread has stopped: the declared liveness, or a LivenessError. */
  verify(): void {
    for (const [k, n] of this.produced) {
      const c = this.consumed.get(k) ?? 0;
      if (c === 0) throw new LivenessError(`lost wakeup: ${JSON.stringify(k)} was produced${n > 1 ? ` ${n} times` : ""} and never consumed`);
      if (c > n) throw new LivenessError(`double delivery: ${JSON.stringify(k)} was produced ${n === 1 ? "once" : `${n} times`} and consumed ${c} times`);
    }
    for (const [k] of this.consumed) if (!this.produced.has(k)) throw new LivenessError(`${JSON.stringify(k)} was consumed but never produced`);
    for (const { what, check } of this.checks) if (!check()) throw new LivenessError(`eventually: ${what} (it did not hold once every thread had stopped)`);
  }
}

/** The hooks a run plugs into its kernel: the policy decides; everything is written down. */
export class Recorder implements KernelHooks {
  readonly decisions: Decision[] = [];
  readonly trace: TraceEntry[] = [];
  readonly faults: string[] = [];
  preemptions = 0;
  steps = 0;
  readonly ran = new Set<number>();
  private prev: Thread | null = null;
  readonly fp: FootprintRecorder | null;

  /** Set when the run went past maxSteps (the scenario may catch what pick() throws). */
  livelock: LivenessError | null = null;

  constructor(
    private readonly kernel: Kernel,
    private readonly policy: Policy,
    footprints: boolean,
    readonly preemptWakeups: boolean,
    private readonly maxSteps: number,
  ) {
    this.fp = footprints ? new FootprintRecorder() : null;
  }

  entry(kind: TraceEntry["kind"], text: string, result: string, t: HookThread | null = this.kernel.sched.current): void {
    this.trace.push({ timeMs: Number(this.kernel.now()) / 1e6, thread: t ? t.name : "main", kind, text, result });
  }

  pick<T extends HookThread>(ready: readonly T[]): T {
    if (this.steps >= this.maxSteps) {
      this.livelock ??= new LivenessError(`livelock: more than ${this.maxSteps} scheduling steps (a thread that only goes on once another runs spins under a schedule that never lets it; maxSteps raises the bound)`);
      throw this.livelock;
    }
    const last = this.fp ? this.fp.endStep() : null;
    // The kernel's scheduler hands its own threads (kernel/sched.ts's Thread).
    const t = this.policy.pick(ready as unknown as readonly Thread[], this.prev, last) as unknown as T;
    this.steps++;
    this.ran.add(t.id);
    if (ready.length > 1) this.decisions.push({ k: "t", v: t.id });
    const prev = this.prev;
    const thread = t as unknown as Thread;
    if (prev && thread !== prev && (ready as readonly HookThread[]).includes(prev)) {
      this.preemptions++;
      this.entry("switch", `${prev.name} preempted, ${thread.name} runs`, "", thread);
    }
    this.prev = thread;
    this.fp?.beginStep(thread);
    return t;
  }

  timeAdvanced(): void {
    this.entry("time", "every thread waits: the clock jumps to the next timer", "", null);
    this.policy.timeAdvanced();
  }

  fault(kind: FaultKind, t: HookThread | null, what: string, n: number): number {
    const v = this.policy.fault(kind, n);
    if (v === null) return 0;
    this.decisions.push({ k: FAULT_LETTER[kind], v });
    if (v !== 0) {
      const text =
        kind === "eintr" ? `EINTR: a signal (handler ${v === 2 ? "with" : "without"} SA_RESTART) arrives while ${what} sleeps`
        : kind === "enomem" ? `ENOMEM: the slab allocation of ${what} fails (failslab)`
        : v === 1 ? `${what}: the data is still in flight (it arrives after others run)`
        : `${what}: arrives as two segments, ${v - 1} + ${n - v + 1} bytes`;
      this.faults.push(text);
      this.entry("fault", text, "", t);
    }
    return v;
  }

  faultUnused(kind: FaultKind): void {
    // The fault had nothing to act on (the call failed first): the trace and the list say so.
    const last = this.trace[this.trace.length - 1];
    if (last && last.kind === "fault") this.trace[this.trace.length - 1] = { ...last, text: `${last.text} (no effect: the call failed before allocating)` };
    const i = this.faults.length - 1;
    if (i >= 0) this.faults[i] += " (no effect)";
    void kind;
  }

  called(t: HookThread | null, name: string, args: readonly unknown[], result: unknown): void {
    this.entry("call", callText(name, args, result), resultText(result), t);
    this.fp?.callEnded(t);
  }

  /** The run ended: the policy sees the last step. */
  end(): void {
    this.policy.runEnded(this.fp ? this.fp.endStep() : null);
  }
}

/** Run the scenario once under `plan`. */
export async function runOnce(scenario: Scenario, plan: RunPlan): Promise<RunOutcome> {
  const kernel = await createKernel({ ...plan.kernel, seed: plan.seed });
  const rec = new Recorder(kernel, plan.policy, plan.footprints, plan.preemptWakeups, plan.maxSteps);
  kernel.attachHooks(rec);
  const ctx = new Context(plan.run, plan.seed, rec);
  let failed = false;
  let error: unknown = undefined;
  let pruned = false;
  try {
    await scenario(kernel, ctx);
    await kernel.run(); // the threads the scenario did not wait for
    ctx.verify();
  } catch (e) {
    if (e instanceof Nondeterminism) throw e; // not the scenario's failure: explore cannot go on
    if (e instanceof Pruned) pruned = true;
    else {
      failed = true;
      error = e;
    }
  }
  rec.end();
  // What ended the run early decides, whatever the scenario did with the error it saw.
  const stopped = plan.policy.stopped ?? null;
  if (stopped instanceof Nondeterminism) throw stopped;
  if (stopped instanceof Pruned) {
    pruned = true;
    failed = false;
    error = undefined;
  } else if (rec.livelock) {
    failed = true;
    error = rec.livelock;
  }
  return { pruned, failed, error, trace: rec.trace, decisions: rec.decisions, preemptions: rec.preemptions, faults: rec.faults, steps: rec.steps, threads: rec.ran.size, seed: plan.seed };
}
