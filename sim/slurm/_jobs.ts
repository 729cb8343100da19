/**
 * How the SLURM emulator sees the engine's jobs: what sbatch records about each
 * ({@linkcode SlurmJobData}), state and reason words, priorities, which jobs slurmctld still
 * holds, the jobs an id operand names, and the small views (ids, cpus, memory, limits, node
 * lists, dependencies) the commands print.
 *
 * @module
 */

import { hms, shortDuration } from "../_common/format.ts";
import { isFinishedState } from "../engine/engine.ts";
import type { SimJob, SimJobState, SimQueueSpec, SimReason } from "../types.ts";
import type { SimEngineApi, SimStateKey } from "../emulator.ts";
import { compressHosts } from "./_hostlist.ts";
import type { JobIdArg } from "./_parse.ts";

/** What `--version` prints. */
export const VERSION = "slurm-wlm 22.05.8";
/** ClusterName of the recorded slurm.conf. */
export const CLUSTER_NAME = "cluster";
/**
 * How long slurmctld remembers a finished job: MinJobAge, 300 s (`DEFAULT_MIN_JOB_AGE`,
 * `src/common/read_config.h`).
 */
export const MIN_JOB_AGE_MS = 300_000;
/**
 * The priority below which slurmctld hands out the first one (`TOP_PRIORITY`,
 * `src/slurmctld/job_mgr.c`).
 */
const BASE_PRIORITY = 4294901760;

/**
 * What sbatch records about a job for the other commands, kept in the request's
 * `schedulerData` and read through {@linkcode slurmData}.
 */
export interface SlurmJobData {
  /**
   * `Command=` and `%o`: the script's absolute path and its arguments; `(null)` for `--wrap` and
   * standard input.
   */
  command: string;
  /** `-A`, else the submitting user (`Account=`, `%a`, `SLURM_JOB_ACCOUNT`). */
  account: string;
  /** `-n` as given, for `SLURM_NTASKS`; absent when not given. */
  ntasks?: number;
  /** `-c` as given, for `SLURM_CPUS_PER_TASK`; absent when not given. */
  cpusPerTask?: number;
  /** `--mem` (per node) or `--mem-per-cpu`, in MB, as given; absent: the cluster's default. */
  memory?: { per: "node" | "cpu"; mb: number };
  /** The `-o` pattern (`slurm-%j.out` by default, `slurm-%A_%a.out` for an array). */
  outputPattern: string;
  /** The `-e` pattern; absent: stderr goes to the output file. */
  errorPattern?: string;
  /** The priority slurmctld gave at submission or release; absent while held since submission. */
  priority?: number;
  /** `--kill-on-invalid-dep=yes`: slurmctld cancels the job once its dependency breaks. */
  killOnInvalidDep?: true;
  /** `--comment` (squeue `%k`, `Comment=`); absent when not given. */
  comment?: string;
}

/**
 * slurmctld cancels a pending job submitted with `--kill-on-invalid-dep=yes` once its
 * dependency can never be satisfied (`_kill_dependent` in `src/slurmctld/job_mgr.c`, 22.05:
 * "Job dependency can't be satisfied, cancelling"; state CANCELLED, the reason stays
 * `DependencyNeverSatisfied`); without the flag the job stays PENDING with that reason
 * (recordings 068, 072, 081). The engine keeps such jobs pending, so the emulator cancels them
 * the next time a SLURM command looks, as PBS does for its broken chains.
 */
export function killInvalidDependents(engine: SimEngineApi): void {
  for (const job of engine.unsatisfiableJobs()) {
    if (job.reason !== "dependency-never-satisfied") continue;
    if (storedData(job)?.killOnInvalidDep !== true) continue;
    const taskId = job.arrayTaskId;
    engine.cancel(job.arrayJobId ?? job.id, taskId === undefined ? {} : { taskId });
  }
}

/** The data sbatch stored; only sbatch submits to a SLURM cluster with `schedulerData`. */
function storedData(job: SimJob): SlurmJobData | undefined {
  return job.request.schedulerData as SlurmJobData | undefined;
}

/**
 * What sbatch recorded about the job; for a job submitted to the engine directly, what sbatch
 * records for a script from standard input with no options.
 */
export function slurmData(job: SimJob): SlurmJobData {
  return storedData(job) ??
    { command: "(null)", account: job.request.user, outputPattern: "slurm-%j.out" };
}

/**
 * State names as `squeue -t`, `%T`, `scontrol` and `sacct` print them (`job_state_string`,
 * `src/common/slurm_protocol_defs.c`).
 */
export const LONG_STATE: Record<SimJobState, string> = {
  PENDING: "PENDING",
  RUNNING: "RUNNING",
  COMPLETED: "COMPLETED",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
  TIMEOUT: "TIMEOUT",
  NODE_FAIL: "NODE_FAIL",
  PREEMPTED: "PREEMPTED",
  OUT_OF_MEMORY: "OUT_OF_MEMORY",
};

