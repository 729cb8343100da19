// What the simulator benchmarks share: which schedulers the command line names, one process per
// scheduler (so that one's memory and garbage do not count against the next), and the peak
// memory of the process, sampled.

import type { SchedulerKind } from "../sim/types.ts";

/** Every scheduler the simulator emulates, in the order the benchmarks print them. */
export const ALL_SCHEDULERS: readonly SchedulerKind[] = ["slurm", "pbs", "pbspro", "lsf", "sge"];

/**
 * The schedulers `args` names (`all` for every one; `fallback` when none is named); exits with
 * code 2 and a line naming the accepted forms on an unknown name. `args` holds only the names:
 * the caller takes its own flags out first.
 */
export function schedulersFrom(
  args: readonly string[],
  fallback: readonly SchedulerKind[] = ALL_SCHEDULERS,
): SchedulerKind[] {
  if (args.includes("all")) return [...ALL_SCHEDULERS];
  if (args.length === 0) return [...fallback];
  const unknown = args.find((name) => !(ALL_SCHEDULERS as readonly string[]).includes(name));
  if (unknown !== undefined) {
    console.error(`Unknown scheduler "${unknown}": expected ${ALL_SCHEDULERS.join(", ")} or all`);
    Deno.exit(2);
  }
  return args as SchedulerKind[];
}

/**
 * With more than one scheduler, runs the calling benchmark (`script`) once per scheduler, each in
 * its own process with `flags` after the scheduler's name, and exits (with the first failure's
 * code). With one, returns it: the caller measures in this process.
 */
export async function oneProcessEach(
  script: string,
  schedulers: readonly SchedulerKind[],
  flags: readonly string[] = [],
): Promise<SchedulerKind> {
  if (schedulers.length === 1) return schedulers[0]!;
  for (const scheduler of schedulers) {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, scheduler, ...flags],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) Deno.exit(code);
  }
  Deno.exit(0);
}

/** Peak RSS and heap of this process, sampled every 20 ms from `start()` until `stop()`. */
export class MemoryPeak {
  rss = Deno.memoryUsage().rss;
  heap = Deno.memoryUsage().heapUsed;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Starts sampling. */
  start(): this {
    this.#timer = setInterval(() => {
      const usage = Deno.memoryUsage();
      this.rss = Math.max(this.rss, usage.rss);
      this.heap = Math.max(this.heap, usage.heapUsed);
    }, 20);
    return this;
  }

  /** Stops sampling (once more first, so a short run still has a figure). */
  stop(): this {
    clearInterval(this.#timer);
    const usage = Deno.memoryUsage();
    this.rss = Math.max(this.rss, usage.rss);
    this.heap = Math.max(this.heap, usage.heapUsed);
    return this;
  }
}

/** Bytes in a megabyte, for printing. */
export const MB = 1024 * 1024;
