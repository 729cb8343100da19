/**
 * Shared types of the simulator: the scheduler-neutral job model that the engine runs and the
 * command-line emulators (`slurm/`, `pbs/`, `lsf/`, `sge/`) translate to and from each tool's
 * own words. The engine's side of the contract with the emulators is in
 * `emulator.ts`. Fields may be added, none renamed or removed.
 *
 * @module
 */

/**
 * The scheduler kinds the simulator emulates. `pbs` is Torque, `pbspro` is PBS Professional.
 *
 * @example Usage
 * ```ts
 * import { type SchedulerKind, SimEngine } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const kinds: SchedulerKind[] = ["slurm", "pbs", "pbspro", "lsf", "sge"];
 * for (const kind of kinds) assert.equal(new SimEngine({ kind }).kind, kind);
 * ```
 */
export type SchedulerKind = "slurm" | "pbs" | "pbspro" | "lsf" | "sge";

/**
 * A compute node of the simulated cluster.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimNodeSpec, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const nodes: SimNodeSpec[] = [
 *   { name: "cpu1", cpus: 4, memoryMB: 8192 },
 *   { name: "gpu1", cpus: 4, memoryMB: 8192, gpus: 2 },
 * ];
 * const clock = new VirtualClock();
 * const engine = new SimEngine({ kind: "slurm", clock, nodes });
 * const request = { name: "train", script: "#!/bin/bash\n", workdir: "/home/u", user: "u", gpus: 2 };
 * const [job] = engine.submit(request).jobs;
 * await clock.sleep(0);
 * assert.deepEqual(job!.nodeList, ["gpu1"]);
 * ```
 */
export interface SimNodeSpec {
  /** Host name. */
  name: string;
  /** Cores. */
  cpus: number;
  /** Memory in MB. */
  memoryMB: number;
  /** GPUs (default 0). */
  gpus?: number;
}

/**
 * A queue (SLURM partition).
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimQueueSpec, SimSubmitRejection } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const debug: SimQueueSpec = { name: "debug", default: true, maxTimeSeconds: 3600 };
 * const engine = new SimEngine({ kind: "slurm", queues: [debug] });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const [job] = engine.submit(request).jobs;
 * assert.deepEqual([job!.queue, job!.timeLimitSeconds], ["debug", 3600]);
 * assert.throws(() => engine.submit({ ...request, timeLimitSeconds: 7200 }), SimSubmitRejection);
 * ```
 */
export interface SimQueueSpec {
  /** Queue name. */
  name: string;
  /** Whether jobs without a queue go here (exactly one queue is the default). */
  default?: boolean;
  /** Longest walltime a job may request; `undefined` = unlimited. */
  maxTimeSeconds?: number;
  /** Walltime given to jobs that request none; `undefined` = the maximum, or unlimited. */
  defaultTimeSeconds?: number;
  /** Nodes of this queue; `undefined` = all nodes. */
  nodes?: string[];
}

/**
 * The scheduler-neutral state of a simulated job. Held jobs are `PENDING` with `held` set.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimJobState, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * const engine = new SimEngine({ kind: "slurm", clock, model: () => ({ runtimeSeconds: 120, exitCode: 0 }) });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const [job] = engine.submit({ ...request, timeLimitSeconds: 60 }).jobs;
 * const seen: SimJobState[] = [job!.state];
 * engine.onChange((changed) => seen.push(changed.state));
 * await clock.runUntilIdle();
 * assert.deepEqual(seen, ["PENDING", "RUNNING", "TIMEOUT"]);
 * ```
 */
export type SimJobState =
  | "PENDING"
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "CANCELLED"
  | "TIMEOUT"
  | "NODE_FAIL"
  | "PREEMPTED"
  | "OUT_OF_MEMORY";