/** State names as `squeue`'s `%t` prints them (`job_state_string_compact`). */
export const COMPACT_STATE: Record<SimJobState, string> = {
  PENDING: "PD",
  RUNNING: "R",
  COMPLETED: "CD",
  FAILED: "F",
  CANCELLED: "CA",
  TIMEOUT: "TO",
  NODE_FAIL: "NF",
  PREEMPTED: "PR",
  OUT_OF_MEMORY: "OOM",
};

/**
 * Every state `squeue -t` accepts, in the order its error message lists them (`_parse_state` in
 * `src/squeue/opts.c`; recording 134).
 */
export const VALID_STATES =
  "PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,NODE_FAIL,PREEMPTED,BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,RESV_DEL_HOLD,REQUEUED,REQUEUE_FED,REQUEUE_HOLD,REVOKED,SIGNALING,SPECIAL_EXIT,STAGE_OUT,STOPPED";

/**
 * A state word of `-t`/`--state` (long or compact, upper case) → its long name (`job_state_num`).
 */
export const ALL_STATE_WORDS: ReadonlyMap<string, string> = new Map<string, string>([
  ...VALID_STATES.split(",").map((s) => [s, s] as [string, string]),
  ["PD", "PENDING"],
  ["R", "RUNNING"],
  ["S", "SUSPENDED"],
  ["CD", "COMPLETED"],
  ["CA", "CANCELLED"],
  ["F", "FAILED"],
  ["TO", "TIMEOUT"],
  ["NF", "NODE_FAIL"],
  ["PR", "PREEMPTED"],
  ["BF", "BOOT_FAIL"],
  ["DL", "DEADLINE"],
  ["OOM", "OUT_OF_MEMORY"],
  ["CG", "COMPLETING"],
  ["CF", "CONFIGURING"],
]);

/**
 * The engine's neutral reasons in slurmctld's words (`job_reason_string`,
 * `src/common/slurm_protocol_defs.c`).
 */
export const REASON: Record<SimReason, string> = {
  "none": "None",
  "priority": "Priority",
  "resources": "Resources",
  "held-user": "JobHeldUser",
  "held-admin": "JobHeldAdmin",
  "dependency": "Dependency",
  "dependency-never-satisfied": "DependencyNeverSatisfied",
  "array-task-limit": "JobArrayTaskLimit",
  "over-time-limit": "PartitionTimeLimit",
  "over-node-limit": "PartitionNodeLimit",
  "over-memory": "BadConstraints",
  "over-queue-limit": "PartitionConfig",
  "nonzero-exit": "NonZeroExitCode",
  "walltime": "TimeLimit",
  "node-down": "NodeDown",
};

/** Whether slurmctld still holds the job (active, or finished less than MinJobAge ago). */
export function inController(engine: SimEngineApi, job: SimJob): boolean {
  return job.endTime === undefined || engine.now() - job.endTime < MIN_JOB_AGE_MS;
}

/** Every job slurmctld still holds, in submission order (what it costs is what it holds). */
export function controllerJobs(engine: SimEngineApi): SimJob[] {
  return engine.jobsSince(engine.now() - MIN_JOB_AGE_MS).filter((job) => inController(engine, job));
}

/**
 * The priority squeue, scontrol and sacct show: what slurmctld gave the job (priority/basic:
 * one below the lowest so far, `src/plugins/priority/basic/priority_basic.c`), 0 while held; a
 * job sbatch did not submit ranks by its submission.
 */
export function priorityOf(job: SimJob): number {
  if (job.held !== undefined) return 0;
  return storedData(job)?.priority ?? BASE_PRIORITY - (job.submitSeq ?? 0);
}

/** slurmctld's lowest priority handed out so far, one per simulated cluster. */
const LOWEST_PRIORITY: SimStateKey<{ value: number }> = {
  name: "slurm lowest priority",
  init: () => ({ value: BASE_PRIORITY }),
};

/**
 * Hands out the next priority, one below the lowest so far, as slurmctld does at submission
 * and release (`set_job_prio` in `src/slurmctld/job_mgr.c`).
 */
export function nextPriority(engine: SimEngineApi): number {
  const lowest = engine.state(LOWEST_PRIORITY);
  lowest.value -= 1;
  return lowest.value;
}

/** Gives a released job the next priority (a job sbatch did not submit keeps its default). */
export function reprioritize(engine: SimEngineApi, job: SimJob): void {
  const data = storedData(job);
  if (data !== undefined) data.priority = nextPriority(engine);
}

/** The jobs an id operand names: the job, every task of an array, or the one task of `N_T`. */
export function jobsNamed(engine: SimEngineApi, id: JobIdArg): SimJob[] {
  return engine.find(id.id).filter((job) => id.task === undefined || job.arrayTaskId === id.task);
}

/** The jobs a list of id operands names, each once, in the order named. */
export function jobsNamedAll(engine: SimEngineApi, ids: readonly JobIdArg[]): SimJob[] {
  // A loop rather than flatMap and a Set spread: `-j` names up to 10,000 ids per call.
  const seen = new Set<SimJob>();
  const named: SimJob[] = [];
  for (const id of ids) {
    for (const job of engine.find(id.id)) {
      if ((id.task === undefined || job.arrayTaskId === id.task) && !seen.has(job)) {
        seen.add(job);
        named.push(job);
      }
    }
  }
  return named;
}

