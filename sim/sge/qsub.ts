/**
 * `qsub`: reads the command line and the script's `#$` lines into {@linkcode QsubOptions} (pure
 * functions: {@linkcode parseQsubArgs}, {@linkcode directiveWords}, {@linkcode parseQsubOptions}),
 * hands them to `_request.ts` and prints what SGE 8.1.9 prints (`Your job 2 ("ok") has been
 * submitted`, 008-qsub-plain; with `-terse` the id alone, 009).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { basename } from "node:path/posix";
import { answerFailures, ok } from "../_common/command_result.ts";
import { splitWords } from "../_common/directive_words.ts";
import type { SimCommand, SimCommandContext } from "../emulator.ts";
import { SimSubmitRejection } from "../emulator.ts";
import { QmasterRejection, SgeCommandError, unableToRunJob } from "./_errors.ts";
import { buildRequest } from "./_request.ts";
import type { QsubOptions, QsubScript, QsubVariable } from "./_request.ts";
export type { QsubOptions, QsubScript, QsubVariable };
import { parseTaskRange, taskRangeSpec } from "./_values.ts";

/** The options qsub accepts, with how many values each takes. */
const QSUB_OPTIONS: Readonly<Record<string, number>> = {
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
  "-ac": 1,
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

/** One option as given: `-pe smp 2` is `{ name: "-pe", values: ["smp", "2"] }`. */
export interface QsubOption {
  /** The option, dash included. */
  name: string;
  /** Its values (as many as the option takes). */
  values: string[];
}

/** Words split into options and what follows them (the script and its arguments). */
export interface QsubArgs {
  /** The options, in order. */
  options: QsubOption[];
  /** The words from the first one that is not an option on. */
  operands: string[];
}

/**
 * Splits qsub's words into options and operands; options end at the first word that does not
 * start with `-` (or is `-`).
 *
 * @param args The words of the command line or of `#$` lines.
 * @returns The options and operands.
 * @throws {SgeCommandError} For an unknown option (095-qsub-unknown-option) or a missing value.
 */
export function parseQsubArgs(args: readonly string[]): QsubArgs {
  const options: QsubOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-") || arg === "-") return { options, operands: args.slice(i) };
    const count = QSUB_OPTIONS[arg];
    if (count === undefined) throw new SgeCommandError(`qsub: invalid option argument "${arg}"`, 2);
    const values = args.slice(i + 1, i + 1 + count);
    if (values.length < count) {
      throw new SgeCommandError(`qsub: option "${arg}" requires an argument`, 2);
    }
    options.push({ name: arg, values });
    i += count;
  }
  return { options, operands: [] };
}

/**
 * The option words of a script's `#$` lines. Unlike `#PBS`/`#BSUB`, qsub reads them anywhere in
 * the script, not only in the leading comment block.
 */
export function directiveWords(script: string): string[] {
  return script.split("\n").filter((line) => line.startsWith("#$"))
    .flatMap((line) => splitWords(line.slice(2)));
}

/** The options with one value that {@linkcode QsubOptions} keeps as given. */
const SINGLE_VALUED: ReadonlyArray<
  ["name" | "workdir" | "shell" | "queue" | "stdout" | "stderr", string]
> = [
  ["name", "-N"],
  ["workdir", "-wd"],
  ["shell", "-S"],
  ["queue", "-q"],
  ["stdout", "-o"],
  ["stderr", "-e"],
];

/**
 * Merges the options of the script's `#$` lines and of the command line into
 * {@linkcode QsubOptions}: for single-valued options the last one wins, the command line coming
 * after the script; list options (`-l`, `-v`, `-hold_jid`) add up.
 *
 * @param commandLine The command line's options.
 * @param directives The words of the script's `#$` lines ({@linkcode directiveWords}).
 * @returns The merged options.
 * @throws {SgeCommandError} For an unknown or incomplete option in a `#$` line.
 */
