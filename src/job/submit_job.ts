/**
 * {@linkcode submitJob}: submit a job script and get its run — the function form of
 * `JobScript.submit`.
 *
 * @module
 */

import type { AsyncResult } from "../run/async_result.ts";
import type { SubmitOptions } from "../run/submit.ts";
import type { JobScript } from "./job_script.ts";

/**
 * Submits a job script and returns its run (the same as `job.submit(options)`). Steps: render
 * the plan (every script, path and command; a template error throws before anything is
 * written); consult the cache; create the working directory (`rootdir`/`workdir`) and write the
 * aux scripts and the job script there on the scheduler host; run the rendered prologue on this
 * machine (a failure throws `LocalScriptError` and nothing is submitted); run the backend's
 * submit command in the working directory; parse the job id; save the run in the cache at once.
 *
 * @param job The job script.
 * @param options Transport, cache id, `force`, `retry`, abort signal, cache overrides, polling.
 * @returns The run (PENDING, or the cached run).
 * @throws {SubmitError} When the scheduler refuses the job; carries the scheduler's own message.
 * @throws {LocalScriptError} When the prologue fails.
 * @throws {InterruptedSubmissionError} When an earlier submission with this cache id was interrupted.
 * @throws {CacheFormatError} When the cache file is damaged (never ignored: that could submit twice).
 *
 * @example Submit to a simulated SLURM and wait
 * ```ts
 * import { JobScript, Status, submitJob } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const cluster = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" });
 * const job = new JobScript({ name: "hello", body: "echo hello", resources: { time: 5 } });
 * const run = await submitJob(job, { transport: cluster.transport() });
 * assert.equal(run.jobName, "hello");
 * assert.equal(await run.wait(), Status.COMPLETED);
 * ```
 */
export async function submitJob(
  job: JobScript,
  options: SubmitOptions = {},
): Promise<AsyncResult> {
  return await job.submit(options);
}
