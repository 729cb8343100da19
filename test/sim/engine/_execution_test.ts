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
