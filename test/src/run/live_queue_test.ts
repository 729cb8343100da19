// Polling at the limit on the simulator: finished jobs are read from the live queue while the
// controller still knows them (SLURM's `squeue -t all`, within MinJobAge), with their exit codes,
// so accounting is asked only about ids that left the queue.

import assert from "node:assert/strict";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { JobScript } from "../../../src/job/job_script.ts";
import { Status } from "../../../src/core/status.ts";
import { slurm } from "../../../backends/slurm.ts";
import { SimCluster } from "../../../sim/cluster.ts";

Deno.test("slurm: 100 jobs waited for together take one squeue per round and no sacct", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    nodes: [{ name: "node1", cpus: 128, memoryMB: 512_000 }],
    model: (job) => ({ runtimeSeconds: 1 + (job.id % 7), exitCode: job.id % 10 === 3 ? 3 : 0 }),
  });
  const transport = cluster.transport();
  const runs: AsyncResult[] = [];
  for (let i = 0; i < 100; i++) {
    const job = new JobScript({ name: `j${i}`, body: "sleep 1", backend: slurm });
    runs.push(await job.submit({ transport, cacheFolder: "" }));
  }
  const from = cluster.commandLog.length;
  const statuses = await AsyncResult.waitAll(runs);
  const polls = cluster.commandLog.slice(from).map((record) => record.argv[0]);
  assert.equal(polls.filter((name) => name === "sacct").length, 0, polls.join(" "));
  const rounds = new Set(cluster.commandLog.slice(from).map((record) => record.time)).size;
  assert.equal(polls.length, rounds, "one status command per round");
  assert.equal(statuses.filter((status) => status === Status.FAILED).length, 10);
  for (const run of runs) {
    const expected = Number(run.jobId) % 10 === 3 ? 3 : 0;
    assert.equal(run.exitCode, expected, `job ${run.jobId}`);
  }
});

/**
 * A SLURM job of `model` (with `job`'s options) waited for an hour after its submission, long
 * after MinJobAge (300 s) purged it from the queue: the run, its status, and the programs the
 * wait ran.
 */
async function waitedLongAfter(
  model: { runtimeSeconds: number; exitCode: number },
  job: Partial<ConstructorParameters<typeof JobScript>[0]>,
) {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    model: () => model,
  });
  const run = await new JobScript({ name: "old", body: "true", backend: slurm, ...job })
    .submit({ transport: cluster.transport(), cacheFolder: "" });
  await cluster.advance(3_600_000);
  const from = cluster.commandLog.length;
  const status = await run.wait();
  return { run, status, programs: cluster.commandLog.slice(from).map((record) => record.argv[0]) };
}

Deno.test("slurm: a job that left the queue (MinJobAge) ends by its end marker, no sacct", async () => {
  const { run, status, programs } = await waitedLongAfter({ runtimeSeconds: 1, exitCode: 4 }, {});
  assert.equal(status, Status.FAILED);
  assert.equal(run.exitCode, 4);
  assert.equal(run.cause, "exit");
  assert.match(run.reason ?? "", /end marker .* says exit=4 .*accounting was not asked/);
  assert.deepEqual(programs, ["squeue", "grep"]);
});

Deno.test("slurm: a job that left the queue without markers is read from accounting, once", async () => {
  const { run, status, programs } = await waitedLongAfter(
    { runtimeSeconds: 1, exitCode: 4 },
    { markers: false },
  );
  assert.equal(status, Status.FAILED);
  assert.equal(run.exitCode, 4);
  assert.equal(run.state, "FAILED");
  assert.deepEqual(programs, ["squeue", "sacct"]);
});

Deno.test("slurm: a timeout that left the queue is accounting's word (markers read once)", async () => {
  const { run, status, programs } = await waitedLongAfter(
    { runtimeSeconds: 100_000, exitCode: 0 },
    { name: "long", resources: { time: 1 } },
  );
  assert.equal(status, Status.FAILED);
  assert.equal(run.cause, "timeout", `${run.state}: ${run.reason}`);
  assert.equal(run.state, "TIMEOUT");
  assert.deepEqual(programs, ["squeue", "grep", "sacct"]);
});

Deno.test("squeue -t all -O exit_code prints slurmctld's wait status of each finished job", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    model: (job) =>
      job.request.name === "slow"
        ? { runtimeSeconds: 600, exitCode: 0 }
        : { runtimeSeconds: 1, exitCode: 3 },
  });
  const transport = cluster.transport();
  const failed = (await transport.run(["sbatch", "--parsable", "-J", "bad", "--wrap", "x"])).stdout
    .trim();
  const slow =
    (await transport.run(["sbatch", "--parsable", "-J", "slow", "-t", "1", "--wrap", "x"]))
      .stdout.trim();
  await cluster.advance(120_000);
  const fields = "JobArrayID:|,State:|,Reason:|,exit_code:";
  const out = await transport.run([
    "squeue",
    "-h",
    "-t",
    "all",
    "-O",
    fields,
    "-j",
    `${failed},${slow}`,
  ]);
  // exit code 3 is 3 << 8; a job killed at its time limit by SIGTERM (15) is 15 (job_info.c)
  assert.equal(out.stdout, `${failed}|FAILED|NonZeroExitCode|768\n${slow}|TIMEOUT|TimeLimit|15\n`);
  const infos = slurm.parseStatus(out, [failed, slow]);
  assert.deepEqual(infos.get(failed), { status: Status.FAILED, state: "FAILED", exitCode: 3 });
  assert.deepEqual(infos.get(slow), {
    status: Status.FAILED,
    state: "TIMEOUT",
    exitCode: 0,
    reason: "timeout: time limit reached, signal 15",
  });
});
