/** Scheduling passes: FIFO and priority order, resource fit, backfill, the `%` limit of arrays. */

import assert from "node:assert/strict";
import { at, request, setup, t0 } from "./_engine_setup.ts";

Deno.test("jobs start in FIFO order as cores free up, with defaults filled in", async () => {
  const { engine, clock } = setup();
  const ids = ["10s", "10s", "10s", "10s"].map((n) => engine.submit(request(n)).jobId);
  assert.deepEqual(ids, [1, 2, 3, 4]);
  const first = engine.find(1)[0]!;
  assert.equal(first.request.memoryMB, 256);
  assert.equal(first.request.queue, "q");
  assert.equal(first.reason, "none", "not yet seen by a scheduling pass");
  await clock.sleep(0);
  assert.deepEqual(engine.jobs().map((j) => j.state), ["RUNNING", "RUNNING", "PENDING", "PENDING"]);
  assert.deepEqual(engine.jobs().map((j) => j.reason), ["none", "none", "resources", "priority"]);
  await clock.runUntilIdle();
  assert.deepEqual(engine.jobs().map((j) => [at(j, "startTime"), at(j, "endTime")]), [
    [0, 10],
    [0, 10],
    [10, 20],
    [10, 20],
  ]);
  assert.equal(first.nodeList[0], "n1");
});

Deno.test("resource fit counts tasks × cores per task, memory and GPUs per node", async () => {
  const { engine, clock } = setup({
    nodes: [
      { name: "a", cpus: 4, memoryMB: 4000 },
      { name: "b", cpus: 4, memoryMB: 8000, gpus: 2 },
    ],
  });
  engine.submit(request("10s", { tasksPerNode: 2, cpusPerTask: 2 })); // 4 cores: node a
  engine.submit(request("10s", { memoryMB: 5000 })); // only b has the memory
  engine.submit(request("10s", { gpus: 2, cpusPerTask: 2 })); // b: 3 cores left, GPUs free
  engine.submit(request("10s", { nodes: 2 })); // needs a core on both: a is full
  await clock.sleep(0);
  const [j1, j2, j3, j4] = engine.jobs();
  assert.deepEqual([j1!.nodeList, j2!.nodeList, j3!.nodeList], [["a"], ["b"], ["b"]]);
  assert.equal(j4!.state, "PENDING");
  await clock.runUntilIdle();
  assert.deepEqual(j4!.nodeList, ["a", "b"]);
  assert.equal(at(j4, "startTime"), 10);
});

Deno.test("backfill: a short job with a limit runs ahead of a blocked one, an unlimited one does not", async () => {
  const { engine, clock } = setup();
  engine.submit(request("100s", { cpusPerTask: 1, timeLimitSeconds: 100 })); // runs, 1 core left
  const big = engine.submit(request("10s", { cpusPerTask: 2 })).jobs[0]!; // blocked until t=100
  const short = engine.submit(request("50s", { timeLimitSeconds: 60 })).jobs[0]!; // ends before 100
  const long = engine.submit(request("50s")).jobs[0]!; // no limit: could delay the big one
  await clock.sleep(1); // the main pass, then the first backfill pass
  assert.equal(big.reason, "resources");
  assert.equal(short.state, "RUNNING");
  assert.equal(long.state, "PENDING");
  assert.equal(long.reason, "priority");
  await clock.runUntilIdle();
  assert.equal(at(big, "startTime"), 100);
  assert.equal(at(long, "startTime"), 110);
});

Deno.test("a priority above the default starts first", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }] });
  engine.submit(request("10s"));
  const low = engine.submit(request("10s")).jobs[0]!;
  const high = engine.submit(request("10s", { priority: 10 })).jobs[0]!;
  await clock.runUntilIdle();
  assert.ok(high.startTime! < low.startTime!);
});

Deno.test("arrays: the % limit caps running tasks and shows JobArrayTaskLimit", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 8, memoryMB: 8000 }] });
  const { jobs } = engine.submit(
    request("10s", { array: { indices: [0, 4, 8, 12], maxConcurrent: 2 } }),
  );
  let peak = 0;
  engine.onChange(() => peak = Math.max(peak, jobs.filter((j) => j.state === "RUNNING").length));
  await clock.sleep(0);
  assert.deepEqual(jobs.map((j) => j.state), ["RUNNING", "RUNNING", "PENDING", "PENDING"]);
  assert.equal(jobs[2]!.reason, "array-task-limit");
  await clock.runUntilIdle();
  assert.equal(peak, 2);
  assert.deepEqual(jobs.map((j) => at(j, "startTime")), [0, 0, 10, 10]);
  assert.deepEqual(jobs.map((j) => j.arrayTaskId), [0, 4, 8, 12]);
});

Deno.test("ten thousand queued jobs drain without quadratic scans", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 4, memoryMB: 100_000 }] });
  for (let i = 0; i < 10_000; i++) engine.submit(request("1s"));
  await clock.runUntilIdle();
  assert.ok(engine.jobs().every((j) => j.state === "COMPLETED"));
  assert.equal(clock.now() - t0, 2500 * 1000);
});
