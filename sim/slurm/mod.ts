/**
 * The SLURM emulator: `sbatch`, `squeue`, `sacct`, `scancel`, `scontrol` and `sinfo` as SLURM
 * 22.05 prints them (recorded verbatim in `test/fixtures/real-outputs/slurm`), over the
 * simulator's engine. Finished jobs stay visible to `squeue -t all` and `scontrol` for MinJobAge
 * (300 s), then only `sacct` knows them.
 *
 * @module
 */

import { basename } from "node:path/posix";
import { type CommandResult, fail, ok, uidOf } from "../_common/command_result.ts";
import { resolvePath } from "../_common/paths.ts";
import { column, ctime, hms, isoSeconds, ranges, shortDuration } from "../_common/format.ts";
import { directiveWords } from "../_common/directive_words.ts";
import { getopt, type OptionSpec, type ParsedOption } from "../_common/getopt.ts";
import type {
  SimCommand,
  SimCommandContext,
  SimDependency,
  SimEmulator,
  SimEngineApi,
  SimJob,
  SimJobState,
  SimReason,
  SimStateKey,
  SimSubmitRequest,
} from "../types.ts";
import { SimSubmitRejection } from "../types.ts";

/** How long slurmctld remembers a finished job (MinJobAge). */
const MIN_JOB_AGE_MS = 300_000;
/** SLURM's priority of the first job under the recorded configuration; each submission lowers it by one. */
const BASE_PRIORITY = 4294901760;
const VERSION = "slurm-wlm 22.05.8";
const CLUSTER_NAME = "cluster";
const UNREACHABLE = "Unable to contact slurm controller (connect failure)";

// -----------------------------------------------------------------------------------------------
// States and small views

