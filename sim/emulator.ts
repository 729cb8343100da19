/**
 * The contract between the simulator's engine and its command-line emulators: what the engine
 * offers an emulated command (`SimEngineApi`, per-cluster state through `SimStateKey`), how it
 * refuses a submission (`SimSubmitRejection`), and what an emulator provides (`SimEmulator`:
 * its commands, its defaults and its failure texts).
 *
 * @module
 */

import type { CommandOutput } from "../src/core/transport.ts";
import type {
  SchedulerKind,
  SimJob,
  SimNodeSpec,
  SimQueueSpec,
  SimSubmitRequest,
} from "./types.ts";

/**
 * A key to one emulator's state within one cluster: `SimEngineApi.state(key)` gives every
 * cluster its own value, created by `init` on first use, so no emulator keeps state in its module.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimStateKey } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const COUNTER: SimStateKey<{ calls: number }> = { name: "counter", init: () => ({ calls: 0 }) };
 * const engine = new SimEngine({ kind: "slurm" });
 * engine.state(COUNTER).calls += 1;
 * assert.equal(engine.state(COUNTER).calls, 1);
 * assert.equal(new SimEngine({ kind: "slurm" }).state(COUNTER).calls, 0);
 * ```
 */
export interface SimStateKey<T> {
  /** What the state is, for debugging. */
  readonly name: string;
  /** Creates the state of one cluster. */
  init(): T;
}

/**
 * What the engine offers the command-line emulators. Implemented by `SimEngine` (`engine.ts`).
 * The engine keeps every job ever submitted; each emulator decides what its live view shows
 * (SLURM keeps finished jobs for MinJobAge, SGE drops them at once, ...).
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimEngineApi } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const engine: SimEngineApi = new SimEngine({ kind: "slurm" });
 * const request = { name: "hello", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const { jobId } = engine.submit(request);
 * assert.deepEqual(engine.jobs().map((job) => [job.id, job.state]), [[jobId, "PENDING"]]);
 * assert.equal(engine.cancel(jobId).length, 1);
 * assert.equal(engine.find(jobId)[0]?.state, "CANCELLED");
 * ```
 */
export interface SimEngineApi {
  /** The scheduler this cluster emulates. */
  readonly kind: SchedulerKind;
  /** Name of the login (submit) host. */
  readonly loginHost: string;
  /** Compute nodes. */
  readonly nodes: readonly SimNodeSpec[];
  /** Queues. */
  readonly queues: readonly SimQueueSpec[];
  /** The cluster clock's time, ms since the epoch. */
  now(): number;
  /**
   * Validates and queues a job (or a job array). Returns the id the tool prints and the created
   * jobs (one per array task). Throws `SimSubmitRejection` with a reason code when the request
   * cannot be accepted (unknown queue, time over the limit, ...); the emulator words the message.
   */
  submit(request: SimSubmitRequest): { jobId: number; jobs: SimJob[] };
  /**
   * Cancels a job, all tasks of an array (by array id), or one task; returns the jobs it changed.
   * With `graceMs`, running jobs keep running, marked `terminating`, for that long before they
   * end (the time a real execd takes to kill them).
   */
  cancel(jobId: number, options?: { taskId?: number; uid?: number; graceMs?: number }): SimJob[];
  /** Holds pending jobs; returns the jobs it changed. */
  hold(jobId: number, by?: "user" | "admin"): SimJob[];
  /** Releases held jobs; returns the jobs it changed. */
  release(jobId: number): SimJob[];
  /** Every job ever submitted (array tasks individually), in submission order. */
  jobs(): readonly SimJob[];
  /** Jobs by id: the job with that raw id, or all tasks of the array with that id. */
  find(jobId: number): SimJob[];
  /**
   * The jobs not finished before `since` (ms since the epoch): every pending or running job and
   * those that ended at or after it, in submission order. A live view (what a controller still
   * holds) costs what it returns, not every job ever submitted.
   */
  jobsSince(since: number): SimJob[];
  /**
   * The pending jobs whose dependencies can never be satisfied (held ones included), in
   * submission order.
   */
  unsatisfiableJobs(): SimJob[];
  /** Jobs of this engine in submission order (a sorted copy), for merging views. */
  inSubmissionOrder(jobs: Iterable<SimJob>): SimJob[];
  /** Finished jobs that accounting knows by now (honours accounting lag and outages). */
  accounting(): readonly SimJob[];
  /** Whether {@linkcode SimEngineApi.accounting} lists the job now, at the cost of a lookup. */
  knownToAccounting(job: SimJob): boolean;
  /** How long a finished job takes to reach accounting, ms (0 when immediate). */
  readonly accountingLagMs?: number;
  /** Reads a file of the simulator's file system (job output, scripts); `undefined` when missing. */
  readFile(path: string): string | undefined;
  /**
   * Uses up the next job id without creating a job, for submissions a controller refuses after
   * numbering them (SLURM's "Job dependency problem"). Optional: callers use `reserveJobId?.()`.
   */
  reserveJobId?(): number;
  /** This cluster's value of an emulator's state (created on first use). */
  state<T>(key: SimStateKey<T>): T;
}

