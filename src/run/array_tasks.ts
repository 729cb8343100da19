/**
 * The tasks of an array run: what each index did ({@linkcode ArrayTask}), how the scheduler's
 * answers update them, the aggregate status of the run, and the record they are saved as.
 *
 * Aggregate rules (the same as a scheduler's answer about several tasks, see `JobInfo.tasks`):
 * while any task is active the run is RUNNING when one runs, else PENDING; once every task has
 * ended it is COMPLETED only when every task completed, FAILED when any failed (FAILED wins over
 * CANCELLED), else CANCELLED. Its exit code and state are those of the task that decided it.
 *
 * @module
 */

import { type Cause, isCause } from "../core/cause.ts";
import type { JobInfo } from "../core/job_info.ts";
import { isFinished, Status, type StatusCode, statusName } from "../core/status.ts";

/**
 * One task of an array run.
 *
 * @example Usage
 * ```ts
 * import { type ArrayTask, JobScript, Status } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const transport = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" }).transport();
 * const job = new JobScript({ name: "sweep", body: "exit $((CLUSTERJOB_ARRAY_INDEX == 2))", array: "1-3" });
 * const run = await job.submit({ transport });
 * assert.equal(await run.wait(), Status.FAILED);
 * const failed: ArrayTask[] = run.tasks.filter((task) => task.status === Status.FAILED);
 * assert.deepEqual(failed.map((task) => [task.index, task.exitCode, task.cause]), [[2, 1, "exit"]]);
 * ```
 */
export interface ArrayTask {
  /** The task's index. */
  readonly index: number;
  /** The id of the array (submission) the task ran in. */
  readonly jobId: string;
  /** Its status. */
  readonly status: StatusCode;
  /** The scheduler's word for its state. */
  readonly state: string;
  /** Its exit code, when reported. */
  readonly exitCode?: number;
  /** The scheduler's reason or clusterjob's explanation. */
  readonly reason?: string;
  /** Why it ended, in `run.cause`'s words (once it has ended). */
  readonly cause?: Cause;
}

/** What a finished job's answer says of why it ended (the backend's reading, then its status). */
export type CauseReader = (info: JobInfo) => Cause | undefined;

/**
 * What a run record keeps of an array run (`RunRecord.array`).
 *
 * @example Usage
 * ```ts
 * import { type ArrayRecord, AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const array: ArrayRecord = { indices: [1, 2], tasks: [{ index: 2, jobId: "7", status: Status.FAILED, state: "FAILED", exitCode: 1 }] };
 * const run = new AsyncResult({ jobId: "7", backend: slurm, transport: new LocalTransport(), array });
 * assert.deepEqual(run.failedTasks(), [2]);
 * assert.equal(run.tasks[0]?.status, Status.PENDING);
 * ```
 */
export interface ArrayRecord {
  /** Every index of the array, ascending. */
  indices: number[];
  /** The most tasks at once, when limited. */
  maxParallel?: number;
  /** Each task as last known. */
  tasks: ArrayTask[];
}

/** The tasks of one array run, updated from the scheduler's answers about its current job. */
export class TaskBook {
  readonly #tasks = new Map<number, ArrayTask>();
  readonly #maxParallel: number | undefined;
  /** When each unfinished task was first left out of an answer about the ended array (ms). */
  readonly #missingSince = new Map<number, number>();
  readonly #causeOf: CauseReader;
  #jobId: string;

  /**
   * A book for `record`'s tasks, whose unfinished ones belong to job `jobId`; `causeOf` reads why
   * a task ended from the scheduler's answer about it.
   */
  constructor(record: ArrayRecord, jobId: string, causeOf: CauseReader = () => undefined) {
    this.#jobId = jobId;
    this.#causeOf = causeOf;
    this.#maxParallel = record.maxParallel;
    const known = new Map(record.tasks.map((task) => [task.index, task]));
    for (const index of record.indices) {
      this.#tasks.set(index, known.get(index) ?? pending(index, jobId));
    }
  }

