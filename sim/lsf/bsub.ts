/**
 * `bsub` of IBM Spectrum LSF: options on the command line and, for a script read from stdin
 * (`bsub < job.lsf`), in its `#BSUB` lines (the command line wins), turned into a
 * {@linkcode SimSubmitRequest} with LSF's output files and job environment.
 *
 * Sources: IBM Spectrum LSF 10.1 Command Reference "bsub" (`-J "name[1-10:2]%3"`, `-W [hour:]minute`,
 * `-n`, `-R "span[ptile=N]"`, `-M` in KB unless a unit is given (LSF_UNIT_FOR_LIMITS=KB),
 * `-o/-oo/-e/-eo` with `%J`/`%I`, a directory path giving `<dir>/<jobid>.out`, `-o` without `-e`
 * also taking stderr, without `-o` the output is mailed; `-w "done(1) && ended(2)"`, `-H`,
 * `-P`, `-cwd`, `-env`); the LSF environment variables reference (`LSB_JOBID`, `LSB_JOBINDEX`,
 * `LSB_HOSTS`, `LSB_MCPU_HOSTS`, `LSB_DJOB_HOSTFILE`, `LS_SUBCWD`, `LSB_SUB_HOST`); OpenLava
 * `lsbatch/cmd/cmd.sub.c` and `lsbatch/lib/lsb.err.c` for the messages
 * (`<queue>: No such queue. Job not submitted.`, exit 255).
 *
 * @module
 */

import {
  type SimCommandContext,
  type SimDependency,
  type SimJob,
  SimSubmitRejection,
  type SimSubmitRequest,
} from "../types.ts";
import { type CommandResult, fail, ok, parseIndexList } from "../_common/words.ts";
import { resolvePath } from "../_common/paths.ts";
import { directiveWords } from "../_common/directive_words.ts";

/** Annotation keys bsub stores for bjobs. */
export const LSF_NOTE = {
  dependency: "lsf.dependency",
  project: "lsf.project",
  command: "lsf.command",
  submitCwd: "lsf.sub_cwd",
  outputFile: "lsf.output_file",
  errorFile: "lsf.error_file",
  slots: "lsf.slots",
  baseName: "lsf.job_name",
} as const;

/** Options that take a value (everything else listed in FLAGS is a flag). */
const VALUED = new Set([
  "a",
  "app",
  "b",
  "C",
  "c",
  "cwd",
  "D",
  "E",
  "e",
  "eo",
  "env",
  "Ep",
  "F",
  "f",
  "G",
  "g",
  "gpu",
  "i",
  "io",
  "J",
  "Jd",
  "k",
  "L",
  "M",
  "m",
  "n",
  "o",
  "oo",
  "outdir",
  "P",
  "p",
  "Q",
  "q",
  "R",
  "S",
  "s",
  "sla",
  "sp",
  "T",
  "t",
  "U",
  "u",
  "v",
  "W",
  "We",
  "w",
  "wa",
  "wt",
]);
const FLAGS = new Set(["B", "H", "I", "Ip", "Is", "K", "N", "r", "rn", "x", "h", "V", "Zs"]);
const REPEATABLE = new Set(["R"]);

const USAGE =
  "Usage: bsub [-h] [-V] [-H] [-x] [-r | -rn] [-N] [-B] [-K] [-n min_proc[,max_proc]]\n" +
  "            [-q queue_name] [-m host_name] [-R res_req] [-J job_name] [-w depend_cond]\n" +
  "            [-W [hour:]minute] [-M mem_limit] [-P project_name] [-cwd dir]\n" +
  '            [-o out_file] [-oo out_file] [-e err_file] [-eo err_file] [-env "none" | "all" | var_list]\n' +
  "            [command [argument ...]]\n";

/** Parsed options: last value per option (every value for `-R`) and the operands. */
interface BsubOptions {
  values: Map<string, string[]>;
  operands: string[];
}

