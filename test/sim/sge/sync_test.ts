// qsub -sync y (sim/sge/_sync.ts): the submit line, a report per task as it ends on stderr, and
// the exit status of the first task that did not exit 0.
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";

Deno.test("qsub -sync y reports every task and exits with the first non-zero status", async () => {
  await using cluster = new SimCluster({
    scheduler: "sge",
    model: (job) => ({
      runtimeSeconds: 10 * (job.arrayTaskId ?? 1),
      exitCode: job.arrayTaskId === 2 ? 5 : 0,
    }),
  });
  const out = await cluster.run(["qsub", "-sync", "y", "-t", "1-3", "-b", "y", "true"]);
  assert.deepEqual(out, {
    code: 5,
    stdout: 'Your job-array 1.1-3:1 ("true") has been submitted\n',
    stderr: "Job 1.1 exited with exit code 0.\nJob 1.2 exited with exit code 5.\n" +
      "Job 1.3 exited with exit code 0.\n",
  });
  // -terse: the id alone, an exit 0 not reported (recording 015).
  assert.deepEqual(await cluster.run(["qsub", "-sync", "y", "-terse", "-b", "y", "true"]), {
    code: 0,
    stdout: "2\n",
    stderr: "",
  });
  // Deleted before it ran: "Unable to run job", status 0; without -sync y no wait at all.
  const held = cluster.run(["qsub", "-sync", "y", "-h", "-b", "y", "true"]);
  await cluster.advance(5_000);
  await cluster.run(["qdel", "3"]);
  assert.deepEqual(await held, {
    code: 0,
    stdout: 'Your job 3 ("true") has been submitted\n',
    stderr: "Unable to run job 3\n",
  });
  const before = cluster.clock.now();
  assert.equal((await cluster.run(["qsub", "-sync", "n", "-b", "y", "true"])).code, 0);
  assert.equal(cluster.clock.now(), before);
});

Deno.test("qsub -sync y in shell mode waits for the script that really runs", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", execution: "shell" });
  const out = await cluster.run([
    "qsub",
    "-sync",
    "y",
    "-b",
    "y",
    "bash",
    "-c",
    "'sleep 0.2; exit 2'",
  ]);
  assert.deepEqual(out, {
    code: 2,
    stdout: 'Your job 1 ("bash") has been submitted\n',
    stderr: "Job 1 exited with exit code 2.\n",
  });
});
