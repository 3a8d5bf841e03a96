// Who decides a run: which runnable thread goes next at each scheduling point, and whether
// each fault point injects its fault. One policy per strategy:
//   random   — the kernel's own seeded choice (createKernel({ seed }) makes the same one);
//   pct      — probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random
//              thread priorities, the highest-priority runnable thread runs, and at depth - 1
//              random steps the running thread drops below all others. A bug that needs d
//              ordering constraints is found by one run with probability ≥ 1 / (n · k^(d-1))
//              for n threads and k steps;
//   guided   — follows a written schedule (replay, shrinking); where it no longer fits, the
//              running thread goes on (no preemption) and no fault is injected;
//   dfs      — the exhaustive search (exhaustive.ts).
import { Rng, type Thread } from "../kernel/sched.js";
import type { FaultKind } from "../kernel/hooks.js";
import { FAULT_LETTER, type Decision } from "./schedule.js";
import type { Footprint } from "./footprint.js";

/** How often each fault is injected where it is legal (probabilities, 0 = never). */
export interface FaultRates {
  eintr: number;
  enomem: number;
  split: number;
  /** The EINTR fault's signal handler has SA_RESTART (restartable calls start over). */
  restart: boolean;
  /** At most this many faults in one run. */
  max: number;
}

export interface Policy {
  /** The thread to run (`ready` has one or more, in spawn order); `prev` ran the last step. */
  pick(ready: readonly Thread[], prev: Thread | null, lastStep: Footprint | null): Thread;
  /** A fault point: its value (0: no fault), or null when this policy never injects `kind`. */
  fault(kind: FaultKind, n: number): number | null;
  /** Every thread was blocked and the clock jumped. */
  timeAdvanced(): void;
  /** The run is over; `lastStep` was its final step. */
  runEnded(lastStep: Footprint | null): void;
  /** Set when the policy ended the run early (exhaustive search: pruned, or not deterministic). */
  readonly stopped?: Error | null;
}

const U32 = 0x100000000;

/** A fault's value when it fires, drawn from `rng`. */
function faultValue(kind: FaultKind, n: number, rates: FaultRates, rng: Rng): number {
  if (kind === "eintr") return rates.restart ? 2 : 1;
  if (kind === "split") return 1 + (rng.next() % n);
  return 1;
}

/** Faults drawn from their own stream of the run's seed (so scheduling draws stay the kernel's). */
class FaultDraws {
  private readonly rng: Rng;
  private fired = 0;
  constructor(seed: number, private readonly rates: FaultRates) {
    this.rng = new Rng((seed ^ 0x5bd1e995) >>> 0);
  }
  fault(kind: FaultKind, n: number): number | null {
    const p = this.rates[kind];
    if (!(p > 0)) return null;
    if (this.fired >= this.rates.max || !(this.rng.next() / U32 < p)) return 0;
    this.fired++;
    return faultValue(kind, n, this.rates, this.rng);
  }
}

export class RandomPolicy implements Policy {
  private readonly rng: Rng;
  private readonly faults: FaultDraws;
  constructor(seed: number, rates: FaultRates) {
    this.rng = new Rng(seed);
    this.faults = new FaultDraws(seed, rates);
  }
  pick(ready: readonly Thread[]): Thread {
    // The same draw as the kernel's scheduler (src/kernel/sched.ts): a seed means one schedule.
    return ready.length === 1 ? ready[0] : ready[this.rng.next() % ready.length];
  }
  fault(kind: FaultKind, n: number): number | null {
    return this.faults.fault(kind, n);
  }
  timeAdvanced(): void {}
  runEnded(): void {}
}

export class PctPolicy implements Policy {
  private readonly rng: Rng;
  private readonly faults: FaultDraws;
  private readonly prio = new Map<number, number>();
  /** Steps (1-based) at which the running thread's priority drops, in order. */
  private readonly changes: number[] = [];
  private step = 0;

  constructor(seed: number, private readonly depth: number, steps: number, rates: FaultRates) {
    this.rng = new Rng(seed);
    this.faults = new FaultDraws(seed, rates);
    const k = Math.max(1, steps);
    while (this.changes.length < Math.min(depth - 1, k)) {
      const s = 1 + (this.rng.next() % k);
      if (!this.changes.includes(s)) this.changes.push(s);
    }
  }

  pick(ready: readonly Thread[], prev: Thread | null): Thread {
    this.step++;
    // Initial priorities are above every changed one, random among threads; the i-th change
    // point (i = 1 … depth - 1) gives the running thread priority i, as in the paper.
    for (const t of ready) if (!this.prio.has(t.id)) this.prio.set(t.id, this.depth + this.rng.next() / U32);
    const c = this.changes.indexOf(this.step);
    if (c >= 0 && prev) this.prio.set(prev.id, c + 1);
    let best = ready[0];
    for (const t of ready) if (this.prio.get(t.id)! > this.prio.get(best.id)!) best = t;
    return best;
  }
  fault(kind: FaultKind, n: number): number | null {
    return this.faults.fault(kind, n);
  }
  timeAdvanced(): void {}
  runEnded(): void {}
}

export class GuidedPolicy implements Policy {
  private i = 0;
  constructor(private readonly ds: readonly Decision[]) {}

  pick(ready: readonly Thread[], prev: Thread | null): Thread {
    if (ready.length === 1) return ready[0];
    const d = this.ds[this.i];
    if (d && d.k === "t") {
      this.i++;
      const t = ready.find((r) => r.id === d.v);
      if (t) return t;
    }
    return prev && ready.includes(prev) ? prev : ready[0];
  }
  fault(kind: FaultKind, n: number): number | null {
    const d = this.ds[this.i];
    if (!d || d.k !== FAULT_LETTER[kind]) return null;
    this.i++;
    return kind === "split" && d.v > n ? 0 : d.v;
  }
  timeAdvanced(): void {}
  runEnded(): void {}
}
