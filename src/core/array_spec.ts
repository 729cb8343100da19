/**
 * Job arrays in the model: the validated set of task indices a backend renders
 * ({@linkcode ArraySpec}), what a scheduler's array syntax can say ({@linkcode ArraySyntax}), and
 * {@linkcode arrayRequest}, which turns one into the other: exactly where the syntax allows, else
 * the smallest request the syntax can say that holds every index (the job script then skips the
 * extra tasks, see `JobScript`).
 *
 * @module
 */

/**
 * A job array: the task indices (sorted, distinct, each a non-negative integer) and the most
 * tasks that may run at once. Built by `JobScript` from its `array` option.
 *
 * @example Usage
 * ```ts
 * import { type ArraySpec, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const array: ArraySpec = { indices: [1, 2, 3, 7], maxParallel: 2 };
 * assert.ok(slurm.renderHeaders({ name: "sweep", extra: [], array }).includes("#SBATCH --array=1-3,7%2"));
 * ```
 */
export interface ArraySpec {
  /** The task indices, ascending, without repeats. */
  readonly indices: readonly number[];
  /** At most this many tasks run at once (a positive integer); unset: no limit. */
  readonly maxParallel?: number;
}

/**
 * The `array` option of a `JobScript` as a user writes it: `"1-100"`, `"0-99:2"`,
 * `"1-100%10"` (at most 10 tasks at once), `"1,3,7"` (and mixes: `"1-10,20-30:5%4"`),
 * `{ start, end, step?, maxParallel? }`, a list of indices, one index, or an
 * {@linkcode ArraySpec}.
 *
 * @example Usage
 * ```ts
 * import { type ArrayInput, JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const array: ArrayInput = { start: 0, end: 8, step: 4, maxParallel: 2 };
 * assert.deepEqual(new JobScript({ name: "a", body: "true", array }).array, { indices: [0, 4, 8], maxParallel: 2 });
 * ```
 */
export type ArrayInput =
  | string
  | number
  | readonly number[]
  | {
    readonly start: number;
    readonly end: number;
    readonly step?: number;
    readonly maxParallel?: number;
  }
  | ArraySpec;

/**
 * One arithmetic run of indices: `start`, `start + step`, …, `end`.
 *
 * @example Usage
 * ```ts
 * import { type ArrayRange, arrayRanges } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const ranges: ArrayRange[] = arrayRanges([0, 2, 4, 5]);
 * assert.deepEqual(ranges, [{ start: 0, end: 4, step: 2 }, { start: 5, end: 5, step: 1 }]);
 * ```
 */
export interface ArrayRange {
  /** First index. */
  start: number;
  /** Last index (`>= start`). */
  end: number;
  /** Distance between indices (`>= 1`). */
  step: number;
}

/**
 * What a scheduler's array request can express, and the names it uses: a backend that renders
 * `Resources.array` sets {@linkcode Backend.arraySyntax}; `JobScript` reads it to refuse
 * pass-through keys that would make a second array, to turn `$CLUSTERJOB_ID` and
 * `$CLUSTERJOB_ARRAY_INDEX` in `stdout`/`stderr` into the scheduler's file-name tokens, and to
 * skip the tasks a covering request adds.
 *
 * @example Usage
 * ```ts
 * import { type ArraySyntax, sge } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const syntax: ArraySyntax | undefined = sge.arraySyntax;
 * assert.equal(syntax?.lists, false);
 * assert.equal(syntax?.fileTokens.CLUSTERJOB_ARRAY_INDEX, "$TASK_ID");
 * ```
 */
export interface ArraySyntax {
  /** Whether one request may list several ranges (`1-3,7`). */
  readonly lists: boolean;
  /** Whether a range may have a step (`0-98:2`). */
  readonly steps: boolean;
  /** The fewest tasks one array may have (PBS Pro's `-J X-Y` needs X < Y: 2). Default 1. */
  readonly minTasks?: number;
  /** The lowest index the scheduler takes (SGE and LSF count tasks from 1). Default 0. */
  readonly minIndex?: number;
  /** Pass-through resource keys (leading dashes and a trailing `=` ignored) that also make an array. */
  readonly passThroughKeys: readonly string[];
  /**
   * The file-name token of each core variable in `stdout`/`stderr` paths (`%A`, `%a`); a
   * variable not listed has none on this scheduler, and a path that uses it is refused.
   */
  readonly fileTokens: Readonly<
    Partial<Record<"CLUSTERJOB_ID" | "CLUSTERJOB_ARRAY_INDEX", string>>
  >;
  /** What the scheduler does itself with output paths of array tasks (documentation, errors). */
  readonly fileNote?: string;
}

