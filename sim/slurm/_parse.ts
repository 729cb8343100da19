/**
 * What the SLURM tools parse out of their arguments and directives: the command line itself
 * (getopt_long, and the refusal a tool prints for a bad one), time limits, memory sizes,
 * `--array` and `--dependency` specifications, job id operands and output file patterns.
 *
 * @module
 */

import { CommandFailure } from "../_common/command_result.ts";
import { getopt, type OptionSpec, type ParsedOption } from "../_common/getopt.ts";
import type { SimDependency, SimJob } from "../types.ts";

/**
 * A tool's options as getopt_long's option table would list them, in one string: `long|s`
 * words (`s` the short letter), with `:` after an option that takes a value and `::` after one
 * whose value is optional (given only as `--long=value`). Each option's key is its long name.
 */
export function optionTable(text: string): OptionSpec[] {
  return text.trim().split(/\s+/).map((word) => {
    const match = /^([\w-]+)(?:\|(\w))?(:{0,2})$/.exec(word);
    if (match === null) throw new SyntaxError(`Cannot parse option "${word}": expected long|s:`);
    const [, long = "", short, colons] = match;
    const arg = colons === "" ? "none" : colons === ":" ? "required" : "optional";
    return short === undefined ? { key: long, long, arg } : { key: long, long, short, arg };
  });
}

/** A command line as getopt_long read it. */
export interface CommandLine {
  /** The options in command-line order. */
  readonly options: readonly ParsedOption[];
  /** The words that are not options. */
  readonly operands: readonly string[];
  /** Whether the option was given. */
  has(key: string): boolean;
  /** The option's last value (a later occurrence wins), `undefined` when absent. */
  value(key: string): string | undefined;
}

/** A {@linkcode CommandLine} of options already parsed. */
export function commandLine(
  options: readonly ParsedOption[],
  operands: readonly string[] = [],
): CommandLine {
  return {
    options,
    operands,
    has: (key) => options.some((o) => o.key === key),
    value: (key) => lastValue(options, key),
  };
}

/**
 * Reads a tool's arguments with getopt_long; throws {@linkcode CommandFailure} with getopt's
 * message and the `Try "... --help"` line the tools add (`src/common/slurm_opt.c`,
 * `src/squeue/opts.c`; recording 125-sbatch-unknown-option).
 *
 * @param tool The tool's name, for the message.
 * @param args The arguments after the tool's name.
 * @param options The options the tool accepts: their table, or its text for
 *   {@linkcode optionTable} (a tool parses its table once, at load, rather than per call).
 * @param how `stopAtOperand`: options end at the first operand (sbatch: what follows belongs
 *   to the script); `code`: the exit code of the refusal (sbatch exits 255, the others 1).
 */
export function parseCommandLine(
  tool: string,
  args: readonly string[],
  options: string | readonly OptionSpec[],
  how: { stopAtOperand?: boolean; code?: number } = {},
): CommandLine {
  const specs = typeof options === "string" ? optionTable(options) : options;
  const parsed = getopt(args, specs, how.stopAtOperand ?? false);
  if (parsed.error !== undefined) {
    throw new CommandFailure(
      how.code ?? 1,
      `${tool}: ${parsed.error.message}\nTry "${tool} --help" for more information\n`,
    );
  }
  return commandLine(parsed.options, parsed.positionals);
}

/**
 * Parses a SLURM time limit (`M`, `M:S`, `H:M:S`, `D-H[:M[:S]]`, `UNLIMITED`; `time_str2mins`
 * in `src/common/parse_time.c`); `null` when invalid, `seconds: undefined` for unlimited (0
 * included, recording 115). Rounds up to whole minutes (recording 105).
 */
export function parseSlurmTime(text: string): { seconds: number | undefined } | null {
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

/**
 * Parses a SLURM memory size in MB (default unit MB; `K`, `G`, `T`; `str_to_mbytes` in
 * `src/common/proc_args.c`); `undefined` when invalid.
 */
export function parseSlurmMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(text.trim());
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "").toUpperCase();
  const factor = unit === "K" ? 1 / 1024 : unit === "G" ? 1024 : unit === "T" ? 1024 * 1024 : 1;
  return Math.ceil(value * factor);
}

