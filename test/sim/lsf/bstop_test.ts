// bstop (sim/lsf/bstop.ts).
import assert from "node:assert/strict";
import { fail } from "../../../sim/_common/command_result.ts";
import { lsf } from "./_clusters.ts";

Deno.test("bstop holds a pending job (PSUSP) and refuses a running one", async () => {
  await using cluster = lsf();
  const transport = cluster.transport();
  await transport.run(["bsub", "-J", "long"], { stdin: "#!/bin/bash\n" });
  await transport.run(["bsub", "-J", "waits", "-w", "done(1)"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(1000);
  const refusal = "Job <1>: Operation not supported for a running job in this simulator\n";
  const answer = await transport.run(["bstop", "2", "1"]);
  assert.deepEqual(answer, fail(255, refusal, "Job <2> is being stopped\n"));
  assert.equal(cluster.job(2)!.held, "user");
  assert.equal((await transport.run(["bjobs", "-noheader", "-o", "stat", "2"])).stdout, "PSUSP\n");
});