function parseOptions(args: readonly string[]): BsubOptions | CommandResult {
  const values = new Map<string, string[]>();
  let index = 0;
  const set = (name: string, value: string) => {
    const list = REPEATABLE.has(name) ? values.get(name) ?? [] : [];
    list.push(value);
    values.set(name, list);
  };
  while (index < args.length) {
    const arg = args[index] as string;
    if (!arg.startsWith("-") || arg === "-") break;
    index++;
    const name = arg.slice(1);
    if (FLAGS.has(name)) {
      set(name, "");
      continue;
    }
    if (VALUED.has(name)) {
      if (index >= args.length) {
        return fail(255, `bsub: option requires an argument -- ${name}\n${USAGE}`);
      }
      set(name, args[index++] as string);
      continue;
    }
    // A one-letter option may carry its value attached (`-n4`).
    const letter = name[0] as string;
    if (VALUED.has(letter) && name.length > 1) {
      set(letter, name.slice(1));
      continue;
    }
    return fail(255, `bsub: illegal option -- ${name}\n${USAGE}`);
  }
  return { values, operands: args.slice(index) };
}

function merge(directives: BsubOptions, commandLine: BsubOptions): Map<string, string[]> {
  const merged = new Map(directives.values);
  for (const [name, list] of commandLine.values) merged.set(name, list);
  return merged;
}

/** `-W [hour:]minute[/host]` to seconds, or `undefined`. */
export function parseRunLimit(text: string): number | undefined {
  const match = /^(?:(\d+):)?(\d+)(?:\/\S+)?$/.exec(text);
  if (!match) return undefined;
  return (Number(match[1] ?? 0) * 60 + Number(match[2])) * 60;
}

const UNIT_KB: Record<string, number> = {
  "": 1,
  K: 1,
  KB: 1,
  M: 1024,
  MB: 1024,
  G: 1024 ** 2,
  GB: 1024 ** 2,
  T: 1024 ** 3,
  TB: 1024 ** 3,
};

/** `-M 4GB`, `-M 512MB`, `-M 100000` (KB) to MB, or `undefined`. */
export function parseMemoryLimit(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]B?)?$/i.exec(text.trim());
  if (!match) return undefined;
  const factor = UNIT_KB[(match[2] ?? "").toUpperCase()] as number;
  return Math.ceil((Number(match[1]) * factor) / 1024);
}

/** `-J "name[1-10:2]%3"` into the base name and the array request. */
export function parseJobName(
  text: string,
):
  | { name: string; array?: { indices: number[]; maxConcurrent?: number }; spec?: string }
  | undefined {
  const match = /^(.*)\[([^\]]*)\](?:%(\d+))?$/.exec(text);
  if (!match) return { name: text };
  const indices = parseIndexList(match[2] as string);
  if (!indices || indices.length === 0 || indices[0] === 0) return undefined;
  const array: { indices: number[]; maxConcurrent?: number } = { indices };
  if (match[3] !== undefined) array.maxConcurrent = Number(match[3]);
  return { name: match[1] as string, array, spec: `[${match[2]}]` };
}

const CONDITIONS: Record<string, SimDependency["type"]> = {
  done: "afterok",
  post_done: "afterok",
  exit: "afternotok",
  post_err: "afternotok",
  ended: "afterany",
  started: "after",
};

/** Splits `-w` into `[condition, job]` terms joined by `&&`; `undefined` on syntax errors or `||`. */
export function parseDependency(
  text: string,
): Array<{ type: SimDependency["type"]; job: string }> | undefined {
  if (text.includes("||") || text.includes("!")) return undefined;
  const terms: Array<{ type: SimDependency["type"]; job: string }> = [];
  for (const raw of text.split("&&")) {
    let term = raw.trim();
    // Grouping parentheses around a term: "(done(1))".
    while (term.startsWith("(") && term.endsWith("))")) term = term.slice(1, -1).trim();
    const call = /^(\w+)\(\s*([^,()]+?)\s*(?:,[^()]*)?\)$/.exec(term);
    if (call) {
      const type = CONDITIONS[call[1] as string];
      if (!type) return undefined;
      terms.push({ type, job: (call[2] as string).replace(/^"|"$/g, "") });
    } else if (/^[\w.\-[\]*]+$/.test(term)) {
      terms.push({ type: "afterok", job: term });
    } else {
      return undefined;
    }
  }
  return terms;
}

