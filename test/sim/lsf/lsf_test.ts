// LSF emulator (sim/lsf.ts `lsfEmulator`).
import assert from "node:assert/strict";
import { SimCluster, type SimJob } from "../../../sim/mod.ts";
import { lsfEmulator } from "../../../sim/lsf/mod.ts";
import {
  parseDependency,
  parseJobName,
  parseMemoryLimit,
  parseRunLimit,
} from "../../../sim/lsf/_values.ts";
import { wrapLsfLine } from "../../../sim/lsf/bhist.ts";
import { lsf as lsfBackend } from "../../../backends/lsf.ts";
import { QueryError } from "../../../src/core/errors.ts";
import { Status, statusName } from "../../../src/core/status.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`../../fixtures/lsf/sim/${name}`, import.meta.url));

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

Deno.test("bhist -l prints LSF's long history, wrapped at 79 columns with a 21-column indent", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-o", "out.%J", "-n", "2"], {
    stdin:
      "#!/bin/bash\n#BSUB -J hello\n#BSUB -W 30\necho hello from a job script with a rather long line\n",
  });
  await transport.run(["bsub", "-J", "fail", "-w", "done(1)"], { stdin: "#!/bin/bash\nexit 3\n" });
  await cluster.runUntilIdle();
  const history = await transport.run(["bhist", "-l", "1", "2"]);
  assert.deepEqual(history, { code: 0, stdout: await fixture("bhist_l.out"), stderr: "" });
  for (const line of history.stdout.split("\n")) assert.ok(line.length <= 79, line);
  assert.equal(wrapLsfLine("x".repeat(79)), "x".repeat(79));
  assert.equal(
    wrapLsfLine("a".repeat(79) + "b".repeat(60)),
    `${"a".repeat(79)}\n${" ".repeat(21)}${"b".repeat(58)}\n${" ".repeat(21)}bb`,
  );
});

Deno.test("bhist still knows jobs bjobs forgot after CLEAN_PERIOD; unknown ids, bad options", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "fail"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-J", "arr[1-2]"], { stdin: "#!/bin/bash\n" });
  await cluster.runUntilIdle();
  await cluster.advance(30 * 24 * 3600 * 1000);
  assert.equal((await transport.run(["bjobs", "1"])).stderr, "Job <1> is not found\n");
  const old = await transport.run(["bhist", "-l", "-n", "0", "1", "2", "77"]);
  assert.equal(old.code, 0);
  assert.match(old.stdout, /^\nJob <1>, Job Name <fail>, User <user>/);
  assert.match(old.stdout, /: Exited with exit code 3\. The CPU time used is 0\.0 seconds;\n/);
  // Array elements are records of their own, by element id.
  assert.match(old.stdout, /\nJob <2\[1\]>, Job Name <arr\[1\]>,/);
  assert.match(old.stdout, /\nJob <2\[2\]>, Job Name <arr\[2\]>,/);
  assert.equal(old.stdout.split(`${"-".repeat(78)}\n`).length, 3);
  assert.ok(!old.stdout.includes("Job <77>"));
  assert.deepEqual(await transport.run(["bhist", "-l", "77"]), {
    code: 255,
    stdout: "No matching job found\n",
    stderr: "",
  });
  // Without ids: the caller's unfinished jobs (none), or all of them with -a, as a table.
  assert.equal((await transport.run(["bhist"])).stdout, "No matching job found\n");
  assert.equal(
    (await transport.run(["bhist", "-a"])).stdout,
    "Summary of time in seconds spent in various states:\n" +
      "JOBID   USER    JOB_NAME  PEND    PSUSP   RUN     USUSP   SSUSP   UNKWN   TOTAL\n" +
      "1       user    fail      0       0       60      0       0       0       60        \n" +
      "2[1]    user    arr[1]    0       0       60      0       0       0       60        \n" +
      "2[2]    user    arr[2]    0       0       60      0       0       0       60        \n\n",
  );
  assert.equal((await transport.run(["bhist", "-a", "-J", "arr*"])).stdout.split("\n").length, 6);
  assert.equal((await transport.run(["bhist", "-a", "-u", "nobody"])).code, 255);
  assert.match(
    (await transport.run(["bhist", "-b"])).stderr,
    /^bhist: invalid option -- 'b'\nUsage: bhist/,
  );
  assert.deepEqual(await transport.run(["bhist", "-n", "x", "1"]), {
    code: 255,
    stdout: "",
    stderr: "bhist: The number of event log files must be a positive integer.\n",
  });
  assert.equal((await transport.run(["bhist", "-l", "x1"])).stderr, "x1: Bad job ID\n");
});

