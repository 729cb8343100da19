/**
 * sacct's fields: what each `-o` name prints for a job and for its `.batch` step, as slurmdbd
 * knows them (recordings 021 to 024, 062, 070, 088, 109).
 *
 * @module
 */

import { uidOf } from "../_common/command_result.ts";
import { hms, isoSeconds } from "../_common/format.ts";
import type { SimJob, SimJobState } from "../types.ts";
import {
  CLUSTER_NAME,
  cpusOf,
  jobIdText,
  limitLong,
  LONG_STATE,
  memText,
  nodeListText,
  priorityOf,
  REASON,
  slurmData,
} from "./_jobs.ts";

/** A line of sacct: a job, or its `.batch` step. */
export interface AcctRow {
  /** The job. */
  job: SimJob;
  /** Whether this is the `.batch` step. */
  step: boolean;
  /** The state as accounting knows it (lags behind the controller). */
  state: SimJobState;
  /** The end as accounting knows it. */
  end: number | undefined;
}

/** A field sacct can print: its header, default width, justification and value. */
export interface SacctField {
  /** The header. */
  header: string;
  /** The default width (`%N` in `-o` overrides it). */
  width: number;
  /** Right-justified. */
  right: boolean;
  /** The value for a row, at time `now`. */
  value: (row: AcctRow, now: number) => string;
}

/**
 * The fields of `-o`, by lower-case name. Headers and default widths are those of the
 * `fields[]` table in `src/sacct/sacct.c`, except `DerivedExitCode`, `Reason` and `WorkDir`
 * (15, 22 and 20 wide there; none recorded) and `ArrayJobID`/`ArrayTaskID`, which 22.05 lacks.
 */
export const SACCT_FIELDS: Record<string, SacctField> = {
  jobid: left("JobID", 12, (row) => jobIdText(row.job) + (row.step ? ".batch" : "")),
  jobidraw: left("JobIDRaw", 12, (row) => String(row.job.id) + (row.step ? ".batch" : "")),
  jobname: right("JobName", 10, (row) => row.step ? "batch" : row.job.request.name),
  partition: right("Partition", 10, (row) => row.step ? "" : row.job.queue),
  account: right("Account", 10, (row) => slurmData(row.job).account),
  alloccpus: right(
    "AllocCPUS",
    10,
    (row) =>
      String(row.job.startTime === undefined && row.state === "PENDING" ? 0 : cpusOf(row.job)),
  ),
  ncpus: right("NCPUS", 10, (row) => String(cpusOf(row.job))),
  reqcpus: right("ReqCPUS", 8, (row) => String(cpusOf(row.job))),
  state: right("State", 10, (row) => acctState(row)),
  exitcode: right("ExitCode", 8, (row) => acctExitCode(row)),
  derivedexitcode: right("DerivedExitCode", 10, () => "0:0"),
  reason: right("Reason", 20, (row) => row.state === "PENDING" ? REASON[row.job.reason] : "None"),
  submit: right("Submit", 19, (row) => isoSeconds(row.job.submitTime)),
  eligible: right("Eligible", 19, (row) => isoSeconds(row.job.submitTime)),
  start: right("Start", 19, (row) => acctStart(row)),
  end: right("End", 19, (row) => row.end === undefined ? "Unknown" : isoSeconds(row.end)),
  elapsed: right("Elapsed", 10, (row, now) => hms(acctElapsed(row, now))),
  elapsedraw: right("ElapsedRaw", 10, (row, now) => String(acctElapsed(row, now))),
  timelimit: right("Timelimit", 10, (row) => row.step ? "" : limitLong(row.job)),
  nodelist: right(
    "NodeList",
    15,
    (row) =>
      row.job.nodeList.length === 0 || row.state === "PENDING"
        ? "None assigned"
        : nodeListText(row.job),
  ),
  nnodes: right("NNodes", 8, (row) => String(row.job.request.nodes ?? 1)),
  allocnodes: right("AllocNodes", 10, (row) => String(row.job.nodeList.length)),
  reqmem: right("ReqMem", 10, (row) => memText(row.job.request.memoryMB ?? 0)),
  maxrss: right("MaxRSS", 10, () => ""),
  workdir: right("WorkDir", 10, (row) => row.step ? "" : row.job.request.workdir),
  user: right("User", 9, (row) => row.step ? "" : row.job.request.user),
  uid: right("UID", 6, (row) => row.step ? "" : String(uidOf(row.job.request.user))),
  group: right("Group", 9, (row) => row.step ? "" : row.job.request.user),
  cluster: right("Cluster", 10, () => CLUSTER_NAME),
  qos: right("QOS", 10, (row) => row.step ? "" : "normal"),
  priority: right("Priority", 10, (row) => String(priorityOf(row.job))),
  arrayjobid: right("ArrayJobID", 15, (row) => String(row.job.arrayJobId ?? row.job.id)),
  arraytaskid: right("ArrayTaskID", 15, (row) => String(row.job.arrayTaskId ?? "")),
};

function left(header: string, width: number, value: SacctField["value"]): SacctField {
  return { header, width, right: false, value };
}

function right(header: string, width: number, value: SacctField["value"]): SacctField {
  return { header, width, right: true, value };
}

/** `State`: a job cancelled says by whom; its step shows a job killed at its limit as cancelled. */
function acctState(row: AcctRow): string {
  const job = row.job;
  if (row.step) {
    if (row.state === "TIMEOUT" || row.state === "PREEMPTED") return "CANCELLED";
    return LONG_STATE[row.state];
  }
  if (row.state === "CANCELLED") return `CANCELLED by ${job.cancelledBy ?? 0}`;
  return LONG_STATE[row.state];
}

/** `ExitCode` as `exit:signal`: the step carries the signal that killed the job (recording 070). */
function acctExitCode(row: AcctRow): string {
  const job = row.job;
  const exit = job.exitCode ?? 0;
  if (row.state === "PENDING" || row.state === "RUNNING") return "0:0";
  if (row.step) {
    if (row.state === "CANCELLED" || row.state === "TIMEOUT" || row.state === "PREEMPTED") {
      return `0:${job.signal ?? 15}`;
    }
    return `${exit}:0`;
  }
  if (row.state === "FAILED" || row.state === "COMPLETED") return `${exit}:0`;
  return "0:0";
}

/**
 * `Start`: when the job started; for a job cancelled while pending, the cancel time if it was
 * held then (as real 22.05 shows it), else `None` (recording 062).
 */
function acctStart(row: AcctRow): string {
  if (row.job.startTime !== undefined && row.state !== "PENDING") {
    return isoSeconds(row.job.startTime);
  }
  if (row.state !== "CANCELLED") return "Unknown";
  return heldWhenCancelled(row.job) && row.end !== undefined ? isoSeconds(row.end) : "None";
}

/** Whole seconds between start and end (or now), as slurmdbd stores them. */
function acctElapsed(row: AcctRow, now: number): number {
  const job = row.job;
  if (job.startTime === undefined || row.state === "PENDING") return 0;
  return Math.floor((row.end ?? now) / 1000) - Math.floor(job.startTime / 1000);
}

/** Whether a job that never started was held (by `--hold` or `scontrol hold`) when it ended. */
function heldWhenCancelled(job: SimJob): boolean {
  return job.startTime === undefined && (job.held !== undefined || job.request.hold === true);
}
