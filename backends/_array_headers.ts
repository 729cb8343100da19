/**
 * Private helpers of the built-in backends for job arrays: the text of an array request in each
 * scheduler's syntax, and the portable `$CLUSTERJOB_ID` / `$CLUSTERJOB_ARRAY_INDEX` tokens of
 * `stdout`/`stderr` paths as the scheduler's file-name tokens. Not exported from `mod.ts`.
 *
 * @module
 */

import { type ArrayRange, arrayRequest, type ArraySyntax } from "../src/core/array_spec.ts";
import { InvalidValueError } from "../src/core/errors.ts";
import type { Resources } from "../src/core/resources.ts";

/** `1-3`, `0-98:2`, `7`: one range in the `start-end:step` form every scheduler reads. */
function rangeText(range: ArrayRange): string {
  if (range.start === range.end) return String(range.start);
  return range.step === 1
    ? `${range.start}-${range.end}`
    : `${range.start}-${range.end}:${range.step}`;
}

/**
 * The array request of `resources` in `syntax`, as text (`1-3,7`, with `%N` appended when
 * `limit` is `"%"` and the array has `maxParallel`), or `undefined` for a job without array.
 */
export function arrayText(
  resources: Resources,
  syntax: ArraySyntax,
  limit: "%" | "none",
): string | undefined {
  const spec = resources.array;
  if (spec === undefined) return undefined;
  const text = arrayRequest(spec, syntax).ranges.map(rangeText).join(",");
  return limit === "%" && spec.maxParallel !== undefined ? `${text}%${spec.maxParallel}` : text;
}

const TOKEN =
  /\$(?:\{(CLUSTERJOB_ID|CLUSTERJOB_ARRAY_INDEX)\}|(CLUSTERJOB_ID|CLUSTERJOB_ARRAY_INDEX)\b)/g;

/**
 * `resources` with `$CLUSTERJOB_ID` and `$CLUSTERJOB_ARRAY_INDEX` (or `${…}`) in `stdout` and
 * `stderr` replaced by the scheduler's file-name tokens, so that each task writes its own file.
 *
 * @throws {InvalidValueError} Field `stdout`/`stderr`, for a token the scheduler has no
 * file-name token for, or the index token in a job without array.
 */
export function withFileTokens(
  resources: Resources,
  syntax: ArraySyntax,
  scheduler: string,
): Resources {
  let changed: Resources | undefined;
  for (const field of ["stdout", "stderr"] as const) {
    const path = resources[field];
    if (path === undefined || !path.includes("$CLUSTERJOB_")) continue;
    const rendered = path.replace(TOKEN, (_match, braced?: string, bare?: string) => {
      const variable = (braced ?? bare) as keyof ArraySyntax["fileTokens"];
      const token = syntax.fileTokens[variable];
      const accepted = Object.keys(syntax.fileTokens).map((name) => `$${name}`);
      if (token === undefined) {
        throw new InvalidValueError(
          field,
          path,
          `a path whose tokens ${scheduler} can fill in: ${
            accepted.length > 0 ? accepted.join(", ") : "none"
          } (${scheduler} has no file-name token for $${variable}${
            syntax.fileNote === undefined ? "" : `; ${syntax.fileNote}`
          })`,
        );
      }
      if (variable === "CLUSTERJOB_ARRAY_INDEX" && resources.array === undefined) {
        throw new InvalidValueError(
          field,
          path,
          "$CLUSTERJOB_ARRAY_INDEX only in the output paths of a job with an `array`",
        );
      }
      return token;
    });
    changed ??= { ...resources };
    changed[field] = rendered;
  }
  return changed ?? resources;
}

/**
 * SLURM: `--array=1-3,7:2%N` (sbatch(1) `--array`: lists, steps and a `%` limit); file names
 * `%A` (the array's id, the job's own outside arrays) and `%a` (`src/common/fname.c`).
 */
export const SLURM_ARRAY: ArraySyntax = Object.freeze({
  lists: true,
  steps: true,
  passThroughKeys: Object.freeze(["array", "a"]),
  fileTokens: Object.freeze({ CLUSTERJOB_ID: "%A", CLUSTERJOB_ARRAY_INDEX: "%a" }),
});

/**
 * Torque: `-t 1-3,7%N` (qsub(1) `-t array_request`: ranges and lists, no step, a `%` slot
 * limit); `-o`/`-e` take no tokens, and Torque itself appends `-<index>` to each task's output
 * and error file (`array_func.c`), so every task writes its own file without one.
 */
export const TORQUE_ARRAY: ArraySyntax = Object.freeze({
  lists: true,
  steps: false,
  passThroughKeys: Object.freeze(["t"]),
  fileTokens: Object.freeze({}),
  fileNote: "Torque appends -<index> to each array task's -o/-e file itself; give the path " +
    "without the token",
});

/**
 * PBS Pro / OpenPBS: `-J X-Y[:Z][%N]` (PBS Professional Reference Guide "qsub", OpenPBS 23.06:
 * one range of at least two indices, X < Y; `%N` sets `max_run_subjobs`); `^array_index^` in
 * `-o`/`-e` (Reference Guide "Job Arrays"); no token for the job id.
 */
export const PBSPRO_ARRAY: ArraySyntax = Object.freeze({
  lists: false,
  steps: true,
  minTasks: 2,
  passThroughKeys: Object.freeze(["J"]),
  fileTokens: Object.freeze({ CLUSTERJOB_ARRAY_INDEX: "^array_index^" }),
});

/**
 * LSF: `-J "name[1-3,7:2]%N"` (bsub(1) `-J`, "Job arrays": lists, steps, a `%` limit, indices from 1); `%J`
 * and `%I` in `-o`/`-e`.
 */
export const LSF_ARRAY: ArraySyntax = Object.freeze({
  lists: true,
  steps: true,
  minIndex: 1,
  passThroughKeys: Object.freeze(["J"]),
  fileTokens: Object.freeze({ CLUSTERJOB_ID: "%J", CLUSTERJOB_ARRAY_INDEX: "%I" }),
});

/**
 * SGE: `-t n-m:s` (one range, indices from 1, qsub(1)) and `-tc N`; `$JOB_ID` and `$TASK_ID` in `-o`/`-e`
 * (qsub(1) `-o`).
 */
export const SGE_ARRAY: ArraySyntax = Object.freeze({
  lists: false,
  steps: true,
  minIndex: 1,
  passThroughKeys: Object.freeze(["t", "tc"]),
  fileTokens: Object.freeze({ CLUSTERJOB_ID: "$JOB_ID", CLUSTERJOB_ARRAY_INDEX: "$TASK_ID" }),
});

/** The PBS family's array line: `<prefix> -t 1-3,7%2` (Torque) or `-J 1-7:2%2` (PBS Pro). */
export function pbsArrayLines(
  prefix: string,
  option: "-t" | "-J",
  resources: Resources,
  syntax: ArraySyntax,
): string[] {
  const text = arrayText(resources, syntax, "%");
  return text === undefined ? [] : [`${prefix} ${option} ${text}`];
}
