// bjobs (sim/lsf/bjobs.ts, sim/lsf/_fields.ts).
import assert from "node:assert/strict";
import { fail, ok } from "../../../sim/_common/command_result.ts";
import { parseBjobs } from "../../../sim/lsf/bjobs.ts";
import { SimCluster } from "../../../sim/mod.ts";
import { failureOf } from "../_common/_failure.ts";
import { fixture, FORMAT, lsf } from "./_clusters.ts";

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

Deno.test("parseBjobs() reads flags, bundled state letters, valued options and job ids", () => {
  assert.deepEqual(parseBjobs(["-pr", "-w", "-noheader", "-u", "all", "-q", "short", "12"]), {
    states: new Set(["p", "r"]),
    wide: true,
    long: false,
    arrays: false,
    noheader: true,
    json: false,
    user: "all",
    queue: "short",
    operands: ["12"],
  });
  assert.deepEqual(parseBjobs(["-json", "-o", "jobid stat", "-J", "arr*", "-P", "ignored"]), {
    states: new Set(),
    wide: false,
    long: false,
    arrays: false,
    noheader: false,
    json: true,
    format: "jobid stat",
    name: "arr*",
    operands: [],
  });
  assert.match(
    failureOf(() => parseBjobs(["-Z"])).stderr,
    /^bjobs: illegal option -- Z\nUsage: bjobs /,
  );
  assert.deepEqual(failureOf(() => parseBjobs(["-o"])).code, 255);
  assert.match(
    failureOf(() => parseBjobs(["-o"])).stderr,
    /^bjobs: option requires an argument -- o\nUsage: bjobs /,
  );
});

Deno.test("bjobs names what it did not find, and refuses unknown -o fields", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  const none = async (...args: string[]) => (await transport.run(["bjobs", ...args])).stderr;
  assert.equal(await none("-d"), "No DONE/EXIT job found\n");
  assert.equal(await none("-p"), "No pending job found\n");
  assert.equal(await none("-s"), "No suspended job found\n");
  assert.equal(await none("-J", "x*"), "Job <x*> is not found\n");
  await transport.run(["bsub", "-J", "one"], { stdin: "#!/bin/bash\n" });
  const bogus = fail(255, "bogus: Illegal field name in output format\n");
  assert.deepEqual(await transport.run(["bjobs", "-o", "jobid bogus"]), bogus);
  const aliased = await transport.run(["bjobs", "-o", "id:3 name:-6 proj", "-noheader", "1"]);
  assert.deepEqual(aliased, ok("1      one default\n"));
});

Deno.test("bjobs -p, -A and -l: pending reasons, array summaries and long records (LSF 10)", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "arr[1-3]", "-n", "4"], { stdin: "#!/bin/bash\nsleep 1\n" });
  await transport.run(["bsub", "-J", "held", "-H"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-J", "after", "-w", "done(2)"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(10_000);
  const pending = (await transport.run(["bjobs", "-p", "-noheader"])).stdout.split("\n");
  // Two elements fill both 4-core nodes; the third waits for slots.
  assert.match(pending[0]!, /^1 +user +PEND +normal .* arr\[3\] /);
  assert.equal(pending[1], " Not enough job slot(s): 2 hosts;");
  assert.equal(pending[3], " The job was suspended by the user while pending;");
  assert.equal(pending[5], " Job dependency condition not satisfied;");
  assert.equal(
    (await transport.run(["bjobs", "-A", "1"])).stdout,
    "JOBID    ARRAY_SPEC  OWNER   NJOBS PEND DONE  RUN EXIT SSUSP USUSP PSUSP\n" +
      "1        arr[1-3]     user       3    1    0    2    0     0     0     0\n",
  );
  const long = (await transport.run(["bjobs", "-l", "2"])).stdout;
  assert.match(
    long,
    /^\nJob <2>, Job Name <held>, User <user>, Project <default>, Status <PSUSP>, /,
  );
  assert.match(
    long,
    /: Submitted from host <login1> with hold, CWD <\$HOME>;\n PENDING REASONS:\n/,
  );
  assert.match(long, /\n SCHEDULING PARAMETERS:\n/);
  await cluster.advance(120_000);
  assert.match(
    (await transport.run(["bjobs", "-l", "1[1]"])).stdout.replace(/\n {21}/g, ""),
    /: Started 4 Task\(s\) on Host\(s\) <4\*node\d>, Allocated 4 Slot\(s\) on Host\(s\) <4\*node\d>, E/,
  );
});

Deno.test("bsub refuses more slots than any host of the queue holds (LSF 10 and OpenLava)", async () => {
  for (const dialect of ["lsf10", "openlava"] as const) {
    await using cluster = new SimCluster({
      scheduler: "lsf",
      dialect,
      execution: "model",
      model: () => ({ runtimeSeconds: 1, exitCode: 0 }),
    });
    const refused = await cluster.run(["bsub", "-n", "64", "-R", "span[hosts=1]", "sleep", "1"]);
    assert.deepEqual(refused, {
      code: 255,
      stdout: "",
      stderr: "Too many processors requested. Job not submitted.\n",
    });
    // OpenLava numbers the refused submission (raw/openlava/018, 019, 022 → 117 in 055).
    const next = await cluster.run(["bsub", "true"]);
    assert.equal(
      next.stdout,
      `Job <${dialect === "openlava" ? 2 : 1}> is submitted to default queue <normal>.\n`,
    );
  }
});
