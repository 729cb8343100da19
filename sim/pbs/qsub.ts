/**
 * `qsub` for Torque and PBS Professional: argv and `#PBS` directives (the command line wins),
 * turned into a {@linkcode SimSubmitRequest} with PBS's output file names and job environment.
 *
 * Sources: PBS Professional Reference Guide "qsub" (options, `-J X-Y[:Z][%N]`, `-W depend=`,
 * `-j oe`, default output `<name>.o<seq>` in the submission directory, `^array_index^`, job
 * environment `PBS_O_*`, `PBS_ARRAY_INDEX`, `PBS_NODEFILE`, jobs start in `$HOME`); Torque
 * Administrator Guide "qsub" (`-t 1-10%2`, `-d`/`-w` working directory, `-F` script
 * arguments, `PBS_ARRAYID`, output `<name>.o<seq>-<index>` for arrays, `PBS_NUM_NODES`,
 * `PBS_NUM_PPN`, `PBS_NP`).
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
import { exitFor, type PbsDialect, PBSE } from "./dialect.ts";
import { getopt } from "./_options.ts";
import { jobIdOf, jobNameOf, NOTE, parseJobRef } from "./_jobs.ts";
import { layoutOf, parseResourceLists, type PbsLayout, PbsResourceError } from "./_resources.ts";
import { baseName, type CommandResult, fail, ok, parseIndexList } from "../_common/words.ts";
import { resolvePath } from "../_common/paths.ts";
import { directiveWords } from "../_common/directive_words.ts";

const COMMON_SPEC = "a:A:c:C:e:hIj:k:l:m:M:N:o:p:q:r:S:u:v:VW:z";
const SPEC = { pbs: COMMON_SPEC + "t:d:w:F:D:nx", pbspro: COMMON_SPEC + "J:P:R:XfG" } as const;

const USAGE = {
  pbs: "usage: qsub [-a date_time] [-A account_string] [-d path] [-e path] [-F args] [-h]\n" +
    "  [-j oe|eo|n] [-l resource_list] [-N name] [-o path] [-q destination] [-t array_request]\n" +
    "  [-v variable_list] [-V] [-W additional_attributes] [script]\n",
  pbspro: "usage: qsub [-a date_time] [-A account_string] [-e path] [-h] [-j oe|eo]\n" +
    "  [-J X-Y[:Z][%N]] [-l resource_list] [-N jobname] [-o path] [-P project] [-q queue]\n" +
    "  [-v variable_list] [-V ] [-W otherattributes=value...] [script | -- command [arg1 ...]]\n" +
    "       qsub --version\n",
} as const;

/** The merged options of directives and command line. */
interface QsubOptions {
  /** Last value of each single-valued option. */
  single: Map<string, string>;
  /** Every `-l` list, directives first. */
  resourceLists: string[];
  /** Every `-v` list, directives first. */
  variableLists: string[];
  /** Every `-W` value, directives first. */
  attributeLists: string[];
}

function usageError(dialect: PbsDialect, message: string): CommandResult {
  return fail(2, `qsub: ${message}\n${USAGE[dialect.kind]}`);
}

function mergeOptions(groups: Array<Array<[string, string]>>): QsubOptions {
  const merged: QsubOptions = {
    single: new Map(),
    resourceLists: [],
    variableLists: [],
    attributeLists: [],
  };
  for (const options of groups) {
    for (const [letter, value] of options) {
      if (letter === "l") merged.resourceLists.push(value);
      else if (letter === "v") merged.variableLists.push(value);
      else if (letter === "W") merged.attributeLists.push(value);
      else merged.single.set(letter, value);
    }
  }
  return merged;
}

