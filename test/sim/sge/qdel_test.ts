// qdel (sim/sge/qdel.ts): its argument parsing, and the error-state jobs it removes from qstat.
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { parseQdelArgs } from "../../../sim/sge/qdel.ts";

Deno.test("parseQdelArgs() reads job lists, -t and -u, and skips -f", () => {
  assert.deepEqual(parseQdelArgs(["-f", "1,2", "3.2-4", "-t", "1-3:2", "-u", "a,b", "job"]), {
    targets: ["1", "2", "3.2-4", "job"],
    tasks: { first: 1, last: 3, step: 2 },
    users: ["a", "b"],
  });
  assert.deepEqual(parseQdelArgs([]), { targets: [] });
});

Deno.test("parseQdelArgs() treats an invalid -t as no task range (every task)", () => {
  assert.deepEqual(parseQdelArgs(["21", "-t", "x"]), { targets: ["21"] });
  assert.deepEqual(parseQdelArgs(["21", "-t", "3", "-t", "0"]), { targets: ["21"] });
});

Deno.test("a job in the error state stays in qstat and qstat -j by name long after it ended, until qdel", async () => {
  await using cluster = new SimCluster({
    scheduler: "sge",
    execution: "model",
    model: (job) => ({ runtimeSeconds: 10, exitCode: job.request.name === "broken" ? 100 : 0 }),
  });
  const transport = cluster.transport();
  await transport.writeFile("~/job.sh", "#!/bin/bash\ntrue\n");
  await transport.run(["qsub", "-N", "broken", "job.sh"]);
  await transport.run(["qsub", "-N", "fine", "job.sh"]);
  await cluster.advance(3_600_000);
  await transport.run(["qsub", "-N", "late", "job.sh"]);
  const listing = (await transport.run(["qstat"])).stdout;
  assert.match(listing, /\n {6}1 0\.50000 broken +user +Eqw /);
  assert.match(listing, /\n {6}3 0\.25000 late +user +qw /);
  assert.doesNotMatch(listing, /fine/);
  assert.match((await transport.run(["qstat", "-j", "broken"])).stdout, /job_number: +1\n/);
  assert.equal((await transport.run(["qdel", "broken"])).code, 0);
  assert.doesNotMatch((await transport.run(["qstat"])).stdout, /broken/);
  assert.equal((await transport.run(["qstat", "-j", "broken"])).code, 1);
});
