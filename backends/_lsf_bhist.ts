/**
 * The LSF accounting query: `bhist -l -n 0 <ids>` and its parser. `bhist` reads the event log
 * files (`lsb.events*`), so it knows jobs long after `bjobs` forgot them (CLEAN_PERIOD); `-n 0`
 * searches every event log file, not only the current one. Internal; not exported from `mod.ts`.
 *
 * Format sources: IBM Spectrum LSF 10.1 Command Reference "bhist" (`-l`, `-n 0`, job ids imply
 * all users and all states); Administering LSF "Termination reasons displayed by bacct, bhist,
 * and bjobs" (`Completed <exit>; TERM_RUNLIMIT: job killed after reaching LSF run time limit.`);
 * OpenLava `lsbatch/cmd/bhist.c` (`No matching job found` on stdout and exit 255); the record
 * format itself, shared with `bjobs -l`, is read by `_lsf_records.ts`. OpenLava 4.0 accepts the
 * same argv (test/fixtures/real-outputs/openlava/047–051, 062, 063, 070).
 *
 * @module
 */

import { QueryError } from "../src/core/errors.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { JobInfo } from "../src/core/backend.ts";
import { AnswerReader, nonEmptyLines, queryFailed } from "./_commands.ts";
import { saysNotKnown } from "./_lsf_common.ts";
import { longRecords, readRecords, unwrapLines } from "./_lsf_records.ts";

/** `bhist -l -n 0 ID …`: the long history of each job from every event log file. */
export function bhistArgv(ids: readonly string[]): string[] {
  return ["bhist", "-l", "-n", "0", ...ids];
}

/**
 * Parses `bhist -l` output: one record per job (array elements as `Job <7[2]>`, merged into
 * the requested id), its wrapped lines joined first; the final state comes from the last
 * `Done successfully` / `Exited ...` / `Completed <...>` event, a kill request or `TERM_*`
 * reason making it CANCELLED and `TERM_RUNLIMIT` (or OpenLava's exit 140 with a `RUNLIMIT`
 * block) a timeout. Unknown ids are absent (`No matching job found`, exit 255, when none is
 * known); anything else on stderr, a failed exit without that message, or output without a
 * parseable record is a {@linkcode QueryError}. A record without events fails only its job.
 */
export function parseBhist(
  output: CommandOutput,
  ids: readonly string[],
  argv: readonly string[],
): Map<string, JobInfo> {
  const complaints = nonEmptyLines(output.stderr).filter((line) => !saysNotKnown(line));
  const { records, stray } = longRecords(unwrapLines(output.stdout));
  const noneKnown = [...nonEmptyLines(output.stdout), ...nonEmptyLines(output.stderr)]
    .some(saysNotKnown);
  if (complaints.length > 0 || (output.code !== 0 && !noneKnown)) {
    throw queryFailed(argv, output, "Accounting query failed");
  }
  if (records.length === 0) {
    if (noneKnown || ids.length === 0) return new Map();
    throw new QueryError(argv, `Accounting query "${argv.join(" ")}" printed no job and no error`);
  }
  const reader = new AnswerReader(argv, ids);
  if (stray !== undefined && !saysNotKnown(stray)) {
    reader.failUnattributed(`Cannot parse bhist line "${stray}": it comes before any job record`);
  }
  readRecords(reader, records, ids, false);
  return reader.result();
}
