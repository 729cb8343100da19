/**
 * A run: the result of submitting a job script, a superset of Python's
 * `multiprocessing.pool.AsyncResult` that can be saved to disk and loaded again.
 *
 * Status polling is shared: every run that waits through the same transport and backend is polled
 * by one poller, with one scheduler command per round for all of them (see `waitAll`).
 *
 * @module
 */

import { type Backend, checkJobId, type JobInfo } from "../core/backend.ts";
import { writeCacheFile } from "./cache.ts";
import type { RunRecord } from "./cache_record.ts";
import { check } from "../core/_check.ts";
import { QueryError } from "../core/errors.ts";
import { runEpilogue } from "./_local_script.ts";
import { initFromRecord, initialFacts, loadInit, recordOf, type RunFacts } from "./_run_record.ts";
import { type PollClient, pollerFor, pollingSettings } from "./_poller.ts";
import { JobFailedError, RunNotFinishedError } from "./run_errors.ts";
import { checkInit, checkLoadOptions } from "./_run_checks.ts";
import type {
  AsyncResultInit,
  LoadOptions,
  ResubmitOptions,
  RunDependency,
  WaitOptions,
} from "./run_options.ts";
import { type ParentLink, watchDependent } from "./_dependency_watch.ts";
import { isFinished, Status, type StatusCode } from "../core/status.ts";
import type { Cause } from "../core/cause.ts";
import type { Transport } from "../core/transport.ts";
import { waitMany } from "./_wait_many.ts";
import { countStatuses, type StatusCounts } from "./progress.ts";
import { pickedTasks, taskResubmitter } from "./_resubmit.ts";
import { InvalidValueError } from "../core/errors.ts";
import { type ArrayTask, TaskBook, taskDigest } from "./array_tasks.ts";

/**
 * A progress report of {@linkcode AsyncResult.waitAll} (and `wait`): given after every poll
 * round, and each time a run finishes (then with that `run`).
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, slurm, Status, type WaitProgress } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const run = new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport(), status: Status.FAILED });
 * const seen: WaitProgress[] = [];
 * await AsyncResult.waitAll([run], { onProgress: (progress) => seen.push(progress) });
 * assert.equal(seen.at(-1)?.run, run);
 * assert.equal(seen.at(-1)?.done, 1);
 * assert.deepEqual(seen.at(-1)?.counts, { pending: 0, running: 0, completed: 0, failed: 1, cancelled: 0 });
 * ```
 */
export interface WaitProgress {
  /** Runs finished so far. */
  done: number;
  /** Runs waited for. */
  total: number;
  /** The run that just finished, when the report is for one (not after a poll round). */
  run?: AsyncResult;
  /** How many of the runs have each status now. */
  counts: StatusCounts;
  /** How many tasks of the array runs have each status, when some of the runs are arrays. */
  tasks?: StatusCounts;
}

/**
 * Options of {@linkcode AsyncResult.waitAll}.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, slurm, type WaitAllOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const run = new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport() });
 * const options: WaitAllOptions = { signal: AbortSignal.abort(new Error("stop")), onProgress: () => {} };
 * await assert.rejects(AsyncResult.waitAll([run], options), /stop/);
 * ```
 */
