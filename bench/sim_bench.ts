// Simulator benchmark (issue 13, deliverable 5: 100,000 jobs in model mode on the virtual clock
// in <= 10 s with peak RSS <= 500 MB). Each figure comes from its own process, so that one's
// memory does not count against the next; peak RSS is the kernel's high-water mark (VmHWM),
// with V8's default heap settings (the child gets only --expose-gc, for the retained-heap figure
// taken after the peak is read). Prints, in one run:
//  1. engine: 10,000 and 100,000 jobs submitted through the emulated `sbatch` (argv, #SBATCH
//     directives, engine) on 128 cores and run to the end; wall time, peak RSS, and the ratio of
//     100,000 to 10,000 (10 when the simulator scales linearly);
//  2. polling: the same submissions on a cluster a quarter as wide as the jobs, waited for the way
//     clusterjob's SLURM backend polls: the commands its `statusCommands` and
//     `accountingCommands` build (`squeue -h -t all -O "JobArrayID:|,State:|,Reason:|,exit_code:"
//     -j IDS`, then `sacct -X -P -n -o ... -j IDS` for the ids the queue no longer lists; ids
//     chunked to 100,000 characters) and its parsers, every 5 simulated minutes; wall time,
//     commands, peak RSS and the ratio. The large size runs --repeat times (default 3) and the
//     median is the figure: the machine is shared and a single run varies;
//  3. the command log at the large size, polling: peak RSS and retained heap with every output
//     kept (`commandLog: { outputs: "all" }`), with the default bound and with none, side by side.
// The headline figures go to `deno task bench`'s summary table (bench/_figures.ts).
//
//   deno run -A bench/sim_bench.ts [--jobs N] [--repeat R]   (default 100000, 3; small size N / 10)

import { SimCluster, type SimCommandLogOptions } from "../sim/mod.ts";
import { slurm } from "../backends/slurm.ts";
import { isFinished } from "../src/core/status.ts";
import { figure } from "./_figures.ts";

type Case = "engine" | "polling";
type Outputs = "all" | "bounded" | "none";

/** What one measured process reports. */
interface Figures {
  jobs: number;
  submitMs: number;
  runMs: number;
  simulatedHours: number;
  commands: number;
  rounds: number;
  keptOutputChars: number;
  peakRssMB: number;
  /** Heap in use after a full garbage collection at the end, the cluster still open. */
  retainedMB: number;
}

const MB = 1024 * 1024;
const POLL_MS = 300_000;

/** Peak resident set size of this process: VmHWM where Linux tells it, else the RSS now. */
function peakRssMB(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kB !== undefined) return Number(kB) / 1024;
  } catch { /* not Linux */ }
  return Deno.memoryUsage().rss / MB;
}

