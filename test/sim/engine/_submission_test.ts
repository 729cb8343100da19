/** Submissions: queue and array checks, defaults, job and array ids. */

import assert from "node:assert/strict";
import { type SimQueueSpec, SimSubmitRejection, type SimSubmitRequest } from "../../../sim/mod.ts";
import { checkArray, fillDefaults } from "../../../sim/engine/_submission.ts";
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

Deno.test("checkArray() accepts non-negative integer indices and a positive integer % limit", () => {
  checkArray(undefined);
  checkArray({ indices: [0, 7, 3] });
  checkArray({ indices: [1], maxConcurrent: 1 });
  const refusals: Array<[NonNullable<SimSubmitRequest["array"]>, string]> = [
    [{ indices: [] }, ""],
    [{ indices: [1, -1] }, "1,-1"],
    [{ indices: [1.5] }, "1.5"],
    [{ indices: [1], maxConcurrent: 0 }, "%0"],
    [{ indices: [1], maxConcurrent: 2.5 }, "%2.5"],
  ];
  for (const [array, detail] of refusals) {
    assert.throws(
      () => checkArray(array),
      (e: unknown) =>
        e instanceof SimSubmitRejection && e.code === "invalid-array" && e.detail === detail,
      JSON.stringify(array),
    );
  }
});

Deno.test("fillDefaults(): one node, one task of one core, memory per core, no GPU, the login host", () => {
  const defaults = { loginHost: "login9", memoryMBPerCpu: 300 };
  const filled = fillDefaults(
    request("j", { tasksPerNode: 2, cpusPerTask: 3 }),
    { name: "q" },
    defaults,
  );
  const { queue, submitHost, nodes, tasksPerNode, cpusPerTask, memoryMB, gpus } = filled;
  assert.deepEqual(
    { queue, submitHost, nodes, tasksPerNode, cpusPerTask, memoryMB, gpus },
    {
      queue: "q",
      submitHost: "login9",
      nodes: 1,
      tasksPerNode: 2,
      cpusPerTask: 3,
      memoryMB: 1800,
      gpus: 0,
    },
  );
  const given = request("j", { submitHost: "h", nodes: 2, memoryMB: 10, gpus: 1 });
  const kept = fillDefaults(given, { name: "q" }, defaults);
  assert.deepEqual([kept.submitHost, kept.nodes, kept.memoryMB, kept.gpus], ["h", 2, 10, 1]);
  assert.notEqual(kept, given, "the request itself is left alone");
  assert.equal(given.queue, undefined);
});

Deno.test("fillDefaults(): the walltime is the request's, the queue's default, its maximum, or none", () => {
  const defaults = { loginHost: "l", memoryMBPerCpu: 1 };
  const time = (request: SimSubmitRequest, queue: SimQueueSpec) =>
    fillDefaults(request, queue, defaults).timeLimitSeconds;
  const queue: SimQueueSpec = { name: "q", defaultTimeSeconds: 600, maxTimeSeconds: 3600 };
  assert.equal(time(request("j", { timeLimitSeconds: 60 }), queue), 60);
  assert.equal(time(request("j"), queue), 600);
  assert.equal(time(request("j"), { name: "q", maxTimeSeconds: 3600 }), 3600);
  assert.equal(time(request("j"), { name: "q" }), undefined);
  assert.equal("timeLimitSeconds" in fillDefaults(request("j"), { name: "q" }, defaults), false);
});
