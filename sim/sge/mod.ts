/**
 * The SGE emulator: `qsub`, `qstat`, `qdel`, `qhold`, `qrls` and `qacct` as Son of Grid Engine
 * 8.1.9 prints them (recorded verbatim in `test/fixtures/real-outputs/sge`), over the
 * simulator's engine. Finished jobs leave `qstat` at once; `qacct` knows them afterwards.
 *
 * @module
 */

import { basename, join } from "node:path/posix";
import { type CommandResult, fail, ok, uidOf } from "../_common/command_result.ts";
import { resolvePath } from "../_common/paths.ts";
import { column, ctime, usDateTime } from "../_common/format.ts";
import { splitWords } from "../_common/directive_words.ts";
import { qacctWallclock, runQacct } from "./qacct.ts";
import type {
  SimCommand,
  SimCommandContext,
  SimDependency,
  SimEmulator,
  SimEngineApi,
  SimJob,
  SimSubmitRequest,
} from "../types.ts";
import { SimSubmitRejection } from "../types.ts";

const VERSION = "SGE 8.1.9";
/** PATH of sge_execd, which jobs inherit (not the submitter's). */
const EXECD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const PARALLEL_ENVIRONMENTS = ["make", "smp", "mpi"];
/** How long sge_execd takes to kill a deleted running job (the `dr` state in qstat). */
const KILL_DELAY_MS = 2000;
/** Exit status that puts a job into the error state (Eqw) instead of ending it. */
const ERROR_STATE_EXIT = 100;
const SEPARATOR = "==============================================================";

function annotation(job: SimJob, key: string): string | undefined {
  return job.request.annotations?.[key];
}

function isActive(job: SimJob): boolean {
  return job.state === "PENDING" || job.state === "RUNNING";
}

/** A job in the error state: the script exited 100; it stays in qstat until qdel. */
function inErrorState(job: SimJob): boolean {
  return job.state === "FAILED" && job.exitCode === ERROR_STATE_EXIT &&
    annotation(job, "deleted") === undefined;
}

/** Jobs qmaster still lists: active ones and those in the error state. */
function listed(job: SimJob): boolean {
  return isActive(job) || inErrorState(job);
}

/** SGE's time value: `H:M:S`, `M:S`? no — seconds, or `H:M:S`; `undefined` when invalid. */
function parseSgeTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(\d*):(\d*):(\d*)$/.exec(text);
  if (match === null) return undefined;
  const [h, m, s] = [match[1], match[2], match[3]].map((v) => v === "" ? 0 : Number(v)) as [
    number,
    number,
    number,
  ];
  return h * 3600 + m * 60 + s;
}

/** SGE's memory value (`2G`, `512M`, bytes); MB, `undefined` when invalid. */
function parseSgeMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)$/.exec(text);
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  const mb = unit === "k"
    ? value / 1024
    : unit === "m"
    ? value
    : unit === "g"
    ? value * 1024
    : unit === "t"
    ? value * 1024 * 1024
    : value / 1024 / 1024;
  return Math.ceil(mb);
}

/** `-t 1-3`, `-t 2-10:4`, `-t 5`; `undefined` when invalid. */
function parseTaskRange(text: string): { first: number; last: number; step: number } | undefined {
  const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(text);
  if (match === null) return undefined;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  const step = match[3] === undefined ? 1 : Number(match[3]);
  if (first < 1 || last < first || step < 1) return undefined;
  return { first, last, step };
}

/** SGE's compact task list: `3`, `2,3`, `2-10:4`. */
function taskRangeText(indices: readonly number[]): string {
  if (indices.length === 1) return String(indices[0]);
  if (indices.length === 2) return `${indices[0]},${indices[1]}`;
  const step = indices[1]! - indices[0]!;
  const regular = indices.every((v, i) => i === 0 || v - indices[i - 1]! === step);
  return regular ? `${indices[0]}-${indices[indices.length - 1]}:${step}` : indices.join(",");
}

// -----------------------------------------------------------------------------------------------
// qsub

/** qsub options: name → number of values. */
const QSUB_OPTIONS: Record<string, number> = {
  "-terse": 0,
  "-cwd": 0,
  "-h": 0,
  "-V": 0,
  "-notify": 0,
  "-N": 1,
  "-q": 1,
  "-l": 1,
  "-o": 1,
  "-e": 1,
  "-j": 1,
  "-b": 1,
  "-wd": 1,
  "-t": 1,
  "-tc": 1,
  "-hold_jid": 1,
  "-hold_jid_ad": 1,
  "-S": 1,
  "-v": 1,
  "-sync": 1,
  "-w": 1,
  "-M": 1,
  "-m": 1,
  "-P": 1,
  "-A": 1,
  "-p": 1,
  "-a": 1,
  "-r": 1,
  "-now": 1,
  "-i": 1,
  "-C": 1,
  "-js": 1,
  "-pe": 2,
};

interface QsubArgs {
  options: Array<{ name: string; values: string[] }>;
  positionals: string[];
  error?: CommandResult;
}

function parseQsubArgs(args: readonly string[]): QsubArgs {
  const options: Array<{ name: string; values: string[] }> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      return { options, positionals: args.slice(i) };
    }
    const count = QSUB_OPTIONS[arg];
    if (count === undefined) {
      return {
        options,
        positionals: [],
        error: fail(2, `qsub: invalid option argument "${arg}"\n`),
      };
    }
    const values = args.slice(i + 1, i + 1 + count);
    if (values.length < count) {
      return {
        options,
        positionals: [],
        error: fail(2, `qsub: option "${arg}" requires an argument\n`),
      };
    }
    options.push({ name: arg, values });
    i += count;
  }
  return { options, positionals: [] };
}

function rejected(message: string): CommandResult {
  return fail(1, `Unable to run job: ${message}\nExiting.\n`);
}

