/**
 * The value syntax of SGE's command lines: time and memory specifiers (`sge_types(1)` of SGE
 * 8.1.9), task ranges (`-t 2-10:4`) and comma-separated job lists.
 *
 * @module
 */

/** A task id range `first-last:step`, as `qsub -t` and `qdel -t` take it. */
export interface TaskRange {
  /** First task id (at least 1). */
  first: number;
  /** Last task id (at least `first`). */
  last: number;
  /** Step between task ids (at least 1). */
  step: number;
}

/**
 * A time specifier in seconds: a number of seconds, or `H:M:S` where an empty field counts 0
 * (`1::1`); `undefined` when invalid (091-qsub-invalid-h-rt-format).
 */
export function parseSgeTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(\d*):(\d*):(\d*)$/.exec(text);
  if (match === null) return undefined;
  const [h, m, s] = match.slice(1).map((v) => v === "" ? 0 : Number(v)) as [number, number, number];
  return h * 3600 + m * 60 + s;
}

const MB_PER_UNIT: Readonly<Record<string, number>> = {
  "": 1 / 1024 / 1024,
  k: 1 / 1024,
  m: 1,
  g: 1024,
  t: 1024 * 1024,
};

/**
 * A memory specifier (`2G`, `512M`, bytes) in whole MB, rounded up; `undefined` when invalid.
 * Both cases of a unit count in powers of 1024 (sge_types(1) has `k`, `m`, `g` in powers of
 * 1000).
 */
export function parseSgeMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)$/.exec(text);
  if (match === null) return undefined;
  return Math.ceil(Number(match[1]) * MB_PER_UNIT[(match[2] ?? "").toLowerCase()]!);
}

/** `-t 1-3`, `-t 2-10:4`, `-t 5`; `undefined` when invalid (096-qsub-invalid-t). */
export function parseTaskRange(text: string): TaskRange | undefined {
  const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(text);
  if (match === null) return undefined;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  const step = match[3] === undefined ? 1 : Number(match[3]);
  if (first < 1 || last < first || step < 1) return undefined;
  return { first, last, step };
}

/** The task ids of a range, in order. */
export function taskIds(range: TaskRange): number[] {
  const ids: number[] = [];
  for (let id = range.first; id <= range.last; id += range.step) ids.push(id);
  return ids;
}

/** A range as qsub prints it: `1-3:1` (069-qsub-t-1-3). */
export function taskRangeSpec(range: TaskRange): string {
  return `${range.first}-${range.last}:${range.step}`;
}

/** The compact task list of a qstat line: `3`, `2,3`, `2-10:4` (080-qstat-stepped-held-array). */
export function taskRangeText(ids: readonly number[]): string {
  if (ids.length === 1) return String(ids[0]);
  if (ids.length === 2) return `${ids[0]},${ids[1]}`;
  const step = ids[1]! - ids[0]!;
  const regular = ids.every((v, i) => i === 0 || v - ids[i - 1]! === step);
  return regular ? `${ids[0]}-${ids[ids.length - 1]}:${step}` : ids.join(",");
}

/** The items of a comma-separated job list (`qstat -j 10,11`, 041-qstat-j-list). */
export function parseIdList(text: string): string[] {
  return text.split(",").filter((p) => p !== "");
}
