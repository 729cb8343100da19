/**
 * How the SLURM emulator sees the engine's jobs: the annotations sbatch leaves on a request,
 * state and reason words, priorities, which jobs slurmctld still holds, and the small views
 * (ids, cpus, memory, limits, node lists, dependencies) the commands print.
 *
 * @module
 */

import { hms, shortDuration } from "../_common/format.ts";
import { isFinishedState } from "../engine/engine.ts";
import type { SimEngineApi, SimJob, SimJobState, SimReason, SimStateKey } from "../types.ts";
import { compressHosts } from "./_hostlist.ts";

/** What `--version` prints. */
export const VERSION = "slurm-wlm 22.05.8";
/** ClusterName of the recorded slurm.conf. */
export const CLUSTER_NAME = "cluster";
/** How long slurmctld remembers a finished job (MinJobAge). */
const MIN_JOB_AGE_MS = 300_000;
/** SLURM's priority of the first job under the recorded configuration; each submission lowers it by one. */
const BASE_PRIORITY = 4294901760;

/** Annotation keys sbatch stores on the request, read back by the other commands. */
export const NOTE = {
  /** The script and its arguments as `Command=` shows them, `(null)` for `--wrap` and stdin. */
  command: "command",
  /** The account (`-A`, else the user). */
  account: "account",
  /** `-n` as given. */
  ntasks: "ntasks",
  /** Present when `-c` was given. */
  cpusPerTaskSet: "cpusPerTaskSet",
  /** `--mem` in MB. */
  memPerNode: "memPerNode",
  /** `--mem-per-cpu` in MB. */
  memPerCpu: "memPerCpu",
  /** The `-o` pattern (or the default `slurm-%j.out`). */
  outputPattern: "outputPattern",
  /** The `-e` pattern, when given. */
  errorPattern: "errorPattern",
  /** The priority handed out at submission or release; absent while held since submission. */
  priority: "priority",
} as const;

/** State names as `squeue -t`, `%T`, `scontrol` and `sacct` print them. */
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

/** State names as `squeue`'s `%t` prints them. */
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

/** Every state `squeue -t` accepts, in the order its error message lists them. */
export const VALID_STATES =
  "PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,NODE_FAIL,PREEMPTED,BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,RESV_DEL_HOLD,REQUEUED,REQUEUE_FED,REQUEUE_HOLD,REVOKED,SIGNALING,SPECIAL_EXIT,STAGE_OUT,STOPPED";

/** A state word of `-t`/`--state` (long or compact, upper case) → its long name. */
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

/** The engine's neutral reasons in slurmctld's words (`slurm/slurm.h.in`, `enum job_state_reason`). */
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

/** One of the annotations sbatch left on the job ({@linkcode NOTE}). */
export function annotation(job: SimJob, key: string): string | undefined {
  return job.request.annotations?.[key];
}

/**
 * SLURM's priority/basic: each job gets one less than the lowest priority given so far, at
 * submission or at release (held jobs show priority 0).
 */
export function priorityOf(job: SimJob): number {
  if (job.held !== undefined) return 0;
  const assigned = annotation(job, NOTE.priority);
  return assigned === undefined ? BASE_PRIORITY - (job.submitSeq ?? 0) : Number(assigned);
}

/** slurmctld's lowest priority handed out so far, one per simulated cluster. */
const LOWEST_PRIORITY: SimStateKey<{ value: number }> = {
  name: "slurm lowest priority",
  init: () => ({ value: BASE_PRIORITY }),
};

/** Hands out the next priority: one below the lowest so far. */
export function nextPriority(engine: SimEngineApi): number {
  const lowest = engine.state(LOWEST_PRIORITY);
  lowest.value -= 1;
  return lowest.value;
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

/** `Dependency=` / `%E`: `afterok:12(unfulfilled)`, `(failed)` once it cannot be met. */
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

/** CPUs and memory the running jobs use on a node. */
export function nodeUsage(engine: SimEngineApi, name: string): { cpus: number; memoryMB: number } {
  let cpus = 0;
  let memoryMB = 0;
  for (const job of engine.jobs()) {
    if (job.state !== "RUNNING" || !job.nodeList.includes(name)) continue;
    cpus += (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
    memoryMB += job.request.memoryMB ?? 0;
  }
  return { cpus, memoryMB };
}