/**
 * Why a job waits or how it ended, in the engine's neutral words. The engine decides; every
 * emulator translates into its scheduler's own (SLURM's `Resources`, `Dependency`, `JobHeldUser`,
 * SGE's `hqw`, PBS's `H`/`s` states, LSF's pending reasons).
 *
 * - `none`: nothing (a running job, a job that ended by itself with exit 0, a job no scheduling
 *   pass has seen yet).
 * - `priority`, `resources`: waiting behind higher-priority jobs, or for free cores/memory.
 * - `held-user`, `held-admin`: held.
 * - `dependency`, `dependency-never-satisfied`: waiting for other jobs; or waiting for ones that
 *   can no longer satisfy it.
 * - `array-task-limit`: held back by its array's limit on tasks running at once.
 * - `over-time-limit`, `over-node-limit`, `over-memory`, `over-queue-limit`: asks for more than
 *   the queue or any node offers (pending forever, or recorded with a refused submission).
 * - `nonzero-exit`, `walltime`, `node-down`: how a finished job ended.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimReason, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * const engine = new SimEngine({ kind: "slurm", clock });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const first = engine.submit({ ...request, hold: true }).jobs[0]!;
 * const second = engine.submit({ ...request, dependencies: [{ type: "afterok", jobIds: [first.id] }] }).jobs[0]!;
 * const reasons = (): SimReason[] => [first.reason, second.reason];
 * assert.deepEqual(reasons(), ["held-user", "dependency"]);
 * engine.cancel(first.id); // a cancelled job keeps the reason it had
 * assert.deepEqual(reasons(), ["held-user", "dependency-never-satisfied"]);
 * ```
 */
export type SimReason =
  | "none"
  | "priority"
  | "resources"
  | "held-user"
  | "held-admin"
  | "dependency"
  | "dependency-never-satisfied"
  | "array-task-limit"
  | "over-time-limit"
  | "over-node-limit"
  | "over-memory"
  | "over-queue-limit"
  | "nonzero-exit"
  | "walltime"
  | "node-down";

/**
 * A dependency of a job on other jobs.
 *
 * @example Usage
 * ```ts
 * import { type SimDependency, SimEngine, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * const engine = new SimEngine({ kind: "slurm", clock });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const first = engine.submit(request).jobs[0]!;
 * const afterFirst: SimDependency = { type: "afterok", jobIds: [first.id] };
 * const second = engine.submit({ ...request, dependencies: [afterFirst] }).jobs[0]!;
 * await clock.runUntilIdle();
 * assert.equal(second.state, "COMPLETED");
 * assert.equal(second.startTime, first.endTime);
 * ```
 */
export interface SimDependency {
  /** `after`: once the others started; `afterok`: finished with exit 0; `afternotok`: finished otherwise; `afterany`: finished. */
  type: "after" | "afterok" | "afternotok" | "afterany";
  /** The jobs depended on (an array's id means all its tasks). */
  jobIds: number[];
}

/**
 * What an emulator hands to the engine after parsing the tool's argv and the script's
 * directives. Scheduler-specific words (file name patterns, environment) are supplied as
 * callbacks, so the engine stays neutral.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimSubmitRequest } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const request: SimSubmitRequest = { name: "hello", script: "#!/bin/bash\necho hi\n", workdir: "/home/user", user: "user" };
 * const engine = new SimEngine({ kind: "slurm" });
 * const [job] = engine.submit({ ...request, cpusPerTask: 2 }).jobs;
 * const { queue, nodes, cpusPerTask, memoryMB } = job!.request;
 * assert.deepEqual({ queue, nodes, cpusPerTask, memoryMB }, { queue: "batch", nodes: 1, cpusPerTask: 2, memoryMB: 512 });
 * ```
 */