/**
 * Why the engine refused a submission; the emulator turns it into the tool's own message.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, SimSubmitRejection } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const engine = new SimEngine({ kind: "slurm" });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u", queue: "nosuch" };
 * assert.throws(
 *   () => engine.submit(request),
 *   (error) => error instanceof SimSubmitRejection && error.code === "invalid-queue" && error.detail === "nosuch",
 * );
 * ```
 */
export class SimSubmitRejection extends Error {
  /** What is wrong. */
  readonly code:
    | "invalid-queue"
    | "time-limit"
    | "too-much-memory"
    | "too-many-nodes"
    | "too-many-cpus"
    | "too-many-gpus"
    | "invalid-dependency"
    | "invalid-array";
  /** The offending value, for the message. */
  readonly detail: string;
  /**
   * The id the refused job consumed anyway (SLURM records `--mem=100T` as a failed job with
   * reason `BadConstraints`); `undefined` when no id was used.
   */
  readonly jobId?: number;
  /**
   * Creates the rejection.
   *
   * @param code What is wrong.
   * @param detail The offending value.
   * @param jobId The id the refused job consumed, if any.
   */
  constructor(code: SimSubmitRejection["code"], detail: string, jobId?: number) {
    super(`Submission rejected (${code}): ${detail}`);
    this.name = "SimSubmitRejection";
    this.code = code;
    this.detail = detail;
    if (jobId !== undefined) this.jobId = jobId;
  }
}

/**
 * What the engine does with a request that can never run on this cluster: queue it anyway
 * (`"pend"`, it waits forever with a reason such as `over-queue-limit`), refuse it (`"reject"`),
 * or refuse it but record a failed job under a consumed id (`"reject-recorded"`, as SLURM does
 * for `--mem` beyond every node).
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimLimitPolicy, SimSubmitRejection } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u", memoryMB: 1_000_000 };
 * const pend: SimLimitPolicy = "pend";
 * const [job] = new SimEngine({ kind: "slurm", limits: { memory: pend } }).submit(request).jobs;
 * assert.deepEqual([job!.state, job!.reason], ["PENDING", "over-memory"]);
 * assert.throws(() => new SimEngine({ kind: "slurm" }).submit(request), SimSubmitRejection);
 * ```
 */
export type SimLimitPolicy = "pend" | "reject" | "reject-recorded";

/**
 * How the engine behaves under one scheduler: its stock queue, how array tasks are numbered,
 * the signal recorded for kills and what it does with requests that can never run.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, sgeEmulator } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * assert.equal(sgeEmulator.defaults?.queue, "all.q");
 * await using cluster = new SimCluster({ scheduler: "sge", execution: "model" });
 * assert.equal(cluster.engine.defaultQueue, "all.q");
 * ```
 */
export interface SimEmulatorDefaults {
  /** Name of the stock queue (SLURM `debug`, SGE `all.q`, Torque `batch`, PBS Pro `workq`, LSF `normal`). */
  readonly queue: string;
  /** `split`: each array task gets its own raw id (SLURM); `shared`: tasks share the array's id. */
  readonly arrayTaskIds: "split" | "shared";
  /** Signal recorded for jobs killed at their walltime or cancelled while running. */
  readonly killSignal: number;
  /** What to do with requests no node or queue can ever satisfy. */
  readonly limits: Readonly<
    Partial<Record<"cpus" | "memory" | "nodes" | "time" | "gpus", SimLimitPolicy>>
  >;
}

/**
 * The context one emulated command runs in.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimCommandContext } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const where = (ctx: SimCommandContext) => ({ code: 0, stdout: `${ctx.user} ${ctx.cwd}\n`, stderr: "" });
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", commands: { where } });
 * assert.equal((await cluster.run(["where"], { cwd: "/tmp" })).stdout, "user /tmp\n");
 * ```
 */