const LONG_STATE: Record<SimJobState, string> = {
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

const COMPACT_STATE: Record<SimJobState, string> = {
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

const VALID_STATES =
  "PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,NODE_FAIL,PREEMPTED,BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,RESV_DEL_HOLD,REQUEUED,REQUEUE_FED,REQUEUE_HOLD,REVOKED,SIGNALING,SPECIAL_EXIT,STAGE_OUT,STOPPED";
const ALL_STATE_WORDS = new Map<string, string>([
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
const ACTIVE: ReadonlySet<SimJobState> = new Set<SimJobState>(["PENDING", "RUNNING"]);

function isFinished(job: SimJob): boolean {
  return !ACTIVE.has(job.state);
}

/** Whether slurmctld still holds the job (active, or finished less than MinJobAge ago). */
function inController(engine: SimEngineApi, job: SimJob): boolean {
  return job.endTime === undefined || engine.now() - job.endTime < MIN_JOB_AGE_MS;
}

function annotation(job: SimJob, key: string): string | undefined {
  return job.request.annotations?.[key];
}

/**
 * SLURM's priority/basic: each job gets one less than the lowest priority given so far, at
 * submission or at release (held jobs show priority 0).
 */
function priorityOf(job: SimJob): number {
  if (job.held !== undefined) return 0;
  const assigned = annotation(job, "priority");
  return assigned === undefined ? BASE_PRIORITY - (job.submitSeq ?? 0) : Number(assigned);
}

/** slurmctld's lowest priority handed out so far, one per simulated cluster. */
const LOWEST_PRIORITY: SimStateKey<{ value: number }> = {
  name: "slurm lowest priority",
  init: () => ({ value: BASE_PRIORITY }),
};

/** Hands out the next priority: one below the lowest so far. */
function nextPriority(engine: SimEngineApi): number {
  const lowest = engine.state(LOWEST_PRIORITY);
  lowest.value -= 1;
  return lowest.value;
}

/** The engine's neutral reasons in slurmctld's words (`slurm/slurm.h.in`, `enum job_state_reason`). */
const REASON: Record<SimReason, string> = {
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

function jobIdText(job: SimJob): string {
  return job.arrayJobId === undefined ? String(job.id) : `${job.arrayJobId}_${job.arrayTaskId}`;
}

function cpusOf(job: SimJob): number {
  const r = job.request;
  return (r.nodes ?? 1) * (r.tasksPerNode ?? 1) * (r.cpusPerTask ?? 1);
}

function memText(mb: number): string {
  return mb % 1024 === 0 && mb > 0 ? `${mb / 1024}G` : `${mb}M`;
}

function limitLong(job: SimJob): string {
  return job.timeLimitSeconds === undefined ? "UNLIMITED" : hms(job.timeLimitSeconds);
}

function limitShort(job: SimJob): string {
  return job.timeLimitSeconds === undefined ? "UNLIMITED" : shortDuration(job.timeLimitSeconds);
}

function runSeconds(engine: SimEngineApi, job: SimJob): number {
  if (job.startTime === undefined) return 0;
  return Math.floor(((job.endTime ?? engine.now()) - job.startTime) / 1000);
}

function nodeListText(job: SimJob): string {
  return compressHosts(job.nodeList);
}

/** `node1,node2,node3` → `node[1-3]`; single names unchanged. */
function compressHosts(hosts: readonly string[]): string {
  const groups = new Map<string, { width: number; numbers: number[] }>();
  const plain: string[] = [];
  for (const host of hosts) {
    const match = /^(.*?)(\d+)$/.exec(host);
    if (match === null) {
      plain.push(host);
      continue;
    }
    const key = `${match[1]}\u0000${match[2]!.length}`;
    const group = groups.get(key) ?? { width: match[2]!.length, numbers: [] };
    group.numbers.push(Number(match[2]));
    groups.set(key, group);
  }
  const parts = [...plain];
  for (const [key, group] of groups) {
    const prefix = key.split("\u0000")[0]!;
    const sorted = [...new Set(group.numbers)].sort((a, b) => a - b);
    const pad = (n: number) => String(n).padStart(group.width, "0");
    if (sorted.length === 1) {
      parts.push(prefix + pad(sorted[0]!));
      continue;
    }
    const text = ranges(sorted).split(",").map((r) =>
      r.split("-").map((n) => pad(Number(n))).join("-")
    )
      .join(",");
    parts.push(`${prefix}[${text}]`);
  }
  return parts.join(",");
}

function dependencyText(engine: SimEngineApi, job: SimJob): string {
  const deps = job.request.dependencies ?? [];
  if (deps.length === 0 || job.state !== "PENDING") return "(null)";
  if (job.reason !== "dependency" && job.reason !== "dependency-never-satisfied") return "(null)";
  const parts: string[] = [];
  for (const dep of deps) {
    for (const id of dep.jobIds) {
      const targets = engine.find(id);
      if (targets.length === 0) continue;
      const failed = targets.some((t) =>
        isFinished(t) &&
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

// -----------------------------------------------------------------------------------------------
// Parsing helpers shared by the commands

/** Parses a SLURM time limit; `null` = invalid, `undefined` seconds = unlimited. Rounds up to minutes. */
function parseSlurmTime(text: string): { seconds: number | undefined } | null {
  const value = text.trim();
  if (/^(unlimited|infinite|-1)$/i.test(value)) return { seconds: undefined };
  let days = 0;
  let rest = value;
  const dash = /^(\d+)-(.*)$/.exec(value);
  if (dash !== null) {
    days = Number(dash[1]);
    rest = dash[2]!;
    if (!/^\d+(:\d+){0,2}$/.test(rest)) return null;
    const [h = 0, m = 0, s = 0] = rest.split(":").map(Number);
    return round(days * 86400 + h * 3600 + m * 60 + s);
  }
  if (!/^\d+(:\d+){0,2}$/.test(rest)) return null;
  const parts = rest.split(":").map(Number);
  let seconds: number;
  if (parts.length === 1) seconds = parts[0]! * 60;
  else if (parts.length === 2) seconds = parts[0]! * 60 + parts[1]!;
  else seconds = parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
  return round(seconds);

  function round(seconds: number): { seconds: number | undefined } {
    if (seconds === 0) return { seconds: undefined };
    return { seconds: Math.ceil(seconds / 60) * 60 };
  }
}

/** Parses a SLURM memory size (default unit MB); `undefined` when invalid. */
function parseSlurmMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(text.trim());
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "").toUpperCase();
  const factor = unit === "K" ? 1 / 1024 : unit === "G" ? 1024 : unit === "T" ? 1024 * 1024 : 1;
  return Math.ceil(value * factor);
}

/** Parses `--array`: indices and `%` limit; `undefined` when invalid. */
function parseSlurmArray(text: string): { indices: number[]; maxConcurrent?: number } | undefined {
  const [spec = "", limit] = text.split("%");
  if (limit !== undefined && !/^\d+$/.test(limit)) return undefined;
  const indices = new Set<number>();
  for (const part of spec.split(",")) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (match === null) return undefined;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (end < start || step < 1 || end > 1000) return undefined;
    for (let i = start; i <= end; i += step) indices.add(i);
  }
  if (indices.size === 0) return undefined;
  const result: { indices: number[]; maxConcurrent?: number } = {
    indices: [...indices].sort((a, b) => a - b),
  };
  if (limit !== undefined) result.maxConcurrent = Number(limit);
  return result;
}

/** Parses `--dependency`; `undefined` when malformed. */
function parseSlurmDependency(text: string): SimDependency[] | undefined {
  const deps: SimDependency[] = [];
  for (const part of text.split(/[,?]/)) {
    if (part === "singleton") continue;
    const [type, ...ids] = part.split(":");
    if (type !== "after" && type !== "afterok" && type !== "afternotok" && type !== "afterany") {
      return undefined;
    }
    if (ids.length === 0) return undefined;
    const jobIds: number[] = [];
    for (const id of ids) {
      const match = /^(\d+)(?:_(\d+|\*))?(?:\+\d+)?$/.exec(id);
      if (match === null) return undefined;
      jobIds.push(Number(match[1]));
    }
    deps.push({ type, jobIds });
  }
  return deps;
}

/** A job id argument: `N`, `N_T`, `N_[...]`; `undefined` when malformed. */
function parseJobIdArg(text: string): { id: number; task?: number } | undefined {
  const match = /^(\d+)(?:_(\d+))?(?:\.\S+)?$/.exec(text.trim());
  if (match === null) return undefined;
  const result: { id: number; task?: number } = { id: Number(match[1]) };
  if (match[2] !== undefined) result.task = Number(match[2]);
  return result;
}

/** Expands `%j %A %a %x %u %N %n %t %%` in an output file pattern. */
function expandPattern(pattern: string, job: SimJob): string {
  return pattern.replace(/%(\d*)([jAaxuNnts%])/g, (_, pad: string, letter: string) => {
    const width = pad === "" ? 0 : Number(pad);
    const p = (v: string | number) => String(v).padStart(width, "0");
    switch (letter) {
      case "j":
        return p(job.id);
      case "A":
        return p(job.arrayJobId ?? job.id);
      case "a":
        return p(job.arrayTaskId ?? 4294967294);
      case "x":
        return job.request.name;
      case "u":
        return job.request.user;
      case "N":
        return job.nodeList[0] ?? "";
      case "n":
      case "t":
        return p(0);
      case "s":
        return "batch";
      default:
        return "%";
    }
  });
}

// -----------------------------------------------------------------------------------------------
// sbatch

const SBATCH_OPTIONS: OptionSpec[] = [
  { key: "job-name", long: "job-name", short: "J", arg: "required" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "time", long: "time", short: "t", arg: "required" },
  { key: "nodes", long: "nodes", short: "N", arg: "required" },
  { key: "ntasks", long: "ntasks", short: "n", arg: "required" },
  { key: "ntasks-per-node", long: "ntasks-per-node", arg: "required" },
  { key: "cpus-per-task", long: "cpus-per-task", short: "c", arg: "required" },
  { key: "mem", long: "mem", arg: "required" },
  { key: "mem-per-cpu", long: "mem-per-cpu", arg: "required" },
  { key: "output", long: "output", short: "o", arg: "required" },
  { key: "error", long: "error", short: "e", arg: "required" },
  { key: "input", long: "input", short: "i", arg: "required" },
  { key: "account", long: "account", short: "A", arg: "required" },
  { key: "gres", long: "gres", arg: "required" },
  { key: "gpus", long: "gpus", short: "G", arg: "required" },
  { key: "array", long: "array", short: "a", arg: "required" },
  { key: "dependency", long: "dependency", short: "d", arg: "required" },
  { key: "hold", long: "hold", short: "H", arg: "none" },
  { key: "parsable", long: "parsable", arg: "none" },
  { key: "quiet", long: "quiet", short: "Q", arg: "none" },
  { key: "wrap", long: "wrap", arg: "required" },
  { key: "chdir", long: "chdir", short: "D", arg: "required" },
  { key: "export", long: "export", arg: "required" },
  { key: "mail-type", long: "mail-type", arg: "required" },
  { key: "mail-user", long: "mail-user", arg: "required" },
  { key: "qos", long: "qos", short: "q", arg: "required" },
  { key: "exclusive", long: "exclusive", arg: "optional" },
  { key: "constraint", long: "constraint", short: "C", arg: "required" },
  { key: "nice", long: "nice", arg: "optional" },
  { key: "requeue", long: "requeue", arg: "none" },
  { key: "no-requeue", long: "no-requeue", arg: "none" },
  { key: "comment", long: "comment", arg: "required" },
  { key: "open-mode", long: "open-mode", arg: "required" },
  { key: "begin", long: "begin", short: "b", arg: "required" },
  { key: "version", long: "version", short: "V", arg: "none" },
  { key: "verbose", long: "verbose", short: "v", arg: "none" },
  { key: "licenses", long: "licenses", short: "L", arg: "required" },
  { key: "reservation", long: "reservation", arg: "required" },
  { key: "exclude", long: "exclude", short: "x", arg: "required" },
  { key: "nodelist", long: "nodelist", short: "w", arg: "required" },
  { key: "signal", long: "signal", arg: "required" },
  { key: "get-user-env", long: "get-user-env", arg: "optional" },
  { key: "priority", long: "priority", arg: "required" },
];

function sbatchUsageError(message: string): CommandResult {
  return fail(255, `sbatch: ${message}\nTry "sbatch --help" for more information\n`);
}

const sbatch: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SBATCH_OPTIONS, true);
  if (parsed.error !== undefined) return sbatchUsageError(parsed.error.message);
  const cli = parsed.options;
  if (cli.some((o) => o.key === "version")) return ok(`${VERSION}\n`);
  const cliValue = (key: string) => lastValue(cli, key);

  // The script: a file, --wrap, or stdin.
  const wrap = cliValue("wrap");
  let script: string;
  let scriptPath: string | undefined;
  let scriptArgs: string[] = [];
  let defaultName: string;
  if (wrap !== undefined) {
    script = `#!/bin/sh\n# This script was created by sbatch --wrap.\n\n${wrap}\n`;
    defaultName = "wrap";
    scriptArgs = [];
  } else if (parsed.positionals.length > 0) {
    const [file, ...rest] = parsed.positionals as [string, ...string[]];
    const text = ctx.readFile(file);
    if (text === undefined) return fail(1, `sbatch: error: Unable to open file ${file}\n`);
    script = text;
    scriptPath = resolvePath(ctx.cwd, file);
    scriptArgs = rest;
    defaultName = basename(file);
  } else {
    script = ctx.stdin;
    defaultName = "sbatch";
  }
  if (script === "") return fail(1, "sbatch: error: Batch script is empty!\n");
  if (!script.startsWith("#!")) {
    return fail(
      1,
      "sbatch: error: This does not look like a batch script.  The first\n" +
        "sbatch: error: line must start with #! followed by the path to an interpreter.\n" +
        "sbatch: error: For instance: #!/bin/sh\n",
    );
  }

  // Directives first, the command line wins.
  const fromScript = getopt(directiveWords(script, "#SBATCH"), SBATCH_OPTIONS, false);
  if (fromScript.error !== undefined) return sbatchUsageError(fromScript.error.message);
  const all = [...fromScript.options, ...cli];
  const value = (key: string) => lastValue(all, key);
  const has = (key: string) => all.some((o) => o.key === key);

  const request: SimSubmitRequest = {
    name: value("job-name") ?? defaultName,
    script,
    workdir: resolvePath(ctx.cwd, value("chdir") ?? ctx.cwd),
    user: ctx.user,
  };
  const annotations: Record<string, string> = {
    command: scriptPath === undefined ? "(null)" : [scriptPath, ...scriptArgs].join(" "),
    account: value("account") ?? ctx.user,
  };
  if (scriptArgs.length > 0) request.scriptArgs = scriptArgs;
  const partition = value("partition");
  if (partition !== undefined) request.queue = partition;

  const time = value("time");
  if (time !== undefined) {
    const parsedTime = parseSlurmTime(time);
    if (parsedTime === null) return fail(255, "sbatch: error: Invalid --time specification\n");
    if (parsedTime.seconds !== undefined) request.timeLimitSeconds = parsedTime.seconds;
  }
  const integer = (key: string, flag: string): number | CommandResult | undefined => {
    const text = value(key);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      return fail(255, `sbatch: error: Invalid numeric value "${text}" for ${flag}.\n`);
    }
    return Number(text);
  };
  const nodes = integer("nodes", "--nodes");
  const ntasks = integer("ntasks", "--ntasks");
  const perNode = integer("ntasks-per-node", "--ntasks-per-node");
  const cpusPerTask = integer("cpus-per-task", "--cpus-per-task");
  for (const v of [nodes, ntasks, perNode, cpusPerTask]) if (typeof v === "object") return v;
  if (typeof nodes === "number") request.nodes = nodes;
  const nodeCount = typeof nodes === "number" ? nodes : 1;
  if (typeof perNode === "number") request.tasksPerNode = perNode;
  else if (typeof ntasks === "number") request.tasksPerNode = Math.ceil(ntasks / nodeCount);
  if (typeof cpusPerTask === "number") request.cpusPerTask = cpusPerTask;
  if (typeof ntasks === "number") annotations.ntasks = String(ntasks);
  if (typeof cpusPerTask === "number") annotations.cpusPerTaskSet = "1";

  const cpusPerNode = (request.tasksPerNode ?? 1) * (request.cpusPerTask ?? 1);
  const mem = value("mem");
  const memPerCpu = value("mem-per-cpu");
  if (mem !== undefined) {
    const mb = parseSlurmMemory(mem);
    if (mb === undefined) return fail(255, "sbatch: error: Invalid --mem specification\n");
    request.memoryMB = mb;
    annotations.memPerNode = String(mb);
  } else if (memPerCpu !== undefined) {
    const mb = parseSlurmMemory(memPerCpu);
    if (mb === undefined) return fail(255, "sbatch: error: Invalid --mem-per-cpu specification\n");
    request.memoryMB = mb * cpusPerNode;
    annotations.memPerCpu = String(mb);
  }
  const gres = value("gres") ?? (value("gpus") === undefined ? undefined : `gpu:${value("gpus")}`);
  if (gres !== undefined) {
    const match = /^gpu(?::[^:,]+)?:(\d+)$/.exec(gres) ?? /^gpu$/.exec(gres);
    if (match === null) {
      return fail(1, "sbatch: error: Invalid generic resource (gres) specification\n");
    }
    request.gpus = match[1] === undefined ? 1 : Number(match[1]);
  }
  if (has("hold")) request.hold = true;
  const array = value("array");
  if (array !== undefined) {
    const parsedArray = parseSlurmArray(array);
    if (parsedArray === undefined) {
      return fail(
        1,
        "sbatch: error: Batch job submission failed: Invalid job array specification\n",
      );
    }
    request.array = parsedArray;
  }
  const dependency = value("dependency");
  if (dependency !== undefined) {
    const deps = parseSlurmDependency(dependency);
    if (deps === undefined) {
      // slurmctld numbers the job before it checks the dependency.
      ctx.engine.reserveJobId?.();
      return fail(1, "sbatch: error: Batch job submission failed: Job dependency problem\n");
    }
    request.dependencies = deps;
  }
  const priority = value("priority");
  if (priority !== undefined && /^\d+$/.test(priority)) request.priority = Number(priority);
  if (value("account") !== undefined) request.account = value("account")!;

  // CommandResult files: patterns resolved when the job starts (ids of array tasks are known then).
  const outputPattern = value("output") ??
    (array === undefined ? "slurm-%j.out" : "slurm-%A_%a.out");
  const errorPattern = value("error");
  const workdir = request.workdir;
  request.outputPaths = (job) => {
    const stdout = resolvePath(workdir, expandPattern(outputPattern, job));
    const stderr = errorPattern === undefined
      ? null
      : resolvePath(workdir, expandPattern(errorPattern, job));
    return { stdout, stderr };
  };
  annotations.outputPattern = outputPattern;
  if (errorPattern !== undefined) annotations.errorPattern = errorPattern;

  // Environment: the submitter's (--export=ALL by default) plus what slurmd adds.
  const exportMode = value("export") ?? "ALL";
  const submitEnv = exportedEnvironment(exportMode, ctx.env);
  request.exportedEnv = submitEnv;
  const engine = ctx.engine;
  request.environment = (job) => slurmEnvironment(engine, job, submitEnv, annotations);
  request.pidVariables = ["SLURM_TASK_PID"];
  request.spoolPath = (job) =>
    `/var/spool/slurmd/job${String(job.id).padStart(5, "0")}/slurm_script`;
  request.killMessage = (job) => {
    const node = job.nodeList[0] ?? "";
    const when = isoSeconds(job.endTime ?? engine.now());
    return job.state === "TIMEOUT"
      ? `slurmstepd-${node}: error: *** JOB ${job.id} ON ${node} CANCELLED AT ${when} DUE TO TIME LIMIT ***\n`
      : `slurmstepd-${node}: error: *** JOB ${job.id} ON ${node} CANCELLED AT ${when} ***\n`;
  };
  if (!has("hold")) annotations.priority = String(nextPriority(engine));
  request.annotations = annotations;

  let jobId: number;
  try {
    jobId = engine.submit(request).jobId;
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    return fail(1, sbatchRejection(error));
  }
  if (has("quiet")) return ok("");
  return ok(has("parsable") ? `${jobId}\n` : `Submitted batch job ${jobId}\n`);
};

function lastValue(options: readonly ParsedOption[], key: string): string | undefined {
  for (let i = options.length - 1; i >= 0; i--) {
    if (options[i]!.key === key) return options[i]!.value;
  }
  return undefined;
}

function sbatchRejection(error: SimSubmitRejection): string {
  const failed = (reason: string) => `sbatch: error: Batch job submission failed: ${reason}\n`;
  switch (error.code) {
    case "invalid-queue":
      return `sbatch: error: invalid partition specified: ${error.detail}\n` +
        failed("Invalid partition name specified");
    case "too-much-memory":
      return "sbatch: error: Memory specification can not be satisfied\n" +
        failed("Requested node configuration is not available");
    case "time-limit":
      return failed("Requested time limit is invalid (missing or exceeds some limit)");
    case "too-many-nodes":
      return failed("Node count specification invalid");
    case "invalid-array":
      return failed("Invalid job array specification");
    case "invalid-dependency":
      return failed("Job dependency problem");
    default:
      return failed("Requested node configuration is not available");
  }
}

function exportedEnvironment(mode: string, env: Record<string, string>): Record<string, string> {
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

function slurmEnvironment(
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
    SLURM_JOB_ACCOUNT: annotations.account ?? r.user,
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
  if (annotations.memPerNode !== undefined) env.SLURM_MEM_PER_NODE = annotations.memPerNode;
  else {env.SLURM_MEM_PER_CPU = annotations.memPerCpu ??
      String(Math.round((r.memoryMB ?? 0) / cpusPerNode));}
  if (annotations.cpusPerTaskSet !== undefined) {
    env.SLURM_CPUS_PER_TASK = String(r.cpusPerTask ?? 1);
  }
  if (annotations.ntasks !== undefined) {
    env.SLURM_NTASKS = annotations.ntasks;
    env.SLURM_NPROCS = annotations.ntasks;
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

function arrayStep(indices: readonly number[]): number {
  if (indices.length < 2) return 1;
  const step = indices[1]! - indices[0]!;
  return indices.every((v, i) => i === 0 || v - indices[i - 1]! === step) ? step : 1;
}

// -----------------------------------------------------------------------------------------------
// squeue

/** A line of squeue: one job, or the pending remainder of an array shown as `A_[...]`. */
interface QueueRecord {
  job: SimJob;
  idText: string;
  /** Raw id shown by %A (the array's id for its pending remainder). */
  rawId: number;
  state: SimJobState;
}

const SQUEUE_FIELDS: Record<
  string,
  { header: string; value: (r: QueueRecord, e: SimEngineApi) => string }
> = {
  i: { header: "JOBID", value: (r) => r.idText },
  A: { header: "JOBID", value: (r) => String(r.rawId) },
  a: { header: "ACCOUNT", value: (r) => annotation(r.job, "account") ?? r.job.request.user },
  F: { header: "ARRAY_JOB_ID", value: (r) => String(r.job.arrayJobId ?? r.job.id) },
  K: {
    header: "ARRAY_TASK_ID",
    value: (r) => r.job.arrayJobId === undefined ? "N/A" : arrayTaskText(r),
  },
  j: { header: "NAME", value: (r) => r.job.request.name },
  u: { header: "USER", value: (r) => r.job.request.user },
  U: { header: "UID", value: (r) => String(uidOf(r.job.request.user)) },
  P: { header: "PARTITION", value: (r) => r.job.queue },
  T: { header: "STATE", value: (r) => LONG_STATE[r.state] },
  t: { header: "ST", value: (r) => COMPACT_STATE[r.state] },
  M: { header: "TIME", value: (r, e) => shortDuration(runSeconds(e, r.job)) },
  l: { header: "TIME_LIMIT", value: (r) => limitShort(r.job) },
  L: {
    header: "TIME_LEFT",
    value: (r, e) =>
      r.job.timeLimitSeconds === undefined
        ? "UNLIMITED"
        : shortDuration(r.job.timeLimitSeconds - runSeconds(e, r.job)),
  },
  D: { header: "NODES", value: (r) => String(r.job.request.nodes ?? 1) },
  C: { header: "CPUS", value: (r) => String(cpusOf(r.job)) },
  R: {
    header: "NODELIST(REASON)",
    value: (r) =>
      r.state === "PENDING" || r.job.nodeList.length === 0 ||
        (r.state !== "RUNNING" && r.job.reason !== "none")
        ? `(${REASON[r.job.reason]})`
        : nodeListText(r.job),
  },
  r: { header: "REASON", value: (r) => REASON[r.job.reason] },
  N: { header: "NODELIST", value: (r) => nodeListText(r.job) },
  V: { header: "SUBMIT_TIME", value: (r) => isoSeconds(r.job.submitTime) },
  S: {
    header: "START_TIME",
    value: (r) => r.job.startTime === undefined ? "N/A" : isoSeconds(r.job.startTime),
  },
  e: {
    header: "END_TIME",
    value: (r) =>
      r.job.endTime !== undefined
        ? isoSeconds(r.job.endTime)
        : r.job.startTime === undefined
        ? "N/A"
        : r.job.timeLimitSeconds === undefined
        ? "NONE"
        : isoSeconds(r.job.startTime + r.job.timeLimitSeconds * 1000),
  },
  Z: { header: "WORK_DIR", value: (r) => r.job.request.workdir },
  Q: { header: "PRIORITY", value: (r) => String(priorityOf(r.job)) },
  p: { header: "PRIORITY", value: (r) => (priorityOf(r.job) / 4294967295).toFixed(8) },
  q: { header: "QOS", value: () => "normal" },
  o: { header: "COMMAND", value: (r) => annotation(r.job, "command") ?? "(null)" },
  E: { header: "DEPENDENCY", value: (r, e) => dependencyText(e, r.job) },
  y: { header: "NICE", value: () => "0" },
  h: { header: "OVER_SUBSCRIBE", value: () => "OK" },
  b: {
    header: "TRES_PER_NODE",
    value: (r) => (r.job.request.gpus ? `gres:gpu:${r.job.request.gpus}` : "N/A"),
  },
  m: { header: "MIN_MEMORY", value: (r) => memText(r.job.request.memoryMB ?? 0) },
  c: {
    header: "MIN_CPUS",
    value: (r) => String((r.job.request.tasksPerNode ?? 1) * (r.job.request.cpusPerTask ?? 1)),
  },
  v: { header: "RESERVATION", value: () => "(null)" },
  x: { header: "EXC_NODES", value: () => "" },
  w: { header: "WCKEY", value: () => "(null)" },
};

/** squeue -O long names → (header, %-letter). */
const SQUEUE_LONG_FIELDS: Record<string, { header: string; letter: string }> = {
  arrayjobid: { header: "ARRAY_JOB_ID", letter: "F" },
  arraytaskid: { header: "ARRAY_TASK_ID", letter: "K" },
  jobid: { header: "JOBID", letter: "i" },
  jobarrayid: { header: "JOBID", letter: "i" },
  name: { header: "NAME", letter: "j" },
  state: { header: "STATE", letter: "T" },
  statecompact: { header: "ST", letter: "t" },
  reason: { header: "REASON", letter: "r" },
  timeused: { header: "TIME", letter: "M" },
  timelimit: { header: "TIME_LIMIT", letter: "l" },
  timeleft: { header: "TIME_LEFT", letter: "L" },
  numcpus: { header: "CPUS", letter: "C" },
  numnodes: { header: "NODES", letter: "D" },
  nodelist: { header: "NODELIST", letter: "N" },
  partition: { header: "PARTITION", letter: "P" },
  username: { header: "USER", letter: "u" },
  userid: { header: "UID", letter: "U" },
  account: { header: "ACCOUNT", letter: "a" },
  submittime: { header: "SUBMIT_TIME", letter: "V" },
  starttime: { header: "START_TIME", letter: "S" },
  endtime: { header: "END_TIME", letter: "e" },
  workdir: { header: "WORK_DIR", letter: "Z" },
  priority: { header: "PRIORITY", letter: "p" },
  prioritylong: { header: "PRIORITY", letter: "Q" },
  command: { header: "COMMAND", letter: "o" },
  dependency: { header: "DEPENDENCY", letter: "E" },
  qos: { header: "QOS", letter: "q" },
};

function arrayTaskText(r: QueueRecord): string {
  const m = /_(.*)$/.exec(r.idText);
  const text = m?.[1] ?? String(r.job.arrayTaskId);
  return text.startsWith("[") ? text.slice(1, -1) : text;
}

interface Column {
  letter: string;
  header: string;
  width: number | undefined;
  right: boolean;
  /** Literal text before this column. */
  prefix: string;
}

/** Parses an `-o` format: literal text and `%[.][width]X` fields. */
function parseFormat(format: string): { columns: Column[]; suffix: string } | string {
  const columns: Column[] = [];
  let literal = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      literal += c;
      continue;
    }
    const match = /^%(\.?)(\d*)([A-Za-z%])/.exec(format.slice(i));
    if (match === null) {
      literal += c;
      continue;
    }
    i += match[0].length - 1;
    if (match[3] === "%") {
      literal += "%";
      continue;
    }
    const field = SQUEUE_FIELDS[match[3]!];
    if (field === undefined) return match[3]!;
    columns.push({
      letter: match[3]!,
      header: field.header,
      width: match[2] === "" ? undefined : Number(match[2]),
      right: match[1] === ".",
      prefix: literal,
    });
    literal = "";
  }
  return { columns, suffix: literal };
}

function parseLongFormat(format: string): { columns: Column[]; suffix: string } | string {
  const columns: Column[] = [];
  for (const item of format.split(",")) {
    const [name = "", width, justify] = item.split(":");
    const field = SQUEUE_LONG_FIELDS[name.toLowerCase()];
    if (field === undefined) return name;
    const right = width?.startsWith(".") ?? false;
    const w = width === undefined || width === "" ? 20 : Number(width.replace(".", ""));
    columns.push({
      letter: field.letter,
      header: field.header,
      // The last column of -O is padded too (with one space added after each field).
      width: w,
      right: right || justify === "right",
      prefix: "",
    });
  }
  return { columns: columns.map((c) => ({ ...c, width: c.width })), suffix: "" };
}

function renderLine(
  layout: { columns: Column[]; suffix: string },
  value: (letter: string) => string,
  separator: string,
): string {
  return layout.columns.map((c) => c.prefix + column(value(c.letter), c.width, c.right) + separator)
    .join("") + layout.suffix;
}

const SQUEUE_OPTIONS: OptionSpec[] = [
  { key: "noheader", long: "noheader", short: "h", arg: "none" },
  { key: "format", long: "format", short: "o", arg: "required" },
  { key: "Format", long: "Format", short: "O", arg: "required" },
  { key: "jobs", long: "jobs", short: "j", arg: "optional" },
  { key: "states", long: "states", short: "t", arg: "required" },
  { key: "user", long: "user", short: "u", arg: "required" },
  { key: "me", long: "me", arg: "none" },
  { key: "array", long: "array", short: "r", arg: "none" },
  { key: "long", long: "long", short: "l", arg: "none" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "name", long: "name", short: "n", arg: "required" },
  { key: "all", long: "all", short: "a", arg: "none" },
  { key: "version", long: "version", short: "V", arg: "none" },
  { key: "sort", long: "sort", short: "S", arg: "required" },
  { key: "verbose", long: "verbose", short: "v", arg: "none" },
];

const DEFAULT_SQUEUE_FORMAT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
const LONG_SQUEUE_FORMAT = "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R";

const squeue: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SQUEUE_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `squeue: ${parsed.error.message}\nTry "squeue --help" for more information\n`);
  }
  const options = parsed.options;
  const get = (key: string) => lastValue(options, key);
  const has = (key: string) => options.some((o) => o.key === key);
  if (has("version")) return ok(`${VERSION}\n`);
  const engine = ctx.engine;
  let stderr = "";

  // -j: ids (a bare -j with ids as positionals is accepted too).
  let wanted: Array<{ id: number; task?: number }> | undefined;
  if (has("jobs")) {
    const text = [get("jobs") ?? "", ...parsed.positionals].filter((t) => t !== "").join(",");
    wanted = [];
    for (const part of text.split(",").filter((p) => p !== "")) {
      const id = parseJobIdArg(part);
      if (id === undefined) return fail(1, `squeue: error: Invalid job id: ${part}\n`);
      wanted.push(id);
    }
  }
  let states: Set<string> | "all" | undefined;
  const stateText = get("states");
  if (stateText !== undefined) {
    if (stateText.toLowerCase() === "all") states = "all";
    else {
      states = new Set();
      for (const word of stateText.split(",")) {
        const state = ALL_STATE_WORDS.get(word.toUpperCase());
        if (state === undefined) {
          return fail(
            1,
            `squeue: error: Invalid job state specified: ${word}\nsqueue: error: Valid job states include: ${VALID_STATES}\n\n`,
          );
        }
        states.add(state);
      }
    }
  }
  let users: Set<string> | undefined;
  if (has("me")) users = new Set([ctx.user]);
  const userText = get("user");
  if (userText !== undefined) {
    users ??= new Set();
    const known = new Set(["root", ctx.user, ...engine.jobs().map((j) => j.request.user)]);
    for (const user of userText.split(",")) {
      if (known.has(user) || /^\d+$/.test(user)) users.add(user);
      else stderr += `squeue: error: Invalid user: ${user}\n\n`;
    }
  }
  const partitions = get("partition")?.split(",");
  const names = get("name")?.split(",");

  // Candidates: what slurmctld still holds.
  let candidates: SimJob[];
  if (wanted !== undefined) {
    const seen = new Set<SimJob>();
    candidates = [];
    for (const w of wanted) {
      for (const job of engine.find(w.id)) {
        if (w.task !== undefined && job.arrayTaskId !== w.task) continue;
        if (!seen.has(job) && inController(engine, job)) {
          seen.add(job);
          candidates.push(job);
        }
      }
    }
    // The quirk: -j fails only when none of the ids is known.
    if (candidates.length === 0 && wanted.length > 0) {
      return fail(1, "slurm_load_jobs error: Invalid job id specified\n");
    }
  } else {
    candidates = engine.jobs().filter((job) => inController(engine, job));
  }
  const selected = candidates.filter((job) => {
    if (
      states === undefined ? !ACTIVE.has(job.state) : states !== "all" && !states.has(job.state)
    ) {
      return false;
    }
    if (users !== undefined && !users.has(job.request.user)) return false;
    if (partitions !== undefined && !partitions.includes(job.queue)) return false;
    if (names !== undefined && !names.includes(job.request.name)) return false;
    return true;
  });
  const records = queueRecords(selected, has("array"));

  const formatText = get("format");
  const longFormat = get("Format");
  const layout = longFormat !== undefined
    ? parseLongFormat(longFormat)
    : parseFormat(formatText ?? (has("long") ? LONG_SQUEUE_FORMAT : DEFAULT_SQUEUE_FORMAT));
  if (typeof layout === "string") {
    return fail(1, `squeue: error: Invalid job format specification: ${layout}\n`);
  }
  const separator = longFormat !== undefined ? "" : "";
  let stdout = "";
  if (has("long") && formatText === undefined && longFormat === undefined && !has("noheader")) {
    stdout += `${ctime(engine.now())}\n`;
  }
  if (!has("noheader")) {
    stdout += renderLine(layout, (letter) => headerOf(layout, letter), separator) + "\n";
  }
  for (const record of records) {
    stdout += renderLine(layout, (letter) =>
      SQUEUE_FIELDS[letter]!.value(record, engine), separator) +
      "\n";
  }
  return { code: 0, stdout, stderr };
};

function headerOf(layout: { columns: Column[] }, letter: string): string {
  return layout.columns.find((c) => c.letter === letter)?.header ?? "";
}

/** Orders jobs as squeue does (state name, then priority) and folds pending array remainders. */
function queueRecords(jobs: readonly SimJob[], perTask: boolean): QueueRecord[] {
  const records: QueueRecord[] = [];
  const remainders = new Map<number, SimJob[]>();
  for (const job of jobs) {
    const pendingRemainder = job.arrayJobId !== undefined && job.state === "PENDING" &&
      job.id === job.arrayJobId;
    if (pendingRemainder && !perTask) {
      const list = remainders.get(job.arrayJobId!) ?? [];
      list.push(job);
      remainders.set(job.arrayJobId!, list);
      continue;
    }
    records.push({ job, idText: jobIdText(job), rawId: job.id, state: job.state });
  }
  for (const [arrayId, tasks] of remainders) {
    const first = tasks[0]!;
    const limit = first.request.array?.maxConcurrent;
    const indices = tasks.map((t) => t.arrayTaskId ?? 0).sort((a, b) => a - b);
    const idText = tasks.length === 1
      ? `${arrayId}_${indices[0]}`
      : `${arrayId}_[${ranges(indices)}${limit === undefined ? "" : `%${limit}`}]`;
    records.push({ job: first, idText, rawId: arrayId, state: "PENDING" });
  }
  return records.sort((a, b) => {
    const sa = LONG_STATE[a.state];
    const sb = LONG_STATE[b.state];
    if (sa !== sb) return sa < sb ? -1 : 1;
    const pa = priorityOf(a.job);
    const pb = priorityOf(b.job);
    if (pa !== pb) return pb - pa;
    const ta = a.job.arrayTaskId ?? 0;
    const tb = b.job.arrayTaskId ?? 0;
    return (a.job.arrayJobId ?? a.job.id) - (b.job.arrayJobId ?? b.job.id) || ta - tb;
  });
}

// -----------------------------------------------------------------------------------------------
// scontrol

function scontrolRecord(engine: SimEngineApi, job: SimJob, taskText?: string): string[] {
  const r = job.request;
  const user = r.user;
  const uid = uidOf(user);
  const pending = job.state === "PENDING";
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
  const memPerNode = annotation(job, "memPerNode");
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
  const stdout = job.stdoutPath ?? outputPathPreview(job, "outputPattern");
  const stderr = job.stderrPath === undefined
    ? outputPathPreview(job, "errorPattern") ?? stdout
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
      annotation(job, "account") ?? user
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
    `   Command=${annotation(job, "command") ?? "(null)"}`,
    `   WorkDir=${r.workdir}`,
    `   StdErr=${stderr}`,
    `   StdIn=/dev/null`,
    `   StdOut=${stdout}`,
    `   Power=`,
  );
  if (pending) return lines;
  return lines;
}

