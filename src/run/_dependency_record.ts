/**
 * A run's dependencies in its cache record (`after`): what is saved (the id, the kind, the name;
 * never the run object) and the check of what a file holds. Internal module.
 *
 * @module
 */

import { DEPENDENCY_KINDS, type DependencyKind } from "../core/dependency.ts";
import { describeValue, InvalidValueError } from "../core/errors.ts";
import { SAFE_JOB_ID } from "../core/job_id.ts";
import type { RunDependency } from "./run_options.ts";

/** A dependency as a cache record saves it (`RunRecord.after`). */
interface RecordedDependency {
  /** The job depended on. */
  jobId: string;
  /** When the dependent may start. */
  when: DependencyKind;
  /** Its name, when known. */
  jobName?: string;
}

/** What a record saves of a run's dependencies. */
export function recordedAfter(after: readonly RunDependency[]): RecordedDependency[] {
  return after.map(({ jobId, when, jobName }) => ({
    jobId,
    when,
    ...(jobName === undefined ? {} : { jobName }),
  }));
}

/**
 * The problem of a saved `after` value, or `undefined` when it is a list of dependencies (each a
 * safe job id, a kind, an optional name).
 */
export function afterProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `is ${describeValue(value)}, not a list`;
  for (const [index, item] of value.entries()) {
    const entry = item as Record<string, unknown> | null;
    const ok = typeof entry === "object" && entry !== null &&
      typeof entry.jobId === "string" && SAFE_JOB_ID.test(entry.jobId) &&
      DEPENDENCY_KINDS.includes(entry.when as DependencyKind) &&
      (entry.jobName === undefined || typeof entry.jobName === "string") &&
      Object.keys(entry).every((key) => ["jobId", "when", "jobName"].includes(key));
    if (!ok) {
      return `entry ${index} is ${describeValue(item)}, not { jobId, when, jobName? } ` +
        `(a job id, one of ${DEPENDENCY_KINDS.join(", ")})`;
    }
  }
  return undefined;
}

/** Checks `init.after` of `new AsyncResult`. */
export function checkInitAfter(value: unknown): void {
  if (value === undefined) return;
  const plain = Array.isArray(value)
    ? value.map((item) => {
      if (typeof item !== "object" || item === null) return item;
      const { run: _run, ...rest } = item as Record<string, unknown>;
      return rest;
    })
    : value;
  const problem = afterProblem(plain);
  if (problem !== undefined) {
    throw new InvalidValueError(
      "after",
      value,
      `a list of { jobId, when, jobName?, run? } (${problem})`,
    );
  }
}
