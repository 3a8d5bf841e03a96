// The exhaustive strategy: a depth-first walk of every schedule of a small scenario, one run
// per schedule (each run starts from a fresh kernel and replays the path to its branch
// point, as stateless model checkers do), pruned with sleep sets (Godefroid, 1996): after
// the subtree where thread t runs first from a state has been explored, a sibling subtree
// where u runs first need not run t next while t's step commutes with everything run since
// (footprint.ts says when steps commute). Optionally preemption-bounded (at most
// `maxPreemptions` switches away from a thread that could have gone on, as CHESS bounds).
import type { Thread } from "../kernel/sched.js";
import type { FaultKind } from "../kernel/hooks.js";
import { FAULT_LETTER, type Decision } from "./schedule.js";
import { independent, type Footprint } from "./footprint.js";
import type { FaultRates, Policy } from "./policies.js";

interface Node {
  readonly k: Decision["k"];
  /** Thread ids, or fault values (0 first). */
  readonly options: number[];
  chosen: number;
  readonly done: Set<number>;
  /** The thread that ran the step before (a choice of another, while it could go on, is a preemption). */
  readonly prev: number;
  /** Preemptions on the path before this node. */
  readonly preBefore: number;
  /** Faults injected on the path before this node. */
  readonly faultsBefore: number;
  /** Threads not to run first from here, with the footprint of their step (sleep set). */
  readonly sleep: Map<number, Footprint>;
  /** The footprint of each option's step from here, once run. */
  readonly fps: Map<number, Footprint>;
}

/** Thrown from the scheduler when every runnable thread is asleep: the run adds nothing new. */
export class Pruned extends Error {
  constructor() {
    super("epoll-wasm/testing: schedule pruned (every runnable thread's next step commutes with one already explored)");
    this.name = "Pruned";
  }
}

/** The scenario took a different path when replayed: exhaustive search needs determinism. */
export class Nondeterminism extends Error {
  constructor(what: string) {
    super(`explore (exhaustive): the scenario is not deterministic: replaying a schedule ${what}. Take randomness from ctx.random() and time from the kernel.`);
    this.name = "Nondeterminism";
  }
}

export class DfsPolicy implements Policy {
  /** What ended this run early (set before it is thrown, whatever the scenario does with it). */
  stopped: Pruned | Nondeterminism | null = null;
  private readonly stack: Node[] = [];
  /** Position in the stack during a run. */
  private i = 0;
  /** The stack index of the last scheduling node of this run (-1: none yet). */
  private lastT = -1;
  private timeJumped = false;
  private preemptions = 0;
  private faults = 0;

  constructor(
    private readonly rates: FaultRates | null,
    private readonly prune: boolean,
    private readonly maxPreemptions: number,
  ) {}

  /** Before each run. */
  beginRun(): void {
    this.stopped = null;
    this.i = 0;
    this.lastT = -1;
    this.timeJumped = false;
    this.preemptions = 0;
    this.faults = 0;
  }

  pick(ready: readonly Thread[], prev: Thread | null, lastStep: Footprint | null): Thread {
    if (this.stopped) throw this.stopped; // the scenario caught it and ran on: the run is over all the same
    this.recordStep(lastStep);
    const opts = ready.map((t) => t.id);
    const prevId = prev && opts.includes(prev.id) ? prev.id : 0;
    let node = this.stack[this.i];
    if (node) {
      if (node.k !== "t" || node.options.join() !== opts.join()) throw this.stop(new Nondeterminism(`found threads [${opts}] where it had found ${node.k === "t" ? `threads [${node.options}]` : "a fault point"}`));
    } else {
      const sleep = this.inheritedSleep();
      node = { k: "t", options: opts, chosen: 0, done: new Set(), prev: prevId, preBefore: this.preemptions, faultsBefore: this.faults, sleep, fps: new Map() };
      const first = opts.find((o) => !sleep.has(o) && this.allowed(node!, o));
      if (first === undefined) throw this.stop(new Pruned());
      node.chosen = first;
      this.stack.push(node);
    }
    if (node.prev && node.chosen !== node.prev) this.preemptions++;
    this.lastT = this.i++;
    this.timeJumped = false;
    return ready.find((t) => t.id === node!.chosen)!;
  }

  fault(kind: FaultKind, n: number): number | null {
    if (this.stopped) return 0;
    if (!this.rates || !(this.rates[kind] > 0)) return null;
    const k = FAULT_LETTER[kind];
    let node = this.stack[this.i];
    if (node) {
      if (node.k !== k) throw this.stop(new Nondeterminism(`found a ${kind} fault point where it had found ${node.k === "t" ? "a scheduling point" : "another fault point"}`));
    } else {
      // The values a fault can take here: none, and each kind's cases (a split: the data
      // still in flight, or cut in half).
      const options = kind === "eintr" ? [0, this.rates.restart ? 2 : 1] : kind === "split" ? [...new Set([0, 1, 1 + (n >> 1)])] : [0, 1];
      node = { k, options, chosen: 0, done: new Set(), prev: 0, preBefore: this.preemptions, faultsBefore: this.faults, sleep: new Map(), fps: new Map() };
      this.stack.push(node);
    }
    this.i++;
    if (node.chosen !== 0) this.faults++;
    return node.chosen;
  }

  timeAdvanced(): void {
    this.timeJumped = true;
  }

  private stop<E extends Pruned | Nondeterminism>(e: E): E {
    this.stopped ??= e;
    return e;
  }

  runEnded(lastStep: Footprint | null): void {
    this.recordStep(lastStep);
  }

  /** After a run: move to the next unexplored branch; false when every schedule has been run. */
  advance(): boolean {
    while (this.stack.length) {
      const n = this.stack[this.stack.length - 1];
      n.done.add(n.chosen);
      const next = n.options.find((o) => !n.done.has(o) && !n.sleep.has(o) && this.allowed(n, o));
      if (next !== undefined) {
        n.chosen = next;
        return true;
      }
      this.stack.pop();
    }
    return false;
  }

  /** The footprint of the step chosen at the last scheduling node. */
  private recordStep(fp: Footprint | null): void {
    if (fp && this.lastT >= 0) {
      const n = this.stack[this.lastT];
      n.fps.set(n.chosen, fp);
    }
  }

  /** A new node's sleep set: the parent's sleepers and explored siblings whose step commutes with the step just run. */
  private inheritedSleep(): Map<number, Footprint> {
    const out = new Map<number, Footprint>();
    // Sleep sets are sound only for a full search: a preemption bound cuts the subtree a
    // sleeping thread stands for (so does fault injection's bound).
    if (!this.prune || this.rates || this.maxPreemptions !== Infinity || this.timeJumped || this.lastT < 0 || this.lastT !== this.i - 1) return out;
    const parent = this.stack[this.lastT];
    const ran = parent.fps.get(parent.chosen);
    if (!ran) return out;
    const candidates = new Map(parent.sleep);
    for (const o of parent.done) {
      const fp = parent.fps.get(o);
      if (o !== parent.chosen && fp) candidates.set(o, fp);
    }
    for (const [t, fp] of candidates) if (independent(fp, ran)) out.set(t, fp);
    return out;
  }

  /** Whether choosing `o` at `n` stays within the preemption and fault bounds. */
  private allowed(n: Node, o: number): boolean {
    if (n.k !== "t") return o === 0 || n.faultsBefore < this.rates!.max;
    return !(n.prev && o !== n.prev && n.preBefore >= this.maxPreemptions);
  }
}