Deno.test("bhist events of kills, run limits, pending and running jobs read back by the backend", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "long", "-W", "5"], { stdin: "#!/bin/bash\n" }); // 1: run limit
  await transport.run(["bsub", "-J", "long"], { stdin: "#!/bin/bash\n" }); // 2: killed running
  await transport.run(["bsub", "-H", "sleep", "10"]); // 3: killed pending
  await transport.run(["bsub", "-J", "fail"], { stdin: "#!/bin/bash\n" }); // 4: exit 3
  await transport.run(["bsub", "-J", "long"], { stdin: "#!/bin/bash\n" }); // 5: still running
  await transport.run(["bsub", "-H", "-J", "later"], { stdin: "#!/bin/bash\n" }); // 6: held
  await cluster.advance(60_000);
  await transport.run(["bkill", "2", "3"]);
  await cluster.advance(600_000);
  const argv = lsfBackend.accountingCommands(["1", "2", "3", "4", "5", "6"])[0]!.argv;
  const output = await transport.run(argv);
  assert.match(
    output.stdout,
    /: Exited with exit code 140\. The CPU time used is 0\.0 second\n {21}s;\n.*: Completed <exit>; TERM_RUNLIMIT: job killed after reaching\n {21} LSF run time limit\.\n/,
  );
  assert.match(output.stdout, /: Signal <KILL> requested by user or administrator <user>;\n/);
  assert.match(output.stdout, /: Submitted from host <login1> with hold, to Queue <normal>,\n/);
  const infos = lsfBackend.parseAccounting(output, ["1", "2", "3", "4", "5", "6"]);
  const summary = Object.fromEntries(
    [...infos].map(([id, info]) => [id, `${statusName(info.status)} ${info.exitCode ?? "-"}`]),
  );
  assert.deepEqual(summary, {
    "1": "FAILED 140",
    "2": "CANCELLED 130",
    "3": "CANCELLED -",
    "4": "FAILED 3",
    "5": "RUNNING -",
    "6": "PENDING -",
  });
  assert.match(infos.get("1")?.reason ?? "", /^timeout: TERM_RUNLIMIT/);
  assert.ok(
    (await transport.run(["bhist", "-l", "6"])).stdout.includes(
      // Held since submission: 60 + 600 s pending-suspended.
      "\n  0        660      0        0        0        0        660         \n",
    ),
  );
});

Deno.test("bhist reads the event log itself: up while mbatchd is down, fails with accounting, lags with it", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "quick"], { stdin: "#!/bin/bash\n" });
  cluster.faults.accountingLag(120_000);
  await cluster.advance(61_000);
  // Finished, but the end is not in the log yet: bhist still tells a running job.
  const early = await transport.run(["bhist", "-l", "1"]);
  assert.ok(!early.stdout.includes("Done successfully"));
  assert.equal(
    lsfBackend.parseAccounting(early, ["1"]).get("1")?.status,
    Status.RUNNING,
  );
  await cluster.advance(120_000);
  cluster.faults.controllerDown();
  assert.equal((await transport.run(["bjobs", "1"])).code, 255);
  const late = await transport.run(["bhist", "-l", "1"]);
  assert.match(late.stdout, /: Done successfully\./);
  assert.equal(lsfBackend.parseAccounting(late, ["1"]).get("1")?.status, Status.COMPLETED);
  cluster.faults.setAccounting("down");
  const down = await transport.run(["bhist", "-l", "1"]);
  assert.deepEqual(down, {
    code: 255,
    stdout: "",
    stderr: "/usr/share/lsf/work/cluster1/logdir/lsb.events: No such file or directory\n",
  });
  assert.throws(() => lsfBackend.parseAccounting(down, ["1"]), QueryError);
});
