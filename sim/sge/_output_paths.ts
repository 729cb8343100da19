/**
 * Where a job's stdout and stderr go: `<name>.o<id>` and `<name>.e<id>` (`.<task>` added for
 * array tasks) in the working directory (022-job-output-files-cwd,
 * 074-array-task-output-files), or the `-o`/`-e` path with SGE's pseudo variables expanded (a
 * directory there gets the default file name).
 *
 * @module
 */

import { join } from "node:path/posix";
import { resolvePath } from "../_common/paths.ts";
import type { SimJob } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import { jobNumber } from "./_jobs.ts";

/** What decides a job's output paths. */
export interface OutputOptions {
  /** The job's working directory. */
  workdir: string;
  /** The submitter's home, for `$HOME`. */
  home: string;
  /** `-o`. */
  stdout?: string;
  /** `-e`. */
  stderr?: string;
  /** `-j y`: stderr goes into stdout. */
  merge: boolean;
}

/**
 * Expands the pseudo variables of qsub(1)'s `-o`/`-e` paths; `$TASK_ID` is 0 outside an array
 * (083-env-sort-inside-a-plain-job writes `env.$JOB_ID.$TASK_ID.out` as `env.23.0.out`).
 */
function expand(pattern: string, job: SimJob, home: string): string {
  return pattern
    .replace(/\$HOME/g, home)
    .replace(/\$USER/g, job.request.user)
    .replace(/\$JOB_ID/g, String(jobNumber(job)))
    .replace(/\$JOB_NAME/g, job.request.name)
    .replace(/\$HOSTNAME/g, job.nodeList[0] ?? "")
    .replace(/\$TASK_ID/g, String(job.arrayTaskId ?? 0));
}

function outputFile(
  engine: SimEngineApi,
  job: SimJob,
  options: OutputOptions,
  pattern: string | undefined,
  letter: "o" | "e",
): string {
  const task = job.arrayTaskId === undefined ? "" : `.${job.arrayTaskId}`;
  const name = `${job.request.name}.${letter}${jobNumber(job)}${task}`;
  if (pattern === undefined) return join(options.workdir, name);
  const path = resolvePath(options.workdir, expand(pattern, job, options.home));
  const directory = engine.readFile(path) === undefined && pattern.endsWith("/");
  return directory ? join(path, name) : path;
}

/** The `outputPaths` of a request: the engine asks when the job starts. */
export function outputPaths(
  engine: SimEngineApi,
  options: OutputOptions,
): (job: SimJob) => { stdout: string; stderr: string | null } {
  return (job) => ({
    stdout: outputFile(engine, job, options, options.stdout, "o"),
    stderr: options.merge ? null : outputFile(engine, job, options, options.stderr, "e"),
  });
}