export function parseQsubOptions(
  commandLine: readonly QsubOption[],
  directives: readonly string[],
): QsubOptions {
  const all = [...parseQsubArgs(directives).options, ...commandLine];
  const last = (name: string) => all.findLast((o) => o.name === name)?.values;
  const has = (name: string) => all.some((o) => o.name === name);
  const items = (name: string) =>
    all.filter((o) => o.name === name).flatMap((o) => o.values[0]!.split(","));
  const options: QsubOptions = {
    terse: has("-terse"),
    sync: last("-sync")?.[0] === "y",
    cwd: has("-cwd"),
    hold: has("-h"),
    exportAll: has("-V"),
    verify: last("-w")?.[0] === "e",
    merge: last("-j")?.[0] === "y",
    resources: resourceMap(items("-l")),
    holdJobs: items("-hold_jid"),
    variables: items("-v").map(variable),
    context: items("-ac").map(variable),
  };
  for (const [key, name] of SINGLE_VALUED) {
    const value = last(name)?.[0];
    if (value !== undefined) options[key] = value;
  }
  const pe = last("-pe");
  if (pe !== undefined) options.pe = { name: pe[0]!, slots: pe[1]! };
  const tasks = last("-t")?.[0];
  if (tasks !== undefined) options.tasks = { text: tasks, range: parseTaskRange(tasks) };
  const limit = last("-tc")?.[0];
  if (limit !== undefined && /^\d+$/.test(limit)) options.taskLimit = Number(limit);
  return options;
}

function resourceMap(items: readonly string[]): Map<string, string> {
  const resources = new Map<string, string>();
  for (const item of items) {
    const [key = "", value = ""] = item.split("=");
    resources.set(key, value);
  }
  return resources;
}

function variable(item: string): QsubVariable {
  const eq = item.indexOf("=");
  return eq > 0 ? { name: item.slice(0, eq), value: item.slice(eq + 1) } : { name: item };
}

function readScript(ctx: SimCommandContext, operands: string[], binary: boolean): QsubScript {
  if (binary) {
    const [command = "", ...args] = operands;
    const text = `${[command, ...args].join(" ")}\n`;
    return { text, file: command, args, defaultName: basename(command), binary };
  }
  if (operands.length === 0) {
    return { text: ctx.stdin, file: "STDIN", args: [], defaultName: "STDIN", binary };
  }
  const [file, ...args] = operands as [string, ...string[]];
  const text = ctx.readFile(file);
  if (text === undefined) {
    throw new SgeCommandError(
      `Unable to read script file because of error: error opening ${file}: No such file or directory`,
      14,
    );
  }
  return { text, file, args, defaultName: basename(file), binary };
}

/** qmaster's refusals of the engine's rejections (090-qsub-invalid-queue, 098). */
function rejectionMessage(error: SimSubmitRejection): string {
  return error.code === "invalid-queue"
    ? `Job was rejected because job requests unknown queue "${error.detail}"`
    : "error: no suitable queues";
}

/**
 * What a qsub call asks: its script and the options of the command line and the script's `#$`
 * lines. Throws {@linkcode SgeCommandError} as qsub complains.
 */
export function qsubCall(ctx: SimCommandContext): { script: QsubScript; options: QsubOptions } {
  const args = parseQsubArgs(ctx.args);
  // Only the command line's -b y makes the operands a command (whose #$ lines are not read).
  const binary = args.options.some((o) => o.name === "-b" && o.values[0] === "y");
  const script = readScript(ctx, args.operands, binary);
  return {
    script,
    options: parseQsubOptions(args.options, binary ? [] : directiveWords(script.text)),
  };
}

function submit(ctx: SimCommandContext): CommandOutput {
  const { script, options } = qsubCall(ctx);
  const request = buildRequest(ctx, options, script);
  let jobId: number;
  try {
    jobId = ctx.engine.submit(request).jobId;
  } catch (error) {
    if (!(error instanceof SimSubmitRejection)) throw error;
    throw new QmasterRejection(rejectionMessage(error));
  }
  const range = options.tasks?.range;
  if (range !== undefined) {
    const spec = `${jobId}.${taskRangeSpec(range)}`;
    return ok(
      options.terse
        ? `${spec}\n`
        : `Your job-array ${spec} ("${request.name}") has been submitted\n`,
    );
  }
  return ok(
    options.terse ? `${jobId}\n` : `Your job ${jobId} ("${request.name}") has been submitted\n`,
  );
}

/** The `qsub` command. */
export const qsub: SimCommand = (ctx) =>
  answerFailures(() => {
    try {
      return submit(ctx);
    } catch (error) {
      if (!(error instanceof QmasterRejection)) throw error;
      ctx.engine.reserveJobId?.();
      return unableToRunJob(error.message);
    }
  });
