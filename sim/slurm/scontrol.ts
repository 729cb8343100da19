/**
 * `scontrol`: `show job|partition|node` (multi-line records or `-o` one-liners), `hold`, `uhold`,
 * `release`, `ping` and `version`, as SLURM 22.05 prints them.
 *
 * @module
 */

import { type CommandResult, fail, ok, uidOf } from "../_common/command_result.ts";
import { hms, isoSeconds, ranges } from "../_common/format.ts";
import { resolvePath } from "../_common/paths.ts";
import type { SimCommand, SimCommandContext, SimEngineApi, SimJob } from "../types.ts";
import { compressHosts } from "./_hostlist.ts";
import {
  annotation,
  cpusOf,
  dependencyText,
  inController,
  limitLong,
  LONG_STATE,
  memText,
  nextPriority,
  nodeListText,
  nodeUsage,
  NOTE,
  priorityOf,
  REASON,
  runSeconds,
  VERSION,
} from "./_jobs.ts";
import { expandPattern, parseJobIdArg } from "./_parse.ts";

/** The lines of `scontrol show job` for a job (`taskText`: the tasks a pending array remainder stands for). */
function scontrolRecord(engine: SimEngineApi, job: SimJob, taskText?: string): string[] {
  const r = job.request;
  const user = r.user;
  const uid = uidOf(user);
  const blockedForever = job.held !== undefined || job.reason === "dependency" ||
    job.reason === "dependency-never-satisfied";
  const submit = isoSeconds(job.submitTime);
  const eligible = blockedForever || job.reason === "array-task-limit" ? "Unknown" : submit;
  const accrue = blockedForever ? "Unknown" : submit;
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
  const cpus = cpusOf(job);
  const tasks = (r.nodes ?? 1) * (r.tasksPerNode ?? 1);
  const perNodeCpus = (r.tasksPerNode ?? 1) * (r.cpusPerTask ?? 1);
  const memPerNode = annotation(job, NOTE.memPerNode);
  const memTotal = (r.memoryMB ?? 0) * (r.nodes ?? 1);
  const tres = `cpu=${cpus},mem=${memText(memTotal)},node=${r.nodes ?? 1},billing=${cpus}${
    r.gpus ? `,gres/gpu=${r.gpus * (r.nodes ?? 1)}` : ""
  }`;
  const minMemory = memPerNode !== undefined
    ? `MinMemoryNode=${memText(Number(memPerNode))}`
    : `MinMemoryCPU=${memText(Math.round((r.memoryMB ?? 0) / perNodeCpus))}`;
  const exitCode = `${job.exitCode ?? 0}:${
    job.state === "CANCELLED" || job.state === "TIMEOUT" || job.state === "PREEMPTED"
      ? job.signal ?? 0
      : 0
  }`;
  const stdout = job.stdoutPath ?? outputPathPreview(job, NOTE.outputPattern);
  const stderr = job.stderrPath === undefined
    ? outputPathPreview(job, NOTE.errorPattern) ?? stdout
    : job.stderrPath ?? stdout;
  const idLine = job.arrayJobId === undefined
    ? `JobId=${job.id} JobName=${r.name}`
    : `JobId=${job.id} ArrayJobId=${job.arrayJobId} ArrayTaskId=${taskText ?? job.arrayTaskId}${
      r.array?.maxConcurrent === undefined ? "" : ` ArrayTaskThrottle=${r.array.maxConcurrent}`
    } JobName=${r.name}`;
  const lines = [
    idLine,
    `   UserId=${user}(${uid}) GroupId=${user}(${uid}) MCS_label=N/A`,
    `   Priority=${priorityOf(job)} Nice=0 Account=${
      annotation(job, NOTE.account) ?? user
    } QOS=normal`,
    `   JobState=${LONG_STATE[job.state]} Reason=${REASON[job.reason]} Dependency=${
      dependencyText(engine, job)
    }`,
    `   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=${exitCode}`,
    `   RunTime=${hms(runSeconds(engine, job))} TimeLimit=${limitLong(job)} TimeMin=N/A`,
    `   SubmitTime=${submit} EligibleTime=${eligible}`,
    `   AccrueTime=${accrue}`,
    `   StartTime=${start} EndTime=${end} Deadline=N/A`,
    `   SuspendTime=None SecsPreSuspend=0 LastSchedEval=${
      isoSeconds(job.startTime ?? job.submitTime)
    } Scheduler=${cancelledPending ? "Backfill" : "Main"}`,
    `   Partition=${job.queue} AllocNode:Sid=${r.submitHost ?? engine.loginHost}:2231`,
    `   ReqNodeList=(null) ExcNodeList=(null)`,
    `   NodeList=${nodeListText(job)}`,
  ];
  if (job.nodeList.length > 0) lines.push(`   BatchHost=${job.nodeList[0]}`);
  lines.push(
    `   NumNodes=${r.nodes ?? 1} NumCPUs=${cpus} NumTasks=${
      cancelledPending ? "N/A" : tasks
    } CPUs/Task=${r.cpusPerTask ?? 1} ReqB:S:C:T=0:0:*:*`,
    `   TRES=${tres}`,
    `   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*`,
    `   MinCPUsNode=${perNodeCpus} ${minMemory} MinTmpDiskNode=0`,
    `   Features=(null) DelayBoot=00:00:00`,
    `   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)`,
    `   Command=${annotation(job, NOTE.command) ?? "(null)"}`,
    `   WorkDir=${r.workdir}`,
    `   StdErr=${stderr}`,
    `   StdIn=/dev/null`,
    `   StdOut=${stdout}`,
    `   Power=`,
  );
  return lines;
}

