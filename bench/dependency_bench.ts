// Benchmark: a 20-job fan-in (20 sweep jobs, then one `collect` job with `after` all 20) on the
// simulator (model execution, virtual clock), for every scheduler. Waiting for the collect job
// alone watches its 20 parents in the same poll rounds: the figures are the scheduler commands
// per poll round (goal ≤ 3 for the whole workflow), the most commands in one round, wall time
// and peak memory, side by side with waiting for all 21 runs explicitly; then the same fan-in
// with one failing sweep job, whose collect job must end (CANCELLED) instead of hanging.
//
//   deno run -A bench/dependency_bench.ts [scheduler ... | all]   (default: all)
//
// Last, the whole workflow of issue 9 in one: a 1,000-task array and the 20 sweep jobs, then a
// collect job after all of them, waited for alone. (bench/workflow_bench.ts, the arrays work's,
// measures the array and its resubmission against 1,000 separate jobs.)

import { AsyncResult } from "../src/run/async_result.ts";
import { JobScript } from "../src/job/job_script.ts";
import { statusName } from "../src/core/status.ts";
import { pollerFor } from "../src/run/_poller.ts";
import { SimCluster } from "../sim/cluster.ts";
import type { SchedulerKind } from "../sim/types.ts";
import { figure } from "./_figures.ts";
import { MB, MemoryPeak, schedulersFrom } from "./_per_scheduler.ts";
import type { Transport } from "../src/core/transport.ts";
import { modelFromScript } from "../test/_script_model.ts";
import { withRun } from "../test/_wrapped_transport.ts";

const schedulers = schedulersFrom(Deno.args);

const SWEEP = 20;

interface Figures {
  rounds: number;
  commands: number;
  maxPerRound: number;
  wallMs: number;
  collect: string;
}

/** One fan-in: submit, wait (the collect job alone, or all 21), count. */
async function fanIn(
  scheduler: SchedulerKind,
  waitFor: "collect" | "all",
  failing: boolean,
  arrayTasks = 0,
): Promise<Figures> {
  await using cluster = new SimCluster({
    scheduler,
    execution: "model",
    clock: "virtual",
    model: modelFromScript,
  });
  let inRound = 0;
  let maxPerRound = 0;
  const transport: Transport = withRun(cluster.transport(), (argv, options) => {
    inRound++;
    return cluster.transport().run(argv, options);
  });
  const sweep = await Promise.all(Array.from({ length: SWEEP }, (_, i) =>
    new JobScript({
      name: `sweep-${i}`,
      backend: scheduler,
      body: `sleep ${60 + 30 * i}\nexit ${failing && i === 7 ? 3 : 0}`,
    }).submit({ transport })));
  const array = arrayTasks === 0 ? [] : [
    await new JobScript({
      name: "array",
      backend: scheduler,
      body: "sleep 120",
      array: `1-${arrayTasks}`,
    }).submit({ transport }),
  ];
  const collect = await new JobScript({
    name: "collect",
    backend: scheduler,
    body: "sleep 60",
    after: [...array, ...sweep],
  }).submit({ transport });
  inRound = 0;
  const poller = pollerFor(transport, collect.backend);
  const before = { ...poller.stats };
  const stop = poller.onRound(() => {
    maxPerRound = Math.max(maxPerRound, inRound);
    inRound = 0;
  });
  const start = performance.now();
  if (waitFor === "collect") await collect.wait();
  else await AsyncResult.waitAll([...sweep, collect]);
  const wallMs = performance.now() - start;
  stop();
  return {
    rounds: poller.stats.rounds - before.rounds,
    commands: poller.stats.commands - before.commands,
    maxPerRound,
    wallMs,
    collect: statusName(collect.status),
  };
}

const peak = new MemoryPeak().start();
const row = (label: string, f: Figures) =>
  `  ${label.padEnd(34)} ${String(f.rounds).padStart(4)} rounds  ` +
  `${(f.commands / Math.max(1, f.rounds)).toFixed(2)} commands/round (max ${f.maxPerRound})  ` +
  `${f.wallMs.toFixed(0).padStart(5)} ms  collect ${f.collect}`;
let worst = 0;
for (const scheduler of schedulers) {
  const alone = await fanIn(scheduler, "collect", false);
  const all = await fanIn(scheduler, "all", false);
  const broken = await fanIn(scheduler, "collect", true);
  const whole = await fanIn(scheduler, "collect", false, 1_000);
  console.log(`${scheduler}: 20-job fan-in`);
  console.log(row("wait(collect), parents watched", alone));
  console.log(row("waitAll(21 runs)", all));
  console.log(row("wait(collect), sweep-7 fails", broken));
  console.log(row("1,000-task array + fan-in", whole));
  figure({
    name: `sim ${scheduler}: 1,000-task array + 20-job fan-in, most commands in one round`,
    value: whole.maxPerRound,
    unit: "commands",
    baseline: { label: "jobs watched", value: 1_021 },
    goal: { op: "<=", value: 3 },
  });
  figure({
    name: `sim ${scheduler}: 20-job fan-in, wall time wait(collect)`,
    value: alone.wallMs,
    unit: "ms",
    baseline: { label: "waitAll(21 runs)", value: all.wallMs },
  });
  console.log(
    `  ratio wall time wait(collect) / waitAll: ${(alone.wallMs / all.wallMs).toFixed(2)}`,
  );
  worst = Math.max(
    worst,
    alone.maxPerRound,
    all.maxPerRound,
    broken.maxPerRound,
    whole.maxPerRound,
  );
  if (
    alone.collect !== "COMPLETED" || broken.collect !== "CANCELLED" || whole.collect !== "COMPLETED"
  ) {
    console.error(`${scheduler}: unexpected end of the collect job`);
    Deno.exit(1);
  }
}
peak.stop();
console.log(`most scheduler commands in one poll round: ${worst} (goal ≤ 3)`);
console.log(`peak RSS ${(peak.rss / MB).toFixed(0)} MB`);
if (worst > 3) Deno.exit(1);
