// Counts and seeds that scale the fuzzers, campaigns and soak tests from the environment.
// A count that is set must be a positive integer: `SCENARIO_SEEDS=0` (or a typo) would
// otherwise make a suite run nothing and pass.

/** The positive integer in `process.env[name]`, or `dflt` when it is unset or empty. */
export function envCount(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** The optional positive integer in `process.env[name]` (undefined when unset or empty). */
export function envCountOpt(name: string): number | undefined {
  const v = process.env[name];
  return v === undefined || v === "" ? undefined : envCount(name, 0);
}

/** A seed: any finite number, taken as a u32; `dflt` when unset or empty. */
export function envSeed(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n >>> 0;
}

/** A list of seeds `a,b,c` (each a finite number), or undefined when unset or empty. */
export function envSeedList(name: string): number[] | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const seeds = v.split(",").map((s) => Number(s.trim()));
  if (seeds.some((n) => !Number.isFinite(n))) throw new Error(`${name} must be a comma-separated list of numbers, got ${JSON.stringify(v)}`);
  return seeds;
}
