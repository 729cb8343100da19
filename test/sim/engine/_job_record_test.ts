/** The engine's job record: SimJob's fields, the derived reason, eligibility, final states. */

import assert from "node:assert/strict";
import { isFinishedState, type SimJobState } from "../../../sim/mod.ts";
import { JobRecord } from "../../../sim/engine/_job_record.ts";
import { request, t0 } from "./_engine_setup.ts";

function record(passes = { passes: 0 }): JobRecord {
  return new JobRecord(passes, 5, 0, request("j", { timeLimitSeconds: 60, priority: 3 }), "q", t0);
}

Deno.test("JobRecord starts pending with the request's id, queue, time limit and priority", () => {
  const job = record();
  assert.deepEqual(
    [job.id, job.state, job.queue, job.submitTime, job.timeLimitSeconds, job.priority],
    [5, "PENDING", "q", t0, 60, 3],
  );
  assert.deepEqual(job.nodeList, []);
  assert.equal(job.reason, "none");
  assert.equal(job.eligible, true);
  const unlimited = new JobRecord({ passes: 0 }, 6, 1, request("j"), "q", t0);
  assert.equal(unlimited.timeLimitSeconds, undefined);
  assert.equal(unlimited.priority, 0);
});

Deno.test("JobRecord.reason: holds, then dependencies, then blockers, then what the scheduler said", () => {
  const scheduler = { passes: 0 };
  const job = record(scheduler);
  job.storedReason = "resources";
  job.blocker = "over-memory";
  job.dependencyState = "never";
  job.held = "admin";
  const reasons = [job.reason];
  delete job.held;
  reasons.push(job.reason);
  job.dependencyState = "waiting";
  reasons.push(job.reason);
  job.dependencyState = "satisfied";
  reasons.push(job.reason);
  delete job.blocker;
  reasons.push(job.reason);
  assert.deepEqual(reasons, [
    "held-admin",
    "dependency-never-satisfied",
    "dependency",
    "over-memory",
    "resources",
  ]);
});

Deno.test("JobRecord.reason: a job no pass reached since it became eligible waits for priority", () => {
  const scheduler = { passes: 4 };
  const job = record(scheduler);
  assert.equal(job.reason, "none", "no pass has run since");
  scheduler.passes = 5;
  assert.equal(job.reason, "priority");
  job.reason = "resources";
  assert.equal(job.storedReason, "resources");
  assert.equal(job.reason, "resources");
  job.state = "COMPLETED";
  job.storedReason = "none";
  assert.equal(job.reason, "none", "a finished job keeps the reason it ended with");
});

Deno.test("JobRecord.eligible: pending, not held, dependencies none or satisfied, not blocked", () => {
  const job = record();
  const eligible = (change: (job: JobRecord) => void): boolean => {
    const copy = record();
    change(copy);
    return copy.eligible;
  };
  assert.equal(job.eligible, true);
  assert.equal(eligible((j) => j.held = "user"), false);
  assert.equal(eligible((j) => j.dependencyState = "waiting"), false);
  assert.equal(eligible((j) => j.dependencyState = "never"), false);
  assert.equal(eligible((j) => j.dependencyState = "satisfied"), true);
  assert.equal(eligible((j) => j.blocker = "over-queue-limit"), false);
  assert.equal(eligible((j) => j.state = "RUNNING"), false);
});

Deno.test("isFinishedState() is false for PENDING and RUNNING only", () => {
  const finished: Record<SimJobState, boolean> = {
    PENDING: false,
    RUNNING: false,
    COMPLETED: true,
    FAILED: true,
    CANCELLED: true,
    TIMEOUT: true,
    NODE_FAIL: true,
    PREEMPTED: true,
    OUT_OF_MEMORY: true,
  };
  for (const [state, expected] of Object.entries(finished)) {
    assert.equal(isFinishedState(state as SimJobState), expected, state);
  }
});
