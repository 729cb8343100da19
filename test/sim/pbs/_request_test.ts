// The engine request qsub builds (sim/pbs/_request.ts): output files, job environment and the
// node file, seen from jobs that really run (shell mode).
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";

Deno.test("Torque in shell mode: the job runs in $HOME with PBS variables, name.o<seq>/.e<seq>, -j oe, -d", async () => {
  await using cluster = new SimCluster({ scheduler: "pbs", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/project");
  await transport.writeFile(
    "/home/user/project/job.pbs",
    '#!/bin/bash\n#PBS -N envjob\n#PBS -l nodes=1:ppn=2\necho "id=$PBS_JOBID name=$PBS_JOBNAME np=$PBS_NP ppn=$PBS_NUM_PPN"\n' +
      'echo "queue=$PBS_QUEUE oqueue=$PBS_O_QUEUE host=$PBS_O_HOST env=$PBS_ENVIRONMENT"\n' +
      'echo "workdir=${PBS_O_WORKDIR##*/} cwd=${PWD##*/} nodefile=${PBS_NODEFILE##*/}"\necho oops >&2\nexit 4\n',
  );
  assert.equal(
    (await transport.run(["qsub", "job.pbs"], { cwd: "/home/user/project" })).stdout,
    "1.login1\n",
  );
  await cluster.runUntilIdle();
  assert.equal(cluster.job(1)!.exitCode, 4);
  assert.equal(
    await transport.readFile("/home/user/project/envjob.o1"),
    "id=1.login1 name=envjob np=2 ppn=2\nqueue=batch oqueue=batch host=login1 env=PBS_BATCH\n" +
      "workdir=project cwd=user nodefile=1.login1\n",
  );
  assert.equal(await transport.readFile("/home/user/project/envjob.e1"), "oops\n");
  const job = cluster.job(1)!;
  assert.deepEqual(job.request.jobFiles!(job), {
    "/var/spool/torque/aux/1.login1": "node1\nnode1\n",
  });
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /exit_status = 4\n/);

  await transport.run(["qsub", "-j", "oe", "-N", "merged", "-d", "/home/user/project", "job.pbs"], {
    cwd: "/home/user/project",
  });
  await cluster.runUntilIdle();
  const merged = await transport.readFile("/home/user/project/merged.o2");
  assert.match(merged, /cwd=project /);
  assert.match(merged, /oops\n$/);
  await assert.rejects(() => transport.readFile("/home/user/project/merged.e2"));
});

Deno.test("PBS Pro in shell mode: $HOME working directory, PBS_O_WORKDIR, -j oe, -o directory", async () => {
  await using cluster = new SimCluster({ scheduler: "pbspro", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/run/logs");
  await transport.writeFile(
    "/home/user/run/job.pbs",
    '#!/bin/bash\n#PBS -j oe\n#PBS -o logs/\necho "$PBS_JOBID ${PBS_O_WORKDIR##*/} ${PWD##*/} $PBS_O_SYSTEM $NCPUS"\necho err >&2\n',
  );
  assert.equal(
    (await transport.run(["qsub", "job.pbs"], { cwd: "/home/user/run" })).stdout,
    "1.login1\n",
  );
  await cluster.runUntilIdle();
  assert.equal(
    await transport.readFile("/home/user/run/logs/job.pbs.o1"),
    "1.login1 run user Linux 1\nerr\n",
  );
  assert.equal(cluster.job(1)!.state, "COMPLETED");
});