/** The output path scontrol shows before the job has started (patterns with the ids known now). */
function outputPathPreview(
  job: SimJob,
  key: typeof NOTE.outputPattern | typeof NOTE.errorPattern,
): string | undefined {
  const pattern = annotation(job, key);
  if (pattern === undefined) return undefined;
  return resolvePath(job.request.workdir, expandPattern(pattern, job));
}

/** Records scontrol prints for an id: the pending array remainder first, then started tasks, newest first. */
function scontrolJobs(
  engine: SimEngineApi,
  jobs: SimJob[],
): Array<{ job: SimJob; taskText?: string }> {
  const out: Array<{ job: SimJob; taskText?: string }> = [];
  const remainders = new Map<number, SimJob[]>();
  const others: SimJob[] = [];
  for (const job of jobs) {
    if (!inController(engine, job)) continue;
    if (job.arrayJobId !== undefined && job.state === "PENDING" && job.id === job.arrayJobId) {
      const list = remainders.get(job.arrayJobId) ?? [];
      list.push(job);
      remainders.set(job.arrayJobId, list);
    } else others.push(job);
  }
  for (const tasks of remainders.values()) {
    const indices = tasks.map((t) => t.arrayTaskId ?? 0).sort((a, b) => a - b);
    out.push({ job: tasks[0]!, taskText: ranges(indices) });
  }
  others.sort((a, b) => b.id - a.id);
  for (const job of others) out.push({ job });
  return out;
}

/** `scontrol [-o] show job|partition|node [ID]`, `scontrol hold|uhold|release IDS`, `scontrol ping`. */
export const scontrol: SimCommand = (ctx) => {
  const engine = ctx.engine;
  const args = [...ctx.args];
  let oneLiner = false;
  while (args[0]?.startsWith("-")) {
    const flag = args.shift()!;
    if (flag === "-o" || flag === "--oneliner") oneLiner = true;
    else if (flag === "-V" || flag === "--version") return ok(`${VERSION}\n`);
    else if (flag === "-d" || flag === "--details" || flag === "-a" || flag === "--all") continue;
    else {return fail(
        1,
        `scontrol: unrecognized option '${flag}'\nTry "scontrol --help" for more information\n`,
      );}
  }
  const [verb = "", ...rest] = args;
  switch (verb.toLowerCase()) {
    case "ping":
      return ok(`Slurmctld(primary) at ${engine.loginHost} is UP\n`);
    case "show":
      return scontrolShow(ctx, rest, oneLiner);
    case "hold":
    case "uhold":
    case "release":
      return scontrolHoldRelease(engine, verb.toLowerCase(), rest);
    case "version":
      return ok(`${VERSION}\n`);
    default:
      return fail(1, `invalid keyword: ${verb}\n`);
  }
};