/** The output path scontrol shows before the job has started (patterns with the ids known now). */
function outputPathPreview(job: SimJob, key: "outputPattern" | "errorPattern"): string | undefined {
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

const scontrol: SimCommand = (ctx) => {
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

function nodeUsage(engine: SimEngineApi, name: string): { cpus: number; memoryMB: number } {
  let cpus = 0;
  let memoryMB = 0;
  for (const job of engine.jobs()) {
    if (job.state !== "RUNNING" || !job.nodeList.includes(name)) continue;
    cpus += (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
    memoryMB += job.request.memoryMB ?? 0;
  }
  return { cpus, memoryMB };
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
      if (annotations !== undefined) annotations.priority = String(nextPriority(engine));
    } // `scontrol hold` by root (an operator) is an admin hold; `uhold` and users hold as user.
    else {engine.hold(
        id!.id,
        verb === "hold" && jobs[0]!.request.user === "root" ? "admin" : "user",
      );}
  }
  if (code !== 0) stderr += `slurm_suspend error: Invalid job id specified\n`;
  return { code, stdout: "", stderr };
}

// -----------------------------------------------------------------------------------------------
// scancel

const SCANCEL_OPTIONS: OptionSpec[] = [
  { key: "verbose", long: "verbose", short: "v", arg: "none" },
  { key: "user", long: "user", short: "u", arg: "required" },
  { key: "name", long: "name", short: "n", arg: "required" },
  { key: "state", long: "state", short: "t", arg: "required" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "signal", long: "signal", short: "s", arg: "required" },
  { key: "quiet", long: "quiet", short: "Q", arg: "none" },
  { key: "me", long: "me", arg: "none" },
  { key: "batch", long: "batch", short: "b", arg: "none" },
  { key: "full", long: "full", short: "f", arg: "none" },
];

const scancel: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SCANCEL_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `scancel: ${parsed.error.message}\nTry "scancel --help" for more information\n`);
  }
  const has = (key: string) => parsed.options.some((o) => o.key === key);
  const get = (key: string) => lastValue(parsed.options, key);
  const verbose = has("verbose");
  const engine = ctx.engine;
  const uid = uidOf(ctx.user);
  const ids = parsed.positionals.flatMap((p) => p.split(",")).filter((p) => p !== "");
  const filtered = get("user") !== undefined || has("me") || get("name") !== undefined ||
    get("state") !== undefined || get("partition") !== undefined;
  if (ids.length === 0 && !filtered) {
    return fail(1, "scancel: error: No job identification provided\n");
  }
  const parsedIds: Array<{ id: number; task?: number }> = [];
  for (const text of ids) {
    const id = parseJobIdArg(text);
    if (id === undefined) return fail(1, `scancel: error: Invalid job id ${text}\n`);
    parsedIds.push(id);
  }
  let stderr = "";
  if (ids.length === 0) {
    const user = has("me") ? ctx.user : get("user");
    const name = get("name");
    const state = get("state") === undefined
      ? undefined
      : ALL_STATE_WORDS.get(get("state")!.toUpperCase());
    for (const job of engine.jobs()) {
      if (!ACTIVE.has(job.state)) continue;
      if (user !== undefined && job.request.user !== user) continue;
      if (name !== undefined && job.request.name !== name) continue;
      if (state !== undefined && job.state !== state) continue;
      if (get("partition") !== undefined && job.queue !== get("partition")) continue;
      engine.cancel(job.arrayJobId ?? job.id, {
        uid,
        ...(job.arrayTaskId === undefined ? {} : { taskId: job.arrayTaskId }),
      });
    }
    return ok("");
  }
  for (let i = 0; i < parsedIds.length; i++) {
    const id = parsedIds[i]!;
    const text = ids[i]!;
    if (verbose) stderr += `scancel: Terminating job ${text}\n`;
    const known = engine.find(id.id).filter((j) => inController(engine, j));
    if (known.length === 0) {
      if (verbose) {
        stderr += `scancel: error: Kill job error on job id ${text}: Invalid job id specified\n`;
      }
      continue;
    }
    engine.cancel(id.id, { uid, ...(id.task === undefined ? {} : { taskId: id.task }) });
  }
  return ok("", stderr);
};

