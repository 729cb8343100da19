/**
 * Resubmitting some tasks of an array run: the job that made a run leaves here how to plan the
 * same job for other indices (the run layer cannot import the job layer), and
 * {@linkcode resubmitTasks} submits the plan as a new array whose run carries the other tasks
 * over and takes the old run's cache file. Internal module; `AsyncResult.resubmit` is its face.
 *
 * @module
 */

import { InvalidValueError } from "../core/errors.ts";
import type { ArrayRecord } from "./array_tasks.ts";
import type { SubmissionPlan } from "./submission_plan.ts";
import type { Transport } from "../core/transport.ts";
import type { PollingOptions } from "./run_options.ts";

/** What a resubmission of some tasks needs: the tasks, the record that carries the others, where. */
export interface TaskResubmission {
  /** The indices to submit again. */
  readonly indices: readonly number[];
  /** The array's record now. */
  readonly record: ArrayRecord;
  /** The old run's cache file, which the new run takes. */
  readonly cacheFile: string | undefined;
  /** The old run's transport. */
  readonly transport: Transport;
  /** The old run's polling options. */
  readonly polling: PollingOptions;
}

/**
 * Submits the run's job again for some indices and resolves with the new run (an `AsyncResult`:
 * typed loosely, since the job layer that makes it sits above this one).
 */
export type TaskResubmitter = (request: TaskResubmission) => Promise<unknown>;

const resubmitters = new WeakMap<object, TaskResubmitter>();

/** Remembers how to submit `run`'s job again for some of its indices. */
export function setTaskResubmitter(run: object, resubmitter: TaskResubmitter): void {
  resubmitters.set(run, resubmitter);
}

/** How to submit `run`'s job again, when the job that made it left that. */
export function taskResubmitter(run: object): TaskResubmitter | undefined {
  return resubmitters.get(run);
}

/**
 * The indices `options` picks among `all` (`failed` for `"failed"`).
 *
 * @throws {InvalidValueError} Field `tasks`, for another value or an index the array lacks.
 */
export function pickedTasks(
  options: unknown,
  all: readonly number[],
  failed: readonly number[],
): number[] {
  const tasks = (options as { tasks?: unknown } | undefined)?.tasks;
  if (tasks === "failed") return [...failed];
  const known = new Set(all);
  if (
    !Array.isArray(tasks) || tasks.length === 0 ||
    !tasks.every((index) => Number.isInteger(index) && known.has(index))
  ) {
    throw new InvalidValueError(
      "tasks",
      tasks,
      `"failed", or a non-empty list of the array's indices (${describeIndices(all)})`,
    );
  }
  return [...new Set(tasks as number[])].sort((a, b) => a - b);
}

function describeIndices(indices: readonly number[]): string {
  return indices.length <= 10
    ? indices.join(", ")
    : `${indices.slice(0, 5).join(", ")}, … ${indices.at(-1)}`;
}

/**
 * The plan of a resubmission: `plan` (the job for `indices` only) saved in `cacheFile` with the
 * array's other tasks carried over from `record` (the resubmitted ones start PENDING again).
 */
export function resubmissionPlan(
  plan: SubmissionPlan,
  record: ArrayRecord,
  indices: readonly number[],
  cacheFile: string | undefined,
): SubmissionPlan {
  const again = new Set(indices);
  const carried: ArrayRecord = {
    ...record,
    tasks: record.tasks.filter((task) => !again.has(task.index)),
  };
  return Object.freeze({ ...plan, cacheFile, arrayRecord: carried });
}
