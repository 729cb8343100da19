/**
 * `bsub` of IBM Spectrum LSF. {@linkcode parseBsub} reads the options on the command line and,
 * for a script read from stdin (`bsub < job.lsf`), in its `#BSUB` lines (the command line wins)
 * into plain {@linkcode BsubOptions}; {@linkcode bsub} builds the engine's request from them
 * (`_request.ts`), resolves `-w` against the user's jobs, submits, and words the refusals.
 *
 * Sources: IBM Spectrum LSF 10.1 Command Reference "bsub" (options, the usage text, `-n
 * min[,max]`, `-o` and `-e` with `-oo`/`-eo`, `-H`, `-P`, `-cwd`, `-env`, `-G`, `-gpu
 * "num=N"`); OpenLava `lsbatch/cmd/cmd.sub.c` and `lsbatch/lib/lsb.err.c` for the messages
 * (`<queue>: No such queue. Job not submitted.`, `No command is specified`, exit 255).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimDependency } from "../types.ts";
import { type SimCommandContext, SimSubmitRejection } from "../emulator.ts";
import { baseNameOf, namePattern, parseJobId } from "./_jobs.ts";
import {
  parseDependency,
  parseJobName,
  parseMemoryLimit,
  parseRunLimit,
  parseSpan,
} from "./_values.ts";
import { bsubRequest } from "./_request.ts";
import type { BsubDependency, BsubOptions } from "./_request.ts";
export type { BsubDependency, BsubOptions };
import { answerFailures, CommandFailure, ok } from "../_common/command_result.ts";
import { LSF10, type LsfDialect } from "./dialect.ts";

import { directiveWords } from "../_common/directive_words.ts";

/** Options that take a value. */
const VALUED: ReadonlySet<string> = new Set(
  ("a app b C c cwd D E e eo env Ep F f G g gpu i io J Jd k L M m n o oo outdir P p Q q R S s " +
    "sla sp T t U u v W We w wa wt").split(" "),
);
/** Options without a value. */
const FLAGS: ReadonlySet<string> = new Set([
  "B",
  "H",
  "I",
  "Ip",
  "Is",
  "K",
  "N",
  "r",
  "rn",
  "x",
  "h",
  "V",
  "Zs",
]);
/** Options whose every value counts (`-R` sections add up); the others keep the last. */
const REPEATABLE: ReadonlySet<string> = new Set(["R"]);

const USAGE =
  "Usage: bsub [-h] [-V] [-H] [-x] [-r | -rn] [-N] [-B] [-K] [-n min_proc[,max_proc]]\n" +
  "            [-q queue_name] [-m host_name] [-R res_req] [-J job_name] [-w depend_cond]\n" +
  "            [-W [hour:]minute] [-M mem_limit] [-P project_name] [-cwd dir]\n" +
  '            [-o out_file] [-oo out_file] [-e err_file] [-eo err_file] [-env "none" | "all" | var_list]\n' +
  "            [command [argument ...]]\n";

/** Parsed option words: the values of each option (only `-R` keeps more than one), the rest. */
interface OptionWords {
  values: Map<string, string[]>;
  operands: string[];
}

/** Splits bsub's words into options and operands (the command), as `cmd.sub.c` does. */
function readOptions(args: readonly string[], dialect: LsfDialect): OptionWords {
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
    } else if (VALUED.has(name)) {
      if (index >= args.length) {
        throw new CommandFailure(255, `bsub: option requires an argument -- ${name}\n${USAGE}`);
      }
      set(name, args[index++] as string);
    } else if (VALUED.has(name[0] as string) && name.length > 1) {
      // A one-letter option may carry its value attached (`-n4`).
      set(name[0] as string, name.slice(1));
    } else {
      throw new CommandFailure(255, dialect.bsubBadOption(name, USAGE));
    }
  }
  return { values, operands: args.slice(index) };
}

/** `<message>. Job not submitted.`, exit 255: how bsub refuses a job. */
function notSubmitted(message: string): CommandFailure {
  return new CommandFailure(255, `${message}. Job not submitted.\n`);
}

/**
 * A submission mbatchd refuses after reading it (an array request it cannot read, an unknown
 * queue or dependency job, limits): OpenLava numbers these (`LsfDialect.refusalsUseIds`).
 */
class Refusal extends CommandFailure {
  constructor(message: string) {
    super(255, `${message}. Job not submitted.\n`);
  }
}

