// Benchmark: one poll per machine (issue 13, deliverable 2). 10 processes × 100 runs each wait
// for jobs of ONE simulated SLURM cluster (model execution, wall clock) served to them on a Unix
// socket (test/_sim_socket.ts); the status commands (squeue + sacct) that reach the cluster are
// counted in its command log. Side by side in one run: every run sharing (the default) and every
// run with `polling: { shared: false }`. Goal: about 1 status command per interval for all ten.
//
//   deno run -A bench/shared_poll_bench.ts [--processes N] [--runs N]

import { join } from "node:path";
import { SimCluster } from "../sim/cluster.ts";
import { serveSim } from "../test/_sim_socket.ts";

const args = [...Deno.args];
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const PROCESSES = flag("--processes", 10);
const RUNS = flag("--runs", 100);
const CHILD = new URL("../test/_shared_poll_child.ts", import.meta.url).pathname;

async function measure(mode: "shared" | "alone") {
  const folder = await Deno.makeTempDir({ prefix: "clusterjob-shared-bench-" });
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "real",
    nodes: [{ name: "node1", cpus: 2048, memoryMB: 8_000_000 }],
    // 2 to 12 s: several poll rounds at the 5 s base interval
    model: (job) => ({ runtimeSeconds: 2 + (job.id % 11), exitCode: 0 }),
  });
  const transport = cluster.transport();
  const ids: string[][] = [];
  for (let p = 0; p < PROCESSES; p++) {
    const mine: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      mine.push((await transport.run(["sbatch", "--parsable", "--wrap", "true"])).stdout.trim());
    }
    ids.push(mine);
  }
  const socket = join(folder, "sim.sock");
  const stop = serveSim(cluster, socket);
  const from = cluster.commandLog.length;
  const began = performance.now();
  try {
    const children = await Promise.all(ids.map(async (mine) => {
      const { code, stdout } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CHILD, socket, mode, ...mine],
        env: { XDG_CACHE_HOME: join(folder, "cache") },
        stdout: "piped",
        stderr: "inherit",
      }).output();
      if (code !== 0) throw new Error(`a child failed with exit code ${code}`);
      return JSON.parse(new TextDecoder().decode(stdout)) as { rounds: number };
    }));
    const wall = performance.now() - began;
    const log = cluster.commandLog.slice(from);
    const status = log.filter((r) => r.argv[0] === "squeue" || r.argv[0] === "sacct");
    // Poll intervals: the most rounds any one process went through
    const rounds = Math.max(...children.map((child) => child.rounds));
    return { commands: status.length, rounds, wall };
  } finally {
    await stop();
    await Deno.remove(folder, { recursive: true });
  }
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
    `-> ${perInterval(shared)} per interval; wall ${(shared.wall / 1000).toFixed(1)} s`,
);
console.log(
  `  shared: false   : ${alone.commands} status commands in ${alone.rounds} poll intervals ` +
    `-> ${perInterval(alone)} per interval; wall ${(alone.wall / 1000).toFixed(1)} s`,
);
console.log(
  `  unshared / shared: ${(alone.commands / shared.commands).toFixed(1)}x the status commands`,
);
