// Placeholder with the final signature; implemented by the runs work (issue 4).
import type { AsyncResult } from "./async_result.ts";
import type { JobScript } from "./job_script.ts";
import type { Transport } from "./transport.ts";

/** Options of {@linkcode submitJob} / `JobScript.submit`. */
export interface SubmitOptions {
  /** Where to run scheduler commands; default: SSH to `remote` when set, else this machine. */
  transport?: Transport;
  /** Cache id; default: an id derived from the job. */
  cacheId?: string;
  /** Always submit anew, ignoring the cache. */
  force?: boolean;
  /** Resubmit a cached run that was CANCELLED or FAILED (default true). */
  retry?: boolean;
  /** Aborts the submission. */
  signal?: AbortSignal;
}

/** Submits a job script and returns its run. */
export function submitJob(_job: JobScript, _options: SubmitOptions = {}): Promise<AsyncResult> {
  return Promise.reject(new Error("submitJob is not implemented yet"));
}
