// sbatch --wait (sim/slurm/_sbatch_wait.ts): the id first, then the job's exit code once it ended.
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { CommandTimeoutError } from "../../../src/core/transport.ts";

const model = (job: { request: { script: string }; arrayTaskId?: number }) => ({
  runtimeSeconds: 90,
  exitCode: job.request.script.includes("exit 3") && job.arrayTaskId !== 1 ? 3 : 0,
});

Deno.test("sbatch --wait lets the virtual clock run and exits with the highest task's exit code", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  const start = cluster.clock.now();
  const out = await cluster.run(["sbatch", "--wait", "--array", "1-3", "--wrap", "exit 3"]);
  assert.deepEqual(out, { code: 3, stdout: "Submitted batch job 1\n", stderr: "" });
  // _job_wait sleeps 2 s, 8 s, 32 s, 32 s ...: it notices the end at its next look.
  const waited = cluster.clock.now() - start;
  assert.ok(waited >= 90_000 && waited <= 90_000 + 32_000, `waited ${waited} ms`);
  // In a directive, with --parsable; a job killed by a signal gives 1.
  await cluster.transport().writeFile("~/w.sh", "#!/bin/bash\n#SBATCH --wait\nsleep 90\n");
  const waiting = cluster.run(["sbatch", "--parsable", "w.sh"]);
  await cluster.advance(10_000);
  const id = String(cluster.engine.jobs().at(-1)!.id);
  await cluster.run(["scancel", id]);
  assert.deepEqual(await waiting, { code: 1, stdout: `${id}\n`, stderr: "" });
  // A refused submission does not wait.
  const refused = await cluster.run(["sbatch", "--wait", "-p", "nosuch", "--wrap", "true"]);
  assert.equal(refused.code, 1);
});

Deno.test("sbatch --wait honours the caller's timeout, and really waits on a real clock", async () => {
  await using virtual = new SimCluster({ scheduler: "slurm", model });
  await assert.rejects(
    virtual.run(["sbatch", "--wait", "--wrap", "true"], { timeout: 30_000 }),
    CommandTimeoutError,
  );
  await using real = new SimCluster({
    scheduler: "slurm",
    clock: "real",
    model: () => ({ runtimeSeconds: 0.5, exitCode: 4 }),
  });
  const before = Date.now();
  const out = await real.run(["sbatch", "-W", "--wrap", "exit 4"]);
  assert.equal(out.code, 4);
  assert.ok(Date.now() - before >= 2000, "sbatch's first look comes after 2 s");
});