/** A rejection by qmaster, which numbers every job it receives before validating it. */
function rejectedByQmaster(engine: SimEngineApi, message: string): CommandResult {
  engine.reserveJobId?.();
  return rejected(message);
}

/** Expands the pseudo variables SGE allows in `-o`/`-e` paths. */
function expandSgePath(pattern: string, job: SimJob, home: string): string {
  return pattern
    .replace(/\$HOME/g, home)
    .replace(/\$USER/g, job.request.user)
    .replace(/\$JOB_ID/g, String(job.arrayJobId ?? job.id))
    .replace(/\$JOB_NAME/g, job.request.name)
    .replace(/\$HOSTNAME/g, job.nodeList[0] ?? "")
    .replace(/\$TASK_ID/g, String(job.arrayTaskId ?? 0));
}

const qsub: SimCommand = (ctx) => {
  const parsed = parseQsubArgs(ctx.args);
  if (parsed.error !== undefined) return parsed.error;
  const home = ctx.env.HOME ?? `/home/${ctx.user}`;
  const cliBinary = parsed.options.some((o) => o.name === "-b" && o.values[0] === "y");

  // The script: a file, stdin, or (-b y) a command.
  let script: string;
  let scriptFile: string;
  let args: string[] = [];
  let defaultName: string;
  if (cliBinary) {
    const [command = "", ...rest] = parsed.positionals;
    script = `${[command, ...rest].join(" ")}\n`;
    scriptFile = command;
    args = rest;
    defaultName = basename(command);
  } else if (parsed.positionals.length > 0) {
    const [file, ...rest] = parsed.positionals as [string, ...string[]];
    const text = ctx.readFile(file);
    if (text === undefined) {
      return fail(
        14,
        `Unable to read script file because of error: error opening ${file}: No such file or directory\n`,
      );
    }
    script = text;
    scriptFile = file;
    args = rest;
    defaultName = basename(file);
  } else {
    script = ctx.stdin;
    scriptFile = "STDIN";
    defaultName = "STDIN";
  }

  // `#$` directives anywhere in the script; the command line wins.
  const directiveArgs: string[] = [];
  if (!cliBinary) {
    for (const line of script.split("\n")) {
      if (line.startsWith("#$")) directiveArgs.push(...splitWords(line.slice(2)));
    }
  }
  const fromScript = parseQsubArgs(directiveArgs);
  if (fromScript.error !== undefined) return fromScript.error;
  const all = [...fromScript.options, ...parsed.options];
  const last = (name: string) => {
    for (let i = all.length - 1; i >= 0; i--) if (all[i]!.name === name) return all[i]!.values;
    return undefined;
  };
  const has = (name: string) => all.some((o) => o.name === name);
  const values = (name: string) => all.filter((o) => o.name === name).map((o) => o.values[0]!);

  const name = last("-N")?.[0] ?? defaultName;
  if (/\s/.test(name)) {
    return rejectedByQmaster(ctx.engine, "Error reading answer list from qmaster");
  }
  const wd = last("-wd")?.[0];
  const workdir = wd !== undefined ? resolvePath(ctx.cwd, wd) : has("-cwd") ? ctx.cwd : home;
  const request: SimSubmitRequest = { name, script, workdir, user: ctx.user };
  const annotations: Record<string, string> = {
    scriptFile,
    sgeOPath: ctx.env.PATH ?? EXECD_PATH,
    sgeOShell: ctx.env.SHELL ?? "/bin/bash",
    sgeOHome: home,
    sgeOLogname: ctx.env.LOGNAME ?? ctx.user,
  };
  if (wd !== undefined || has("-cwd")) annotations.cwd = workdir;
  if (args.length > 0) {
    request.scriptArgs = args;
    annotations.args = args.join(",");
  }
  request.interpreter = cliBinary ? "/bin/sh" : last("-S")?.[0] ?? "/bin/sh";
  if (last("-S") !== undefined) annotations.shell = last("-S")![0]!;

  const queue = last("-q")?.[0];
  if (queue !== undefined) request.queue = queue;

  // Resources.
  const resources = new Map<string, string>();
  for (const list of values("-l")) {
    for (const item of list.split(",")) {
      const [key = "", value = ""] = item.split("=");
      resources.set(key, value);
    }
  }
  const category: string[] = [];
  for (const [key, value] of [...resources].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (key === "h_rt" || key === "s_rt") {
      const seconds = parseSgeTime(value);
      if (seconds === undefined) {
        return rejectedByQmaster(ctx.engine, `attribute "${key}" is not a time value`);
      }
      if (key === "h_rt") request.timeLimitSeconds = seconds;
      else annotations.softLimit = String(seconds);
      category.push(`${key}=${seconds}`);
    } else if (
      key === "h_vmem" || key === "mem_free" || key === "s_vmem" || key === "virtual_free"
    ) {
      const mb = parseSgeMemory(value);
      if (mb === undefined) {
        return rejectedByQmaster(ctx.engine, `attribute "${key}" is not a memory value`);
      }
      request.memoryMB = mb;
      category.push(`${key}=${value}`);
    } else if (key === "gpu" || key === "gpus") {
      request.gpus = Number(value);
      category.push(`${key}=${value}`);
    } else {
      return rejectedByQmaster(ctx.engine, `unknown resource "${key}"`);
    }
  }
  const pe = last("-pe");
  if (pe !== undefined) {
    const [peName = "", slots = "1"] = pe;
    if (!PARALLEL_ENVIRONMENTS.includes(peName)) {
      return rejectedByQmaster(
        ctx.engine,
        `job rejected: the requested parallel environment "${peName}" does not exist`,
      );
    }
    request.cpusPerTask = Number(slots.split("-").pop());
    annotations.pe = peName;
    annotations.peSlots = slots;
  }
  const categoryText = [
    ...(category.length > 0 ? [`-l ${category.join(",")}`] : []),
    ...(pe !== undefined ? [`-pe ${pe[0]} ${pe[1]}`] : []),
  ].join(" ");
  if (categoryText !== "") annotations.category = categoryText;

  const soft = annotations.softLimit === undefined ? undefined : Number(annotations.softLimit);
  if (
    soft !== undefined &&
    (request.timeLimitSeconds === undefined || soft < request.timeLimitSeconds)
  ) {
    // s_rt sends SIGUSR1, whose default action ends the job before h_rt is reached.
    request.timeLimitSeconds = soft;
    annotations.softLimitKills = "1";
  }
  if (has("-h")) request.hold = true;
  const task = last("-t")?.[0];
  if (task !== undefined) {
    const range = parseTaskRange(task);
    if (range === undefined) {
      return fail(
        7,
        `qsub: Numerical value invalid!\nThe initial portion of string "${task}" contains no decimal number\n`,
      );
    }
    const indices: number[] = [];
    for (let i = range.first; i <= range.last; i += range.step) indices.push(i);
    request.array = { indices };
    const tc = last("-tc")?.[0];
    if (tc !== undefined && /^\d+$/.test(tc)) request.array.maxConcurrent = Number(tc);
    annotations.taskRange = `${range.first}-${range.last}:${range.step}`;
  }
  const holdIds: number[] = [];
  const holdRequest: string[] = [];
  for (const list of values("-hold_jid")) {
    for (const item of list.split(",")) {
      holdRequest.push(item);
      if (/^\d+$/.test(item)) {
        holdIds.push(Number(item));
        continue;
      }
      for (const job of ctx.engine.jobs()) {
        if (job.request.name === item && isActive(job)) holdIds.push(job.arrayJobId ?? job.id);
      }
    }
  }
  if (holdRequest.length > 0) {
    const known = [...new Set(holdIds)].filter((id) => ctx.engine.find(id).some(isActive));
    const dependencies: SimDependency[] = [{ type: "afterany", jobIds: known }];
    request.dependencies = dependencies;
    annotations.holdRequest = holdRequest.join(",");
    annotations.holdIds = known.join(",");
  }

  // CommandResult files: <name>.o<id>[.<task>] in the working directory, unless -o/-e.
  const merge = last("-j")?.[0] === "y";
  const outPattern = last("-o")?.[0];
  const errPattern = last("-e")?.[0];
  const fileFor = (job: SimJob, pattern: string | undefined, letter: "o" | "e") => {
    const suffix = `${job.request.name}.${letter}${job.arrayJobId ?? job.id}${
      job.arrayTaskId === undefined ? "" : `.${job.arrayTaskId}`
    }`;
    if (pattern === undefined) return join(workdir, suffix);
    const path = resolvePath(workdir, expandSgePath(pattern, job, home));
    return ctx.engine.readFile(path) === undefined && isDirectoryLike(pattern)
      ? join(path, suffix)
      : path;
  };
  request.outputPaths = (job) => ({
    stdout: fileFor(job, outPattern, "o"),
    stderr: merge ? null : fileFor(job, errPattern, "e"),
  });
  if (merge) annotations.merge = "y";

  const exported: Record<string, string> = {};
  if (has("-V")) Object.assign(exported, ctx.env);
  for (const list of values("-v")) {
    for (const item of list.split(",")) {
      const eq = item.indexOf("=");
      if (eq > 0) exported[item.slice(0, eq)] = item.slice(eq + 1);
      else if (ctx.env[item] !== undefined) exported[item] = ctx.env[item]!;
    }
  }
  request.exportedEnv = exported;
  const engine = ctx.engine;
  request.environment = (job) => sgeEnvironment(engine, job, exported, ctx.env);
  request.spoolPath = (job) =>
    `/var/spool/gridengine/execd/${job.nodeList[0] ?? ""}/job_scripts/${job.arrayJobId ?? job.id}`;
  request.annotations = annotations;

  // -w e: verify the job could ever run.
  if (last("-w")?.[0] === "e") {
    const slots = request.cpusPerTask ?? 1;
    if (!engine.nodes.some((n) => n.cpus >= slots)) {
      return rejectedByQmaster(engine, "error: no suitable queues");
    }
  }

  let jobId: number;
  try {
    jobId = engine.submit(request).jobId;
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    if (error.code === "invalid-queue") {
      return rejectedByQmaster(
        engine,
        `Job was rejected because job requests unknown queue "${error.detail}"`,
      );
    }
    return rejectedByQmaster(engine, "error: no suitable queues");
  }
  const terse = has("-terse");
  const range = annotations.taskRange;
  if (range !== undefined) {
    return ok(
      terse
        ? `${jobId}.${range}\n`
        : `Your job-array ${jobId}.${range} ("${name}") has been submitted\n`,
    );
  }
  return ok(terse ? `${jobId}\n` : `Your job ${jobId} ("${name}") has been submitted\n`);
};

