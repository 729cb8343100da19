/**
 * `sbatch`: the batch script (a file, `--wrap` or standard input), its `#SBATCH` directives and
 * the command line (which wins) turned into a {@linkcode SimSubmitRequest}, plus what slurmd does
 * for the job when it runs: output file names from `%j`-style patterns, the job environment, the
 * spool copy of the script and the message a killed job leaves in its output.
 *
 * @module
 */

import { basename } from "node:path/posix";
import { fail, ok } from "../_common/command_result.ts";
import { directiveWords } from "../_common/directive_words.ts";
import { isoSeconds } from "../_common/format.ts";
import { getopt, type OptionSpec, type ParsedOption } from "../_common/getopt.ts";
import { resolvePath } from "../_common/paths.ts";
import {
  type SimCommand,
  type SimCommandContext,
  type SimEngineApi,
  SimSubmitRejection,
  type SimSubmitRequest,
} from "../types.ts";
import { exportedEnvironment, slurmEnvironment } from "./_environment.ts";
import { nextPriority, NOTE, VERSION } from "./_jobs.ts";
import {
  expandPattern,
  lastValue,
  parseSlurmArray,
  parseSlurmDependency,
  parseSlurmMemory,
  parseSlurmTime,
} from "./_parse.ts";

/** The options sbatch accepts, on its command line and in `#SBATCH` directives. */
export const SBATCH_OPTIONS: readonly OptionSpec[] = [
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

/** Why sbatch refuses a submission before slurmctld queues it: the exit code and its stderr. */
export class SbatchError extends Error {
  /**
   * @param code The exit code.
   * @param message What sbatch prints on stderr.
   * @param usesJobId Whether slurmctld numbered the job before refusing it (the next job skips an id).
   */
  constructor(readonly code: number, message: string, readonly usesJobId = false) {
    super(message);
    this.name = "SbatchError";
  }
}

function usageError(message: string): SbatchError {
  return new SbatchError(255, `sbatch: ${message}\nTry "sbatch --help" for more information\n`);
}

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
 * input. Throws {@linkcode SbatchError} when it is missing, empty or has no `#!` line.
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

/** A request sbatch built, with the annotations the other commands read back ({@linkcode NOTE}). */
export type SbatchRequest = SimSubmitRequest & { annotations: Record<string, string> };

/**
 * Translates sbatch's options (directives first, then the command line: the last occurrence
 * wins) into a submit request, checked in sbatch's order. The request carries no hooks yet (see
 * `addSlurmdHooks`). Throws {@linkcode SbatchError} with sbatch's message for an invalid value.
 */
export function sbatchRequest(
  options: readonly ParsedOption[],
  script: BatchScript,
  submitter: Pick<SimCommandContext, "cwd" | "user" | "env">,
): SbatchRequest {
  const value = (key: string) => lastValue(options, key);
  const has = (key: string) => options.some((o) => o.key === key);
  const integer = (key: string): number | undefined => {
    const text = value(key);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      throw new SbatchError(255, `sbatch: error: Invalid numeric value "${text}" for --${key}.\n`);
    }
    return Number(text);
  };

  const annotations: Record<string, string> = {
    [NOTE.command]: script.path === undefined ? "(null)" : [script.path, ...script.args].join(" "),
    [NOTE.account]: value("account") ?? submitter.user,
  };
  const request: SbatchRequest = {
    name: value("job-name") ?? script.defaultName,
    script: script.text,
    workdir: resolvePath(submitter.cwd, value("chdir") ?? submitter.cwd),
    user: submitter.user,
    annotations,
  };
  if (script.args.length > 0) request.scriptArgs = script.args;
  const partition = value("partition");
  if (partition !== undefined) request.queue = partition;

  const time = value("time");
  if (time !== undefined) {
    const parsedTime = parseSlurmTime(time);
    if (parsedTime === null) {
      throw new SbatchError(255, "sbatch: error: Invalid --time specification\n");
    }
    if (parsedTime.seconds !== undefined) request.timeLimitSeconds = parsedTime.seconds;
  }

  // Layout: -N nodes, -n tasks spread over them (or --ntasks-per-node), -c cpus per task.
  const nodes = integer("nodes");
  const ntasks = integer("ntasks");
  const perNode = integer("ntasks-per-node");
  const cpusPerTask = integer("cpus-per-task");
  if (nodes !== undefined) request.nodes = nodes;
  if (perNode !== undefined) request.tasksPerNode = perNode;
  else if (ntasks !== undefined) request.tasksPerNode = Math.ceil(ntasks / (nodes ?? 1));
  if (cpusPerTask !== undefined) request.cpusPerTask = cpusPerTask;
  if (ntasks !== undefined) annotations[NOTE.ntasks] = String(ntasks);
  if (cpusPerTask !== undefined) annotations[NOTE.cpusPerTaskSet] = "1";

  // Memory: --mem per node, else --mem-per-cpu times the cpus of a node.
  const mem = value("mem");
  const memPerCpu = value("mem-per-cpu");
  if (mem !== undefined) {
    const mb = parseSlurmMemory(mem);
    if (mb === undefined) {
      throw new SbatchError(255, "sbatch: error: Invalid --mem specification\n");
    }
    request.memoryMB = mb;
    annotations[NOTE.memPerNode] = String(mb);
  } else if (memPerCpu !== undefined) {
    const mb = parseSlurmMemory(memPerCpu);
    if (mb === undefined) {
      throw new SbatchError(255, "sbatch: error: Invalid --mem-per-cpu specification\n");
    }
    request.memoryMB = mb * (request.tasksPerNode ?? 1) * (request.cpusPerTask ?? 1);
    annotations[NOTE.memPerCpu] = String(mb);
  }

  const gpus = value("gpus");
  const gres = value("gres") ?? (gpus === undefined ? undefined : `gpu:${gpus}`);
  if (gres !== undefined) {
    const match = /^gpu(?::[^:,]+)?:(\d+)$/.exec(gres) ?? /^gpu$/.exec(gres);
    if (match === null) {
      throw new SbatchError(1, "sbatch: error: Invalid generic resource (gres) specification\n");
    }
    request.gpus = match[1] === undefined ? 1 : Number(match[1]);
  }
  if (has("hold")) request.hold = true;
  const array = value("array");
  if (array !== undefined) {
    const parsedArray = parseSlurmArray(array);
    if (parsedArray === undefined) {
      throw new SbatchError(
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
      throw new SbatchError(
        1,
        "sbatch: error: Batch job submission failed: Job dependency problem\n",
        true,
      );
    }
    request.dependencies = deps;
  }
  const priority = value("priority");
  if (priority !== undefined && /^\d+$/.test(priority)) request.priority = Number(priority);
  const account = value("account");
  if (account !== undefined) request.account = account;

  // Output files: patterns expanded when the job starts (ids of array tasks are known then).
  annotations[NOTE.outputPattern] = value("output") ??
    (array === undefined ? "slurm-%j.out" : "slurm-%A_%a.out");
  const errorPattern = value("error");
  if (errorPattern !== undefined) annotations[NOTE.errorPattern] = errorPattern;

  // Environment: the submitter's (--export=ALL by default); slurmd adds its own when the job runs.
  request.exportedEnv = exportedEnvironment(value("export") ?? "ALL", submitter.env);
  return request;
}

/**
 * What slurmd does for the job when it runs: output paths from the patterns, the job environment,
 * the pid variable, the spool copy of the script, the line a killed job leaves in its output.
 */
function addSlurmdHooks(request: SbatchRequest, engine: SimEngineApi): void {
  const annotations = request.annotations;
  const workdir = request.workdir;
  const outputPattern = annotations[NOTE.outputPattern] ?? "slurm-%j.out";
  const errorPattern = annotations[NOTE.errorPattern];
  request.outputPaths = (job) => {
    const stdout = resolvePath(workdir, expandPattern(outputPattern, job));
    const stderr = errorPattern === undefined
      ? null
      : resolvePath(workdir, expandPattern(errorPattern, job));
    return { stdout, stderr };
  };
  const submitEnv = request.exportedEnv ?? {};
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
}

/** slurmctld's refusal of a request in sbatch's words. */
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

/** `sbatch [options] [script [args...]]`, `sbatch --wrap=CMD`, or the script on standard input. */
export const sbatch: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SBATCH_OPTIONS, true);
  const cli = parsed.options;
  let request: SbatchRequest;
  let options: ParsedOption[];
  try {
    if (parsed.error !== undefined) throw usageError(parsed.error.message);
    if (cli.some((o) => o.key === "version")) return ok(`${VERSION}\n`);
    const script = batchScript(ctx, lastValue(cli, "wrap"), parsed.positionals);
    const fromScript = getopt(directiveWords(script.text, "#SBATCH"), SBATCH_OPTIONS, false);
    if (fromScript.error !== undefined) throw usageError(fromScript.error.message);
    options = [...fromScript.options, ...cli];
    request = sbatchRequest(options, script, ctx);
  } catch (error) {
    if (!(error instanceof SbatchError)) throw error;
    if (error.usesJobId) ctx.engine.reserveJobId?.();
    return fail(error.code, error.message);
  }
  const engine = ctx.engine;
  addSlurmdHooks(request, engine);
  if (request.hold !== true) request.annotations[NOTE.priority] = String(nextPriority(engine));

  let jobId: number;
  try {
    jobId = engine.submit(request).jobId;
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    return fail(1, rejectionText(error));
  }
  const has = (key: string) => options.some((o) => o.key === key);
  if (has("quiet")) return ok("");
  return ok(has("parsable") ? `${jobId}\n` : `Submitted batch job ${jobId}\n`);
};