/** The script and the name it gives the job: the command line's command, or stdin's script. */
function scriptSource(
  commandLine: OptionWords,
  stdin: string,
  dialect: LsfDialect,
): { script: string; defaultName: string; command?: string; directives: OptionWords } {
  if (commandLine.operands.length > 0) {
    const command = commandLine.operands.join(" ");
    const directives = { values: new Map(), operands: [] };
    return { script: `${command}\n`, defaultName: command, command, directives };
  }
  if (stdin.trim() === "") {
    throw new CommandFailure(255, "No command is specified. Job not submitted.\n");
  }
  const directives = readOptions(directiveWords(stdin, "#BSUB"), dialect);
  return { script: stdin, defaultName: stdin.split("\n")[0] as string, directives };
}

/** `-n min[,max]`: the minimum. */
function parseSlots(text: string): number {
  const match = /^(\d+)(?:,(\d+))?$/.exec(text);
  if (!match || Number(match[1]) < 1) throw notSubmitted(`${text}: Bad argument`);
  return Number(match[1]);
}

/** The options whose values bsub checks before it submits. */
type CheckedValues = Pick<
  BsubOptions,
  "name" | "array" | "arraySpec" | "slots" | "span" | "runLimitSeconds" | "memoryMB"
>;

/** The values that need checking, in the order bsub complains about them. */
function checkedValues(
  get: (name: string) => string | undefined,
  requirements: readonly string[],
  jobName: string,
  dialect: LsfDialect,
): CheckedValues {
  const named = parseJobName(jobName);
  if (!named) throw new Refusal(dialect.badArrayName(jobName));
  const slots = parseSlots(get("n") ?? "1");
  const span = parseSpan(requirements);
  if (!span) throw notSubmitted(`${requirements.join(" ")}: Bad resource requirement syntax`);
  const values: CheckedValues = { name: named.name, slots, span };
  if (named.array) values.array = named.array;
  if (named.spec !== undefined) values.arraySpec = named.spec;
  const limit = get("W");
  if (limit !== undefined) {
    const seconds = parseRunLimit(limit);
    if (seconds === undefined) throw notSubmitted(`${limit}: Bad RUNLIMIT specification`);
    values.runLimitSeconds = seconds;
  }
  const memory = get("M");
  if (memory !== undefined) {
    const mb = parseMemoryLimit(memory);
    if (mb === undefined) throw notSubmitted(`${memory}: Bad argument`);
    values.memoryMB = mb;
  }
  return values;
}

/**
 * Parses a bsub invocation: the command line, then (without a command) the script on stdin and
 * its `#BSUB` lines, the command line winning. Throws {@linkcode CommandFailure} with bsub's
 * own text (exit 255).
 */
export function parseBsub(
  input: Pick<SimCommandContext, "args" | "stdin">,
  dialect: LsfDialect = LSF10,
): BsubOptions {
  const commandLine = readOptions(input.args, dialect);
  const source = scriptSource(commandLine, input.stdin, dialect);
  const values = new Map(source.directives.values);
  for (const [name, list] of commandLine.values) values.set(name, list);
  const get = (name: string) => values.get(name)?.[0];
  const jobName = get("J") ?? source.defaultName;
  const options: BsubOptions = {
    script: source.script,
    jobName,
    ...checkedValues(get, values.get("R") ?? [], jobName, dialect),
    hold: values.has("H"),
    project: get("P") ?? "default",
  };
  if (source.command !== undefined) options.command = source.command;
  const dependency = get("w");
  if (dependency !== undefined) {
    const terms = parseDependency(dependency);
    if (!terms) throw notSubmitted(`${dependency}: Dependency condition syntax error`);
    options.dependency = { text: dependency, terms };
  }
  const gpu = /num=(\d+)/.exec(get("gpu") ?? "");
  if (gpu) options.gpus = Number(gpu[1]);
  const named = [
    ["env", get("env")],
    ["cwd", get("cwd")],
    ["outputFile", get("oo") ?? get("o")],
    ["errorFile", get("eo") ?? get("e")],
    ["queue", get("q")],
    ["account", get("G")],
    ["description", get("Jd")],
  ] as const;
  for (const [key, value] of named) if (value !== undefined) options[key] = value;
  return options;
}

/** The engine ids a `-w` job names: an id, `id[index]`, or the user's latest job of that name. */
function resolveDependencyJob(ctx: SimCommandContext, reference: string): number[] {
  const ref = parseJobId(reference);
  if (ref) {
    const jobs = ctx.engine.find(ref.id);
    if (jobs.length === 0) return [];
    if (ref.index === undefined) return [ref.id];
    const task = jobs.find((job) => job.arrayTaskId === ref.index);
    return task ? [task.id] : [];
  }
  const pattern = namePattern(reference);
  const jobs = ctx.engine.jobs();
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i]!;
    if (job.request.user === ctx.user && pattern.test(baseNameOf(job))) {
      return [job.arrayJobId ?? job.id];
    }
  }
  return [];
}

