/** Scheduling passes: FIFO and priority order, resource fit, backfill, the `%` limit of arrays. */

import assert from "node:assert/strict";
import { type SimSubmitRequest, VirtualClock } from "../../../sim/mod.ts";
import { type Allocation, type ArrayGroup, JobRecord } from "../../../sim/engine/_job_record.ts";
import { NodePool } from "../../../sim/engine/_nodes.ts";
import { Scheduler, type SchedulerOptions } from "../../../sim/engine/_scheduling.ts";
import { at, request, setup, sized, t0 } from "./_engine_setup.ts";

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

/** A scheduler over one 2-core node whose `start` claims the allocation and records the job. */
function scheduler(options: Partial<SchedulerOptions> = {}) {
  const clock = new VirtualClock();
  const nodes = new NodePool([{ name: "n1", cpus: 2, memoryMB: 4000 }], [{ name: "q" }]);
  const started: JobRecord[] = [];
  const start = (job: JobRecord, allocation: Allocation[]) => {
    nodes.claim(job, allocation);
    job.state = "RUNNING";
    started.push(job);
  };
  const s = new Scheduler({
    clock,
    nodes,
    queueCount: 1,
    backfillDepth: 100,
    backfillIntervalMs: 30_000,
    delayMs: 0,
    start,
    ...options,
  });
  let seq = 0;
  const job = (name: string, extra: Partial<SimSubmitRequest> = {}) => {
    return new JobRecord(s, ++seq, seq, sized({ name, ...extra }), "q", clock.now());
  };
  return { scheduler: s, clock, nodes, started, job };
}

Deno.test("Scheduler: a pass starts eligible jobs by priority, then submission order, while they fit", async () => {
  const { scheduler: s, clock, started, job } = scheduler();
  const jobs = [job("a"), job("b"), job("c", { priority: 5 }), job("d")];
  for (const j of jobs) s.push(j);
  s.push(jobs[0]!); // queued once only
  s.requestPass();
  await clock.runUntilIdle();
  assert.deepEqual(started.map((j) => j.request.name), ["c", "a"]);
  assert.deepEqual([jobs[1]!.reason, jobs[3]!.reason], ["resources", "priority"]);
  assert.equal(s.passes, 1);
});

Deno.test("Scheduler.requestPass() runs one pass after the delay, however often it is asked", async () => {
  const { scheduler: s, clock } = scheduler({ delayMs: 500 });
  s.requestPass();
  s.requestPass();
  assert.equal(clock.pendingEvents, 1);
  await clock.sleep(499);
  assert.equal(s.passes, 0);
  await clock.sleep(1);
  assert.equal(s.passes, 1);
  s.requestPass();
  await clock.runUntilIdle();
  assert.equal(s.passes, 2);
});

Deno.test("Scheduler: backfill passes run at most once per interval", async () => {
  const { scheduler: s, clock, job } = scheduler({ backfillIntervalMs: 10_000 });
  s.push(job("one core", { timeLimitSeconds: 3600 }));
  s.requestPass();
  await clock.sleep(0);
  s.push(job("two cores", { cpusPerTask: 2 })); // blocked: a backfill pass is wanted
  s.requestPass();
  await clock.sleep(1);
  assert.equal(s.passes, 3, "two main passes and the first backfill pass");
  for (let i = 0; i < 5; i++) {
    s.requestPass();
    await clock.sleep(1000);
  }
  assert.equal(s.passes, 3 + 5, "five main passes, no backfill within the interval");
  await clock.sleep(5000);
  assert.equal(s.passes, 3 + 5 + 1, "the next backfill pass, once the interval is over");
});

Deno.test("Scheduler.becameEligible() and unpark() queue a job afresh with reason none", async () => {
  const { scheduler: s, clock, started, job } = scheduler();
  const held = job("held");
  held.held = "user";
  s.becameEligible(held);
  assert.equal(clock.pendingEvents, 0, "still held: nothing to do");
  delete held.held;
  held.storedReason = "resources";
  s.becameEligible(held);
  assert.equal(held.reason, "none");
  await clock.runUntilIdle();
  assert.deepEqual(started, [held]);

  const [gone, next, last] = [job("gone"), job("next"), job("last")];
  gone.state = "CANCELLED";
  const group: ArrayGroup = {
    id: 9,
    maxConcurrent: 1,
    running: 0,
    tasks: [gone, next, last],
    parked: [gone, next, last],
    pending: 2,
  };
  for (const task of group.parked) task.parked = true;
  s.unpark(group);
  assert.deepEqual(group.parked, [last], "the finished task is dropped, the next one released");
  assert.deepEqual([gone.parked, next.parked, next.inQueue, last.inQueue], [
    false,
    false,
    true,
    false,
  ]);
});

Deno.test("backfill looks at most backfillDepth jobs behind a blocked one", async () => {
  const run = async (backfillDepth: number) => {
    const { engine, clock } = setup({ backfillDepth });
    engine.submit(request("100s", { timeLimitSeconds: 100 })); // 1 of 2 cores
    engine.submit(request("10s", { cpusPerTask: 2 })); // blocked until t=100
    engine.submit(request("10s", { cpusPerTask: 2 })); // behind it
    const short = engine.submit(request("10s", { timeLimitSeconds: 10 })).jobs[0]!;
    await clock.sleep(1);
    return short.state;
  };
  assert.equal(await run(100), "RUNNING");
  assert.equal(await run(1), "PENDING");
});

Deno.test("a periodic scheduler acts on a change at the next whole period after the delay", async () => {
  const { engine, clock } = setup({ schedulerDelayMs: 490, schedulerPeriodMs: 1000 });
  await clock.sleep(300);
  engine.submit(request("0s")); // due at 0.79 s: the pass runs at 1 s
  engine.submit(request("2s"));
  engine.submit(request("0s")); // no core until the first ends: 1.49 s, so 2 s
  await clock.runUntilIdle();
  assert.deepEqual(engine.jobs().map((j) => [at(j, "startTime"), at(j, "endTime")]), [
    [1, 1],
    [1, 3],
    [2, 2],
  ]);
});
