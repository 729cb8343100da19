/**
 * `bjobs -o` and `bjobs -json`: the fields the emulator knows (names, aliases, recommended
 * widths), the output format specification, and the two outputs built from it.
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bjobs -o" (field names, aliases and
 * recommended widths, unlimited width without `:`, `-` for right justification,
 * `delimiter='c'`, JOB_NAME truncated from the left with `*`, `<name>: Illegal field name in
 * output format`) and "bjobs -json" (`COMMAND`, `JOBS`, `RECORDS`).
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import { lsfJobData } from "./_job_data.ts";
import {
  elementName,
  hostGroups,
  lsfExitCode,
  lsfExitReason,
  lsfStatus,
  truncateLeft,
} from "./_jobs.ts";
import { monthDayTime } from "../_common/format.ts";
import { padEnd, padStart } from "../_common/words.ts";

/** One field of `bjobs -o`. */
interface Field {
  /** Header word. */
  header: string;
  /** Recommended width (`field:`). */
  width: number;
  /** The value of a job at `now`. */
  value: (job: SimJob, now: number) => string;
}

function field(header: string, width: number, value: Field["value"]): Field {
  return { header, width, value };
}

/** A field of bsub's record, `fallback` for a job bsub did not submit. */
function recorded(
  header: string,
  width: number,
  key: "project" | "dependency" | "submitCwd" | "outputFile" | "errorFile" | "description",
  fallback: string,
): Field {
  return field(header, width, (job) => lsfJobData(job)?.[key] ?? fallback);
}

function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}

const time = (ms: number | undefined) => ms === undefined ? "-" : monthDayTime(ms);

function started(job: SimJob, value: (job: SimJob) => string): string {
  return job.startTime === undefined ? "-" : value(job);
}

function runTime(job: SimJob, now: number): string {
  const ran = job.startTime === undefined ? 0 : seconds((job.endTime ?? now) - job.startTime);
  return `${ran} second(s)`;
}

function pendReason(job: SimJob): string {
  if (job.state !== "PENDING" || !job.held) return "-";
  return "Job was suspended by LSF admin or root while pending";
}

function command(job: SimJob): string {
  return lsfJobData(job)?.command ?? job.request.name;
}

/** The `-o` fields the simulator knows, with LSF 10.1's recommended widths. */
const FIELDS: Record<string, Field> = {
  jobid: field("JOBID", 7, (job) => String(job.arrayJobId ?? job.id)),
  jobindex: field("JOBINDEX", 8, (job) => String(job.arrayTaskId ?? 0)),
  stat: field("STAT", 5, lsfStatus),
  user: field("USER", 7, (job) => job.request.user),
  queue: field("QUEUE", 10, (job) => job.queue),
  job_name: field("JOB_NAME", 10, elementName),
  proj_name: recorded("PROJ_NAME", 11, "project", "default"),
  dependency: recorded("DEPENDENCY", 15, "dependency", "-"),
  // LSF 10.1 Command Reference, bjobs -o: "job_description" (-Jd), "-" when there is none.
  job_description: recorded("JOB_DESCRIPTION", 17, "description", "-"),
  command: field("COMMAND", 15, command),
  exit_code: field("EXIT_CODE", 10, (job) => String(lsfExitCode(job) ?? "-")),
  exit_reason: field("EXIT_REASON", 50, lsfExitReason),
  from_host: field("FROM_HOST", 11, (job) => job.request.submitHost ?? "-"),
  first_host: field("FIRST_HOST", 11, (job) => job.nodeList[0] ?? "-"),
  exec_host: field("EXEC_HOST", 11, (job) => started(job, (j) => hostGroups(j).join(":"))),
  nexec_host: field("NEXEC_HOST", 10, (job) => started(job, (j) => String(j.nodeList.length))),
  slots: field("SLOTS", 5, (job) => String(lsfJobData(job)?.slots ?? 1)),
  submit_time: field("SUBMIT_TIME", 15, (job) => time(job.submitTime)),
  start_time: field("START_TIME", 15, (job) => time(job.startTime)),
  finish_time: field("FINISH_TIME", 16, (job) => time(job.endTime)),
  run_time: field("RUN_TIME", 15, runTime),
  cpu_used: field("CPU_USED", 10, () => "0.0 second(s)"),
  sub_cwd: recorded("SUB_CWD", 10, "submitCwd", "-"),
  output_file: recorded("OUTPUT_FILE", 11, "outputFile", "-"),
  error_file: recorded("ERROR_FILE", 10, "errorFile", "-"),
  pend_reason: field("PEND_REASON", 11, pendReason),
  runtimelimit: field(
    "RUNTIMELIMIT",
    12,
    (job) =>
      job.timeLimitSeconds === undefined ? "-" : `${(job.timeLimitSeconds / 60).toFixed(1)} min`,
  ),
};

