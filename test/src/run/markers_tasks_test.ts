// Array tasks by their markers (`start.<index>`, `end.<index>`): when the queue and accounting
// no longer list a task, one read per poll round for every run and task (counted in the
// simulator's command log) gives each its exact end; a garbled or missing file touches only its
// own task; a task that started and never ended vanishes after the grace, with the evidence.
import assert from "node:assert/strict";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { JobScript } from "../../../src/job/job_script.ts";
import { type MarkerClient, markersOfRound } from "../../../src/run/_markers_round.ts";
import { Status, statusName } from "../../../src/core/status.ts";
import type { JobInfo } from "../../../src/core/job_info.ts";
import { SimCluster } from "../../../sim/cluster.ts";
import type { SimJob } from "../../../sim/types.ts";

/** 11 words of grep options before the paths (src/run/_markers_read.ts). */
const GREP_OPTIONS = 11;

Deno.test("300 tasks gone from queue and accounting: one grep, each task's own end", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
  });
  const folder = `${cluster.home}/sweep/.clusterjob/sweep`;
  for (let task = 1; task <= 300; task++) {
    if (task === 200) continue; // never started: no file at all
    cluster.fs.writeText(`${folder}/start.${task}`, `time=100 host=n${task} id=9 task=${task}\n`);
    if (task === 100) continue; // started, never ended (a KILL)
    const end = task === 7
      ? "time=1\u0000 exit=garbage\n"
      : task === 8
      ? "time=150 signal=TERM\n"
      : `time=150 exit=${task % 4}\n`;
    cluster.fs.writeText(`${folder}/end.${task}`, end);
  }
  const tasks = Array.from({ length: 300 }, (_, i) => i + 1);
  const array: MarkerClient = {
    jobId: "9",
    markers: folder,
    unlistedTasks: (info: JobInfo | undefined) =>
      info === undefined ? tasks : tasks.filter((task) => !info.tasks?.has(task)),
  };
  const single: MarkerClient = { jobId: "10", markers: `${cluster.home}/one/.clusterjob/one` };
  cluster.fs.writeText(`${single.markers}/end`, "time=150 exit=3\n");
  const findings = await markersOfRound(cluster.transport(), [array, single], {
    infos: new Map(),
    unknown: new Set(["9", "10"]),
    accountingFailed: new Set(),
    consulted: ["squeue", "sacct"],
  }, 0);
  // One command for the 300 tasks' and the single job's 602 files.
  const greps = cluster.commandLog.filter((c) => c.argv[0] === "grep");
  assert.equal(findings.commands, 1);
  assert.equal(greps.length, 1);
  assert.equal(greps[0]!.argv.length - GREP_OPTIONS, 602);
  assert.equal(findings.infos.get(single)?.exitCode, 3);
  const info = findings.infos.get(array)!;
  assert.ok(info.tasks !== undefined);
  // Every task with a readable end marker, and only those.
  assert.deepEqual(
    [...info.tasks.keys()],
    tasks.filter((task) => ![7, 100, 200].includes(task)),
  );
  for (const [task, said] of info.tasks) {
    if (task === 8) {
      assert.deepEqual([said.status, said.exitCode, said.cause], [Status.FAILED, 143, "cancelled"]);
      continue;
    }
    assert.equal(said.exitCode, task % 4, `task ${task}`);
    assert.equal(said.status, task % 4 === 0 ? Status.COMPLETED : Status.FAILED);
    assert.equal(said.cause, "exit");
    assert.match(said.reason ?? "", new RegExp(`^Task ${task} of job 9 .*end\\.${task} says`));
  }
  const evidence = findings.taskEvidence.get(array)!;
  assert.deepEqual([...evidence.keys()], [7, 100, 200]);
  assert.match(evidence.get(7)!, /start .* on n7, a garbled end/);
  assert.match(evidence.get(100)!, /start .* on n100, no end/);
  assert.match(evidence.get(200)!, /no start, no end/);
});

