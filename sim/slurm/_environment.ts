/**
 * The environment of a SLURM batch job: what `--export` passes on from the submitter, and the
 * `SLURM_*` variables slurmd adds (as recorded in `env | sort` of a real 22.05 job).
 *
 * @module
 */

import { uidOf } from "../_common/command_result.ts";
import type { SimEngineApi, SimJob } from "../types.ts";
import { CLUSTER_NAME, nodeListText, NOTE } from "./_jobs.ts";

/** What `--export=MODE` passes on: `ALL` (default), `NONE`/`NIL`, names and `NAME=value` items. */
export function exportedEnvironment(
  mode: string,
  env: Record<string, string>,
): Record<string, string> {
  const parts = mode.split(",");
  const out: Record<string, string> = {};
  const first = parts[0]?.toUpperCase();
  if (first !== "NONE" && first !== "NIL") Object.assign(out, env);
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
    else if (part !== "ALL" && part !== "NONE" && part !== "NIL" && env[part] !== undefined) {
      out[part] = env[part]!;
    }
  }
  return out;
}

/** The environment slurmd gives the batch script: the exported one plus slurmd's variables. */
export function slurmEnvironment(
  engine: SimEngineApi,
  job: SimJob,
  submitEnv: Record<string, string>,
  annotations: Record<string, string>,
): Record<string, string> {
  const r = job.request;
  const node = job.nodeList[0] ?? "";
  const nodes = nodeListText(job);
  const cpusPerNode = (r.tasksPerNode ?? 1) * (r.cpusPerTask ?? 1);
  const uid = String(uidOf(r.user));
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    ...submitEnv,
    ENVIRONMENT: "BATCH",
    HOSTNAME: node,
    SLURMD_NODENAME: node,
    SLURM_CLUSTER_NAME: CLUSTER_NAME,
    SLURM_CONF: "/etc/slurm/slurm.conf",
    SLURM_CPUS_ON_NODE: String(cpusPerNode),
    SLURM_GTIDS: "0",
    SLURM_JOBID: String(job.id),
    SLURM_JOB_ACCOUNT: annotations[NOTE.account] ?? r.user,
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
  const memPerNode = annotations[NOTE.memPerNode];
  if (memPerNode !== undefined) env.SLURM_MEM_PER_NODE = memPerNode;
  else {
    env.SLURM_MEM_PER_CPU = annotations[NOTE.memPerCpu] ??
      String(Math.round((r.memoryMB ?? 0) / cpusPerNode));
  }
  if (annotations[NOTE.cpusPerTaskSet] !== undefined) {
    env.SLURM_CPUS_PER_TASK = String(r.cpusPerTask ?? 1);
  }
  const ntasks = annotations[NOTE.ntasks];
  if (ntasks !== undefined) {
    env.SLURM_NTASKS = ntasks;
    env.SLURM_NPROCS = ntasks;
  }
  if (job.arrayJobId !== undefined) {
    const tasks = engine.find(job.arrayJobId).map((t) => t.arrayTaskId ?? 0);
    const indices = r.array?.indices ?? tasks;
    env.SLURM_ARRAY_JOB_ID = String(job.arrayJobId);
    env.SLURM_ARRAY_TASK_COUNT = String(indices.length);
    env.SLURM_ARRAY_TASK_ID = String(job.arrayTaskId);
    env.SLURM_ARRAY_TASK_MAX = String(Math.max(...indices));
    env.SLURM_ARRAY_TASK_MIN = String(Math.min(...indices));
    env.SLURM_ARRAY_TASK_STEP = String(arrayStep(indices));
  }
  return env;
}

/** The common step of the array's indices, 1 when they have none. */
function arrayStep(indices: readonly number[]): number {
  if (indices.length < 2) return 1;
  const step = indices[1]! - indices[0]!;
  return indices.every((v, i) => i === 0 || v - indices[i - 1]! === step) ? step : 1;
}
