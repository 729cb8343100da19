/**
 * Portable resources of a job script: what the user writes ({@linkcode ResourcesInput}) and the
 * validated, normalised form backends render ({@linkcode Resources}).
 *
 * @module
 */

import type { ArraySpec } from "./array_spec.ts";
import { check } from "./_check.ts";
import { InvalidValueError } from "./errors.ts";
import { parseMemory } from "./memory.ts";
import { parseTime } from "./time.ts";

/**
 * A value of a scheduler-specific (pass-through) resource: `true` gives a bare flag,
 * `false`/`null` gives nothing, anything else gives the option with its value.
 *
 * @example Usage
 * ```ts
 * import { type ExtraValue, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const exclusive: ExtraValue = true;
 * const headers = slurm.renderHeaders({ name: "a", extra: [["exclusive", exclusive], ["requeue", false]] });
 * assert.ok(headers.includes("#SBATCH --exclusive"));
 * assert.ok(!headers.some((line) => line.includes("requeue")));
 * ```
 */
export type ExtraValue = string | number | boolean | null;

/**
 * Resources as a user writes them. Core keys are portable; any other key passes through to the
 * scheduler (`exclusive: true` → `--exclusive` on SLURM, `"-A": "proj"` → `-A proj`), except one
 * that looks like a misspelt portable key (`ppm`, `quene`, `memory`): `JobScript` refuses that
 * with "did you mean …?", and warns of a key its backend's scheduler does not list.
 *
 * @example Usage
 * ```ts
 * import { JobScript, type ResourcesInput } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const resources: ResourcesInput = { queue: "debug", time: "1:00:00", nodes: 2, ppn: 16, mem: "4G" };
 * const job = new JobScript({ name: "a", body: "true", resources });
 * assert.equal(job.resources.timeSeconds, 3600);
 * assert.deepEqual(job.resourcesInput, resources);
 * ```
 */
export interface ResourcesInput {
  /** Queue (SLURM partition). */
  queue?: string;
  /** Walltime: a number of minutes, or `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`, `D:H:M:S`. */
  time?: string | number;
  /** Number of nodes (≥ 1). */
  nodes?: number;
  /** Processes (MPI ranks) per node (≥ 1). */
  ppn?: number;
  /** Threads per process (≥ 1). */
  threads?: number;
  /** Memory per node: a number of megabytes, or a string with a unit (`"512M"`, `"4G"`, `"1T"`). */
  mem?: string | number;
  /** File for the job's standard output. */
  stdout?: string;
  /** File for the job's standard error. */
  stderr?: string;
  /** Account (project) to charge. */
  account?: string;
  /** GPUs per node (`0`: none, the same as not given). */
  gpus?: number;
  /** Any other key passes through to the scheduler. */
  [key: string]: ExtraValue | undefined;
}

/**
 * Validated, normalised resources: what a backend renders. Produced by `resolveResources`.
 *
 * @example Usage
 * ```ts
 * import { pbs, type Resources } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const resources: Resources = { name: "hello", timeSeconds: 300, memMB: 100, extra: [["exclusive", true]] };
 * assert.deepEqual(pbs.renderHeaders(resources), [
 *   "#PBS -N hello",
 *   "#PBS -l walltime=00:05:00",
 *   "#PBS -l mem=100mb",
 *   "#PBS -d .",
 *   "#PBS -exclusive",
 * ]);
 * ```
 */
export interface Resources {
  /** Job name. */
  name: string;
  /** Queue (SLURM partition). */
  queue?: string;
  /** Walltime in whole seconds. */
  timeSeconds?: number;
  /** Number of nodes. */
  nodes?: number;
  /** Processes per node. */
  ppn?: number;
  /** Threads per process. */
  threads?: number;
  /** Memory per node in megabytes (whole, rounded up). */
  memMB?: number;
  /** Standard output file. */
  stdout?: string;
  /** Standard error file. */
  stderr?: string;
  /** Account to charge. */
  account?: string;
  /** GPUs per node (at least 1; unset for none). */
  gpus?: number;
  /** Pass-through resources in the order the user gave them. */
  extra: Array<[key: string, value: ExtraValue]>;
  /**
   * The program that runs the job script (its `#!` interpreter), when it is a plain path. Set by
   * `JobScript`; backends whose scheduler ignores the `#!` line (SGE) pass it on (`-S`).
   */
  interpreter?: string;
  /** The job array (set by `JobScript` from its `array` option); backends render it. */
  array?: ArraySpec;
}

/**
 * The resource keys with a portable meaning, in documentation order; every other key of
 * {@linkcode ResourcesInput} passes through to the scheduler (unless it looks like a misspelling
 * of one of these: then `JobScript` refuses it with "did you mean …?").
 *
 * @example Usage
 * ```ts
 * import { PORTABLE_RESOURCES } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(PORTABLE_RESOURCES.includes("ppn"));
 * assert.equal(PORTABLE_RESOURCES.length, 10);
 * ```
 */
export const PORTABLE_RESOURCES: readonly string[] = Object.freeze([
  "queue",
  "time",
  "nodes",
  "ppn",
  "threads",
  "mem",
  "stdout",
  "stderr",
  "account",
  "gpus",
]);

