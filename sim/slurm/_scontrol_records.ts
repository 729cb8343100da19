/**
 * The records `scontrol show` prints: a job (`slurm_sprint_job_info`, `src/api/job_info.c`), a
 * partition (`src/api/partition_info.c`) and a node (`src/api/node_info.c`), as lines of
 * `Key=value` pairs, with the values of recordings 005, 019, 048 to 053, 087 and 094.
 *
 * @module
 */

import { uidOf } from "../_common/command_result.ts";
import { hms, isoSeconds } from "../_common/format.ts";
import type { SimJob, SimNodeSpec, SimQueueSpec } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import { compressHosts } from "./_hostlist.ts";
import {
  cpusOf,
  dependencyText,
  limitLong,
  LONG_STATE,
  memText,
  nodeListText,
  nodeUsage,
  partitionNodes,
  priorityOf,
  REASON,
  runSeconds,
  slurmData,
} from "./_jobs.ts";
import { outputFile } from "./_slurmd.ts";

/**
 * A record as scontrol prints it: indented lines, or with `-o` the pairs on one line; a job's
 * record ends differently from a partition's or a node's (recordings 019, 020, 005).
 */
export function recordText(
  lines: readonly string[],
  oneLiner: boolean,
  kind: "job" | "other",
): string {
  if (oneLiner) return lines.map((l) => l.trim()).join(" ") + (kind === "job" ? " \n" : "\n");
  return lines.join("\n") + (kind === "job" ? "\n   \n\n" : "\n\n");
}

/**
 * The lines of `scontrol show job` (`taskText`: the tasks a pending array remainder stands for).
 */
export function jobRecord(engine: SimEngineApi, job: SimJob, taskText?: string): string[] {
  const r = job.request;
  const user = r.user;
  const uid = uidOf(user);
  const data = slurmData(job);
  const times = jobTimes(job);
  const cpus = cpusOf(job);
  const cancelledPending = job.state === "CANCELLED" && job.startTime === undefined;
  const tasks = cancelledPending ? "N/A" : (r.nodes ?? 1) * (r.tasksPerNode ?? 1);
  const files = outputFiles(job);
  const lines = [
    idLine(job, taskText),
    `   UserId=${user}(${uid}) GroupId=${user}(${uid}) MCS_label=N/A`,
    `   Priority=${priorityOf(job)} Nice=0 Account=${data.account} QOS=normal`,
    `   JobState=${LONG_STATE[job.state]} Reason=${REASON[job.reason]} Dependency=${
      dependencyText(engine, job)
    }`,
    `   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=${exitCodeText(job)}`,
    `   RunTime=${hms(runSeconds(engine, job))} TimeLimit=${limitLong(job)} TimeMin=N/A`,
    `   SubmitTime=${times.submit} EligibleTime=${times.eligible}`,
    `   AccrueTime=${times.accrue}`,
    `   StartTime=${times.start} EndTime=${times.end} Deadline=N/A`,
    `   SuspendTime=None SecsPreSuspend=0 LastSchedEval=${
      isoSeconds(job.startTime ?? job.submitTime)
    } Scheduler=${cancelledPending ? "Backfill" : "Main"}`,
    `   Partition=${job.queue} AllocNode:Sid=${r.submitHost ?? engine.loginHost}:2231`,
    `   ReqNodeList=(null) ExcNodeList=(null)`,
    `   NodeList=${nodeListText(job)}`,
  ];
  if (job.nodeList.length > 0) lines.push(`   BatchHost=${job.nodeList[0]}`);
  lines.push(
    `   NumNodes=${r.nodes ?? 1} NumCPUs=${cpus} NumTasks=${tasks} CPUs/Task=${
      r.cpusPerTask ?? 1
    } ReqB:S:C:T=0:0:*:*`,
    `   TRES=${tresText(job)}`,
    `   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*`,
    `   MinCPUsNode=${cpusPerNode(job)} ${minMemoryText(job)} MinTmpDiskNode=0`,
    `   Features=(null) DelayBoot=00:00:00`,
    `   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)`,
    `   Command=${data.command}`,
    `   WorkDir=${r.workdir}`,
    `   StdErr=${files.stderr}`,
    `   StdIn=/dev/null`,
    `   StdOut=${files.stdout}`,
    `   Power=`,
  );
  return lines;
}

/** `JobId=`, with the array fields of a task or a pending remainder (recordings 087, 094). */
function idLine(job: SimJob, taskText: string | undefined): string {
  const r = job.request;
  if (job.arrayJobId === undefined) return `JobId=${job.id} JobName=${r.name}`;
  const throttle = r.array?.maxConcurrent === undefined
    ? ""
    : ` ArrayTaskThrottle=${r.array.maxConcurrent}`;
  return `JobId=${job.id} ArrayJobId=${job.arrayJobId} ArrayTaskId=${
    taskText ?? job.arrayTaskId
  }${throttle} JobName=${r.name}`;
}

/**
 * Submit, eligible, accrue, start and end times: a held or dependent job is never eligible
 * (recordings 051, 052); one cancelled while pending "started" when it was cancelled (061).
 */
function jobTimes(
  job: SimJob,
): { submit: string; eligible: string; accrue: string; start: string; end: string } {
  const blockedForever = job.held !== undefined || job.reason === "dependency" ||
    job.reason === "dependency-never-satisfied";
  const submit = isoSeconds(job.submitTime);
  const cancelledPending = job.state === "CANCELLED" && job.startTime === undefined;
  const start = job.startTime !== undefined
    ? isoSeconds(job.startTime)
    : cancelledPending && job.endTime !== undefined
    ? isoSeconds(job.endTime)
    : "Unknown";
  const end = job.endTime !== undefined
    ? isoSeconds(job.endTime)
    : job.startTime !== undefined && job.timeLimitSeconds !== undefined
    ? isoSeconds(job.startTime + job.timeLimitSeconds * 1000)
    : "Unknown";
  return {
    submit,
    eligible: blockedForever || job.reason === "array-task-limit" ? "Unknown" : submit,
    accrue: blockedForever ? "Unknown" : submit,
    start,
    end,
  };
}

