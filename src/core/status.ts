/**
 * Status codes of a run, as in the original clusterjob: negative while the job is active,
 * zero or more once it is finished.
 *
 * @module
 */

/**
 * Status of a run. The order is meaningful: `PENDING < RUNNING < COMPLETED < CANCELLED < FAILED`.
 *
 * @example Usage
 * ```ts
 * import { Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(Object.values(Status), [-2, -1, 0, 1, 2]);
 * assert.ok(Status.RUNNING < Status.COMPLETED && Status.COMPLETED < Status.CANCELLED);
 * ```
 */
export const Status = {
  /** Queued, held or suspended. */
  PENDING: -2,
  /** Running or completing. */
  RUNNING: -1,
  /** Finished with exit code 0. */
  COMPLETED: 0,
  /** Cancelled by a user or an administrator. */
  CANCELLED: 1,
  /** Finished unsuccessfully: non-zero exit, time limit, node failure, lost job, ... */
  FAILED: 2,
} as const;

/**
 * One of the values of {@linkcode Status}.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, slurm, Status, type StatusCode } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const code: StatusCode = new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport() }).status;
 * assert.equal(code, Status.PENDING);
 * ```
 */
export type StatusCode = typeof Status[keyof typeof Status];

/**
 * The name of a status code, e.g. `"COMPLETED"` for `0`.
 *
 * @example Usage
 * ```ts
 * import { Status, statusName } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(statusName(-2), "PENDING");
 * assert.deepEqual(Object.values(Status).map(statusName), Object.keys(Status));
 * ```
 *
 * @param code A status code.
 * @returns Its upper-case name.
 */
export function statusName(code: StatusCode): keyof typeof Status {
  switch (code) {
    case -2:
      return "PENDING";
    case -1:
      return "RUNNING";
    case 0:
      return "COMPLETED";
    case 1:
      return "CANCELLED";
    case 2:
      return "FAILED";
  }
}

/**
 * Whether a status is final (the job will not change any more).
 *
 * @example Usage
 * ```ts
 * import { isFinished, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(Object.values(Status).filter(isFinished), [Status.COMPLETED, Status.CANCELLED, Status.FAILED]);
 * ```
 *
 * @param code A status code.
 * @returns `true` for COMPLETED, CANCELLED and FAILED.
 */
export function isFinished(code: StatusCode): boolean {
  return code >= 0;
}