Deno.test("tasks still queued are not read; those that left it are, with the queue's answer", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
  });
  const folder = `${cluster.home}/a/.clusterjob/a`;
  cluster.fs.writeText(`${folder}/end.1`, "time=150 exit=5\n");
  cluster.fs.writeText(`${folder}/end.2`, "time=150 exit=0\n");
  const array: MarkerClient = {
    jobId: "4",
    markers: folder,
    unlistedTasks: (info) => [1, 2, 3].filter((task) => !info?.tasks?.has(task)),
  };
  const running: JobInfo = { status: Status.RUNNING, state: "RUNNING" };
  const said: JobInfo = { ...running, tasks: new Map([[2, running], [3, running]]) };
  const findings = await markersOfRound(cluster.transport(), [array], {
    infos: new Map([["4", said]]),
    unknown: new Set(),
    accountingFailed: new Set(),
    consulted: ["squeue"],
  }, 0);
  const grep = cluster.commandLog.find((c) => c.argv[0] === "grep")!;
  assert.deepEqual(grep.argv.slice(GREP_OPTIONS), [`${folder}/start.1`, `${folder}/end.1`]);
  const tasks = findings.infos.get(array)?.tasks;
  assert.equal(findings.infos.get(array)?.status, Status.RUNNING);
  assert.deepEqual([...tasks?.keys() ?? []], [2, 3, 1]);
  assert.equal(tasks?.get(1)?.exitCode, 5);
  assert.equal(tasks?.get(2), running, "the queue's word for a listed task stands");
});

/** SGE without accounting: qstat forgets each task as it ends, qacct has no file. */
function sgeWithoutAccounting(
  model: (job: SimJob) => { runtimeSeconds: number; exitCode: number },
) {
  return new SimCluster({
    scheduler: "sge",
    execution: "model",
    clock: "virtual",
    model,
    faults: { accounting: "disabled" },
  });
}

Deno.test("without accounting: a 200-task array and 20 jobs, exact exit codes, a grep per round at most", async () => {
  await using cluster = sgeWithoutAccounting((job) => ({
    runtimeSeconds: 10 + ((job.arrayTaskId ?? job.id) % 13),
    exitCode: (job.arrayTaskId ?? 0) % 5,
  }));
  const transport = cluster.transport();
  const sweep = await new JobScript({
    name: "sweep",
    body: "true",
    backend: "sge",
    rootdir: cluster.home,
    workdir: "w",
    array: "1-200%50",
  }).submit({ transport });
  const singles = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        new JobScript({ name: `one${i}`, body: "true", backend: "sge", rootdir: cluster.home })
          .submit({ transport }),
    ),
  );
  const statuses = await AsyncResult.waitAll([sweep, ...singles]);
  assert.deepEqual(statuses, [Status.FAILED, ...singles.map(() => Status.COMPLETED)]);
  assert.deepEqual(
    sweep.tasks.map((task) => [task.index, task.exitCode, statusName(task.status)]),
    Array.from({ length: 200 }, (_, i) => {
      const code = (i + 1) % 5;
      return [i + 1, code, code === 0 ? "COMPLETED" : "FAILED"];
    }),
  );
  assert.deepEqual(sweep.failedTasks().length, 160);
  const log = cluster.commandLog;
  const reads = log.filter((c) => c.argv[0] === "grep");
  const rounds = log.filter((c) => c.argv[0] === "qstat").length;
  assert.ok(reads.length >= 1 && reads.length <= rounds, `${reads.length} reads, ${rounds} rounds`);
  const times = reads.map((c) => c.time);
  assert.equal(new Set(times).size, times.length, "at most one read per round");
  // Tasks were read together, never one command per task.
  assert.ok(Math.max(...reads.map((c) => (c.argv.length - GREP_OPTIONS) / 2)) >= 20);
});

Deno.test("without accounting: a KILLed task vanishes after the grace with its evidence; the others are exact", async () => {
  // SGE kills at h_rt with SIGKILL: task 2 leaves a start marker and no end.
  await using cluster = sgeWithoutAccounting((job) => ({
    runtimeSeconds: job.arrayTaskId === 2 ? 100_000 : 5,
    exitCode: job.arrayTaskId === 3 ? 4 : 0,
  }));
  const run = await new JobScript({
    name: "kill",
    body: "true",
    backend: "sge",
    rootdir: cluster.home,
    array: "1-3",
    resources: { time: 5 },
  }).submit({ transport: cluster.transport(), polling: { vanishGraceMs: 60_000 } });
  assert.equal(await run.wait(), Status.FAILED);
  const [one, two, three] = run.tasks;
  assert.deepEqual([one!.status, one!.exitCode], [Status.COMPLETED, 0]);
  assert.deepEqual([three!.status, three!.exitCode], [Status.FAILED, 4]);
  assert.deepEqual([two!.status, two!.state, two!.exitCode], [
    Status.FAILED,
    "VANISHED",
    undefined,
  ]);
  assert.match(two!.reason ?? "", /markers in .*kill: start .* on node\d+, no end.*walltime/);
});
