/**
 * What `qsub` keeps on a job for the other PBS commands: the attributes `qstat -f` lists that
 * the engine's neutral job does not hold (Resource_List as submitted, Submit_arguments,
 * Join_Path, Variable_List, dependencies as named, output path specifications, the array
 * request, the project, the server name, the submission directory).
 *
 * @module
 */

import type { SimJob } from "../types.ts";

/** One `-W depend=` clause as qsub sent it: the type as written and the full job ids. */
export interface PbsDependClause {
  /** `afterok`, `afteranyarray`, ... as given. */
  readonly type: string;
  /** The jobs named, as full ids (`5.vm`, `46[].vm-pbs`). */
  readonly ids: readonly string[];
  /** Their sequence numbers, for the parents' `before...` side. */
  readonly seqs: readonly number[];
}

/** The PBS attributes of a job that only `qsub` knows, kept in `request.schedulerData`. */
export interface PbsJobData {
  /** `-l` resources as given, in order, later values winning (Resource_List before defaults). */
  readonly resources: ReadonlyArray<readonly [string, string]>;
  /** qsub's arguments as given (`submit_args`, `Submit_arguments`). */
  readonly submitArgs: string;
  /** `-j`: `oe`, `eo` or `n` (`Join_Path`). */
  readonly join: string;
  /** `PBS_O_*` and the exported variables, in the order `Variable_List` lists them, without the queue. */
  readonly variables: ReadonlyArray<readonly [string, string]>;
  /** The `-W depend=` clauses (`depend`). */
  readonly depend: readonly PbsDependClause[];
  /** `-o` and `-e` as given (the array's template paths). */
  readonly outputSpec?: string;
  /** See {@linkcode PbsJobData.outputSpec}. */
  readonly errorSpec?: string;
  /** PBS Pro's `-- command`: the executable and its arguments. */
  readonly command?: readonly string[];
  /** The array request as given (`-t 1-10%2`, `-J 1-10:2`). */
  readonly arraySpec?: string;
  /** PBS Pro's `-P` project. */
  readonly project?: string;
  /** The server name qsub printed in the job's id. */
  readonly server: string;
  /** The submission directory qsub recorded (`PBS_O_WORKDIR`, Torque's `init_work_dir`). */
  readonly submitDir: string;
  /** The directory qsub ran in (relative output paths are resolved against it). */
  readonly cwd: string;
}

/** The PBS data of a job, `undefined` for a job `qsub` did not submit. */
export function pbsJobData(job: SimJob): PbsJobData | undefined {
  return job.request.schedulerData as PbsJobData | undefined;
}
