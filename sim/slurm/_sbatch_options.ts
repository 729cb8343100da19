/**
 * sbatch's options: the ones it accepts, and the pure parse of its command line and the
 * script's `#SBATCH` directives into one checked, typed {@linkcode SbatchOptions} value. The
 * directives come first and the command line after, so its values win (sbatch(1), 22.05).
 *
 * @module
 */

import { CommandFailure } from "../_common/command_result.ts";
import type { SimDependency } from "../types.ts";
import {
  type CommandLine,
  commandLine,
  optionTable,
  parseCommandLine,
  parseSlurmArray,
  parseSlurmDependency,
  parseSlurmMemory,
  parseSlurmTime,
} from "./_parse.ts";

/**
 * The options sbatch accepts on its command line and in `#SBATCH` directives
 * (`src/common/slurm_opt.c`, `src/sbatch/opt.c`), read once by `optionTable` (`_parse.ts`).
 */
const SBATCH_OPTIONS = optionTable(`
  job-name|J: partition|p: time|t: nodes|N: ntasks|n: ntasks-per-node: cpus-per-task|c:
  mem: mem-per-cpu: output|o: error|e: input|i: account|A: gres: gpus|G: array|a:
  dependency|d: hold|H parsable quiet|Q wrap: chdir|D: export: mail-type: mail-user:
  qos|q: exclusive:: constraint|C: nice:: requeue no-requeue comment: open-mode: begin|b:
  version|V verbose|v licenses|L: reservation: exclude|x: nodelist|w: signal:
  get-user-env:: priority: wait|W
`);

/** Why sbatch refuses a submission before slurmctld queues it: the exit code and its stderr. */
export class SbatchError extends CommandFailure {
  /**
   * Creates the refusal.
   *
   * @param code The exit code.
   * @param message What sbatch prints on stderr.
   * @param usesJobId Whether slurmctld numbered the job before refusing it (the next job skips
   *   an id).
   */
  constructor(code: number, message: string, readonly usesJobId = false) {
    super(code, message);
    this.name = "SbatchError";
  }
}

/** What the options ask for, checked; `undefined`: not given. */
export interface SbatchOptions {
  /** `-J`. */
  jobName: string | undefined;
  /** `-p`. */
  partition: string | undefined;
  /** `-t` in seconds, rounded up to minutes; `undefined` too for `0` and `UNLIMITED`. */
  timeLimitSeconds: number | undefined;
  /** `-N`. */
  nodes: number | undefined;
  /** `-n`. */
  ntasks: number | undefined;
  /** `--ntasks-per-node`. */
  ntasksPerNode: number | undefined;
  /** `-c`. */
  cpusPerTask: number | undefined;
  /** `--mem` (per node), else `--mem-per-cpu`, in MB. */
  memory: { per: "node" | "cpu"; mb: number } | undefined;
  /** GPUs per node, from `--gres=gpu[:type]:N` or `--gpus=N`. */
  gpus: number | undefined;
  /** `--array`: the indices and the `%` limit. */
  array: { indices: number[]; maxConcurrent?: number } | undefined;
  /** `-d`. */
  dependencies: SimDependency[] | undefined;
  /** `--priority` when a number (anything else is ignored). */
  priority: number | undefined;
  /** `-A`. */
  account: string | undefined;
  /** `-o`. */
  output: string | undefined;
  /** `-e`. */
  error: string | undefined;
  /** `-D`. */
  chdir: string | undefined;
  /** `--export`; `ALL` when not given. */
  export: string;
  /** `-H`: submitted held. */
  hold: boolean;
  /** `--parsable`: print only the job id. */
  parsable: boolean;
  /** `--wait`/`-W`: exit only when the job has ended, with its exit code. */
  wait: boolean;
  /** `-Q`: print nothing. */
  quiet: boolean;
  /** `--comment`. */
  comment: string | undefined;
}

/** Reads sbatch's own command line: options up to the script operand (exit code 255 when bad). */
export function sbatchCommandLine(args: readonly string[]): CommandLine {
  return parseCommandLine("sbatch", args, SBATCH_OPTIONS, { stopAtOperand: true, code: 255 });
}

/**
 * Parses the script's `#SBATCH` directive words and the command line into checked options, in
 * the order sbatch checks them. Throws {@linkcode SbatchError} with sbatch's message for a bad
 * value, {@linkcode CommandFailure} for a bad directive option.
 *
 * @param cli The command line, from {@linkcode sbatchCommandLine}.
 * @param directives The words of the script's `#SBATCH` lines.
 */
