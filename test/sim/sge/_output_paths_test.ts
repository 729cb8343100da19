/**
 * Where SGE jobs write their output (sim/sge/_output_paths.ts), checked against the files the
 * recording listed.
 */

import assert from "node:assert/strict";
import { readRecording } from "../../_normalize.ts";
import { DIR, normJobOutput, shellCluster } from "./_recording.ts";

Deno.test("sge shell mode: output files <name>.o<id>/.e<id> in -cwd, or in $HOME without it (022, 023)", async () => {
  await using cluster = shellCluster(2);
  await cluster.run(["qsub", "ok.sh"], { cwd: DIR });
  await cluster.run(["qsub", "-terse", "fail.sh"], { cwd: DIR });
  await cluster.run(["qsub", "-N", "nocwd"], { cwd: DIR, stdin: "pwd\n" });
  await cluster.runUntilIdle();
  const read = (path: string) => normJobOutput(cluster, cluster.fs.readText(path) ?? "<missing>");
  const recorded = readRecording("sge", "022-job-output-files-cwd").stdout.split("\n");
  assert.equal(read(`${DIR}/ok.o2`), normJobOutput(cluster, recorded[4]! + "\n"));
  assert.equal(read(`${DIR}/ok.e2`), "");
  assert.equal(read(`${DIR}/fail.o3`), recorded[5] + "\n");
  assert.equal(read(`${DIR}/fail.e3`), recorded[6] + "\n");
  // Without -cwd the job runs in, and writes to, the home directory (023: `pwd` printed /root).
  assert.equal(read("/root/nocwd.o4"), "/root\n");
  assert.equal(read("/root/nocwd.e4"), "");
  const acct = await cluster.run(["qacct", "-j", "fail"], { cwd: DIR });
  assert.match(acct.stdout, /^exit_status {2}3 {19}$/m);
});
