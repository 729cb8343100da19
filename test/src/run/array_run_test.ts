// Array runs: the aggregate status rules, tasks that left the queue found in accounting (and
// only those), the cache record of the tasks, and resubmit's typed errors.
import assert from "node:assert/strict";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { TaskBook } from "../../../src/run/array_tasks.ts";
import { JobScript } from "../../../src/job/job_script.ts";
import { CacheFormatError } from "../../../src/run/cache_record.ts";
import { RunNotFinishedError } from "../../../src/run/run_errors.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import type { JobInfo } from "../../../src/core/job_info.ts";
import { Status, type StatusCode } from "../../../src/core/status.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { slurm } from "../../../backends/slurm.ts";
import { SimCluster } from "../../../sim/cluster.ts";

const info = (status: StatusCode, state: string, exitCode?: number): JobInfo =>
  exitCode === undefined ? { status, state } : { status, state, exitCode };

function answer(tasks: Array<[number, JobInfo]>): JobInfo {
  return { ...info(Status.RUNNING, "x"), tasks: new Map(tasks) };
}

Deno.test("aggregate: any active task wins, then FAILED over CANCELLED over COMPLETED", () => {
  const cases: Array<[JobInfo[], StatusCode]> = [
    [[info(0, "COMPLETED"), info(-1, "RUNNING"), info(2, "FAILED")], Status.RUNNING],
    [[info(-2, "PENDING"), info(0, "COMPLETED")], Status.PENDING],
    [[info(0, "COMPLETED"), info(0, "COMPLETED")], Status.COMPLETED],
    [[info(0, "COMPLETED"), info(1, "CANCELLED"), info(2, "FAILED", 3)], Status.FAILED],
    [[info(0, "COMPLETED"), info(1, "CANCELLED")], Status.CANCELLED],
  ];
  for (const [tasks, expected] of cases) {
    const book = new TaskBook({ indices: tasks.map((_, i) => i + 1), tasks: [] }, "9");
    const result = book.apply(answer(tasks.map((task, i) => [i + 1, task])));
    assert.equal(result.status, expected, JSON.stringify(tasks));
  }
  const book = new TaskBook({ indices: [1, 2, 3], tasks: [] }, "9");
  const failed = book.apply({
    ...info(Status.FAILED, "FAILED"),
    tasks: new Map([[1, info(0, "COMPLETED", 0)], [2, info(2, "FAILED", 3)], [
      3,
      info(0, "COMPLETED", 0),
    ]]),
  });
  assert.deepEqual(failed, {
    status: Status.FAILED,
    state: "FAILED",
    exitCode: 3,
    reason: "3 tasks: 2 COMPLETED, 1 FAILED",
  });
  assert.deepEqual(book.unsuccessful(), [2]);
});

Deno.test("tasks: an answer that leaves out unfinished tasks asks accounting; a finished array that never lists one ends it FAILED", () => {
  const book = new TaskBook({ indices: [1, 2], tasks: [] }, "9");
  assert.ok(book.incomplete(answer([[1, info(-1, "RUNNING")]])));
  book.apply(answer([[1, info(-1, "RUNNING")], [2, info(0, "COMPLETED", 0)]]));
  // Task 2 is finished: its absence needs nobody asked.
  assert.ok(!book.incomplete(answer([[1, info(-1, "RUNNING")]])));
  // Accounting may lag: task 1 keeps its state through the grace period, then ends FAILED.
  const ended = { ...info(Status.COMPLETED, "COMPLETED"), tasks: new Map() };
  assert.equal(book.apply(ended, 1_000, 60_000).status, Status.RUNNING);
  assert.equal(book.apply(ended, 30_000, 60_000).status, Status.RUNNING);
  const end = book.apply(ended, 61_000, 60_000);
  assert.equal(end.status, Status.FAILED);
  assert.equal(book.list()[0]?.state, "VANISHED");
  assert.equal(book.list()[0]?.cause, "vanished");
  assert.match(book.list()[0]?.reason ?? "", /for 60 s after the array ended/);
  assert.equal(book.list()[1]?.status, Status.COMPLETED);
});

