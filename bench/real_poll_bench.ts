// Benchmark on the real targets (issue 13, deliverable 1): 100 × `sleep 1` submitted one by one
// and waited for together, through a LocalTransport that times every command. Prints the status
// commands per poll round (goal <= 1.2 on SLURM) and the time spent in them (goal <= 0.3 s), and
// side by side the same jobs waited for by a naive per-job loop (one squeue/qstat per job per
// round, sacct/qacct per finished job), as the peers do. Enabled like the real tests
// (CLUSTERJOB_REAL=slurm,sge); skips with one line otherwise.
//
//   deno run -A bench/real_poll_bench.ts [--jobs N]

import { AsyncResult } from "../src/run/async_result.ts";
import { JobScript } from "../src/job/job_script.ts";
import { LocalTransport } from "../src/transports/local_transport.ts";
import { pollerFor } from "../src/run/_poller.ts";
import type { Backend } from "../src/core/backend.ts";
import type { CommandOutput, RunOptions, Transport } from "../src/core/transport.ts";
import { sge } from "../backends/sge.ts";
import { slurm } from "../backends/slurm.ts";
import { realEnabled } from "../test/real/_targets.ts";
import { figure } from "./_figures.ts";

const args = [...Deno.args];
const jobsFlag = args.indexOf("--jobs");
const JOBS = jobsFlag >= 0 ? Number(args[jobsFlag + 1]) : 100;

/** A LocalTransport that records the time each command takes, by program. */
class TimedTransport implements Transport {
  readonly #local = new LocalTransport();
  readonly name = "local";
  readonly clock = this.#local.clock;
  // no `target`: this benchmark measures one process, not the shared poll
  readonly spent = new Map<string, { count: number; ms: number }>();
  async run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    const start = performance.now();
    try {
      return await this.#local.run(argv, options);
    } finally {
      const entry = this.spent.get(argv[0]!) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += performance.now() - start;
      this.spent.set(argv[0]!, entry);
    }
  }
  writeFile(path: string, text: string, options?: { mode?: number }): Promise<void> {
    return this.#local.writeFile(path, text, options);
  }
  readFile(path: string): Promise<string> {
    return this.#local.readFile(path);
  }
  mkdir(path: string, options?: { mode?: number }): Promise<void> {
    return this.#local.mkdir(path, options);
  }
  remove(path: string): Promise<void> {
    return this.#local.remove(path);
  }
}

const STATUS = new Set(["squeue", "sacct", "qstat", "qacct", "scontrol"]);

async function bench(name: string, backend: Backend, root: string): Promise<void> {
  const transport = new TimedTransport();
  const runs: AsyncResult[] = [];
  for (let i = 0; i < JOBS; i++) {
    const job = new JobScript({
      name: `poll-${i}`,
      body: "sleep 1",
      backend,
      rootdir: root,
      workdir: `${name}-${i}`,
      resources: { time: 5 },
    });
    runs.push(await job.submit({ transport, cacheFolder: "" }));
  }
  const began = performance.now();
  const statuses = await AsyncResult.waitAll(runs);
  const wall = performance.now() - began;
  const { rounds, markerReads } = pollerFor(transport, backend).stats;
  let commands = 0;
  let ms = 0;
  const parts: string[] = [];
  for (const [program, entry] of transport.spent) {
    if (!STATUS.has(program)) continue;
    commands += entry.count;
    ms += entry.ms;
    parts.push(`${entry.count} ${program} (${(entry.ms / entry.count).toFixed(1)} ms each)`);
  }
  const submit = transport.spent.get(backend === slurm ? "sbatch" : "qsub");
  const memory = await controllerMemory(transport, backend);
  const done = statuses.filter((status) => status === 0).length;
  console.log(
    `${name}: ${JOBS} x sleep 1 submitted one by one, waited for together (${done} COMPLETED, ` +
      `wall ${(wall / 1000).toFixed(1)} s after the last submit)\n` +
      `  controller keeps finished jobs: ${memory}\n` +
      `  poll rounds ${rounds}; status commands ${commands}: ${parts.join(", ")}; ` +
      `end-marker reads ${markerReads} (${(markerReads / rounds).toFixed(2)} per round, ` +
      `one grep over the rounds' marker files)\n` +
      `  -> ${(commands / rounds).toFixed(2)} status commands per round (goal <= 1.2), ` +
      `${(ms / 1000).toFixed(3)} s in status commands (goal <= 0.3 s); submit ${
        submit ? (submit.ms / submit.count).toFixed(1) : "?"
      } ms each`,
  );
  // Side by side: what a per-job loop asks for the same jobs in the same number of rounds.
  const ids = runs.map((run) => run.jobId);
  const perJob = backend === slurm ? ["squeue", "-h", "-j", ids[0]!] : ["qstat", "-j", ids[0]!];
  const loopStart = performance.now();
  for (const id of ids) await transport.run([...perJob.slice(0, -1), id]);
  const oneLoop = performance.now() - loopStart;
  console.log(
    `  a per-job loop: ${JOBS} x \`${perJob.slice(0, -1).join(" ")} ID\` per round = ` +
      `${(oneLoop / 1000).toFixed(2)} s a round, ${(oneLoop * rounds / 1000).toFixed(1)} s for ` +
      `${rounds} rounds -> ${(oneLoop * rounds / ms).toFixed(0)}x the library's status time`,
  );
  figure({
    name: `real ${name} ${JOBS} x sleep 1: status commands per poll round`,
    value: commands / rounds,
    unit: "commands/round",
    baseline: { label: "per-job loop", value: JOBS },
    goal: { op: "<=", value: 1.2 },
  });
  figure({
    name: `real ${name} ${JOBS} x sleep 1: time in status commands`,
    value: ms / 1000,
    unit: "s",
    baseline: { label: "per-job loop, same rounds", value: oneLoop * rounds / 1000 },
    // the 0.3 s is SLURM's; SGE is held to the same shape (one command a round)
    ...(backend === slurm ? { goal: { op: "<=" as const, value: 0.3 } } : {}),
  });
}

/** How long the controller keeps finished jobs in its live queue, as its configuration says. */
async function controllerMemory(transport: Transport, backend: Backend): Promise<string> {
  const argv = backend === slurm ? ["scontrol", "show", "config"] : ["qconf", "-sconf"];
  const output = await transport.run(argv);
  const pattern = backend === slurm ? /^MinJobAge\s*=\s*(.+)$/m : /^finished_jobs\s+(.+)$/m;
  const value = pattern.exec(output.stdout)?.[1]?.trim() ?? "?";
  return backend === slurm
    ? `MinJobAge ${value} (squeue -t all lists them that long)`
    : `finished_jobs ${value} (qstat drops a job when it ends; markers settle it)`;
}

const enabled = ([["slurm", slurm], ["sge", sge]] as const).filter(([name]) => realEnabled(name));
if (enabled.length === 0) {
  console.log(
    "real_poll_bench skipped: no real scheduler enabled; to run it: sudo test/real/{slurm,sge}-up.sh, " +
      "then CLUSTERJOB_REAL=slurm,sge deno task bench",
  );
} else {
  const root = await Deno.makeTempDir({ prefix: "clusterjob-real-poll-" });
  try {
    for (const [name, backend] of enabled) await bench(name, backend, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