function isDirectoryLike(pattern: string): boolean {
  return pattern.endsWith("/");
}

function sgeEnvironment(
  engine: SimEngineApi,
  job: SimJob,
  exported: Record<string, string>,
  submitEnv: Record<string, string>,
): Record<string, string> {
  const r = job.request;
  const id = job.arrayJobId ?? job.id;
  const task = job.arrayTaskId;
  const home = annotation(job, "sgeOHome") ?? `/home/${r.user}`;
  const node = job.nodeList[0] ?? "";
  const spool = `/var/spool/gridengine/execd/${node}`;
  const paths = r.outputPaths?.(job);
  const slots = r.cpusPerTask ?? 1;
  const range = annotation(job, "taskRange");
  const [first, last, step] = range === undefined
    ? ["undefined", "undefined", "undefined"]
    : /^(\d+)-(\d+):(\d+)$/.exec(range)!.slice(1) as [string, string, string];
  const env: Record<string, string> = {
    ...exported,
    ARC: "lx-amd64",
    HOME: home,
    HOSTNAME: node,
    JOB_ID: String(id),
    JOB_NAME: r.name,
    JOB_SCRIPT: `${spool}/job_scripts/${id}`,
    LOGNAME: r.user,
    NHOSTS: String(job.nodeList.length),
    NQUEUES: String(job.nodeList.length),
    NSLOTS: String(slots),
    PATH: exported.PATH ?? EXECD_PATH,
    QUEUE: job.queue,
    REQNAME: r.name,
    REQUEST: r.name,
    RESTARTED: "0",
    SGE_ACCOUNT: "sge",
    SGE_ARCH: "lx-amd64",
    SGE_BINARY_PATH: "/usr/sbin/lx-amd64",
    SGE_CELL: "default",
    SGE_CWD_PATH: r.workdir,
    SGE_JOB_SPOOL_DIR: `${spool}/active_jobs/${id}.${task ?? 1}`,
    SGE_O_HOME: home,
    SGE_O_HOST: r.submitHost ?? engine.loginHost,
    SGE_O_LOGNAME: annotation(job, "sgeOLogname") ?? r.user,
    SGE_O_PATH: submitEnv.PATH ?? EXECD_PATH,
    SGE_O_SHELL: submitEnv.SHELL ?? "/bin/bash",
    SGE_O_WORKDIR: r.workdir,
    SGE_ROOT: "/var/lib/gridengine",
    SGE_STDERR_PATH: paths?.stderr ?? paths?.stdout ?? "/dev/null",
    SGE_STDIN_PATH: "/dev/null",
    SGE_STDOUT_PATH: paths?.stdout ?? "/dev/null",
    SGE_TASK_FIRST: first,
    SGE_TASK_ID: task === undefined ? "undefined" : String(task),
    SGE_TASK_LAST: last,
    SGE_TASK_STEPSIZE: step,
    SHELL: annotation(job, "shell") ?? "/bin/sh",
    TERM: "",
    TMP: `/tmp/${id}.${task ?? 1}.${job.queue}`,
    USER: r.user,
  };
  const pe = annotation(job, "pe");
  if (pe !== undefined) {
    env.PE = pe;
    env.PE_HOSTFILE = `${spool}/active_jobs/${id}.${task ?? 1}/pe_hostfile`;
    env.SGE_RSH_COMMAND = "builtin";
  }
  return env;
}

