// LSF emulator (sim/lsf.ts `lsfEmulator`).
import assert from "node:assert/strict";
import { SimCluster, type SimJob } from "../sim/mod.ts";
import { lsfEmulator } from "../sim/lsf.ts";
import {
  parseDependency,
  parseJobName,
  parseMemoryLimit,
  parseRunLimit,
} from "../sim/_lsf_bsub.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`./fixtures/lsf/sim/${name}`, import.meta.url));

/** A model-mode LSF cluster; jobs named `fail` exit 3, `long` run 2 h, others 60 s. */
function lsf(): SimCluster {
  return new SimCluster({
    scheduler: "lsf",
    execution: "model",
    queues: [{ name: "normal", default: true }, { name: "short", maxTimeSeconds: 3600 }],
    model: (job: SimJob) => ({
      runtimeSeconds: job.request.name === "long" ? 7200 : 60,
      exitCode: job.request.name === "fail" ? 3 : 0,
    }),
  });
}

const SCRIPT = "#!/bin/bash\n#BSUB -J fromdirective\n#BSUB -W 30\n#BSUB -q short\necho hi\n";
const FORMAT = ["-o", "jobid stat exit_code exit_reason delimiter='|'", "-noheader"];

Deno.test("bsub option values: -W [H:]M, -M units (KB default), -J arrays, -w expressions", () => {
  assert.equal(parseRunLimit("30"), 1800);
  assert.equal(parseRunLimit("1:30"), 5400);
  assert.equal(parseRunLimit("10/hostA"), 600);
  assert.equal(parseRunLimit("1.5"), undefined);
  assert.equal(parseMemoryLimit("4GB"), 4096);
  assert.equal(parseMemoryLimit("512M"), 512);
  assert.equal(parseMemoryLimit("2048"), 2);
  assert.equal(parseMemoryLimit("lots"), undefined);
  assert.deepEqual(parseJobName("arr[1-7:3]%2"), {
    name: "arr",
    array: { indices: [1, 4, 7], maxConcurrent: 2 },
    spec: "[1-7:3]",
  });
  assert.deepEqual(parseJobName("plain"), { name: "plain" });
  assert.equal(parseJobName("bad[0-3]"), undefined);
  assert.deepEqual(parseDependency("done(12) && (exit(13)) && ended(build*) && 14"), [
    { type: "afterok", job: "12" },
    { type: "afternotok", job: "13" },
    { type: "afterany", job: "build*" },
    { type: "afterok", job: "14" },
  ]);
  assert.equal(parseDependency("done(1) || done(2)"), undefined);
  assert.equal(parseDependency("finished(1)"), undefined);
});

Deno.test("bsub < script: #BSUB lines apply, the command line wins, queue named in the answer", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  assert.deepEqual(await transport.run(["bsub"], { stdin: SCRIPT }), {
    code: 0,
    stdout: "Job <1> is submitted to queue <short>.\n",
    stderr: "",
  });
  const first = cluster.job(1)!;
  assert.equal(first.request.name, "fromdirective");
  assert.equal(first.timeLimitSeconds, 1800);
  assert.equal(
    (await transport.run(["bsub", "-J", "cli", "-q", "normal"], { stdin: SCRIPT })).stdout,
    "Job <2> is submitted to queue <normal>.\n",
  );
  assert.equal(cluster.job(2)!.request.name, "cli");
  const command = await transport.run([
    "bsub",
    "-n",
    "4",
    "-R",
    "span[ptile=2]",
    "-M",
    "1GB",
    "sleep",
    "10",
  ]);
  assert.equal(command.stdout, "Job <3> is submitted to default queue <normal>.\n");
  const third = cluster.job(3)!;
  assert.equal(third.request.name, "sleep 10");
  assert.equal(third.request.script, "sleep 10\n");
  assert.deepEqual([third.request.nodes, third.request.tasksPerNode, third.request.memoryMB], [
    2,
    2,
    1024,
  ]);
  // The submitter's environment goes with the job, and LSF runs it in the submission directory.
  assert.equal(third.request.workdir, "/home/user");
  assert.equal(third.request.exportedEnv?.HOME, "/home/user");
});