  /** Every task, by index. */
  list(): ArrayTask[] {
    return [...this.#tasks.values()];
  }

  /** The indices of the tasks that ended FAILED or CANCELLED. */
  unsuccessful(): number[] {
    return this.list().filter((task) => task.status >= Status.CANCELLED).map((task) => task.index);
  }

  /**
   * Whether an answer leaves out unfinished tasks of the current job (they left the queue, so
   * accounting must be asked about them).
   */
  incomplete(info: JobInfo): boolean {
    return this.unlisted(info).length > 0;
  }

  /**
   * The unfinished tasks of the current job that an answer does not list (every one of them
   * without an answer, `undefined`: the job left the queue and accounting): what only their
   * markers may still tell. An answer without `tasks` speaks of every task: none.
   */
  unlisted(info: JobInfo | undefined): number[] {
    if (info !== undefined && info.tasks === undefined) return [];
    const out: number[] = [];
    for (const task of this.#tasks.values()) {
      if (task.jobId === this.#jobId && !isFinished(task.status) && !info?.tasks?.has(task.index)) {
        out.push(task.index);
      }
    }
    return out;
  }

  /**
   * Takes in what the scheduler said about the current job at clock time `now` (ms), and returns
   * the run's aggregate. An answer without `tasks` applies to every unfinished task. An
   * unfinished task that an answer about the ended array does not list keeps its state (the
   * accounting record may lag) until it has been missing for `graceMs`; then it ends FAILED,
   * since nothing can tell what it did, with what its markers showed (`evidence`, by index).
   */
  apply(
    info: JobInfo,
    now = 0,
    graceMs = 0,
    evidence?: ReadonlyMap<number, string>,
  ): JobInfo {
    for (const [index, task] of this.#tasks) {
      if (task.jobId !== this.#jobId || isFinished(task.status)) continue;
      const said = info.tasks === undefined ? info : info.tasks.get(index);
      if (said !== undefined) {
        this.#missingSince.delete(index);
        this.#tasks.set(index, taskOf(index, this.#jobId, said, this.#causeOf));
        continue;
      }
      if (!isFinished(info.status)) continue;
      const since = this.#missingSince.get(index) ?? now;
      this.#missingSince.set(index, since);
      if (now - since < graceMs) continue;
      this.#tasks.set(index, {
        index,
        jobId: this.#jobId,
        status: Status.FAILED,
        state: "VANISHED",
        cause: "vanished",
        reason: `task ${index} of job ${this.#jobId} was listed neither in the queue nor in ` +
          `accounting for ${Math.round((now - since) / 1000)} s after the array ended` +
          (evidence?.has(index) ? ` (${evidence.get(index)})` : ""),
      });
    }
    return this.aggregate();
  }

  /** The run's status from its tasks (see the module's rules). */
  aggregate(): JobInfo {
    let decisive: ArrayTask | undefined;
    const counts = new Map<StatusCode, number>();
    for (const task of this.#tasks.values()) {
      counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
      if (decisive === undefined) decisive = task;
      else {
        const active = task.status < 0;
        const decisiveActive = decisive.status < 0;
        if (active !== decisiveActive ? active : task.status > decisive.status) decisive = task;
      }
    }
    const total = this.#tasks.size;
    const summary = [...counts].sort(([a], [b]) => a - b)
      .map(([status, count]) => `${count} ${statusName(status)}`).join(", ");
    const info: JobInfo = {
      status: decisive?.status ?? Status.PENDING,
      state: decisive?.state ?? "PENDING",
      reason: `${total} tasks: ${summary}` +
        (decisive?.reason === undefined || decisive.status === Status.COMPLETED
          ? ""
          : `; task ${decisive.index}: ${decisive.reason}`),
    };
    if (decisive?.exitCode !== undefined) info.exitCode = decisive.exitCode;
    if (decisive?.cause !== undefined && isFinished(decisive.status)) info.cause = decisive.cause;
    return info;
  }

