// Benchmark: 10,000 runs waiting together on the simulator (model execution, virtual clock).
// Prints the scheduler commands per poll round (goal ≤ 3) and the peak memory of the process;
// then, side by side on a second cluster of 1,000 jobs, the library against the naive per-job
// loop the peers run (one status command per job per round, one accounting command per job that
// left the queue, at the library's average round spacing): commands and wall time, and ratios.
//
//   deno run -A bench/runs_bench.ts [scheduler ... | all] [--jobs N]   (default: slurm, 10000 jobs)
//
// With several schedulers (or `all`), each one runs in its own process, so that one's memory
// and garbage do not count against the next.

import { AsyncResult } from "../src/run/async_result.ts";
import { JobScript } from "../src/job/job_script.ts";
import { Status } from "../src/core/status.ts";
import { pollerFor } from "../src/run/_poller.ts";
import { SimCluster } from "../sim/cluster.ts";
import type { SchedulerKind } from "../sim/types.ts";
import { figure } from "./_figures.ts";
import { MB, MemoryPeak, oneProcessEach, schedulersFrom } from "./_per_scheduler.ts";

const args = [...Deno.args];
const jobsFlag = args.indexOf("--jobs");
const jobs = jobsFlag >= 0 ? Number(args.splice(jobsFlag, 2)[1]) : 10_000;
const scheduler = await oneProcessEach(
  import.meta.filename!,
  schedulersFrom(args, ["slurm"]),
  ["--jobs", String(jobs)],
);

{
  const peak = new MemoryPeak().start();

  // Enough cores for every job at once: the point is polling, not queueing.
  const cluster = new SimCluster({
    scheduler,
    execution: "model",
    clock: "virtual",
    nodes: Array.from(
      { length: 50 },
      (_, i) => ({ name: `node${i + 1}`, cpus: 256, memoryMB: 1_000_000 }),
    ),
    // Runtimes spread over 5 to 55 minutes; one job in 50 fails.
    model: (job) => {
      const index = Number(job.request.name.slice(4));
      return { runtimeSeconds: 300 + (index % 11) * 300, exitCode: index % 50 === 7 ? 1 : 0 };
    },
  });
  const transport = cluster.transport();
  const began = performance.now();
  const runs: AsyncResult[] = [];
  for (let i = 0; i < jobs; i++) {
    const job = new JobScript({
      name: `job-${i}`,
      body: "echo working",
      backend: scheduler,
      resources: { time: "02:00:00", mem: 100 },
    });
    runs.push(await job.submit({ transport }));
  }
  const submitted = performance.now();
  const logStart = cluster.commandLog.length;
  const waitStart = cluster.clock.now();
  let finished = 0;
  const statuses = await AsyncResult.waitAll(runs, { onProgress: (p) => (finished = p.done) });
  const simulatedMinutes = (cluster.clock.now() - waitStart) / 60_000;
  const waited = performance.now();
  peak.stop();

  const { rounds, commands } = pollerFor(transport, runs[0]!.backend).stats;
  // Commands served at the same simulated instant belong to one round.
  const perInstant = new Map<number, number>();
  for (const record of cluster.commandLog.slice(logStart)) {
    perInstant.set(record.time, (perInstant.get(record.time) ?? 0) + 1);
  }
  const maxPerRound = Math.max(...perInstant.values());
  const completed = statuses.filter((s) => s === Status.COMPLETED).length;
  const failed = statuses.filter((s) => s === Status.FAILED).length;
  console.log(
    `runs_bench ${scheduler}: ${jobs} runs waiting together (model execution, virtual clock)`,
  );
  console.log(
    `  finished: ${finished} (${completed} COMPLETED, ${failed} FAILED) ` +
      `after ${simulatedMinutes.toFixed(0)} simulated minutes`,
  );
  console.log(
    `  poll rounds: ${rounds}; scheduler commands: ${commands}; ` +
      `per round: ${(commands / rounds).toFixed(2)} on average, ${maxPerRound} at most ` +
      `(goal <= 3; one query per job would need ${jobs})`,
  );
  console.log(
    `  wall time: submit ${((submitted - began) / 1000).toFixed(2)} s, ` +
      `wait ${((waited - submitted) / 1000).toFixed(2)} s`,
  );
  console.log(
    `  peak memory: rss ${(peak.rss / MB).toFixed(0)} MB, heap ${(peak.heap / MB).toFixed(0)} MB`,
  );
  figure({
    name: `sim ${scheduler}: ${jobs} runs waiting, scheduler commands per poll round`,
    value: commands / rounds,
    unit: "commands/round",
    baseline: { label: "one query per job", value: jobs },
    goal: { op: "<=", value: 3 },
  });
  figure({
    name: `sim ${scheduler}: ${jobs} runs waiting, peak RSS`,
    value: peak.rss / MB,
    unit: "MB",
  });
  await cluster.close();
  await sideBySide(scheduler, Math.min(jobs, 1_000));
}