// -----------------------------------------------------------------------------------------------
// qstat

const QSTAT_HEADER =
  "job-ID  prior   name       user         state submit/start at     queue                          slots ja-task-ID \n" +
  "-".repeat(113) + "\n";

/** The state letters qstat shows. */
function stateLetters(engine: SimEngineApi, job: SimJob): string {
  if (inErrorState(job)) return "Eqw";
  if (job.state === "RUNNING") return job.terminating ? "dr" : "r";
  const waiting = job.held !== undefined || job.reason === "dependency" ||
    job.reason === "dependency-never-satisfied";
  void engine;
  return waiting ? "hqw" : "qw";
}

function prior(engine: SimEngineApi, job: SimJob): string {
  const letters = stateLetters(engine, job);
  if (letters === "hqw") return "0.00000";
  if (job.reason === "array-task-limit") return "0.00000";
  return letters === "r" || letters === "dr"
    ? "0.75000"
    : letters === "Eqw"
    ? "0.50000"
    : "0.25000";
}

interface QstatLine {
  job: SimJob;
  tasks?: string;
}

/** One line per running task; pending tasks of an array in the same state folded into one. */
function qstatLines(engine: SimEngineApi, jobs: readonly SimJob[]): QstatLine[] {
  const lines: QstatLine[] = [];
  const folded = new Map<string, { first: SimJob; tasks: number[] }>();
  for (const job of jobs) {
    if (job.arrayJobId === undefined) {
      lines.push({ job });
      continue;
    }
    if (job.state === "RUNNING") {
      lines.push({ job, tasks: String(job.arrayTaskId) });
      continue;
    }
    const key = `${job.arrayJobId}/${stateLetters(engine, job)}/${prior(engine, job)}`;
    const entry = folded.get(key);
    if (entry === undefined) {
      const fresh = { first: job, tasks: [job.arrayTaskId ?? 0] };
      folded.set(key, fresh);
      lines.push({ job, tasks: "" });
      (lines[lines.length - 1] as { fold?: typeof fresh }).fold = fresh;
    } else entry.tasks.push(job.arrayTaskId ?? 0);
  }
  return lines.map((line) => {
    const fold = (line as { fold?: { tasks: number[] } }).fold;
    return fold === undefined ? line : { job: line.job, tasks: taskRangeText(fold.tasks) };
  });
}

function qstatRow(engine: SimEngineApi, line: QstatLine, queueColumn: boolean): string {
  const job = line.job;
  const running = job.state === "RUNNING";
  const when = usDateTime(running ? job.startTime! : job.submitTime);
  const queue = running ? `${job.queue}@${job.nodeList[0]}` : "";
  const slots = job.request.cpusPerTask ?? 1;
  const head = `${String(job.arrayJobId ?? job.id).padStart(7)} ${prior(engine, job)} ${
    column(job.request.name, 10, false)
  } ${column(job.request.user, 12, false)} ${column(stateLetters(engine, job), 5, false)} ${when} `;
  if (!queueColumn) {
    return `${head}${String(slots).padStart(5)} ${
      line.tasks === undefined ? "       " : line.tasks
    }`;
  }
  return `${head}${column(queue, 30, false)} ${String(slots).padStart(5)} ${
    line.tasks === undefined ? "       " : line.tasks
  }`;
}

function parseIdList(text: string): string[] {
  return text.split(",").filter((p) => p !== "");
}

