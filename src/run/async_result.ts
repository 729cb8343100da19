/**
 * A run: the result of submitting a job script, a superset of Python's
 * `multiprocessing.pool.AsyncResult` that can be saved to disk and loaded again.
 *
 * Status polling is shared: every run that waits through the same transport and backend is polled
 * by one poller, with one scheduler command per round for all of them (see `waitAll`).
 *
 * @module
 */

import type { Backend, JobInfo } from "../core/backend.ts";
import { readCacheFile, writeCacheFile } from "./cache.ts";
import { CacheFormatError, InterruptedSubmissionError, type RunRecord } from "./cache_record.ts";
import { ClusterjobError, InvalidValueError, QueryError } from "../core/errors.ts";
import { builtinBackend, defaultTransport } from "./_defaults.ts";
import { isEmptyScript, runLocalScript } from "./_local_script.ts";
import { type PollClient, pollerFor, type Tracking } from "./_poller.ts";
import { isFinished, Status, type StatusCode, statusName } from "../core/status.ts";
import type { Transport } from "../core/transport.ts";

/**
 * How a run is polled. Every field has a default.
 *
 * @example Usage
 * ```ts
 * import type { PollingOptions } from "@clusterjob/clusterjob";
 * const polling: PollingOptions = { vanishGraceMs: 60_000, maxQueryFailures: 3 };
 * console.assert(polling.maxQueryFailures === 3);
 * ```
 */
export interface PollingOptions {
  /**
   * How long a job may be unknown to both the queue and accounting before it is declared FAILED
   * (accounting can lag behind the queue by seconds). Milliseconds of the transport's clock;
   * default 300,000 (5 minutes).
   */
  vanishGraceMs?: number;
  /** Consecutive failed status queries after which `wait()` rejects with the last error. Default 5. */
  maxQueryFailures?: number;
  /** Time limit of one status or accounting command, in milliseconds. Default 120,000. */
  queryTimeoutMs?: number;
}

/**
 * What a run is made of. Runs are usually created by `JobScript.submit()` or
 * {@linkcode AsyncResult.load}; build one directly to track a job submitted by other means.
 *
 * @example Usage
 * ```ts
 * import { type AsyncResultInit, LocalTransport, slurm } from "@clusterjob/clusterjob";
 * const init: AsyncResultInit = { jobId: "1234", backend: slurm, transport: new LocalTransport() };
 * console.assert(init.jobId === "1234");
 * ```
 */
export interface AsyncResultInit {
  /** The scheduler's job id. */
  jobId: string;
  /** The scheduler's backend. */
  backend: Backend;
  /** Where status and cancel commands run. */
  transport: Transport;
  /** The job's name (default: the job id). */
  jobName?: string;
  /** Last known status (default PENDING). */
  status?: StatusCode;
  /** Last known scheduler state word (default: the status name). */
  state?: string;
  /** Known exit code. */
  exitCode?: number;
  /** Known reason. */
  reason?: string;
  /** The job's `remote` host, saved so that `load` can reconnect. */
  remote?: string;
  /** Longest sleep between status polls, in seconds (default 900; at least 1). */
  maxSleepInterval?: number;
  /** Rendered epilogue, run on this machine once the job is first seen finished. */
  epilogue?: string;
  /** Whether the epilogue already ran (default false). */
  epilogueDone?: boolean;
  /** A recorded epilogue failure. */
  epilogueError?: string;
  /** Cache file that `dump()` writes and every status change updates. */
  cacheFile?: string;
  /** Polling behaviour. */
  polling?: PollingOptions;
}

/**
 * Options of {@linkcode AsyncResult.wait}.
 *
 * @example Usage
 * ```ts
 * import type { WaitOptions } from "@clusterjob/clusterjob";
 * const options: WaitOptions = { timeout: 60_000 };
 * console.assert(options.timeout === 60_000);
 * ```
 */
export interface WaitOptions {
  /** Give up after this many milliseconds (of the transport's clock) and resolve with the last known status. */
  timeout?: number;
  /** Abort waiting; the promise rejects with the signal's reason. The job is not cancelled. */
  signal?: AbortSignal;
}

