/** The engine's job table: ids, submission counts, lookup by raw id and by array id. */

import assert from "node:assert/strict";
import { type ArrayGroup, JobRecord } from "../../../sim/engine/_job_record.ts";
import { JobTable } from "../../../sim/engine/_job_table.ts";
import { request, t0 } from "./_engine_setup.ts";

function record(table: JobTable, id = table.takeId()): JobRecord {
  return new JobRecord({ passes: 0 }, id, table.takeSeq(), request("j"), "q", t0);
}

Deno.test("JobTable hands out ids from the first, and gives back a refused request's", () => {
  const table = new JobTable(10);
  assert.equal(table.takeId(), 10);
  assert.equal(table.countSubmission(), 1);
  assert.equal(table.takeId(), 11);
  assert.equal(table.countSubmission(), 2);
  table.refund();
  assert.equal(table.takeId(), 11);
  assert.equal(table.countSubmission(), 2);
  assert.deepEqual([table.takeSeq(), table.takeSeq()], [0, 1]);
});

Deno.test("JobTable.find(): a job by its id, an array's tasks by the array's id, a copy each time", () => {
  const table = new JobTable(1);
  const single = record(table);
  table.add(single);
  const arrayId = table.takeId();
  const group: ArrayGroup = {
    id: arrayId,
    maxConcurrent: undefined,
    running: 0,
    tasks: [],
    parked: [],
    pending: 2,
  };
  table.addArray(group);
  for (const index of [0, 1]) {
    const task = record(table, arrayId);
    task.arrayJobId = arrayId;
    task.arrayTaskId = index;
    group.tasks.push(task);
    table.add(task);
  }
  assert.deepEqual(table.find(1), [single]);
  assert.deepEqual(table.find(2), group.tasks);
  assert.notEqual(table.find(2), group.tasks);
  assert.deepEqual(table.find(3), []);
  assert.deepEqual(table.all, [single, ...group.tasks]);

  const split = group.tasks[0]!;
  split.id = table.takeId();
  table.index(split);
  assert.deepEqual(table.find(3), [split], "a split task is found by its own id");
  assert.equal(table.find(2).length, 2, "and still by the array's");
});
