/**
 * The usage summary qacct prints after (or instead of) its records: `Total System Usage`, or one
 * row per owner with `-o` (test/fixtures/sge/qacct-o-owner-j*, qacct.c of SGE 8.1.9). The
 * numbers row is printed only when the total wallclock is not 0.
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import { qacctWallclock } from "./_qacct_record.ts";

const TITLE = [
  "WALLCLOCK".padStart(13),
  "UTIME".padStart(13),
  "STIME".padStart(13),
  "CPU".padStart(13),
  "MEMORY".padStart(18),
  "IO".padStart(18),
  "IOW".padStart(18),
].join(" ");

/** A numbers row: the wallclock sum, and the other usage sums (0: the simulator measures none). */
function usageRow(wallclock: number): string {
  const zero3 = (width: number) => "0.000".padStart(width);
  return `${String(wallclock).padStart(13)} ${zero3(13)} ${zero3(13)} ${zero3(13)} ` +
    `${zero3(18)} ${zero3(18)} ${zero3(18)}\n`;
}

/** The heading of a summary by owner; `print_full()` pads the OWNER column, never cuts it. */
function ownerHeading(owners: readonly string[]): { heading: string; width: number } {
  const width = Math.max("OWNER".length + 1, ...owners.map((owner) => owner.length + 1));
  const heading = `${"OWNER".padEnd(width)}${TITLE}\n${"=".repeat(width + TITLE.length)}\n`;
  return { heading, width };
}

function wallclockByOwner(jobs: readonly SimJob[]): Map<string, number> {
  const byOwner = new Map<string, number>();
  for (const job of jobs) {
    const owner = job.request.user;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + qacctWallclock(job));
  }
  return byOwner;
}

/** How the summary is grouped: `-o` alone by owner, `-o OWNER` for that owner. */
export interface SummaryGrouping {
  /** `-o OWNER`. */
  owner?: string;
  /** `-o` alone. */
  byOwner: boolean;
}

/**
 * The summary of the selected records.
 *
 * @param jobs The jobs whose records were selected.
 * @param grouping How `-o` groups the summary.
 * @returns The summary text.
 */
export function summary(jobs: readonly SimJob[], grouping: SummaryGrouping): string {
  const total = jobs.reduce((sum, job) => sum + qacctWallclock(job), 0);
  if (grouping.byOwner) {
    const byOwner = wallclockByOwner(jobs);
    const owners = [...byOwner.keys()].sort();
    const { heading, width } = ownerHeading(owners);
    if (total === 0) return heading;
    return heading +
      owners.map((owner) => owner.padEnd(width) + usageRow(byOwner.get(owner)!)).join("");
  }
  if (grouping.owner !== undefined) {
    const { heading, width } = ownerHeading([grouping.owner]);
    return total === 0 ? heading : heading + grouping.owner.padEnd(width) + usageRow(total);
  }
  const heading = `Total System Usage\n${TITLE}\n${"=".repeat(TITLE.length)}\n`;
  return total === 0 ? heading : heading + usageRow(total);
}