export function parseSbatchOptions(
  cli: CommandLine,
  directives: readonly string[],
): SbatchOptions {
  const fromScript = parseCommandLine("sbatch", directives, SBATCH_OPTIONS, { code: 255 });
  const line = commandLine([...fromScript.options, ...cli.options]);
  const value = (key: string) => line.value(key);
  const priority = value("priority");
  // Fields in the order sbatch checks them: the first bad value is the one reported.
  return {
    jobName: value("job-name"),
    partition: value("partition"),
    timeLimitSeconds: timeOption(value("time")),
    nodes: countOption(line, "nodes"),
    ntasks: countOption(line, "ntasks"),
    ntasksPerNode: countOption(line, "ntasks-per-node"),
    cpusPerTask: countOption(line, "cpus-per-task"),
    memory: memoryOption(value("mem"), value("mem-per-cpu")),
    gpus: gpuOption(value("gres"), value("gpus")),
    array: arrayOption(value("array")),
    dependencies: dependencyOption(value("dependency")),
    priority: priority !== undefined && /^\d+$/.test(priority) ? Number(priority) : undefined,
    account: value("account"),
    output: value("output"),
    error: value("error"),
    chdir: value("chdir"),
    export: value("export") ?? "ALL",
    hold: line.has("hold"),
    parsable: line.has("parsable"),
    wait: line.has("wait"),
    quiet: line.has("quiet"),
    comment: value("comment"),
  };
}

/** `-t`; `undefined` for no limit (`src/common/slurm_opt.c`: "Invalid --time specification"). */
function timeOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseSlurmTime(text);
  if (parsed === null) throw new SbatchError(255, "sbatch: error: Invalid --time specification\n");
  return parsed.seconds;
}

/** A count of at least 1 (`parse_int` in `src/common/proc_args.c`). */
function countOption(line: CommandLine, key: string): number | undefined {
  const text = line.value(key);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new SbatchError(255, `sbatch: error: Invalid numeric value "${text}" for --${key}.\n`);
  }
  return Number(text);
}

/** `--mem`, which wins over `--mem-per-cpu` (then not even checked). */
function memoryOption(
  perNode: string | undefined,
  perCpu: string | undefined,
): SbatchOptions["memory"] {
  const [per, text] = perNode !== undefined ? ["node", perNode] as const : ["cpu", perCpu] as const;
  if (text === undefined) return undefined;
  const mb = parseSlurmMemory(text);
  if (mb === undefined) {
    const option = per === "node" ? "--mem" : "--mem-per-cpu";
    throw new SbatchError(255, `sbatch: error: Invalid ${option} specification\n`);
  }
  return { per, mb };
}

/** GPUs per node from `--gres=gpu[:type][:N]`, else `--gpus=N`. */
function gpuOption(gres: string | undefined, gpus: string | undefined): number | undefined {
  const text = gres ?? (gpus === undefined ? undefined : `gpu:${gpus}`);
  if (text === undefined) return undefined;
  const match = /^gpu(?::[^:,]+)?:(\d+)$/.exec(text) ?? /^gpu$/.exec(text);
  if (match === null) {
    throw new SbatchError(1, "sbatch: error: Invalid generic resource (gres) specification\n");
  }
  return match[1] === undefined ? 1 : Number(match[1]);
}

/** `--array`; slurmctld refuses a bad one (recording 124-sbatch-invalid-array-spec). */
function arrayOption(text: string | undefined): SbatchOptions["array"] {
  if (text === undefined) return undefined;
  const array = parseSlurmArray(text);
  if (array === undefined) {
    throw new SbatchError(
      1,
      "sbatch: error: Batch job submission failed: Invalid job array specification\n",
    );
  }
  return array;
}

/** `-d`; slurmctld numbers the job before it refuses a bad one (recording 123). */
function dependencyOption(text: string | undefined): SimDependency[] | undefined {
  if (text === undefined) return undefined;
  const dependencies = parseSlurmDependency(text);
  if (dependencies === undefined) {
    throw new SbatchError(
      1,
      "sbatch: error: Batch job submission failed: Job dependency problem\n",
      true,
    );
  }
  return dependencies;
}
