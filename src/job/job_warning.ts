/**
 * Warnings a `JobScript` gives at construction: something that is not wrong for clusterjob but
 * that the scheduler will probably refuse — today, a pass-through resource its backend's table
 * (`Backend.knownOptions`) does not list.
 *
 * @module
 */

/**
 * One warning about a job. Handed to the job's `onWarning` option (default: printed with
 * `console.warn`); with `strict: true` the job throws an `UnknownKeyError` instead.
 *
 * @example Collect the warnings of a job
 * ```ts
 * import { JobScript, type JobWarning } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const warnings: JobWarning[] = [];
 * const job = new JobScript({
 *   name: "a",
 *   body: "true",
 *   resources: { "mem_per_cpu": "2G" },
 *   onWarning: (warning) => warnings.push(warning),
 * });
 * assert.equal(warnings.length, 1);
 * assert.equal(warnings[0]?.key, "mem_per_cpu");
 * assert.equal(warnings[0]?.suggestions[0], "--mem-per-cpu");
 * assert.deepEqual(job.warnings, warnings);
 * ```
 */
export interface JobWarning {
  /** What kind of warning: `"unknown-key"`, a pass-through key the scheduler does not list. */
  readonly code: "unknown-key";
  /** The option it is about (`"resources"`). */
  readonly field: string;
  /** The key as the user wrote it. */
  readonly key: string;
  /** The backend's name. */
  readonly backend: string;
  /** Keys the scheduler does list that are spelt nearly so, nearest first (may be empty). */
  readonly suggestions: readonly string[];
  /** The warning, as a sentence that says what to do. */
  readonly message: string;
}

/**
 * A function that receives a job's warnings (the `onWarning` option).
 *
 * @example Silence warnings
 * ```ts
 * import { JobScript, type WarningHandler } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const ignore: WarningHandler = () => {};
 * const job = new JobScript({ name: "a", body: "true", resources: { myflag: true }, onWarning: ignore });
 * assert.equal(job.warnings.length, 1);
 * ```
 */
export type WarningHandler = (warning: JobWarning) => void;
