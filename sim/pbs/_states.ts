/**
 * What PBS calls the state of a job: the state letter `qstat` prints, `Hold_Types`, and the exit
 * status of an ended job or array.
 *
 * Sources: PBS Professional Reference Guide "Job states" (Q R H F, X for finished subjobs, B for
 * a begun array) and "Job attributes" (`Hold_Types` u/o/s/n, `Exit_status`); Torque
 * Administrator Guide "Job exit status" (256 + signal, JOB_EXEC_OVERLIMIT_WT -11).
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import type { PbsDialect } from "./dialect.ts";
import { deletedForDependency, isFinished, type PbsEntry } from "./_jobs.ts";

/** A dependency hold: the engine waits for other jobs, PBS shows a system hold. */
function waitsOnDependency(job: SimJob): boolean {
  return job.reason === "dependency" || job.reason === "dependency-never-satisfied";
}

function jobState(job: SimJob, dialect: PbsDialect, entry: PbsEntry): string {
  if (job.endTime !== undefined) {
    // A finished subjob is X while its array runs, F once the array is finished
    // (raw/openpbs/084, 052).
    const running = entry.parent === undefined || !isFinished(entry.parent);
    return entry.kind === "subjob" && dialect.kind === "pbspro" && running
      ? "X"
      : dialect.finishedState;
  }
  if (job.state === "RUNNING") return "R";
  // A job waiting for a dependency carries a system hold in PBS (Hold_Types = s): state H.
  if (job.held !== undefined || waitsOnDependency(job)) return "H";
  return "Q";
}

/**
 * The state letter qstat prints. Torque: Q R H C; PBS Pro: Q R H F, subjobs X when done, and an
 * array is B once any subjob has begun (PBS Professional Reference Guide, "Job states").
 */
export function stateOf(entry: PbsEntry, dialect: PbsDialect): string {
  const first = entry.jobs[0];
  if (entry.kind !== "array" || !first) {
    return first ? jobState(first, dialect, entry) : "Q";
  }
  if (isFinished(entry)) return dialect.finishedState;
  const begun = entry.jobs.some((job) => job.startTime !== undefined);
  if (dialect.kind === "pbspro" && begun) return "B";
  if (entry.jobs.some((job) => job.state === "RUNNING")) return "R";
  if (
    entry.jobs.every((job) =>
      job.endTime !== undefined || job.held !== undefined || waitsOnDependency(job)
    )
  ) {
    return "H";
  }
  return "Q";
}

/**
 * `exit_status` / `Exit_status` of an ended job: the script's code; 256 + signal when killed by
 * a signal (qdel'd while running: 271); the dialect's walltime code for TIMEOUT (Torque -11,
 * OpenPBS -29: raw/torque/064, raw/openpbs/065); Torque's 271 for a job deleted because its
 * dependency failed (raw/torque/043); `undefined` for a job deleted before it started.
 */
export function exitStatusOf(job: SimJob, dialect: PbsDialect): number | undefined {
  if (job.endTime === undefined) return undefined;
  if (job.state === "TIMEOUT") return dialect.walltimeExitStatus;
  if (deletedForDependency(job)) return dialect.dependencyDeletedExitStatus;
  if (job.startTime === undefined) return undefined;
  if (job.state === "COMPLETED" || job.state === "FAILED") return job.exitCode ?? 0;
  return 256 + (job.signal ?? (job.state === "CANCELLED" ? 15 : 9));
}

/**
 * `Hold_Types` of a row: `u` user, `o` operator, `s` system (a dependency), `n` none. A job keeps
 * them when it is deleted (`u` for a job deleted while held, `s` for one deleted for its
 * dependency: raw/torque/061, 043; raw/openpbs/062, 040).
 */
export function holdTypes(entry: PbsEntry): string {
  const job = entry.jobs[0]!;
  if (job.held !== undefined) return job.held === "admin" ? "o" : "u";
  if (waitsOnDependency(job)) return "s";
  return "n";
}
