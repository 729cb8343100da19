// Torque (`pbs`) job arrays end to end: a JobScript with `-t 1-3` submitted to the simulated
// Torque cluster, waited on, ends with the combined result of its subjobs.
import assert from "node:assert/strict";
import { JobScript } from "../../../src/job/job_script.ts";
import { Status } from "../../../src/core/status.ts";
import { SimCluster } from "../../../sim/cluster.ts";

async function runArray(failingTask?: number): Promise<{ status: number; commands: string[] }> {
  await using cluster = new SimCluster({
    scheduler: "pbs",
    model: (job) => ({
      runtimeSeconds: 5 * (job.arrayTaskId ?? 1),
      exitCode: job.arrayTaskId === failingTask ? 3 : 0,
    }),
  });
  const cacheFolder = await Deno.makeTempDir();
  try {
    const job = new JobScript({
      name: "sweep",
      backend: "pbs",
      body: "true",
      cacheFolder,
      resources: { "-t": "1-3" },
    });
    const run = await job.submit({ transport: cluster.transport() });
    assert.equal(run.jobId, "1[].login1");
    const status = await run.wait();
    if (failingTask !== undefined) assert.equal(run.exitCode, 3);
    assert.equal(run.state, "C");
    assert.deepEqual(
      cluster.jobs().map((task) => [task.arrayTaskId, task.state]),
      [1, 2, 3].map((index) => [index, index === failingTask ? "FAILED" : "COMPLETED"]),
    );
    return { status, commands: cluster.commandLog.map((command) => command.argv.join(" ")) };
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
}

Deno.test("pbs array: one task exiting 3 makes the array FAILED", async () => {
  const { status, commands } = await runArray(2);
  assert.equal(status, Status.FAILED);
  assert.ok(commands.includes("qstat -f -t 1[].login1"), commands.join("\n"));
});

Deno.test("pbs array: every task exiting 0 makes the array COMPLETED", async () => {
  const { status } = await runArray();
  assert.equal(status, Status.COMPLETED);
});
