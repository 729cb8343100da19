/**
 * Turns qsub's {@linkcode QsubOptions} into the engine's `SimSubmitRequest`, with the
 * {@linkcode SgeJobData} qstat and qacct read back, checking what qmaster checks on the way.
 *
 * @module
 */

import { resolvePath } from "../_common/paths.ts";
import type { SimSubmitRequest } from "../types.ts";
import type { SimCommandContext, SimEngineApi } from "../emulator.ts";
import { EXECD_PATH, execdSpool } from "./_cell.ts";
import { sgeEnvironment } from "./_environment.ts";
import { QmasterRejection, SgeCommandError } from "./_errors.ts";
import type { SgeJobData } from "./_job_data.ts";
import { isActive, jobNumber } from "./_jobs.ts";
import { type OutputOptions, outputPaths } from "./_output_paths.ts";
import { requestedResources, type SgeResources } from "./_resources.ts";
import { taskIds, type TaskRange } from "./_values.ts";

/**
 * `-hold_jid`: ids, and names meaning every active job of that name; predecessors that no longer
 * run or wait are dropped (097-qsub-hold-jid-unknown-job is accepted and runs).
 */
function predecessors(engine: SimEngineApi, request: readonly string[]) {
  const ids: number[] = [];
  for (const item of request) {
    if (/^\d+$/.test(item)) {
      ids.push(Number(item));
      continue;
    }
    for (const job of engine.jobsSince(engine.now())) {
      if (job.request.name === item && isActive(job)) ids.push(jobNumber(job));
    }
  }
  return [...new Set(ids)].filter((id) => engine.find(id).some(isActive));
}

/** `-V` and `-v`: what the job gets of the submitter's environment. */
function exportedEnv(
  env: Readonly<Record<string, string>>,
  all: boolean,
  variables: readonly QsubVariable[],
): Record<string, string> {
  const exported: Record<string, string> = all ? { ...env } : {};
  for (const { name, value } of variables) {
    if (value !== undefined) exported[name] = value;
    else if (env[name] !== undefined) exported[name] = env[name]!;
  }
  return exported;
}

/** qsub's answer to an invalid `-t` (096-qsub-invalid-t). */
function invalidTasks(text: string): SgeCommandError {
  return new SgeCommandError(
    `qsub: Numerical value invalid!\nThe initial portion of string "${text}" contains no decimal number`,
    7,
  );
}

function jobData(
  ctx: SimCommandContext,
  options: QsubOptions,
  script: QsubScript,
  home: string,
): SgeJobData {
  const data: SgeJobData = {
    scriptFile: script.file,
    submitPath: ctx.env.PATH ?? EXECD_PATH,
    submitShell: ctx.env.SHELL ?? "/bin/bash",
    submitHome: home,
    submitLogname: ctx.env.LOGNAME ?? ctx.user,
  };
  if (options.shell !== undefined) data.shell = options.shell;
  if (options.pe !== undefined) data.pe = options.pe;
  if (options.tasks?.range !== undefined) data.taskRange = options.tasks.range;
  if (options.context.length > 0) {
    data.context = options.context.map((v) => `${v.name}=${v.value ?? ""}`).join(",");
  }
  return data;
}

/** `-wd`, else `-cwd`'s directory, else the home directory (013, 023). */
function workdirOf(ctx: SimCommandContext, options: QsubOptions, home: string): string {
  if (options.workdir !== undefined) return resolvePath(ctx.cwd, options.workdir);
  return options.cwd ? ctx.cwd : home;
}

/** Puts the engine's limits into the request and SGE's texts into the job's data. */
function applyResources(request: SimSubmitRequest, data: SgeJobData, resources: SgeResources) {
  const { timeLimitSeconds, memoryMB, gpus, slots, category, hardResourceList } = resources;
  if (timeLimitSeconds !== undefined) request.timeLimitSeconds = timeLimitSeconds;
  if (memoryMB !== undefined) request.memoryMB = memoryMB;
  if (gpus !== undefined) request.gpus = gpus;
  if (slots !== undefined) request.cpusPerTask = slots;
  if (category !== undefined) data.category = category;
  if (hardResourceList !== undefined) data.hardResourceList = hardResourceList;
  if (resources.softLimitEnds) data.softLimitEnds = true;
}

/** `-t` and `-tc` as the engine's array. */
function taskArray(
  tasks: NonNullable<QsubOptions["tasks"]>,
  limit: number | undefined,
): NonNullable<SimSubmitRequest["array"]> {
  if (tasks.range === undefined) throw invalidTasks(tasks.text);
  const array: NonNullable<SimSubmitRequest["array"]> = { indices: taskIds(tasks.range) };
  if (limit !== undefined) array.maxConcurrent = limit;
  return array;
}