/** `exit:signal`; the signal only of a job slurmctld killed (recordings 069, 108). */
function exitCodeText(job: SimJob): string {
  const killed = job.state === "CANCELLED" || job.state === "TIMEOUT" ||
    job.state === "PREEMPTED";
  return `${job.exitCode ?? 0}:${killed ? job.signal ?? 0 : 0}`;
}

function cpusPerNode(job: SimJob): number {
  return (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
}

/** `TRES=`: the whole allocation. */
function tresText(job: SimJob): string {
  const r = job.request;
  const nodes = r.nodes ?? 1;
  const cpus = cpusOf(job);
  const gpus = r.gpus ? `,gres/gpu=${r.gpus * nodes}` : "";
  return `cpu=${cpus},mem=${
    memText((r.memoryMB ?? 0) * nodes)
  },node=${nodes},billing=${cpus}${gpus}`;
}

/**
 * `MinMemoryNode=` for `--mem`, else `MinMemoryCPU=` (the cluster's DefMemPerCPU: recording 019).
 */
function minMemoryText(job: SimJob): string {
  const memory = slurmData(job).memory;
  if (memory?.per === "node") return `MinMemoryNode=${memText(memory.mb)}`;
  return `MinMemoryCPU=${memText(Math.round((job.request.memoryMB ?? 0) / cpusPerNode(job)))}`;
}

/**
 * `StdOut=`, `StdErr=`: the files once the job started, before that its patterns with the ids
 * known now; without `-e`, stderr is the output file.
 */
function outputFiles(job: SimJob): { stdout: string; stderr: string } {
  const data = slurmData(job);
  const stdout = job.stdoutPath ?? outputFile(job, data.outputPattern);
  if (job.stderrPath !== undefined) return { stdout, stderr: job.stderrPath ?? stdout };
  const pattern = data.errorPattern;
  return { stdout, stderr: pattern === undefined ? stdout : outputFile(job, pattern) };
}

/** The lines of `scontrol show partition`. */
export function partitionRecord(engine: SimEngineApi, queue: SimQueueSpec): string[] {
  const nodes = partitionNodes(engine, queue);
  const specs = engine.nodes.filter((n) => nodes.includes(n.name));
  const cpus = specs.reduce((s, n) => s + n.cpus, 0);
  const mem = specs.reduce((s, n) => s + n.memoryMB, 0);
  const maxTime = queue.maxTimeSeconds === undefined ? "UNLIMITED" : hms(queue.maxTimeSeconds);
  const defTime = queue.defaultTimeSeconds === undefined ? "NONE" : hms(queue.defaultTimeSeconds);
  return [
    `PartitionName=${queue.name}`,
    `   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL`,
    `   AllocNodes=ALL Default=${queue.default ? "YES" : "NO"} QoS=N/A`,
    `   DefaultTime=${defTime} DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO`,
    `   MaxNodes=UNLIMITED MaxTime=${maxTime} MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED`,
    `   Nodes=${compressHosts(nodes)}`,
    `   PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO`,
    `   OverTimeLimit=NONE PreemptMode=OFF`,
    `   State=UP TotalCPUs=${cpus} TotalNodes=${specs.length} SelectTypeParameters=NONE`,
    `   JobDefaults=(null)`,
    `   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED`,
    `   TRES=cpu=${cpus},mem=${mem}M,node=${specs.length},billing=${cpus}`,
  ];
}

/** The lines of `scontrol show node` (OS, load and boot times are not emulated: recording 006). */
export function nodeRecord(engine: SimEngineApi, node: SimNodeSpec): string[] {
  const name = node.name;
  const used = nodeUsage(engine, name);
  const state = used.cpus === 0 ? "IDLE" : used.cpus >= node.cpus ? "ALLOCATED" : "MIXED";
  const partitions = engine.queues.filter((q) => q.nodes === undefined || q.nodes.includes(name))
    .map((q) => q.name).join(",");
  return [
    `NodeName=${name} Arch=x86_64 CoresPerSocket=${node.cpus} `,
    `   CPUAlloc=${used.cpus} CPUEfctv=${node.cpus} CPUTot=${node.cpus} CPULoad=0.00`,
    `   AvailableFeatures=(null)`,
    `   ActiveFeatures=(null)`,
    `   Gres=${node.gpus ? `gpu:${node.gpus}` : "(null)"}`,
    `   NodeAddr=${name} NodeHostName=${name} Version=22.05.8`,
    `   OS=Linux 6.1.0 #1 SMP PREEMPT_DYNAMIC @0 `,
    `   RealMemory=${node.memoryMB} AllocMem=${used.memoryMB} FreeMem=${
      node.memoryMB - used.memoryMB
    } Sockets=1 Boards=1`,
    `   State=${state} ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A`,
    `   Partitions=${partitions} `,
    `   CfgTRES=cpu=${node.cpus},mem=${node.memoryMB}M,billing=${node.cpus}`,
    `   AllocTRES=${used.cpus === 0 ? "" : `cpu=${used.cpus},mem=${memText(used.memoryMB)}`}`,
    `   CapWatts=n/a`,
    `   CurrentWatts=0 AveWatts=0`,
    `   ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s`,
  ];
}