// -----------------------------------------------------------------------------------------------
// sacct

interface AcctRow {
  job: SimJob;
  step: boolean;
  /** The state as accounting knows it (lags behind the controller). */
  state: SimJobState;
  end: number | undefined;
}

const SACCT_FIELDS: Record<
  string,
  { width: number; right: boolean; value: (row: AcctRow, now: number) => string }
> = {
  jobid: {
    width: 12,
    right: false,
    value: (row) => jobIdText(row.job) + (row.step ? ".batch" : ""),
  },
  jobidraw: {
    width: 12,
    right: false,
    value: (row) => String(row.job.id) + (row.step ? ".batch" : ""),
  },
  jobname: { width: 10, right: true, value: (row) => row.step ? "batch" : row.job.request.name },
  partition: { width: 10, right: true, value: (row) => row.step ? "" : row.job.queue },
  account: {
    width: 10,
    right: true,
    value: (row) => annotation(row.job, "account") ?? row.job.request.user,
  },
  alloccpus: {
    width: 10,
    right: true,
    value: (row) =>
      String(row.job.startTime === undefined && row.state === "PENDING" ? 0 : cpusOf(row.job)),
  },
  ncpus: { width: 10, right: true, value: (row) => String(cpusOf(row.job)) },
  reqcpus: { width: 8, right: true, value: (row) => String(cpusOf(row.job)) },
  state: { width: 10, right: true, value: (row) => acctState(row) },
  exitcode: { width: 8, right: true, value: (row) => acctExitCode(row) },
  derivedexitcode: { width: 10, right: true, value: () => "0:0" },
  reason: {
    width: 20,
    right: true,
    value: (row) => row.state === "PENDING" ? REASON[row.job.reason] : "None",
  },
  submit: { width: 19, right: true, value: (row) => isoSeconds(row.job.submitTime) },
  eligible: { width: 19, right: true, value: (row) => isoSeconds(row.job.submitTime) },
  start: {
    width: 19,
    right: true,
    value: (row) =>
      row.job.startTime !== undefined && row.state !== "PENDING"
        ? isoSeconds(row.job.startTime)
        : row.state === "CANCELLED"
        // Real 22.05: a held job cancelled while pending gets its cancel time as Start; any other
        // job cancelled while pending has none.
        ? (heldWhenCancelled(row.job) && row.end !== undefined ? isoSeconds(row.end) : "None")
        : "Unknown",
  },
  end: {
    width: 19,
    right: true,
    value: (row) => row.end === undefined ? "Unknown" : isoSeconds(row.end),
  },
  elapsed: {
    width: 10,
    right: true,
    value: (row, now) => hms(acctElapsed(row, now)),
  },
  elapsedraw: { width: 10, right: true, value: (row, now) => String(acctElapsed(row, now)) },
  timelimit: {
    width: 10,
    right: true,
    value: (row) => row.step ? "" : limitLong(row.job),
  },
  nodelist: {
    width: 15,
    right: true,
    value: (row) =>
      row.job.nodeList.length === 0 || row.state === "PENDING"
        ? "None assigned"
        : nodeListText(row.job),
  },
  nnodes: { width: 8, right: true, value: (row) => String(row.job.request.nodes ?? 1) },
  allocnodes: { width: 10, right: true, value: (row) => String(row.job.nodeList.length) },
  reqmem: { width: 10, right: true, value: (row) => memText(row.job.request.memoryMB ?? 0) },
  maxrss: { width: 10, right: true, value: () => "" },
  workdir: { width: 10, right: true, value: (row) => row.step ? "" : row.job.request.workdir },
  user: { width: 9, right: true, value: (row) => row.step ? "" : row.job.request.user },
  uid: {
    width: 6,
    right: true,
    value: (row) => row.step ? "" : String(uidOf(row.job.request.user)),
  },
  group: { width: 9, right: true, value: (row) => row.step ? "" : row.job.request.user },
  cluster: { width: 10, right: true, value: () => CLUSTER_NAME },
  qos: { width: 10, right: true, value: (row) => row.step ? "" : "normal" },
  priority: { width: 10, right: true, value: (row) => String(priorityOf(row.job)) },
  arrayjobid: { width: 15, right: true, value: (row) => String(row.job.arrayJobId ?? row.job.id) },
  arraytaskid: { width: 15, right: true, value: (row) => String(row.job.arrayTaskId ?? "") },
};