const CORE_KEYS: ReadonlySet<string> = new Set(PORTABLE_RESOURCES);

const TEXT = "a non-empty string without newlines or NUL characters";
const PATH =
  "a non-empty file path without control characters (newline, carriage return, tab, NUL, …)";
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Validates and normalises resources: the job name and core keys are type-checked
 * (`time` → seconds via {@linkcode parseTime}, `mem` → megabytes via {@linkcode parseMemory},
 * `nodes`/`ppn`/`threads` positive integers, `gpus` a non-negative integer — `0` is the same as
 * not asking, so no backend renders a GPU request for it —, strings non-empty, `stdout` and
 * `stderr` paths without control characters), and every other key passes through as `extra`,
 * in the order given. (Whether a pass-through key is a misspelt portable one, or one the
 * scheduler knows, is checked by `JobScript`, which knows the backend.)
 *
 * A core key whose value is `undefined` or `null` is left unset; an extra key whose value is
 * `undefined` is skipped, `null` is kept (the backend renders nothing for it). Because every
 * value ends up in a header line, no name, key or value may contain a newline, carriage return
 * or NUL character (backends check further what their directives can hold).
 *
 * @param name The job name.
 * @param input The resources as the user wrote them.
 * @returns The validated resources.
 * @throws {InvalidValueError} Naming the key, the value and the accepted forms, for a value of
 * the wrong type or form (`time: "1.5"`, `mem: "4Q"`, `nodes: 0`, an object or array value, a
 * header value with a newline).
 *
 * @example Usage
 * ```ts
 * import { resolveResources } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const resources = resolveResources("hello", {
 *   queue: "debug",
 *   time: "1:00:00",
 *   nodes: 2,
 *   mem: "4G",
 *   exclusive: true,
 *   "-A": "proj",
 * });
 * assert.equal(resources.timeSeconds, 3600);
 * assert.equal(resources.memMB, 4096);
 * assert.deepEqual(resources.extra, [["exclusive", true], ["-A", "proj"]]);
 * assert.throws(() => resolveResources("hello", { nodes: 0 }), /Invalid value for "nodes": 0/);
 * assert.throws(() => resolveResources("hello", { nodes: NaN }), /Invalid value for "nodes": NaN/);
 * assert.equal(resolveResources("hello", { gpus: 0 }).gpus, undefined);
 * ```
 */
export function resolveResources(name: string, input: ResourcesInput): Resources {
  const resources: Resources = { name: headerText("name", name), extra: [] };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidValueError("resources", input, "an object of resource keys and values");
  }
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!CORE_KEYS.has(key)) {
      resources.extra.push([extraKey(key), extraValue(key, value)]);
      continue;
    }
    if (value === null) continue;
    switch (key) {
      case "time": {
        // parseTime and parseMemory reject values of other types themselves.
        const seconds = parseTime(value as string | number, key);
        if (seconds === 0) throw new InvalidValueError(key, value, "a walltime above zero");
        resources.timeSeconds = seconds;
        break;
      }
      case "mem":
        resources.memMB = parseMemory(value as string | number, key);
        break;
      case "nodes":
      case "ppn":
      case "threads":
        resources[key] = wholeNumber(key, value, 1);
        break;
      case "gpus": {
        // No GPUs is no request: every backend renders nothing for it (not `--gres=gpu:0`).
        const gpus = wholeNumber(key, value, 0);
        if (gpus > 0) resources.gpus = gpus;
        break;
      }
      case "stdout":
      case "stderr":
        resources[key] = pathText(key, value);
        break;
      default: // queue, account
        resources[key as "queue" | "account"] = headerText(key, value);
    }
  }
  return resources;
}

function headerText(key: string, value: unknown): string {
  check(
    typeof value === "string" && value.trim() !== "" && !/[\n\r\0]/.test(value),
    key,
    value,
    TEXT,
  );
  return value;
}

/**
 * A file path a header line carries: non-empty, and without any control character (a newline
 * or NUL would end the directive; a tab or escape garbles it). Characters a path may hold,
 * spaces and quotes included, are the backend's to render (or refuse).
 */
function pathText(key: string, value: unknown): string {
  check(
    typeof value === "string" && value.trim() !== "" && !CONTROL.test(value),
    key,
    value,
    PATH,
  );
  return value;
}

function wholeNumber(key: string, value: unknown, minimum: number): number {
  check(
    typeof value === "number" && Number.isSafeInteger(value) && value >= minimum,
    key,
    value,
    `a whole number of ${minimum} or more`,
  );
  return value;
}

function extraKey(key: string): string {
  check(
    key !== "" && !/[\n\r\0]/.test(key),
    "resources",
    key,
    "non-empty keys without newlines or NUL characters",
  );
  return key;
}

function extraValue(key: string, value: unknown): ExtraValue {
  switch (typeof value) {
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      break;
    case "string":
      if (!/[\n\r\0]/.test(value)) return value;
      break;
    case "object":
      if (value === null) return null;
  }
  throw new InvalidValueError(
    key,
    value,
    "a string without newlines or NUL characters, a finite number, true, false or null",
  );
}
