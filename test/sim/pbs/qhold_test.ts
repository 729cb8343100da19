// qhold and qrls (sim/pbs/qhold.ts, sim/pbs/qrls.ts).
import assert from "node:assert/strict";
import { fail } from "../../../sim/_common/command_result.ts";
import { torque } from "./_clusters.ts";

Deno.test("Torque hold and release: qsub -h, qrls, qhold", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-h"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(5000);
  assert.equal(cluster.job(1)!.state, "PENDING");
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /Hold_Types = u\n/);
  assert.deepEqual(await transport.run(["qrls", "1"]), { code: 0, stdout: "", stderr: "" });
  await cluster.advance(1000);
  assert.equal(cluster.job(1)!.state, "RUNNING");
  assert.deepEqual(await transport.run(["qhold", "1"]), {
    code: 170,
    stdout: "",
    stderr: "qhold: Request invalid for state of job 1.login1\n",
  });
});

Deno.test("qhold and qrls: usage, illegally formed and unknown ids, finished jobs", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub"], { stdin: "#!/bin/bash\n" });
  await cluster.runUntilIdle();
  const usage = (options: string) => fail(2, `usage:\n\t${options}job_identifier...\n`);
  assert.deepEqual(await transport.run(["qhold"]), usage("qhold "));
  assert.deepEqual(await transport.run(["qrls", "-Q", "1"]), usage("qrls [-W force] "));
  const refusals = [
    "illegally formed job identifier: zz",
    "Unknown Job Id Error 99.login1",
    "Request invalid for state of job MSG=invalid state for job - COMPLETE 1.login1",
  ];
  assert.deepEqual(
    await transport.run(["qrls", "zz", "99", "1"]),
    fail(170, refusals.map((refusal) => `qrls: ${refusal}\n`).join("")),
  );
});