/**
 * Progress report of {@linkcode AsyncResult.waitAll}, given each time a run finishes.
 *
 * @example Usage
 * ```ts
 * import type { WaitProgress } from "@clusterjob/clusterjob";
 * const show = (p: WaitProgress): string => `${p.done}/${p.total}`;
 * console.assert(typeof show === "function");
 * ```
 */
export interface WaitProgress {
  /** Runs finished so far. */
  done: number;
  /** Runs waited for. */
  total: number;
  /** The run that just finished. */
  run: AsyncResult;
}

/**
 * Options of {@linkcode AsyncResult.waitAll}.
 *
 * @example Usage
 * ```ts
 * import type { WaitAllOptions } from "@clusterjob/clusterjob";
 * const options: WaitAllOptions = { onProgress: (p) => console.log(p.done, "of", p.total) };
 * console.assert(typeof options.onProgress === "function");
 * ```
 */
export interface WaitAllOptions extends WaitOptions {
  /** Called each time a run finishes. */
  onProgress?: (progress: WaitProgress) => void;
}

/**
 * Options of {@linkcode AsyncResult.load}.
 *
 * @example Usage
 * ```ts
 * import { type LoadOptions, LocalTransport } from "@clusterjob/clusterjob";
 * const options: LoadOptions = { transport: new LocalTransport() };
 * console.assert(options.transport !== undefined);
 * ```
 */
export interface LoadOptions {
  /** Where status commands run. Default: SSH to the saved `remote` when there is one, else this machine. */
  transport?: Transport;
  /** The backend. Default: the built-in backend of the saved name. */
  backend?: Backend;
  /** Polling behaviour. */
  polling?: PollingOptions;
}

/**
 * `get()` found the run finished unsuccessfully (CANCELLED or FAILED), or its epilogue failed.
 *
 * @example Usage
 * ```ts
 * import { JobFailedError, Status } from "@clusterjob/clusterjob";
 * const error = new JobFailedError({ jobId: "7", jobName: "a", status: Status.FAILED, state: "TIMEOUT" });
 * console.assert(error.status === Status.FAILED && error.message.includes("TIMEOUT"));
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
 * import { RunNotFinishedError, Status } from "@clusterjob/clusterjob";
 * const error = new RunNotFinishedError("7", Status.RUNNING);
 * console.assert(error.message.includes("RUNNING"));
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

const TIMED_OUT = Symbol("timed out");

const DEFAULTS: Required<PollingOptions> = {
  vanishGraceMs: 300_000,
  maxQueryFailures: 5,
  queryTimeoutMs: 120_000,
};

/**
 * A run: a submitted job, its last known status, and the means to follow it.
 *
 * Status codes as the original: PENDING −2, RUNNING −1, COMPLETED 0, CANCELLED 1, FAILED 2
 * (see `Status`). A finished run is never queried again. `status`, `state`, `exitCode` and
 * `reason` are the last known facts; `refresh()` asks the scheduler, `wait()` polls until the run
 * finishes. A failed query never changes them.
 *
 * @example Submit on the simulator and wait
 * ```ts
 * import { JobScript, Status } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 *
 * const cluster = new SimCluster({ scheduler: "slurm", execution: "model", clock: "virtual" });
 * const job = new JobScript({ name: "hello", body: "echo hello", resources: { time: "00:10:00" } });
 * const run = await job.submit({ transport: cluster.transport() });
 * console.assert(await run.wait() === Status.COMPLETED);
 * console.assert(run.successful());
 * ```
 */
export class AsyncResult {
  /** The scheduler's job id. */
  readonly jobId: string;
  /** The job's name. */
  readonly jobName: string;
  /** The scheduler's backend. */
  readonly backend: Backend;
  /** Where status and cancel commands run. */
  readonly transport: Transport;
  /** The job's `remote` host, when it had one. */
  readonly remote: string | undefined;
  /** Longest sleep between status polls, in seconds. */
  readonly maxSleepInterval: number;
  /** Rendered epilogue, run locally once when the job is first seen finished (never after `cancel()`). */
  readonly epilogue: string | undefined;
  /** The cache file this run is saved to on every status change, if any. */
  cacheFile: string | undefined;

  #status: StatusCode;
  #state: string;
  #exitCode: number | undefined;
  #reason: string | undefined;
  #epilogueDone: boolean;
  #epilogueError: string | undefined;
  readonly #client: PollClient;

