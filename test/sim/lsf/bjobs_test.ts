// bjobs (sim/lsf/bjobs.ts, sim/lsf/_fields.ts).
import assert from "node:assert/strict";
import { fail, ok } from "../../../sim/_common/command_result.ts";
import { parseBjobs } from "../../../sim/lsf/bjobs.ts";
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
    noheader: true,
    json: false,
    user: "all",
    queue: "short",
    operands: ["12"],
  });
  assert.deepEqual(parseBjobs(["-json", "-o", "jobid stat", "-J", "arr*", "-P", "ignored"]), {
    states: new Set(),
    wide: false,
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