const SACCT_HEADERS: Record<string, string> = {
  jobid: "JobID",
  jobidraw: "JobIDRaw",
  jobname: "JobName",
  partition: "Partition",
  account: "Account",
  alloccpus: "AllocCPUS",
  ncpus: "NCPUS",
  reqcpus: "ReqCPUS",
  state: "State",
  exitcode: "ExitCode",
  derivedexitcode: "DerivedExitCode",
  reason: "Reason",
  submit: "Submit",
  eligible: "Eligible",
  start: "Start",
  end: "End",
  elapsed: "Elapsed",
  elapsedraw: "ElapsedRaw",
  timelimit: "Timelimit",
  nodelist: "NodeList",
  nnodes: "NNodes",
  allocnodes: "AllocNodes",
  reqmem: "ReqMem",
  maxrss: "MaxRSS",
  workdir: "WorkDir",
  user: "User",
  uid: "UID",
  group: "Group",
  cluster: "Cluster",
  qos: "QOS",
  priority: "Priority",
  arrayjobid: "ArrayJobID",
  arraytaskid: "ArrayTaskID",
};

function acctState(row: AcctRow): string {
  const job = row.job;
  if (row.step) {
    if (row.state === "TIMEOUT" || row.state === "PREEMPTED") return "CANCELLED";
    return LONG_STATE[row.state];
  }
  if (row.state === "CANCELLED") return `CANCELLED by ${job.cancelledBy ?? 0}`;
  return LONG_STATE[row.state];
}

