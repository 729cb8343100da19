// The LSF backend against the simulator's OpenLava dialect: the poller learns from the first
// `bjobs -o` answer that this bjobs has none, and from then on asks `bjobs -l` for every run at
// once — one status command per round, whatever the number of runs.
import assert from "node:assert/strict";
import { lsf } from "../../../backends/lsf.ts";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { Status } from "../../../src/core/status.ts";
import { SimCluster } from "../../../sim/mod.ts";

Deno.test("runs on OpenLava are polled through bjobs -l, one command per round for all of them", async () => {
  await using cluster = new SimCluster({
    scheduler: "lsf",
    dialect: "openlava",
    execution: "model",
    model: (job) => ({
      runtimeSeconds: 30 * (job.id % 4),
      exitCode: job.request.name === "fail" ? 3 : 0,
    }),
  });
  const transport = cluster.transport();
  const ids: string[] = [];
  for (const name of ["one", "two", "fail"]) {
    const out = await transport.run(["bsub", "-J", name], { stdin: "#!/bin/bash\ntrue\n" });
    ids.push(/Job <(\d+)>/.exec(out.stdout)![1]!);
  }
  const runs = ids.map((jobId) => new AsyncResult({ jobId, backend: lsf, transport }));
  assert.deepEqual(await AsyncResult.waitAll(runs), [
    Status.COMPLETED,
    Status.COMPLETED,
    Status.FAILED,
  ]);
  assert.equal(runs[2]!.exitCode, 3);
  const queries = cluster.commandLog.filter((record) => record.argv[0] === "bjobs");
  assert.equal(queries.filter((record) => record.argv.includes("-o")).length, 1);
  const long = queries.filter((record) => record.argv[1] === "-l");
  assert.ok(long.length >= 2, `polled ${long.length} times`);
  // The first round after the switch asks for every run; later ones for those still running.
  assert.deepEqual(long[0]!.argv.slice(2).sort(), [...ids].sort());
  for (const record of long) assert.ok(record.argv.slice(2).every((id) => ids.includes(id)));
  const times = queries.map((record) => record.time);
  assert.equal(new Set(times).size, times.length - 1, "one bjobs per round (and the -o probe)");
});
