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

/** Plans the run's job again for `indices` (as an array of them), without a cache file. */
export type TaskPlanner = (indices: readonly number[]) => Promise<SubmissionPlan>;

const planners = new WeakMap<object, TaskPlanner>();

/** Remembers how to plan `run`'s job for other indices. */
export function setTaskPlanner(run: object, planner: TaskPlanner): void {
  planners.set(run, planner);
}

/** How to plan `run`'s job for other indices, when the job that made it left that. */
export function taskPlanner(run: object): TaskPlanner | undefined {
  return planners.get(run);
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