function scontrolShow(ctx: SimCommandContext, args: string[], oneLiner: boolean): CommandResult {
  const engine = ctx.engine;
  const [entity = "", id] = args;
  switch (entity.toLowerCase()) {
    case "job":
    case "jobs": {
      let jobs: SimJob[];
      if (id === undefined) {
        jobs = engine.jobs().filter((job) => inController(engine, job));
        if (jobs.length === 0) return ok("No jobs in the system\n");
      } else {
        const parsed = parseJobIdArg(id);
        if (parsed === undefined) return fail(1, `Invalid job id specified: ${id}\n`);
        jobs = engine.find(parsed.id).filter((job) =>
          parsed.task === undefined || job.arrayTaskId === parsed.task
        );
        // `24_3` of a pending remainder shows just that task.
        if (parsed.task !== undefined && jobs.length > 0) {
          const job = jobs[0]!;
          if (!inController(engine, job)) {
            return fail(1, "slurm_load_jobs error: Invalid job id specified\n");
          }
          const record = scontrolRecord(engine, job, String(parsed.task));
          return ok(formatRecord(record, oneLiner));
        }
      }
      const records = scontrolJobs(engine, jobs);
      if (records.length === 0) return fail(1, "slurm_load_jobs error: Invalid job id specified\n");
      return ok(
        records.map((r) => formatRecord(scontrolRecord(engine, r.job, r.taskText), oneLiner)).join(
          "",
        ),
      );
    }
    case "partition":
    case "partitions":
      return ok(
        engine.queues.filter((q) => id === undefined || q.name === id).map((q) =>
          partitionRecord(engine, q.name, oneLiner)
        ).join("") || `Partition ${id} not found\n`,
      );
    case "node":
    case "nodes":
      return ok(
        engine.nodes.filter((n) => id === undefined || n.name === id).map((n) =>
          nodeRecord(engine, n.name, oneLiner)
        ).join("") || `Node ${id} not found\n`,
      );
    default:
      return fail(1, `invalid entity:${entity} for keyword:show \n`);
  }
}

function formatRecord(lines: string[], oneLiner: boolean): string {
  if (oneLiner) return lines.map((l) => l.trim()).join(" ") + " \n";
  return lines.join("\n") + "\n   \n\n";
}

function partitionRecord(engine: SimEngineApi, name: string, oneLiner: boolean): string {
  const queue = engine.queues.find((q) => q.name === name)!;
  const nodes = queue.nodes ?? engine.nodes.map((n) => n.name);
  const specs = engine.nodes.filter((n) => nodes.includes(n.name));
  const cpus = specs.reduce((s, n) => s + n.cpus, 0);
  const mem = specs.reduce((s, n) => s + n.memoryMB, 0);
  const maxTime = queue.maxTimeSeconds === undefined ? "UNLIMITED" : hms(queue.maxTimeSeconds);
  const defTime = queue.defaultTimeSeconds === undefined ? "NONE" : hms(queue.defaultTimeSeconds);
  const lines = [
    `PartitionName=${name}`,
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
  return oneLiner ? lines.map((l) => l.trim()).join(" ") + "\n" : lines.join("\n") + "\n\n";
}

function nodeRecord(engine: SimEngineApi, name: string, oneLiner: boolean): string {
  const node = engine.nodes.find((n) => n.name === name)!;
  const used = nodeUsage(engine, name);
  const state = used.cpus === 0 ? "IDLE" : used.cpus >= node.cpus ? "ALLOCATED" : "MIXED";
  const partitions = engine.queues.filter((q) => q.nodes === undefined || q.nodes.includes(name))
    .map((q) => q.name).join(",");
  const lines = [
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
  return oneLiner ? lines.map((l) => l.trim()).join(" ") + "\n" : lines.join("\n") + "\n\n";
}

function scontrolHoldRelease(engine: SimEngineApi, verb: string, args: string[]): CommandResult {
  const text = args.join(",");
  let stderr = "";
  let code = 0;
  for (const part of text.split(",").filter((p) => p !== "")) {
    const id = parseJobIdArg(part);
    const jobs = id === undefined
      ? []
      : engine.find(id.id).filter((j) => id.task === undefined || j.arrayTaskId === id.task)
        .filter((j) => inController(engine, j));
    const active = jobs.filter((j) => j.state === "PENDING");
    if (jobs.length === 0) {
      stderr += `Invalid job id specified for job ${part}\n`;
      code = 1;
      continue;
    }
    if (active.length === 0) {
      stderr += `Job has already finished for job ${part}\n`;
      code = 1;
      continue;
    }
    if (verb === "release") {
      const released = engine.release(id!.id);
      const annotations = released[0]?.request.annotations;
      if (annotations !== undefined) annotations[NOTE.priority] = String(nextPriority(engine));
    } // `scontrol hold` by root (an operator) is an admin hold; `uhold` and users hold as user.
    else {engine.hold(
        id!.id,
        verb === "hold" && jobs[0]!.request.user === "root" ? "admin" : "user",
      );}
  }
  if (code !== 0) stderr += `slurm_suspend error: Invalid job id specified\n`;
  return { code, stdout: "", stderr };
}
