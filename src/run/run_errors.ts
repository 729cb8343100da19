/**
 * The errors of a run that did not end well: {@linkcode JobFailedError} (it ended CANCELLED or
 * FAILED, or its epilogue failed) and {@linkcode RunNotFinishedError} (it has not ended yet).
 *
 * @module
 */

import { ClusterjobError } from "../core/errors.ts";
import { type StatusCode, statusName } from "../core/status.ts";

/**
 * `get()` found the run finished unsuccessfully (CANCELLED or FAILED), or its epilogue failed.
 *
 * @example Usage
 * ```ts
 * import { JobFailedError, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new JobFailedError({ jobId: "7", jobName: "a", status: Status.FAILED, state: "TIMEOUT", exitCode: 0 });
 * assert.equal(error.message, 'Job 7 ("a") ended FAILED (state TIMEOUT, exit code 0)');
 * assert.equal(error.status, Status.FAILED);
 * ```
 */
export class JobFailedError extends ClusterjobError {
  /** The job id. */
  readonly jobId: string;
  /** The final status. */
  readonly status: StatusCode;
  /** The scheduler's state word. */
  readonly state: string;
  /** The exit code, when known. */
  readonly exitCode: number | undefined;
  /** The scheduler's reason, when known. */
  readonly reason: string | undefined;
  /** The epilogue's failure, when it failed. */
  readonly epilogueError: string | undefined;
  /**
   * Creates the error from a run's final facts.
   *
   * @param run The run's facts.
   */
  constructor(run: {
    jobId: string;
    jobName: string;
    status: StatusCode;
    state: string;
    exitCode?: number | undefined;
    reason?: string | undefined;
    epilogueError?: string | undefined;
  }) {
    const details = [`state ${run.state}`];
    if (run.exitCode !== undefined) details.push(`exit code ${run.exitCode}`);
    if (run.reason) details.push(run.reason);
    const epilogue = run.epilogueError ? `; epilogue failed: ${run.epilogueError}` : "";
    super(
      `Job ${run.jobId} ("${run.jobName}") ended ${statusName(run.status)} (${
        details.join(", ")
      })${epilogue}`,
    );
    this.jobId = run.jobId;
    this.status = run.status;
    this.state = run.state;
    this.exitCode = run.exitCode;
    this.reason = run.reason;
    this.epilogueError = run.epilogueError;
  }
}

/**
 * The run has not finished: `successful()` was called too early, or `get({ timeout })` ran out of
 * time.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, RunNotFinishedError, slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const run = new AsyncResult({ jobId: "7", backend: slurm, transport: new LocalTransport(), status: Status.RUNNING });
 * assert.throws(() => run.successful(), (error) => error instanceof RunNotFinishedError && error.status === Status.RUNNING);
 * assert.equal(new RunNotFinishedError("7", Status.RUNNING).message, "Job 7 has not finished: its last known status is RUNNING");
 * ```
 */
export class RunNotFinishedError extends ClusterjobError {
  /** The job id. */
  readonly jobId: string;
  /** The last known status. */
  readonly status: StatusCode;
  /**
   * Creates the error.
   *
   * @param jobId The job id.
   * @param status The last known status.
   */
  constructor(jobId: string, status: StatusCode) {
    super(`Job ${jobId} has not finished: its last known status is ${statusName(status)}`);
    this.jobId = jobId;
    this.status = status;
  }
}