function resolveDependencies(
  ctx: SimCommandContext,
  dependency: BsubDependency,
  dialect: LsfDialect,
): SimDependency[] {
  return dependency.terms.map((term) => {
    const jobIds = resolveDependencyJob(ctx, term.job);
    if (jobIds.length === 0) {
      throw new Refusal(dialect.unknownDependency(dependency.text, term.job));
    }
    return { type: term.type, jobIds };
  });
}

/**
 * mbatchd's refusal of a submission, in bsub's words. A request for more slots than the
 * queue's hosts hold is refused with LSBE_PROC_NUM's `Too many processors requested` (OpenLava
 * `lsbatch/lib/lsb.err.c`; LSF 10.1 bsub -n: a job asking for more slots than the cluster has
 * is rejected).
 */
function rejection(
  options: BsubOptions,
  error: SimSubmitRejection,
  dialect: LsfDialect,
): CommandFailure {
  switch (error.code) {
    case "invalid-queue":
      return new Refusal(`${error.detail}: No such queue`);
    case "time-limit":
      return new Refusal("RUNLIMIT: Cannot exceed queue's hard limit(s)");
    case "too-much-memory":
      return new Refusal("MEMLIMIT: Cannot exceed queue's hard limit(s)");
    case "invalid-array":
      return new Refusal(dialect.badArrayName(options.jobName));
    case "invalid-dependency": {
      const text = options.dependency?.text ?? "";
      return new Refusal(dialect.unknownDependency(text, options.dependency?.terms[0]?.job ?? ""));
    }
    default:
      return new Refusal("Too many processors requested");
  }
}

/**
 * Runs `bsub` (LSF 10 unless another dialect is given): prints `Job <1> is submitted to
 * [default ]queue <normal>.` A refusal by mbatchd uses up a job id where the dialect says so.
 */
export function bsub(ctx: SimCommandContext, dialect: LsfDialect = LSF10): CommandOutput {
  return answerFailures(() => {
    try {
      return submit(ctx, dialect);
    } catch (error) {
      if (error instanceof Refusal && dialect.refusalsUseIds) {
        ctx.engine.reserveJobId?.();
      }
      throw error;
    }
  });
}

/**
 * Whether the queue's hosts can ever give the job its slots: all of them together, one of them
 * for `span[hosts=1]`, `ptile` per host on as many hosts as it takes. mbatchd refuses a job
 * asking for more (LSBE_PROC_NUM); memory and GPUs it leaves pending.
 */
function slotsFit(ctx: SimCommandContext, options: BsubOptions): boolean {
  const queue = ctx.engine.queues.find((spec) => spec.name === options.queue) ??
    ctx.engine.queues.find((spec) => spec.default === true) ?? ctx.engine.queues[0];
  const hosts = ctx.engine.nodes.filter((node) =>
    queue?.nodes === undefined || queue.nodes.includes(node.name)
  );
  const { span, slots } = options;
  if (span === "one-host") return hosts.some((host) => host.cpus >= slots);
  if (typeof span === "object") {
    return hosts.filter((host) => host.cpus >= span.ptile).length >= Math.ceil(slots / span.ptile);
  }
  return hosts.reduce((sum, host) => sum + host.cpus, 0) >= slots;
}

/** Submits a parsed bsub request; throws bsub's refusals. */
function submit(ctx: SimCommandContext, dialect: LsfDialect): CommandOutput {
  const options = parseBsub(ctx, dialect);
  const known = options.queue === undefined ||
    ctx.engine.queues.some((queue) => queue.name === options.queue);
  if (known && !slotsFit(ctx, options)) throw new Refusal("Too many processors requested");
  const request = bsubRequest(options, ctx);
  if (options.dependency !== undefined) {
    request.dependencies = resolveDependencies(ctx, options.dependency, dialect);
  }
  try {
    const { jobId } = ctx.engine.submit(request);
    const where = options.queue === undefined
      ? `default queue <${ctx.engine.find(jobId)[0]?.queue ?? ""}>`
      : `queue <${options.queue}>`;
    return ok(`Job <${jobId}> is submitted to ${where}.\n`);
  } catch (error) {
    if (error instanceof SimSubmitRejection) throw rejection(options, error, dialect);
    throw error;
  }
}