  /**
   * Hands tasks `indices` to job `jobId` (a resubmission), PENDING again; the others keep what
   * they did.
   */
  moveTo(jobId: string, indices: readonly number[]): void {
    this.#jobId = jobId;
    for (const index of indices) {
      if (this.#tasks.has(index)) this.#tasks.set(index, pending(index, jobId));
    }
  }

  /**
   * Ends every task not ended yet CANCELLED (the whole array was cancelled, or can never run:
   * `cause` then says `dependency`).
   */
  cancelUnfinished(reason: string, cause: Cause = "cancelled"): void {
    for (const [index, task] of this.#tasks) {
      if (isFinished(task.status)) continue;
      this.#tasks.set(index, {
        ...task,
        status: Status.CANCELLED,
        state: "CANCELLED",
        reason,
        cause,
      });
    }
  }

  /**
   * The array can never run its body (a dependency broke): every task of the current job that did
   * not complete ends CANCELLED, cause `dependency`, with `reason` — those still queued, those the
   * scheduler cancelled for it, and those a guard ended before the body (SGE's exit 97). The
   * scheduler's state word stays, as the run's does.
   */
  endForDependency(reason: string): void {
    this.cancelUnfinished(reason, "dependency");
    for (const [index, task] of this.#tasks) {
      if (task.jobId === this.#jobId && task.status !== Status.COMPLETED) {
        this.#tasks.set(index, { ...task, status: Status.CANCELLED, reason, cause: "dependency" });
      }
    }
  }

  /** The record to save. */
  record(): ArrayRecord {
    const record: ArrayRecord = { indices: [...this.#tasks.keys()], tasks: this.list() };
    if (this.#maxParallel !== undefined) record.maxParallel = this.#maxParallel;
    return record;
  }
}

function pending(index: number, jobId: string): ArrayTask {
  return { index, jobId, status: Status.PENDING, state: "PENDING" };
}

function taskOf(index: number, jobId: string, info: JobInfo, causeOf: CauseReader): ArrayTask {
  const task: { -readonly [K in keyof ArrayTask]: ArrayTask[K] } = {
    index,
    jobId,
    status: info.status,
    state: info.state,
  };
  if (info.exitCode !== undefined) task.exitCode = info.exitCode;
  if (info.reason !== undefined) task.reason = info.reason;
  const cause = isFinished(info.status) ? causeOf(info) : undefined;
  if (cause !== undefined) task.cause = cause;
  return task;
}

/**
 * Why `value` is not an array record (`undefined` when it is one): the check of a cache file's
 * `array` field.
 */
export function arrayRecordProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "is not an object";
  const record = value as Record<string, unknown>;
  const isIndex = (index: unknown) => Number.isInteger(index) && (index as number) >= 0;
  if (!Array.isArray(record.indices) || !record.indices.every(isIndex)) {
    return "has no list of indices";
  }
  if (record.maxParallel !== undefined && !(Number.isInteger(record.maxParallel))) {
    return "has a maxParallel that is not an integer";
  }
  if (!Array.isArray(record.tasks)) return "has no list of tasks";
  for (const task of record.tasks as Record<string, unknown>[]) {
    if (
      typeof task !== "object" || task === null || !isIndex(task.index) ||
      typeof task.jobId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._\[\]@-]*$/.test(task.jobId) ||
      ![-2, -1, 0, 1, 2].includes(task.status as number) || typeof task.state !== "string" ||
      (task.cause !== undefined && !isCause(task.cause))
    ) {
      return `has a task that is not { index, jobId, status, state, cause? }: ${
        JSON.stringify(task)
      }`;
    }
  }
  return undefined;
}

/** The record of a new array run: every task PENDING (tasks are filled in by its first poll). */
export function newArrayRecord(
  spec: { indices: readonly number[]; maxParallel?: number },
): ArrayRecord {
  const record: ArrayRecord = { indices: [...spec.indices], tasks: [] };
  if (spec.maxParallel !== undefined) record.maxParallel = spec.maxParallel;
  return record;
}

/**
 * The queue's answer about an array completed by accounting's: the tasks the queue did not list
 * (they left it) as accounting has them; the queue's own word for the rest.
 */
export function withTasksOf(live: JobInfo, accounted: JobInfo): JobInfo {
  const tasks = new Map(accounted.tasks ?? []);
  for (const [index, info] of live.tasks ?? []) tasks.set(index, info);
  return { ...live, tasks };
}

/** A short text that changes whenever a task's status, state or exit code does. */
export function taskDigest(book: TaskBook): string {
  return book.list().map((task) =>
    `${task.status}/${task.state}/${task.exitCode ?? ""}/${task.cause ?? ""}`
  ).join(",");
}
