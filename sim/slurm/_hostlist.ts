/**
 * SLURM hostlists: `node1,node2,node3` printed as `node[1-3]`, as `squeue`, `sacct`,
 * `scontrol` and `sinfo` show node lists (`hostlist_ranged_string` in `src/common/hostlist.c`).
 *
 * @module
 */

import { ranges } from "../_common/format.ts";

/** `node1,node2,node3` → `node[1-3]` (zero padding kept); names without a number unchanged. */
export function compressHosts(hosts: readonly string[]): string {
  const groups = new Map<string, { width: number; numbers: number[] }>();
  const plain: string[] = [];
  for (const host of hosts) {
    const match = /^(.*?)(\d+)$/.exec(host);
    if (match === null) {
      plain.push(host);
      continue;
    }
    const key = `${match[1]}\u0000${match[2]!.length}`;
    const group = groups.get(key) ?? { width: match[2]!.length, numbers: [] };
    group.numbers.push(Number(match[2]));
    groups.set(key, group);
  }
  const parts = [...plain];
  for (const [key, group] of groups) {
    const prefix = key.split("\u0000")[0]!;
    const sorted = [...new Set(group.numbers)].sort((a, b) => a - b);
    const pad = (n: number) => String(n).padStart(group.width, "0");
    if (sorted.length === 1) {
      parts.push(prefix + pad(sorted[0]!));
      continue;
    }
    const text = ranges(sorted).split(",").map((r) =>
      r.split("-").map((n) => pad(Number(n))).join("-")
    )
      .join(",");
    parts.push(`${prefix}[${text}]`);
  }
  return parts.join(",");
}
