/**
 * Submission: write a job's scripts on the scheduler host, run its prologue here, submit it, and
 * return its run, with the original clusterjob's disk cache semantics (a cached run is returned
 * without contacting the scheduler; a cached CANCELLED/FAILED run is resubmitted when `retry`;
 * `force` always resubmits).
 *
 * A workflow killed at any point and started again never submits a job twice: a marker is saved
 * in the cache file just before the submit command runs and replaced by the run, job id included,
 * as soon as the id is parsed. If the process dies in between (the scheduler may or may not have
 * the job), the next submission with that cache id finds the marker and throws
 * `InterruptedSubmissionError` instead of guessing; check the queue, then use `force: true`. The
 * marker is also left when the transport fails during the submit command (a dropped SSH
 * connection or a timeout: the job may exist). A submission the scheduler refuses (non-zero exit)
 * removes it: nothing is cached for a job that does not exist.
 *
 * @module
 */

import { dirname } from "node:path/posix";
import type { JobScript } from "../job/job_script.ts";
import { AsyncResult, type PollingOptions } from "./async_result.ts";
import {
  cacheFilePath,
  InterruptedSubmissionError,
  readCacheFile,
  removeCacheFile,
} from "./cache.ts";
import { defaultCacheId } from "../job/_cache_id.ts";
import { prepareCacheWrite } from "./_cache_write.ts";
import { defaultTransport } from "./_defaults.ts";
import { SubmitError } from "../core/errors.ts";
import { isEmptyScript, runLocalScript } from "./_local_script.ts";
import { maxSleepSeconds } from "./_poller.ts";
import { Status } from "../core/status.ts";
import type { CommandOutput, Transport } from "../core/transport.ts";

/**
 * Options of {@linkcode submitJob} / `JobScript.submit`.
 *
 * @example Usage
 * ```ts
 * import type { SubmitOptions } from "@clusterjob/clusterjob";
 * const options: SubmitOptions = { cacheId: "step-1", retry: false };
 * console.assert(options.cacheId === "step-1");
 * ```
 */
export interface SubmitOptions {
  /**
   * Where to run scheduler commands. Default: a new `SshTransport` to the job's `remote` when it is
   * set, else a new `LocalTransport`. Runs are polled together only when they share a transport
   * object, so pass one transport when submitting many jobs.
   */
  transport?: Transport;
  /**
   * Cache id (file `<cacheFolder>/<cachePrefix>.<cacheId>.json`). Default: the job's name and a
   * hash of its rendered script, aux scripts, location and backend, so a re-run of the same
   * workflow finds the same runs whatever the submission order; give distinct ids to submit the
   * very same job twice.
   */
  cacheId?: string;
  /** Submit anew even when the cache holds a run (or an interrupted submission's marker). */
  force?: boolean;
  /** Resubmit a cached run that ended CANCELLED or FAILED (default true). */
  retry?: boolean;
  /** Aborts the submission (before or during the submit command). */
  signal?: AbortSignal;
  /** Overrides the job's `cacheFolder`; `""` disables the cache. */
  cacheFolder?: string;
  /** Overrides the job's `cachePrefix`. */
  cachePrefix?: string;
  /** How the run is polled. */
  polling?: PollingOptions;
}

/**
 * Submits a job script and returns its run. Steps: consult the cache; create the working directory
 * (`rootdir`/`workdir`) and write the aux scripts and the job script there on the scheduler host;
 * run the rendered prologue on this machine (a failure throws `LocalScriptError` and nothing is
 * submitted); run the backend's submit command in the working directory; parse the job id; save
 * the run in the cache at once.
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
 *
 * const cluster = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" });
 * const job = new JobScript({ name: "hello", body: "echo hello", resources: { time: 5 } });
 * const run = await submitJob(job, { transport: cluster.transport() });
 * console.assert(await run.wait() === Status.COMPLETED);
 * ```
 */
