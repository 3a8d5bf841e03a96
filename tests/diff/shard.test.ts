// `npm run fuzz:diff -- --shard i/n`: n shards of a campaign run disjoint batches whose
// programs add up to the whole campaign, each printing its own summary. (The campaign runs
// the release core, so jest.config.cjs runs this file in the release project only.)
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { oracleState } from "./native";

const root = join(__dirname, "..", "..");
const campaign = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "scripts", "fuzz-diff.mjs"), ...args], { cwd: root, encoding: "utf8" });

{
  test("a bad --shard is refused with exit 2", () => {
    for (const bad of ["0/2", "3/2", "1/0", "x", ""]) {
      const r = campaign("--runs", "10", "--shard", bad);
      expect([bad, r.status, r.stderr.includes("--shard needs i/n")]).toEqual([bad, 2, true]);
    }
  }, 120_000);

  if (oracleState().native) {
    test("shards 1/2 and 2/2 cover the campaign disjointly: 2000 + 400 of 2400 programs", () => {
      const counts = ["1/2", "2/2"].map((s) => {
        const r = campaign("--runs", "2400", "--seed", "11", "--shard", s);
        expect([s, r.status]).toEqual([s, 0]);
        const m = /^programs: (\d+), operations: \d+, divergences: 0 \(seed 11, max ops 60, shard (\d)\/2 of 2400\)$/m.exec(r.stdout);
        expect(m).not.toBeNull();
        return Number(m![1]);
      });
      expect(counts).toEqual([2000, 400]);
    }, 180_000);
  }
}
