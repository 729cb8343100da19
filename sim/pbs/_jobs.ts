/**
 * How the PBS emulator sees the engine's jobs: PBS job identifiers (`12.server`, `12[].server`,
 * `12[3].server`), the rows `qstat` shows (plain jobs, array summaries, subjobs) and which of
 * them the server still keeps.
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { pbsJobData } from "./_job_data.ts";

/** A parsed job identifier operand. */
export interface PbsJobRef {
  /** Sequence number. */
  seq: number;
  /** `"all"` for `12[]`, a number for `12[3]`, `undefined` for a plain job. */
  index?: number | "all";
  /** The operand as given. */
  text: string;
}

/** Parses `12`, `12.server`, `12[]`, `12[3].server`; `undefined` when illegally formed. */
export function parseJobRef(text: string): PbsJobRef | undefined {
  const match = /^(\d+)(?:\[(\d*)\])?(?:\.[A-Za-z0-9_.-]+)?$/.exec(text);
  if (!match) return undefined;
  const ref: PbsJobRef = { seq: Number(match[1]), text };
  if (match[2] !== undefined) ref.index = match[2] === "" ? "all" : Number(match[2]);
  return ref;
}

/** One row qstat can show: a plain job, a job array (summary), or one subjob. */
export interface PbsEntry {
  /** Kind of row. */
  kind: "job" | "array" | "subjob";
  /** Sequence number. */
  seq: number;
  /** Subjob index. */
  index?: number;
  /** The engine jobs behind the row (every task for an array). */
  jobs: SimJob[];
  /** A subjob's array row. */
  parent?: PbsEntry;
}

/** The server name qsub printed for this job (the cluster's login host). */
export function serverOf(job: SimJob, engine: SimEngineApi): string {
  return pbsJobData(job)?.server ?? engine.loginHost;
}

/** The full id an operand names (the default server appended when missing). */
export function qualifiedId(text: string, server: string): string {
  return text.includes(".") ? text : `${text}.${server}`;
}

/** The full identifier of a row: `12.server`, `12[].server`, `12[3].server`. */
export function entryId(entry: PbsEntry, server: string): string {
  if (entry.kind === "array") return `${entry.seq}[].${server}`;
  if (entry.kind === "subjob") return `${entry.seq}[${entry.index}].${server}`;
  return `${entry.seq}.${server}`;
}

/**
 * The name of one engine job as the job itself sees it (`PBS_JOBNAME`): Torque names array task
 * k `<name>-<k>` when it clones the task (`array_func.c`); PBS Pro subjobs keep the array's name.
 */
export function jobNameOf(job: SimJob, kind: PbsDialect["kind"]): string {
  return kind === "pbs" && job.arrayTaskId !== undefined
    ? `${job.request.name}-${job.arrayTaskId}`
    : job.request.name;
}

/** The `Job_Name` of a row: an array summary carries the name given at submission. */
export function entryName(entry: PbsEntry, kind: PbsDialect["kind"]): string {
  const first = entry.jobs[0]!;
  return entry.kind === "array" ? first.request.name : jobNameOf(first, kind);
}

/** The identifier of one engine job as the job itself sees it (`PBS_JOBID`). */
export function jobIdOf(job: SimJob, server: string): string {
  return job.arrayJobId === undefined
    ? `${job.id}.${server}`
    : `${job.arrayJobId}[${job.arrayTaskId}].${server}`;
}

/**
 * Every job as rows: plain jobs and array summaries in submission order; subjobs when `expand`.
 * With `since`, only the rows with a job not finished before it (an array's row then has all its
 * tasks): what the server can still show costs what it holds, not every job ever submitted.
 */
export function allEntries(
  engine: SimEngineApi,
  expand: boolean,
  since: number = -Infinity,
): PbsEntry[] {
  const entries: PbsEntry[] = [];
  const arrays = new Set<number>();
  for (const job of since === -Infinity ? engine.jobs() : engine.jobsSince(since)) {
    if (job.arrayJobId === undefined) {
      entries.push({ kind: "job", seq: job.id, jobs: [job] });
      continue;
    }
    const seq = job.arrayJobId;
    if (arrays.has(seq)) continue;
    arrays.add(seq);
    const tasks = engine.find(seq).filter((task) => task.arrayJobId === seq);
    entries.push({ kind: "array", seq, jobs: tasks });
  }
  entries.sort((a, b) => a.seq - b.seq);
  if (!expand) return entries;
  return entries.flatMap((entry) =>
    entry.kind === "array" ? [entry, ...subjobsOf(entry)] : [entry]
  );
}