Deno.test("polling: tasks that left squeue come from sacct, in the same round, only when some left", async () => {
  // Tasks 1-6, at most 2 at once, each running 1 to 6 minutes: they leave the queue one by one.
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    model: (job) => ({
      runtimeSeconds: 60 * (job.arrayTaskId ?? 1),
      exitCode: job.arrayTaskId === 4 ? 2 : 0,
    }),
  });
  const transport = cluster.transport();
  const run = await new JobScript({ name: "a", body: "true", array: "1-6%2" }).submit({
    transport,
  });
  const single = await new JobScript({ name: "b", body: "true" }).submit({ transport });
  const from = cluster.commandLog.length;
  await AsyncResult.waitAll([run, single]);
  const commands = cluster.commandLog.slice(from).map((record) => record.argv[0]);
  const byInstant = new Map<number, string[]>();
  for (const record of cluster.commandLog.slice(from)) {
    byInstant.set(record.time, [...byInstant.get(record.time) ?? [], record.argv[0]!]);
  }
  for (const round of byInstant.values()) {
    assert.equal(round.filter((name) => name === "squeue").length, 1, round.join(" "));
    assert.ok(round.filter((name) => name === "sacct").length <= 1, round.join(" "));
  }
  assert.ok(commands.includes("sacct"));
  // Not every round: only those after a task left.
  assert.ok(commands.filter((name) => name === "sacct").length < byInstant.size);
  assert.deepEqual(run.tasks.map((task) => task.exitCode), [0, 0, 0, 2, 0, 0]);
  assert.deepEqual(run.failedTasks(), [4]);
});

Deno.test("cache: an array run's tasks survive dump and load; a damaged array record is refused", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const transport = new LocalTransport();
    const array = {
      indices: [1, 2],
      maxParallel: 1,
      tasks: [{ index: 1, jobId: "7", status: Status.FAILED, state: "FAILED", exitCode: 4 }],
    };
    const run = new AsyncResult({ jobId: "8", backend: slurm, transport, array });
    const path = await run.dump(`${folder}/run.json`);
    const loaded = await AsyncResult.load(path!, { transport });
    assert.deepEqual(loaded.tasks, run.tasks);
    assert.deepEqual(loaded.toRecord().array, run.toRecord().array);
    const text = await Deno.readTextFile(path!);
    const damaged = JSON.parse(text);
    damaged.array.tasks[0].jobId = "-u";
    await Deno.writeTextFile(path!, JSON.stringify(damaged));
    await assert.rejects(
      AsyncResult.load(path!, { transport }),
      (error) => error instanceof CacheFormatError && error.field === "array",
    );
    assert.throws(
      () =>
        new AsyncResult({
          jobId: "8",
          backend: slurm,
          transport,
          array: { indices: "1-2" } as never,
        }),
      (error) => error instanceof InvalidValueError && error.field === "array",
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("resubmit: typed errors for a single job, a bad choice and an unfinished task", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
  });
  const transport = cluster.transport();
  const single = await new JobScript({ name: "s", body: "true" }).submit({ transport });
  await assert.rejects(single.resubmit({ tasks: "failed" }), InvalidValueError);
  const run = await new JobScript({ name: "a", body: "true", array: "1-3" }).submit({ transport });
  for (const tasks of [[], [9], "all", [1.5]]) {
    await assert.rejects(
      run.resubmit({ tasks } as never),
      (error) => error instanceof InvalidValueError && error.field === "tasks",
      JSON.stringify(tasks),
    );
  }
  await assert.rejects(run.resubmit({ tasks: [2] }), RunNotFinishedError);
  // Nothing failed: nothing to submit, the run itself comes back.
  await run.wait();
  const submits = cluster.commandLog.filter((record) => record.argv[0] === "sbatch").length;
  assert.equal(await run.resubmit({ tasks: "failed" }), run);
  assert.equal(cluster.commandLog.filter((record) => record.argv[0] === "sbatch").length, submits);
});

