// --kill-on-invalid-dep: slurmctld cancels a job whose dependency can never be satisfied;
// without it the job stays PENDING (DependencyNeverSatisfied, recordings 068, 072, 081).

import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { modelFromScript } from "../../_script_model.ts";

async function failedParent(): Promise<SimCluster> {
  const cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    model: modelFromScript,
  });
  await cluster.run(["sbatch", "-J", "parent", "--wrap", "exit 3"]);
  return cluster;
}

Deno.test("an afterok child of a failed parent is cancelled with --kill-on-invalid-dep=yes", async () => {
  await using cluster = await failedParent();
  await cluster.run(["sbatch", "-J", "kept", "--dependency=afterok:1", "--wrap", "true"]);
  const killed = await cluster.run([
    "sbatch",
    "-J",
    "killed",
    "--dependency=afterok:1",
    "--kill-on-invalid-dep=yes",
    "--wrap",
    "true",
  ]);
  assert.equal(killed.code, 0);
  await cluster.advance(120_000);
  const queue = await cluster.run(["squeue", "-h", "-t", "all", "-o", "%i|%j|%T|%r"]);
  const rows = queue.stdout.trim().split("\n").sort();
  assert.ok(rows.includes("2|kept|PENDING|DependencyNeverSatisfied"), queue.stdout);
  assert.ok(rows.some((row) => row.startsWith("3|killed|CANCELLED|")), queue.stdout);
  const acct = await cluster.run(["sacct", "-X", "-n", "-P", "-j", "3", "-o", "JobID,State"]);
  assert.match(acct.stdout, /^3\|CANCELLED/);
});

Deno.test("--kill-on-invalid-dep takes yes, no, 1 and 0 in any case and refuses anything else", async () => {
  await using cluster = await failedParent();
  for (const value of ["YES", "no", "1", "0"]) {
    const output = await cluster.run([
      "sbatch",
      `--kill-on-invalid-dep=${value}`,
      "--dependency=afterok:1",
      "--wrap",
      "true",
    ]);
    assert.equal(output.code, 0, value);
  }
  const bad = await cluster.run(["sbatch", "--kill-on-invalid-dep=maybe", "--wrap", "true"]);
  assert.equal(bad.code, 255);
  assert.equal(bad.stderr, "sbatch: error: Invalid --kill-on-invalid-dep specification\n");
});
