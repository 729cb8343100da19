// Benchmark: one poll per machine (issue 13, deliverable 2). 10 processes × 100 runs each wait
// for jobs of ONE simulated SLURM cluster (model execution, wall clock) served to them on a Unix
// socket (test/_sim_socket.ts); the status commands (squeue + sacct) that reach the cluster are
// counted in its command log. Side by side in one run: every run sharing (the default) and every
// run with `polling: { shared: false }`. Goal: about 1 status command per interval for all ten.
//
//   deno run -A bench/shared_poll_bench.ts [--processes N] [--runs N]

import { figure } from "./_figures.ts";
import { sharedPollScenario } from "../test/_shared_poll_scenario.ts";

const args = [...Deno.args];
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const PROCESSES = flag("--processes", 10);
const RUNS = flag("--runs", 100);
async function measure(mode: "shared" | "alone") {
  // 2 to 12 s: several poll rounds at the 5 s base interval
  const result = await sharedPollScenario({
    processes: PROCESSES,
    perProcess: RUNS,
    mode,
    runtimeSeconds: (id) => 2 + (id % 11),
  });
  // Poll intervals: the most rounds any one process went through
  const rounds = Math.max(...result.children.map((child) => child.rounds));
  return { commands: result.statusCommands, rounds, wall: result.wallMs, bursts: result.bursts };
}

const shared = await measure("shared");
const alone = await measure("alone");
const perInterval = (f: { commands: number; rounds: number }) => (f.commands / f.rounds).toFixed(2);
console.log(
  `shared_poll_bench: ${PROCESSES} processes x ${RUNS} runs on one simulated slurm cluster ` +
    `(wall clock; goal ~1 status command per interval for all ${PROCESSES})`,
);
console.log(
  `  shared (default): ${shared.commands} status commands in ${shared.rounds} poll intervals ` +
    `-> ${perInterval(shared)} per interval; wall ${(shared.wall / 1000).toFixed(1)} s; ` +
    `per burst: ${shared.bursts.join(", ")} (the first while the processes start)`,
);
console.log(
  `  shared: false   : ${alone.commands} status commands in ${alone.rounds} poll intervals ` +
    `-> ${perInterval(alone)} per interval; wall ${(alone.wall / 1000).toFixed(1)} s; ` +
    `per burst: ${alone.bursts.join(", ")}`,
);
console.log(
  `  unshared / shared: ${(alone.commands / shared.commands).toFixed(1)}x the status commands`,
);
const afterStart = (bursts: number[]) =>
  bursts.slice(1).reduce((sum, n) => sum + n, 0) / Math.max(1, bursts.length - 1);
figure({
  name: `${PROCESSES} processes x ${RUNS} runs, one sim cluster: status commands per interval`,
  value: shared.commands / shared.rounds,
  unit: "commands/interval",
  baseline: { label: "polling: { shared: false }", value: alone.commands / alone.rounds },
});
figure({
  name: `${PROCESSES} processes x ${RUNS} runs: the same after start-up`,
  value: afterStart(shared.bursts),
  unit: "commands/interval",
  baseline: { label: "polling: { shared: false }", value: afterStart(alone.bursts) },
  goal: { op: "<=", value: 1.2 },
});