Deno.test("cancel: an array run's unfinished tasks end CANCELLED with it, the finished keep their end", async () => {
  await using cluster = new SimCluster({
    scheduler: "sge",
    execution: "model",
    clock: "virtual",
    model: (job) => ({ runtimeSeconds: job.arrayTaskId === 1 ? 10 : 3600, exitCode: 0 }),
  });
  const transport = cluster.transport();
  const run = await new JobScript({ name: "a", body: "true", backend: "sge", array: "1-3" })
    .submit({ transport });
  await run.wait({ timeout: 120_000 });
  assert.equal(run.tasks[0]?.status, Status.COMPLETED);
  await run.cancel();
  assert.equal(run.status, Status.CANCELLED);
  assert.deepEqual(run.tasks.map((task) => task.status), [
    Status.COMPLETED,
    Status.CANCELLED,
    Status.CANCELLED,
  ]);
  assert.deepEqual(run.failedTasks(), [2, 3]);
  assert.deepEqual(run.tasks.map((task) => task.cause), ["exit", "cancelled", "cancelled"]);
});

Deno.test("cause: each task says why it ended, in run.cause's words; the run's is its deciding task's", async () => {
  for (const scheduler of ["slurm", "pbspro", "lsf", "sge"] as const) {
    await using cluster = new SimCluster({
      scheduler,
      execution: "model",
      clock: "virtual",
      // task 1 completes, task 2 outruns its 10 minutes, task 3 exits 3
      model: (job) => ({
        runtimeSeconds: job.arrayTaskId === 2 ? 3_600 : 30,
        exitCode: job.arrayTaskId === 3 ? 3 : 0,
      }),
    });
    const run = await new JobScript({
      name: "causes",
      body: "true",
      backend: scheduler,
      array: "1-3",
      resources: { time: 10 },
    }).submit({ transport: cluster.transport() });
    assert.equal(await run.wait(), Status.FAILED, scheduler);
    assert.deepEqual(
      run.tasks.map((task) => [task.index, task.cause]),
      [[1, "exit"], [2, "timeout"], [3, "exit"]],
      `${scheduler}: ${JSON.stringify(run.tasks)}`,
    );
    // FAILED wins; of the two failed tasks the first decides
    assert.equal(run.cause, "timeout", scheduler);
    assert.match(run.reason ?? "", /; task 2: /, scheduler);
  }
});

Deno.test("cause: the tasks of an array that can never run end with cause dependency, as the run", async () => {
  for (const scheduler of ["slurm", "pbs", "pbspro", "lsf", "sge"] as const) {
    await using cluster = new SimCluster({
      scheduler,
      execution: "model",
      clock: "virtual",
      model: (job) => ({ runtimeSeconds: 30, exitCode: job.request.name === "parent" ? 1 : 0 }),
    });
    const transport = cluster.transport();
    const parent = await new JobScript({ name: "parent", body: "false", backend: scheduler })
      .submit({ transport });
    const child = await new JobScript({
      name: "child",
      body: "true",
      backend: scheduler,
      array: "1-2",
      after: [parent],
    }).submit({ transport });
    assert.equal(await child.wait(), Status.CANCELLED, scheduler);
    assert.equal(child.cause, "dependency", scheduler);
    assert.deepEqual(
      child.tasks.map((task) => [task.status, task.cause]),
      [[Status.CANCELLED, "dependency"], [Status.CANCELLED, "dependency"]],
      `${scheduler}: ${JSON.stringify(child.tasks)}`,
    );
  }
});

Deno.test("a list PBS Pro and SGE cannot say runs as a covering range: the extra task never runs the body and is no task of the run", async () => {
  for (const scheduler of ["sge", "pbspro"] as const) {
    await using cluster = new SimCluster({ scheduler, execution: "shell", clock: "virtual" });
    const transport = cluster.transport();
    const job = new JobScript({
      name: "list",
      backend: scheduler,
      body: "touch ran-$CLUSTERJOB_ARRAY_INDEX",
      array: "1,3,7",
      rootdir: cluster.home,
    });
    const run = await job.submit({ transport });
    assert.equal(await run.wait(), Status.COMPLETED, scheduler);
    assert.deepEqual(run.tasks.map((task) => task.index), [1, 3, 7]);
    const ran: number[] = [];
    for (let index = 1; index <= 7; index++) {
      const cat = await transport.run(["cat", `${cluster.home}/ran-${index}`]);
      if (cat.code === 0) ran.push(index);
    }
    assert.deepEqual(ran, [1, 3, 7], scheduler);
  }
});
