/**
 * What a scheduler says about one job: the record every backend's parsers return.
 *
 * @module
 */

import type { StatusCode } from "./status.ts";
import type { Cause } from "./cause.ts";

/**
 * What the scheduler says about one job.
 *
 * @example Usage
 * ```ts
 * import { type JobInfo, slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const stdout = "5|fail|debug|TIMEOUT|0:0|2026-11-25T08:46:01|2026-11-25T09:46:01|01:00:00\n";
 * const info: JobInfo | undefined = slurm.parseAccounting({ code: 0, stdout, stderr: "" }, ["5"]).get("5");
 * assert.equal(info?.status, Status.FAILED);
 * assert.equal(info?.state, "TIMEOUT");
 * ```
 */
export interface JobInfo {
  /** The portable status. */
  status: StatusCode;
  /** The scheduler's own word for the state (`"TIMEOUT"`, `"CANCELLED by 0"`, `"qw"`, `"EXIT"`). */
  state: string;
  /** The job script's exit code, when the scheduler reports it. */
  exitCode?: number;
  /** The scheduler's reason or extra detail (`"Dependency"`, `"failed 37: qmaster enforced h_rt"`). */
  reason?: string;
  /** Why a finished job ended, when the parser or the markers can tell (see {@linkcode Cause}). */
  cause?: Cause;
}
