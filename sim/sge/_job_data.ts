/**
 * What qsub keeps about a job beyond the engine's neutral request, for qstat, qacct and the
 * job's environment: {@linkcode SgeJobData}, stored in `SimSubmitRequest.schedulerData` and read
 * through {@linkcode sgeJobData}.
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import { EXECD_PATH } from "./_cell.ts";
import type { TaskRange } from "./_values.ts";

/**
 * SGE's data of one submission. The tasks of an array share their request, so they share this
 * too.
 */
export interface SgeJobData {
  /** `script_file` of `qstat -j`: the script's path as given, the `-b y` command, or `STDIN`. */
  scriptFile: string;
  /** `sge_o_home`, `$HOME` and `$SGE_O_HOME`: the submitter's home. */
  submitHome: string;
  /** `sge_o_path` and `$SGE_O_PATH`: the submitter's PATH. */
  submitPath: string;
  /** `sge_o_shell` and `$SGE_O_SHELL`: the submitter's SHELL. */
  submitShell: string;
  /** `$SGE_O_LOGNAME`: the submitter's LOGNAME. */
  submitLogname: string;
  /** `cwd` of `qstat -j`: the working directory, when `-cwd` or `-wd` chose it. */
  cwd?: string;
  /** `-S`: the shell, for `shell_list` and the job's `$SHELL`. */
  shell?: string;
  /** `-pe NAME SLOTS` as given. */
  pe?: { name: string; slots: string };
  /** The job's category as qacct prints it: `-l h_rt=600 -pe smp 2`. */
  category?: string;
  /** `hard resource_list` of `qstat -j`: the `-l` part of the category. */
  hardResourceList?: string;
  /** Whether `s_rt` (SIGUSR1) ends the job before `h_rt` would. */
  softLimitEnds?: boolean;
  /** `-t`: the task range of an array job. */
  taskRange?: TaskRange;
  /** `-hold_jid`: the predecessors as requested (ids or names) and the ids they resolved to. */
  predecessors?: { request: string[]; ids: number[] };
  /** qdel removed the job from the error state (it left qstat). */
  deleted?: boolean;
  /** `-ac` context as `qstat -j` prints it: `NAME=value,NAME=value`. */
  context?: string;
}

/** What qstat and qacct assume of a job no qsub submitted (one a test put into the engine). */
function defaults(job: SimJob): SgeJobData {
  return {
    scriptFile: "STDIN",
    submitHome: `/home/${job.request.user}`,
    submitPath: EXECD_PATH,
    submitShell: "/bin/bash",
    submitLogname: job.request.user,
  };
}

/** The SGE data of a job. */
export function sgeJobData(job: SimJob): SgeJobData {
  return (job.request.schedulerData as SgeJobData | undefined) ?? defaults(job);
}

/** Marks a job deleted by qdel; the mark is shared by the tasks of its array. */
export function markDeleted(job: SimJob): void {
  const data = sgeJobData(job);
  data.deleted = true;
  job.request.schedulerData = data;
}