  /**
   * Creates a run for a job that is already submitted.
   *
   * @param init The job id, backend, transport and what is known.
   * @throws {InvalidValueError} For an empty job id or a bad `maxSleepInterval` / polling option.
   *
   * @example Track a job submitted by other means
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * const run = new AsyncResult({ jobId: "1234", backend: slurm, transport: new LocalTransport() });
   * console.assert(run.status === Status.PENDING && !run.ready());
   * ```
   */
  constructor(init: AsyncResultInit) {
    if (typeof init.jobId !== "string" || !/^\S+$/.test(init.jobId)) {
      throw new InvalidValueError("jobId", init.jobId, "a non-empty job id without spaces");
    }
    const cap = init.maxSleepInterval ?? 900;
    if (typeof cap !== "number" || !Number.isFinite(cap) || cap <= 0) {
      throw new InvalidValueError("maxSleepInterval", cap, "a positive number of seconds");
    }
    const polling = { ...DEFAULTS, ...definedOnly(init.polling ?? {}) };
    for (const [key, value] of Object.entries(polling)) {
      const minimum = key === "maxQueryFailures" ? 1 : 0;
      if (typeof value !== "number" || !Number.isFinite(value) || value < minimum) {
        throw new InvalidValueError(`polling.${key}`, value, `a number >= ${minimum}`);
      }
    }
    this.jobId = init.jobId;
    this.jobName = init.jobName ?? init.jobId;
    this.backend = init.backend;
    this.transport = init.transport;
    this.remote = init.remote || undefined;
    this.maxSleepInterval = Math.max(1, cap);
    this.epilogue = init.epilogue;
    this.cacheFile = init.cacheFile;
    this.#status = init.status ?? Status.PENDING;
    this.#state = init.state ?? statusName(this.#status);
    this.#exitCode = init.exitCode;
    this.#reason = init.reason;
    this.#epilogueDone = init.epilogueDone ?? false;
    this.#epilogueError = init.epilogueError;
    const tracking: Tracking = { nextDue: 0, failures: 0 };
    this.#client = {
      jobId: this.jobId,
      maxSleepMs: Math.min(this.maxSleepInterval, this.backend.maxPollInterval ?? Infinity) * 1000,
      vanishGraceMs: polling.vanishGraceMs,
      maxQueryFailures: polling.maxQueryFailures,
      queryTimeoutMs: polling.queryTimeoutMs,
      tracking,
      status: () => this.#status,
      apply: (info) => this.#apply(info),
    };
  }

  /** The last known status code. */
  get status(): StatusCode {
    return this.#status;
  }

  /** The scheduler's last word on the state (`"PENDING"`, `"TIMEOUT"`, `"qw"`, `"EXIT"`, ...); `"VANISHED"` when neither queue nor accounting knew the job. */
  get state(): string {
    return this.#state;
  }

  /** The job's exit code, when the scheduler reported one. */
  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /** The scheduler's reason or clusterjob's explanation (e.g. for a vanished job), when there is one. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** The epilogue's failure message, when it failed; the run is saved all the same. */
  get epilogueError(): string | undefined {
    return this.#epilogueError;
  }

  /**
   * Asks the scheduler now (joining other runs' queries of the same tick) and resolves with the
   * status. A finished run is not queried. Rejects with the query's error when the query fails;
   * the status then stays as it was.
   *
   * @returns The status.
   *
   * @example Usage
   * ```ts
   * import { JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * const cluster = new SimCluster({ scheduler: "sge", execution: "model", clock: "virtual" });
   * const run = await new JobScript({ name: "a", body: "true", backend: "sge" })
   *   .submit({ transport: cluster.transport() });
   * console.assert([Status.PENDING, Status.RUNNING].includes(await run.refresh() as -2 | -1));
   * ```
   */
  refresh(): Promise<StatusCode> {
    return pollerFor(this.transport, this.backend).refresh(this.#client);
  }

  /**
   * Whether the last known status is final. Does not query: call `refresh()` or `wait()` for news.
   *
   * @returns `true` for COMPLETED, CANCELLED and FAILED.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * const run = new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport(), status: Status.FAILED });
   * console.assert(run.ready());
   * ```
   */
  ready(): boolean {
    return isFinished(this.#status);
  }

  /**
   * Whether the run completed successfully.
   *
   * @returns `true` when COMPLETED.
   * @throws {RunNotFinishedError} When the run has not finished.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * const run = new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport(), status: Status.COMPLETED });
   * console.assert(run.successful());
   * ```
   */
  successful(): boolean {
    if (!this.ready()) throw new RunNotFinishedError(this.jobId, this.#status);
    return this.#status === Status.COMPLETED;
  }

  /**
   * Waits until the run finishes and resolves with its final status; never rejects because the job
   * failed (see `get()` for that). With `timeout`, resolves with the last known status when time
   * runs out. Rejects with the signal's reason on abort, and with the last query error after
   * `polling.maxQueryFailures` consecutive failed queries.
   *
   * @param options Timeout (ms of the transport's clock) and abort signal.
   * @returns The final status (or the last known one after a timeout).
   *
   * @example Usage
   * ```ts
   * import { JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * const cluster = new SimCluster({ scheduler: "lsf", execution: "model", clock: "virtual" });
   * const run = await new JobScript({ name: "a", body: "exit 3", backend: "lsf" })
   *   .submit({ transport: cluster.transport() });
   * console.assert(await run.wait({ timeout: 3_600_000 }) >= Status.COMPLETED);
   * ```
   */
  wait(options: WaitOptions = {}): Promise<StatusCode> {
    return AsyncResult.#waitMany([this], options).then((statuses) => statuses[0] ?? this.#status);
  }

  /**
   * Waits like `wait()`, then resolves with COMPLETED, or rejects: {@linkcode JobFailedError} when
   * the run ended CANCELLED or FAILED or its epilogue failed (as `multiprocessing`'s `get()`
   * raises the call's error), {@linkcode RunNotFinishedError} when `timeout` ran out first.
   *
   * @param options Timeout (ms of the transport's clock) and abort signal.
   * @returns `Status.COMPLETED`.
   *
   * @example Usage
   * ```ts
   * import { JobFailedError, JobScript } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * import assert from "node:assert/strict";
   * const cluster = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" });
   * const run = await new JobScript({ name: "bad", body: "exit 3" }).submit({ transport: cluster.transport() });
   * await assert.rejects(run.get(), JobFailedError);
   * ```
   */
  async get(options: WaitOptions = {}): Promise<StatusCode> {
    const status = await this.wait(options);
    if (!isFinished(status)) throw new RunNotFinishedError(this.jobId, status);
    if (status !== Status.COMPLETED || this.#epilogueError !== undefined) {
      throw new JobFailedError({
        jobId: this.jobId,
        jobName: this.jobName,
        status,
        state: this.#state,
        exitCode: this.#exitCode,
        reason: this.#reason,
        epilogueError: this.#epilogueError,
      });
    }
    return status;
  }

  /**
   * Cancels the job. Does nothing when the run is finished (by its last known status, or by a
   * refresh just before cancelling). The epilogue is not run. Waiters resolve with CANCELLED.
   *
   * @throws {QueryError} When the scheduler refuses the cancel command and the job is still live.
   *
   * @example Usage
   * ```ts
   * import { JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * const cluster = new SimCluster({
   *   scheduler: "pbs",
   *   clock: "virtual",
   *   model: () => ({ runtimeSeconds: 600, exitCode: 0 }),
   * });
   * const run = await new JobScript({ name: "a", body: "sleep 600", backend: "pbs" })
   *   .submit({ transport: cluster.transport() });
   * await run.cancel();
   * console.assert(run.status === Status.CANCELLED);
   * await run.cancel(); // a finished run: nothing happens
   * ```
   */
  async cancel(): Promise<void> {
    if (this.ready()) return;
    await this.refresh().catch(() => {}); // a failed query: go on with the last known status
    if (this.ready()) return;
    const argv = this.backend.cancelCommand([this.jobId]);
    const output = await this.transport.run(argv, { timeout: this.#client.queryTimeoutMs });
    if (output.code !== 0) {
      // The job may have finished in the meantime: then there is nothing to cancel.
      await this.refresh().catch(() => {});
      if (this.ready()) return;
      const said = output.stderr.trim() || output.stdout.trim() || "(no output)";
      throw new QueryError(argv, `Cannot cancel job ${this.jobId} (exit ${output.code}): ${said}`);
    }
    this.#status = Status.CANCELLED;
    this.#state = "CANCELLED";
    this.#reason = "Cancelled by clusterjob";
    await this.#save();
    pollerFor(this.transport, this.backend).release(this.#client);
  }

  /**
   * Saves the run to `path`, or to its cache file when no path is given (the path then becomes the
   * run's cache file). Atomic, mode 0600. Without any target it does nothing.
   *
   * @param path Where to save.
   * @returns The file written, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm } from "@clusterjob/clusterjob";
   * const folder = await Deno.makeTempDir();
   * const transport = new LocalTransport();
   * const run = new AsyncResult({ jobId: "77", backend: slurm, transport });
   * await run.dump(`${folder}/clusterjob.run.json`);
   * const again = await AsyncResult.load(`${folder}/clusterjob.run.json`, { transport });
   * console.assert(again.jobId === "77" && again.backend.name === "slurm");
   * await Deno.remove(folder, { recursive: true });
   * ```
   */
  async dump(path?: string): Promise<string | undefined> {
    if (path !== undefined) this.cacheFile = path;
    if (this.cacheFile === undefined) return undefined;
    await writeCacheFile(this.cacheFile, this.toRecord());
    return this.cacheFile;
  }

  /**
   * The run as a cache record (what `dump()` writes).
   *
   * @returns The record.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm } from "@clusterjob/clusterjob";
   * const run = new AsyncResult({ jobId: "5", backend: slurm, transport: new LocalTransport() });
   * console.assert(run.toRecord().jobId === "5");
   * ```
   */
  toRecord(): RunRecord {
    const record: RunRecord = {
      format: "clusterjob-run",
      version: 1,
      phase: "submitted",
      jobId: this.jobId,
      jobName: this.jobName,
      backend: this.backend.name,
      transport: this.transport.name,
      maxSleepInterval: this.maxSleepInterval,
      status: this.#status,
      state: this.#state,
      epilogueDone: this.#epilogueDone,
      updatedAt: new Date(this.transport.clock.now()).toISOString(),
    };
    if (this.remote !== undefined) record.remote = this.remote;
    if (this.#exitCode !== undefined) record.exitCode = this.#exitCode;
    if (this.#reason !== undefined) record.reason = this.#reason;
    if (this.epilogue !== undefined) record.epilogue = this.epilogue;
    if (this.#epilogueError !== undefined) record.epilogueError = this.#epilogueError;
    return record;
  }

  /**
   * Loads a saved run. The scheduler is not contacted.
   *
   * @param path The file `dump()` wrote.
   * @param options Transport (default: SSH to the saved `remote`, else this machine), backend
   * (default: the built-in backend of the saved name), polling.
   * @returns The run, with `cacheFile` set to `path`.
   * @throws {CacheFormatError} When the file is missing or not a run record.
   * @throws {InterruptedSubmissionError} When the file holds an interrupted submission's marker.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * const folder = await Deno.makeTempDir();
   * const transport = new LocalTransport();
   * await new AsyncResult({ jobId: "9", backend: slurm, transport, status: Status.COMPLETED })
   *   .dump(`${folder}/run.json`);
   * const run = await AsyncResult.load(`${folder}/run.json`, { transport });
   * console.assert(run.status === Status.COMPLETED);
   * await Deno.remove(folder, { recursive: true });
   * ```
   */
  static async load(path: string, options: LoadOptions = {}): Promise<AsyncResult> {
    const record = await readCacheFile(path);
    if (record === undefined) throw new CacheFormatError(path, "no such file");
    if (record.phase === "submitting") {
      throw new InterruptedSubmissionError(path, record.jobName, record.updatedAt);
    }
    const backend = options.backend ?? builtinBackend(record.backend, path);
    return AsyncResult.fromRecord(record, {
      backend,
      transport: options.transport ?? await defaultTransport(record.remote),
      cacheFile: path,
      ...(options.polling ? { polling: options.polling } : {}),
    });
  }

  /**
   * Builds a run from a cache record (as `load` does, without reading a file).
   *
   * @param record The record.
   * @param context Backend, transport, and optionally cache file and polling options.
   * @returns The run.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm } from "@clusterjob/clusterjob";
   * const transport = new LocalTransport();
   * const record = new AsyncResult({ jobId: "3", backend: slurm, transport }).toRecord();
   * console.assert(AsyncResult.fromRecord(record, { backend: slurm, transport }).jobId === "3");
   * ```
   */
  static fromRecord(
    record: RunRecord,
    context: {
      backend: Backend;
      transport: Transport;
      cacheFile?: string;
      polling?: PollingOptions;
    },
  ): AsyncResult {
    return new AsyncResult({
      jobId: record.jobId,
      jobName: record.jobName,
      backend: context.backend,
      transport: context.transport,
      status: record.status,
      state: record.state,
      maxSleepInterval: record.maxSleepInterval,
      epilogueDone: record.epilogueDone,
      ...definedOnly({
        exitCode: record.exitCode,
        reason: record.reason,
        remote: record.remote,
        epilogue: record.epilogue,
        epilogueError: record.epilogueError,
        cacheFile: context.cacheFile,
        polling: context.polling,
      }),
    });
  }

  /**
   * Waits for many runs at once and resolves with their final statuses, in order. Runs that share
   * a transport and backend are polled together: one status command per round for all of them.
   * With `timeout`, resolves with the last known statuses when time runs out (measured on the
   * first run's transport clock). Rejects as soon as one run's wait rejects, and stops waiting for
   * the others.
   *
   * @param runs The runs.
   * @param options Progress callback, timeout (ms) and abort signal.
   * @returns The statuses.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * const cluster = new SimCluster({ scheduler: "slurm", execution: "model", clock: "virtual" });
   * const transport = cluster.transport();
   * const runs = await Promise.all([1, 2, 3].map((i) =>
   *   new JobScript({ name: `job${i}`, body: "true" }).submit({ transport })
   * ));
   * const statuses = await AsyncResult.waitAll(runs, { onProgress: (p) => console.log(`${p.done}/${p.total}`) });
   * console.assert(statuses.every((s) => s === Status.COMPLETED));
   * ```
   */
  static waitAll(
    runs: readonly AsyncResult[],
    options: WaitAllOptions = {},
  ): Promise<StatusCode[]> {
    return AsyncResult.#waitMany(runs, options);
  }

  static async #waitMany(
    runs: readonly AsyncResult[],
    options: WaitAllOptions,
  ): Promise<StatusCode[]> {
    const { timeout, signal, onProgress } = options;
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 0)) {
      throw new InvalidValueError("timeout", timeout, "a number of milliseconds >= 0");
    }
    if (signal?.aborted) throw signal.reason;
    const stop = new AbortController();
    const timer = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const clock = runs[0]?.transport.clock;
    if (timeout !== undefined && clock) {
      clock.sleep(timeout, timer.signal).then(() => stop.abort(TIMED_OUT), () => {});
    }
    let done = 0;
    try {
      return await Promise.all(runs.map(async (run) => {
        const status = await pollerFor(run.transport, run.backend).watch(run.#client, stop.signal);
        done++;
        onProgress?.({ done, total: runs.length, run });
        return status;
      }));
    } catch (error) {
      stop.abort(error);
      if (error === TIMED_OUT) return runs.map((run) => run.#status);
      throw error;
    } finally {
      timer.abort();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Records what the scheduler said; saves on change; runs the epilogue when first finished. */
  async #apply(info: JobInfo): Promise<void> {
    const changed = info.status !== this.#status || info.state !== this.#state ||
      info.exitCode !== this.#exitCode;
    this.#status = info.status;
    this.#state = info.state;
    this.#exitCode = info.exitCode;
    this.#reason = info.reason;
    if (!changed) return;
    // Local work takes no simulated time: keep a virtual clock from jumping meanwhile.
    const release = this.transport.clock.hold?.();
    try {
      await this.#save();
      if (isFinished(this.#status) && !this.#epilogueDone) {
        // Saved as finished first: a process killed during the epilogue never runs it twice.
        if (!isEmptyScript(this.epilogue)) {
          try {
            await runLocalScript("epilogue", this.epilogue ?? "");
          } catch (error) {
            this.#epilogueError = error instanceof Error ? error.message : String(error);
          }
        }
        this.#epilogueDone = true;
        await this.#save();
      }
    } finally {
      release?.();
    }
  }

  async #save(): Promise<void> {
    if (this.cacheFile === undefined) return;
    const release = this.transport.clock.hold?.();
    try {
      await writeCacheFile(this.cacheFile, this.toRecord());
    } finally {
      release?.();
    }
  }
}

function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
