// Running a threaded scenario over many seeds: SCENARIO_SEEDS=N runs seeds 1..N (default
// given per scenario, at least 200 in CI), SCENARIO_SEED=a,b,c runs only those. A failing
// seed is reported with the last entries of its kernel's scheduling trace.
import type { Kernel } from "../src/index";
import { envCount, envSeedList } from "./env";

export function seedsFromEnv(dflt: number): number[] {
  const only = envSeedList("SCENARIO_SEED");
  if (only) return only;
  return Array.from({ length: envCount("SCENARIO_SEEDS", dflt) }, (_, i) => i + 1);
}

/** Runs `body` for every seed; the first failure is rethrown with its seed and trace. */
export async function forSeeds(name: string, dflt: number, body: (seed: number, watch: (k: Kernel) => Kernel) => Promise<void>): Promise<void> {
  for (const seed of seedsFromEnv(dflt)) {
    let kernel: Kernel | undefined;
    try {
      await body(seed, (k) => (kernel = k));
    } catch (e) {
      const trace = kernel ? kernel.sched.trace.slice(-200).join(" ") : "(no kernel)";
      const err = new Error(`${name}: seed ${seed} failed (rerun: SCENARIO_SEED=${seed}): ${(e as Error).message}\ninterleaving (last 200): ${trace}`);
      err.stack = `${err.message}\n${(e as Error).stack ?? ""}`;
      throw err;
    }
  }
}
