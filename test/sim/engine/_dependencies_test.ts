/** Dependencies between jobs: after, afterok, afternotok, afterany, arrays. */

import assert from "node:assert/strict";
import { at, request, setup } from "./_engine_setup.ts";

Deno.test("dependencies: after, afterok, afternotok, afterany; afterok on a failure never runs", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 8, memoryMB: 8000 }] });
  const ok = engine.submit(request("10s")).jobId;
  const bad = engine.submit(request("10s-exit1")).jobId;
  const dep = (type: "after" | "afterok" | "afternotok" | "afterany", id: number) =>
    engine.submit(request("1s", { dependencies: [{ type, jobIds: [id] }] })).jobs[0]!;
  const after = dep("after", ok);
  const okOnOk = dep("afterok", ok);
  const okOnBad = dep("afterok", bad);
  const notOkOnBad = dep("afternotok", bad);
  const notOkOnOk = dep("afternotok", ok);
  const anyOnBad = dep("afterany", bad);
  const unknown = dep("afterok", 999999);
  assert.equal(okOnOk.reason, "dependency");
  await clock.runUntilIdle();
  assert.equal(at(after, "startTime"), 0, "after: once the other started");
  assert.equal(at(okOnOk, "startTime"), 10);
  assert.equal(at(notOkOnBad, "startTime"), 10);
  assert.equal(at(anyOnBad, "startTime"), 10);
  assert.equal(at(unknown, "startTime"), 0, "an unknown id counts as satisfied, as in SLURM");
  for (const never of [okOnBad, notOkOnOk]) {
    assert.deepEqual([never.state, never.reason], ["PENDING", "dependency-never-satisfied"]);
  }
});

Deno.test("a dependency on an array waits for all its tasks", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 1, memoryMB: 8000 }] });
  const array = engine.submit(request("10s", { array: { indices: [1, 2, 3] } })).jobId;
  const after = engine.submit(
    request("1s", { dependencies: [{ type: "afterok", jobIds: [array] }] }),
  )
    .jobs[0]!;
  await clock.runUntilIdle();
  assert.equal(at(after, "startTime"), 30);
});
