/**
 * What slurmd does for a batch job when it starts: the output files named by the `-o`/`-e`
 * patterns, the job's environment, the spool copy of the script the job runs as `$0`, and the
 * line slurmstepd writes into the output of a job it kills.
 *
 * @module
 */

import { uidOf } from "../_common/command_result.ts";
import { isoSeconds } from "../_common/format.ts";
import { resolvePath } from "../_common/paths.ts";
import type { SimJob, SimSubmitRequest } from "../types.ts";
import type { SimEngineApi, SimStateKey } from "../emulator.ts";
import { CLUSTER_NAME, nodeListText, slurmData } from "./_jobs.ts";
import { expandPattern } from "./_parse.ts";

/** What slurmd does for a job, as hooks of its request. */
type SlurmdHooks = Pick<
  SimSubmitRequest,
  "outputPaths" | "environment" | "pidVariables" | "spoolPath" | "killMessage"
>;

/** A cluster's slurmd hooks, made once: every job's request shares them. */
const HOOKS: SimStateKey<{ hooks?: SlurmdHooks }> = { name: "slurmd hooks", init: () => ({}) };

/**
 * The hooks through which the engine asks, when a job starts or is killed, what slurmd does;
 * the same functions for every job of a cluster (a sweep of 100,000 jobs keeps one set).
 */
export function slurmdHooks(engine: SimEngineApi): SlurmdHooks {
  const state = engine.state(HOOKS);
  return state.hooks ??= {
    outputPaths: outputFiles,
    environment: (job) => slurmEnvironment(engine, job),
    pidVariables: ["SLURM_TASK_PID"],
    // SlurmdSpoolDir/job%05u/slurm_script (`_make_batch_dir`, `src/slurmd/slurmstepd/mgr.c`).
    spoolPath: (job) => `/var/spool/slurmd/job${String(job.id).padStart(5, "0")}/slurm_script`,
    killMessage: (job) => killMessage(engine, job),
  };
}

/**
 * A file of the job named by an `-o`/`-e` pattern, relative to its working directory
 * (`src/slurmd/common/fname.c`).
 */
export function outputFile(job: SimJob, pattern: string): string {
  return resolvePath(job.request.workdir, expandPattern(pattern, job));
}

/** The job's stdout and stderr files; without `-e`, stderr goes to stdout (recording 030). */
function outputFiles(job: SimJob): { stdout: string; stderr: string | null } {
  const data = slurmData(job);
  const stdout = outputFile(job, data.outputPattern);
  const stderr = data.errorPattern === undefined ? null : outputFile(job, data.errorPattern);
  return { stdout, stderr };
}

/**
 * What slurmstepd writes into the job's stderr when it kills it (`src/slurmd/slurmstepd/req.c`;
 * recording 111).
 */
function killMessage(engine: SimEngineApi, job: SimJob): string {
  const node = job.nodeList[0] ?? "";
  const when = isoSeconds(job.endTime ?? engine.now());
  const why = job.state === "TIMEOUT" ? " DUE TO TIME LIMIT" : "";
  return `slurmstepd-${node}: error: *** JOB ${job.id} ON ${node} CANCELLED AT ${when}${why} ***\n`;
}

/**
 * The environment slurmd gives the batch script: what sbatch exported, plus the variables of
 * `env_array_for_batch_job` (`src/common/env.c`) with the values of recording 099 (103 for
 * `-c`, `--mem`, `-n`; 101 for an array task).
 */
export function slurmEnvironment(engine: SimEngineApi, job: SimJob): Record<string, string> {
  const r = job.request;
  const data = slurmData(job);
  const node = job.nodeList[0] ?? "";
  const nodes = nodeListText(job);
  const cpusPerNode = (r.tasksPerNode ?? 1) * (r.cpusPerTask ?? 1);
  const uid = String(uidOf(r.user));
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    ...r.exportedEnv,
    ENVIRONMENT: "BATCH",
    HOSTNAME: node,
    SLURMD_NODENAME: node,
    SLURM_CLUSTER_NAME: CLUSTER_NAME,
    SLURM_CONF: "/etc/slurm/slurm.conf",
    SLURM_CPUS_ON_NODE: String(cpusPerNode),
    SLURM_GTIDS: "0",
    SLURM_JOBID: String(job.id),
    SLURM_JOB_ACCOUNT: data.account,
    SLURM_JOB_CPUS_PER_NODE: String(cpusPerNode),
    SLURM_JOB_GID: uid,
    SLURM_JOB_ID: String(job.id),
    SLURM_JOB_NAME: r.name,
    SLURM_JOB_NODELIST: nodes,
    SLURM_JOB_NUM_NODES: String(job.nodeList.length),
    SLURM_JOB_PARTITION: job.queue,
    SLURM_JOB_QOS: "normal",
    SLURM_JOB_UID: uid,
    SLURM_JOB_USER: r.user,
    SLURM_LOCALID: "0",
    SLURM_NNODES: String(job.nodeList.length),
    SLURM_NODEID: "0",
    SLURM_NODELIST: nodes,
    SLURM_NODE_ALIASES: "(null)",
    SLURM_PRIO_PROCESS: "0",
    SLURM_PROCID: "0",
    SLURM_SUBMIT_DIR: r.workdir,
    SLURM_SUBMIT_HOST: r.submitHost ?? engine.loginHost,
    SLURM_TASKS_PER_NODE: String(r.tasksPerNode ?? 1),
    SLURM_TOPOLOGY_ADDR: node,
    SLURM_TOPOLOGY_ADDR_PATTERN: "node",
    SLURM_WORKING_CLUSTER: `${CLUSTER_NAME}:${engine.loginHost}:6817:9728:109`,
    TMPDIR: "/tmp",
  };
  // The cluster's default memory is per cpu (DefMemPerCPU), as recording 099 shows.
  if (data.memory?.per === "node") env.SLURM_MEM_PER_NODE = String(data.memory.mb);
  else {
    env.SLURM_MEM_PER_CPU = String(data.memory?.mb ?? Math.round((r.memoryMB ?? 0) / cpusPerNode));
  }
  if (data.cpusPerTask !== undefined) env.SLURM_CPUS_PER_TASK = String(data.cpusPerTask);
  if (data.ntasks !== undefined) {
    env.SLURM_NTASKS = String(data.ntasks);
    env.SLURM_NPROCS = String(data.ntasks);
  }
  if (job.arrayJobId !== undefined) Object.assign(env, arrayEnvironment(engine, job));
  return env;
}

/** The `SLURM_ARRAY_*` variables of an array task. */
function arrayEnvironment(engine: SimEngineApi, job: SimJob): Record<string, string> {
  const arrayJobId = job.arrayJobId!;
  const indices = job.request.array?.indices ??
    engine.find(arrayJobId).map((t) => t.arrayTaskId ?? 0);
  return {
    SLURM_ARRAY_JOB_ID: String(arrayJobId),
    SLURM_ARRAY_TASK_COUNT: String(indices.length),
    SLURM_ARRAY_TASK_ID: String(job.arrayTaskId),
    SLURM_ARRAY_TASK_MAX: String(Math.max(...indices)),
    SLURM_ARRAY_TASK_MIN: String(Math.min(...indices)),
    SLURM_ARRAY_TASK_STEP: String(arrayStep(indices)),
  };
}

/** The common step of the array's indices, 1 when they have none. */
function arrayStep(indices: readonly number[]): number {
  if (indices.length < 2) return 1;
  const step = indices[1]! - indices[0]!;
  return indices.every((v, i) => i === 0 || v - indices[i - 1]! === step) ? step : 1;
}
