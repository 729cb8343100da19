/** A job's run and end: walltime, exit codes, cancel (with and without grace), preemption. */

import assert from "node:assert/strict";
import { at, request, setup } from "./_engine_setup.ts";

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

Deno.test("preemption ends a running job as PREEMPTED", async () => {
  const { engine, clock } = setup();
  const job = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(1000);
  assert.equal(engine.preempt(job.id).length, 1);
  assert.equal(job.state, "PREEMPTED");
  assert.deepEqual(engine.preempt(job.id), []);
});

Deno.test("onChange() reports every start and end until its remover is called", async () => {
  const { engine, clock } = setup();
  const seen: string[] = [];
  const remove = engine.onChange((job) => seen.push(`${job.id}:${job.state}`));
  engine.submit(request("10s"));
  engine.submit(request("10s-exit2"));
  await clock.runUntilIdle();
  assert.deepEqual(seen, ["1:RUNNING", "2:RUNNING", "1:COMPLETED", "2:FAILED"]);
  remove();
  engine.submit(request("1s"));
  await clock.runUntilIdle();
  assert.equal(seen.length, 4);
});

Deno.test("cancel: a second cancel with grace changes nothing, one without grace kills at once", async () => {
  const { engine, clock } = setup();
  const job = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(1000);
  assert.equal(engine.cancel(job.id, { graceMs: 5000 }).length, 1);
  assert.deepEqual(engine.cancel(job.id, { graceMs: 5000, uid: 0 }), []);
  assert.equal(job.cancelledBy, 0, "the canceller is recorded all the same");
  await clock.sleep(1000);
  assert.deepEqual(engine.cancel(job.id).map((j) => j.state), ["CANCELLED"]);
  assert.deepEqual([at(job, "endTime"), job.signal, job.exitCode], [2, 15, 0]);
  await clock.runUntilIdle();
  assert.equal(at(job, "endTime"), 2, "the pending grace kill is dropped");
});

Deno.test("cancel: a pending job ends with the reason it waited for; one array task alone", async () => {
  const { engine, clock } = setup({ nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }] });
  const held = engine.submit(request("10s", { hold: true })).jobs[0]!;
  engine.cancel(held.id);
  assert.deepEqual([held.state, held.reason, held.exitCode], ["CANCELLED", "held-user", undefined]);
  const { jobId, jobs } = engine.submit(request("10s", { array: { indices: [1, 2, 3] } }));
  assert.deepEqual(engine.cancel(jobId, { taskId: 2 }), [jobs[1]]);
  await clock.runUntilIdle();
  assert.deepEqual(jobs.map((j) => j.state), ["COMPLETED", "CANCELLED", "COMPLETED"]);
  assert.equal(at(jobs[2], "startTime"), 10, "the cancelled task freed its turn");
});

Deno.test("shutdown() drops running jobs' events: nothing ends afterwards", async () => {
  const { engine, clock } = setup();
  const job = engine.submit(request("10s")).jobs[0]!;
  await clock.sleep(1000);
  await engine.shutdown();
  await clock.runUntilIdle();
  assert.equal(job.state, "RUNNING");
  assert.equal(clock.pendingEvents, 0);
});
