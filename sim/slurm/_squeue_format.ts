/**
 * squeue's layouts: the `-o` letters (`%.18i`) and `-O` names (`jobid:.18`) it prints, parsed
 * into columns, and the header and record lines they make.
 *
 * @module
 */

import { uidOf } from "../_common/command_result.ts";
import { column, isoSeconds, shortDuration } from "../_common/format.ts";
import type { SimJob, SimJobState } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import {
  COMPACT_STATE,
  cpusOf,
  dependencyText,
  jobIdText,
  limitShort,
  LONG_STATE,
  memText,
  nodeListText,
  priorityOf,
  REASON,
  runSeconds,
  slurmData,
} from "./_jobs.ts";

/** A line of squeue: one job, or the pending remainder of an array shown as `A_[...]`. */
export interface QueueRecord {
  /** The job (a remainder's first task). */
  job: SimJob;
  /** `%i`: `12_[3-9%2]` for a remainder; absent: the job's own (`12`, `12_3`). */
  idText?: string;
  /** `%A`: the raw id (the array's id for its pending remainder). */
  rawId: number;
  /** The state shown. */
  state: SimJobState;
}

/**
 * The records of a listing in the order printed: `at(i)` is the i-th, valid until the next call
 * (a listing may refill one object for every line rather than hold an object per job).
 */
export interface Listing {
  /** How many records. */
  readonly count: number;
  /** The record at a position, `0 <= position < count`. */
  at(position: number): QueueRecord;
}

/**
 * The `-o` letters: header and value (`src/squeue/print.c`, headers as recordings 040 and 086 show
 * them).
 */
const SQUEUE_FIELDS: Record<
  string,
  { header: string; value: (r: QueueRecord, e: SimEngineApi) => string }
> = {
  i: { header: "JOBID", value: idTextOf },
  A: { header: "JOBID", value: (r) => String(r.rawId) },
  a: { header: "ACCOUNT", value: (r) => slurmData(r.job).account },
  F: { header: "ARRAY_JOB_ID", value: (r) => String(r.job.arrayJobId ?? r.job.id) },
  K: {
    header: "ARRAY_TASK_ID",
    value: (r) => r.job.arrayJobId === undefined ? "N/A" : arrayTaskText(r),
  },
  j: { header: "NAME", value: (r) => r.job.request.name },
  // `(null)` without a comment, as print.c's _print_job_comment prints a NULL string.
  k: { header: "COMMENT", value: (r) => slurmData(r.job).comment ?? "(null)" },
  u: { header: "USER", value: (r) => r.job.request.user },
  U: { header: "UID", value: (r) => String(uidOf(r.job.request.user)) },
  P: { header: "PARTITION", value: (r) => r.job.queue },
  T: { header: "STATE", value: (r) => LONG_STATE[r.state] },
  t: { header: "ST", value: (r) => COMPACT_STATE[r.state] },
  M: { header: "TIME", value: (r, e) => shortDuration(runSeconds(e, r.job)) },
  l: { header: "TIME_LIMIT", value: (r) => limitShort(r.job) },
  L: {
    header: "TIME_LEFT",
    value: (r, e) =>
      r.job.timeLimitSeconds === undefined
        ? "UNLIMITED"
        : shortDuration(r.job.timeLimitSeconds - runSeconds(e, r.job)),
  },
  D: { header: "NODES", value: (r) => String(r.job.request.nodes ?? 1) },
  C: { header: "CPUS", value: (r) => String(cpusOf(r.job)) },
  R: {
    header: "NODELIST(REASON)",
    value: (r) =>
      r.state === "PENDING" || r.job.nodeList.length === 0 ||
        (r.state !== "RUNNING" && r.job.reason !== "none")
        ? `(${REASON[r.job.reason]})`
        : nodeListText(r.job),
  },
  r: { header: "REASON", value: (r) => REASON[r.job.reason] },
  N: { header: "NODELIST", value: (r) => nodeListText(r.job) },
  V: { header: "SUBMIT_TIME", value: (r) => isoSeconds(r.job.submitTime) },
  S: {
    header: "START_TIME",
    value: (r) => r.job.startTime === undefined ? "N/A" : isoSeconds(r.job.startTime),
  },
  e: {
    header: "END_TIME",
    value: (r) =>
      r.job.endTime !== undefined
        ? isoSeconds(r.job.endTime)
        : r.job.startTime === undefined
        ? "N/A"
        : r.job.timeLimitSeconds === undefined
        ? "NONE"
        : isoSeconds(r.job.startTime + r.job.timeLimitSeconds * 1000),
  },
  Z: { header: "WORK_DIR", value: (r) => r.job.request.workdir },
  Q: { header: "PRIORITY", value: (r) => String(priorityOf(r.job)) },
  p: { header: "PRIORITY", value: (r) => (priorityOf(r.job) / 4294967295).toFixed(8) },
  q: { header: "QOS", value: () => "normal" },
  o: { header: "COMMAND", value: (r) => slurmData(r.job).command },
  E: { header: "DEPENDENCY", value: (r, e) => dependencyText(e, r.job) },
  y: { header: "NICE", value: () => "0" },
  h: { header: "OVER_SUBSCRIBE", value: () => "OK" },
  b: {
    header: "TRES_PER_NODE",
    value: (r) => (r.job.request.gpus ? `gres:gpu:${r.job.request.gpus}` : "N/A"),
  },
  m: { header: "MIN_MEMORY", value: (r) => memText(r.job.request.memoryMB ?? 0) },
  c: {
    header: "MIN_CPUS",
    value: (r) => String((r.job.request.tasksPerNode ?? 1) * (r.job.request.cpusPerTask ?? 1)),
  },
  v: { header: "RESERVATION", value: () => "(null)" },
  x: { header: "EXC_NODES", value: () => "" },
  w: { header: "WCKEY", value: () => "(null)" },
  // `-O exit_code` only (no `-o` letter): slurmctld's raw wait status of the batch script,
  // printed as a number (`_print_job_exit_code`, `src/squeue/print.c`): exit code N is N << 8,
  // death by signal S is S; the same job_ptr->exit_code `scontrol` shows as `N:S`
  // (`src/api/job_info.c`) and this emulator's scontrol prints (`_scontrol_records.ts`).
  X: { header: "EXIT_CODE", value: (r) => String(waitStatus(r.job)) },
};