/** One measurement: `jobs` submitted with sbatch, then run to the end or polled until done. */
async function measure(which: Case, jobs: number, outputs: Outputs): Promise<Figures> {
  const commandLog: SimCommandLogOptions = outputs === "bounded" ? {} : { outputs };
  const nodes = which === "engine" ? 16 : Math.max(1, Math.ceil(jobs / 4 / 64));
  const cpus = which === "engine" ? 8 : 64;
  const began = performance.now();
  await using cluster = new SimCluster({
    scheduler: "slurm",
    nodes: Array.from({ length: nodes }, (_, i) => ({
      name: `node${i + 1}`,
      cpus,
      memoryMB: cpus * 8_000,
    })),
    queues: [{ name: "batch", default: true, maxTimeSeconds: 86_400 }],
    // Runtimes of 1–30 minutes, one in twenty jobs failing, deterministic per job.
    model: (job) => ({
      runtimeSeconds: 60 + ((job.id * 7919) % 1740),
      exitCode: job.id % 20 === 0 ? 1 : 0,
    }),
    commandLog,
  });
  const transport = cluster.transport();
  await transport.writeFile(
    "~/job.sh",
    "#!/bin/bash\n#SBATCH --job-name=bench\n#SBATCH --time=01:00:00\n#SBATCH --mem=1G\nsrun ./step\n",
  );
  const ids: string[] = [];
  for (let i = 0; i < jobs; i++) {
    const out = await transport.run(["sbatch", "--parsable", "-c", String(1 + (i % 4)), "job.sh"]);
    if (out.code !== 0) throw new Error(`sbatch failed: ${out.stderr}`);
    ids.push(out.stdout.trim());
  }
  const submitted = performance.now();
  let rounds = 0;
  if (which === "engine") {
    await cluster.runUntilIdle();
  } else {
    // One round as clusterjob's poller does it: status of every unfinished job, then accounting
    // for the ids that left the queue. Each answer is read as it comes: the round keeps only the
    // ids that finished in it, not a map of every id.
    let waiting = ids;
    while (waiting.length > 0) {
      await cluster.advance(POLL_MS);
      rounds++;
      const ended = new Set<string>();
      const left: string[] = [];
      for (const query of slurm.statusCommands(waiting)) {
        const infos = slurm.parseStatus(await transport.run(query.argv), query.ids);
        for (const id of query.ids) {
          const info = infos.get(id);
          if (info === undefined) left.push(id);
          else if (isFinished(info.status)) ended.add(id);
        }
      }
      for (const query of slurm.accountingCommands(left)) {
        const infos = slurm.parseAccounting(await transport.run(query.argv), query.ids);
        for (const [id, info] of infos) if (isFinished(info.status)) ended.add(id);
      }
      waiting = waiting.filter((id) => !ended.has(id));
    }
  }
  const finished = performance.now();
  const done = cluster.jobs().filter((job) => job.state === "COMPLETED" || job.state === "FAILED");
  if (done.length !== jobs) throw new Error(`${jobs - done.length} jobs did not finish`);
  let keptOutputChars = 0;
  for (const record of cluster.commandLog) {
    keptOutputChars += (record.stdout?.length ?? 0) + (record.stderr?.length ?? 0);
  }
  ids.length = 0;
  const peak = peakRssMB();
  (globalThis as { gc?: () => void }).gc?.();
  return {
    jobs,
    submitMs: submitted - began,
    runMs: finished - submitted,
    simulatedHours: (cluster.clock.now() - Date.UTC(2026, 0, 1)) / 3_600_000,
    commands: cluster.commandLog.length,
    rounds,
    keptOutputChars,
    peakRssMB: peak,
    retainedMB: Deno.memoryUsage().heapUsed / MB,
  };
}

/** Runs one measurement in a fresh process. */
async function inProcess(which: Case, jobs: number, outputs: Outputs): Promise<Figures> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      import.meta.filename!,
      "--measure",
      which,
      String(jobs),
      outputs,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`sim_bench ${which} ${jobs} ${outputs} failed (exit ${code})`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

const args = [...Deno.args];
const measureFlag = args.indexOf("--measure");
if (measureFlag >= 0) {
  const [which, jobs, outputs] = args.slice(measureFlag + 1) as [Case, string, Outputs];
  console.log(JSON.stringify(await measure(which, Number(jobs), outputs)));
  Deno.exit(0);
}

const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const large = flag("--jobs", 100_000);
const repeat = Math.max(1, flag("--repeat", 3));
const small = Math.max(1, Math.round(large / 10));
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (value: number) => `${value.toFixed(0)} MB`;
const wall = (f: Figures) => f.submitMs + f.runMs;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const line = (f: Figures, extra: string) =>
  `  ${String(f.jobs).padStart(7)} jobs: wall ${s(wall(f))} (submit ${s(f.submitMs)}, ${extra}); ` +
  `peak rss ${mb(f.peakRssMB)}, retained heap ${mb(f.retainedMB)}`;
const ratio = (little: Figures, big: Figures) =>
  `  ${big.jobs} / ${little.jobs}: ${(wall(big) / wall(little)).toFixed(1)}× the wall time, ` +
  `${(big.peakRssMB / little.peakRssMB).toFixed(1)}× the peak rss, ` +
  `${(big.retainedMB / little.retainedMB).toFixed(1)}× the retained heap, for ` +
  `${(big.jobs / little.jobs).toFixed(0)}× the jobs`;
const k = (n: number) => n >= 1000 ? `${n / 1000}k` : String(n);