const qstat: SimCommand = (ctx) => {
  const engine = ctx.engine;
  const args = [...ctx.args];
  let users: string[] | "all" = [ctx.user];
  let states: string | undefined;
  let detail: string[] | undefined;
  let full = false;
  let resources = false;
  let perTask = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case "-help":
        return ok(`${VERSION}\nusage: qstat [options]\n`);
      case "-u": {
        const value = args[++i] ?? "";
        users = value === "*" ? "all" : value.split(",");
        break;
      }
      case "-s":
        states = args[++i] ?? "";
        break;
      case "-j":
        detail = parseIdList(args[++i] ?? "");
        break;
      case "-f":
        full = true;
        break;
      case "-r":
        resources = true;
        break;
      case "-g": {
        const mode = args[++i] ?? "";
        if (mode === "d") perTask = true;
        break;
      }
      case "-ext":
      case "-pri":
      case "-urg":
        break;
      default:
        return fail(1, `error: ERROR! invalid option argument "${arg}"\n`);
    }
  }
  if (detail !== undefined) return qstatDetail(ctx, detail);
  if (states === "z") return qstatFinished(engine, users);
  let jobs = engine.jobs().filter((job) =>
    listed(job) && (users === "all" || users.includes(job.request.user))
  );
  if (states !== undefined) {
    jobs = jobs.filter((job) => {
      const letters = stateLetters(engine, job);
      return [...states!].some((s) =>
        s === "p"
          ? letters.includes("qw")
          : s === "r"
          ? letters === "r"
          : s === "h"
          ? letters.startsWith("h")
          : s === "a"
      );
    });
  }
  jobs.sort((a, b) => {
    // Running first, then pending by priority and submission.
    const ra = a.state === "RUNNING" ? 0 : 1;
    const rb = b.state === "RUNNING" ? 0 : 1;
    return ra - rb || Number(prior(engine, b)) - Number(prior(engine, a)) ||
      (a.arrayJobId ?? a.id) - (b.arrayJobId ?? b.id) ||
      (a.arrayTaskId ?? 0) - (b.arrayTaskId ?? 0);
  });
  const lines = perTask
    ? jobs.map((job) => ({
      job,
      ...(job.arrayTaskId === undefined ? {} : { tasks: String(job.arrayTaskId) }),
    }))
    : qstatLines(engine, jobs);
  if (full) return ok(qstatFull(engine, lines));
  if (lines.length === 0) return ok("");
  let stdout = QSTAT_HEADER;
  for (const line of lines) {
    stdout += qstatRow(engine, line, true) + "\n";
    if (resources) stdout += resourceLines(engine, line.job);
  }
  return ok(stdout);
};

function resourceLines(engine: SimEngineApi, job: SimJob): string {
  const out = [`       Full jobname:     ${job.request.name}`];
  const pe = annotation(job, "pe");
  if (job.state === "RUNNING") out.push(`       Master Queue:     ${job.queue}@${job.nodeList[0]}`);
  if (pe !== undefined) out.push(`       Requested PE:     ${pe} ${annotation(job, "peSlots")}`);
  if (pe !== undefined && job.state === "RUNNING") {
    out.push(`       Granted PE:       ${pe} ${job.request.cpusPerTask ?? 1}`);
  }
  out.push("       Hard Resources:   ", "       Soft Resources:   ");
  const request = annotation(job, "holdRequest");
  if (request !== undefined) {
    out.push(`       Predecessor Jobs (request): ${request}`);
    out.push(`       Predecessor Jobs: ${annotation(job, "holdIds") ?? ""}`);
  }
  out.push("       Binding:          NONE");
  void engine;
  return out.join("\n") + "\n";
}

function qstatFull(engine: SimEngineApi, lines: QstatLine[]): string {
  let stdout =
    "queuename                      qtype resv/used/tot. load_avg arch          states\n";
  for (const queue of engine.queues) {
    for (
      const node of engine.nodes.filter((n) =>
        queue.nodes === undefined || queue.nodes.includes(n.name)
      )
    ) {
      const running = lines.filter((l) =>
        l.job.state === "RUNNING" && l.job.nodeList[0] === node.name
      );
      const used = running.reduce((s, l) => s + (l.job.request.cpusPerTask ?? 1), 0);
      stdout += "-".repeat(81) + "\n";
      stdout += `${column(`${queue.name}@${node.name}`, 30, false)} BIP   ${
        column(`0/${used}/${node.cpus}`, 14, false)
      } 0.00     lx-amd64      \n`;
      for (const line of running) stdout += qstatRow(engine, line, false) + "\n";
    }
  }
  const pending = lines.filter((l) => l.job.state !== "RUNNING");
  if (pending.length > 0) {
    stdout += "\n" + "#".repeat(76) +
      "\n - PENDING JOBS - PENDING JOBS - PENDING JOBS - PENDING JOBS - PENDING JOBS\n" +
      "#".repeat(76) + "\n";
    for (const line of pending) stdout += qstatRow(engine, line, false) + "\n";
  }
  return stdout;
}

function qstatFinished(engine: SimEngineApi, users: string[] | "all"): CommandResult {
  const finished = engine.jobs().filter((job) =>
    !listed(job) && job.startTime !== undefined &&
    (users === "all" || users.includes(job.request.user))
  ).slice(-100);
  if (finished.length === 0) return ok("");
  let stdout = QSTAT_HEADER;
  for (const job of finished) {
    stdout += `${String(job.arrayJobId ?? job.id).padStart(7)} 0.00000 ${
      column(job.request.name, 10, false)
    } ${column(job.request.user, 12, false)} z     ${usDateTime(job.submitTime)} ${
      " ".repeat(30)
    } ${String(job.request.cpusPerTask ?? 1).padStart(5)} ${
      job.arrayTaskId === undefined ? "       " : String(job.arrayTaskId)
    }\n`;
  }
  return ok(stdout);
}

function field(key: string, value: string): string {
  return `${key.padEnd(28)}${value}\n`;
}

