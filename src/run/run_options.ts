/**
 * The options of runs: what an `AsyncResult` is made of ({@linkcode AsyncResultInit}), how it is
 * polled ({@linkcode PollingOptions}), waited for ({@linkcode WaitOptions}) and loaded
 * ({@linkcode LoadOptions}).
 *
 * @module
 */

import type { ArrayRecord } from "./array_tasks.ts";
import type { Backend } from "../core/backend.ts";
import type { DependencyKind } from "../core/dependency.ts";
import type { StatusCode } from "../core/status.ts";
import type { Cause } from "../core/cause.ts";
import type { Transport } from "../core/transport.ts";

/**
 * How a run is polled. Every field has a default.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, type PollingOptions, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const polling: PollingOptions = { vanishGraceMs: 60_000, maxQueryFailures: 3 };
 * const transport = new LocalTransport();
 * assert.equal(new AsyncResult({ jobId: "7", backend: slurm, transport, polling }).jobId, "7");
 * assert.throws(
 *   () => new AsyncResult({ jobId: "7", backend: slurm, transport, polling: { maxQueryFailures: 0 } }),
 *   /Invalid value for "polling.maxQueryFailures": 0/,
 * );
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
  /**
   * Whether the run shares its status queries with the other processes of this user that track
   * jobs on the same target (transport target and scheduler): one query per interval for all of
   * them, through a snapshot in the user's private cache folder (README "One poll per
   * machine"). Only transports that name their target (`Transport.target`: `LocalTransport` on
   * the wall clock) share. Default `true`; `false` makes the run always ask on its own.
   */
  shared?: boolean;
}

/**
 * What a run is made of. Runs are usually created by `JobScript.submit()` or
 * {@linkcode AsyncResult.load}; build one directly to track a job submitted by other means.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, type AsyncResultInit, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const init: AsyncResultInit = { jobId: "1234", backend: slurm, transport: new LocalTransport() };
 * const run = new AsyncResult(init);
 * assert.equal(run.jobName, "1234");
 * assert.equal(run.status, Status.PENDING);
 * assert.equal(run.state, "PENDING");
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
  /** Known cause of the end (see `Cause`). */
  cause?: Cause;
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
  /** For a job array: its indices and what each task did (see `AsyncResult.tasks`). */
  array?: ArrayRecord;
  /**
   * The job's marker folder on the scheduler host (`JobScript.markerFolder()`): read, in one
   * command per poll round for all runs, when the queue and accounting no longer know the job.
   */
  markers?: string;
  /** The job's walltime in seconds, when it has one: tells a kill at the walltime from others. */
  walltime?: number;
  /** Cache file that `dump()` writes and every status change updates. */
  cacheFile?: string;
  /** Polling behaviour. */
  polling?: PollingOptions;
  /** The jobs this one waits for (`JobScript`'s `after`), watched while the run is waited for. */
  after?: readonly RunDependency[];
}

/**
 * A job a run waits for (an entry of `run.after`): its id, the kind of wait and, when known, its
 * name and run. Saved in the run's cache record (without the run), so that a run loaded in
 * another process still ends when its dependency breaks.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, type RunDependency, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const after: RunDependency[] = [{ jobId: "12", when: "ok", jobName: "prepare" }];
 * const run = new AsyncResult({ jobId: "13", backend: slurm, transport: new LocalTransport(), after });
 * assert.deepEqual(run.toRecord().after, after);
 * ```
 */
export interface RunDependency {
  /** The job depended on (an array's id means all its tasks). */
  readonly jobId: string;
  /** When the dependent may start. */
  readonly when: DependencyKind;
  /** Its name, when known. */
  readonly jobName?: string;
  /** Its run (an `AsyncResult`), when the dependency was given one (not saved). */
  readonly run?: DependencyParent;
}

/**
 * What a run's dependency watch uses of the run it depends on: an `AsyncResult` is one.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, type DependencyParent, LocalTransport, slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const parent: DependencyParent = new AsyncResult({ jobId: "12", backend: slurm, transport: new LocalTransport(), status: Status.FAILED });
 * assert.ok(parent.ready());
 * ```
 */
export interface DependencyParent {
  /** The job id. */
  readonly jobId: string;
  /** The job name. */
  readonly jobName: string;
  /** The last known status. */
  readonly status: StatusCode;
  /** The scheduler's last word on the state. */
  readonly state: string;
  /** The exit code, when known. */
  readonly exitCode: number | undefined;
  /** Whether the status is final. */
  ready(): boolean;
  /** Waits for the final status. */
  wait(options: { signal?: AbortSignal }): Promise<StatusCode>;
}

/**
 * Options of {@linkcode AsyncResult.wait}.
 *
 * @example Usage
 * ```ts
 * import { JobScript, Status, type WaitOptions } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const cluster = new SimCluster({
 *   scheduler: "slurm",
 *   clock: "virtual",
 *   model: () => ({ runtimeSeconds: 600, exitCode: 0 }),
 * });
 * const run = await new JobScript({ name: "a", body: "sleep 600" }).submit({ transport: cluster.transport() });
 * const options: WaitOptions = { timeout: 60_000 };
 * assert.ok(await run.wait(options) < Status.COMPLETED, "still running after a minute");
 * await run.cancel();
 * ```
 */
export interface WaitOptions {
  /** Give up after this many milliseconds (of the transport's clock) and resolve with the last known status. */
  timeout?: number;
  /** Abort waiting; the promise rejects with the signal's reason. The job is not cancelled. */
  signal?: AbortSignal;
}

/**
 * Options of {@linkcode AsyncResult.load}.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, type LoadOptions, LocalTransport, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * const transport = new LocalTransport();
 * await new AsyncResult({ jobId: "8", backend: slurm, transport }).dump(`${folder}/run.json`);
 * const options: LoadOptions = { transport, polling: { queryTimeoutMs: 5_000 } };
 * const run = await AsyncResult.load(`${folder}/run.json`, options);
 * assert.equal(run.transport, transport);
 * await Deno.remove(folder, { recursive: true });
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
 * Options of `AsyncResult.resubmit`: which tasks of a job array to submit again.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, type ResubmitOptions, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: ResubmitOptions = { tasks: "failed" };
 * const single = new AsyncResult({ jobId: "4", backend: slurm, transport: new LocalTransport() });
 * await assert.rejects(single.resubmit(options), /an array run/);
 * ```
 */
export interface ResubmitOptions {
  /** `"failed"`: the tasks that ended FAILED or CANCELLED; or a list of the array's indices. */
  tasks: "failed" | readonly number[];
}
