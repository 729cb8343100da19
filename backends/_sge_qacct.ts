/**
 * SGE accounting through `qacct`: the commands for the ids that left the queue and the parser of
 * their records. Private to the SGE backend.
 *
 * `qacct -j ID` takes ONE job id (or a job name / name pattern; qacct(1), SGE 8.1.9), and every
 * call reads the whole accounting file: qacct has no index. So a few ids are asked one by one
 * (each answer is one small record), and more than {@linkcode PER_ID_ACCOUNTING_LIMIT} share one
 * `qacct -j` without an id, which lists every record of the file in the same format, followed by
 * a `Total System Usage` summary: one scan of the file instead of one per id.
 *
 * The bulk form stays exact on purpose. `-d Days` / `-b BeginTime` would shrink its output, but
 * they filter on the START time (qacct.c, `sge_read_rusage`), so a job that ran longer than the
 * window (or never started) would be missed and later declared vanished. What does bound the
 * output exactly is `-o OWNER` (only that user's records): the backend option
 * `accountingOwner` adds it, for sites whose accounting file holds many users' history.
 *
 * @module
 */

import { QueryError } from "../src/core/errors.ts";
import { Status } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { JobInfo, QueryCommand } from "../src/core/backend.ts";
import { addInfo, jobInfo, parseInteger, perIdQueries, queryFailed } from "./_commands.ts";

/**
 * Up to this many ids are asked with `qacct -j ID` each; more share one bulk `qacct -j`. Two
 * keeps a poll round at three commands at most (one `qstat`, two `qacct`), and below three ids
 * the per-id answers are smaller than a listing of the whole file.
 */
export const PER_ID_ACCOUNTING_LIMIT = 2;

/** `qacct -j ID`: the records of one job. */
export function perIdAccountingArgv(id: string): string[] {
  return ["qacct", "-j", id];
}

/** `qacct [-o OWNER] -j`: every record of the accounting file (of OWNER's jobs). */
export function bulkAccountingArgv(owner: string | undefined): string[] {
  return owner === undefined ? ["qacct", "-j"] : ["qacct", "-o", owner, "-j"];
}

/** The accounting commands for `ids`: per id up to the limit, else one bulk listing. */
export function qacctCommands(ids: readonly string[], owner: string | undefined): QueryCommand[] {
  if (ids.length <= PER_ID_ACCOUNTING_LIMIT) return perIdQueries(ids, perIdAccountingArgv);
  return [{ argv: bulkAccountingArgv(owner), ids: [...ids] }];
}

/** The record separator `showjob()` prints: 62 `=`. */
const SEPARATOR = /^={62}$/;
/** The summary after a bulk listing: `Total System Usage` (or an `OWNER` column) and the titles. */
const SUMMARY = /^(?:Total System Usage|.*\bWALLCLOCK\s+UTIME\s+STIME\s+CPU\s+MEMORY\s+IO\s+IOW)$/;
/** The fields the status is derived from; the other ~40 of a record are skipped, not stored. */
const NEEDED = new Set([
  "jobnumber",
  "taskid",
  "failed",
  "exit_status",
  "ru_wallclock",
  "category",
]);

/** `H:M:S` or seconds (SGE time values) in seconds. */
function sgeSeconds(text: string): number | undefined {
  const parts = text.split(":").map((part) => parseInteger(part));
  if (parts.length > 3 || parts.some((part) => part === undefined)) return undefined;
  return (parts as number[]).reduce((total, part) => total * 60 + part, 0);
}

/** Whether the job ran into its `h_rt`/`s_rt` (from the `category` line vs `ru_wallclock`). */
function hitRuntimeLimit(record: Map<string, string>): boolean {
  const wallclock = parseInteger(record.get("ru_wallclock")?.replace(/s$/, ""));
  if (wallclock === undefined) return false;
  const category = record.get("category") ?? "";
  return [...category.matchAll(/\b[hs]_rt=([\d:]+)/g)].some((match) => {
    const limit = sgeSeconds(match[1]!);
    return limit !== undefined && wallclock >= limit;
  });
}