/** Output path of `-o`/`-e` for a job: `%J`/`%I` substituted, a directory gets `<jobid>.<ext>`. */
function outputPath(spec: string, job: SimJob, cwd: string, extension: "out" | "err"): string {
  const jobId = String(job.arrayJobId ?? job.id);
  const index = String(job.arrayTaskId ?? 0);
  const path = spec.replaceAll("%J", jobId).replaceAll("%I", index);
  if (path.endsWith("/")) return resolvePath(resolvePath(cwd, path), `${jobId}.${extension}`);
  return resolvePath(cwd, path);
}

/** `bjobs` JOB_NAME of an element: `name[3]`. */
export function elementName(job: SimJob): string {
  const base = job.request.annotations?.[LSF_NOTE.baseName] ?? job.request.name;
  return job.arrayTaskId === undefined ? base : `${base}[${job.arrayTaskId}]`;
}

/** Slots per host of a job, `[host, slots]`, in allocation order. */
export function slotsPerHost(job: SimJob): Array<[string, number]> {
  const perHost = (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
  return job.nodeList.map((host) => [host, perHost]);
}

function environmentFilter(
  spec: string | undefined,
  env: Record<string, string>,
): Record<string, string> {
  if (spec === undefined) return { ...env };
  const items = spec.split(",").map((item) => item.trim()).filter((item) => item !== "");
  const base = items[0]?.toLowerCase() === "none"
    ? {}
    : items.some((i) => i.toLowerCase() === "all")
    ? { ...env }
    : {};
  for (const item of items) {
    const at = item.indexOf("=");
    if (at !== -1) (base as Record<string, string>)[item.slice(0, at)] = item.slice(at + 1);
    else if (!["all", "none"].includes(item.toLowerCase()) && env[item] !== undefined) {
      (base as Record<string, string>)[item] = env[item];
    }
  }
  return base;
}

/** Job layout from `-n` and `-R span[...]`; LSF packs slots onto as few hosts as fit otherwise. */
function layout(
  slots: number,
  requirements: readonly string[],
  maxCpus: number,
): { nodes: number; tasksPerNode: number } | undefined {
  const joined = requirements.join(" ");
  const ptile = /span\[\s*ptile\s*=\s*(\d+)\s*\]/.exec(joined);
  if (ptile) {
    const perHost = Number(ptile[1]);
    if (perHost < 1) return undefined;
    return { nodes: Math.ceil(slots / perHost), tasksPerNode: Math.min(perHost, slots) };
  }
  if (/span\[\s*hosts\s*=\s*1\s*\]/.test(joined) || slots <= maxCpus) {
    return { nodes: 1, tasksPerNode: slots };
  }
  const nodes = Math.ceil(slots / maxCpus);
  return { nodes, tasksPerNode: Math.ceil(slots / nodes) };
}

function submitError(message: string): CommandResult {
  return fail(255, `${message}. Job not submitted.\n`);
}

/** Runs `bsub`. */
export function bsub(ctx: SimCommandContext): CommandResult {
  const engine = ctx.engine;
  const commandLine = parseOptions(ctx.args);
  if ("code" in commandLine) return commandLine;
  let script: string;
  let directives: BsubOptions = { values: new Map(), operands: [] };
  let defaultName: string;
  if (commandLine.operands.length > 0) {
    const command = commandLine.operands.join(" ");
    script = `${command}\n`;
    defaultName = command;
  } else {
    script = ctx.stdin;
    if (script.trim() === "") return fail(255, "No command is specified. Job not submitted.\n");
    const parsed = parseOptions(directiveWords(script, "#BSUB"));
    if ("code" in parsed) return parsed;
    directives = parsed;
    defaultName = script.split("\n")[0] as string;
  }
  const values = merge(directives, commandLine);
  const get = (name: string) => values.get(name)?.[0];

  const named = parseJobName(get("J") ?? defaultName);
  if (!named) return submitError(`${get("J")}: Job array index error`);
  const slotsText = get("n") ?? "1";
  const slotsMatch = /^(\d+)(?:,(\d+))?$/.exec(slotsText);
  if (!slotsMatch || Number(slotsMatch[1]) < 1) return submitError(`${slotsText}: Bad argument`);
  const slots = Number(slotsMatch[1]);
  const maxCpus = Math.max(...engine.nodes.map((node) => node.cpus));
  const shape = layout(slots, values.get("R") ?? [], maxCpus);
  if (!shape) {
    return submitError(`${(values.get("R") ?? []).join(" ")}: Bad resource requirement syntax`);
  }

  const home = ctx.env.HOME ?? `/home/${ctx.user}`;
  const submitCwd = ctx.cwd;
  const workdir = get("cwd") === undefined
    ? submitCwd
    : resolvePath(submitCwd, get("cwd") as string);
  const submitHost = ctx.env.HOSTNAME ?? engine.loginHost;
  const outSpec = get("oo") ?? get("o");
  const errSpec = get("eo") ?? get("e");
  const exported = environmentFilter(get("env"), ctx.env);
  const project = get("P") ?? "default";
  const jobName = get("J") ?? defaultName;

  const outputPaths = (job: SimJob): { stdout: string; stderr: string | null } => {
    // Without -o, LSF mails the output (stdout, stderr and the job report); the simulator
    // keeps that mail as a file in the home directory, which always exists.
    const mail = `${home}/.lsbatch-${job.arrayJobId ?? job.id}${
      job.arrayTaskId === undefined ? "" : `.${job.arrayTaskId}`
    }.mail`;
    const stdout = outSpec === undefined ? mail : outputPath(outSpec, job, workdir, "out");
    if (errSpec === undefined) return { stdout, stderr: null };
    return { stdout, stderr: outputPath(errSpec, job, workdir, "err") };
  };
  const hostFile = (job: SimJob) =>
    `${home}/.lsbatch/${job.arrayJobId ?? job.id}${
      job.arrayTaskId === undefined ? "" : `.${job.arrayTaskId}`
    }.hostfile`;

  const environment = (job: SimJob): Record<string, string> => {
    const hosts = slotsPerHost(job);
    const jobId = String(job.arrayJobId ?? job.id);
    const env: Record<string, string> = {
      ...exported,
      LSB_JOBID: jobId,
      LSB_BATCH_JID: job.arrayTaskId === undefined ? jobId : `${jobId}[${job.arrayTaskId}]`,
      LSB_JOBINDEX: String(job.arrayTaskId ?? 0),
      LSB_JOBNAME: elementName(job),
      LSB_QUEUE: job.queue,
      LSB_HOSTS: hosts.flatMap(([host, n]) => Array<string>(n).fill(host)).join(" "),
      LSB_MCPU_HOSTS: hosts.map(([host, n]) => `${host} ${n}`).join(" ") + " ",
      LSB_DJOB_HOSTFILE: hostFile(job),
      LSB_DJOB_NUMPROC: String(slots),
      LSB_MAX_NUM_PROCESSORS: String(slots),
      LSB_SUB_HOST: submitHost,
      LS_SUBCWD: submitCwd,
      LS_EXECCWD: workdir,
      LSB_PROJECT_NAME: project,
      LSB_EXEC_CLUSTER: "cluster1",
      LSFUSER: ctx.user,
    };
    if (job.arrayTaskId !== undefined) {
      env.LSB_JOBINDEX_END = String(Math.max(...named.array!.indices));
    }
    const paths = outputPaths(job);
    if (outSpec !== undefined) env.LSB_OUTPUTFILE = paths.stdout;
    if (errSpec !== undefined && paths.stderr !== null) env.LSB_ERRORFILE = paths.stderr;
    return env;
  };

  const request: SimSubmitRequest = {
    name: named.name,
    script,
    workdir,
    user: ctx.user,
    submitHost,
    nodes: shape.nodes,
    tasksPerNode: shape.tasksPerNode,
    cpusPerTask: 1,
    hold: values.has("H"),
    exportedEnv: exported,
    outputPaths,
    environment,
    jobFiles: (job) => ({
      [hostFile(job)]: slotsPerHost(job).flatMap(([host, n]) => Array<string>(n).fill(`${host}\n`))
        .join(""),
    }),
    annotations: {
      [LSF_NOTE.baseName]: named.name,
      [LSF_NOTE.project]: project,
      [LSF_NOTE.command]: commandLine.operands.length > 0 ? script.trimEnd() : jobName,
      [LSF_NOTE.submitCwd]: submitCwd,
      [LSF_NOTE.slots]: String(slots),
    },
  };
  if (named.array) request.array = named.array;
  const queue = get("q");
  if (queue !== undefined) request.queue = queue;
  const limit = get("W");
  if (limit !== undefined) {
    const seconds = parseRunLimit(limit);
    if (seconds === undefined) return submitError(`${limit}: Bad RUNLIMIT specification`);
    request.timeLimitSeconds = seconds;
  }
  const memory = get("M");
  if (memory !== undefined) {
    const mb = parseMemoryLimit(memory);
    if (mb === undefined) return submitError(`${memory}: Bad argument`);
    request.memoryMB = mb;
  }
  const gpu = /num=(\d+)/.exec(get("gpu") ?? "");
  if (gpu) request.gpus = Number(gpu[1]);
  if (get("G") !== undefined) request.account = get("G") as string;
  if (outSpec !== undefined) request.annotations![LSF_NOTE.outputFile] = outSpec;
  if (errSpec !== undefined) request.annotations![LSF_NOTE.errorFile] = errSpec;

  const dependency = get("w");
  if (dependency !== undefined) {
    const terms = parseDependency(dependency);
    if (!terms) return submitError(`${dependency}: Dependency condition syntax error`);
    const dependencies: SimDependency[] = [];
    for (const term of terms) {
      const ids = resolveDependencyJob(ctx, term.job);
      if (ids.length === 0) return submitError(`${dependency}: No matching job found`);
      dependencies.push({ type: term.type, jobIds: ids });
    }
    request.dependencies = dependencies;
    request.annotations![LSF_NOTE.dependency] = dependency;
  }

  try {
    const { jobId } = engine.submit(request);
    const where = queue === undefined
      ? `default queue <${engine.find(jobId)[0]?.queue ?? ""}>`
      : `queue <${queue}>`;
    return ok(`Job <${jobId}> is submitted to ${where}.\n`);
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    switch (error.code) {
      case "invalid-queue":
        return submitError(`${error.detail}: No such queue`);
      case "time-limit":
        return submitError("RUNLIMIT: Cannot exceed queue's hard limit(s)");
      case "too-much-memory":
        return submitError("MEMLIMIT: Cannot exceed queue's hard limit(s)");
      case "invalid-array":
        return submitError(`${jobName}: Job array index error`);
      case "invalid-dependency":
        return submitError(`${dependency}: No matching job found`);
      default:
        return submitError("Too many processors requested");
    }
  }
}

/** The engine ids a `-w` job reference names: an id, `id[index]`, or the user's latest job of that name. */
function resolveDependencyJob(ctx: SimCommandContext, reference: string): number[] {
  const element = /^(\d+)(?:\[(\d+)\])?$/.exec(reference);
  if (element) {
    const jobs = ctx.engine.find(Number(element[1]));
    if (jobs.length === 0) return [];
    if (element[2] === undefined) return [Number(element[1])];
    const task = jobs.find((job) => job.arrayTaskId === Number(element[2]));
    return task ? [task.id] : [];
  }
  const pattern = new RegExp(
    `^${reference.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`,
  );
  const named = ctx.engine.jobs().filter((job) =>
    job.request.user === ctx.user &&
    pattern.test(job.request.annotations?.[LSF_NOTE.baseName] ?? job.request.name)
  );
  const last = named[named.length - 1];
  return last ? [last.arrayJobId ?? last.id] : [];
}
