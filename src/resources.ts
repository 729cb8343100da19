/**
 * Portable resources of a job script: what the user writes ({@linkcode ResourcesInput}) and the
 * validated, normalised form backends render ({@linkcode Resources}).
 *
 * @module
 */

/**
 * A value of a scheduler-specific (pass-through) resource: `true` gives a bare flag,
 * `false`/`null` gives nothing, anything else gives the option with its value.
 *
 * @example Usage
 * ```ts
 * import type { ExtraValue } from "@clusterjob/clusterjob";
 * const exclusive: ExtraValue = true;
 * console.assert(exclusive);
 * ```
 */
export type ExtraValue = string | number | boolean | null;

/**
 * Resources as a user writes them. Core keys are portable; any other key passes through to the
 * scheduler (`exclusive: true` → `--exclusive` on SLURM, `"-A": "proj"` → `-A proj`).
 *
 * @example Usage
 * ```ts
 * import type { ResourcesInput } from "@clusterjob/clusterjob";
 * const resources: ResourcesInput = { queue: "debug", time: "1:00:00", nodes: 2, ppn: 16, mem: "4G" };
 * console.assert(resources.nodes === 2);
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
  /** GPUs per node. */
  gpus?: number;
  /** Any other key passes through to the scheduler. */
  [key: string]: ExtraValue | undefined;
}

/**
 * Validated, normalised resources: what a backend renders. Produced by `resolveResources`.
 *
 * @example Usage
 * ```ts
 * import type { Resources } from "@clusterjob/clusterjob";
 * const resources: Resources = { name: "hello", timeSeconds: 300, memMB: 100, extra: [["exclusive", true]] };
 * console.assert(resources.timeSeconds === 300);
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
  /** GPUs per node. */
  gpus?: number;
  /** Pass-through resources in the order the user gave them. */
  extra: Array<[key: string, value: ExtraValue]>;
}