function schedulingInfo(engine: SimEngineApi, job: SimJob): string[] {
  const info: string[] = [];
  const slots = job.request.cpusPerTask ?? 1;
  const pe = annotation(job, "pe");
  const usable = engine.nodes.filter((n) => n.cpus >= slots);
  if (pe !== undefined && usable.length === 0) {
    return [`cannot run in PE "${pe}" because it only offers 0 slots`];
  }
  const used = new Map<string, number>();
  for (const other of engine.jobs()) {
    if (other.state !== "RUNNING") continue;
    for (const node of other.nodeList) {
      used.set(node, (used.get(node) ?? 0) + (other.request.cpusPerTask ?? 1));
    }
  }
  const full = engine.nodes.filter((n) => (used.get(n.name) ?? 0) >= n.cpus);
  for (const node of full) {
    for (const queue of engine.queues) {
      if (queue.nodes === undefined || queue.nodes.includes(node.name)) {
        info.push(`queue instance "${queue.name}@${node.name}" dropped because it is full`);
      }
    }
  }
  if (full.length === engine.nodes.length) {
    info.push("All queues dropped because of overload or full");
  }
  if (job.state === "PENDING" && job.held !== undefined) info.push("Job is in hold state");
  if (job.state === "PENDING" && job.reason === "dependency") {
    info.push("job dropped because of job dependencies");
  }
  return info;
}

function qstatDetailRecord(engine: SimEngineApi, tasks: SimJob[]): string {
  const job = tasks[0]!;
  const r = job.request;
  const id = job.arrayJobId ?? job.id;
  const uid = String(uidOf(r.user));
  let out = SEPARATOR + "\n";
  out += field("job_number:", String(id));
  out += field("exec_file:", `job_scripts/${id}`);
  out += field("submission_time:", ctime(job.submitTime));
  out += field("owner:", r.user);
  out += field("uid:", uid);
  out += field("group:", r.user);
  out += field("gid:", uid);
  out += field("sge_o_home:", annotation(job, "sgeOHome") ?? `/home/${r.user}`);
  out += field("sge_o_path:", annotation(job, "sgeOPath") ?? EXECD_PATH);
  out += field("sge_o_shell:", annotation(job, "sgeOShell") ?? "/bin/bash");
  out += field("sge_o_workdir:", r.workdir);
  out += field("sge_o_host:", r.submitHost ?? engine.loginHost);
  out += field("account:", "sge");
  const cwd = annotation(job, "cwd");
  if (cwd !== undefined) out += field("cwd:", cwd);
  const category = annotation(job, "category");
  const limits = category?.match(/-l (\S+)/)?.[1];
  if (limits !== undefined) out += field("hard resource_list:", limits);
  out += field("mail_list:", `${r.user}@${engine.loginHost}`);
  out += field("notify:", "FALSE");
  out += field("job_name:", r.name);
  out += field("jobshare:", "0");
  const shell = annotation(job, "shell");
  if (shell !== undefined) out += field("shell_list:", `NONE:${shell}`);
  out += field("env_list:", "TERM=NONE");
  const args = annotation(job, "args");
  if (args !== undefined) out += field("job_args:", args);
  out += field("script_file:", annotation(job, "scriptFile") ?? "STDIN");
  const pe = annotation(job, "pe");
  if (pe !== undefined) {
    out += `parallel environment:  ${pe} range: ${annotation(job, "peSlots")}\n`;
  }
  const range = annotation(job, "taskRange");
  if (range !== undefined) out += field("job-array tasks:", range);
  const holdRequest = annotation(job, "holdRequest");
  if (holdRequest !== undefined) {
    out += field("jid_predecessor_list (req):", holdRequest);
    const ids = annotation(job, "holdIds") ?? "";
    if (ids !== "") out += field("jid_predecessor_list:", ids);
  }
  const successors = engine.jobs().filter((other) =>
    isActive(other) && (other.request.dependencies ?? []).some((d) => d.jobIds.includes(id))
  ).map((other) => other.arrayJobId ?? other.id);
  if (successors.length > 0) {
    out += field("jid_successor_list:", [...new Set(successors)].join(","));
  }
  out += field("binding:", "NONE");
  out += field("job_type:", "NONE");
  const running = tasks.filter((t) => t.state === "RUNNING");
  for (const task of running) {
    out += field(
      `usage ${String(task.arrayTaskId ?? 1).padStart(9)}:`,
      "cpu=00:00:00, mem=0.00000 GB s, io=0.00000 GB, vmem=N/A, maxvmem=N/A",
    );
  }
  for (const task of running) {
    out += field(`binding ${String(task.arrayTaskId ?? 1).padStart(7)}:`, "NONE");
  }
  if (inErrorState(job)) {
    out += `error reason ${String(job.arrayTaskId ?? 1).padStart(10)}:      ${
      usDateTime(job.endTime ?? job.submitTime)
    } [${uidOf(r.user)}:${job.id}]: exit_status of job start = ${ERROR_STATE_EXIT}\n`;
  }
  const info = schedulingInfo(engine, job);
  info.forEach((line, i) => {
    out += i === 0 ? field("scheduling info:", line) : `${" ".repeat(28)}${line}\n`;
  });
  return out;
}

function qstatDetail(ctx: SimCommandContext, ids: string[]): CommandResult {
  const engine = ctx.engine;
  let stdout = "";
  const missing: string[] = [];
  for (const text of ids) {
    const jobs = /^\d+$/.test(text)
      ? engine.find(Number(text)).filter(listed)
      : engine.jobs().filter((j) => j.request.name === text && listed(j));
    if (jobs.length === 0) {
      missing.push(text);
      continue;
    }
    stdout += qstatDetailRecord(engine, jobs);
  }
  if (missing.length > 0) {
    return { code: 1, stdout, stderr: `Following jobs do not exist: \n${missing.join("\n")}\n` };
  }
  return ok(stdout);
}

// -----------------------------------------------------------------------------------------------
// qdel, qhold, qrls

