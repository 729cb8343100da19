/**
 * {@linkcode CacheMismatchError}: a cached run was made through another transport or backend
 * than the submission that found it, and is not reused.
 *
 * @module
 */

import { ClusterjobError } from "../core/errors.ts";

/**
 * Where a run was submitted: its backend's name and its transport's name (`"local"`,
 * `"ssh:login.cluster.edu"`, `"sim:slurm"`), as a cache record stores them.
 *
 * @example Usage
 * ```ts
 * import type { CacheOrigin } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const origin: CacheOrigin = { backend: "slurm", transport: "sim:slurm" };
 * assert.equal(origin.transport, "sim:slurm");
 * ```
 */
export interface CacheOrigin {
  /** The backend's registry name. */
  readonly backend: string;
  /** The transport's name. */
  readonly transport: string;
}

/**
 * A submission found a cached run of its cache id, but the run was submitted through another
 * transport (another cluster, this machine instead of a login node, the simulator) or with
 * another backend. Reusing it would track the wrong job, or a job id of another scheduler, so it
 * is never reused silently. To start afresh, submit with `force: true`: the job is submitted
 * again through the current transport and the cache file is overwritten (the cached job itself
 * is not touched; cancel it first if it still runs). `AsyncResult.load` takes its transport and
 * backend explicitly and does not check this.
 *
 * @example Usage
 * ```ts
 * import { CacheMismatchError, JobScript, LocalTransport } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const cacheFolder = await Deno.makeTempDir();
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const job = new JobScript({ name: "step", body: "true", cacheFolder });
 * await job.submit({ transport: cluster.transport() });
 * await assert.rejects(
 *   job.submit({ transport: new LocalTransport() }),
 *   (error) =>
 *     error instanceof CacheMismatchError && error.recorded.transport === "sim:slurm" &&
 *     error.current.transport === "local" && /force: true/.test(error.message),
 * );
 * await Deno.remove(cacheFolder, { recursive: true });
 * ```
 */
export class CacheMismatchError extends ClusterjobError {
  /** The cache file. */
  readonly path: string;
  /** The cached run's job id. */
  readonly jobId: string;
  /** Where the cached run was submitted. */
  readonly recorded: CacheOrigin;
  /** Where this submission goes. */
  readonly current: CacheOrigin;

  /**
   * Creates the error; the message names both origins and how to start afresh.
   *
   * @param path The cache file.
   * @param jobId The cached run's job id.
   * @param recorded Where the cached run was submitted.
   * @param current Where this submission goes.
   */
  constructor(path: string, jobId: string, recorded: CacheOrigin, current: CacheOrigin) {
    const describe = (origin: CacheOrigin) =>
      `backend "${origin.backend}" through transport "${origin.transport}"`;
    super(
      `Cache file "${path}" holds job ${jobId}, submitted with ${describe(recorded)}, but this ` +
        `submission uses ${describe(current)}: the cached run is not reused. To submit afresh ` +
        `through this transport, submit with force: true (the cache file is overwritten; the ` +
        `cached job is not cancelled)`,
    );
    this.path = path;
    this.jobId = jobId;
    this.recorded = recorded;
    this.current = current;
  }
}

/**
 * Throws {@linkcode CacheMismatchError} unless `recorded` and `current` name the same backend
 * and transport.
 */
export function checkCacheOrigin(
  path: string,
  jobId: string,
  recorded: CacheOrigin,
  current: CacheOrigin,
): void {
  if (recorded.backend !== current.backend || recorded.transport !== current.transport) {
    throw new CacheMismatchError(
      path,
      jobId,
      { backend: recorded.backend, transport: recorded.transport },
      { backend: current.backend, transport: current.transport },
    );
  }
}