const ALIASES: Record<string, string> = {
  id: "jobid",
  name: "job_name",
  proj: "proj_name",
  project: "proj_name",
  cmd: "command",
};

/** The fields `bjobs -json` shows without `-o`. */
export const DEFAULT_FIELDS = "jobid user stat queue from_host exec_host job_name submit_time";

/** One column of an `-o` specification. */
interface Column {
  field: Field;
  name: string;
  /** `undefined`: as wide as the value. */
  width?: number;
  right: boolean;
}

/** A parsed `-o` specification. */
interface Format {
  columns: Column[];
  delimiter: string;
}

/** Parses an `-o` specification, or returns the bad word. */
function parseFormat(spec: string): Format | { bad: string } {
  let delimiter = " ";
  const columns: Column[] = [];
  const words = spec.match(/delimiter='[^']*'|delimiter="[^"]*"|\S+/g) ?? [];
  for (const word of words) {
    const delimiterMatch = /^delimiter=['"](.*)['"]$/.exec(word);
    if (delimiterMatch) {
      delimiter = delimiterMatch[1] as string;
      continue;
    }
    const [rawName = "", widthPart] = word.split(":");
    const name = ALIASES[rawName.toLowerCase()] ?? rawName.toLowerCase();
    const field = FIELDS[name];
    if (!field) return { bad: rawName };
    const column: Column = { field, name, right: false };
    if (widthPart !== undefined) {
      column.right = widthPart.startsWith("-");
      const digits = widthPart.replace(/^-/, "");
      if (digits !== "" && !/^\d+$/.test(digits)) return { bad: word };
      column.width = digits === "" ? field.width : Number(digits);
    }
    columns.push(column);
  }
  return { columns, delimiter };
}

/**
 * The format of an `-o` specification; `undefined` with the error text when a field is
 * unknown (bjobs exits 255).
 */
export function outputFormat(spec: string): Format | { error: string } {
  const format = parseFormat(spec);
  return "bad" in format
    ? { error: `${format.bad}: Illegal field name in output format\n` }
    : format;
}

function cell(column: Column, value: string): string {
  if (column.width === undefined) return value;
  const cut = value.length > column.width
    ? column.name === "job_name" ? truncateLeft(value, column.width) : value.slice(0, column.width)
    : value;
  return column.right ? padStart(cut, column.width) : padEnd(cut, column.width);
}

/** `bjobs -o`: a header line (unless `-noheader`) and one line per job. */
export function customTable(
  jobs: readonly SimJob[],
  format: Format,
  header: boolean,
  now: number,
): string {
  const { columns, delimiter } = format;
  const lines: string[] = [];
  if (header) {
    lines.push(columns.map((column) => cell(column, column.field.header)).join(delimiter));
  }
  for (const job of jobs) {
    lines.push(columns.map((column) => cell(column, column.field.value(job, now))).join(delimiter));
  }
  return lines.map((line) => line + "\n").join("");
}

/** `bjobs -json`: one record per job, keyed by the fields' headers. */
export function jsonOutput(jobs: readonly SimJob[], format: Format, now: number): string {
  const records = jobs.map((job) =>
    "    {\n" +
    format.columns.map((column) =>
      `      ${JSON.stringify(column.field.header)}:${JSON.stringify(column.field.value(job, now))}`
    ).join(",\n") +
    "\n    }"
  );
  return `{\n  "COMMAND":"bjobs",\n  "JOBS":${jobs.length},\n  "RECORDS":[\n${
    records.join(",\n")
  }\n  ]\n}\n`;
}