const QDEL_USAGE = `${VERSION}
usage: qdel [options] job_task_list
   [-f]                                     force action
   [-help]                                  print this help
   [-u user_list]                           delete all jobs of users specified in list
   job_task_list                            delete all jobs given in list

job_task_list           job_tasks[,job_tasks,...]
job_tasks               [job_id['.'task_id_range]|job_name|pattern][' -t 'task_id_range]
task_id_range           task_id['-'task_id[':'step]]
user_list               user[,user,...]
`;

const qdel: SimCommand = (ctx) => {
  const engine = ctx.engine;
  const targets: string[] = [];
  let taskRange: { first: number; last: number; step: number } | undefined;
  let users: string[] | undefined;
  for (let i = 0; i < ctx.args.length; i++) {
    const arg = ctx.args[i]!;
    if (arg === "-f") continue;
    if (arg === "-t") {
      taskRange = parseTaskRange(ctx.args[++i] ?? "");
      continue;
    }
    if (arg === "-u") {
      users = (ctx.args[++i] ?? "").split(",");
      continue;
    }
    targets.push(...parseIdList(arg));
  }
  if (users !== undefined) {
    for (const job of engine.jobs()) {
      if (listed(job) && users.includes(job.request.user)) {
        targets.push(String(job.arrayJobId ?? job.id));
      }
    }
  }
  if (targets.length === 0 && users === undefined) {
    return fail(1, QDEL_USAGE, "ERROR! no option argument\n");
  }
  let stdout = "";
  let code = 0;
  const uid = uidOf(ctx.user);
  for (const target of [...new Set(targets)]) {
    const dotted = /^(\d+)\.(\d+(?:-\d+(?::\d+)?)?)$/.exec(target);
    const idText = dotted?.[1] ?? target;
    const range = dotted?.[2] === undefined ? taskRange : parseTaskRange(dotted[2]);
    if (!/^\d+$/.test(idText)) {
      const named = engine.jobs().filter((j) => j.request.name === idText && listed(j));
      if (named.length === 0) {
        stdout += `The job ${idText} of user(s) ${ctx.user} does not exist\n`;
        code = 1;
        continue;
      }
      for (const id of new Set(named.map((j) => j.arrayJobId ?? j.id))) {
        stdout += deleteJob(engine, id, undefined, ctx.user, uid);
      }
      continue;
    }
    const id = Number(idText);
    const jobs = engine.find(id).filter(listed);
    if (jobs.length === 0) {
      stdout += `denied: job "${idText}" does not exist\n`;
      code = 1;
      continue;
    }
    stdout += deleteJob(engine, id, range, ctx.user, uid);
  }
  return { code, stdout, stderr: "" };
};

function deleteJob(
  engine: SimEngineApi,
  id: number,
  range: { first: number; last: number; step: number } | undefined,
  user: string,
  uid: number,
): string {
  const jobs = engine.find(id).filter(listed);
  const inRange = (task: number | undefined) =>
    range === undefined ||
    (task !== undefined && task >= range.first && task <= range.last &&
      (task - range.first) % range.step === 0);
  const selected = jobs.filter((j) => inRange(j.arrayTaskId));
  const isArray = selected.some((j) => j.arrayTaskId !== undefined);
  let out = "";
  for (const job of selected) {
    if (inErrorState(job)) {
      job.request.annotations = { ...job.request.annotations, deleted: "1" };
    }
  }
  if (!isArray) {
    const job = selected[0];
    if (job === undefined) return "";
    const wasRunning = job.state === "RUNNING";
    engine.cancel(id, { uid, graceMs: KILL_DELAY_MS });
    return wasRunning
      ? `${user} has registered the job ${id} for deletion\n`
      : `${user} has deleted job ${id}\n`;
  }
  const running = selected.filter((j) => j.state === "RUNNING");
  const pending = selected.filter((j) => j.state !== "RUNNING");
  for (const task of running) {
    engine.cancel(id, { uid, taskId: task.arrayTaskId!, graceMs: KILL_DELAY_MS });
    out += `${user} has registered the job-array task ${id}.${task.arrayTaskId} for deletion\n`;
  }
  for (const task of pending) engine.cancel(id, { uid, taskId: task.arrayTaskId! });
  if (pending.length > 0) {
    out += range !== undefined && pending.length === 1
      ? `${user} has deleted job-array task ${id}.${pending[0]!.arrayTaskId}\n`
      : `${user} has deleted job ${id}\n`;
  }
  return out;
}

function holdCommand(release: boolean): SimCommand {
  return (ctx) => {
    const engine = ctx.engine;
    let stdout = "";
    let code = 0;
    for (const target of ctx.args.flatMap(parseIdList).filter((a) => !a.startsWith("-"))) {
      const id = Number(target);
      const jobs = /^\d+$/.test(target) ? engine.find(id).filter(listed) : [];
      if (jobs.length === 0) {
        stdout += `denied: job "${target}" does not exist\n`;
        code = 3;
        continue;
      }
      if (release) engine.release(id);
      else engine.hold(id, "user");
      stdout += `modified hold of job ${id}\n`;
    }
    return { code, stdout, stderr: "" };
  };
}

// -----------------------------------------------------------------------------------------------
// qacct

function padded(key: string, value: string): string {
  return `${key.padEnd(13)}${value.padEnd(20)}\n`;
}

function plain(key: string, value: string): string {
  return `${key.padEnd(13)}${value}\n`;
}

