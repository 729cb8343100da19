/**
 * The clusterjob demo (`deno task demo`): one job script, written once, rendered for every
 * scheduler. Each step is a small function so later steps (running on the simulator) slot in.
 *
 * @module
 */

import { statusName } from "../mod.ts";
import { type SchedulerKind, SimCluster } from "../sim/mod.ts";
import { tutorialJob } from "./tutorial.ts";

/** The built-in backends, in the order the demo shows them. */
export const DEMO_BACKENDS: readonly string[] = ["slurm", "pbs", "pbspro", "lsf", "sge"];

/**
 * A section title for the demo's output.
 *
 * @param title The title.
 * @returns The title framed by rules.
 *
 * @example Usage
 * ```ts
 * import { sectionTitle } from "./demo.ts";
 * console.assert(sectionTitle("x").includes("x"));
 * ```
 */
export function sectionTitle(title: string): string {
  const rule = "=".repeat(Math.max(72, title.length + 4));
  return `${rule}\n  ${title}\n${rule}`;
}

/**
 * Step 1: renders the tutorial job for every backend.
 *
 * @param log Where to print (default `console.log`).
 *
 * @example Usage
 * ```ts
 * import { renderTutorialForEveryBackend } from "./demo.ts";
 * const lines: string[] = [];
 * renderTutorialForEveryBackend((text) => lines.push(text));
 * console.assert(lines.some((text) => text.includes("#BSUB")));
 * ```
 */
export function renderTutorialForEveryBackend(log: (text: string) => void = console.log): void {
  for (const backend of DEMO_BACKENDS) {
    const job = tutorialJob(backend);
    log(sectionTitle(`The tutorial job rendered for ${backend} (${job.filename})`));
    log(job.render());
  }
}

/**
 * Step 2: submits the tutorial job to a simulated cluster of every scheduler (scripts really run,
 * with bash, in a directory the simulator owns), waits for it, and prints its output file.
 *
 * @param log Where to print (default `console.log`).
 * @returns The final status name of each scheduler's run.
 *
 * @example Usage
 * ```ts
 * import { runTutorialOnEverySimulatedScheduler } from "./demo.ts";
 * const statuses = await runTutorialOnEverySimulatedScheduler(() => {});
 * console.assert(Object.values(statuses).every((status) => status === "COMPLETED"));
 * ```
 */
export async function runTutorialOnEverySimulatedScheduler(
  log: (text: string) => void = console.log,
): Promise<Record<string, string>> {
  const statuses: Record<string, string> = {};
  for (const backend of DEMO_BACKENDS) {
    // A small cluster whose only queue is the tutorial's "test" queue.
    await using cluster = new SimCluster({
      scheduler: backend as SchedulerKind,
      queues: [{ name: "test", default: true, maxTimeSeconds: 3600 }],
    });
    const transport = cluster.transport();
    const job = tutorialJob(backend).with({ rootdir: "~/tutorial", workdir: backend });
    const run = await job.submit({ transport, cacheFolder: "" });
    const status = statusName(await run.wait());
    statuses[backend] = status;
    log(sectionTitle(`The tutorial job on a simulated ${backend}: job ${run.jobId} ${status}`));
    const stdout = job.resources.stdout ?? "";
    log(await transport.readFile(`${cluster.home}/tutorial/${backend}/${stdout}`));
  }
  return statuses;
}

/** Runs every step of the demo. */
export async function main(): Promise<void> {
  renderTutorialForEveryBackend();
  await runTutorialOnEverySimulatedScheduler();
}

if (import.meta.main) await main();
