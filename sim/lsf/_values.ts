/**
 * The value syntaxes of `bsub` options: run limits (`-W [hour:]minute[/host]`), memory limits
 * (`-M` in KB unless a unit is given, LSF_UNIT_FOR_LIMITS=KB), job names with array requests
 * (`-J "name[1-10:2]%3"`), dependency expressions (`-w "done(1) && ended(build*)"`) and the
 * `span[...]` section of resource requirements (`-R`).
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bsub" (`-W`, `-M`, `-J`, `-w`, `-R`) and
 * "Specify job dependencies" (the `done`, `exit`, `ended`, `started`, `post_done`, `post_err`
 * conditions; a bare job id means `done`).
 *
 * @module
 */

import type { SimDependency } from "../types.ts";
import { parseIndexList } from "../_common/words.ts";

/** `-W [hour:]minute[/host]` to seconds, or `undefined`. */
export function parseRunLimit(text: string): number | undefined {
  const match = /^(?:(\d+):)?(\d+)(?:\/\S+)?$/.exec(text);
  if (!match) return undefined;
  return (Number(match[1] ?? 0) * 60 + Number(match[2])) * 60;
}

const UNIT_KB: Record<string, number> = {
  "": 1,
  K: 1,
  KB: 1,
  M: 1024,
  MB: 1024,
  G: 1024 ** 2,
  GB: 1024 ** 2,
  T: 1024 ** 3,
  TB: 1024 ** 3,
};

/** `-M 4GB`, `-M 512MB`, `-M 100000` (KB) to MB, or `undefined`. */
export function parseMemoryLimit(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]B?)?$/i.exec(text.trim());
  if (!match) return undefined;
  const factor = UNIT_KB[(match[2] ?? "").toUpperCase()] as number;
  return Math.ceil((Number(match[1]) * factor) / 1024);
}

/** An array request: the element indices and the `%` limit on elements running at once. */
export interface BsubArray {
  /** Element indices, sorted. */
  indices: number[];
  /** The `%N` limit. */
  maxConcurrent?: number;
}

/** `-J "name[1-10:2]%3"` into the base name and the array request; `undefined` when malformed. */
export function parseJobName(
  text: string,
): { name: string; array?: BsubArray; spec?: string } | undefined {
  const match = /^(.*)\[([^\]]*)\](?:%(\d+))?$/.exec(text);
  if (!match) return { name: text };
  const indices = parseIndexList(match[2] as string);
  if (!indices || indices.length === 0 || indices[0] === 0) return undefined;
  const array: BsubArray = { indices };
  if (match[3] !== undefined) array.maxConcurrent = Number(match[3]);
  return { name: match[1] as string, array, spec: `[${match[2]}]` };
}

const CONDITIONS: Record<string, SimDependency["type"]> = {
  done: "afterok",
  post_done: "afterok",
  exit: "afternotok",
  post_err: "afternotok",
  ended: "afterany",
  started: "after",
};

/** One term of a `-w` expression: the condition and the job it names. */
export interface BsubDependencyTerm {
  /** The engine's dependency type of the condition. */
  type: SimDependency["type"];
  /** The job: an id, `id[index]`, or a name with `*` wildcards. */
  job: string;
}

/** Splits `-w` into `[condition, job]` terms joined by `&&`; `undefined` on syntax errors or `||`. */
export function parseDependency(text: string): BsubDependencyTerm[] | undefined {
  if (text.includes("||") || text.includes("!")) return undefined;
  const terms: BsubDependencyTerm[] = [];
  for (const raw of text.split("&&")) {
    let term = raw.trim();
    // Grouping parentheses around a term: "(done(1))".
    while (term.startsWith("(") && term.endsWith("))")) term = term.slice(1, -1).trim();
    const call = /^(\w+)\(\s*([^,()]+?)\s*(?:,[^()]*)?\)$/.exec(term);
    if (call) {
      const type = CONDITIONS[call[1] as string];
      if (!type) return undefined;
      terms.push({ type, job: (call[2] as string).replace(/^"|"$/g, "") });
    } else if (/^[\w.\-[\]*]+$/.test(term)) {
      terms.push({ type: "afterok", job: term });
    } else {
      return undefined;
    }
  }
  return terms;
}

/**
 * How `-R "span[...]"` spreads the slots: `ptile` slots per host, all on one host
 * (`hosts=1`), or, without a span, packed onto as few hosts as fit.
 */
export type BsubSpan = { ptile: number } | "one-host" | "packed";

/** The span of the `-R` requirements; `undefined` for `ptile=0`. */
export function parseSpan(requirements: readonly string[]): BsubSpan | undefined {
  const joined = requirements.join(" ");
  const ptile = /span\[\s*ptile\s*=\s*(\d+)\s*\]/.exec(joined);
  if (ptile) {
    const perHost = Number(ptile[1]);
    return perHost < 1 ? undefined : { ptile: perHost };
  }
  return /span\[\s*hosts\s*=\s*1\s*\]/.test(joined) ? "one-host" : "packed";
}

/** Hosts and slots per host of `slots` spread by `span` over hosts of `maxCpus` cores. */
export function spreadSlots(
  slots: number,
  span: BsubSpan,
  maxCpus: number,
): { nodes: number; tasksPerNode: number } {
  if (typeof span === "object") {
    return { nodes: Math.ceil(slots / span.ptile), tasksPerNode: Math.min(span.ptile, slots) };
  }
  if (span === "one-host" || slots <= maxCpus) return { nodes: 1, tasksPerNode: slots };
  const nodes = Math.ceil(slots / maxCpus);
  return { nodes, tasksPerNode: Math.ceil(slots / nodes) };
}
