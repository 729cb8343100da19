/**
 * {@linkcode planSubmission}: a job script rendered into a `SubmissionPlan` — every file, path,
 * mode and command of its submission, worked out without a transport, so that submission only
 * carries the plan out and a plan can be inspected and tested on its own.
 *
 * @module
 */

import { dirname } from "node:path/posix";
import type { Backend } from "../core/backend.ts";
import type { Resources } from "../core/resources.ts";
import { cacheFilePath } from "../run/cache.ts";
import type { SubmitOptions } from "../run/submit.ts";
import type { PlannedFile, SubmissionPlan } from "../run/submission_plan.ts";
import { defaultCacheId } from "./_cache_id.ts";

/** The mode of every script written on the scheduler host. */
const SCRIPT_MODE = 0o755;

/** What a plan is made from: a validated job that renders its own scripts (a `JobScript`). */
export interface PlannableJob {
  /** Job name. */
  readonly name: string;
  /** The scheduler backend. */
  readonly backend: Backend;
  /** SSH host of the scheduler, or `undefined`. */
  readonly remote: string | undefined;
  /** Job script file name. */
  readonly filename: string;
  /** Prologue script; `""` when there is none. */
  readonly prologue: string;
  /** Epilogue script; `""` when there is none. */
  readonly epilogue: string;
  /** Upper bound of the polling interval in seconds. */
  readonly maxSleepInterval: number;
  /** The validated resources. */
  readonly resources: Pick<Resources, "timeSeconds">;
  /** Local folder for cached runs, or `undefined`. */
  readonly cacheFolder: string | undefined;
  /** File name prefix of cached runs. */
  readonly cachePrefix: string;
  /** The rendered job script. */
  render(): string;
  /** The rendered aux scripts. */
  renderAuxScripts(): Record<string, string>;
  /** A rendered script other than the job script; `script` names it in errors (`"prologue"`). */
  renderScript(text: string, script?: string): string;
  /** The working directory on the scheduler host. */
  workingDirectory(): string;
  /** The job script's path on the scheduler host. */
  scriptPath(): string;
  /** The folder of the job's marker files on the scheduler host, or `undefined` (markers off). */
  markerFolder(): string | undefined;
}

/** The options of a submission that decide its plan: the cache file's. */
export type PlanOptions = Pick<SubmitOptions, "cacheId" | "cacheFolder" | "cachePrefix">;

/**
 * Renders a job into the plan of its submission: the aux scripts and the job script (mode 0755)
 * in the working directory, the backend's submit command (with the script on stdin where the
 * backend reads it there), the rendered prologue and epilogue, and the cache file (the default
 * cache id hashes the rendered scripts, their location and the backend). Nothing is written.
 *
 * @param job The job script.
 * @param options Cache id, cache folder and prefix overrides (`cacheFolder: ""` disables the cache).
 * @returns The frozen plan.
 * @throws {TemplateError} For an unknown placeholder in any script (naming it, the script and
 * the line).
 * @throws {InvalidValueError} For a cache id or prefix that is not a plain file-name word.
 */
export async function planSubmission(
  job: PlannableJob,
  options: PlanOptions = {},
): Promise<SubmissionPlan> {
  // Render everything first: a template error must surface before anything touches the cluster.
  const script = job.render();
  const auxScripts = job.renderAuxScripts();
  const prologue = job.prologue === "" ? undefined : job.renderScript(job.prologue, "prologue");
  const epilogue = job.epilogue === "" ? undefined : job.renderScript(job.epilogue, "epilogue");
  const directory = job.workingDirectory();
  const scriptPath = job.scriptPath();
  const files: PlannedFile[] = [
    ...Object.entries(auxScripts).map(([name, text]) => ({
      path: join(directory, name),
      text,
      mode: SCRIPT_MODE,
    })),
    { path: scriptPath, text: script, mode: SCRIPT_MODE },
  ];
  const folders = new Set(
    files.map(({ path }) => dirname(path)).filter((folder) =>
      folder !== directory && folder !== "."
    ),
  );
  const command = job.backend.submitCommand(job.filename);
  const cacheFolder = options.cacheFolder ?? job.cacheFolder;
  const cacheFile = cacheFolder
    ? cacheFilePath(
      cacheFolder,
      options.cachePrefix ?? job.cachePrefix,
      options.cacheId ?? await defaultCacheId({
        name: job.name,
        backend: job.backend.name,
        remote: job.remote,
        scriptPath,
        script,
        auxScripts,
      }),
    )
    : undefined;
  return Object.freeze({
    jobName: job.name,
    backend: job.backend,
    remote: job.remote,
    workingDirectory: directory,
    folders: Object.freeze([...folders]),
    files: Object.freeze(files.map((file) => Object.freeze(file))),
    submit: Object.freeze({
      argv: Object.freeze([...command.argv]),
      stdin: command.stdinScript ? script : undefined,
    }),
    prologue,
    epilogue,
    cacheFile,
    maxSleepInterval: job.maxSleepInterval,
    timeSeconds: job.resources.timeSeconds,
    markerFolder: job.markerFolder(),
  });
}

function join(directory: string, name: string): string {
  return name.startsWith("/") ? name : `${directory.replace(/\/+$/, "")}/${name}`;
}
