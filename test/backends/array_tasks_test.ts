// Array tasks in the parsers, on verbatim real outputs: each task of an array kept by its index
// in `JobInfo.tasks` (folded pending tasks expanded), merged into the array's own record.
import assert from "node:assert/strict";
import { sge } from "../../backends/sge.ts";
import { slurm } from "../../backends/slurm.ts";
import { foldedTasks } from "../../backends/_commands.ts";
import { Status } from "../../src/core/status.ts";
import type { JobInfo } from "../../src/core/job_info.ts";
import { realOutput } from "../_backend_fixtures.ts";

const byIndex = (info: JobInfo | undefined) =>
  [...info?.tasks ?? []].map(([index, task]) => [index, task.status]);

Deno.test("folded task lists: SLURM's [1-3] and [4-100%10], SGE's 2,3 and 2-10:4", () => {
  assert.deepEqual(foldedTasks("[1-3]"), [1, 2, 3]);
  assert.deepEqual(foldedTasks("[4-8%2]"), [4, 5, 6, 7, 8]);
  assert.deepEqual(foldedTasks("[1,3,5-6]"), [1, 3, 5, 6]);
  assert.deepEqual(foldedTasks("2,3"), [2, 3]);
  assert.deepEqual(foldedTasks("2-10:4"), [2, 6, 10]);
  for (const bad of ["", "[a]", "3-1", "1-5:0", "all.q@vm"]) {
    assert.equal(foldedTasks(bad), undefined, bad);
  }
});

Deno.test("slurm squeue: the pending remainder 21_[1-3] is three PENDING tasks (recording 084)", async () => {
  // The recording is of plain `squeue`; the backend's own format prints the same JOBID field.
  const { output } = await realOutput("slurm", "084");
  const line = output.stdout.split("\n")[1]!.trim().split(/\s+/);
  const stdout = `${line[0]}|PENDING|None\n`;
  const info = slurm.parseStatus({ code: 0, stdout, stderr: "" }, ["21"]).get("21");
  assert.equal(info?.status, Status.PENDING);
  assert.deepEqual(byIndex(info), [[1, Status.PENDING], [2, Status.PENDING], [3, Status.PENDING]]);
});

Deno.test("slurm squeue: running tasks 21_1, 21_2 and a pending one (recording 086)", async () => {
  const { output } = await realOutput("slurm", "086");
  const stdout = output.stdout.split("\n").filter(Boolean).map((line) => {
    const fields = line.split("|");
    return `${fields[0]}|${fields[5]}|None`;
  }).join("\n");
  const info = slurm.parseStatus({ code: 0, stdout, stderr: "" }, ["21"]).get("21");
  assert.equal(info?.status, Status.RUNNING);
  assert.deepEqual(byIndex(info), [[3, Status.PENDING], [1, Status.RUNNING], [2, Status.RUNNING]]);
});

Deno.test("sge qstat: one line per running task, waiting tasks folded (recordings 070, 076, 080)", async () => {
  const running = sge.parseStatus((await realOutput("sge", "070")).output, ["20"]).get("20");
  assert.deepEqual(byIndex(running), [[1, Status.RUNNING], [2, Status.RUNNING], [
    3,
    Status.PENDING,
  ]]);
  const throttled = sge.parseStatus((await realOutput("sge", "076")).output, ["21"]).get("21");
  assert.deepEqual(byIndex(throttled), [[1, Status.RUNNING], [2, Status.PENDING], [
    3,
    Status.PENDING,
  ]]);
  const stepped = sge.parseStatus((await realOutput("sge", "080")).output, ["22"]).get("22");
  assert.deepEqual(byIndex(stepped), [[2, Status.PENDING], [6, Status.PENDING], [
    10,
    Status.PENDING,
  ]]);
});

Deno.test("sge qacct -j: one record per task, each by its taskid (recording 073)", async () => {
  const info = sge.parseAccounting((await realOutput("sge", "073")).output, ["20"]).get("20");
  // Task 3 was still running when the recording was made: accounting has tasks 1 and 2.
  assert.deepEqual([...info?.tasks?.keys() ?? []].sort(), [1, 2]);
  assert.ok([...info!.tasks!.values()].every((task) => task.status === Status.COMPLETED));
});