export async function submitJob(job: JobScript, options: SubmitOptions = {}): Promise<AsyncResult> {
  const { signal, retry = true, force = false } = options;
  signal?.throwIfAborted();
  // Render everything first: a template error must surface before anything touches the cluster.
  const script = job.render();
  const auxScripts = job.renderAuxScripts();
  const prologue = job.prologue === "" ? undefined : job.renderScript(job.prologue);
  const epilogue = job.epilogue === "" ? undefined : job.renderScript(job.epilogue);

  const transport = options.transport ?? defaultTransport(job.remote);
  const cacheFolder = options.cacheFolder ?? job.cacheFolder;
  const cacheFile = cacheFolder
    ? cacheFilePath(
      cacheFolder,
      options.cachePrefix ?? job.cachePrefix,
      options.cacheId ?? await defaultCacheId(job, script, auxScripts),
    )
    : undefined;
  const polling = options.polling ? { polling: options.polling } : {};

  if (cacheFile !== undefined && !force) {
    const record = await readCacheFile(cacheFile);
    if (record?.phase === "submitting") {
      throw new InterruptedSubmissionError(cacheFile, record.jobName, record.updatedAt);
    }
    if (record !== undefined) {
      const cached = AsyncResult.fromRecord(record, {
        backend: job.backend,
        transport,
        cacheFile,
        ...polling,
      });
      if (!(retry && cached.status >= Status.CANCELLED)) return cached;
    }
  }

  const directory = job.workingDirectory();
  // Creating a file costs more than filling and renaming it, so both cache writes create their
  // temporary file ahead, where it overlaps other work: the marker's while the scripts are
  // written, the run record's while the submit command runs. Each is settled on every path.
  const marker = cacheFile !== undefined ? prepareCacheWrite(cacheFile) : undefined;
  try {
    await writeScripts(transport, directory, [
      ...Object.entries(auxScripts).map(([name, text]) => [join(directory, name), text] as const),
      [job.scriptPath(), script],
    ]);
    signal?.throwIfAborted();
    if (prologue !== undefined && !isEmptyScript(prologue)) {
      await runLocalScript("prologue", prologue, signal ? { signal } : {});
    }
    signal?.throwIfAborted();
    await marker?.commit({
      format: "clusterjob-run",
      version: 1,
      phase: "submitting",
      jobName: job.name,
      backend: job.backend.name,
      transport: transport.name,
      updatedAt: new Date(transport.clock.now()).toISOString(),
    });
  } catch (error) {
    await marker?.discard();
    throw error;
  }
  const command = job.backend.submitCommand(job.filename);
  const submitting = transport.run(command.argv, {
    cwd: directory,
    ...(command.stdinScript ? { stdin: script } : {}),
    ...(signal ? { signal } : {}),
  });
  const record = cacheFile !== undefined ? prepareCacheWrite(cacheFile) : undefined;
  let output: CommandOutput;
  try {
    // If this throws (connection lost, timeout, abort) the job may exist: the marker stays.
    output = await submitting;
  } catch (error) {
    await record?.discard();
    throw error;
  }
  let jobId: string;
  try {
    jobId = job.backend.parseJobId(output, command.argv);
  } catch (error) {
    await record?.discard();
    // A refusal (non-zero exit) created no job, unless the backend says the outcome is unknown
    // (a client-side timeout); an unreadable success may have: in both cases keep the marker.
    const jobMayExist = output.code === 0 || job.backend.submitOutcomeUnknown?.(output) === true;
    if (cacheFile !== undefined && !jobMayExist) await removeCacheFile(cacheFile);
    if (error instanceof SubmitError && !jobMayExist) throw error;
    // Keep the parser's explanation when adding that the job may exist.
    const reason = error instanceof SubmitError
      ? error.reason
      : error instanceof Error
      ? error.message
      : undefined;
    throw new SubmitError(command.argv, output, reason, { jobMayExist });
  }
  const run = new AsyncResult({
    jobId,
    jobName: job.name,
    backend: job.backend,
    transport,
    status: Status.PENDING,
    maxSleepInterval: maxSleepSeconds(job.resources.timeSeconds, job.maxSleepInterval),
    ...(job.remote ? { remote: job.remote } : {}),
    ...(epilogue !== undefined ? { epilogue } : {}),
    ...(cacheFile !== undefined ? { cacheFile } : {}),
    ...polling,
  });
  await record?.commit(run.toRecord());
  return run;
}

function join(directory: string, name: string): string {
  return name.startsWith("/") ? name : `${directory.replace(/\/+$/, "")}/${name}`;
}

/**
 * Creates the working directory, then the folders of scripts that lie below it, then writes the
 * executable scripts, each step's independent parts at once. Every write is waited for before an
 * error is thrown, so nothing is still being written once submission has failed.
 */
async function writeScripts(
  transport: Transport,
  directory: string,
  scripts: ReadonlyArray<readonly [path: string, text: string]>,
): Promise<void> {
  await transport.mkdir(directory);
  const folders = new Set(
    scripts.map(([path]) => dirname(path)).filter((folder) =>
      folder !== directory && folder !== "."
    ),
  );
  await settleAll([...folders].map((folder) => transport.mkdir(folder)));
  await settleAll(scripts.map(([path, text]) => transport.writeFile(path, text, { mode: 0o755 })));
}

/** Waits for every promise, then rejects with the first failure, if any. */
async function settleAll(promises: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((result) =>
    result.status === "rejected"
  );
  if (failed) throw failed.reason;
}