function acctExitCode(row: AcctRow): string {
  const job = row.job;
  const exit = job.exitCode ?? 0;
  if (row.state === "PENDING" || row.state === "RUNNING") return "0:0";
  if (row.step) {
    if (row.state === "CANCELLED" || row.state === "TIMEOUT" || row.state === "PREEMPTED") {
      return `0:${job.signal ?? 15}`;
    }
    return `${exit}:0`;
  }
  if (row.state === "FAILED" || row.state === "COMPLETED") return `${exit}:0`;
  return "0:0";
}

function acctElapsed(row: AcctRow, now: number): number {
  const job = row.job;
  if (job.startTime === undefined || row.state === "PENDING") return 0;
  return Math.floor((row.end ?? now) / 1000) - Math.floor(job.startTime / 1000);
}

const SACCT_OPTIONS: OptionSpec[] = [
  { key: "jobs", long: "jobs", short: "j", arg: "required" },
  { key: "parsable2", long: "parsable2", short: "P", arg: "none" },
  { key: "parsable", long: "parsable", short: "p", arg: "none" },
  { key: "noheader", long: "noheader", short: "n", arg: "none" },
  { key: "allocations", long: "allocations", short: "X", arg: "none" },
  { key: "format", long: "format", short: "o", arg: "required" },
  { key: "starttime", long: "starttime", short: "S", arg: "required" },
  { key: "endtime", long: "endtime", short: "E", arg: "required" },
  { key: "user", long: "user", short: "u", arg: "required" },
  { key: "allusers", long: "allusers", short: "a", arg: "none" },
  { key: "state", long: "state", short: "s", arg: "required" },
  { key: "completion", long: "completion", short: "c", arg: "none" },
  { key: "brief", long: "brief", short: "b", arg: "none" },
  { key: "name", long: "name", arg: "required" },
  { key: "partition", long: "partition", short: "r", arg: "required" },
  { key: "duplicates", long: "duplicates", short: "D", arg: "none" },
  { key: "version", long: "version", short: "V", arg: "none" },
];