/**
 * One `qacct` record → JobInfo. `failed 0`: exit_status 0 → COMPLETED, else FAILED. `failed
 * 37` (qmaster enforced h_rt/h_cpu/h_vmem) and `failed 100` after `s_rt` → FAILED with a
 * `timeout` reason when the wallclock reached the run-time limit; `failed 100 : assumedly after
 * job` with exit 137 (SIGKILL, what `qdel` sends) → CANCELLED; any other failure → FAILED.
 */
function accountingInfo(record: Map<string, string>, argv: readonly string[]): JobInfo {
  const failedField = record.get("failed");
  const failed = parseInteger(failedField?.split(":")[0]);
  const exitCode = parseInteger(record.get("exit_status")?.split(/\s+/)[0]);
  if (failed === undefined || exitCode === undefined) {
    throw new QueryError(argv, "Cannot parse qacct output: a record lacks failed or exit_status");
  }
  const failedText = `failed ${failedField!.replace(/\s+:\s+/, ": ")}`;
  if (failed === 0) {
    return jobInfo(exitCode === 0 ? Status.COMPLETED : Status.FAILED, "failed 0", exitCode);
  }
  const state = `failed ${failed}`;
  if ((failed === 37 || failed === 100) && hitRuntimeLimit(record)) {
    return jobInfo(Status.FAILED, state, exitCode, `timeout: ${failedText}`);
  }
  if (failed === 100 && exitCode === 137) {
    return jobInfo(Status.CANCELLED, state, exitCode, `killed (qdel): ${failedText}`);
  }
  return jobInfo(Status.FAILED, state, exitCode, failedText);
}

/** The records of a `qacct -j` listing (needed fields only) and whether its summary followed. */
function readRecords(
  stdout: string,
  argv: readonly string[],
): { records: Map<string, string>[]; summary: boolean } {
  const records: Map<string, string>[] = [];
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (SEPARATOR.test(line)) {
      records.push(new Map());
      continue;
    }
    if (SUMMARY.test(line)) return { records, summary: true };
    const record = records.at(-1);
    const match = /^(\w+)(?:\s+(.*))?$/.exec(line);
    if (match === null || record === undefined) {
      throw new QueryError(argv, `Cannot parse qacct line "${line}"`);
    }
    if (NEEDED.has(match[1]!)) record.set(match[1]!, (match[2] ?? "").trim());
  }
  return { records, summary: false };
}

/**
 * Parses one accounting command's output for its `ids`: records separated by `=====` lines,
 * `key value` per line (array tasks have one record each, merged). A per-id query's
 * `error: job id N not found` (exit 1) → absent: the job never ran (deleted while pending) or its
 * record is not flushed yet; a per-id query that exits 0 must print a record. A bulk listing
 * must end with its `Total System Usage` summary (output cut short is an error, not a state);
 * the ids without a record in it are absent.
 */
export function parseQacct(
  output: CommandOutput,
  ids: readonly string[],
  owner: string | undefined,
): Map<string, JobInfo> {
  const result = new Map<string, JobInfo>();
  if (ids.length === 0) return result;
  const bulk = ids.length > 1;
  const argv = bulk ? bulkAccountingArgv(owner) : perIdAccountingArgv(ids[0]!);
  if (output.code !== 0) {
    if (!bulk && /^error: job id \S+ not found\s*$/m.test(output.stderr)) return result;
    throw queryFailed(argv, output, "Accounting query failed");
  }
  const { records, summary } = readRecords(output.stdout, argv);
  if (bulk ? !summary : records.length === 0) {
    const missing = bulk ? "no Total System Usage summary (output cut short?)" : "no record";
    throw new QueryError(argv, `Accounting query "${argv.join(" ")}" printed ${missing}`);
  }
  const wanted = new Set(ids);
  for (const record of records) {
    const id = record.get("jobnumber");
    if (id === undefined || !wanted.has(id)) continue;
    // `taskid` is the array task (`undefined` for a plain job, qacct(1)).
    const task = /^\d+$/.test(record.get("taskid") ?? "")
      ? Number(record.get("taskid"))
      : undefined;
    addInfo(result, id, accountingInfo(record, argv), task);
  }
  return result;
}
