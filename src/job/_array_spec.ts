/**
 * The `array` option of a `JobScript`: its accepted forms, read into an `ArraySpec`, and what a
 * backend's array syntax makes of it (pass-through keys that would make a second array, the
 * shell lines every rendered body starts with). Internal module.
 *
 * @module
 */

import { arrayRequest, type ArraySpec } from "../core/array_spec.ts";
import type { Backend } from "../core/backend.ts";
import { InvalidValueError } from "../core/errors.ts";
import type { Resources } from "../core/resources.ts";

/** The most tasks one array may have here (each is tracked); schedulers' own caps are lower. */
export const MAX_ARRAY_TASKS = 1_000_000;
/** The highest index: SLURM's and SGE's task ids are 32-bit, LSF's 31-bit. */
const MAX_INDEX = 2 ** 31 - 2;

const ACCEPTED = 'an index range "1-100", with a step "0-99:2" and/or a limit "1-100%10", a ' +
  'list "1,3,7" (ranges and indices joined by ","), an object { start, end, step?, ' +
  "maxParallel? }, an array of indices, or one index; indices are integers from 0 to " +
  `${MAX_INDEX}, at most ${MAX_ARRAY_TASKS} of them, limit and step positive integers`;

/**
 * Reads the `array` option; `undefined` (and `null`) means no array.
 *
 * @throws {InvalidValueError} Naming `field`, the value as given and the accepted forms.
 */
export function arrayOption(field: string, value: unknown): ArraySpec | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (detail?: string): InvalidValueError =>
    new InvalidValueError(
      field,
      value,
      detail === undefined ? ACCEPTED : `${ACCEPTED} (${detail})`,
    );
  let indices: number[];
  let maxParallel: unknown;
  if (typeof value === "string") {
    const [list = "", limit, ...more] = value.trim().split("%");
    if (more.length > 0) throw bad();
    if (limit !== undefined) maxParallel = /^\d+$/.test(limit) ? Number(limit) : NaN;
    indices = [];
    for (const part of list.split(",")) {
      const match = /^\s*(\d+)(?:\s*-\s*(\d+)(?:\s*:\s*(\d+))?)?\s*$/.exec(part);
      if (match === null) throw bad(`cannot read ${JSON.stringify(part)}`);
      const start = Number(match[1]);
      const end = match[2] === undefined ? start : Number(match[2]);
      const step = match[3] === undefined ? 1 : Number(match[3]);
      pushRange(indices, start, end, step, bad);
    }
  } else if (typeof value === "number") {
    if (!isIndex(value)) throw bad();
    indices = [value];
  } else if (Array.isArray(value)) {
    indices = [];
    for (const index of value as unknown[]) {
      if (!isIndex(index)) throw bad(`${JSON.stringify(index)} is no index`);
      indices.push(index);
      if (indices.length > MAX_ARRAY_TASKS) throw bad("too many tasks");
    }
  } else if (typeof value === "object") {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).filter((key) => object[key] !== undefined);
    const listForm = "indices" in object;
    const allowed = listForm ? ["indices", "maxParallel"] : ["start", "end", "step", "maxParallel"];
    const unknown = keys.find((key) => !allowed.includes(key));
    if (unknown !== undefined) throw bad(`unknown key ${JSON.stringify(unknown)}`);
    maxParallel = object.maxParallel;
    if (listForm) {
      if (!Array.isArray(object.indices)) throw bad("indices must be an array of indices");
      return arrayOption(field, object.indices) === undefined
        ? undefined
        : withLimit(arrayOption(field, object.indices)!, maxParallel, bad);
    }
    const { start, end, step = 1 } = object;
    if (!isIndex(start) || !isIndex(end)) throw bad("start and end must be indices");
    if (typeof step !== "number") throw bad("step must be a positive integer");
    indices = [];
    pushRange(indices, start, end, step, bad);
  } else {
    throw bad();
  }
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) throw bad("no index");
  return withLimit({ indices: Object.freeze(sorted) }, maxParallel, bad);
}

