/**
 * Private helpers of the built-in backends for header lines: checked directive values, the text
 * resources' lines, the pass-through rules of each scheduler family, time and memory formats and
 * the parallel layout. Not exported from `mod.ts`.
 *
 * @module
 */

import { InvalidValueError } from "../src/core/errors.ts";
import type { Resources } from "../src/core/resources.ts";

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

/** The resources that are text a header line carries as they are. */
export type TextResource = "name" | "queue" | "account" | "stdout" | "stderr";

/**
 * Header lines for the text resources that are set, in the order of `options`: each is
 * `<prefix> <option><value>`, the option written with its separator (`"-N "`, `"--job-name="`).
 */
export function textDirectives(
  prefix: string,
  resources: Resources,
  options: Readonly<Partial<Record<TextResource, string>>>,
): string[] {
  const lines: string[] = [];
  for (const [key, option] of Object.entries(options) as [TextResource, string][]) {
    const value = resources[key];
    if (value !== undefined) lines.push(`${prefix} ${option}${directiveValue(key, value)}`);
  }
  return lines;
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
 * Pass-through rules of SLURM, spelled as sbatch(1) options: a key without a dash becomes `-K`
 * (one letter) or `--key` (longer); `true` gives the bare flag, `false`/`null` nothing, `--long`
 * options take `=value`, short ones ` value`.
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
 * Pass-through rules of the PBS family and SGE (qsub(1B), qsub(1)): a key without a dash is a
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

/** The layout of `resources`; as in the original clusterjob, cores per node = ppn · threads. */
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