const DEFAULT_SACCT_FORMAT = "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode";

/** Parses sacct's `-S`: `now-10minutes`, `now-1hours`, ISO dates; `undefined` when unknown. */
function parseSacctTime(text: string, now: number): number | undefined {
  const rel = /^now(?:-(\d+)(seconds|minutes|hours|days|weeks)?)?$/i.exec(text);
  if (rel !== null) {
    const amount = Number(rel[1] ?? 0);
    const unit = (rel[2] ?? "seconds").toLowerCase();
    const seconds = { seconds: 1, minutes: 60, hours: 3600, days: 86400, weeks: 604800 }[unit] ?? 1;
    return now - amount * seconds * 1000;
  }
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

const sacct: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SACCT_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `sacct: ${parsed.error.message}\nTry "sacct --help" for more information\n`);
  }
  const has = (key: string) => parsed.options.some((o) => o.key === key);
  const get = (key: string) => lastValue(parsed.options, key);
  if (has("version")) return ok(`${VERSION}\n`);
  const engine = ctx.engine;
  const now = engine.now();
  const completion = has("completion");
  const fieldNames = (get("format") ??
    (has("brief")
      ? "JobID,State,ExitCode"
      : completion
      ? "JobID,JobName,State,ExitCode,Start,End"
      : DEFAULT_SACCT_FORMAT))
    .split(",").filter((f) => f !== "");
  const fields: Array<{ key: string; header: string; width: number; right: boolean }> = [];
  for (const name of fieldNames) {
    const [base = "", width] = name.split("%");
    const key = base.toLowerCase();
    const field = SACCT_FIELDS[key];
    if (field === undefined) return fail(1, `sacct: error: Invalid field requested: "${base}"\n`);
    fields.push({
      key,
      header: SACCT_HEADERS[key] ?? base,
      width: width === undefined ? field.width : Number(width),
      right: field.right,
    });
  }

  // Which jobs.
  let jobs: SimJob[];
  const jobsText = get("jobs");
  if (jobsText !== undefined) {
    jobs = [];
    const seen = new Set<SimJob>();
    for (const part of jobsText.split(",").filter((p) => p !== "")) {
      const id = parseJobIdArg(part);
      if (id === undefined) return fail(1, `sacct: fatal: Bad job/step specified: ${part}\n`);
      for (const job of engine.find(id.id)) {
        if (id.task !== undefined && job.arrayTaskId !== id.task) continue;
        if (!seen.has(job)) {
          seen.add(job);
          jobs.push(job);
        }
      }
    }
  } else {
    const startText = get("starttime");
    const since = startText === undefined
      ? Math.floor(now / 86_400_000) * 86_400_000
      : parseSacctTime(startText, now);
    if (since === undefined) {
      return fail(1, `sacct: error: Invalid time specification (pos=0): ${startText}\n`);
    }
    const user = get("user");
    const everyone = has("allusers") || ctx.user === "root";
    // A time window selects by eligibility: jobs held since submission have none.
    jobs = engine.jobs().filter((job) =>
      (job.endTime ?? now) >= since &&
      !(job.request.hold === true && job.startTime === undefined &&
        (job.held !== undefined || job.state !== "PENDING")) &&
      (user !== undefined
        ? user.split(",").includes(job.request.user)
        : everyone || job.request.user === ctx.user)
    );
  }
  const lag = engineLag(engine);
  const horizon = now - lag;
  let rows: AcctRow[] = [];
  const stateFilter = get("state")?.split(",").map((s) =>
    ALL_STATE_WORDS.get(s.toUpperCase()) ?? s.toUpperCase()
  );
  for (const job of [...jobs].sort(acctOrder)) {
    // Accounting sees each job as it was `lag` ago.
    if (job.submitTime > horizon) continue;
    let state: SimJobState = job.state;
    let end = job.endTime;
    if (end !== undefined && end > horizon) {
      end = undefined;
      state = job.startTime !== undefined && job.startTime <= horizon ? "RUNNING" : "PENDING";
    }
    if (completion && (end === undefined)) continue;
    if (stateFilter !== undefined && !stateFilter.includes(state)) continue;
    rows.push({ job, step: false, state, end });
    const ran = job.startTime !== undefined && job.startTime <= horizon;
    if (ran && !has("allocations") && !completion) rows.push({ job, step: true, state, end });
  }
  if (get("name") !== undefined) {
    const names = get("name")!.split(",");
    rows = rows.filter((r) => names.includes(r.job.request.name));
  }

  const parsable = has("parsable2") || has("parsable");
  const trailer = has("parsable") ? "|" : "";
  let stdout = "";
  if (parsable) {
    if (!has("noheader")) stdout += fields.map((f) => f.header).join("|") + trailer + "\n";
    for (const row of rows) {
      stdout += fields.map((f) => SACCT_FIELDS[f.key]!.value(row, now)).join("|") + trailer + "\n";
    }
    return ok(stdout);
  }
  const cell = (text: string, f: { width: number; right: boolean }) => {
    const cut = text.length > f.width ? text.slice(0, f.width - 1) + "+" : text;
    return f.right ? cut.padStart(f.width) : cut.padEnd(f.width);
  };
  if (!has("noheader")) {
    stdout += fields.map((f) => cell(f.header, f)).join(" ") + " \n";
    stdout += fields.map((f) => "-".repeat(f.width)).join(" ") + " \n";
  }
  for (const row of rows) {
    stdout += fields.map((f) => cell(SACCT_FIELDS[f.key]!.value(row, now), f)).join(" ") + " \n";
  }
  return ok(stdout);
};

