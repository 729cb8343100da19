/**
 * Private helpers shared by the built-in backends: header lines, pass-through option rules,
 * time and memory formatting, id chunking and small parsing utilities. One implementation of
 * each; not exported from `mod.ts`.
 *
 * @module
 */

import { InvalidValueError, QueryError, SubmitError } from "../src/core/errors.ts";
import type { StatusCode } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { Resources } from "../src/core/resources.ts";
import type { CoreVariable, JobInfo, QueryCommand } from "../src/core/backend.ts";

/** The six core variables, in documentation order. */
export const CORE_VARIABLES: readonly CoreVariable[] = [
  "CLUSTERJOB_ID",
  "CLUSTERJOB_WORKDIR",
  "CLUSTERJOB_SUBMIT_HOST",
  "CLUSTERJOB_NAME",
  "CLUSTERJOB_NODELIST",
  "CLUSTERJOB_ARRAY_INDEX",
];

/**
 * A header value, checked: a newline or NUL would end the directive early (and smuggle a
 * shell line into the script), so they are refused. Values with whitespace are double-quoted,
 * which every scheduler's directive parser understands.
 */
export function directiveValue(field: string, value: string | number): string {
  const text = String(value);
  if (/[\n\r\0]/.test(text)) {
    throw new InvalidValueError(field, value, "a value without line breaks or NUL characters");
  }
  if (!/\s/.test(text)) return text;
  if (text.includes('"')) {
    throw new InvalidValueError(field, value, "a value without double quotes when it has spaces");
  }
  return `"${text}"`;
}

/** Checks a pass-through key: non-empty, no whitespace, no line breaks. */
function checkExtraKey(key: string): void {
  if (!/^-{0,2}[A-Za-z0-9][A-Za-z0-9_.:-]*=?$/.test(key)) {
    throw new InvalidValueError(
      "resources",
      key,
      'a pass-through key of letters, digits, "_", ".", ":" or "-" (optionally starting with "-" or "--")',
    );
  }
}

/**
 * Pass-through rules of SLURM (reference §2.4): a key without a dash becomes `-K` (one letter)
 * or `--key` (longer); `true` gives the bare flag, `false`/`null` nothing, `--long` options
 * take `=value`, short ones ` value`.
 */
export function slurmExtraLines(prefix: string, extra: Resources["extra"]): string[] {
  const lines: string[] = [];
  for (const [key, value] of extra) {
    checkExtraKey(key);
    if (value === false || value === null) continue;
    const option = key.startsWith("-") ? key : key.length === 1 ? `-${key}` : `--${key}`;
    if (value === true) lines.push(`${prefix} ${option}`);
    else if (option.startsWith("--")) {
      lines.push(`${prefix} ${option}=${directiveValue(key, value)}`);
    } else lines.push(`${prefix} ${option} ${directiveValue(key, value)}`);
  }
  return lines;
}

/**
 * Pass-through rules of the PBS family and SGE (reference §4.2): a key without a dash is a
 * resource-list item `-l key=value`; a key with a dash is an option (`-A acct`, or `-W=x`
 * glued when the key ends with `=`); `true` gives the flag (a dash added), `false`/`null`
 * nothing. `skip` lists keys a backend always emits itself (SGE's `cwd`).
 */
export function pbsExtraLines(
  prefix: string,
  extra: Resources["extra"],
  skip: readonly string[] = [],
): string[] {
  const lines: string[] = [];
  for (const [key, value] of extra) {
    checkExtraKey(key);
    if (value === false || value === null || skip.includes(key)) continue;
    if (value === true) {
      lines.push(`${prefix} ${key.startsWith("-") ? key : `-${key}`}`);
    } else if (!key.startsWith("-")) {
      lines.push(`${prefix} -l ${key}=${directiveValue(key, value)}`);
    } else if (key.endsWith("=")) {
      lines.push(`${prefix} ${key}${directiveValue(key, value)}`);
    } else lines.push(`${prefix} ${key} ${directiveValue(key, value)}`);
  }
  return lines;
}

/**
 * Pass-through rules of LSF: every key is a `bsub` option and gets a single dash when it has
 * none (`P: "proj"` → `-P proj`, `outdir: "x"` → `-outdir x`; the original wrote the key
 * verbatim, giving invalid lines); `true` gives the flag, `false`/`null` nothing.
 */
export function lsfExtraLines(prefix: string, extra: Resources["extra"]): string[] {
  const lines: string[] = [];
  for (const [key, value] of extra) {
    checkExtraKey(key);
    if (value === false || value === null) continue;
    const option = key.startsWith("-") ? key : `-${key}`;
    lines.push(
      value === true ? `${prefix} ${option}` : `${prefix} ${option} ${directiveValue(key, value)}`,
    );
  }
  return lines;
}

/** The script's file name as a command argument: `./-x.slr` so a leading dash is no option. */
export function scriptArgument(filename: string): string {
  return filename.startsWith("-") ? `./${filename}` : filename;
}

const pad2 = (value: number): string => String(value).padStart(2, "0");