export interface WaitAllOptions extends WaitOptions {
  /** Called after every poll round, and each time a run finishes (see `WaitProgress`). */
  onProgress?: (progress: WaitProgress) => void;
}

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
 * import assert from "node:assert/strict";
 *
 * const transport = new SimCluster({ scheduler: "slurm", execution: "model", clock: "virtual" }).transport();
 * const run = await new JobScript({ name: "hello", body: "echo hello" }).submit({ transport });
 * assert.equal(await run.wait(), Status.COMPLETED);
 * assert.ok(run.successful());
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
  /** The job's marker folder on the scheduler host, when it writes markers. */
  readonly markers: string | undefined;
  /** The job's walltime in seconds, when known. */
  readonly walltime: number | undefined;
  /** The cache file this run is saved to on every status change, if any. */
  cacheFile: string | undefined;
  /**
   * The jobs this one waits for (`JobScript`'s `after`). While the run is waited for, they are
   * waited for too; when one ends so that the run can never start, the run ends CANCELLED (see
   * the README's "Workflows").
   */
  readonly after: readonly RunDependency[];

  readonly #facts: RunFacts;
  readonly #client: PollClient;
  readonly #parents: readonly ParentLink[];
  readonly #book: TaskBook | undefined;

  /**
   * Creates a run for a job that is already submitted.
   *
   * @param init The job id, backend, transport and what is known.
   * @throws {InvalidJobIdError} For a job id that is not of the backend's `jobIdGrammar` (an
   * `InvalidValueError` of field `jobId`): no command is ever run with it.
   * @throws {InvalidValueError} For an unknown key of `init`, a value of the wrong type (a
   * backend's name instead of the object, a status that is no status code, a bad `remote`
   * host), a bad `maxSleepInterval` or polling option.
   * @throws {BackendError} For a malformed backend object.
   *
   * @example Track a job submitted by other means
   * ```ts
   * import { AsyncResult, InvalidJobIdError, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const run = new AsyncResult({ jobId: "1234", backend: slurm, transport: new LocalTransport() });
   * assert.equal(run.status, Status.PENDING);
   * assert.throws(() => new AsyncResult({ jobId: "", backend: slurm, transport: run.transport }), /"jobId"/);
   * assert.throws(() => new AsyncResult({ jobId: "-u", backend: slurm, transport: run.transport }), InvalidJobIdError);
   * ```
   */
  constructor(init: AsyncResultInit) {
    checkInit(init);
    const jobId = checkJobId(init.backend, init.jobId);
    const cap = init.maxSleepInterval ?? 900;
    check(Number.isFinite(cap) && cap > 0, "maxSleepInterval", cap, "a positive number of seconds");
    const polling = pollingSettings(init.polling);
    this.jobId = jobId;
    this.jobName = init.jobName ?? jobId;
    this.backend = init.backend;
    this.transport = init.transport;
    this.remote = init.remote || undefined;
    this.maxSleepInterval = Math.max(1, cap);
    this.epilogue = init.epilogue;
    this.markers = init.markers;
    this.walltime = init.walltime;
    this.cacheFile = init.cacheFile;
    this.after = Object.freeze(
      (init.after ?? []).map((dependency) => Object.freeze({ ...dependency })),
    );
    this.#parents = this.after.map((dependency) => ({
      dependency,
      // A parent known by its id alone (a loaded run, a job of another program) is polled
      // through this run's transport, with this run's cap on the poll interval.
      parent: dependency.run ?? new AsyncResult({
        jobId: dependency.jobId,
        backend: this.backend,
        transport: this.transport,
        maxSleepInterval: this.maxSleepInterval,
        ...(dependency.jobName === undefined ? {} : { jobName: dependency.jobName }),
        ...(init.polling === undefined ? {} : { polling: init.polling }),
      }),
    }));
    this.#facts = initialFacts(init);
    this.#book = init.array === undefined
      ? undefined
      : new TaskBook(init.array, jobId, (info) => this.#causeOf(info));
    this.#client = {
      jobId: this.jobId,
      maxSleepMs: Math.min(this.maxSleepInterval, this.backend.maxPollInterval ?? Infinity) * 1000,
      ...polling,
      markers: this.markers,
      walltime: this.walltime,
      tracking: { nextDue: 0, failures: 0 },
      status: () => this.#facts.status,
      apply: (info, taskEvidence) => this.#apply(info, taskEvidence),
      ...(this.#book === undefined ? {} : { unlistedTasks: (info) => this.#book!.unlisted(info) }),
    };
  }

  /** The last known status code. */
  get status(): StatusCode {
    return this.#facts.status;
  }

  /** The scheduler's last word on the state (`"PENDING"`, `"TIMEOUT"`, `"qw"`, `"EXIT"`, ...); `"VANISHED"` when neither queue nor accounting knew the job. */
  get state(): string {
    return this.#facts.state;
  }

  /** The job's exit code, when the scheduler reported one. */
  get exitCode(): number | undefined {
    return this.#facts.exitCode;
  }

  /** The scheduler's reason or clusterjob's explanation (e.g. for a vanished job), when there is one. */
  get reason(): string | undefined {
    return this.#facts.reason;
  }

  /**
   * For a job array: every task (index → status, state, exit code, reason), as last polled;
   * `[]` for a single job. The run's own status is their aggregate (see `ArrayTask`):
   * COMPLETED only when every task completed, FAILED when any failed (FAILED wins over
   * CANCELLED), CANCELLED when the others completed and some were cancelled.
   */
  get tasks(): ArrayTask[] {
    return this.#book?.list() ?? [];
  }

  /**
   * The indices of the array tasks that ended FAILED or CANCELLED (`[]` for a single job).
   *
   * @returns The indices, ascending.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * import assert from "node:assert/strict";
   *
   * const transport = new SimCluster({ scheduler: "sge", execution: "shell", clock: "virtual" }).transport();
   * const job = new JobScript({ name: "s", body: "test $CLUSTERJOB_ARRAY_INDEX != 3", backend: "sge", array: "1-4" });
   * const run = await job.submit({ transport });
   * await run.wait();
   * assert.deepEqual(run.failedTasks(), [3]);
   * ```
   */
  failedTasks(): number[] {
    return this.#book?.unsuccessful() ?? [];
  }

  /**
   * Submits some tasks of a job array again — `{ tasks: "failed" }` those that ended FAILED or
   * CANCELLED, or a list of indices — as a new array of just those indices, and returns its
   * run: the same array (every index), whose other tasks keep what they did, polled through the
   * new job. The new run takes this run's cache file, so a re-run of the workflow finds it
   * (both submissions: each task names the job it ran in) and submits nothing twice. Resolves
   * with this run when no task is picked (nothing failed).
   *
   * Works on a run that `JobScript.submit` returned (it knows the job); a run loaded from a file
   * is resubmitted by submitting its job again (`job.submit()` returns the cached run).
   *
   * @param options Which tasks.
   * @returns The run of the resubmission (or this run).
   * @throws {RunNotFinishedError} When a picked task has not ended.
   * @throws {InvalidValueError} For a run that is no array, or not made by `JobScript.submit`;
   * field `tasks` for a bad choice.
   * @throws {SubmitError} As `JobScript.submit`.
   *
   * @example Resubmit the failed task of a sweep
   * ```ts
   * import { JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * import assert from "node:assert/strict";
   *
   * const cluster = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" });
   * const transport = cluster.transport();
   * // Task 2 fails the first time only (it leaves a file behind).
   * const body = "if [ $CLUSTERJOB_ARRAY_INDEX = 2 ] && [ ! -e retried ]; then touch retried; exit 1; fi";
   * const run = await new JobScript({ name: "sweep", body, array: "1-3" }).submit({ transport });
   * assert.equal(await run.wait(), Status.FAILED);
   * const again = await run.resubmit({ tasks: "failed" });
   * assert.equal(await again.wait(), Status.COMPLETED);
   * assert.deepEqual(again.tasks.map((task) => task.jobId), [run.jobId, again.jobId, run.jobId]);
   * ```
   */
  async resubmit(options: ResubmitOptions): Promise<AsyncResult> {
    const book = this.#book;
    const resubmitter = taskResubmitter(this);
    if (book === undefined || resubmitter === undefined) {
      throw new InvalidValueError(
        "resubmit",
        this.jobId,
        "an array run returned by JobScript.submit (a loaded run is resubmitted by submitting " +
          "its job again)",
      );
    }
    const record = book.record();
    const indices = pickedTasks(options, record.indices, book.unsuccessful());
    if (indices.length === 0) return this;
    const unfinished = book.list().find((task) =>
      indices.includes(task.index) && !isFinished(task.status)
    );
    if (unfinished !== undefined) throw new RunNotFinishedError(this.jobId, unfinished.status);
    const { vanishGraceMs, maxQueryFailures, queryTimeoutMs } = this.#client;
    return await resubmitter({
      indices,
      record,
      cacheFile: this.cacheFile,
      transport: this.transport,
      polling: { vanishGraceMs, maxQueryFailures, queryTimeoutMs },
    }) as AsyncResult;
  }

  /**
   * Why the run ended, the same word on every scheduler (see {@linkcode Cause}); `undefined`
   * while it runs, or when nothing tells (a run loaded from an older cache file).
   */
  get cause(): Cause | undefined {
    return this.#facts.cause;
  }

  /** The epilogue's failure message, when it failed; the run is saved all the same. */
  get epilogueError(): string | undefined {
    return this.#facts.epilogueError;
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
   * import assert from "node:assert/strict";
   *
   * const transport = new SimCluster({ scheduler: "sge", execution: "model", clock: "virtual" }).transport();
   * const run = await new JobScript({ name: "a", body: "true", backend: "sge" }).submit({ transport });
   * const status = await run.refresh();
   * assert.ok(status === run.status && status < Status.COMPLETED);
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
   * import { AsyncResult, LocalTransport, slurm, Status, type StatusCode } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const run = (status: StatusCode) => new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport(), status });
   * assert.ok(run(Status.FAILED).ready() && !run(Status.RUNNING).ready());
   * ```
   */
  ready(): boolean {
    return isFinished(this.#facts.status);
  }

  /**
   * Whether the run completed successfully.
   *
   * @returns `true` when COMPLETED.
   * @throws {RunNotFinishedError} When the run has not finished.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status, type StatusCode } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const run = (status: StatusCode) => new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport(), status });
   * assert.ok(run(Status.COMPLETED).successful() && !run(Status.CANCELLED).successful());
   * ```
   */
  successful(): boolean {
    if (!this.ready()) throw new RunNotFinishedError(this.jobId, this.#facts.status);
    return this.#facts.status === Status.COMPLETED;
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
   * import assert from "node:assert/strict";
   *
   * const transport = new SimCluster({ scheduler: "lsf", execution: "shell", clock: "virtual" }).transport();
   * const run = await new JobScript({ name: "a", body: "exit 3", backend: "lsf" }).submit({ transport });
   * assert.equal(await run.wait({ timeout: 3_600_000 }), Status.FAILED);
   * assert.equal(run.exitCode, 3);
   * ```
   */
  wait(options: WaitAllOptions = {}): Promise<StatusCode> {
    return AsyncResult.#waitMany([this], options).then((statuses) =>
      statuses[0] ?? this.#facts.status
    );
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
   *
   * const transport = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" }).transport();
   * const run = await new JobScript({ name: "bad", body: "exit 3" }).submit({ transport });
   * await assert.rejects(run.get(), (error) => error instanceof JobFailedError && error.exitCode === 3);
   * ```
   */
  async get(options: WaitOptions = {}): Promise<StatusCode> {
    const status = await this.wait(options);
    if (!isFinished(status)) throw new RunNotFinishedError(this.jobId, status);
    if (status !== Status.COMPLETED || this.#facts.epilogueError !== undefined) {
      throw new JobFailedError({
        ...this.#facts,
        jobId: this.jobId,
        jobName: this.jobName,
        status,
      });
    }
    return status;
  }

  /**
   * Cancels the job. Does nothing when the run is finished (by its last known status, or by a
   * refresh just before cancelling). The epilogue is not run. Waiters resolve with CANCELLED.
   * The job id is checked against the backend's grammar once more before `scancel`, `qdel` or
   * `bkill` runs with it.
   *
   * @throws {QueryError} When the scheduler refuses the cancel command and the job is still live.
   * @throws {InvalidJobIdError} When the job id is not of the backend's grammar (nothing is run).
   *
   * @example Usage
   * ```ts
   * import { JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * import assert from "node:assert/strict";
   *
   * const model = () => ({ runtimeSeconds: 600, exitCode: 0 });
   * const transport = new SimCluster({ scheduler: "pbs", clock: "virtual", model }).transport();
   * const run = await new JobScript({ name: "a", body: "sleep 600", backend: "pbs" }).submit({ transport });
   * await run.cancel();
   * assert.equal(run.status, Status.CANCELLED);
   * await run.cancel(); // a finished run: nothing happens
   * ```
   */
  async cancel(): Promise<void> {
    // The id was checked at construction; checked again, as the one argument of a kill command.
    const jobId = checkJobId(this.backend, this.jobId, "cancel()");
    if (this.ready()) return;
    await this.refresh().catch(() => {}); // a failed query: go on with the last known status
    if (this.ready()) return;
    const argv = this.backend.cancelCommand([jobId]);
    const output = await this.transport.run(argv, { timeout: this.#client.queryTimeoutMs });
    if (output.code !== 0) {
      // The job may have finished in the meantime: then there is nothing to cancel.
      await this.refresh().catch(() => {});
      if (this.ready()) return;
      const said = output.stderr.trim() || output.stdout.trim() || "(no output)";
      throw new QueryError(argv, `Cannot cancel job ${jobId} (exit ${output.code}): ${said}`);
    }
    Object.assign(this.#facts, {
      status: Status.CANCELLED,
      state: "CANCELLED",
      reason: "Cancelled by clusterjob",
      cause: "cancelled",
    });
    // Every task of an array goes with it: those not ended are cancelled too.
    this.#book?.cancelUnfinished("Cancelled by clusterjob");
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
   * import { AsyncResult, LocalTransport, readCacheFile, slurm } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const folder = await Deno.makeTempDir();
   * const run = new AsyncResult({ jobId: "77", backend: slurm, transport: new LocalTransport() });
   * assert.equal(await run.dump(), undefined); // no path, no cache file: nothing written
   * assert.equal(await run.dump(`${folder}/run.json`), run.cacheFile);
   * assert.equal((await readCacheFile(`${folder}/run.json`))?.phase, "submitted");
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
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const run = new AsyncResult({ jobId: "5", backend: slurm, transport: new LocalTransport(), status: Status.FAILED });
   * const { jobId, backend, state, epilogueDone } = run.toRecord();
   * assert.deepEqual({ jobId, backend, state, epilogueDone }, { jobId: "5", backend: "slurm", state: "FAILED", epilogueDone: false });
   * ```
   */
  toRecord(): RunRecord {
    const record = recordOf(this, this.#facts);
    if (this.#book !== undefined) record.array = this.#book.record();
    return record;
  }

  /**
   * Loads a saved run. The scheduler is not contacted.
   *
   * @param path The file `dump()` wrote.
   * @param options Transport (default: SSH to the saved `remote`, else this machine), backend
   * (default: the built-in backend of the saved name), polling.
   * @returns The run, with `cacheFile` set to `path`.
   * @throws {CacheFormatError} When the file is missing, a directory or not a run record, naming
   * the bad field (`error.field`): an empty job id or one that is not of the backend's grammar (the
   * `InvalidJobIdError` is the `cause`), a poll interval that is not a positive number, …
   * @throws {InterruptedSubmissionError} When the file holds an interrupted submission's marker.
   * @throws {InvalidValueError} For a path that is not a non-empty string without NUL, or a bad
   * option (an unknown key, a transport or backend of the wrong type).
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const folder = await Deno.makeTempDir();
   * const transport = new LocalTransport();
   * await new AsyncResult({ jobId: "9", backend: slurm, transport, status: Status.COMPLETED }).dump(`${folder}/run.json`);
   * const run = await AsyncResult.load(`${folder}/run.json`, { transport });
   * assert.ok(run.status === Status.COMPLETED && run.backend === slurm);
   * await assert.rejects(AsyncResult.load(`${folder}/none.json`), /no such file/);
   * await Deno.remove(folder, { recursive: true });
   * ```
   */
  static async load(path: string, options: LoadOptions = {}): Promise<AsyncResult> {
    checkLoadOptions(options);
    return new AsyncResult(await loadInit(path, options));
  }

  /**
   * Builds a run from a cache record (as `load` does, without reading a file).
   *
   * @param record The record.
   * @param context Backend, transport, and optionally cache file, polling options and the
   * dependencies with their runs (instead of the ids the record saved).
   * @returns The run.
   * @throws {InvalidJobIdError} When the record's job id is not of the backend's grammar.
   *
   * @example Usage
   * ```ts
   * import { AsyncResult, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const transport = new LocalTransport();
   * const record = new AsyncResult({ jobId: "3", backend: slurm, transport, status: Status.RUNNING }).toRecord();
   * const run = AsyncResult.fromRecord(record, { backend: slurm, transport });
   * assert.ok(run.jobId === "3" && run.status === Status.RUNNING);
   * ```
   */
  static fromRecord(
    record: RunRecord,
    context: Pick<AsyncResultInit, "backend" | "transport" | "cacheFile" | "polling" | "after">,
  ): AsyncResult {
    return new AsyncResult(initFromRecord(record, context));
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
   * import assert from "node:assert/strict";
   *
   * const transport = new SimCluster({ scheduler: "slurm", execution: "shell", clock: "virtual" }).transport();
   * const jobs = ["exit 3", "true"].map((body, i) => new JobScript({ name: `job${i}`, body }));
   * const runs = await Promise.all(jobs.map((job) => job.submit({ transport })));
   * assert.deepEqual(await AsyncResult.waitAll(runs), [Status.FAILED, Status.COMPLETED]);
   * ```
   */
  static waitAll(
    runs: readonly AsyncResult[],
    options: WaitAllOptions = {},
  ): Promise<StatusCode[]> {
    return AsyncResult.#waitMany(runs, options);
  }

  static #waitMany(runs: readonly AsyncResult[], options: WaitAllOptions): Promise<StatusCode[]> {
    const { onProgress, ...rest } = options;
    const report = onProgress === undefined ? {} : {
      onProgress: ({ run }: { run?: AsyncResult }) => onProgress(progressOf(runs, run)),
    };
    return waitMany(runs, { ...rest, ...report }, {
      where: (run) => run,
      client: (run) => run.#client,
      status: (run) => run.#facts.status,
      watch: (run, stop) => run.#watch(stop),
    });
  }

  /** Waits for the final status; with dependencies, ends the run when one breaks. */
  #watch(stop: AbortSignal): Promise<StatusCode> {
    const poller = pollerFor(this.transport, this.backend);
    if (this.#parents.length === 0) return poller.watch(this.#client, stop);
    return watchDependent(this.#parents, {
      watch: () => poller.watch(this.#client, stop),
      status: () => this.#facts.status,
      end: (reason, cancel) => this.#endForDependency(reason, cancel),
    }, stop);
  }

  /**
   * Ends the run because a dependency broke: cancels it when the scheduler still holds it, then
   * records it CANCELLED, cause `dependency`, with the reason (the scheduler's state word stays).
   */
  async #endForDependency(reason: string, cancel: boolean): Promise<void> {
    // Its tasks can never run either: they end first, so that the cancel leaves them as they are.
    if (this.#facts.status !== Status.COMPLETED) this.#book?.endForDependency(reason);
    if (cancel) await this.cancel();
    const facts = this.#facts;
    if (facts.status === Status.COMPLETED) return; // it ran after all: nothing to record
    if (facts.cause === "dependency" && facts.reason === reason) return;
    Object.assign(facts, { status: Status.CANCELLED, cause: "dependency", reason });
    await this.#save();
  }

  /** Records what the scheduler said; saves on change; runs the epilogue when first finished. */
  async #apply(answer: JobInfo, taskEvidence?: ReadonlyMap<number, string>): Promise<void> {
    const facts = this.#facts;
    const before = this.#book === undefined ? "" : taskDigest(this.#book);
    const info = this.#book === undefined ? answer : this.#book.apply(
      answer,
      this.transport.clock.now(),
      this.#client.vanishGraceMs,
      taskEvidence,
    );
    const cause = isFinished(info.status) ? this.#causeOf(info) : undefined;
    const changed = info.status !== facts.status || info.state !== facts.state ||
      info.exitCode !== facts.exitCode || cause !== facts.cause ||
      (this.#book !== undefined && taskDigest(this.#book) !== before);
    const { status, state, exitCode, reason } = info;
    Object.assign(facts, { status, state, exitCode, reason, cause });
    if (!changed) return;
    // Local work takes no simulated time: keep a virtual clock from jumping meanwhile.
    const release = this.transport.clock.hold?.();
    try {
      await this.#save();
      if (isFinished(facts.status) && !facts.epilogueDone) {
        // Saved as finished first: a process killed during the epilogue never runs it twice.
        facts.epilogueError = await runEpilogue(this.epilogue) ?? facts.epilogueError;
        facts.epilogueDone = true;
        await this.#save();
      }
    } finally {
      release?.();
    }
  }

  /**
   * Why a finished job (or array task) ended: what the answer says, else the backend's reading of
   * the scheduler's state, else what its status says.
   */
  #causeOf(info: JobInfo): Cause | undefined {
    const said = info.cause ?? this.backend.causeOf?.(info);
    if (said !== undefined) return said;
    if (info.status === Status.COMPLETED) return "exit";
    if (info.status === Status.CANCELLED) return "cancelled";
    const code = info.exitCode;
    return code !== undefined && code > 0 && code < 128 ? "exit" : undefined;
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

/** The progress report of `runs` now; `run` the one that just finished, if any. */
function progressOf(runs: readonly AsyncResult[], run: AsyncResult | undefined): WaitProgress {
  const counts = countStatuses(runs.map((each) => each.status));
  const progress: WaitProgress = {
    done: counts.completed + counts.failed + counts.cancelled,
    total: runs.length,
    counts,
    ...(run === undefined ? {} : { run }),
  };
  // Array runs (with `tasks`) add their tasks' counts.
  const tasks = runs.flatMap((each) =>
    (each as { readonly tasks?: readonly { readonly status: StatusCode }[] }).tasks ?? []
  );
  if (tasks.length > 0) progress.tasks = countStatuses(tasks.map((task) => task.status));
  return progress;
}
