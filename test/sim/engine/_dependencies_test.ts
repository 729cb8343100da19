/** Dependencies between jobs: after, afterok, afternotok, afterany, arrays. */

import assert from "node:assert/strict";
import type { SimDependency } from "../../../sim/mod.ts";
import { Dependencies } from "../../../sim/engine/_dependencies.ts";
import { JobRecord } from "../../../sim/engine/_job_record.ts";
import { at, request, setup, t0 } from "./_engine_setup.ts";

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

/** A graph over `records` (found by id), recording which jobs it reports satisfied. */
function graph(records: JobRecord[]): { deps: Dependencies; satisfied: JobRecord[] } {
  const satisfied: JobRecord[] = [];
  const find = (id: number) => records.filter((r) => r.id === id || r.arrayJobId === id);
  return { deps: new Dependencies(find, (job) => satisfied.push(job)), satisfied };
}

function record(id: number, dependencies: SimDependency[] = []): JobRecord {
  return new JobRecord({ passes: 0 }, id, id, request(`j${id}`, { dependencies }), "q", t0);
}

Deno.test("Dependencies.register() waits on unfinished jobs and ignores unknown ids", () => {
  const target = record(1);
  const waiting = record(2, [{ type: "afterok", jobIds: [1, 999] }]);
  const free = record(3, [{ type: "afterany", jobIds: [999] }]);
  const none = record(4);
  const { deps } = graph([target, waiting, free, none]);
  for (const job of [waiting, free, none]) deps.register(job);
  assert.deepEqual([waiting.dependencyState, free.dependencyState, none.dependencyState], [
    "waiting",
    "satisfied",
    "none",
  ]);
});

Deno.test("Dependencies.changed(): each type decides on the target's start or end", () => {
  const cases: Array<[SimDependency["type"], "RUNNING" | "COMPLETED" | "FAILED", string]> = [
    ["after", "RUNNING", "satisfied"],
    ["afterany", "RUNNING", "waiting"],
    ["afterany", "FAILED", "satisfied"],
    ["afterok", "COMPLETED", "satisfied"],
    ["afterok", "FAILED", "never"],
    ["afternotok", "FAILED", "satisfied"],
    ["afternotok", "COMPLETED", "never"],
  ];
  for (const [type, state, expected] of cases) {
    const target = record(1);
    const job = record(2, [{ type, jobIds: [1] }]);
    const { deps, satisfied } = graph([target, job]);
    deps.register(job);
    target.state = state;
    deps.changed(target);
    assert.equal(job.dependencyState, expected, `${type} on ${state}`);
    assert.deepEqual(satisfied, expected === "satisfied" ? [job] : [], `${type} on ${state}`);
  }
});

Deno.test("Dependencies.changed(): a job waits for every job it names; 'never' wins over waiting", () => {
  const [a, b] = [record(1), record(2)];
  const both = record(3, [{ type: "afterok", jobIds: [1] }, { type: "afterok", jobIds: [2] }]);
  const { deps, satisfied } = graph([a, b, both]);
  deps.register(both);
  a.state = "COMPLETED";
  deps.changed(a);
  assert.equal(both.dependencyState, "waiting");
  b.state = "COMPLETED";
  deps.changed(b);
  assert.deepEqual(satisfied, [both]);

  const [c, d] = [record(4), record(5)];
  const strict = record(6, [{ type: "afterok", jobIds: [4, 5] }]);
  const second = graph([c, d, strict]);
  second.deps.register(strict);
  c.state = "FAILED";
  second.deps.changed(c);
  assert.equal(strict.dependencyState, "never", "d still runs, but c already failed");
  d.state = "COMPLETED";
  second.deps.changed(d);
  assert.deepEqual(second.satisfied, [], "a job that can never run is not re-evaluated");
});
