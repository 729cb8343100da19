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

Deno.test("Torque in shell mode: $HOME unless -d (relative to qsub's directory, PBS_O_INITDIR); -w moves only PBS_O_WORKDIR", async () => {
  await using cluster = new SimCluster({ scheduler: "pbs", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/my run");
  await transport.writeFile(
    "/home/user/my run/job.pbs",
    '#!/bin/bash\necho "$(pwd -P)|${PBS_O_INITDIR-unset}|${PBS_O_WORKDIR#"$HOME/"}"\n',
  );
  for (const args of [[], ["-d", "."], ["-w", "/home/user/elsewhere"]]) {
    await transport.run(["qsub", "-j", "oe", ...args, "job.pbs"], { cwd: "/home/user/my run" });
  }
  await cluster.runUntilIdle();
  const real = (path: string) => Deno.realPathSync(cluster.fs.hostPath(path));
  const output = (seq: number) => transport.readFile(`/home/user/my run/job.pbs.o${seq}`);
  assert.equal(await output(1), `${real("/home/user")}|unset|my run\n`);
  assert.equal(
    await output(2),
    `${real("/home/user/my run")}|${cluster.fs.hostPath("/home/user/my run")}|my run\n`,
  );
  // qsub writes a relative -d as `<its directory>/<d>` (process_opt_d), not normalised.
  const job = cluster.job(2)!;
  assert.equal(job.request.environment!(job).PBS_O_INITDIR, "/home/user/my run/.");
  assert.equal(await output(3), `${real("/home/user")}|unset|elsewhere\n`);
  // init_work_dir is the submission directory (raw/torque/047), not where the job ran.
  const initWorkDir = async (id: string) =>
    /init_work_dir = (.*)\n/.exec((await transport.run(["qstat", "-f", id])).stdout)?.[1];
  assert.equal(await initWorkDir("1"), "/home/user/my run");
  assert.equal(await initWorkDir("3"), "/home/user/elsewhere");
});

Deno.test("PBS Pro: jobs start in $HOME and qsub has no -d; a cd to PBS_O_WORKDIR moves the job", async () => {
  await using cluster = new SimCluster({ scheduler: "pbspro", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/my run");
  await transport.writeFile(
    "/home/user/my run/job.pbs",
    '#!/bin/bash\n#PBS -j oe\necho "$(pwd -P)"\ncd "$PBS_O_WORKDIR" || exit 1\necho "$(pwd -P)"\n',
  );
  await transport.run(["qsub", "job.pbs"], { cwd: "/home/user/my run" });
  const refused = await transport.run(["qsub", "-d", ".", "job.pbs"], { cwd: "/home/user/my run" });
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr.split("\n")[0], "qsub: invalid option -- 'd'");
  await cluster.runUntilIdle();
  const real = (path: string) => Deno.realPathSync(cluster.fs.hostPath(path));
  assert.equal(
    await transport.readFile("/home/user/my run/job.pbs.o1"),
    `${real("/home/user")}\n${real("/home/user/my run")}\n`,
  );
  assert.match((await transport.run(["qstat", "-x", "-f", "1"])).stdout, /jobdir = \/home\/user\n/);
});
