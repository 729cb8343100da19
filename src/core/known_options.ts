/**
 * What a scheduler's submit command accepts: the table of options and resources each built-in
 * backend carries (`Backend.knownOptions`), against which a pass-through resource key is
 * checked before it reaches the scheduler.
 *
 * @module
 */

import type { ExtraValue } from "./resources.ts";

/**
 * What a pass-through resource key renders as on a scheduler: an option of its submit command
 * (`{ option: "--exclusive" }`), or a name in its resource list (`{ resource: "pmem" }` for
 * `-l pmem=2gb`).
 *
 * @example Usage
 * ```ts
 * import { pbs, type PassThrough, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const exclusive: PassThrough = slurm.knownOptions!.passThrough("exclusive", true);
 * assert.deepEqual(exclusive, { option: "--exclusive" });
 * assert.deepEqual(pbs.knownOptions!.passThrough("pmem", "2gb"), { resource: "pmem" });
 * assert.deepEqual(pbs.knownOptions!.passThrough("V", true), { option: "-V" });
 * ```
 */
export type PassThrough = { readonly option: string } | { readonly resource: string };

/**
 * The options and resources a scheduler's submit command accepts, as listed in its manual, and
 * how a pass-through key becomes one of them. A backend that has a table (`knownOptions`) gets
 * a warning for every pass-through key that is not in it; extend a copy for a site's own
 * resources (SGE complexes, PBS custom resources).
 *
 * @example A site's own SGE complex
 * ```ts
 * import { type Backend, JobScript, type KnownOptions, sge } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const table: KnownOptions = sge.knownOptions!;
 * const site: Backend = { ...sge, knownOptions: { ...table, resources: [...table.resources, "scratch"] } };
 * const warnings: string[] = [];
 * const job = new JobScript({
 *   name: "a", body: "true", backend: site, resources: { scratch: "10G" },
 *   onWarning: (warning) => warnings.push(warning.message),
 * });
 * assert.ok(job.render().includes("#$ -l scratch=10G"));
 * assert.deepEqual(warnings, []);
 * ```
 */
export interface KnownOptions {
  /** Where the lists come from: the manual page and the scheduler's version. */
  readonly reference: string;
  /** The submit command's options, spelled as on a directive line, dashes included (`"--exclusive"`, `"-N"`). */
  readonly options: readonly string[];
  /** The names its resource list (`-l name=value`) accepts; empty where there is none. */
  readonly resources: readonly string[];
  /** What the pass-through key `key` with `value` renders as. */
  passThrough(key: string, value: ExtraValue): PassThrough;
}

const sets = new WeakMap<readonly string[], ReadonlySet<string>>();

function setOf(list: readonly string[]): ReadonlySet<string> {
  let set = sets.get(list);
  if (set === undefined) {
    set = new Set(list);
    sets.set(list, set);
  }
  return set;
}

/**
 * Whether `table` lists what the pass-through key `key` with `value` renders as.
 *
 * @param table The scheduler's table.
 * @param key The pass-through key, as the user wrote it.
 * @param value Its value (`true` may make a flag of it).
 * @returns `true` when the option or resource is listed.
 *
 * @example Usage
 * ```ts
 * import { isKnownPassThrough, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isKnownPassThrough(slurm.knownOptions!, "exclusive", true));
 * assert.ok(isKnownPassThrough(slurm.knownOptions!, "--mem-per-cpu", "2G"));
 * assert.ok(!isKnownPassThrough(slurm.knownOptions!, "mem_per_cpu", "2G"));
 * ```
 */
export function isKnownPassThrough(table: KnownOptions, key: string, value: ExtraValue): boolean {
  const target = table.passThrough(key, value);
  return "option" in target
    ? setOf(table.options).has(target.option)
    : setOf(table.resources).has(target.resource);
}