function qacctRecord(job: SimJob): string {
  const r = job.request;
  const ranJob = job.startTime !== undefined;
  const wallclock = qacctWallclock(job);
  const bySoftLimit = job.state === "TIMEOUT" && annotation(job, "softLimitKills") !== undefined;
  const killedByLimit = job.state === "TIMEOUT" && !bySoftLimit;
  const killed = bySoftLimit || job.state === "CANCELLED" || job.state === "PREEMPTED" ||
    job.state === "NODE_FAIL";
  const exitStatus = bySoftLimit
    ? 128 + 10
    : killedByLimit || killed
    ? 128 + (job.signal ?? 9)
    : job.exitCode ?? 0;
  const failed = killedByLimit
    ? "37  : qmaster enforced h_rt, h_cpu, or h_vmem limit"
    : killed
    ? "100 : assumedly after job"
    : exitStatus === ERROR_STATE_EXIT
    ? "30  : application error returned"
    : "0    ";
  const signalName = exitStatus === 137
    ? " (Killed)"
    : exitStatus === 138
    ? " (User defined signal 1)"
    : "";
  const pe = annotation(job, "pe");
  let out = SEPARATOR + "\n";
  out += padded("qname", job.queue);
  out += padded("hostname", job.nodeList[0] ?? "");
  out += padded("group", r.user);
  out += padded("owner", r.user);
  out += padded("project", "NONE");
  out += padded("department", "defaultdepartment");
  out += padded("jobname", r.name);
  out += padded("jobnumber", String(job.arrayJobId ?? job.id));
  out += job.arrayTaskId === undefined
    ? plain("taskid", "undefined")
    : padded("taskid", String(job.arrayTaskId));
  out += padded("account", "sge");
  out += padded("priority", "0");
  out += plain("qsub_time", ctime(job.submitTime));
  out += plain("start_time", ranJob ? ctime(job.startTime!) : "-/-");
  out += plain("end_time", ranJob ? ctime(job.endTime!) : "-/-");
  out += padded("granted_pe", pe ?? "NONE");
  out += padded("slots", String(r.cpusPerTask ?? 1));
  out += plain("failed", failed);
  out += `${"exit_status".padEnd(13)}${String(exitStatus).padEnd(20)}${signalName}\n`;
  out += plain("ru_wallclock", `${wallclock}s`);
  // Resource usage of a real process; the simulator has none to measure.
  for (const key of ["ru_utime", "ru_stime"]) out += plain(key, "0.000s");
  out += plain("ru_maxrss", "0.000B");
  for (const key of ["ru_ixrss", "ru_ismrss", "ru_idrss", "ru_isrss"]) out += plain(key, "0.000B");
  for (
    const key of [
      "ru_minflt",
      "ru_majflt",
      "ru_nswap",
      "ru_inblock",
      "ru_oublock",
      "ru_msgsnd",
      "ru_msgrcv",
      "ru_nsignals",
      "ru_nvcsw",
      "ru_nivcsw",
    ]
  ) out += padded(key, "0");
  out += plain("cpu", "0.000s");
  out += plain("mem", "0.000Bs");
  out += plain("io", "0.000B");
  out += plain("iow", "0.000s");
  out += plain("maxvmem", "0.000B");
  out += plain("arid", "undefined");
  out += plain("ar_sub_time", "undefined");
  out += plain("category", annotation(job, "category") ?? "NONE");
  return out;
}

const qacct: SimCommand = (ctx) =>
  runQacct(ctx, {
    version: VERSION,
    hasRecord: (job) => job.startTime !== undefined || inErrorState(job),
    record: qacctRecord,
  });

// -----------------------------------------------------------------------------------------------
// The emulator

const COMMLIB = "error: commlib error: got select error (Connection refused)\n";

function unreachable(
  command: string,
  args: readonly string[] = [],
  engine?: SimEngineApi,
): CommandResult {
  const host = engine?.loginHost ?? "qmaster";
  const send =
    `unable to send message to qmaster using port 6444 on host "${host}": got send error\n`;
  switch (command) {
    case "qsub":
      return fail(1, `${COMMLIB}Unable to run job: ${send}Exiting.\n`);
    case "qstat":
      return args.includes("-j")
        ? fail(1, `${COMMLIB}${send}${send}`)
        : fail(1, `${COMMLIB}error: ${send}`);
    default:
      return fail(1, COMMLIB, send);
  }
}

/**
 * The Son of Grid Engine 8.1.9 command-line tools over the simulator's engine: `qsub`, `qstat`,
 * `qdel`, `qhold`, `qrls` and `qacct`.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, sgeEmulator } from "@clusterjob/clusterjob/sim";
 * console.assert("qsub" in sgeEmulator.commands);
 * await using cluster = new SimCluster({ scheduler: "sge", execution: "model", model: () => ({ runtimeSeconds: 5, exitCode: 0 }) });
 * const out = await cluster.run(["qsub", "-terse", "-b", "y", "true"]);
 * console.assert(out.stdout === "1\n");
 * ```
 */
export const sgeEmulator: SimEmulator = {
  kind: "sge",
  // qsub accepts `-pe smp 64` and waits forever; h_rt beyond the queue is refused ("no suitable
  // queues"), as recorded in test/fixtures/real-outputs/sge.
  defaults: {
    queue: "all.q",
    arrayTaskIds: "shared",
    killSignal: 9,
    limits: { cpus: "pend", nodes: "pend", memory: "pend", gpus: "pend", time: "reject" },
  },
  commands: { qsub, qstat, qdel, qhold: holdCommand(false), qrls: holdCommand(true), qacct },
  submitCommands: ["qsub"],
  accountingCommands: ["qacct"],
  unreachable,
  transientSubmitFailure: () =>
    rejected(
      "failed receiving gdi request response for mid=1 (got syncron message receive timeout error).",
    ),
  transientQueryFailure: () =>
    fail(
      1,
      "error: failed receiving gdi request response for mid=1 (got syncron message receive timeout error).\n",
    ),
  accountingFailure: (_command, state) =>
    state === "disabled"
      ? fail(
        1,
        "error: reporting file /var/lib/gridengine/default/common/accounting does not exist\n",
      )
      : fail(1, "/var/lib/gridengine/default/common/accounting: No such file or directory\n"),
};