/** The subjob rows of an array row, by index. */
export function subjobsOf(array: PbsEntry): PbsEntry[] {
  return [...array.jobs]
    .sort((a, b) => (a.arrayTaskId ?? 0) - (b.arrayTaskId ?? 0))
    .map((job) => ({
      kind: "subjob",
      seq: array.seq,
      index: job.arrayTaskId ?? 0,
      jobs: [job],
      parent: array,
    }));
}

/**
 * The row of sequence number `seq` (a plain job or an array summary), through the engine's id
 * index: a query naming 10,000 ids must not list every job per id.
 */
export function entryOf(engine: SimEngineApi, seq: number): PbsEntry | undefined {
  const jobs = engine.find(seq).filter((job) => (job.arrayJobId ?? job.id) === seq);
  const first = jobs[0];
  if (first === undefined) return undefined;
  return first.arrayJobId === undefined
    ? { kind: "job", seq, jobs: [first] }
    : { kind: "array", seq, jobs };
}

/** The rows a job identifier names (empty when unknown). */
export function entriesFor(engine: SimEngineApi, ref: PbsJobRef, expand: boolean): PbsEntry[] {
  const array = entryOf(engine, ref.seq);
  if (!array) return [];
  if (array.kind === "job") return ref.index === undefined ? [array] : [];
  if (ref.index === undefined) return [];
  if (ref.index === "all") return expand ? [array, ...subjobsOf(array)] : [array];
  return subjobsOf(array).filter((entry) => entry.index === ref.index);
}

/** Whether every job behind the row has ended. */
export function isFinished(entry: PbsEntry): boolean {
  return entry.jobs.every((job) => job.endTime !== undefined);
}

/** When the row ended (the last job's end), if it has. */
export function finishedAt(entry: PbsEntry): number | undefined {
  if (!isFinished(entry)) return undefined;
  return Math.max(...entry.jobs.map((job) => job.endTime ?? 0));
}

/** Whether a finished row is still kept by the server (keep_completed / job history). */
export function isKept(entry: PbsEntry, dialect: PbsDialect, now: number): boolean {
  const end = finishedAt(entry);
  return end === undefined || now - end <= dialect.keepFinishedMs;
}

/**
 * PBS deletes a job whose dependency can never be satisfied because a job it depends on ran and
 * failed (an `afterok` child of a failed parent: Torque `C`, OpenPBS `F`, raw/torque/043,
 * raw/openpbs/040); the engine keeps it pending, so the emulator removes it the next time a PBS
 * command looks. A dependency on a job deleted before it ran is left alone: OpenPBS keeps the
 * child held for good (`H`, substate 22, 30 s later in raw/openpbs/075). Torque ends the
 * dependents of a deleted job too, so a broken chain goes at once; no recording has that case,
 * so this keeps the emulator's behaviour from before the recordings.
 */
export function deleteBrokenDependents(engine: SimEngineApi, dialect: PbsDialect): void {
  // In submission order, as a sweep over every job would: a deletion can only break jobs
  // submitted after the deleted one (they depend on it), which come next.
  const seen = new Set<SimJob>();
  for (;;) {
    const job = engine.unsatisfiableJobs().find((job) =>
      !seen.has(job) && job.reason === "dependency-never-satisfied"
    );
    if (job === undefined) return;
    seen.add(job);
    if (dialect.kind === "pbspro" && !dependsOnAnEndedRun(engine, job)) continue;
    const taskId = job.arrayTaskId;
    engine.cancel(job.arrayJobId ?? job.id, taskId === undefined ? {} : { taskId });
  }
}

/** Whether one of the jobs `job` depends on ran and ended (not one deleted before it ran). */
function dependsOnAnEndedRun(engine: SimEngineApi, job: SimJob): boolean {
  return (job.request.dependencies ?? []).some((dependency) =>
    dependency.jobIds.some((id) =>
      engine.find(id).some((target) =>
        target.startTime !== undefined && target.endTime !== undefined
      )
    )
  );
}

/** Whether a job was deleted by {@linkcode deleteBrokenDependents} (never ran, dependency broken). */
export function deletedForDependency(job: SimJob): boolean {
  return job.state === "CANCELLED" && job.startTime === undefined &&
    job.reason === "dependency-never-satisfied";
}
