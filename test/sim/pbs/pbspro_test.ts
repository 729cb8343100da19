// PBS Professional / OpenPBS emulator (sim/pbs.ts `pbsproEmulator`).
import assert from "node:assert/strict";
import { SimCluster, type SimJob } from "../../../sim/mod.ts";
import { pbsproEmulator } from "../../../sim/pbs/mod.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`../../fixtures/pbs/sim/${name}`, import.meta.url));

/** A model-mode PBS Pro cluster; jobs named `fail` exit 3, `long` run 2 h, others 60 s. */
function pbspro(): SimCluster {
  return new SimCluster({
    scheduler: "pbspro",
    execution: "model",
    queues: [{ name: "workq", default: true }, { name: "short", maxTimeSeconds: 600 }],
    model: (job: SimJob) => ({
      runtimeSeconds: job.request.name === "long" ? 7200 : 60,
      exitCode: job.request.name === "fail" ? 3 : 0,
    }),
  });
}

const SCRIPT = "#!/bin/bash\n#PBS -N fromdirective\n#PBS -l walltime=00:30:00\necho hi\n";

Deno.test("PBS Pro qstat prints the Pro table (17-wide ids, names cut with *)", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  await transport.writeFile("/home/user/job.pbs", SCRIPT);
  assert.equal((await transport.run(["qsub", "job.pbs"])).stdout, "1.login1\n");
  await transport.run(["qsub", "-N", "a_name_longer_than_sixteen", "job.pbs"]);
  await transport.run(["qsub", "-h", "-N", "fail", "job.pbs"]);
  assert.equal((await transport.run(["qstat"])).stdout, await fixture("pbspro_qstat_queued.out"));
  await cluster.advance(10_000);
  assert.equal((await transport.run(["qstat"])).stdout, await fixture("pbspro_qstat_running.out"));
});

Deno.test("PBS Pro finished jobs need -x: F with Exit_status; without -x exit 35; unknown 153", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\nexit 3\n" });
  await cluster.runUntilIdle();
  assert.deepEqual(await transport.run(["qstat"]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await transport.run(["qstat", "1"]), {
    code: 35,
    stdout: "",
    stderr: "qstat: 1.login1 Job has finished, use -x or -H to obtain historical job information\n",
  });
  const history = await transport.run(["qstat", "-x", "1"]);
  assert.match(history.stdout, /\n1\.login1 +fail +user +00:00:00 F workq +\n$/);
  const full = await transport.run(["qstat", "-x", "-f", "1"]);
  assert.match(full.stdout, /\n {4}job_state = F\n/);
  assert.match(full.stdout, /\n {4}Exit_status = 3\n/);
  assert.match(full.stdout, /\n {4}substate = 92\n/);
  assert.match(
    full.stdout,
    /\n {4}comment = Job run at Thu Jan 1 at 00:00 on \(node1:ncpus=1:mem=262144kb\) and\n\t finished\n/,
  );
  assert.match(full.stdout, /\n {4}Resource_List\.select = 1:ncpus=1\n/);
  assert.match(full.stdout, /\n {4}project = _pbs_project_default\n {4}Submit_Host = login1\n\n$/);
  assert.match((await transport.run(["qstat", "-H"])).stdout, /\n1\.login1 +fail/);
  assert.deepEqual(await transport.run(["qstat", "-x", "42"]), {
    code: 153,
    stdout: "",
    stderr: "qstat: Unknown Job Id 42.login1\n",
  });
  assert.deepEqual(await transport.run(["qdel", "1"]), {
    code: 35,
    stdout: "",
    stderr: "qdel: Job has finished 1.login1\n",
  });
  assert.deepEqual(await transport.run(["qdel", "42"]), {
    code: 153,
    stdout: "",
    stderr: "qdel: Unknown Job Id 42.login1\n",
  });
});

Deno.test("PBS Pro arrays: -J 1-5:2%2 gives 1[].server, state B, subjobs X, PBS_ARRAY_INDEX", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  const submitted = await transport.run(["qsub", "-J", "1-5:2%2", "-N", "arr"], {
    stdin: "#!/bin/bash\n",
  });
  assert.equal(submitted.stdout, "1[].login1\n");
  assert.deepEqual(cluster.jobs().map((job) => job.arrayTaskId), [1, 3, 5]);
  await cluster.advance(1000);
  assert.match((await transport.run(["qstat"])).stdout, /\n1\[\]\.login1 +arr +user +0 B workq/);
  const expanded = await transport.run(["qstat", "-t", "1[]"]);
  assert.match(
    expanded.stdout,
    /\n1\[\]\.login1 +arr +user +0 B workq +\n1\[1\]\.login1 +arr +user +00:00:00 R workq +\n/,
  );
  assert.match(expanded.stdout, /\n1\[5\]\.login1 +arr +user +0 Q workq +\n$/);
  assert.match(
    (await transport.run(["qstat", "-f", "1[]"])).stdout,
    /array_state_count = Queued:1 Running:2 Exiting:0 Expired:0\n/,
  );
  // An array without [] is not a job id PBS Pro knows.
  assert.equal((await transport.run(["qstat", "1"])).stderr, "qstat: Unknown Job Id 1.login1\n");
  const task = cluster.jobs().find((job) => job.arrayTaskId === 3)!;
  const env = task.request.environment!(task);
  assert.equal(env.PBS_ARRAY_INDEX, "3");
  assert.equal(env.PBS_ARRAY_ID, "1[].login1");
  assert.equal(env.PBS_JOBID, "1[3].login1");
  assert.equal(task.request.outputPaths!(task).stdout, "/home/user/arr.o1.3");
  await cluster.runUntilIdle();
  const done = await transport.run(["qstat", "-x", "-t", "1[]"]);
  assert.match(
    done.stdout,
    /\n1\[\]\.login1 +arr +user +0 F workq +\n1\[1\]\.login1 +arr +user +00:00:00 X workq/,
  );
  assert.match(
    (await transport.run(["qstat", "-x", "-f", "1[]"])).stdout,
    /\n {4}Exit_status = 0\n/,
  );
  const bad = await transport.run(["qsub", "-J", "5-1"], { stdin: "" });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^qsub: illegal -J value\n/);
});

