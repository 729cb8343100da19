/**
 * The clusterjob demo (`deno task demo`): one job script, written once, rendered for every
 * scheduler. Each step is a small function so later steps (running on the simulator) slot in.
 *
 * @module
 */

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

/** Runs every step of the demo. */
export function main(): void {
  renderTutorialForEveryBackend();
}

if (import.meta.main) main();