/** The tasks of an array that have not started yet, which slurmctld keeps as one record. */
export interface ArrayRemainder {
  /** The array's id. */
  arrayId: number;
  /** The first of those tasks, which the record shows. */
  first: SimJob;
  /** Their indices, ascending. */
  indices: number[];
}

/** Whether a job is one of the pending tasks of an array that slurmctld keeps as one record. */
export function isPendingRemainder(job: SimJob): boolean {
  return job.arrayJobId !== undefined && job.state === "PENDING" && job.id === job.arrayJobId;
}

/**
 * Sorts jobs into the pending remainders of arrays (in the order first seen) and the rest:
 * squeue and scontrol print a remainder as one record (`12_[3-9]`), as slurmctld keeps it.
 */
export function foldArrayRemainders(
  jobs: readonly SimJob[],
): { remainders: ArrayRemainder[]; others: SimJob[] } {
  const byArray = new Map<number, SimJob[]>();
  const others: SimJob[] = [];
  for (const job of jobs) {
    if (!isPendingRemainder(job)) {
      others.push(job);
      continue;
    }
    const tasks = byArray.get(job.arrayJobId!) ?? [];
    tasks.push(job);
    byArray.set(job.arrayJobId!, tasks);
  }
  const remainders = [...byArray].map(([arrayId, tasks]) => ({
    arrayId,
    first: tasks[0]!,
    indices: tasks.map((t) => t.arrayTaskId ?? 0).sort((a, b) => a - b),
  }));
  return { remainders, others };
}

/** `12`, or `12_3` for an array task. */
export function jobIdText(job: SimJob): string {
  return job.arrayJobId === undefined ? String(job.id) : `${job.arrayJobId}_${job.arrayTaskId}`;
}

/** CPUs of the whole allocation: nodes × tasks per node × cpus per task. */
export function cpusOf(job: SimJob): number {
  const r = job.request;
  return (r.nodes ?? 1) * (r.tasksPerNode ?? 1) * (r.cpusPerTask ?? 1);
}

/** `2048` → `2G`, `200` → `200M`. */
export function memText(mb: number): string {
  return mb % 1024 === 0 && mb > 0 ? `${mb / 1024}G` : `${mb}M`;
}

/** The time limit as `scontrol` and `sacct` print it (`01:00:00`, `UNLIMITED`). */
export function limitLong(job: SimJob): string {
  return job.timeLimitSeconds === undefined ? "UNLIMITED" : hms(job.timeLimitSeconds);
}

/** The time limit as `squeue` prints it (`1:00:00`, `UNLIMITED`). */
export function limitShort(job: SimJob): string {
  return job.timeLimitSeconds === undefined ? "UNLIMITED" : shortDuration(job.timeLimitSeconds);
}

/** Whole seconds the job has run (until its end, or until now). */
export function runSeconds(engine: SimEngineApi, job: SimJob): number {
  if (job.startTime === undefined) return 0;
  return Math.floor(((job.endTime ?? engine.now()) - job.startTime) / 1000);
}

/** The job's nodes as a hostlist (`node[1-3]`). */
export function nodeListText(job: SimJob): string {
  return compressHosts(job.nodeList);
}

/**
 * `Dependency=` / `%E`: `afterok:12(unfulfilled)`, `(failed)` once it cannot be met
 * (`_depend_state2str` in `src/slurmctld/job_scheduler.c`; recordings 052, 072).
 */
export function dependencyText(engine: SimEngineApi, job: SimJob): string {
  const deps = job.request.dependencies ?? [];
  if (deps.length === 0 || job.state !== "PENDING") return "(null)";
  if (job.reason !== "dependency" && job.reason !== "dependency-never-satisfied") return "(null)";
  const parts: string[] = [];
  for (const dep of deps) {
    for (const id of dep.jobIds) {
      const targets = engine.find(id);
      if (targets.length === 0) continue;
      const failed = targets.some((t) =>
        isFinishedState(t.state) &&
        (dep.type === "afterok"
          ? t.state !== "COMPLETED"
          : dep.type === "afternotok"
          ? t.state === "COMPLETED"
          : false)
      );
      parts.push(`${dep.type}:${id}(${failed ? "failed" : "unfulfilled"})`);
    }
  }
  return parts.length === 0 ? "(null)" : parts.join(",");
}

/** The nodes of a partition (all of them when it names none). */
export function partitionNodes(engine: SimEngineApi, queue: SimQueueSpec): readonly string[] {
  return queue.nodes ?? engine.nodes.map((n) => n.name);
}

/** CPUs and memory the running jobs use on a node. */
export function nodeUsage(engine: SimEngineApi, name: string): { cpus: number; memoryMB: number } {
  let cpus = 0;
  let memoryMB = 0;
  for (const job of engine.jobsSince(engine.now())) {
    if (job.state !== "RUNNING" || !job.nodeList.includes(name)) continue;
    cpus += (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
    memoryMB += job.request.memoryMB ?? 0;
  }
  return { cpus, memoryMB };
}
