/**
 * Shared types of the simulator: the scheduler-neutral job model that the engine runs and the
 * four command-line emulators (`slurm.ts`, `pbs.ts`, `lsf.ts`, `sge.ts`) translate to and from
 * each tool's own words. This file is the contract between the engine and the emulators:
 * fields may be added, none renamed or removed.
 *
 * @module
 */

/**
 * The scheduler kinds the simulator emulates. `pbs` is Torque, `pbspro` is PBS Professional.
 *
 * @example Usage
 * ```ts
 * import type { SchedulerKind } from "@clusterjob/clusterjob/sim";
 * const kind: SchedulerKind = "slurm";
 * console.assert(kind === "slurm");
 * ```
 */
export type SchedulerKind = "slurm" | "pbs" | "pbspro" | "lsf" | "sge";

/**
 * A compute node of the simulated cluster.
 *
 * @example Usage
 * ```ts
 * import type { SimNodeSpec } from "@clusterjob/clusterjob/sim";
 * const node: SimNodeSpec = { name: "node1", cpus: 4, memoryMB: 8192 };
 * console.assert(node.cpus === 4);
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
 * import type { SimQueueSpec } from "@clusterjob/clusterjob/sim";
 * const queue: SimQueueSpec = { name: "debug", default: true, maxTimeSeconds: 3600 };
 * console.assert(queue.default);
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
 * import type { SimJobState } from "@clusterjob/clusterjob/sim";
 * const state: SimJobState = "TIMEOUT";
 * console.assert(state === "TIMEOUT");
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
 * A dependency of a job on other jobs.
 *
 * @example Usage
 * ```ts
 * import type { SimDependency } from "@clusterjob/clusterjob/sim";
 * const dependency: SimDependency = { type: "afterok", jobIds: [12] };
 * console.assert(dependency.jobIds[0] === 12);
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
 * import type { SimSubmitRequest } from "@clusterjob/clusterjob/sim";
 * const request: SimSubmitRequest = { name: "hello", script: "#!/bin/bash\necho hi\n", workdir: "/home/user", user: "user" };
 * console.assert(request.name === "hello");
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
  /** Scheduler-specific data the emulator wants back later (raw options, mail flags, ...). */
  annotations?: Record<string, string>;
  /** Where stdout/stderr go (paths in the simulator's file system); `stderr: null` merges into stdout. */
  outputPaths?: (job: SimJob) => { stdout: string; stderr: string | null };
  /** The environment the job sees, as the real scheduler sets it. */
  environment?: (job: SimJob) => Record<string, string>;
}

/**
 * A job (or one array task) in the engine: the request plus what happened to it.
 * Times are milliseconds of the cluster's clock.
 *
 * @example Usage
 * ```ts
 * import type { SimJob } from "@clusterjob/clusterjob/sim";
 * const isDone = (job: SimJob): boolean => job.endTime !== undefined;
 * console.assert(typeof isDone === "function");
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
  /** Why a pending job waits, in SLURM's words (`"Resources"`, `"Priority"`, `"Dependency"`, `"DependencyNeverSatisfied"`, `"JobHeldUser"`, `"JobArrayTaskLimit"`, `"None"`). */
  reason: string;
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
  /** Who cancelled it (uid), for `CANCELLED by 0`. */
  cancelledBy?: number;
  /** Paths of the job's stdout and stderr files (stderr `null` = merged). */
  stdoutPath?: string;
  /** See {@linkcode SimJob.stdoutPath}. */
  stderrPath?: string | null;
}
