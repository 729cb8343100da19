// tracejob (sim/pbs/tracejob.ts).
import assert from "node:assert/strict";
import { ok } from "../../../sim/_common/command_result.ts";
import { SimCluster } from "../../../sim/mod.ts";
import { parseTracejob } from "../../../sim/pbs/tracejob.ts";
import { failureOf } from "../_common/_failure.ts";
import { torque } from "./_clusters.ts";

Deno.test("Torque tracejob reports Exit_status once the job left qstat", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\n" });
  await cluster.runUntilIdle();
  await cluster.advance(400_000);
  assert.equal((await transport.run(["qstat", "1"])).code, 153);
  const trace = await transport.run(["tracejob", "-q", "-n", "7", "1"]);
  assert.equal(trace.code, 0);
  assert.ok(
    trace.stdout.startsWith(
      "\nJob: 1.login1\n\n01/01/2026 00:00:00.000 S    enqueuing into batch, state 1 hop 1\n",
    ),
  );
  assert.match(
    trace.stdout,
    /\n01\/01\/2026 00:01:00\.000 S {4}Exit_status=3 resources_used\.cput=00:00:00 .*resources_used\.walltime=00:01:00\n/,
  );
});

Deno.test("Torque tracejob shows the end record only once accounting has it", async () => {
  await using cluster = new SimCluster({
    scheduler: "pbs",
    execution: "model",
    engine: { accountingLagMs: 60_000 },
    model: () => ({ runtimeSeconds: 60, exitCode: 3 }),
  });
  const transport = cluster.transport();
  await transport.run(["qsub"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(90_000);
  const early = await transport.run(["tracejob", "1"]);
  assert.match(early.stdout, /Job Run at request/);
  assert.doesNotMatch(early.stdout, /Exit_status=/);
  await cluster.advance(60_000);
  assert.match((await transport.run(["tracejob", "1"])).stdout, /S {4}Exit_status=3 /);
});

Deno.test("parseTracejob() takes one job identifier, skipping the values of -n -f -p -w -c", () => {
  assert.equal(parseTracejob(["-q", "-n", "7", "-f", "job", "12.server"]), "12.server");
  const usage = {
    code: 1,
    stderr:
      "usage: tracejob [-a|s|l|m|v] [-w size] [-p path] [-n days] [-f filter_type] job_identifier\n",
  };
  assert.deepEqual(failureOf(() => parseTracejob(["-n", "7"])), usage);
  assert.deepEqual(failureOf(() => parseTracejob(["1", "2"])), usage);
});

Deno.test("tracejob of an unknown or malformed id prints only the heading", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  assert.deepEqual(await transport.run(["tracejob", "99"]), ok("\nJob: 99.login1\n\n"));
  assert.equal((await transport.run(["tracejob", "x.y"])).stdout, "\nJob: x.y\n\n");
  assert.equal((await transport.run(["tracejob"])).code, 1);
});

Deno.test("Torque tracejob of an id it never knew prints what the server logged about it", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  // A dependency on it and a qdel of it are logged (raw/torque/037, 058 → 077); qstat is not.
  await transport.run(["qsub", "-W", "depend=afterok:99"], { stdin: "true\n" });
  await cluster.advance(1_500);
  await transport.run(["qstat", "99"]);
  await transport.run(["qdel", "99"]);
  assert.equal(
    (await transport.run(["tracejob", "-q", "-n", "7", "99"])).stdout,
    "\nJob: 99.login1\n\n01/01/2026 00:00:00.000 S    Unknown Job Id Error\n" +
      "01/01/2026 00:00:01.500 S    Unknown Job Id Error\n",
  );
});
