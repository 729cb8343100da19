// bhist (sim/lsf/bhist.ts), read back by the LSF backend as clusterjob does.
import assert from "node:assert/strict";
import { parseBhist } from "../../../sim/lsf/bhist.ts";
import { wrapLsf10 as wrapLsfLine } from "../../../sim/lsf/dialect.ts";
import { failureOf } from "../_common/_failure.ts";
import { lsf as lsfBackend } from "../../../backends/lsf.ts";
import { QueryError } from "../../../src/core/errors.ts";
import { Status, statusName } from "../../../src/core/status.ts";
import { fixture, lsf } from "./_clusters.ts";

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

Deno.test("parseBhist() reads the format, state and selection options; -n must be a count", () => {
  assert.deepEqual(parseBhist(["-l", "-a", "-u", "all", "-P", "proj", "-n", "0", "1", "2[3]"]), {
    long: true,
    wide: false,
    states: new Set(["a"]),
    operands: ["1", "2[3]"],
    user: "all",
    project: "proj",
  });
  assert.deepEqual(parseBhist(["-dew", "-q", "short", "-J", "a*"]), {
    long: false,
    wide: true,
    states: new Set(["d", "e"]),
    operands: [],
    queue: "short",
    name: "a*",
  });
  assert.deepEqual(failureOf(() => parseBhist(["-n", "x"])), {
    code: 255,
    stderr: "bhist: The number of event log files must be a positive integer.\n",
  });
  assert.match(
    failureOf(() => parseBhist(["-b"])).stderr,
    /^bhist: invalid option -- 'b'\nUsage: bhist /,
  );
});
