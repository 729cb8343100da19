// bsub (sim/lsf/bsub.ts): parseBsub, and what bsub does end to end.
import assert from "node:assert/strict";
import { parseBsub } from "../../../sim/lsf/bsub.ts";
import { failureOf } from "../_common/_failure.ts";
import { FORMAT, lsf, SCRIPT } from "./_clusters.ts";

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

Deno.test("parseBsub() merges the command line and #BSUB lines into typed options", () => {
  const stdin = "#!/bin/bash\n#BSUB -J arr[1-7:3]%2\n#BSUB -n 4\n#BSUB -R span[ptile=2]\n" +
    "#BSUB -W 1:30\n#BSUB -o out.%J\necho hi\n";
  assert.deepEqual(
    parseBsub({
      args: [
        "-q",
        "short",
        "-M",
        "1GB",
        "-w",
        "done(1) && ended(b*)",
        "-P",
        "proj",
        "-H",
        "-gpu",
        "num=2",
        "-G",
        "grp",
        "-env",
        "none",
        "-cwd",
        "work",
        "-eo",
        "err",
      ],
      stdin,
    }),
    {
      script: stdin,
      jobName: "arr[1-7:3]%2",
      name: "arr",
      array: { indices: [1, 4, 7], maxConcurrent: 2 },
      arraySpec: "[1-7:3]",
      slots: 4,
      span: { ptile: 2 },
      runLimitSeconds: 5400,
      memoryMB: 1024,
      hold: true,
      project: "proj",
      dependency: {
        text: "done(1) && ended(b*)",
        terms: [{ type: "afterok", job: "1" }, { type: "afterany", job: "b*" }],
      },
      gpus: 2,
      env: "none",
      cwd: "work",
      outputFile: "out.%J",
      errorFile: "err",
      queue: "short",
      account: "grp",
    },
  );
  // A command on the command line: the job is named after it, #BSUB lines are not read.
  assert.deepEqual(parseBsub({ args: ["-n4", "sleep", "10"], stdin: "#BSUB -J x\n" }), {
    script: "sleep 10\n",
    command: "sleep 10",
    jobName: "sleep 10",
    name: "sleep 10",
    slots: 4,
    span: "packed",
    hold: false,
    project: "default",
  });
  assert.equal(
    parseBsub({ args: ["-R", "span[hosts=1]"], stdin: "#!/bin/sh\n" }).span,
    "one-host",
  );
});

Deno.test("parseBsub() fails with bsub's texts (exit 255), in the order bsub checks", () => {
  const parse = (args: string[], stdin = "#!/bin/bash\n") =>
    failureOf(() => parseBsub({ args, stdin }));
  const refused = (message: string) => ({ code: 255, stderr: `${message}. Job not submitted.\n` });
  assert.match(parse(["-Z", "x"]).stderr, /^bsub: illegal option -- Z\nUsage: bsub /);
  assert.match(parse(["-q"]).stderr, /^bsub: option requires an argument -- q\nUsage: bsub /);
  assert.deepEqual(parse([], " \n"), refused("No command is specified"));
  assert.match(parse([], "#!/bin/bash\n#BSUB -Z\n").stderr, /^bsub: illegal option -- Z\n/);
  assert.deepEqual(parse(["-J", "bad[0-3]"]), refused("bad[0-3]: Job array index error"));
  assert.deepEqual(parse(["-n", "0"]), refused("0: Bad argument"));
  assert.deepEqual(
    parse(["-R", "span[ptile=0]"]),
    refused("span[ptile=0]: Bad resource requirement syntax"),
  );
  assert.deepEqual(parse(["-W", "1.5"]), refused("1.5: Bad RUNLIMIT specification"));
  assert.deepEqual(parse(["-M", "lots"]), refused("lots: Bad argument"));
  assert.deepEqual(
    parse(["-w", "done(1) || done(2)"]),
    refused("done(1) || done(2): Dependency condition syntax error"),
  );
  // The first bad value is the one reported.
  assert.deepEqual(parse(["-n", "x", "-W", "y"]), refused("x: Bad argument"));
});