function withLimit(
  spec: ArraySpec,
  maxParallel: unknown,
  bad: (detail?: string) => InvalidValueError,
): ArraySpec {
  if (maxParallel === undefined) return Object.freeze(spec);
  if (typeof maxParallel !== "number" || !Number.isInteger(maxParallel) || maxParallel < 1) {
    throw bad("the limit must be a positive integer");
  }
  return Object.freeze({ indices: spec.indices, maxParallel });
}

function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_INDEX;
}

function pushRange(
  indices: number[],
  start: number,
  end: number,
  step: number,
  bad: (detail?: string) => InvalidValueError,
): void {
  if (!isIndex(start) || !isIndex(end)) throw bad("indices out of range");
  if (end < start) throw bad(`the range ${start}-${end} ends before it starts`);
  if (!Number.isInteger(step) || step < 1) throw bad("the step must be a positive integer");
  if ((end - start) / step + 1 + indices.length > MAX_ARRAY_TASKS) throw bad("too many tasks");
  for (let index = start; index <= end; index += step) indices.push(index);
}

/**
 * Checks that `backend` can render `array` and that no pass-through resource makes an array of
 * its own; returns the indices the rendered request makes beyond the spec's (tasks the script
 * must skip), if any.
 *
 * @throws {InvalidValueError} Field `array` for a backend without array syntax; field
 * `resources.<key>` for a conflicting pass-through key.
 */
export function checkArrayFor(
  array: ArraySpec,
  backend: Backend,
  extra: Resources["extra"],
): readonly number[] | undefined {
  const syntax = backend.arraySyntax;
  if (syntax === undefined) {
    throw new InvalidValueError(
      "array",
      array.indices.length > 8 ? `${array.indices.length} indices` : array.indices,
      `no array: backend "${backend.name}" declares no array syntax (Backend.arraySyntax)`,
    );
  }
  const lowest = syntax.minIndex ?? 0;
  if (array.indices[0]! < lowest) {
    throw new InvalidValueError(
      "array",
      array.indices[0],
      `indices from ${lowest} on ${backend.name} (its array task ids start at ${lowest})`,
    );
  }
  const plain = (key: string): string => key.replace(/^-+/, "").replace(/=$/, "");
  for (const [key, value] of extra) {
    if (value === false || value === null) continue;
    if (syntax.passThroughKeys.includes(plain(key))) {
      throw new InvalidValueError(
        `resources.${key}`,
        value,
        `no pass-through array key with the \`array\` option (${backend.name} makes its array ` +
          `from \`array\`; drop ${JSON.stringify(key)} or \`array\`)`,
      );
    }
  }
  const covered = arrayRequest(array, syntax).covered;
  if (covered === undefined) return undefined;
  const wanted = new Set(array.indices);
  return covered.filter((index) => !wanted.has(index));
}

/**
 * The shell lines a job's rendered body starts with: `CLUSTERJOB_ID` and
 * `CLUSTERJOB_ARRAY_INDEX` exported (empty index outside arrays), and, where the scheduler's
 * request makes tasks the array does not have, a line that ends those at once (exit 0) so that
 * they never run the body.
 */
export function bodyPrelude(
  backend: Backend,
  array: ArraySpec | undefined,
  skipped: readonly number[] | undefined,
): string[] {
  const value = (name: string): string => /^\w+$/.test(name) ? `"\${${name}:-}"` : name;
  const index = array === undefined ? '""' : value(backend.envVars.CLUSTERJOB_ARRAY_INDEX);
  const lines = [
    `export CLUSTERJOB_ID=${value(backend.envVars.CLUSTERJOB_ID)} CLUSTERJOB_ARRAY_INDEX=${index}`,
  ];
  if (array !== undefined && skipped !== undefined && skipped.length > 0) {
    // Whichever list is shorter: the tasks to end, or the tasks to keep.
    const test = skipped.length <= array.indices.length
      ? `${skipped.join("|")}) exit 0 ;;`
      : `${array.indices.join("|")}) ;; *) exit 0 ;;`;
    lines.push(
      `# ${backend.name} cannot request exactly these tasks: the others end here.`,
      `case "$CLUSTERJOB_ARRAY_INDEX" in ${test} esac`,
    );
  }
  return lines;
}
