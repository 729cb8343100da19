/**
 * The LSF backend's status query for schedulers whose `bjobs` has no `-o` (OpenLava 4.0, and
 * LSF before 9.1.1): `bjobs -l ID …`, read with the long record format of `_lsf_records.ts`,
 * and how to tell from a `bjobs -o` answer that the scheduler is such a one. Internal; not
 * exported from `mod.ts`.
 *
 * Sources: the OpenLava 4.0 recordings in test/fixtures/real-outputs/openlava/: `bjobs -o …`
 * prints `bjobs: invalid option -- 'o'` and its usage on stderr and exits 255 (032, 033); the
 * usage lists `-l`, and `bjobs -l ID …` prints one record per job, finished ones included while
 * mbatchd keeps them (CLEAN_PERIOD), `Status <…>` in the header and the exit code in an
 * `Exited with exit code N.` event (026–028, 042–046, 060, 061, 064, 069); an unknown id gives
 * `Job <N> is not found` on stderr, exit 255, the known ones still printed (036, 037).
 *
 * @module
 */

import { QueryError } from "../src/core/errors.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { JobInfo } from "../src/core/backend.ts";
import { AnswerReader, nonEmptyLines, queryFailed } from "./_commands.ts";
import { saysNotKnown } from "./_lsf_common.ts";
import { longRecords, readRecords, unwrapLines } from "./_lsf_records.ts";

/** `bjobs -l ID …`: one long record per job. */
export function bjobsLongArgv(ids: readonly string[]): string[] {
  return ["bjobs", "-l", ...ids];
}

/**
 * Whether a `bjobs -o …` answer says that this `bjobs` has no `-o`: getopt's complaint,
 * `bjobs: invalid option -- 'o'` (glibc, OpenLava 4.0) or `illegal option -- o` (BSD style).
 */
export function lacksFormatOption(output: CommandOutput): boolean {
  return output.code !== 0 &&
    /^bjobs: (?:invalid|illegal) option -- '?o'?$/m.test(output.stderr.replace(/\r/g, ""));
}

/**
 * Parses `bjobs -l` output: each record's state is its header's `Status <…>`, its exit code
 * and kill or run-limit evidence come from its events (see `recordInfo`); array elements
 * `Job Id <7[2]>` merge into the requested array id. Unknown ids are absent; any other
 * complaint, or a failed exit that names no unknown id, fails the query; a record that cannot
 * be read fails only its job.
 */
export function parseBjobsLong(
  output: CommandOutput,
  ids: readonly string[],
  argv: readonly string[],
): Map<string, JobInfo> {
  const complaints = nonEmptyLines(output.stderr).filter((line) => !saysNotKnown(line));
  const noneKnown = nonEmptyLines(output.stderr).some(saysNotKnown);
  if (complaints.length > 0 || (output.code !== 0 && !noneKnown)) {
    throw queryFailed(argv, output, "Status query failed");
  }
  const { records, stray } = longRecords(unwrapLines(output.stdout));
  if (records.length === 0) {
    if (noneKnown || ids.length === 0) return new Map();
    throw new QueryError(
      argv,
      stray === undefined
        ? `Status query "${argv.join(" ")}" printed no job and no error`
        : `Cannot parse bjobs -l line "${stray}": no job record`,
    );
  }
  const reader = new AnswerReader(argv, ids);
  if (stray !== undefined) {
    reader.failUnattributed(
      `Cannot parse bjobs -l line "${stray}": it comes before any job record`,
    );
  }
  readRecords(reader, records, ids, true);
  return reader.result();
}