Deno.test("PBS Pro select, -- executable, -V/-v and walltime kill (-29)", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  const submitted = await transport.run(
    [
      "qsub",
      "-l",
      "select=2:ncpus=4:mpiprocs=2:mem=2gb",
      "-l",
      "walltime=00:05:00",
      "-v",
      "A=1,B",
      "-N",
      "long",
      "--",
      "/bin/sleep",
      "600",
    ],
    { env: { B: "two" } },
  );
  assert.equal(submitted.stdout, "1.login1\n");
  const job = cluster.job(1)!;
  assert.equal(job.request.nodes, 2);
  assert.equal(job.request.tasksPerNode, 2);
  assert.equal(job.request.cpusPerTask, 2);
  assert.equal(job.request.memoryMB, 2048);
  assert.equal(job.request.script, "#!/bin/sh\n/bin/sleep 600\n");
  assert.deepEqual(job.request.exportedEnv, { A: "1", B: "two" });
  await cluster.runUntilIdle();
  assert.equal(job.state, "TIMEOUT");
  const full = (await transport.run(["qstat", "-x", "-f", "1"])).stdout;
  assert.match(full, /\n {4}Exit_status = -29\n/);
  assert.match(full, /\n {4}exec_host = node1\/0\*4\+node2\/0\*4\n/);
  assert.match(full, /\n {4}Resource_List\.select = 2:ncpus=4:mpiprocs=2:mem=2gb\n/);
  assert.deepEqual(job.request.jobFiles!(job), {
    "/var/spool/pbs/aux/1.login1": "node1\nnode1\nnode2\nnode2\n",
  });
  const env = job.request.environment!(job);
  assert.equal(env.NCPUS, "4");
  assert.equal(env.OMP_NUM_THREADS, "2");
  assert.equal(env.B, "two");
  const rejected = await transport.run(["qsub", "-q", "short", "-l", "walltime=01:00:00"], {
    stdin: "#!/bin/bash\n",
  });
  assert.deepEqual(rejected, {
    code: 190,
    stdout: "",
    stderr: "qsub: Job violates queue and/or server resource limits\n",
  });
  assert.deepEqual(await transport.run(["qsub", "-q", "nosuch"], { stdin: "#!/bin/bash\n" }), {
    code: 172,
    stdout: "",
    stderr: "qsub: Unknown queue\n",
  });
  assert.deepEqual(
    await transport.run(["qsub", "-W", "depend=afterok:77"], { stdin: "#!/bin/bash\n" }),
    {
      code: 153,
      stdout: "",
      stderr: "qsub: Unknown Job Id 77.login1\n",
    },
  );
});

Deno.test("PBS Pro qdel of a running job gives Exit_status 271; -h and qrls", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "long"], { stdin: "#!/bin/bash\n" });
  await transport.run(["qsub", "-h", "-W", "depend=afterany:1"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(1000);
  assert.match((await transport.run(["qstat", "2"])).stdout, /\n2\.login1 +STDIN +user +0 H workq/);
  assert.deepEqual(await transport.run(["qdel", "1"]), { code: 0, stdout: "", stderr: "" });
  assert.match(
    (await transport.run(["qstat", "-x", "-f", "1"])).stdout,
    /\n {4}Exit_status = 271\n/,
  );
  await transport.run(["qrls", "2"]);
  await cluster.runUntilIdle();
  assert.equal(cluster.job(2)!.state, "COMPLETED");
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

Deno.test("pbsproEmulator reports PBS Pro's unreachable-server texts", () => {
  assert.deepEqual(pbsproEmulator.unreachable("qstat"), {
    code: 111,
    stdout: "",
    stderr: "Connection refused\nqstat: cannot connect to server pbsserver (errno=111)\n",
  });
  assert.deepEqual(pbsproEmulator.transientSubmitFailure("qsub"), {
    code: 162,
    stdout: "",
    stderr: "qsub: cannot connect to server pbsserver (errno=15010)\n",
  });
});