Deno.test("bjobs prints LSF's table, -o fields, -json; finished jobs with -a until CLEAN_PERIOD", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "averyverylongjobname", "-n", "4"], {
    stdin: "#!/bin/bash\n",
  });
  await transport.run(["bsub", "-J", "fail"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-J", "held", "-H"], { stdin: "#!/bin/bash\n" });
  assert.equal((await transport.run(["bjobs"])).stdout, await fixture("bjobs_pending.out"));
  await cluster.advance(10_000);
  assert.equal((await transport.run(["bjobs"])).stdout, await fixture("bjobs_running.out"));
  assert.equal(
    (await transport.run(["bjobs", "-o", "jobid:7 stat:5 job_name:8 exec_host:-9 delimiter='^'"]))
      .stdout,
    "JOBID  ^STAT ^JOB_NAME^EXEC_HOST\n" +
      "1      ^RUN  ^*jobname^  4*node1\n2      ^RUN  ^fail    ^    node2\n3      ^PSUSP^held    ^        -\n",
  );
  await cluster.advance(120_000);
  assert.deepEqual(await transport.run(["bjobs", "-r"]), {
    code: 255,
    stdout: "",
    stderr: "No running job found\n",
  });
  assert.equal(
    (await transport.run(["bjobs", "-a", ...FORMAT])).stdout,
    "3|PSUSP|-|-\n1|DONE|-|-\n2|EXIT|3|-\n",
  );
  const json = JSON.parse(
    (await transport.run(["bjobs", "-json", "-o", "jobid stat exit_code", "2"])).stdout,
  );
  assert.deepEqual(json, {
    COMMAND: "bjobs",
    JOBS: 1,
    RECORDS: [{ JOBID: "2", STAT: "EXIT", EXIT_CODE: "3" }],
  });
  await transport.run(["bkill", "3"]);
  assert.deepEqual(await transport.run(["bjobs"]), {
    code: 255,
    stdout: "",
    stderr: "No unfinished job found\n",
  });
  await cluster.advance(3_601_000);
  assert.deepEqual(await transport.run(["bjobs", "1"]), {
    code: 255,
    stdout: "",
    stderr: "Job <1> is not found\n",
  });
  assert.deepEqual(await transport.run(["bjobs", "-a"]), {
    code: 255,
    stdout: "",
    stderr: "No job found\n",
  });
});

Deno.test("LSF arrays: -J name[1-3]%1, one line per element, %I in -o, LSB_JOBINDEX", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  const submitted = await transport.run(["bsub", "-J", "arr[1-3]%1", "-o", "logs/out.%J.%I"], {
    stdin: "#!/bin/bash\n",
  });
  assert.equal(submitted.stdout, "Job <1> is submitted to default queue <normal>.\n");
  await cluster.advance(1000);
  assert.equal(
    (await transport.run(["bjobs", "-o", "jobid jobindex stat job_name", "-noheader"])).stdout,
    "1 1 RUN arr[1]\n1 2 PEND arr[2]\n1 3 PEND arr[3]\n",
  );
  assert.equal(
    (await transport.run(["bjobs", "-noheader", "-o", "stat", "1[3]"])).stdout,
    "PEND\n",
  );
  const element = cluster.jobs().find((job) => job.arrayTaskId === 2)!;
  assert.equal(element.request.outputPaths!(element).stdout, "/home/user/logs/out.1.2");
  const env = element.request.environment!(element);
  assert.equal(env.LSB_JOBINDEX, "2");
  assert.equal(env.LSB_JOBID, "1");
  assert.equal(env.LSB_JOBNAME, "arr[2]");
  assert.equal(env.LSB_BATCH_JID, "1[2]");
  assert.equal((await transport.run(["bkill", "1[3]"])).stdout, "Job <1[3]> is being terminated\n");
  await cluster.runUntilIdle();
  assert.equal(
    (await transport.run(["bjobs", "-a", ...FORMAT])).stdout,
    "1|DONE|-|-\n1|DONE|-|-\n1|EXIT|-|TERM_OWNER: job killed by owner\n",
  );
});

Deno.test("LSF dependencies: done() waits, exit() never starts, unknown jobs are refused", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "build"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-w", "done(build)"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-w", "exit(1)"], { stdin: "#!/bin/bash\n" });
  await cluster.runUntilIdle();
  assert.equal(cluster.job(2)!.state, "COMPLETED");
  assert.ok(cluster.job(2)!.startTime! >= cluster.job(1)!.endTime!);
  // LSF leaves a job whose dependency can never be met pending.
  assert.equal((await transport.run(["bjobs", "-noheader", "-o", "stat", "3"])).stdout, "PEND\n");
  assert.deepEqual(await transport.run(["bsub", "-w", "done(99)"], { stdin: "#!/bin/bash\n" }), {
    code: 255,
    stdout: "",
    stderr: "done(99): No matching job found. Job not submitted.\n",
  });
  assert.deepEqual(
    await transport.run(["bsub", "-w", "done(1) || done(2)"], { stdin: "#!/bin/bash\n" }),
    {
      code: 255,
      stdout: "",
      stderr: "done(1) || done(2): Dependency condition syntax error. Job not submitted.\n",
    },
  );
});

