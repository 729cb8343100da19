/**
 * qsub's `-l` resources and `-pe` parallel environment, checked as qmaster checks them and turned
 * into the engine's limits, with the job's category as qacct and `qstat -j` print it.
 *
 * @module
 */

import { PARALLEL_ENVIRONMENTS } from "./_cell.ts";
import { QmasterRejection } from "./_errors.ts";
import { parseSgeMemory, parseSgeTime } from "./_values.ts";

/** What `-l` and `-pe` ask of the engine, and how SGE prints them. */
export interface SgeResources {
  /** Walltime: `h_rt`, or `s_rt` when that is shorter. */
  timeLimitSeconds?: number;
  /** `s_rt` ends the job first: its SIGUSR1's default action ends the job before `h_rt`. */
  softLimitEnds?: boolean;
  /** `h_vmem`, `mem_free`, `s_vmem`, `virtual_free`: memory per node in MB. */
  memoryMB?: number;
  /** `gpu`, `gpus`. */
  gpus?: number;
  /** `-pe`'s slots (the upper end of a range such as `1-2`): cores. */
  slots?: number;
  /** The category: `-l h_rt=8,s_rt=3 -pe smp 2` (qacct, 068-qacct-j-s-rt-exceeded). */
  category?: string;
  /** The `-l` part of the category, up to a blank (`hard resource_list` of `qstat -j`). */
  hardResourceList?: string;
}

const MEMORY = new Set(["h_vmem", "mem_free", "s_vmem", "virtual_free"]);

/** One `-l` item: its engine field and its category text; throws for a value qmaster refuses. */
function resource(key: string, value: string, into: SgeResources, soft: { seconds?: number }) {
  if (key === "h_rt" || key === "s_rt") {
    const seconds = parseSgeTime(value);
    // 091-qsub-invalid-h-rt-format
    if (seconds === undefined) throw new QmasterRejection(`attribute "${key}" is not a time value`);
    if (key === "h_rt") into.timeLimitSeconds = seconds;
    else soft.seconds = seconds;
    return `${key}=${seconds}`;
  }
  if (MEMORY.has(key)) {
    const mb = parseSgeMemory(value);
    if (mb === undefined) throw new QmasterRejection(`attribute "${key}" is not a memory value`);
    into.memoryMB = mb;
    return `${key}=${value}`;
  }
  if (key === "gpu" || key === "gpus") {
    into.gpus = Number(value);
    return `${key}=${value}`;
  }
  throw new QmasterRejection(`unknown resource "${key}"`); // 092-qsub-unknown-resource
}

/**
 * Checks the resources in name order, then the parallel environment, as qmaster does.
 *
 * @param resources `-l`: resource → value.
 * @param pe `-pe NAME SLOTS`.
 * @returns The engine's limits and SGE's texts.
 * @throws {QmasterRejection} For a value qmaster refuses or an unknown parallel environment.
 */
export function requestedResources(
  resources: ReadonlyMap<string, string>,
  pe: { name: string; slots: string } | undefined,
): SgeResources {
  const result: SgeResources = {};
  const soft: { seconds?: number } = {};
  const category = [...resources].sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, value]) => resource(key, value, result, soft));
  if (pe !== undefined) {
    if (!PARALLEL_ENVIRONMENTS.includes(pe.name)) {
      throw new QmasterRejection( // 094-qsub-unknown-PE
        `job rejected: the requested parallel environment "${pe.name}" does not exist`,
      );
    }
    result.slots = Number(pe.slots.split("-").pop());
  }
  const text = [
    ...(category.length > 0 ? [`-l ${category.join(",")}`] : []),
    ...(pe !== undefined ? [`-pe ${pe.name} ${pe.slots}`] : []),
  ].join(" ");
  if (text !== "") result.category = text;
  const limits = text.match(/-l (\S+)/)?.[1];
  if (limits !== undefined) result.hardResourceList = limits;
  const hard = result.timeLimitSeconds;
  if (soft.seconds !== undefined && (hard === undefined || soft.seconds < hard)) {
    result.timeLimitSeconds = soft.seconds;
    result.softLimitEnds = true;
  }
  return result;
}
