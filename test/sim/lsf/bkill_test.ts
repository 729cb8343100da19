// bkill (sim/lsf/bkill.ts) and what the signal commands share (sim/lsf/_signal.ts).
import assert from "node:assert/strict";
import { fail, ok } from "../../../sim/_common/command_result.ts";
import { lsf } from "./_clusters.ts";

Deno.test("bkill kills elements and whole arrays; 0 names every unfinished job of the caller", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "arr[1-3]", "-H"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-H", "sleep", "1"]);
  assert.deepEqual(await transport.run(["bkill", "1[2]"]), ok("Job <1[2]> is being terminated\n"));
  const all = await transport.run(["bkill", "-r", "-s", "KILL", "0"]);
  assert.deepEqual(
    all,
    ok(["1[1]", "1[3]", "2"].map((id) => `Job <${id}> is being terminated\n`).join("")),
  );
  assert.deepEqual(cluster.jobs().map((job) => job.state), Array(4).fill("CANCELLED"));
  const refused = fail(255, "x: Bad job ID\nJob <1[2]>: Job has already finished\n");
  assert.deepEqual(await transport.run(["bkill", "x", "1[2]"]), refused);
});

Deno.test("bkill refuses unknown options and wants a job", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  assert.deepEqual(
    await transport.run(["bkill", "-Z", "1"]),
    fail(255, "bkill: illegal option -- Z\n"),
  );
  const usage = await transport.run(["bkill"]);
  assert.equal(usage.code, 255);
  assert.match(usage.stderr, /^Job ID or one of '-m', '-u' '-q' and '-J' must be specified\.\n/);
  assert.match(usage.stderr, /\nUsage: bkill \[-h\] \[-V\] /);
});