/** Array request of `-t` (Torque: `1-10%2`, `1,3,5-7`) or `-J` (Pro: `X-Y[:Z][%N]`, X < Y). */
function parseArray(
  dialect: PbsDialect,
  spec: string,
): { indices: number[]; maxConcurrent?: number } | undefined {
  const [list = "", limit] = spec.split("%");
  if (limit !== undefined && !/^[1-9]\d*$/.test(limit)) return undefined;
  if (dialect.kind === "pbspro") {
    const match = /^(\d+)-(\d+)(?::(\d+))?$/.exec(list);
    if (!match || Number(match[1]) >= Number(match[2])) return undefined;
  }
  const indices = parseIndexList(list);
  if (!indices || indices.length === 0) return undefined;
  return limit === undefined ? { indices } : { indices, maxConcurrent: Number(limit) };
}

const DEPENDENCY_TYPES: Record<string, SimDependency["type"]> = {
  after: "after",
  afterok: "afterok",
  afternotok: "afternotok",
  afterany: "afterany",
  afterstartarray: "after",
  afterokarray: "afterok",
  afternotokarray: "afternotok",
  afteranyarray: "afterany",
};

/** `-W depend=afterok:12.server:13,afterany:14[]` into dependencies; `undefined` when malformed. */
function parseDepend(
  value: string,
): Array<{ type: SimDependency["type"]; refs: string[] }> | undefined {
  const result: Array<{ type: SimDependency["type"]; refs: string[] }> = [];
  for (const clause of value.split(",")) {
    const [typeName = "", ...refs] = clause.split(":");
    const type = DEPENDENCY_TYPES[typeName];
    if (!type || refs.length === 0 || refs.some((ref) => parseJobRef(ref) === undefined)) {
      return undefined;
    }
    result.push({ type, refs });
  }
  return result;
}

/** `-v A=1,B` with B taken from the submitter's environment. */
function parseVariables(
  lists: readonly string[],
  env: Record<string, string>,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const list of lists) {
    for (const item of list.split(",")) {
      if (item === "") continue;
      const at = item.indexOf("=");
      if (at === -1) variables[item] = env[item] ?? "";
      else variables[item.slice(0, at)] = item.slice(at + 1);
    }
  }
  return variables;
}