console.log(
  "sim_bench: jobs submitted through the emulated sbatch, model mode, virtual clock, one " +
    `process per figure (goal at ${large} jobs: <= 10 s, peak rss <= 500 MB)`,
);
console.log("engine: 128 cores, run to the end");
const engineSmall = await inProcess("engine", small, "bounded");
const engineLarge = await inProcess("engine", large, "bounded");
for (const f of [engineSmall, engineLarge]) {
  console.log(line(f, `run ${s(f.runMs)}, ${f.simulatedHours.toFixed(0)} h simulated`));
}
console.log(ratio(engineSmall, engineLarge));
console.log(
  `polling: jobs/4 cores, waited for with the SLURM backend's status and accounting commands ` +
    `(and its parsers) every ${POLL_MS / 60_000} simulated minutes`,
);
const pollSmall = await inProcess("polling", small, "bounded");
console.log(
  line(
    pollSmall,
    `wait ${s(pollSmall.runMs)}, ${pollSmall.rounds} rounds, ` +
      `${pollSmall.commands - pollSmall.jobs} status commands`,
  ),
);
const runs: Figures[] = [];
for (let i = 0; i < repeat; i++) {
  const f = await inProcess("polling", large, "bounded");
  runs.push(f);
  console.log(
    line(f, `wait ${s(f.runMs)}, ${f.rounds} rounds, ${f.commands - f.jobs} status commands`),
  );
}
const pollWallMs = median(runs.map(wall));
const pollPeakMB = median(runs.map((f) => f.peakRssMB));
const bounded = runs[0]!;
console.log(
  `  ${large} jobs, median of ${repeat}: wall ${s(pollWallMs)}, peak rss ${mb(pollPeakMB)} ` +
    `(runs: ${runs.map((f) => mb(f.peakRssMB)).join(", ")})`,
);
console.log(ratio(pollSmall, bounded));
console.log(`command log: polling ${large} jobs (${bounded.commands} commands), side by side`);
const all = await inProcess("polling", large, "all");
const none = await inProcess("polling", large, "none");
for (const [name, f] of [["all", all], ["bounded (default)", bounded], ["none", none]] as const) {
  console.log(
    `  outputs ${name.padEnd(17)}: keeps ${(f.keptOutputChars / MB).toFixed(1).padStart(5)} Mi ` +
      `characters; peak rss ${mb(f.peakRssMB)}, retained heap ${mb(f.retainedMB)}, wall ${
        s(wall(f))
      }`,
  );
}
console.log(
  `  all / bounded: ${(all.retainedMB / bounded.retainedMB).toFixed(2)}× the retained heap, ` +
    `${(all.peakRssMB / bounded.peakRssMB).toFixed(2)}× the peak rss`,
);

figure({
  name: `sim: ${k(large)} jobs polled (submit + wait), wall time, median of ${repeat}`,
  value: pollWallMs / 1000,
  unit: "s",
  baseline: { label: `${k(small)} jobs; linear = 10x`, value: wall(pollSmall) / 1000 },
  goal: { op: "<=", value: 10 },
});
figure({
  name: `sim: ${k(large)} jobs polled, peak RSS, median of ${repeat}`,
  value: pollPeakMB,
  unit: "MB",
  baseline: { label: `${k(small)} jobs`, value: pollSmall.peakRssMB },
  goal: { op: "<=", value: 500 },
});
figure({
  name: `sim: ${k(large)} jobs run to the end (engine), wall time`,
  value: wall(engineLarge) / 1000,
  unit: "s",
  baseline: { label: `${k(small)} jobs; linear = 10x`, value: wall(engineSmall) / 1000 },
  goal: { op: "<=", value: 10 },
});
figure({
  name: `sim: ${k(large)} jobs run to the end (engine), peak RSS`,
  value: engineLarge.peakRssMB,
  unit: "MB",
  baseline: { label: `${k(small)} jobs`, value: engineSmall.peakRssMB },
  goal: { op: "<=", value: 500 },
});
figure({
  name: `sim: command log, ${k(large)} jobs polled, retained heap (default bound)`,
  value: bounded.retainedMB,
  unit: "MB",
  baseline: { label: "every output kept", value: all.retainedMB },
  goal: { op: "<=", value: 1, on: "ratio" },
});
figure({
  name: `sim: command log, ${k(large)} jobs polled, outputs kept (default bound)`,
  value: bounded.keptOutputChars / MB,
  unit: "Mi chars",
  baseline: { label: "every output kept", value: all.keptOutputChars / MB },
});