/** The callbacks the engine calls when the job starts: output files, environment, `$0`. */
function runtimeCallbacks(
  engine: SimEngineApi,
  request: SimSubmitRequest,
  output: OutputOptions,
): void {
  request.outputPaths = outputPaths(engine, output);
  request.environment = (job) => sgeEnvironment(job, engine.loginHost);
  request.spoolPath = (job) => `${execdSpool(job.nodeList[0] ?? "")}/job_scripts/${jobNumber(job)}`;
}

/**
 * Builds the request of a submission. Errors come in this order: the job name, the resources,
 * the parallel environment, the task range, then (`-w e`) whether any node could run the job.
 *
 * @param ctx The qsub command's context.
 * @param options The parsed options.
 * @param script The job script.
 * @returns The request, its `schedulerData` an {@linkcode SgeJobData}.
 * @throws {QmasterRejection} When qmaster would refuse the job.
 * @throws {SgeCommandError} For an invalid `-t`, which qsub itself refuses.
 */
export function buildRequest(
  ctx: SimCommandContext,
  options: QsubOptions,
  script: QsubScript,
): SimSubmitRequest {
  const engine = ctx.engine;
  const name = options.name ?? script.defaultName;
  // 117-qsub-N-with-a-space
  if (/\s/.test(name)) throw new QmasterRejection("Error reading answer list from qmaster");
  const home = ctx.env.HOME ?? `/home/${ctx.user}`;
  const workdir = workdirOf(ctx, options, home);
  const request: SimSubmitRequest = { name, script: script.text, workdir, user: ctx.user };
  const data = jobData(ctx, options, script, home);
  if (options.workdir !== undefined || options.cwd) data.cwd = workdir;
  if (script.args.length > 0) request.scriptArgs = script.args;
  // all.q's shell_start_mode is posix_compliant with /bin/sh: a script's #! line counts only
  // through -S (TRANSCRIPTS.md, before 082-qsub-env-sh-minimal-submit-environment).
  request.interpreter = script.binary ? "/bin/sh" : options.shell ?? "/bin/sh";
  if (options.queue !== undefined) request.queue = options.queue;
  applyResources(request, data, requestedResources(options.resources, options.pe));
  if (options.hold) request.hold = true;
  if (options.tasks !== undefined) request.array = taskArray(options.tasks, options.taskLimit);
  if (options.holdJobs.length > 0) {
    const ids = predecessors(engine, options.holdJobs);
    request.dependencies = [{ type: "afterany", jobIds: ids }];
    data.predecessors = { request: options.holdJobs, ids };
  }
  runtimeCallbacks(engine, request, { ...options, workdir, home });
  request.exportedEnv = exportedEnv(ctx.env, options.exportAll, options.variables);
  request.schedulerData = data;
  // 098-qsub-w-e-too-many-slots-verify-rejects
  if (options.verify && !engine.nodes.some((n) => n.cpus >= (request.cpusPerTask ?? 1))) {
    throw new QmasterRejection("error: no suitable queues");
  }
  return request;
}

/** What a submission asks for, from the script's `#$` lines and the command line (which wins). */
export interface QsubOptions {
  /** `-terse`: print the id alone. */
  terse: boolean;
  /** `-sync y`: wait for the job to end and exit with its exit status. */
  sync: boolean;
  /** `-cwd`: run in the current directory. */
  cwd: boolean;
  /** `-h`: submit held. */
  hold: boolean;
  /** `-V`: export the submitter's whole environment. */
  exportAll: boolean;
  /** `-w e`: refuse a job that could never run. */
  verify: boolean;
  /** `-j y`: stderr into stdout. */
  merge: boolean;
  /** `-N`. */
  name?: string;
  /** `-wd`. */
  workdir?: string;
  /** `-S`. */
  shell?: string;
  /** `-q`. */
  queue?: string;
  /** `-o`. */
  stdout?: string;
  /** `-e`. */
  stderr?: string;
  /** `-l` items, resource → value; a later item wins. */
  resources: Map<string, string>;
  /** `-pe NAME SLOTS`. */
  pe?: { name: string; slots: string };
  /** `-t` as given, and the range it means (`undefined` when invalid). */
  tasks?: { text: string; range: TaskRange | undefined };
  /** `-tc`, when a number. */
  taskLimit?: number;
  /** `-hold_jid` items: job ids or names. */
  holdJobs: string[];
  /** `-v` items. */
  variables: QsubVariable[];
  /** `-ac` items: the job context. */
  context: QsubVariable[];
}

/** The job script: the file's text, stdin, or with `-b y` the command itself. */
export interface QsubScript {
  /** The script's text. */
  text: string;
  /** `script_file` of `qstat -j`. */
  file: string;
  /** The arguments after the script. */
  args: string[];
  /** The job name without `-N`. */
  defaultName: string;
  /** `-b y` on the command line: the operands are a command, not a script file. */
  binary: boolean;
}

/** A `-v` item: `NAME=value`, or `NAME` to pass the submitter's value. */
export interface QsubVariable {
  /** The variable's name. */
  name: string;
  /** Its value; `undefined` = the submitter's. */
  value?: string;
}