/** Resource_List as qstat -f shows it: the request plus the server's defaults. */
function resourceList(
  dialect: PbsDialect,
  resources: Map<string, string>,
  layout: PbsLayout,
): Array<[string, string]> {
  const list = new Map(resources);
  if (!list.has("nodect")) list.set("nodect", String(layout.nodes));
  if (dialect.kind === "pbspro") {
    const ncpus = layout.tasksPerNode * layout.cpusPerTask;
    if (!list.has("select")) {
      const mpiprocs = layout.tasksPerNode > 1 ? `:mpiprocs=${layout.tasksPerNode}` : "";
      list.set("select", `${layout.nodes}:ncpus=${ncpus}${mpiprocs}`);
    }
    if (!list.has("ncpus")) list.set("ncpus", String(ncpus * layout.nodes));
    if (!list.has("place")) list.set("place", "pack");
  } else if (!list.has("nodes") && !list.has("ncpus")) {
    list.set("nodes", String(layout.nodes));
  }
  return [...list.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Where `-o`/`-e` (or the default `<name>.<o|e><seq>`) puts a job's stream. */
function streamPath(
  dialect: PbsDialect,
  spec: string | undefined,
  letter: "o" | "e",
  name: string,
  submitCwd: string,
  job: SimJob,
): string {
  const seq = job.arrayJobId ?? job.id;
  const index = job.arrayTaskId;
  const suffix = index === undefined ? "" : dialect.kind === "pbspro" ? `.${index}` : `-${index}`;
  const defaultName = `${name}.${letter}${seq}${suffix}`;
  if (spec === undefined) return resolvePath(submitCwd, defaultName);
  const path = spec.replace(/^[^/:]*:/, "").replaceAll("^array_index^", String(index ?? ""));
  if (path.endsWith("/")) return resolvePath(resolvePath(submitCwd, path), defaultName);
  const resolved = resolvePath(submitCwd, path);
  // Torque keeps array subjobs apart by appending "-<index>" to an explicit file name.
  return dialect.kind === "pbs" && index !== undefined ? `${resolved}-${index}` : resolved;
}

/** Parsed `qsub` invocation ready for the engine. */
interface QsubPlan {
  request: SimSubmitRequest;
  dependencyRefs: Array<{ type: SimDependency["type"]; refs: string[] }>;
}

function plan(ctx: SimCommandContext, dialect: PbsDialect): QsubPlan | CommandResult {
  const parsed = getopt(ctx.args, SPEC[dialect.kind]);
  if ("error" in parsed) return usageError(dialect, parsed.error);
  const server = ctx.engine.loginHost;
  const submitHost = ctx.env.HOSTNAME ?? ctx.engine.loginHost;
  let script: string;
  let name: string;
  let scriptArgs: string[] = [];
  if (parsed.sawDoubleDash && dialect.kind === "pbspro") {
    if (parsed.operands.length === 0) return usageError(dialect, "no executable given after --");
    const [executable = "", ...rest] = parsed.operands;
    script = `#!/bin/sh\n${[executable, ...rest].join(" ")}\n`;
    name = baseName(executable);
    scriptArgs = [];
  } else if (parsed.operands.length > 0) {
    const path = parsed.operands[0] as string;
    const text = ctx.readFile(path);
    if (text === undefined) {
      return fail(
        1,
        dialect.kind === "pbs"
          ? `qsub: script file '${path}' cannot be loaded - No such file or directory\n`
          : `qsub: script file:: No such file or directory\n`,
      );
    }
    if (parsed.operands.length > 1) return usageError(dialect, "too many arguments");
    script = text;
    name = baseName(path);
  } else {
    script = ctx.stdin;
    name = "STDIN";
  }
  const directives = getopt(directiveWords(script, "#PBS"), SPEC[dialect.kind]);
  if ("error" in directives) return fail(1, `qsub: directive error: ${directives.error}\n`);
  const options = mergeOptions([directives.options, parsed.options]);
  const single = options.single;
  if (single.has("N")) name = single.get("N") as string;
  if (dialect.kind === "pbs" && single.has("F")) {
    scriptArgs = single.get("F")!.split(/\s+/).filter((word) => word !== "");
  }

  let resources: Map<string, string>;
  let layout: PbsLayout;
  try {
    resources = parseResourceLists(options.resourceLists);
    layout = layoutOf(resources);
  } catch (error) {
    if (error instanceof PbsResourceError) return usageError(dialect, "illegal -l value");
    throw error;
  }

  const join = single.get("j") ?? "n";
  if (!["oe", "eo", "n"].includes(join)) return usageError(dialect, "illegal -j value");

  const arrayOption = dialect.arrayOption;
  let array: SimSubmitRequest["array"];
  const arraySpec = single.get(arrayOption);
  if (arraySpec !== undefined) {
    array = parseArray(dialect, arraySpec);
    if (!array) return usageError(dialect, `illegal -${arrayOption} value`);
  }

  const dependencyRefs: QsubPlan["dependencyRefs"] = [];
  for (const attribute of options.attributeLists) {
    for (const item of attribute.split(/,(?=[A-Za-z_]+=)/)) {
      const at = item.indexOf("=");
      const key = item.slice(0, at);
      const value = item.slice(at + 1);
      if (at === -1) return usageError(dialect, "illegal -W value");
      if (key === "depend") {
        const depend = parseDepend(value);
        if (!depend) return usageError(dialect, "illegal -W value");
        dependencyRefs.push(...depend);
      }
    }
  }

  const home = ctx.env.HOME ?? `/home/${ctx.user}`;
  const workdirOption = dialect.kind === "pbs" ? single.get("d") ?? single.get("w") : undefined;
  const workdir = workdirOption === undefined ? home : resolvePath(ctx.cwd, workdirOption);
  const exported = single.has("V") ? { ...ctx.env } : {};
  Object.assign(exported, parseVariables(options.variableLists, ctx.env));

  const queueOption = single.get("q")?.replace(/@.*$/, "");
  const originVariables: Array<[string, string]> = [
    ["PBS_O_HOME", home],
    ["PBS_O_LOGNAME", ctx.env.LOGNAME ?? ctx.user],
    ["PBS_O_PATH", ctx.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"],
    ["PBS_O_MAIL", ctx.env.MAIL ?? `/var/mail/${ctx.user}`],
    ["PBS_O_SHELL", ctx.env.SHELL ?? "/bin/bash"],
    ["PBS_O_LANG", ctx.env.LANG ?? "C.UTF-8"],
    ["PBS_O_WORKDIR", ctx.cwd],
    ["PBS_O_HOST", submitHost],
    ["PBS_O_SERVER", server],
  ];
  if (dialect.kind === "pbspro") originVariables.push(["PBS_O_SYSTEM", "Linux"]);

  const outputSpec = single.get("o");
  const errorSpec = single.get("e");
  const submitCwd = ctx.cwd;
  const outputPaths = (job: SimJob): { stdout: string; stderr: string | null } => {
    const stdout = streamPath(dialect, outputSpec, "o", name, submitCwd, job);
    const stderr = streamPath(dialect, errorSpec, "e", name, submitCwd, job);
    if (join === "oe") return { stdout, stderr: null };
    if (join === "eo") return { stdout: stderr, stderr: null };
    return { stdout, stderr };
  };

  const environment = (job: SimJob): Record<string, string> => {
    const jobId = jobIdOf(job, server);
    // pbs_mom's login-like base (PATH is the mom's, not the submitter's, unless -V), then the
    // exported variables, then PBS's own.
    const env: Record<string, string> = {
      HOME: home,
      USER: ctx.user,
      LOGNAME: ctx.user,
      SHELL: ctx.env.SHELL ?? "/bin/bash",
      PATH: "/bin:/usr/bin",
      ...exported,
      ...Object.fromEntries(originVariables),
      PBS_O_QUEUE: job.queue,
      PBS_QUEUE: job.queue,
      PBS_JOBID: jobId,
      PBS_JOBNAME: jobNameOf(job, dialect.kind),
      PBS_ENVIRONMENT: "PBS_BATCH",
      PBS_NODEFILE: `${dialect.auxDirectory}/${jobId}`,
      PBS_TASKNUM: "1",
      PBS_MOMPORT: "15003",
      PBS_NODENUM: "0",
      PBS_VNODENUM: "0",
    };
    const ncpus = (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
    if (dialect.kind === "pbs") {
      env.PBS_NUM_NODES = String(job.request.nodes ?? 1);
      env.PBS_NUM_PPN = String(job.request.tasksPerNode ?? 1);
      env.PBS_NP = String((job.request.nodes ?? 1) * (job.request.tasksPerNode ?? 1));
      env.PBS_SERVER = server;
      if (job.timeLimitSeconds !== undefined) env.PBS_WALLTIME = String(job.timeLimitSeconds);
    } else {
      env.PBS_JOBDIR = home;
      env.TMPDIR = `/var/tmp/pbs.${jobId}`;
      env.NCPUS = String(ncpus);
      env.OMP_NUM_THREADS = String(job.request.cpusPerTask ?? 1);
      if (job.arrayJobId !== undefined) env.PBS_ARRAY_ID = `${job.arrayJobId}[].${server}`;
    }
    if (job.arrayTaskId !== undefined) env[dialect.arrayIndexVariable] = String(job.arrayTaskId);
    return env;
  };

  const request: SimSubmitRequest = {
    name,
    script,
    workdir,
    user: ctx.user,
    submitHost,
    nodes: layout.nodes,
    tasksPerNode: layout.tasksPerNode,
    cpusPerTask: layout.cpusPerTask,
    gpus: layout.gpus,
    hold: single.has("h"),
    scriptArgs,
    exportedEnv: exported,
    outputPaths,
    environment,
    jobFiles: (job: SimJob) => ({
      [`${dialect.auxDirectory}/${jobIdOf(job, server)}`]: nodeFile(job),
    }),
    annotations: {
      [NOTE.resources]: JSON.stringify(resourceList(dialect, resources, layout)),
      [NOTE.submitArgs]: ctx.args.join(" "),
      [NOTE.join]: join,
      [NOTE.variableList]: [...originVariables, ...Object.entries(exported)]
        .map(([key, value]) => `${key}=${value}`).join(","),
      [NOTE.submitCwd]: ctx.cwd,
      [NOTE.server]: server,
    },
  };
  if (queueOption !== undefined) request.queue = queueOption;
  if (layout.walltimeSeconds !== undefined) request.timeLimitSeconds = layout.walltimeSeconds;
  if (layout.memoryMB !== undefined) request.memoryMB = layout.memoryMB;
  if (single.has("A")) request.account = single.get("A") as string;
  if (array) request.array = array;
  if (arraySpec !== undefined) request.annotations![NOTE.arraySpec] = arraySpec;
  if (single.has("P")) request.annotations![NOTE.project] = single.get("P") as string;
  return { request, dependencyRefs };
}

/** `$PBS_NODEFILE`: one line per MPI process slot (Torque: ppn, Pro: mpiprocs) per node. */
export function nodeFile(job: SimJob): string {
  const perNode = job.request.tasksPerNode ?? 1;
  return job.nodeList.flatMap((node) => Array<string>(perNode).fill(node)).map((line) =>
    line + "\n"
  )
    .join("");
}

/** Runs `qsub` against the context's engine. */
export function qsub(ctx: SimCommandContext, dialect: PbsDialect): CommandResult {
  const planned = plan(ctx, dialect);
  if ("code" in planned) return planned;
  const { request, dependencyRefs } = planned;
  const server = ctx.engine.loginHost;
  const dependencies: SimDependency[] = [];
  for (const { type, refs } of dependencyRefs) {
    const jobIds: number[] = [];
    for (const text of refs) {
      const ref = parseJobRef(text)!;
      const known = ctx.engine.find(ref.seq);
      if (known.length === 0) {
        return unknownDependency(
          dialect,
          `${ref.seq}${ref.index === undefined ? "" : "[]"}.${server}`,
        );
      }
      const task = typeof ref.index === "number"
        ? known.find((job) => job.arrayTaskId === ref.index)
        : undefined;
      jobIds.push(task?.id ?? ref.seq);
    }
    dependencies.push({ type, jobIds });
  }
  if (dependencies.length > 0) request.dependencies = dependencies;
  try {
    const { jobId } = ctx.engine.submit(request);
    return ok(`${jobId}${request.array ? "[]" : ""}.${server}\n`);
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    return rejection(dialect, error);
  }
}

/** A dependency on a job the server does not know (Pro: `qsub: Unknown Job Id 9.server`). */
function unknownDependency(dialect: PbsDialect, id: string): CommandResult {
  const text = dialect.kind === "pbspro"
    ? `qsub: ${dialect.unknownJobText} ${id}`
    : dialect.submitError(dialect.unknownJobText, id);
  return fail(exitFor(PBSE.UNKJOBID), text + "\n");
}

/** The server's answer to a refused submission, in each product's words. */
function rejection(dialect: PbsDialect, error: SimSubmitRejection): CommandResult {
  switch (error.code) {
    case "invalid-queue":
      return fail(
        exitFor(PBSE.UNKQUE),
        dialect.submitError("Unknown queue", "requested queue not found") + "\n",
      );
    case "invalid-array":
      return usageError(dialect, `illegal -${dialect.arrayOption} value`);
    case "invalid-dependency":
      return unknownDependency(dialect, error.detail);
    default:
      return fail(
        exitFor(PBSE.EXCQRESC),
        (dialect.kind === "pbspro"
          ? "qsub: Job violates queue and/or server resource limits"
          : dialect.submitError(
            "Job exceeds queue resource limits",
            "cannot satisfy queue max requirement",
          )) +
          "\n",
      );
  }
}
