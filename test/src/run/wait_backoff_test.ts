// wait() keeps its back-off across calls after a rejection: a naive retry loop on a cluster whose
// status command always fails does not make one query per call at the same instant.

import assert from "node:assert/strict";
import {
  AsyncResult,
  CommandNotFoundError,
  JobScript,
  lsf,
  QueryError,
  Status,
} from "../../../mod.ts";
import { SimCluster } from "../../../sim/mod.ts";

const model = () => ({ runtimeSeconds: 36_000, exitCode: 0 });

Deno.test("a retry loop around wait() on an always failing status command backs off across calls", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  const transport = cluster.transport();
  const run = await new JobScript({ name: "patient", body: "sleep 36000" })
    .submit({ transport, cacheFolder: "" });
  cluster.faults.failCommands({ commands: ["squeue", "sacct"], times: Infinity });
  let rejections = 0;
  for (let i = 0; i < 40; i++) {
    try {
      await run.wait();
    } catch (error) {
      assert.ok(error instanceof QueryError, String(error));
      rejections++;
    }
  }
  assert.equal(rejections, 40);
  assert.equal(run.status, Status.PENDING, "failed queries never change the status");
  const times = cluster.commandLog
    .filter((entry) => entry.argv[0] === "squeue")
    .map((entry) => entry.time);
  // The first wait makes its maxQueryFailures (5) queries, each later one a single query.
  assert.equal(times.length, 5 + 39);
  const gaps = times.slice(1).map((time, i) => (time - times[i]!) / 1000);
  // Never two queries at the same instant; the back-off doubles from 5 s up to the run's cap
  // (900 s without a walltime) and stays there, across all 40 calls.
  assert.ok(gaps.every((gap) => gap > 0), `gaps ${gaps}`);
  assert.deepEqual(gaps.slice(0, 9), [5, 10, 20, 40, 80, 160, 320, 640, 900]);
  assert.ok(gaps.slice(9).every((gap) => gap === 900), `gaps ${gaps}`);
  assert.ok(!cluster.commandLog.some((entry) => entry.argv[0] === "sacct"));
});

Deno.test("after a rejection, the next wait() polls when the back-off says, not at once, and succeeds when the scheduler answers again", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  const transport = cluster.transport();
  const run = await new JobScript({ name: "patient", body: "sleep 36000" })
    .submit({ transport, cacheFolder: "" });
  cluster.faults.failCommands({ commands: ["squeue"], times: 5 });
  await assert.rejects(run.wait({ timeout: 3_600_000 }), QueryError);
  const rejectedAt = transport.clock.now();
  const status = await run.wait({ timeout: 100_000 });
  assert.ok(status === Status.PENDING || status === Status.RUNNING);
  const squeues = cluster.commandLog.filter((entry) => entry.argv[0] === "squeue");
  assert.equal(squeues[4]!.time, rejectedAt, "rejected at the fifth failed query");
  // The sixth query waits out the next step of the back-off (5, 10, 20, 40, then 80 s).
  assert.equal((squeues[5]!.time - rejectedAt) / 1000, 80);
  assert.equal(squeues[5]!.code, 0);
  // Once a query succeeded, a new wait starts at the base interval again.
  const before = cluster.commandLog.length;
  await run.wait({ timeout: 1 });
  assert.equal(cluster.commandLog[before]?.time, transport.clock.now() - 1);
});

Deno.test("wait() rejects at the first round when the status command is not installed: no retry can mend it", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  const transport = cluster.transport();
  const submitted = await new JobScript({ name: "elsewhere", body: "sleep 36000" })
    .submit({ transport, cacheFolder: "" });
  // The same job id, tracked as if the cluster ran LSF: `bjobs` does not exist on this login node.
  const run = new AsyncResult({ backend: lsf, jobId: submitted.jobId, transport });
  const start = transport.clock.now();
  await assert.rejects(run.wait(), (error: unknown) => {
    assert.ok(error instanceof CommandNotFoundError, String(error));
    assert.match(error.message, /"bjobs" is not installed on sim:slurm/);
    return true;
  });
  assert.equal(transport.clock.now(), start, "no back-off before giving up");
  assert.equal(run.status, Status.PENDING, "the status it had is kept");
});