/** `HH:MM:SS` with hours that may exceed 24 (PBS `walltime`, SGE `h_rt`). */
export function formatHms(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds % 60)}`;
}

/** SLURM's `D-HH:MM:SS` for a day or more, else `HH:MM:SS`. */
export function formatSlurmTime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  return days > 0 ? `${days}-${formatHms(seconds % 86400)}` : formatHms(seconds);
}

/** Whole minutes, rounded up so a limit is never shorter than asked (LSF `-W`). */
export function minutesRoundedUp(seconds: number): number {
  return Math.ceil(seconds / 60);
}

/**
 * Megabytes with the largest exact unit: `4096` → `4` + giga unit, `100` → `100` + mega unit.
 * `units` are the scheduler's spellings (`["M", "G", "T"]`, `["mb", "gb", "tb"]`).
 */
export function formatMemory(megabytes: number, units: readonly [string, string, string]): string {
  if (megabytes % (1024 * 1024) === 0) return `${megabytes / (1024 * 1024)}${units[2]}`;
  if (megabytes % 1024 === 0) return `${megabytes / 1024}${units[1]}`;
  return `${megabytes}${units[0]}`;
}

/** The parallel layout with every missing count defaulted to 1. */
export interface Layout {
  /** Nodes. */
  nodes: number;
  /** Processes per node. */
  ppn: number;
  /** Threads per process. */
  threads: number;
  /** Cores per node: ppn × threads. */
  coresPerNode: number;
  /** Whether the user gave any of nodes/ppn/threads. */
  given: boolean;
}

/** The layout of `resources` (reference §4.9: cores per node = ppn · threads). */
export function layoutOf(resources: Resources): Layout {
  const nodes = resources.nodes ?? 1;
  const ppn = resources.ppn ?? 1;
  const threads = resources.threads ?? 1;
  return {
    nodes,
    ppn,
    threads,
    coresPerNode: ppn * threads,
    given: resources.nodes !== undefined || resources.ppn !== undefined ||
      resources.threads !== undefined,
  };
}

/**
 * Longest command line (sum of argument lengths plus separators) a batched query may have.
 * Linux caps one argument at 128 KiB (MAX_ARG_STRLEN) and SSH sends the whole remote command
 * as one argument of the remote shell, so 100,000 characters stays under both with room for
 * quoting; 10,000 six-digit ids (70,000 characters joined) still fit in one command.
 */
export const MAX_COMMAND_LENGTH = 100_000;

/**
 * Splits `ids` into consecutive groups such that `build(group)` stays within
 * {@linkcode MAX_COMMAND_LENGTH}; every group has at least one id.
 */
export function chunkedQueries(
  ids: readonly string[],
  build: (group: string[]) => string[],
  maxLength: number = MAX_COMMAND_LENGTH,
): QueryCommand[] {
  const commands: QueryCommand[] = [];
  const baseLength = commandLength(build([]));
  let group: string[] = [];
  let length = baseLength;
  for (const id of ids) {
    // +1 for the separator (a comma or a space) each id adds.
    if (group.length > 0 && length + id.length + 1 > maxLength) {
      commands.push({ argv: build(group), ids: group });
      group = [];
      length = baseLength;
    }
    group.push(id);
    length += id.length + 1;
  }
  if (group.length > 0) commands.push({ argv: build(group), ids: group });
  return commands;
}

function commandLength(argv: readonly string[]): number {
  return argv.reduce((sum, arg) => sum + arg.length + 1, 0);
}

/** One query per id, for tools that take a single id (`qacct -j`, `tracejob`). */
export function perIdQueries(
  ids: readonly string[],
  build: (id: string) => string[],
): QueryCommand[] {
  return ids.map((id) => ({ argv: build(id), ids: [id] }));
}

/** Non-empty, trimmed lines of a text. */
export function nonEmptyLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

/** Throws `SubmitError` unless the submit command exited 0. */
export function requireSubmitSuccess(output: CommandOutput, argv: readonly string[]): void {
  if (output.code !== 0) throw new SubmitError(argv, output, "the scheduler refused the job");
}

/** Throws `SubmitError` saying the output carried no job id. */
export function noJobId(output: CommandOutput, argv: readonly string[]): never {
  throw new SubmitError(argv, output, "no job id in the answer");
}

/** A `QueryError` quoting the tool's own text. */
export function queryFailed(
  argv: readonly string[],
  output: CommandOutput,
  what: string,
): QueryError {
  const said = output.stderr.trim() || output.stdout.trim() || "(no output)";
  return new QueryError(argv, `${what} "${argv.join(" ")}" (exit ${output.code}): ${said}`);
}

/**
 * Merges what a query said about several records of one requested id (the tasks of a job
 * array): any active record wins (the most advanced of them), otherwise the worst end
 * (FAILED over CANCELLED over COMPLETED) — the order of {@linkcode Status} makes both a max.
 */
export function mergeInfo(previous: JobInfo | undefined, next: JobInfo): JobInfo {
  if (previous === undefined) return next;
  const previousActive = previous.status < 0;
  const nextActive = next.status < 0;
  if (previousActive !== nextActive) return previousActive ? previous : next;
  return next.status > previous.status ? next : previous;
}

/** Sets or merges `info` for `id` in `result`. */
export function addInfo(result: Map<string, JobInfo>, id: string, info: JobInfo): void {
  result.set(id, mergeInfo(result.get(id), info));
}

/** A JobInfo without undefined optional members (exactOptionalPropertyTypes). */
export function jobInfo(
  status: StatusCode,
  state: string,
  exitCode?: number,
  reason?: string,
): JobInfo {
  const info: JobInfo = { status, state };
  if (exitCode !== undefined) info.exitCode = exitCode;
  if (reason !== undefined && reason !== "") info.reason = reason;
  return info;
}

/** Parses a decimal integer (optionally negative); `undefined` when `text` is not one. */
export function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number.parseInt(text.trim(), 10);
}