Deno.test("LSF hold, kill, run limit and refusals", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-H", "-J", "long"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-J", "long", "-W", "10"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(5000);
  assert.equal(cluster.job(1)!.state, "PENDING");
  assert.equal((await transport.run(["bresume", "1"])).stdout, "Job <1> is being resumed\n");
  await cluster.advance(5000);
  assert.equal(cluster.job(1)!.state, "RUNNING");
  assert.deepEqual(await transport.run(["bkill", "1", "77"]), {
    code: 255,
    stdout: "Job <1> is being terminated\n",
    stderr: "Job <77>: No matching job found\n",
  });
  await cluster.runUntilIdle();
  assert.equal(
    (await transport.run(["bjobs", ...FORMAT, "1", "2"])).stdout,
    "1|EXIT|130|TERM_OWNER: job killed by owner\n" +
      "2|EXIT|140|TERM_RUNLIMIT: job killed after reaching LSF run time limit\n",
  );
  assert.deepEqual(await transport.run(["bkill", "2"]), {
    code: 255,
    stdout: "",
    stderr: "Job <2>: Job has already finished\n",
  });
  assert.deepEqual(await transport.run(["bsub", "-q", "nosuch"], { stdin: "#!/bin/bash\n" }), {
    code: 255,
    stdout: "",
    stderr: "nosuch: No such queue. Job not submitted.\n",
  });
  assert.deepEqual(
    await transport.run(["bsub", "-q", "short", "-W", "61"], { stdin: "#!/bin/bash\n" }),
    {
      code: 255,
      stdout: "",
      stderr: "RUNLIMIT: Cannot exceed queue's hard limit(s). Job not submitted.\n",
    },
  );
  assert.equal(
    (await transport.run(["bsub", "-W", "1.5"], { stdin: "#!/bin/bash\n" })).stderr,
    "1.5: Bad RUNLIMIT specification. Job not submitted.\n",
  );
  assert.match(
    (await transport.run(["bsub", "-Z", "x"], { stdin: "" })).stderr,
    /^bsub: illegal option -- Z\nUsage: bsub/,
  );
  assert.deepEqual(await transport.run(["bsub"], { stdin: "" }), {
    code: 255,
    stdout: "",
    stderr: "No command is specified. Job not submitted.\n",
  });
});

Deno.test("LSF in shell mode: job in the submission directory, -o file with stderr, LSB_* variables", async () => {
  await using cluster = new SimCluster({ scheduler: "lsf", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/work");
  const script = "#!/bin/bash\n#BSUB -J envjob\n#BSUB -o out.%J\n#BSUB -n 2\n" +
    'echo "$LSB_JOBID $LSB_JOBNAME $LSB_QUEUE [$LSB_HOSTS] ${LS_SUBCWD##*/} ${PWD##*/} $LSB_JOBINDEX $LSB_DJOB_NUMPROC"\n' +
    "echo problem >&2\nexit 5\n";
  assert.equal(
    (await transport.run(["bsub"], { stdin: script, cwd: "/home/user/work" })).stdout,
    "Job <1> is submitted to default queue <normal>.\n",
  );
  await cluster.runUntilIdle();
  assert.equal(
    await transport.readFile("/home/user/work/out.1"),
    "1 envjob normal [node1 node1] work work 0 2\nproblem\n",
  );
  assert.equal((await transport.run(["bjobs", ...FORMAT, "1"])).stdout, "1|EXIT|5|-\n");
  const job = cluster.job(1)!;
  assert.deepEqual(job.request.jobFiles!(job), {
    "/home/user/.lsbatch/1.hostfile": "node1\nnode1\n",
  });
  // Without -o LSF mails the output; the simulator keeps that mail as ~/.lsbatch-<id>.mail.
  await transport.run(["bsub", "echo", "mailed"], { cwd: "/home/user/work" });
  await cluster.runUntilIdle();
  assert.equal(await transport.readFile("/home/user/.lsbatch-2.mail"), "mailed\n");
});

Deno.test("lsfEmulator reports mbatchd-down and transient texts", () => {
  assert.deepEqual(lsfEmulator.unreachable("bjobs"), {
    code: 255,
    stdout: "",
    stderr:
      "batch system daemon not responding ... still trying\nTimeout on connect call to server\n",
  });
  assert.equal(
    lsfEmulator.unreachable("bsub").stderr.split("\n")[1],
    "Timeout on connect call to server. Job not submitted.",
  );
  assert.match(
    lsfEmulator.transientSubmitFailure("bsub").stderr,
    /Communication timeout\. Job not submitted\.\n$/,
  );
});
