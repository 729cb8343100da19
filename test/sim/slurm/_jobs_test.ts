/** How the SLURM emulator sees the engine's jobs: sbatch's data, priorities, named jobs, array remainders. */

import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import {
  foldArrayRemainders,
  jobsNamedAll,
  priorityOf,
  slurmData,
} from "../../../sim/slurm/_jobs.ts";

Deno.test("slurmData() reads what sbatch recorded, typed", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", user: "ana" });
  cluster.fs.writeText("/home/ana/run.sh", "#!/bin/sh\ntrue\n");
  await cluster.run(["sbatch", "-n", "2", "-c", "3", "--mem=1G", "-e", "e.txt", "run.sh", "x"], {
    cwd: "/home/ana",
  });
  assert.deepEqual(slurmData(cluster.jobs()[0]!), {
    command: "/home/ana/run.sh x",
    account: "ana",
    ntasks: 2,
    cpusPerTask: 3,
    memory: { per: "node", mb: 1024 },
    outputPattern: "slurm-%j.out",
    errorPattern: "e.txt",
    priority: 4294901759,
  });
});

Deno.test("slurmData() of a job submitted to the engine directly is sbatch's default", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  const { jobs } = cluster.engine.submit({
    name: "x",
    script: "#!/bin/sh\n",
    workdir: "/",
    user: "bo",
  });
  assert.deepEqual(slurmData(jobs[0]!), {
    command: "(null)",
    account: "bo",
    outputPattern: "slurm-%j.out",
  });
  // Without a priority of slurmctld's, a job ranks by submission.
  assert.equal(priorityOf(jobs[0]!), 4294901760 - 1);
});

Deno.test("priorityOf() is 0 while held and one less for each later submission", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  await cluster.run(["sbatch", "--wrap", "true"]);
  await cluster.run(["sbatch", "-H", "--wrap", "true"]);
  await cluster.run(["sbatch", "--wrap", "true"]);
  assert.deepEqual(cluster.jobs().map(priorityOf), [4294901759, 0, 4294901758]);
});

Deno.test("jobsNamedAll() and foldArrayRemainders() see an array as slurmctld keeps it", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }],
  });
  await cluster.run(["sbatch", "--array=1-3", "--wrap", "true"]);
  await cluster.advance(0); // task 1 starts under a new id (2); 2 and 3 pend under the array's
  const engine = cluster.engine;
  const all = jobsNamedAll(engine, [{ id: 1, task: 3 }, { id: 1 }]);
  assert.deepEqual(all.map((j) => j.arrayTaskId), [3, 1, 2]);
  const { remainders, others } = foldArrayRemainders(all);
  assert.deepEqual(remainders.map((r) => [r.arrayId, r.first.arrayTaskId, r.indices]), [
    [1, 3, [2, 3]],
  ]);
  assert.deepEqual(others.map((j) => [j.id, j.arrayTaskId]), [[2, 1]]);
});
