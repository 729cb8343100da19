/**
 * `sbatch`: the batch script (a file, `--wrap` or standard input) and its options, checked by
 * `_sbatch_options.ts`, turned into the engine's {@linkcode SimSubmitRequest} with what the
 * other commands read back ({@linkcode SlurmJobData}) and slurmd's hooks (`_slurmd.ts`); then
 * slurmctld's answer in sbatch's words.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { basename } from "node:path/posix";
import { CommandFailure, fail, ok } from "../_common/command_result.ts";
import { directiveWords } from "../_common/directive_words.ts";
import { resolvePath } from "../_common/paths.ts";
import type { SimSubmitRequest } from "../types.ts";
import {
  type SimCommand,
  type SimCommandContext,
  type SimEngineApi,
  type SimStateKey,
  SimSubmitRejection,
} from "../emulator.ts";
import { nextPriority, type SlurmJobData, VERSION } from "./_jobs.ts";

import {
  parseSbatchOptions,
  sbatchCommandLine,
  SbatchError,
  type SbatchOptions,
} from "./_sbatch_options.ts";
import { slurmdHooks } from "./_slurmd.ts";

/** The batch script and where it came from. */
export interface BatchScript {
  /** The script's text. */
  text: string;
  /** The script file's absolute path; absent for `--wrap` and standard input. */
  path?: string;
  /** Arguments after the script file. */
  args: string[];
  /** The job name when neither `-J` nor a directive names it. */
  defaultName: string;
}

/**
 * The batch script: `--wrap`'s command, else the file named by the first operand, else standard
 * input. Throws {@linkcode SbatchError} when it is missing, empty or has no `#!` line
 * (`src/sbatch/sbatch.c`; recordings 119 to 121).
 */
export function batchScript(
  ctx: Pick<SimCommandContext, "cwd" | "readFile" | "stdin">,
  wrap: string | undefined,
  operands: readonly string[],
): BatchScript {
  let script: BatchScript;
  if (wrap !== undefined) {
    script = {
      text: `#!/bin/sh\n# This script was created by sbatch --wrap.\n\n${wrap}\n`,
      args: [],
      defaultName: "wrap",
    };
  } else if (operands.length > 0) {
    const [file, ...args] = operands as [string, ...string[]];
    const text = ctx.readFile(file);
    if (text === undefined) {
      throw new SbatchError(1, `sbatch: error: Unable to open file ${file}\n`);
    }
    script = { text, path: resolvePath(ctx.cwd, file), args, defaultName: basename(file) };
  } else {
    script = { text: ctx.stdin, args: [], defaultName: "sbatch" };
  }
  if (script.text === "") throw new SbatchError(1, "sbatch: error: Batch script is empty!\n");
  if (!script.text.startsWith("#!")) {
    throw new SbatchError(
      1,
      "sbatch: error: This does not look like a batch script.  The first\n" +
        "sbatch: error: line must start with #! followed by the path to an interpreter.\n" +
        "sbatch: error: For instance: #!/bin/sh\n",
    );
  }
  return script;
}

/** A request sbatch built: the engine's fields, and what the other commands read back. */
export type SbatchRequest = SimSubmitRequest & { schedulerData: SlurmJobData };

/**
 * Builds the submit request from checked options. It carries no hooks yet (`slurmdHooks`), and
 * its data no priority yet: slurmctld gives one when it accepts the job.
 */
export function sbatchRequest(
  options: SbatchOptions,
  script: BatchScript,
  submitter: Pick<SimCommandContext, "cwd" | "user" | "env">,
): SbatchRequest {
  const request: SbatchRequest = {
    name: options.jobName ?? script.defaultName,
    script: script.text,
    workdir: resolvePath(submitter.cwd, options.chdir ?? submitter.cwd),
    user: submitter.user,
    schedulerData: jobData(options, script, submitter.user),
    // The submitter's environment (--export=ALL by default); slurmd adds its own at the start.
    exportedEnv: exportedEnvironment(options.export, submitter.env),
    ...layout(options),
  };
  if (script.args.length > 0) request.scriptArgs = script.args;
  if (options.partition !== undefined) request.queue = options.partition;
  if (options.timeLimitSeconds !== undefined) request.timeLimitSeconds = options.timeLimitSeconds;
  if (options.gpus !== undefined) request.gpus = options.gpus;
  if (options.hold) request.hold = true;
  if (options.array !== undefined) request.array = options.array;
  if (options.dependencies !== undefined) request.dependencies = options.dependencies;
  if (options.priority !== undefined) request.priority = options.priority;
  if (options.account !== undefined) request.account = options.account;
  return request;
}

