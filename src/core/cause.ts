/**
 * {@linkcode Cause}: why a run ended, in the same words for every scheduler.
 *
 * @module
 */

/**
 * Why a run ended, the same on every scheduler (`run.cause`); `run.state` and `run.reason` keep
 * the scheduler's own words.
 *
 * - `exit`: the job ended by itself; `run.exitCode` says how (0: COMPLETED).
 * - `timeout`: killed at its walltime.
 * - `out-of-memory`: killed for using more memory than it asked for.
 * - `cancelled`: cancelled (`run.cancel()`, `scancel`, `qdel`, `bkill`) or killed by a signal
 *   from outside.
 * - `node-failure`: its node died or was lost.
 * - `preempted`: preempted by a higher-priority job.
 * - `dependency`: a job it depends on ended so that it can never run.
 * - `submit-failed`: the submission failed; no job ran.
 * - `vanished`: neither the queue, nor accounting, nor the job's markers say how it ended;
 *   `run.reason` names the evidence consulted.
 *
 * @example Usage
 * ```ts
 * import { type Cause, JobScript } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const transport = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" }).transport();
 * const run = await new JobScript({ name: "a", body: "exit 3" }).submit({ transport });
 * await run.wait();
 * const cause: Cause | undefined = run.cause;
 * assert.equal(cause, "exit");
 * assert.equal(run.exitCode, 3);
 * ```
 */
export type Cause =
  | "exit"
  | "timeout"
  | "out-of-memory"
  | "cancelled"
  | "node-failure"
  | "preempted"
  | "dependency"
  | "submit-failed"
  | "vanished";

/**
 * Every {@linkcode Cause}, in the order of its documentation.
 *
 * @example Usage
 * ```ts
 * import { CAUSES } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CAUSES.length, 9);
 * assert.ok(CAUSES.includes("timeout"));
 * ```
 */
export const CAUSES: readonly Cause[] = Object.freeze([
  "exit",
  "timeout",
  "out-of-memory",
  "cancelled",
  "node-failure",
  "preempted",
  "dependency",
  "submit-failed",
  "vanished",
]);

/**
 * Whether `value` is a {@linkcode Cause}.
 *
 * @example Usage
 * ```ts
 * import { isCause } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isCause("preempted") && !isCause("TIMEOUT"));
 * ```
 *
 * @param value Anything.
 * @returns `true` for one of {@linkcode CAUSES}.
 */
export function isCause(value: unknown): value is Cause {
  return typeof value === "string" && (CAUSES as readonly string[]).includes(value);
}
