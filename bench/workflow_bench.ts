// Benchmark: workflows on the simulator (model execution, virtual clock). The sweep: one
// 1,000-task job array (one task in 97 fails), waited for, then its failed tasks resubmitted —
// side by side with the same 1,000 tasks as 1,000 separate jobs. Prints the scheduler commands
// per poll round (goal ≤ 3 for the whole workflow), the wall time of each and their ratio, and
// the peak memory of the process.
//
//   deno run -A bench/workflow_bench.ts [scheduler ... | all] [--tasks N]   (default: all, 1000)
//
// Each scheduler runs in its own process, so that one's memory does not count against the next.

import { AsyncResult } from "../src/run/async_result.ts";
import { JobScript } from "../src/job/job_script.ts";
import { Status } from "../src/core/status.ts";
import { pollerFor } from "../src/run/_poller.ts";
import { SimCluster } from "../sim/cluster.ts";
import type { SchedulerKind, SimJob } from "../sim/types.ts";
import { figure } from "./_figures.ts";
import { MB, MemoryPeak, oneProcessEach, schedulersFrom } from "./_per_scheduler.ts";

const args = [...Deno.args];
const tasksFlag = args.indexOf("--tasks");
const tasks = tasksFlag >= 0 ? Number(args.splice(tasksFlag, 2)[1]) : 1_000;
const scheduler = await oneProcessEach(import.meta.filename!, schedulersFrom(args), [
  "--tasks",
  String(tasks),
]);

/** The task number of a job: its array index, or the number in a single job's name. */
function taskOf(job: SimJob): number {
  return job.arrayTaskId ?? Number(job.request.name.replace(/^\D+/, ""));
}

/** A cluster with room for every task at once; runtimes 5–55 min, task k fails when k % 97 = 13. */
function cluster(scheduler: SchedulerKind): SimCluster {
  return new SimCluster({
    scheduler,
    execution: "model",
    clock: "virtual",
    nodes: Array.from(
      { length: 20 },
      (_, i) => ({ name: `node${i + 1}`, cpus: 256, memoryMB: 1_000_000 }),
    ),
    model: (job) => ({
      runtimeSeconds: 300 + (taskOf(job) % 11) * 300,
      exitCode: taskOf(job) % 97 === 13 ? 1 : 0,
    }),
  });
}

/** Commands served at the same simulated instant belong to one round: the most of them. */
function maxPerInstant(sim: SimCluster, from: number, to = sim.commandLog.length): number {
  const perInstant = new Map<number, number>();
  for (const record of sim.commandLog.slice(from, to)) {
    perInstant.set(record.time, (perInstant.get(record.time) ?? 0) + 1);
  }
  return Math.max(0, ...perInstant.values());
}

interface Figures {
  rounds: number;
  commands: number;
  maxPerRound: number;
  seconds: number;
}

/** The sweep as one array: submit, wait, resubmit the failed tasks, wait again. */
async function arraySweep(scheduler: SchedulerKind): Promise<Figures & { failed: number }> {
  const sim = cluster(scheduler);
  const transport = sim.transport();
  const began = performance.now();
  const job = new JobScript({
    name: "sweep",
    body: "echo point $CLUSTERJOB_ARRAY_INDEX",
    backend: scheduler,
    array: `1-${tasks}`,
    resources: { time: "02:00:00", mem: 100 },
  });
  const run = await job.submit({ transport });
  const logStart = sim.commandLog.length;
  const status = await run.wait();
  const failed = run.failedTasks().length;
  if (status !== Status.FAILED || failed !== Math.floor((tasks - 14) / 97) + 1) {
    throw new Error(`${scheduler}: ${status} with ${failed} failed tasks`);
  }
  const firstEnd = sim.commandLog.length;
  const again = await run.resubmit({ tasks: "failed" });
  const secondStart = sim.commandLog.length; // after the resubmission's own submit command
  await again.wait();
  const seconds = (performance.now() - began) / 1000;
  const { rounds, commands } = pollerFor(transport, run.backend).stats;
  // The last round of the first wait and the first of the second fall on one instant: apart.
  const maxPerRound = Math.max(
    maxPerInstant(sim, logStart, firstEnd),
    maxPerInstant(sim, secondStart),
  );
  const figures = { rounds, commands, maxPerRound, seconds, failed };
  await sim.close();
  return figures;
}

/** The same tasks as separate jobs, polled together. */
async function separateJobs(scheduler: SchedulerKind): Promise<Figures> {
  const sim = cluster(scheduler);
  const transport = sim.transport();
  const began = performance.now();
  const runs: AsyncResult[] = [];
  for (let i = 1; i <= tasks; i++) {
    const job = new JobScript({
      name: `point${i}`,
      body: `echo point ${i}`,
      backend: scheduler,
      resources: { time: "02:00:00", mem: 100 },
    });
    runs.push(await job.submit({ transport }));
  }
  const logStart = sim.commandLog.length;
  await AsyncResult.waitAll(runs);
  const seconds = (performance.now() - began) / 1000;
  const { rounds, commands } = pollerFor(transport, runs[0]!.backend).stats;
  const figures = { rounds, commands, maxPerRound: maxPerInstant(sim, logStart), seconds };
  await sim.close();
  return figures;
}

const peak = new MemoryPeak().start();
const array = await arraySweep(scheduler);
const separate = await separateJobs(scheduler);
peak.stop();

const perRound = (f: Figures) =>
  `${f.rounds} rounds, ${f.commands} commands, ${(f.commands / f.rounds).toFixed(2)} per round ` +
  `on average, ${f.maxPerRound} at most`;
console.log(`workflow_bench ${scheduler}: a ${tasks}-task array (model execution, virtual clock)`);
console.log(
  `  array: ${perRound(array)} (goal <= 3); ${array.failed} failed tasks resubmitted; ` +
    `wall ${array.seconds.toFixed(2)} s`,
);
console.log(
  `  ${tasks} separate jobs: ${perRound(separate)}; wall ${separate.seconds.toFixed(2)} s`,
);
console.log(
  `  wall time array / separate jobs: ${(array.seconds / separate.seconds).toFixed(2)}`,
);
figure({
  name: `sim ${scheduler}: ${tasks}-task array + resubmit, commands per round`,
  value: array.commands / array.rounds,
  unit: "commands/round",
  baseline: { label: `${tasks} separate jobs`, value: separate.commands / separate.rounds },
  goal: { op: "<=", value: 3 },
});
figure({
  name: `sim ${scheduler}: ${tasks}-task array, wall time`,
  value: array.seconds,
  unit: "s",
  baseline: { label: `${tasks} separate jobs`, value: separate.seconds },
});
console.log(
  `  peak memory (both): rss ${(peak.rss / MB).toFixed(0)} MB, heap ${
    (peak.heap / MB).toFixed(0)
  } MB`,
);
