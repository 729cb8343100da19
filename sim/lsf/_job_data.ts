/**
 * What `bsub` keeps on a job for `bjobs` and `bhist`: the fields of LSF's job record that the
 * engine's neutral job does not hold (the job name without its array part, the project, the
 * command, the submission directory, the slots, the output files as given, the dependency
 * expression).
 *
 * @module
 */

import type { SimJob } from "../types.ts";

/** LSF's record of a job that only `bsub` knows, kept in `request.schedulerData`. */
export interface LsfJobData {
  /** The job name without its array part (`arr` of `-J "arr[1-10]"`). */
  readonly baseName: string;
  /** The array request as written (`[1-4]`), for `bjobs -A`. */
  readonly arraySpec?: string;
  /** `-P`, else `default`. */
  readonly project: string;
  /** The command bjobs shows: the command line's command, else the job name. */
  readonly command: string;
  /** The directory bsub ran in (`SUB_CWD`). */
  readonly submitCwd: string;
  /** `-n`: the slots asked for. */
  readonly slots: number;
  /** `-o`/`-oo` as given. */
  readonly outputFile?: string;
  /** `-e`/`-eo` as given. */
  readonly errorFile?: string;
  /** `-w` as given. */
  readonly dependency?: string;
  /** `-Jd` as given (`job_description`). */
  readonly description?: string;
}

/** The LSF data of a job, `undefined` for a job `bsub` did not submit. */
export function lsfJobData(job: SimJob): LsfJobData | undefined {
  return job.request.schedulerData as LsfJobData | undefined;
}
