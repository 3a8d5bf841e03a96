// A schedule written down: every decision a run took, in order, as a string that replay()
// follows exactly. Decisions are only the points where something could differ: a
// scheduling point with two or more runnable threads, and each fault point of a kind the run
// injects (including "no fault there").
//
//   token   meaning
//   t<id>   run thread <id> (1, 2, … in spawn order)
//   e<v>    EINTR fault point: 0 none, 1 a signal without SA_RESTART, 2 with SA_RESTART
//   m<v>    ENOMEM fault point (failslab): 0 none, 1 the allocation fails
//   s<v>    TCP split point: 0 none, else the first segment is v - 1 bytes
//
// A token repeated n times in a row is written once with "*n". The string is
// "v1:<seed>:<tokens joined by .>"; the seed is the run's (ctx.random() draws from it).
import type { FaultKind } from "../kernel/hooks.js";

/** One decision of a run. */
export interface Decision {
  /** "t" a thread chosen, or a fault point's kind letter. */
  readonly k: "t" | "e" | "m" | "s";
  /** The thread id, or the fault point's value (0: no fault). */
  readonly v: number;
}

export const FAULT_LETTER: Record<FaultKind, Decision["k"]> = { eintr: "e", enomem: "m", split: "s" };

const PREFIX = "v1:";

/** A run's seed and decisions as a schedule string. */
export function encodeSchedule(seed: number, ds: readonly Decision[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ds.length; ) {
    let j = i + 1;
    while (j < ds.length && ds[j].k === ds[i].k && ds[j].v === ds[i].v) j++;
    const tok = `${ds[i].k}${ds[i].v}`;
    parts.push(j - i > 1 ? `${tok}*${j - i}` : tok);
    i = j;
  }
  return `${PREFIX}${seed}:${parts.join(".")}`;
}

/** A schedule string back to its seed and decisions; a TypeError names what is wrong with a bad one. */
export function decodeSchedule(s: string): { seed: number; decisions: Decision[] } {
  const m0 = typeof s === "string" ? /^v1:(-?\d+):(.*)$/s.exec(s) : null;
  if (!m0 || !Number.isSafeInteger(Number(m0[1]))) throw new TypeError(`replay: a schedule string is "${PREFIX}<seed>:<decisions>" (got ${JSON.stringify(String(s).slice(0, 24))})`);
  const seed = Number(m0[1]);
  const body = m0[2];
  const out: Decision[] = [];
  if (body === "") return { seed, decisions: out };
  for (const part of body.split(".")) {
    const m = /^([temsTEMS])(\d+)(?:\*(\d+))?$/.exec(part);
    if (!m) throw new TypeError(`replay: bad schedule token ${JSON.stringify(part)}`);
    const k = m[1].toLowerCase() as Decision["k"];
    const v = Number(m[2]);
    const n = m[3] === undefined ? 1 : Number(m[3]);
    if (!Number.isSafeInteger(v) || !Number.isSafeInteger(n) || n < 1 || (k === "t" && v < 1)) throw new TypeError(`replay: bad schedule token ${JSON.stringify(part)}`);
    if (out.length + n > 10_000_000) throw new TypeError("replay: schedule too long");
    for (let i = 0; i < n; i++) out.push({ k, v });
  }
  return { seed, decisions: out };
}
