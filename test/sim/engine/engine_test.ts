/** The simulator's engine: scheduling, limits, dependencies, arrays, accounting, failures. */

import assert from "node:assert/strict";
import {
  SimEngine,
  type SimEngineOptions,
  type SimJob,
  SimSubmitRejection,
  type SimSubmitRequest,
  VirtualClock,
} from "../../../sim/mod.ts";

/** Runtime and exit code from the job name: `<seconds>s` or `<seconds>s-exit<code>`. */
function byName(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const match = /^(\d+)s(?:-exit(\d+))?/.exec(job.request.name);
  return { runtimeSeconds: Number(match?.[1] ?? 1), exitCode: Number(match?.[2] ?? 0) };
}

function setup(
  options: Partial<SimEngineOptions> = {},
): { engine: SimEngine; clock: VirtualClock } {
  const clock = new VirtualClock();
  const engine = new SimEngine({
    kind: "slurm",
    clock,
    nodes: [{ name: "n1", cpus: 2, memoryMB: 4000 }],
    queues: [{ name: "q", default: true }],
    model: byName,
    ...options,
  });
  return { engine, clock };
}

function request(name: string, extra: Partial<SimSubmitRequest> = {}): SimSubmitRequest {
  return { name, script: "#!/bin/bash\n", workdir: "/home/u", user: "u", ...extra };
}

const t0 = Date.UTC(2026, 0, 1);
const at = (job: SimJob | undefined, key: "startTime" | "endTime") =>
  job?.[key] === undefined ? undefined : (job[key]! - t0) / 1000;

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

Deno.test("walltime: a job running past its limit ends as TIMEOUT at the limit", async () => {
  const { engine, clock } = setup();
  const job = engine.submit(request("500s", { timeLimitSeconds: 60 })).jobs[0]!;
  await clock.runUntilIdle();
  assert.equal(job.state, "TIMEOUT");
  assert.equal(job.reason, "walltime");
  assert.equal(at(job, "endTime"), 60);
  assert.equal(job.signal, 15);
});

Deno.test("exit codes: 0 completes, anything else fails", async () => {
  const { engine, clock } = setup();
  const good = engine.submit(request("1s")).jobs[0]!;
  const bad = engine.submit(request("1s-exit3")).jobs[0]!;
  await clock.runUntilIdle();
  assert.deepEqual([good.state, good.exitCode], ["COMPLETED", 0]);
  assert.deepEqual([bad.state, bad.exitCode, bad.reason], ["FAILED", 3, "nonzero-exit"]);
});

Deno.test("cancel: pending jobs never start, running ones are killed; finished ones are left alone", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }] });
  const running = engine.submit(request("100s")).jobs[0]!;
  const pending = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(5000);
  assert.deepEqual(engine.cancel(pending.id, { uid: 0 }).map((j) => j.id), [pending.id]);
  assert.deepEqual([pending.state, pending.startTime, pending.cancelledBy], [
    "CANCELLED",
    undefined,
    0,
  ]);
  engine.cancel(running.id);
  assert.deepEqual([running.state, running.signal, at(running, "endTime")], ["CANCELLED", 15, 5]);
  assert.deepEqual(engine.cancel(running.id), []);
  assert.deepEqual(engine.cancel(424242), []);
});

Deno.test("cancel with grace: the job keeps running, marked terminating, until the kill lands", async () => {
  const { engine, clock } = setup();
  const job = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(1000);
  engine.cancel(job.id, { graceMs: 2000 });
  assert.deepEqual([job.state, job.terminating], ["RUNNING", true]);
  await clock.sleep(2000);
  assert.equal(job.state, "CANCELLED");
  assert.equal(job.terminating, undefined);
  assert.equal(at(job, "endTime"), 3);
});

Deno.test("hold and release: a held job waits with JobHeldUser/JobHeldAdmin, then runs", async () => {
  const { engine, clock } = setup();
  const held = engine.submit(request("10s", { hold: true })).jobs[0]!;
  const other = engine.submit(request("10s")).jobs[0]!;
  await clock.sleep(0);
  assert.equal(held.reason, "held-user");
  engine.hold(other.id, "admin");
  assert.deepEqual(engine.hold(other.id), [], "a running job cannot be held");
  assert.deepEqual(engine.release(held.id).map((j) => j.id), [held.id]);
  assert.equal(held.reason, "none");
  await clock.runUntilIdle();
  assert.equal(held.state, "COMPLETED");
  const late = engine.submit(request("10s")).jobs[0]!;
  engine.hold(late.id, "admin");
  assert.equal(late.reason, "held-admin");
  await clock.runUntilIdle();
  assert.equal(late.state, "PENDING");
});

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