/** The shape of a job in a request. */
type Layout = Pick<SimSubmitRequest, "nodes" | "tasksPerNode" | "cpusPerTask" | "memoryMB">;

/**
 * Nodes, tasks, cpus and memory: `-N` nodes, `-n` tasks spread over them (unless
 * `--ntasks-per-node`), `-c` cpus per task; `--mem` per node, or `--mem-per-cpu` times the cpus
 * of a node.
 */
function layout(options: SbatchOptions): Layout {
  const { nodes, ntasks, ntasksPerNode, cpusPerTask, memory } = options;
  const result: Layout = {};
  if (nodes !== undefined) result.nodes = nodes;
  if (ntasksPerNode !== undefined) result.tasksPerNode = ntasksPerNode;
  else if (ntasks !== undefined) result.tasksPerNode = Math.ceil(ntasks / (nodes ?? 1));
  if (cpusPerTask !== undefined) result.cpusPerTask = cpusPerTask;
  if (memory !== undefined) {
    const cpusOfNode = (result.tasksPerNode ?? 1) * (result.cpusPerTask ?? 1);
    result.memoryMB = memory.per === "node" ? memory.mb : memory.mb * cpusOfNode;
  }
  return result;
}

/** What the other commands read back about the job (its priority comes at submission). */
function jobData(options: SbatchOptions, script: BatchScript, user: string): SlurmJobData {
  const data: SlurmJobData = {
    command: script.path === undefined ? "(null)" : [script.path, ...script.args].join(" "),
    account: options.account ?? user,
    // Patterns are expanded when the job starts, once the ids of array tasks are known.
    outputPattern: options.output ??
      (options.array === undefined ? "slurm-%j.out" : "slurm-%A_%a.out"),
  };
  if (options.ntasks !== undefined) data.ntasks = options.ntasks;
  if (options.cpusPerTask !== undefined) data.cpusPerTask = options.cpusPerTask;
  if (options.memory !== undefined) data.memory = options.memory;
  if (options.error !== undefined) data.errorPattern = options.error;
  if (options.killOnInvalidDep) data.killOnInvalidDep = true;
  if (options.comment !== undefined) data.comment = options.comment;
  return data;
}

/**
 * What `--export=MODE` passes on from the submitter: everything (`ALL`, the default) or nothing
 * (`NONE`, `NIL`), plus the `NAME` and `NAME=value` items listed (sbatch(1), 22.05).
 */
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

/** The environment the last job exported, one per cluster. */
const LAST_EXPORT: SimStateKey<{ env?: Readonly<Record<string, string>> }> = {
  name: "sbatch last exported environment",
  init: () => ({}),
};

/**
 * The environment a job exports, as the same object as the previous job's when it holds the
 * same variables: the jobs of a sweep, submitted from one shell, keep one copy (nothing changes
 * an exported environment once submitted).
 */
function sharedEnvironment(
  engine: SimEngineApi,
  env: Record<string, string>,
): Record<string, string> {
  const last = engine.state(LAST_EXPORT);
  const previous = last.env;
  if (previous !== undefined) {
    const keys = Object.keys(env);
    if (
      keys.length === Object.keys(previous).length &&
      keys.every((key) => previous[key] === env[key])
    ) {
      return previous as Record<string, string>;
    }
  }
  last.env = env;
  return env;
}

/** The texts the last request kept, one per cluster (see {@linkcode shareWithPrevious}). */
const LAST_REQUEST: SimStateKey<{ texts?: SharedTexts }> = {
  name: "sbatch last request texts",
  init: () => ({}),
};