/**
 * Parses `--array` (`1-9:2,12%3`): indices and `%` limit; `undefined` when invalid, or over
 * MaxArraySize (1001 by default: `DEFAULT_MAX_ARRAY_SIZE`, `src/common/read_config.h`).
 */
export function parseSlurmArray(
  text: string,
): { indices: number[]; maxConcurrent?: number } | undefined {
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

/**
 * Parses `--dependency` (`afterok:12:13,afterany:14_2`, `?` for "any of"; `singleton` ignored),
 * the forms of `update_job_dependency` (`src/slurmctld/job_scheduler.c`); `undefined` when
 * malformed.
 */
export function parseSlurmDependency(text: string): SimDependency[] | undefined {
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

/** A job id operand: the job, and the array task when one is named. */
export interface JobIdArg {
  /** The job (or array) id. */
  id: number;
  /** The array task of `N_T`. */
  task?: number;
}

/**
 * Parses a job id operand: `N`, `N_T`, `N.step` (`slurm_parse_step_str`,
 * `src/common/slurm_protocol_defs.c`); `undefined` when malformed.
 */
export function parseJobIdArg(text: string): JobIdArg | undefined {
  // The common case, a plain id, without a match array: `-j` names up to 10,000 of them.
  if (/^\d+$/.test(text)) return { id: Number(text) };
  const match = /^(\d+)(?:_(\d+))?(?:\.\S+)?$/.exec(text.trim());
  if (match === null) return undefined;
  const result: JobIdArg = { id: Number(match[1]) };
  if (match[2] !== undefined) result.task = Number(match[2]);
  return result;
}

/**
 * Parses comma-separated job id lists (`-j 7,8_2`, several words: each is split at its commas,
 * empty parts skipped); throws {@linkcode CommandFailure} with the tool's message for the first
 * malformed id.
 */
export function parseJobIdList(
  words: readonly string[],
  message: (part: string) => string,
): JobIdArg[] {
  const ids: JobIdArg[] = [];
  scanJobIdList(words, message, (id, task) => ids.push(task === undefined ? { id } : { id, task }));
  return ids;
}

/**
 * Reads comma-separated job id lists as {@linkcode parseJobIdList} does, handing each id (and
 * its task, when it names one) to `each` in order. One pass over the text, plain ids read digit
 * by digit: a poll names up to 16,000 ids in one `-j`, and no string or object is made for them.
 */
export function scanJobIdList(
  words: readonly string[],
  message: (part: string) => string,
  each: (id: number, task: number | undefined) => void,
): void {
  for (const word of words) {
    let start = 0;
    while (start < word.length) {
      const comma = word.indexOf(",", start);
      const end = comma < 0 ? word.length : comma;
      if (end > start) {
        const plain = plainId(word, start, end);
        if (plain !== undefined) each(plain, undefined);
        else {
          const part = word.slice(start, end);
          const id = parseJobIdArg(part);
          if (id === undefined) throw new CommandFailure(1, message(part));
          each(id.id, id.task);
        }
      }
      start = end + 1;
    }
  }
}

/** The number `text[start, end)` spells when it is digits only (and exact as a double). */
function plainId(text: string, start: number, end: number): number | undefined {
  if (end - start > 15) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Parses job id operands; throws {@linkcode CommandFailure} with the tool's message for the
 * first malformed one.
 */
export function parseJobIds(
  parts: readonly string[],
  message: (part: string) => string,
): JobIdArg[] {
  return parts.map((part) => {
    const id = parseJobIdArg(part);
    if (id === undefined) throw new CommandFailure(1, message(part));
    return id;
  });
}

/**
 * Expands `%j %A %a %x %u %N %n %t %s %%` (with optional zero-padding width) in an output file
 * pattern, as slurmstepd does for a batch job (`src/slurmd/common/fname.c`); outside an array,
 * `%a` is NO_VAL (4294967294).
 */
export function expandPattern(pattern: string, job: SimJob): string {
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

/** The value of the last occurrence of an option (a later one wins), `undefined` when absent. */
export function lastValue(options: readonly ParsedOption[], key: string): string | undefined {
  for (let i = options.length - 1; i >= 0; i--) {
    if (options[i]!.key === key) return options[i]!.value;
  }
  return undefined;
}