export interface SimSubmitRequest {
  /** Job name. */
  name: string;
  /** The job script's text (what runs in `shell` execution mode). */
  script: string;
  /** Working directory of the job (in the simulator's file system). */
  workdir: string;
  /** Submitting user. */
  user: string;
  /** Submit host name (default: the cluster's login host). */
  submitHost?: string;
  /** Queue; `undefined` = the default queue. */
  queue?: string;
  /** Requested walltime; `undefined` = the queue's default. */
  timeLimitSeconds?: number;
  /** Nodes (default 1). */
  nodes?: number;
  /** Tasks per node (default 1). */
  tasksPerNode?: number;
  /** Cores per task (default 1). */
  cpusPerTask?: number;
  /** Memory per node in MB (default: the cluster's default). */
  memoryMB?: number;
  /** GPUs per node (default 0). */
  gpus?: number;
  /** Account. */
  account?: string;
  /** Submitted in held state. */
  hold?: boolean;
  /** Dependencies; all must be satisfied. */
  dependencies?: SimDependency[];
  /** Array task indices and the `%` limit on how many run at once. */
  array?: { indices: number[]; maxConcurrent?: number };
  /** Arguments given to the script after its name. */
  scriptArgs?: string[];
  /** Extra environment exported by the submitter (e.g. SLURM `--export`, SGE `-v`). */
  exportedEnv?: Record<string, string>;
  /**
   * Scheduler-specific data the emulator wants back later (raw options, the script's original
   * path, ...), typed by the emulator that submitted the job; the engine never reads it.
   */
  schedulerData?: object;
  /**
   * Scheduler-specific strings the emulator wants back later.
   *
   * @deprecated Use {@linkcode SimSubmitRequest.schedulerData}, which keeps types; the built-in
   * emulators no longer read this.
   */
  annotations?: Record<string, string>;
  /** Where stdout/stderr go (paths in the simulator's file system); `stderr: null` merges into stdout. */
  outputPaths?: (job: SimJob) => { stdout: string; stderr: string | null };
  /** The environment the job sees, as the real scheduler sets it. */
  environment?: (job: SimJob) => Record<string, string>;
  /**
   * Program that runs the script in `shell` mode (SGE's `-S`, or `/bin/sh` for its
   * posix_compliant queues); `undefined` = execute the script itself (its `#!` line), as SLURM
   * does, or `/bin/sh` when it has none.
   */
  interpreter?: string;
  /**
   * Text the scheduler writes into the job's stderr file (stdout when merged) when it kills a
   * running job, e.g. SLURM's `*** JOB 30 ON vm CANCELLED AT ... DUE TO TIME LIMIT ***`
   * (`shell` mode).
   */
  killMessage?: (job: SimJob) => string | undefined;
  /**
   * Where the scheduler keeps its copy of the script, which the job sees as `$0` (SGE's
   * `.../job_scripts/<id>`); default a spool path of the simulator.
   */
  spoolPath?: (job: SimJob) => string;
  /** Environment variables whose value is the job process's own pid (SLURM_TASK_PID). */
  pidVariables?: string[];
  /** Scheduling priority; higher starts first, equal priorities go in submission order (default 0). */
  priority?: number;
  /**
   * Files the scheduler creates for the job when it starts, path → text (PBS's
   * `$PBS_NODEFILE`, LSF's `$LSB_DJOB_HOSTFILE`); the engine writes them into the simulator's
   * file system before the script runs.
   */
  jobFiles?: (job: SimJob) => Record<string, string>;
}

/**
 * A job (or one array task) in the engine: the request plus what happened to it.
 * Times are milliseconds of the cluster's clock.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimJob, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * const engine = new SimEngine({ kind: "slurm", clock, model: () => ({ runtimeSeconds: 30, exitCode: 2 }) });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const job: SimJob = engine.submit(request).jobs[0]!;
 * await clock.runUntilIdle();
 * assert.deepEqual([job.state, job.exitCode, job.reason, job.nodeList], ["FAILED", 2, "nonzero-exit", ["node1"]]);
 * assert.equal(job.endTime! - job.startTime!, 30_000);
 * ```
 */
export interface SimJob {
  /** Unique job id (for array tasks: the task's own raw id). */
  id: number;
  /** For array tasks: the array's id (the id `submit` returned). */
  arrayJobId?: number;
  /** For array tasks: the task index. */
  arrayTaskId?: number;
  /** The request as submitted (with defaults filled in). */
  request: SimSubmitRequest;
  /** Current state. */
  state: SimJobState;
  /** Held by user or admin (state stays `PENDING`). */
  held?: "user" | "admin";
  /** Why a pending job waits, or how a finished one ended, in the engine's neutral words; each emulator translates them into its scheduler's. */
  reason: SimReason;
  /** Queue the job is in. */
  queue: string;
  /** Walltime limit in seconds (`undefined` = unlimited). */
  timeLimitSeconds?: number;
  /** Submission time. */
  submitTime: number;
  /** Start time. */
  startTime?: number;
  /** End time. */
  endTime?: number;
  /** Exit code of the script (0–255), once finished. */
  exitCode?: number;
  /** Signal that ended the job (e.g. 9, 15), once finished. */
  signal?: number;
  /** Nodes the job runs or ran on. */
  nodeList: string[];
  /** Ordinal (1-based) of the submission that created the job; array tasks share it. SLURM's default priority derives from it. */
  submitSeq?: number;
  /** A cancel is in progress: the job still runs until its kill completes (SGE's `dr`). */
  terminating?: boolean;
  /** Who cancelled it (uid), for `CANCELLED by 0`. */
  cancelledBy?: number;
  /** Paths of the job's stdout and stderr files (stderr `null` = merged). */
  stdoutPath?: string;
  /** See {@linkcode SimJob.stdoutPath}. */
  stderrPath?: string | null;
}
