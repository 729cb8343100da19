// The shared-poll scenario, for its tests and its benchmark: P child processes
// (test/_shared_poll_child.ts) wait for jobs of ONE simulated SLURM cluster (model execution,
// wall clock) served to them on a Unix socket (test/_sim_socket.ts); the status commands
// (squeue, sacct) that reach the cluster are counted in its command log.

import { join } from "node:path";
import { SimCluster } from "../sim/cluster.ts";
import { Status } from "../src/core/status.ts";
import { serveSim } from "./_sim_socket.ts";

const CHILD = new URL("./_shared_poll_child.ts", import.meta.url).pathname;

/** What one child reported. */
export interface Child {
  statuses: number[];
  commands: number;
  rounds: number;
}

/** The scenario's shape. */
export interface ScenarioOptions {
  processes: number;
  perProcess: number;
  mode: "shared" | "alone";
  /** A job's runtime in seconds (default 1 to 4 s by id); one job in five fails. */
  runtimeSeconds?: (id: number) => number;
  /** Called with the polls folder, the target's key and the ids before the children start. */
  prepare?: ((polls: string, key: string, ids: string[][]) => Promise<void>) | undefined;
  /** Called with the polls folder once the children are done. */
  inspect?: ((polls: string) => Promise<void>) | undefined;
}

/** Runs the scenario: the children's reports, the status commands counted, expected statuses. */
export async function sharedPollScenario(options: ScenarioOptions): Promise<
  {
    children: Child[];
    statusCommands: number;
    /** Status commands per burst (commands less than 1 s apart), in order. */
    bursts: number[];
    expected: number[][];
    wallMs: number;
  }
> {
  const { processes, perProcess, mode, prepare, inspect } = options;
  const runtime = options.runtimeSeconds ?? ((id: number) => 1 + (id % 4));
  const folder = await Deno.makeTempDir({ prefix: "clusterjob-shared-" });
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "real",
    nodes: [{ name: "node1", cpus: processes * perProcess, memoryMB: 100_000_000 }],
    model: (job) => ({ runtimeSeconds: runtime(job.id), exitCode: job.id % 5 === 0 ? 1 : 0 }),
  });
  const transport = cluster.transport();
  const ids: string[][] = [];
  for (let p = 0; p < processes; p++) {
    const mine: string[] = [];
    for (let i = 0; i < perProcess; i++) {
      const out = await transport.run(["sbatch", "--parsable", "--wrap", "true"]);
      mine.push(out.stdout.trim());
    }
    ids.push(mine);
  }
  const expected = ids.map((mine) =>
    mine.map((id) => Number(id) % 5 === 0 ? Status.FAILED : Status.COMPLETED)
  );
  const socket = join(folder, "sim.sock");
  const stop = serveSim(cluster, socket);
  const cache = join(folder, "cache");
  const polls = join(cache, "clusterjob", "polls");
  await prepare?.(polls, `simsock:${socket}\nslurm`, ids);
  const from = cluster.commandLog.length;
  const began = performance.now();
  try {
    const children = await Promise.all(ids.map(async (mine) => {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CHILD, socket, mode, ...mine],
        env: { XDG_CACHE_HOME: cache },
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (code !== 0) {
        throw new Error(`a child failed (exit ${code}): ${new TextDecoder().decode(stderr)}`);
      }
      return JSON.parse(new TextDecoder().decode(stdout)) as Child;
    }));
    const wallMs = performance.now() - began;
    const status = cluster.commandLog.slice(from)
      .filter((record) => record.argv[0] === "squeue" || record.argv[0] === "sacct");
    const statusCommands = status.length;
    // Bursts: status commands less than a second apart (one poll interval's queries)
    const bursts: number[] = [];
    let last = -Infinity;
    for (const record of status) {
      if (record.time - last > 1000) bursts.push(0);
      bursts[bursts.length - 1]!++;
      last = record.time;
    }
    await inspect?.(polls);
    return { children, statusCommands, bursts, expected, wallMs };
  } finally {
    await stop();
    await Deno.remove(folder, { recursive: true });
  }
}
