/**
 * What `bjobs -l` prints of a job (its long record) and the pending reason `bjobs -p` and
 * `bjobs -l` show, in either dialect.
 *
 * Sources: OpenLava `lsbatch/cmd/cmd.prt.c` (`displayLong`: `prtHeader` with `Status <S>, Queue
 * <q>,`, `prtJobSubmit` without the queue, `prtFileNames`, `prtSubDetails`, the RUNLIMIT block,
 * `prtJobStart` `Started on <h>` / `[2] started on <h>`, `Execution Home`, `Execution CWD`,
 * `prtJobFinish` `Done successfully.` / `Exited with exit code N.` / `Exited` then ` The CPU time
 * used is X seconds.`, ` PENDING REASONS:`; then the ` SCHEDULING PARAMETERS:` load table) as
 * recorded on OpenLava 4.0 (raw/openlava/026–028, 042–044, 046, 060, 061, 064, 069); IBM
 * Spectrum LSF 10.1 Command Reference "bjobs -l" (`Job <N>,`, `Started 1 Task(s) on Host(s)
 * <h>, Allocated 1 Slot(s) on Host(s) <h>`, `Completed <exit>; TERM_OWNER: job killed by owner.`).
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import {
  commandOf,
  homeOf,
  hostWords,
  joinRecords,
  recordStart,
  runLimitLines,
  slotsOf,
  stamp,
  submissionLine,
} from "./_history.ts";
import { lsfExitCode, lsfExitReason, lsfStatus } from "./_jobs.ts";
import type { LsfDialect } from "./dialect.ts";
import { lsfJobData } from "./_job_data.ts";

/** The load thresholds block that ends every record (no thresholds configured: all `-`). */
const SCHEDULING_PARAMETERS = [
  "",
  " SCHEDULING PARAMETERS:",
  "           r15s   r1m  r15m   ut      pg    io   ls    it    tmp    swp    mem",
  " loadSched   -     -     -     -       -     -    -     -     -      -      -  ",
  " loadStop    -     -     -     -       -     -    -     -     -      -      -  ",
];

/** The pending reason of a pending job in the dialect's words, `undefined` for other jobs. */
export function pendingReasonOf(
  job: SimJob,
  dialect: LsfDialect,
  hosts: number,
): string | undefined {
  if (job.state !== "PENDING") return undefined;
  const reason = job.held !== undefined ? `held-${job.held}` : job.reason;
  return dialect.pendingReason(reason, hosts);
}

/** The started event: where the job runs and in which directories. */
function startedLine(job: SimJob, dialect: LsfDialect): string {
  const at = stamp(job.startTime as number);
  const where = `Execution Home <${homeOf(job)}>, Execution CWD <${job.request.workdir}>;`;
  if (dialect.name === "lsf10") {
    const slots = slotsOf(job);
    const hosts = hostWords(job);
    return `${at}: Started ${slots} Task(s) on Host(s) ${hosts}, Allocated ${slots} Slot(s) ` +
      `on Host(s) ${hosts}, ${where}`;
  }
  const hosts = hostWords(job);
  return job.arrayTaskId === undefined
    ? `${at}: Started on ${hosts}, ${where}`
    : `${at}: [${job.arrayTaskId}] started on ${hosts}, ${where}`;
}

/** The end events of a finished job. */
function finishedLines(job: SimJob, dialect: LsfDialect): string[] {
  const at = stamp(job.endTime as number);
  if (job.startTime === undefined) return [`${at}: Exited`];
  const cpu = " The CPU time used is 0.0 seconds.";
  const lines = [
    job.state === "COMPLETED"
      ? `${at}: Done successfully.${cpu}`
      : ["NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY"].includes(job.state)
      ? `${at}: Exited by signal ${job.signal ?? 9}.${cpu}`
      : `${at}: Exited with exit code ${lsfExitCode(job)}.${cpu}`,
  ];
  const reason = lsfExitReason(job);
  if (dialect.terminationReasons && reason !== "-") {
    lines.push(`${at}: Completed <exit>; ${reason}.`);
  }
  return lines;
}

/** The logical lines of one job's `bjobs -l` record (before wrapping). */
function recordLines(job: SimJob, dialect: LsfDialect, hosts: number): string[] {
  // OpenLava prints `-Jd` after the command (prtHeader, lsbatch/cmd/cmd.job.c).
  const description = lsfJobData(job)?.description;
  const described = description === undefined || dialect.name !== "openlava"
    ? ""
    : `, Job Description <${description}>`;
  const lines = [
    `${recordStart(job, dialect, lsfStatus(job))} Command <${commandOf(job)}>${described}`,
    submissionLine(job, homeOf(job), dialect, false),
    ...runLimitLines(job, dialect),
  ];
  if (job.startTime !== undefined) lines.push(startedLine(job, dialect));
  if (job.endTime !== undefined) lines.push(...finishedLines(job, dialect));
  const pending = pendingReasonOf(job, dialect, hosts);
  if (pending !== undefined) lines.push(" PENDING REASONS:", ` ${pending}`);
  return lines;
}

/**
 * `bjobs -l`: each job's long record, wrapped as the dialect wraps (the load table is printed
 * as it is), records separated by 78 dashes.
 *
 * @param hosts How many hosts the cluster has (the pending reasons count them).
 */
export function bjobsLong(jobs: readonly SimJob[], dialect: LsfDialect, hosts: number): string {
  return joinRecords(
    jobs.map((job) =>
      [...recordLines(job, dialect, hosts).map(dialect.wrap), ...SCHEDULING_PARAMETERS].join("\n")
    ),
  );
}