/** A cluster like the one above, with `jobs` submitted. */
async function clusterWith(scheduler: SchedulerKind, jobs: number) {
  const cluster = new SimCluster({
    scheduler,
    execution: "model",
    clock: "virtual",
    nodes: [{ name: "node1", cpus: 4096, memoryMB: 100_000_000 }],
    model: (job) => {
      const index = Number(job.request.name.slice(4));
      return { runtimeSeconds: 300 + (index % 11) * 300, exitCode: index % 50 === 7 ? 1 : 0 };
    },
    commandLog: { outputs: "none" },
  });
  const transport = cluster.transport();
  const runs: AsyncResult[] = [];
  for (let i = 0; i < jobs; i++) {
    const job = new JobScript({ name: `job-${i}`, body: "true", backend: scheduler });
    runs.push(await job.submit({ transport, cacheFolder: "" }));
  }
  return { cluster, transport, runs };
}

/** The library and the naive per-job loop on the same jobs, measured one after the other. */
async function sideBySide(scheduler: SchedulerKind, jobs: number): Promise<void> {
  const library = await clusterWith(scheduler, jobs);
  const libraryFrom = library.cluster.commandLog.length;
  const simStart = library.cluster.clock.now();
  let start = performance.now();
  await AsyncResult.waitAll(library.runs);
  const libraryMs = performance.now() - start;
  const { rounds } = pollerFor(library.transport, library.runs[0]!.backend).stats;
  const libraryCommands = library.cluster.commandLog.length - libraryFrom;
  const spacing = (library.cluster.clock.now() - simStart) / Math.max(1, rounds);
  await library.cluster.close();

  const naive = await clusterWith(scheduler, jobs);
  const backend = naive.runs[0]!.backend;
  const naiveFrom = naive.cluster.commandLog.length;
  let waiting = naive.runs.map((run) => run.jobId);
  start = performance.now();
  while (waiting.length > 0) {
    const still: string[] = [];
    for (const id of waiting) {
      let info;
      for (const query of backend.statusCommands([id])) {
        info ??= backend.parseStatus(await naive.transport.run(query.argv), [id]).get(id);
      }
      if (info === undefined) {
        for (const query of backend.accountingCommands([id])) {
          info ??= backend.parseAccounting(await naive.transport.run(query.argv), [id]).get(id);
        }
      }
      if (info === undefined || info.status < 0) still.push(id);
    }
    waiting = still;
    if (waiting.length > 0) await naive.cluster.advance(spacing);
  }
  const naiveMs = performance.now() - start;
  const naiveCommands = naive.cluster.commandLog.length - naiveFrom;
  await naive.cluster.close();
  figure({
    name: `sim ${scheduler}: ${jobs} jobs waited for, scheduler commands`,
    value: libraryCommands,
    unit: "commands",
    baseline: { label: "naive per-job loop", value: naiveCommands },
  });
  console.log(
    `  side by side, ${jobs} jobs: library ${libraryCommands} commands in ` +
      `${(libraryMs / 1000).toFixed(2)} s vs naive per-job loop ${naiveCommands} commands in ` +
      `${(naiveMs / 1000).toFixed(2)} s -> ${(naiveCommands / libraryCommands).toFixed(0)}x ` +
      `fewer commands (simulator wall times, not comparable: the library's include the virtual ` +
      `clock's idle detection between rounds, the loop advances the clock itself)`,
  );
}
