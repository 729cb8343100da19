/**
 * The engine's views that cost what they return: jobs not finished before a time, jobs whose
 * dependencies can never be met, submission order, accounting membership. Each must agree with
 * the scan over every job it replaces.
 */

import assert from "node:assert/strict";
import { isFinishedState, type SimJob } from "../../../sim/mod.ts";
import { request, setup, t0 } from "./_engine_setup.ts";

/** A busy engine: jobs of 1–40 s on 2 cores, some failing, some in arrays, some refused yet recorded. */
function busy() {
  const { engine, clock } = setup({
    arrayTaskIds: "split",
    limits: { memory: "reject-recorded" },
  });
  for (let i = 0; i < 60; i++) {
    const name = `${1 + (i * 7) % 40}s${i % 5 === 0 ? "-exit1" : ""}`;
    if (i % 9 === 0) engine.submit(request(name, { array: { indices: [1, 2, 3] } }));
    else if (i % 13 === 0) assert.throws(() => engine.submit(request(name, { memoryMB: 10_000 })));
    else engine.submit(request(name));
  }
  return { engine, clock };
}

const scan = (jobs: readonly SimJob[], since: number) =>
  jobs.filter((job) => job.endTime === undefined || job.endTime >= since);

Deno.test("jobsSince() is every job not finished before the time, in submission order", async () => {
  const { engine, clock } = busy();
  for (let step = 0; step < 30; step++) {
    const now = clock.now();
    for (const back of [0, 5_000, 30_000, Infinity]) {
      assert.deepEqual(engine.jobsSince(now - back), scan(engine.jobs(), now - back));
    }
    await clock.sleep(4_000);
  }
  await clock.runUntilIdle();
  assert.deepEqual(engine.jobsSince(clock.now() + 1), []);
  assert.ok(engine.jobs().some((job) => job.state === "FAILED" && job.startTime === undefined));
});

Deno.test("unsatisfiableJobs() lists pending jobs whose afterok job failed, held ones too, until they end", async () => {
  const { engine, clock } = setup();
  const bad = engine.submit(request("5s-exit1")).jobId;
  const good = engine.submit(request("5s")).jobId;
  const afterBad = engine.submit(
    request("1s", { dependencies: [{ type: "afterok", jobIds: [bad] }] }),
  );
  const held = engine.submit(
    request("1s", { hold: true, dependencies: [{ type: "afterok", jobIds: [bad] }] }),
  );
  engine.submit(request("1s", { dependencies: [{ type: "afterok", jobIds: [good] }] }));
  assert.deepEqual(engine.unsatisfiableJobs(), []);
  await clock.sleep(6_000);
  assert.deepEqual(engine.unsatisfiableJobs().map((j) => j.id), [afterBad.jobId, held.jobId]);
  const never = engine.jobs().filter((j) =>
    j.state === "PENDING" && (j.reason === "dependency-never-satisfied" || j.held !== undefined)
  );
  assert.deepEqual(engine.unsatisfiableJobs(), never);
  engine.cancel(afterBad.jobId);
  assert.deepEqual(engine.unsatisfiableJobs().map((j) => j.id), [held.jobId]);
  // A job submitted after its target failed is unsatisfiable at once.
  const late = engine.submit(request("1s", { dependencies: [{ type: "afterok", jobIds: [bad] }] }));
  assert.deepEqual(engine.unsatisfiableJobs().map((j) => j.id), [held.jobId, late.jobId]);
});

Deno.test("inSubmissionOrder() sorts jobs as jobs() lists them; knownToAccounting() agrees with accounting()", async () => {
  const { engine, clock } = busy();
  engine.accountingLagMs = 10_000;
  const all = engine.jobs();
  assert.deepEqual(engine.inSubmissionOrder([...all].reverse()), all);
  for (let step = 0; step < 20; step++) {
    await clock.sleep(7_000);
    const listed = new Set(engine.accounting());
    assert.deepEqual(
      all.filter((job) => engine.knownToAccounting(job)),
      all.filter((j) => listed.has(j)),
    );
  }
  engine.accountingLagMs = 0;
  assert.ok(
    all.filter((job) => isFinishedState(job.state)).every((j) =>
      engine.knownToAccounting(j) === engine.accounting().includes(j)
    ),
  );
  assert.equal(clock.now() > t0, true);
});