export interface SimCommandContext {
  /** The engine of the cluster the command talks to. */
  engine: SimEngineApi;
  /** Arguments after the command name. */
  args: string[];
  /** Standard input text. */
  stdin: string;
  /** Working directory (absolute, in the simulator's file system). */
  cwd: string;
  /** Environment of the calling process. */
  env: Record<string, string>;
  /** Calling user. */
  user: string;
  /** Reads a file relative to `cwd` or absolute; `undefined` when missing. */
  readFile(path: string): string | undefined;
}

/**
 * One emulated command: parses its argv like the real tool and answers with the real tool's text
 * and exit code.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimCommand } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const jobs: SimCommand = (ctx) => ({ code: 0, stdout: `${ctx.engine.jobs().length}\n`, stderr: "" });
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", commands: { jobs } });
 * await cluster.run(["sbatch", "--wrap", "true"]);
 * assert.deepEqual(await cluster.run(["jobs"]), { code: 0, stdout: "1\n", stderr: "" });
 * ```
 */
export type SimCommand = (ctx: SimCommandContext) => CommandOutput;

/** What a command that waits for its job (`sbatch --wait`, `qsub -sync y`) may do meanwhile. */
export interface SimWaiting {
  /**
   * Sleeps on the cluster's clock: a virtual clock runs on while every waiter sleeps, a real
   * one takes the time. Rejects when the caller's abort signal fires or its timeout passes.
   */
  sleep(ms: number): Promise<void>;
}

/**
 * What a command does after it answered, for commands that wait for their jobs: given the
 * context and the answer, it waits and returns the final answer, or `undefined` when this call
 * does not wait (no `--wait`, a refused submission).
 *
 * @example Usage
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", model: () => ({ runtimeSeconds: 60, exitCode: 3 }) });
 * assert.ok(cluster.emulator.followUps?.sbatch !== undefined);
 * const out = await cluster.run(["sbatch", "--wait", "--wrap", "exit 3"]);
 * assert.deepEqual([out.code, out.stdout], [3, "Submitted batch job 1\n"]);
 * assert.ok(cluster.clock.now() - Date.UTC(2026, 0, 1) >= 60_000); // the clock ran on
 * ```
 */
export type SimFollowUp = (
  ctx: SimCommandContext,
  answer: CommandOutput,
  waiting: SimWaiting,
) => Promise<CommandOutput> | undefined;

/**
 * A scheduler's command-line tools as the simulator emulates them.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimEmulator } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const emulator: SimEmulator = cluster.emulator;
 * assert.ok("sbatch" in emulator.commands);
 * cluster.faults.controllerDown();
 * assert.deepEqual(await cluster.run(["squeue"]), emulator.unreachable("squeue", [], cluster.engine));
 * ```
 */
export interface SimEmulator {
  /** The scheduler kind. */
  readonly kind: SchedulerKind;
  /** How the engine behaves under this scheduler (default: a queue `batch`, shared task ids, signal 15, refusals). */
  readonly defaults?: SimEmulatorDefaults;
  /** Command name → handler (`sbatch`, `squeue`, ...). */
  readonly commands: Readonly<Record<string, SimCommand>>;
  /** Command name → what it does after answering, for commands that wait for their jobs. */
  readonly followUps?: Readonly<Record<string, SimFollowUp>>;
  /**
   * What a command prints, and its exit code, when the controller cannot be reached; `args` and
   * `engine` let the answer name what the command acted on (`scancel 7` names job 7).
   */
  unreachable(command: string, args?: readonly string[], engine?: SimEngineApi): CommandOutput;
  /**
   * What the submit command prints for a transient failure: `lost` (default) the answer of a
   * request that reached the controller was lost, `refused` the controller was not reached or
   * turned the request away. Each is a text of its class in `backends/_submit_errors.ts`.
   */
  transientSubmitFailure(command: string, reply?: "lost" | "refused"): CommandOutput;
  /**
   * Commands answered by the accounting service rather than the controller (`sacct`, `qacct`):
   * they keep working while the controller is unreachable and fail while accounting is down.
   */
  readonly accountingCommands?: readonly string[];
  /**
   * What an accounting command prints while accounting is down (`"down"`) or not configured
   * (`"disabled"`), given the command's arguments; without it such commands answer as if no
   * job were known.
   */
  accountingFailure?(
    command: string,
    state: "down" | "disabled",
    args: readonly string[],
  ): CommandOutput;
  /**
   * What a status command prints when it fails transiently (a socket timeout, a busy daemon);
   * defaults to {@linkcode SimEmulator.unreachable}.
   */
  transientQueryFailure?(command: string): CommandOutput;
  /** Commands that submit jobs (default: the first command), for submit faults. */
  readonly submitCommands?: readonly string[];
}
