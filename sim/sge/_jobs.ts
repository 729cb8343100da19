/**
 * How the SGE emulator sees the engine's jobs: the job number SGE shows, which jobs qmaster still
 * lists, and the engine's neutral state and reason in qstat's words (state letters, priority).
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import type { SimEngineApi, SimStateKey } from "../emulator.ts";
import { sgeJobData } from "./_job_data.ts";

/** Exit status that puts a job into the error state (Eqw) instead of ending it (057, 059). */
export const ERROR_STATE_EXIT = 100;

/** The job number SGE shows: an array's tasks all show the array's. */
export function jobNumber(job: SimJob): number {
  return job.arrayJobId ?? job.id;
}

/** A job that waits or runs. */
export function isActive(job: SimJob): boolean {
  return job.state === "PENDING" || job.state === "RUNNING";
}

/**
 * A job in the error state: its script exited 100; it stays in qstat as `Eqw` until qdel
 * (059-qstat-with-Eqw-jobs, 064-qdel-Eqw-jobs).
 */
export function inErrorState(job: SimJob): boolean {
  return job.state === "FAILED" && job.exitCode === ERROR_STATE_EXIT &&
    sgeJobData(job).deleted !== true;
}

/** A job qmaster still lists: active, or in the error state. Finished jobs leave at once (016). */
export function listed(job: SimJob): boolean {
  return isActive(job) || inErrorState(job);
}

/**
 * The jobs in the error state so far, found among the jobs that ended since `checkedUntil`: a
 * job enters the error state when it ends (exit 100) and leaves it only by `qdel`.
 */
const ERROR_JOBS: SimStateKey<{ checkedUntil: number; jobs: Set<SimJob> }> = {
  name: "sge jobs in the error state",
  init: () => ({ checkedUntil: -Infinity, jobs: new Set() }),
};

/**
 * Every job qmaster lists ({@linkcode listed}), in submission order: the active jobs and those in
 * the error state, at the cost of what it lists and of the jobs ended since the last call.
 */
export function listedJobs(engine: SimEngineApi): SimJob[] {
  const errors = engine.state(ERROR_JOBS);
  const active: SimJob[] = [];
  for (const job of engine.jobsSince(errors.checkedUntil)) {
    if (isActive(job)) active.push(job);
    else if (inErrorState(job)) errors.jobs.add(job);
  }
  errors.checkedUntil = engine.now();
  for (const job of errors.jobs) if (!inErrorState(job)) errors.jobs.delete(job);
  return errors.jobs.size === 0 ? active : engine.inSubmissionOrder([...active, ...errors.jobs]);
}

/**
 * qstat's state letters: `r`, `dr` while execd kills a deleted job (052), `Eqw`, `hqw` for held
 * jobs and jobs waiting for `-hold_jid` predecessors, `qw` (030-qstat-default-r-qw-hqw).
 */
export function stateLetters(job: SimJob): string {
  if (inErrorState(job)) return "Eqw";
  if (job.state === "RUNNING") return job.terminating ? "dr" : "r";
  const waiting = job.held !== undefined || job.reason === "dependency" ||
    job.reason === "dependency-never-satisfied";
  return waiting ? "hqw" : "qw";
}

/**
 * qstat's normalised priority as in 030-qstat-default-r-qw-hqw: 0.75 running, 0.5 in error, 0.25
 * waiting, 0 held or throttled by `-tc` (076-qstat-throttled-array). The real values follow
 * qmaster's ticket policy; the fidelity test compares them normalised.
 */
export function priority(job: SimJob): number {
  const letters = stateLetters(job);
  if (letters === "hqw" || job.reason === "array-task-limit") return 0;
  return letters === "r" || letters === "dr" ? 0.75 : letters === "Eqw" ? 0.5 : 0.25;
}

/** qstat's `prior` column: {@linkcode priority} with five decimals. */
export function prior(job: SimJob): string {
  return priority(job).toFixed(5);
}
