/**
 * What `qsub` keeps on a job for the other PBS commands: the attributes `qstat -f` lists that
 * the engine's neutral job does not hold (Resource_List as submitted, Submit_arguments,
 * Join_Path, Variable_List, the array request, the project, the server name, the submission
 * directory).
 *
 * @module
 */

import type { SimJob } from "../types.ts";

/** The PBS attributes of a job that only `qsub` knows, kept in `request.schedulerData`. */
export interface PbsJobData {
  /** `Resource_List` as `qstat -f` shows it: the request plus the server's defaults, by name. */
  readonly resourceList: ReadonlyArray<readonly [string, string]>;
  /** qsub's arguments as given (`Submit_arguments`). */
  readonly submitArgs: string;
  /** `-j`: `oe`, `eo` or `n` (`Join_Path`). */
  readonly join: string;
  /** `PBS_O_*` and the exported variables, `KEY=value` joined by commas (`Variable_List`). */
  readonly variableList: string;
  /** The array request as given (`-t 1-10%2`, `-J 1-10:2`). */
  readonly arraySpec?: string;
  /** PBS Pro's `-P` project. */
  readonly project?: string;
  /** The server name qsub printed in the job's id. */
  readonly server: string;
  /** The submission directory qsub recorded (`PBS_O_WORKDIR`, Torque's `init_work_dir`). */
  readonly submitDir: string;
}

/** The PBS data of a job, `undefined` for a job `qsub` did not submit. */
export function pbsJobData(job: SimJob): PbsJobData | undefined {
  return job.request.schedulerData as PbsJobData | undefined;
}
