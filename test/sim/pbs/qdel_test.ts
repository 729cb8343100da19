// qdel of Torque and PBS Pro (sim/pbs/qdel.ts).
import assert from "node:assert/strict";
import { ok } from "../../../sim/_common/command_result.ts";
import { pbspro, torque } from "./_clusters.ts";

Deno.test("Torque qdel: running job ends with exit_status 271, unknown and finished ids fail", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "long"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(5000);
  assert.deepEqual(await transport.run(["qdel", "1"]), { code: 0, stdout: "", stderr: "" });
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /exit_status = 271\n/);
  assert.deepEqual(await transport.run(["qdel", "1"]), {
    code: 170,
    stdout: "",
    stderr:
      "qdel: Request invalid for state of job MSG=invalid state for job - COMPLETE 1.login1\n",
  });
  // Torque's qdel words an unknown id itself (raw/torque/058).
  assert.deepEqual(await transport.run(["qdel", "99"]), {
    code: 153,
    stdout: "",
    stderr: "qdel: nonexistent job id: 99.login1\n",
  });
});

Deno.test("PBS Pro qdel of a running job gives Exit_status 271; -h and qrls", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "long"], { stdin: "#!/bin/bash\n" });
  await transport.run(["qsub", "-h", "-W", "depend=afterany:1"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(1000);
  assert.match((await transport.run(["qstat", "2"])).stdout, /\n2\.login1 +STDIN +user +0 H workq/);
  assert.deepEqual(await transport.run(["qdel", "1"]), { code: 0, stdout: "", stderr: "" });
  // The mom kills it after kill_delay and reports at its next poll: 11 s (raw/openpbs/061).
  await cluster.advance(10_000);
  assert.equal(cluster.job(1)!.state, "RUNNING");
  await cluster.advance(1_000);
  const full = (await transport.run(["qstat", "-x", "-f", "1"])).stdout;
  assert.match(full, /\n {4}Exit_status = 271\n/);
  assert.match(full, /\n {4}resources_used\.walltime = 00:00:12\n/);
  await transport.run(["qrls", "2"]);
  await cluster.runUntilIdle();
  assert.equal(cluster.job(2)!.state, "COMPLETED");
});

Deno.test("qdel of one subjob deletes only that subjob", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-t", "1-3", "-h"], { stdin: "#!/bin/bash\n" });
  assert.deepEqual(await transport.run(["qdel", "1[2].login1"]), ok(""));
  assert.deepEqual(cluster.jobs().map((job) => job.state), ["PENDING", "CANCELLED", "PENDING"]);
});