function acctOrder(a: SimJob, b: SimJob): number {
  const ka = a.arrayJobId ?? a.id;
  const kb = b.arrayJobId ?? b.id;
  return ka - kb || (a.arrayTaskId ?? 0) - (b.arrayTaskId ?? 0);
}

function engineLag(engine: SimEngineApi): number {
  const lag = (engine as { accountingLagMs?: unknown }).accountingLagMs;
  return typeof lag === "number" ? lag : 0;
}

// -----------------------------------------------------------------------------------------------
// sinfo

const SINFO_OPTIONS: OptionSpec[] = [
  { key: "noheader", long: "noheader", short: "h", arg: "none" },
  { key: "format", long: "format", short: "o", arg: "required" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "Node", long: "Node", short: "N", arg: "none" },
  { key: "version", long: "version", short: "V", arg: "none" },
  { key: "long", long: "long", short: "l", arg: "none" },
];

const sinfo: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SINFO_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `sinfo: ${parsed.error.message}\nTry "sinfo --help" for more information\n`);
  }
  const get = (key: string) => lastValue(parsed.options, key);
  const has = (key: string) => parsed.options.some((o) => o.key === key);
  if (has("version")) return ok(`${VERSION}\n`);
  const engine = ctx.engine;
  const format = get("format") ?? "%9P %.5a %.10l %.6D %.6t %N";
  interface Group {
    partition: string;
    isDefault: boolean;
    limit: string;
    state: string;
    nodes: string[];
    cpus: number;
    memory: number;
  }
  const groups: Group[] = [];
  for (const queue of engine.queues) {
    if (get("partition") !== undefined && get("partition") !== queue.name) continue;
    const names = queue.nodes ?? engine.nodes.map((n) => n.name);
    for (const name of names) {
      const node = engine.nodes.find((n) => n.name === name)!;
      const used = nodeUsage(engine, name).cpus;
      const state = used === 0 ? "idle" : used >= node.cpus ? "alloc" : "mix";
      let group = groups.find((g) => g.partition === queue.name && g.state === state);
      if (group === undefined) {
        group = {
          partition: queue.name,
          isDefault: queue.default ?? false,
          limit: queue.maxTimeSeconds === undefined ? "infinite" : hmsDays(queue.maxTimeSeconds),
          state,
          nodes: [],
          cpus: node.cpus,
          memory: node.memoryMB,
        };
        groups.push(group);
      }
      group.nodes.push(name);
    }
  }
  const letters: Record<string, { header: string; value: (g: Group) => string }> = {
    P: { header: "PARTITION", value: (g) => g.partition + (g.isDefault ? "*" : "") },
    R: { header: "PARTITION", value: (g) => g.partition },
    a: { header: "AVAIL", value: () => "up" },
    l: { header: "TIMELIMIT", value: (g) => g.limit },
    D: { header: "NODES", value: (g) => String(g.nodes.length) },
    t: { header: "STATE", value: (g) => g.state },
    T: {
      header: "STATE",
      value: (g) => g.state === "alloc" ? "allocated" : g.state === "mix" ? "mixed" : g.state,
    },
    N: { header: "NODELIST", value: (g) => compressHosts(g.nodes) },
    c: { header: "CPUS", value: (g) => String(g.cpus) },
    m: { header: "MEMORY", value: (g) => String(g.memory) },
  };
  let stdout = "";
  const render = (value: (letter: string) => string) =>
    format.replace(
      /%(\.?)(\d*)([A-Za-z])/g,
      (_, dot: string, width: string, letter: string) =>
        column(value(letter), width === "" ? undefined : Number(width), dot === "."),
    );
  if (!has("noheader")) stdout += render((l) => letters[l]?.header ?? "") + "\n";
  for (const group of groups) stdout += render((l) => letters[l]?.value(group) ?? "") + "\n";
  return ok(stdout);
};

function hmsDays(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  const base = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return days > 0 ? `${days}-${base.padStart(8, "0")}` : base;
}

// -----------------------------------------------------------------------------------------------
// The emulator

function unreachable(
  command: string,
  args: readonly string[] = [],
  engine?: SimEngineApi,
): CommandResult {
  switch (command) {
    case "sbatch":
      return fail(1, `sbatch: error: Batch job submission failed: ${UNREACHABLE}\n`);
    case "scancel": {
      const id = args.find((a) => !a.startsWith("-")) ?? "0";
      return fail(8, `scancel: error: Kill job error on job id ${id}: ${UNREACHABLE}\n`);
    }
    case "sinfo":
      return fail(1, `slurm_load_partitions: ${UNREACHABLE}\n`);
    case "scontrol":
      if (args.includes("ping")) {
        return fail(
          1,
          "",
          `Slurmctld(primary) at ${engine?.loginHost ?? "controller"} is DOWN\n` +
            "*****************************************\n** RESTORE SLURMCTLD DAEMON TO SERVICE **\n*****************************************\n",
        );
      }
      if (args.some((a) => /^(u?hold|release)$/i.test(a))) {
        return fail(1, `slurm_suspend error: ${UNREACHABLE}\n`);
      }
      return fail(1, `slurm_load_jobs error: ${UNREACHABLE}\n`);
    default:
      return fail(1, `slurm_load_jobs error: ${UNREACHABLE}\n`);
  }
}

/**
 * The SLURM 22.05 command-line tools over the simulator's engine: `sbatch`, `squeue`, `sacct`,
 * `scancel`, `scontrol` (`show job|partition|node`, `hold`, `release`, `ping`) and `sinfo`.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, slurmEmulator } from "@clusterjob/clusterjob/sim";
 * console.assert("sbatch" in slurmEmulator.commands);
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const out = await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
 * console.assert(out.stdout === "1\n");
 * ```
 */
export const slurmEmulator: SimEmulator = {
  kind: "slurm",
  // EnforcePartLimits=NO (the recorded cluster's slurm.conf): impossible cpus/nodes/time pend
  // forever; --mem beyond every node is refused but uses an id.
  defaults: {
    queue: "debug",
    arrayTaskIds: "split",
    killSignal: 15,
    limits: {
      cpus: "pend",
      nodes: "pend",
      time: "pend",
      memory: "reject-recorded",
      gpus: "reject",
    },
  },
  commands: { sbatch, squeue, sacct, scancel, scontrol, sinfo },
  submitCommands: ["sbatch"],
  accountingCommands: ["sacct"],
  unreachable,
  transientSubmitFailure: () =>
    fail(
      1,
      "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n",
    ),
  transientQueryFailure: (command) =>
    command === "scancel"
      ? fail(1, "scancel: error: Kill job error: Socket timed out on send/recv operation\n")
      : fail(1, "slurm_load_jobs error: Socket timed out on send/recv operation\n"),
  accountingFailure: (_command, state) =>
    state === "disabled" ? fail(1, "Slurm accounting storage is disabled\n") : fail(
      1,
      "sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:127.0.0.1:6819: Connection refused\n" +
        "sacct: error: Sending PersistInit msg: Connection refused\n" +
        "sacct: error: Problem talking to the database: Connection refused\n",
    ),
};

/** Whether a job that never started was held (by `--hold` or `scontrol hold`) when it ended. */
function heldWhenCancelled(job: SimJob): boolean {
  return job.startTime === undefined && (job.held !== undefined || job.request.hold === true);
}