/** The parts of a request that the jobs of a sweep usually have in common. */
type SharedTexts = Pick<SbatchRequest, "script" | "name" | "workdir"> & {
  data: Pick<SlurmJobData, "command" | "account" | "outputPattern" | "memory">;
};

/**
 * Gives the request the previous request's strings (and memory value) where they are equal:
 * each sbatch reads its script and options anew, so 100,000 submissions of one script would
 * otherwise keep 100,000 copies of it (nothing changes these once submitted).
 */
function shareWithPrevious(engine: SimEngineApi, request: SbatchRequest): void {
  const last = engine.state(LAST_REQUEST);
  const previous = last.texts;
  const data = request.schedulerData;
  if (previous !== undefined) {
    if (request.script === previous.script) request.script = previous.script;
    if (request.name === previous.name) request.name = previous.name;
    if (request.workdir === previous.workdir) request.workdir = previous.workdir;
    const before = previous.data;
    if (data.command === before.command) data.command = before.command;
    if (data.account === before.account) data.account = before.account;
    if (data.outputPattern === before.outputPattern) data.outputPattern = before.outputPattern;
    if (
      data.memory !== undefined && before.memory !== undefined &&
      data.memory.per === before.memory.per && data.memory.mb === before.memory.mb
    ) data.memory = before.memory;
  }
  last.texts = {
    script: request.script,
    name: request.name,
    workdir: request.workdir,
    data: {
      command: data.command,
      account: data.account,
      outputPattern: data.outputPattern,
      ...(data.memory === undefined ? {} : { memory: data.memory }),
    },
  };
}

/**
 * slurmctld's refusal of a request in sbatch's words: the reasons of `src/common/slurm_errno.c`,
 * after slurmctld's own line for a partition or memory (recordings 112, 117).
 */
function rejectionText(error: SimSubmitRejection): string {
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

/**
 * The last sbatch call whose options were read, and whether it waits, one per cluster: its
 * follow-up (`_sbatch_wait.ts`) asks this instead of reading the script and options again.
 */
export const LAST_SBATCH_CALL: SimStateKey<{ ctx?: SimCommandContext; wait?: boolean }> = {
  name: "sbatch last call",
  init: () => ({}),
};

/** `sbatch [options] [script [args...]]`, `sbatch --wrap=CMD`, or the script on standard input. */
export const sbatch: SimCommand = (ctx) => {
  let request: SbatchRequest;
  let options: SbatchOptions;
  try {
    const cli = sbatchCommandLine(ctx.args);
    if (cli.has("version")) return ok(`${VERSION}\n`);
    const script = batchScript(ctx, cli.value("wrap"), cli.operands);
    options = parseSbatchOptions(cli, directiveWords(script.text, "#SBATCH"));
    const last = ctx.engine.state(LAST_SBATCH_CALL);
    last.ctx = ctx;
    last.wait = options.wait;
    request = sbatchRequest(options, script, ctx);
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    if (error instanceof SbatchError && error.usesJobId) ctx.engine.reserveJobId?.();
    return fail(error.code, error.stderr);
  }
  return submit(ctx.engine, request, options);
};

/** Hands the request to slurmctld and prints what sbatch prints for its answer. */
function submit(
  engine: SimEngineApi,
  request: SbatchRequest,
  options: SbatchOptions,
): CommandOutput {
  Object.assign(request, slurmdHooks(engine));
  if (request.exportedEnv !== undefined) {
    request.exportedEnv = sharedEnvironment(engine, request.exportedEnv);
  }
  shareWithPrevious(engine, request);
  // slurmctld gives an accepted job the next priority; a held one gets it at release.
  if (request.hold !== true) request.schedulerData.priority = nextPriority(engine);
  let jobId: number;
  try {
    jobId = engine.submit(request).jobId;
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    return fail(1, rejectionText(error));
  }
  if (options.quiet) return ok("");
  return ok(options.parsable ? `${jobId}\n` : `Submitted batch job ${jobId}\n`);
}
