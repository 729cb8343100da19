// bresume (sim/lsf/bresume.ts).
import assert from "node:assert/strict";
import { fail } from "../../../sim/_common/command_result.ts";
import { lsf } from "./_clusters.ts";

Deno.test("bresume releases a held job, which then runs; unknown ids are refused", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-H"], { stdin: "#!/bin/bash\n" });
  const answer = await transport.run(["bresume", "1", "7"]);
  assert.deepEqual(
    answer,
    fail(255, "Job <7>: No matching job found\n", "Job <1> is being resumed\n"),
  );
  await cluster.advance(1000);
  assert.equal(cluster.job(1)!.state, "RUNNING");
});
