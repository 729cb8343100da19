/**
 * Accounting records of SGE jobs (sim/sge/_qacct_record.ts) for jobs that ran for real.
 */

import assert from "node:assert/strict";
import { shellWords } from "../../_normalize.ts";
import { DIR, shellCluster } from "./_recording.ts";

Deno.test("sge shell mode: h_rt kills the job's process group; qacct says so", async () => {
  await using cluster = shellCluster(18);
  const began = Date.now();
  const out = await cluster.run(shellWords("qsub -terse -N tmo -l h_rt=0:0:1 sleep.sh 300"), {
    cwd: DIR,
  });
  assert.equal(out.stdout, "18\n");
  await cluster.runUntilIdle();
  assert.ok(Date.now() - began < 10_000);
  const acct = await cluster.run(["qacct", "-j", "18"], { cwd: DIR });
  assert.match(acct.stdout, /^failed {7}37 {2}: qmaster enforced h_rt, h_cpu, or h_vmem limit$/m);
  assert.match(acct.stdout, /^exit_status {2}137 {18}\(Killed\)$/m);
  assert.match(acct.stdout, /^ru_wallclock 1s$/m);
});