/** The wait status slurmctld keeps for a job: signal S of a job it killed, else exit code << 8. */
function waitStatus(job: SimJob): number {
  const killed = job.state === "CANCELLED" || job.state === "TIMEOUT" ||
    job.state === "PREEMPTED";
  if (killed && job.signal) return job.signal & 0x7f;
  return ((job.exitCode ?? 0) & 0xff) << 8;
}

/**
 * The `-O` names this emulator knows → their `-o` letter (`src/squeue/opts.c`,
 * `parse_long_format`).
 */
const SQUEUE_LONG_FIELDS: Record<string, string> = {
  arrayjobid: "F",
  arraytaskid: "K",
  // `jobid` is the job's own id, a task's too (`_print_job_job_id2`); `jobarrayid` is `%i`.
  jobid: "A",
  jobarrayid: "i",
  name: "j",
  state: "T",
  statecompact: "t",
  reason: "r",
  timeused: "M",
  timelimit: "l",
  timeleft: "L",
  numcpus: "C",
  numnodes: "D",
  nodelist: "N",
  partition: "P",
  username: "u",
  userid: "U",
  account: "a",
  submittime: "V",
  starttime: "S",
  endtime: "e",
  workdir: "Z",
  priority: "p",
  prioritylong: "Q",
  command: "o",
  dependency: "E",
  qos: "q",
  exit_code: "X",
};

/** `%i`: the record's id text. */
function idTextOf(r: QueueRecord): string {
  return r.idText ?? jobIdText(r.job);
}

/** `%K`: the task index, or the remainder's range without brackets. */
function arrayTaskText(r: QueueRecord): string {
  const m = /_(.*)$/.exec(idTextOf(r));
  const text = m?.[1] ?? String(r.job.arrayTaskId);
  return text.startsWith("[") ? text.slice(1, -1) : text;
}