/**
 * The indices as arithmetic runs, greedily from the lowest index: each run as long as the step
 * between its first two indices lasts (`1,2,3,7` → `1-3`, `7`; `0,2,4,5` → `0-4:2`, `5`).
 *
 * @param indices Ascending distinct indices.
 * @returns The runs, in order.
 *
 * @example Usage
 * ```ts
 * import { arrayRanges } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(arrayRanges([1, 2, 3, 7]), [{ start: 1, end: 3, step: 1 }, { start: 7, end: 7, step: 1 }]);
 * ```
 */
export function arrayRanges(indices: readonly number[]): ArrayRange[] {
  const ranges: ArrayRange[] = [];
  let i = 0;
  while (i < indices.length) {
    const start = indices[i]!;
    const next = indices[i + 1];
    if (next === undefined) {
      ranges.push({ start, end: start, step: 1 });
      break;
    }
    const step = next - start;
    let j = i + 1;
    while (j + 1 < indices.length && indices[j + 1]! - indices[j]! === step) j++;
    // Two indices a step apart read better as two entries than as a range of two.
    if (j === i + 1 && step > 1) {
      ranges.push({ start, end: start, step: 1 });
      i++;
      continue;
    }
    ranges.push({ start, end: indices[j]!, step });
    i = j + 1;
  }
  return ranges;
}

/** A request a scheduler can say, and the indices it makes. */
export interface ArrayRequest {
  /** The ranges to render (one only where the syntax has no lists; step 1 where it has no steps). */
  readonly ranges: readonly ArrayRange[];
  /**
   * The indices the request makes when they are more than asked for (a covering range); the
   * tasks not in the spec must end at once without running the body. `undefined`: exactly the
   * spec's indices.
   */
  readonly covered?: readonly number[];
}

/**
 * The array request `syntax` can express for `spec`: the spec's own runs where the syntax
 * allows; runs of step 1 (each index alone where it has a gap) without steps; without lists, the
 * one range from the lowest to the highest index with the largest step that holds them all,
 * lengthened to `minTasks` — then `covered` lists every index it makes.
 *
 * @param spec The array.
 * @param syntax What the scheduler can say.
 * @returns The request.
 *
 * @example Usage
 * ```ts
 * import { arrayRequest } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const sge = { lists: false, steps: true, passThroughKeys: [], fileTokens: {} };
 * const request = arrayRequest({ indices: [1, 3, 7] }, sge);
 * assert.deepEqual(request.ranges, [{ start: 1, end: 7, step: 2 }]);
 * assert.deepEqual(request.covered, [1, 3, 5, 7]);
 * assert.equal(arrayRequest({ indices: [2, 4, 6] }, sge).covered, undefined);
 * ```
 */
export function arrayRequest(spec: ArraySpec, syntax: ArraySyntax): ArrayRequest {
  const { indices } = spec;
  let ranges = arrayRanges(indices);
  if (!syntax.steps) {
    ranges = ranges.flatMap((range) =>
      range.step === 1 ? [range] : expand(range).map((index) => ({
        start: index,
        end: index,
        step: 1,
      }))
    );
    // Neighbouring single indices and runs of step 1 join up (`1`, `2-3` → `1-3`).
    ranges = ranges.reduce<ArrayRange[]>((joined, range) => {
      const last = joined[joined.length - 1];
      if (last !== undefined && last.end + 1 === range.start) last.end = range.end;
      else joined.push({ ...range });
      return joined;
    }, []);
  }
  const minTasks = syntax.minTasks ?? 1;
  if (syntax.lists && ranges.length > 0 && indices.length >= minTasks) return { ranges };
  if (ranges.length === 1 && indices.length >= minTasks) return { ranges };
  const start = indices[0] ?? 0;
  const last = indices[indices.length - 1] ?? start;
  let step = syntax.steps ? indices.reduce((g, index) => gcd(g, index - start), 0) : 1;
  if (step === 0) step = 1;
  let end = last;
  while ((end - start) / step + 1 < minTasks) end += step;
  const range = { start, end, step };
  return { ranges: [range], covered: expand(range) };
}

/** Every index of a range. */
export function expand(range: ArrayRange): number[] {
  const indices: number[] = [];
  for (let index = range.start; index <= range.end; index += range.step) indices.push(index);
  return indices;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