Deno.test("limit policies: pend with a reason, reject, or reject but record under a used id", () => {
  const { engine } = setup({
    queues: [{ name: "q", default: true, maxTimeSeconds: 3600 }],
    limits: { cpus: "pend", nodes: "pend", memory: "reject-recorded", time: "reject" },
  });
  const wide = engine.submit(request("x", { cpusPerTask: 64, memoryMB: 100 })).jobs[0]!;
  assert.equal(wide.reason, "over-queue-limit");
  assert.equal(engine.submit(request("x", { nodes: 2 })).jobs[0]!.reason, "over-node-limit");
  assert.throws(
    () => engine.submit(request("x", { timeLimitSeconds: 7200 })),
    (e: unknown) =>
      e instanceof SimSubmitRejection && e.code === "time-limit" && e.jobId === undefined,
  );
  assert.throws(
    () => engine.submit(request("x", { memoryMB: 100_000 })),
    (e: unknown) =>
      e instanceof SimSubmitRejection && e.code === "too-much-memory" && e.jobId === 3,
  );
  const recorded = engine.find(3)[0]!;
  assert.deepEqual([recorded.state, recorded.reason], ["FAILED", "over-memory"]);
  assert.equal(engine.submit(request("x")).jobId, 4);
});

Deno.test("accounting knows a finished job only after the lag", async () => {
  const { engine, clock } = setup({ accountingLagMs: 5000 });
  const job = engine.submit(request("10s")).jobs[0]!;
  await clock.sleep(11_000);
  assert.equal(job.state, "COMPLETED");
  assert.equal(engine.accounting().length, 0);
  assert.equal(engine.isAccounted(job), false);
  await clock.sleep(5000);
  assert.deepEqual(engine.accounting(), [job]);
  engine.accountingLagMs = 0;
  assert.equal(engine.isAccounted(job), true);
});

Deno.test("node failure ends its running jobs as NODE_FAIL; nothing starts there until it resumes", async () => {
  const { engine, clock } = setup({
    nodes: [{ name: "a", cpus: 1, memoryMB: 1000 }, { name: "b", cpus: 1, memoryMB: 1000 }],
  });
  const onA = engine.submit(request("100s")).jobs[0]!;
  const onB = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(0);
  assert.deepEqual(engine.failNode("a").map((j) => j.id), [onA.id]);
  assert.equal(onA.state, "NODE_FAIL");
  const next = engine.submit(request("1s")).jobs[0]!;
  await clock.sleep(50_000);
  assert.equal(next.state, "PENDING", "node a is down, b is busy");
  engine.resumeNode("a");
  await clock.sleep(2000);
  assert.equal(next.state, "COMPLETED");
  assert.equal(onB.state, "RUNNING");
  assert.throws(() => engine.failNode("nosuch"), /unknown node/);
});

Deno.test("preemption ends a running job as PREEMPTED", async () => {
  const { engine, clock } = setup();
  const job = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(1000);
  assert.equal(engine.preempt(job.id).length, 1);
  assert.equal(job.state, "PREEMPTED");
  assert.deepEqual(engine.preempt(job.id), []);
});

Deno.test("a priority above the default starts first", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }] });
  engine.submit(request("10s"));
  const low = engine.submit(request("10s")).jobs[0]!;
  const high = engine.submit(request("10s", { priority: 10 })).jobs[0]!;
  await clock.runUntilIdle();
  assert.ok(high.startTime! < low.startTime!);
});

Deno.test("ten thousand queued jobs drain without quadratic scans", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 4, memoryMB: 100_000 }] });
  for (let i = 0; i < 10_000; i++) engine.submit(request("1s"));
  await clock.runUntilIdle();
  assert.ok(engine.jobs().every((j) => j.state === "COMPLETED"));
  assert.equal(clock.now() - t0, 2500 * 1000);
});