/** One field of a layout. */
interface Column {
  /** The `-o` letter. */
  letter: string;
  /** Its header. */
  header: string;
  /** Its width; `undefined`: as wide as the value. */
  width: number | undefined;
  /** Right-justified (`%.5i`, `name:.5`). */
  right: boolean;
  /** Literal text before this column. */
  prefix: string;
}

/** How squeue lays out its lines: the fields and the literal text after the last one. */
export interface Layout {
  /** The fields, in order. */
  columns: Column[];
  /** Literal text after the last field. */
  suffix: string;
}

/**
 * Parses an `-o` format: literal text and `%[.][width]X` fields (`src/squeue/opts.c`,
 * `parse_format`); the unknown letter when there is one.
 */
export function parseFormat(format: string): Layout | string {
  const columns: Column[] = [];
  let literal = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      literal += c;
      continue;
    }
    const match = /^%(\.?)(\d*)([A-Za-z%])/.exec(format.slice(i));
    if (match === null) {
      literal += c;
      continue;
    }
    i += match[0].length - 1;
    if (match[3] === "%") {
      literal += "%";
      continue;
    }
    const field = SQUEUE_FIELDS[match[3]!];
    if (field === undefined) return match[3]!;
    columns.push({
      letter: match[3]!,
      header: field.header,
      width: match[2] === "" ? undefined : Number(match[2]),
      right: match[1] === ".",
      prefix: literal,
    });
    literal = "";
  }
  return { columns, suffix: literal };
}

/**
 * Parses an `-O` format as SLURM 22.05 does (`_parse_long_token` in `src/squeue/opts.c`, and the
 * man page's `type[:[.][size][suffix]]`): a name alone is 20 wide; after a `:`, an optional `.`
 * (right-justified), the digits of the width (none: 0, the value as long as it is, unpadded,
 * `_print_str` in `src/squeue/print.c`) and any other text, printed after the field (so
 * `jobid:|,state:` prints `12|RUNNING`). Returns the unknown name when there is one.
 */
export function parseLongFormat(format: string): Layout | string {
  const columns: Column[] = [];
  let suffix = "";
  for (const item of format.split(",")) {
    const colon = item.indexOf(":");
    const name = colon < 0 ? item : item.slice(0, colon);
    const letter = SQUEUE_LONG_FIELDS[name.toLowerCase()];
    if (letter === undefined) return name;
    const spec = /^(\.?)(\d*)(.*)$/s.exec(colon < 0 ? "" : item.slice(colon + 1))!;
    const width = colon < 0 ? 20 : Number(spec[2] || "0");
    columns.push({
      letter,
      header: SQUEUE_FIELDS[letter]!.header,
      // Every sized -O column is padded to its width, the last one too (recording 041).
      width: width === 0 ? undefined : width,
      right: spec[1] === "." && width > 0,
      prefix: suffix,
    });
    suffix = spec[3]!;
  }
  return { columns, suffix };
}

/** The header line of a layout. */
export function headerLine(layout: Layout): string {
  return renderLine(layout, (c) => c.header);
}

/**
 * The text of `head` followed by the lines of `records`, each ending in a newline: the pieces
 * that make it go into one array of exactly their number, joined once (no string per line or
 * per column, no array grown piece by piece: a listing can have 16,000 lines and more).
 */
export function listingText(
  head: string,
  layout: Layout,
  records: Listing,
  engine: SimEngineApi,
): string {
  if (records.count === 0) return head;
  const columns = layout.columns.map((c) => ({ ...c, value: SQUEUE_FIELDS[c.letter]!.value }));
  const perLine = columns.length + columns.filter((c) => c.prefix !== "").length + 1;
  const pieces = new Array<string>(1 + records.count * perLine);
  const end = layout.suffix + "\n";
  let at = 0;
  pieces[at++] = head;
  for (let position = 0; position < records.count; position++) {
    const record = records.at(position);
    for (const c of columns) {
      if (c.prefix !== "") pieces[at++] = c.prefix;
      pieces[at++] = column(c.value(record, engine), c.width, c.right);
    }
    pieces[at++] = end;
  }
  return pieces.join("");
}

function renderLine(layout: Layout, value: (c: Column) => string): string {
  let line = "";
  for (const c of layout.columns) line += c.prefix + column(value(c), c.width, c.right);
  return line + layout.suffix;
}
