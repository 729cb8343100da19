/**
 * {@linkcode SubmissionPlan}: everything a submission does, worked out before it starts — the
 * files to write on the scheduler host, the submit command, the local scripts and the cache
 * file. A plain, frozen value: `planSubmission` (in `src/job/`) builds it from a `JobScript`
 * without touching a transport; `submitPlan` carries it out.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";

/** A file that submission writes on the scheduler host. */
export interface PlannedFile {
  /** POSIX path on the scheduler host (`~/` is the home directory there). */
  readonly path: string;
  /** The rendered text. */
  readonly text: string;
  /** File mode, e.g. `0o755`. */
  readonly mode: number;
}

/** The command that submits the job, run in the plan's working directory. */
export interface PlannedCommand {
  /** Program and arguments. */
  readonly argv: readonly string[];
  /** Text fed to the command's standard input (LSF's `bsub < script`), if any. */
  readonly stdin: string | undefined;
}

/**
 * What submitting one job does, in order: create `workingDirectory`, then `folders`, then write
 * `files`; run `prologue` on this machine; run `submit` in `workingDirectory`; parse its answer
 * with `backend`; save the run in `cacheFile`; hand `epilogue` to the run.
 */
export interface SubmissionPlan {
  /** The job's name. */
  readonly jobName: string;
  /** The scheduler backend: parses the submit command's answer, then polls the run. */
  readonly backend: Backend;
  /** SSH host of the scheduler (the default transport and the run's saved host), or `undefined`. */
  readonly remote: string | undefined;
  /** Directory on the scheduler host where the files go and the submit command runs. */
  readonly workingDirectory: string;
  /** Further directories the files need, below or beside `workingDirectory`. */
  readonly folders: readonly string[];
  /** The aux scripts, then the job script. */
  readonly files: readonly PlannedFile[];
  /** The submit command. */
  readonly submit: PlannedCommand;
  /** Rendered prologue, run on this machine before submitting, or `undefined`. */
  readonly prologue: string | undefined;
  /** Rendered epilogue, run on this machine once the run is first seen finished, or `undefined`. */
  readonly epilogue: string | undefined;
  /** The run's cache file on this machine, or `undefined` when the cache is off. */
  readonly cacheFile: string | undefined;
  /** The job's upper bound of the polling interval, in seconds. */
  readonly maxSleepInterval: number;
  /** The job's walltime in seconds, if it has one (polls are spaced by a tenth of it). */
  readonly timeSeconds: number | undefined;
  /** Where the job writes its marker files on the scheduler host, or `undefined` (markers off). */
  readonly markerFolder: string | undefined;
}
