/** Submissions: queue and array checks, defaults, job and array ids. */

import assert from "node:assert/strict";
import { SimSubmitRejection } from "../../../sim/mod.ts";
import { request, setup } from "./_engine_setup.ts";

Deno.test("submission checks: unknown queue and bad arrays are refused", () => {
  const { engine } = setup();
  assert.throws(
    () => engine.submit(request("x", { queue: "nosuch" })),
    (e: unknown) =>
      e instanceof SimSubmitRejection && e.code === "invalid-queue" && e.detail === "nosuch",
  );
  assert.throws(() => engine.submit(request("x", { array: { indices: [] } })), SimSubmitRejection);
  assert.throws(
    () => engine.submit(request("x", { array: { indices: [1], maxConcurrent: 0 } })),
    SimSubmitRejection,
  );
  assert.equal(engine.submit(request("x")).jobId, 1, "refusals use no id");
});

Deno.test("arrays: tasks share the array id, or (split) get their own as they start, the last keeps it", async () => {
  const shared = setup({ arrayTaskIds: "shared" });
  const a = shared.engine.submit(request("5s", { array: { indices: [1, 2, 3] } }));
  assert.deepEqual(a.jobs.map((j) => [j.id, j.arrayJobId, j.arrayTaskId]), [[1, 1, 1], [1, 1, 2], [
    1,
    1,
    3,
  ]]);
  assert.equal(shared.engine.submit(request("5s")).jobId, 2);

  const split = setup({ arrayTaskIds: "split" });
  const b = split.engine.submit(request("5s", { array: { indices: [1, 2, 3] } }));
  assert.equal(b.jobId, 1);
  await split.clock.runUntilIdle();
  assert.deepEqual(b.jobs.map((j) => j.id), [2, 3, 1]);
  assert.equal(split.engine.find(1).length, 3, "the array id still finds every task");
  assert.equal(split.engine.find(3)[0]?.arrayTaskId, 2);
  assert.equal(split.engine.submit(request("5s")).jobId, 4);
});
