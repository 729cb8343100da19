/**
 * `squeue`: the jobs slurmctld still holds, filtered by `-j`, `-t`, `-u`, `-p`, `-n`, in the
 * default, `-l`, `-o` (`%.18i`-style) or `-O` (long names) layouts, ordered and folded as
 * SLURM 22.05 prints them (a pending array remainder on one line as `12_[3-9%2]`).
 *
 * @module
 */

import { fail, ok, uidOf } from "../_common/command_result.ts";
import { column, ctime, isoSeconds, ranges, shortDuration } from "../_common/format.ts";
import { getopt, type OptionSpec } from "../_common/getopt.ts";
import { isFinishedState } from "../engine/engine.ts";
import type { SimCommand, SimEngineApi, SimJob, SimJobState } from "../types.ts";
import {
  ALL_STATE_WORDS,
  annotation,
  COMPACT_STATE,
  cpusOf,
  dependencyText,
  inController,
  jobIdText,
  limitShort,
  LONG_STATE,
  memText,
  nodeListText,
  NOTE,
  priorityOf,
  REASON,
  runSeconds,
  VALID_STATES,
  VERSION,
} from "./_jobs.ts";
import { type JobIdArg, lastValue, parseJobIdArg } from "./_parse.ts";

/** A line of squeue: one job, or the pending remainder of an array shown as `A_[...]`. */
interface QueueRecord {
  job: SimJob;
  idText: string;
  /** Raw id shown by %A (the array's id for its pending remainder). */
  rawId: number;
  state: SimJobState;
}

const SQUEUE_FIELDS: Record<
  string,
  { header: string; value: (r: QueueRecord, e: SimEngineApi) => string }
> = {
  i: { header: "JOBID", value: (r) => r.idText },
  A: { header: "JOBID", value: (r) => String(r.rawId) },
  a: { header: "ACCOUNT", value: (r) => annotation(r.job, NOTE.account) ?? r.job.request.user },
  F: { header: "ARRAY_JOB_ID", value: (r) => String(r.job.arrayJobId ?? r.job.id) },
  K: {
    header: "ARRAY_TASK_ID",
    value: (r) => r.job.arrayJobId === undefined ? "N/A" : arrayTaskText(r),
  },
  j: { header: "NAME", value: (r) => r.job.request.name },
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
  o: { header: "COMMAND", value: (r) => annotation(r.job, NOTE.command) ?? "(null)" },
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
};

/** squeue -O long names → (header, %-letter). */
const SQUEUE_LONG_FIELDS: Record<string, { header: string; letter: string }> = {
  arrayjobid: { header: "ARRAY_JOB_ID", letter: "F" },
  arraytaskid: { header: "ARRAY_TASK_ID", letter: "K" },
  jobid: { header: "JOBID", letter: "i" },
  jobarrayid: { header: "JOBID", letter: "i" },
  name: { header: "NAME", letter: "j" },
  state: { header: "STATE", letter: "T" },
  statecompact: { header: "ST", letter: "t" },
  reason: { header: "REASON", letter: "r" },
  timeused: { header: "TIME", letter: "M" },
  timelimit: { header: "TIME_LIMIT", letter: "l" },
  timeleft: { header: "TIME_LEFT", letter: "L" },
  numcpus: { header: "CPUS", letter: "C" },
  numnodes: { header: "NODES", letter: "D" },
  nodelist: { header: "NODELIST", letter: "N" },
  partition: { header: "PARTITION", letter: "P" },
  username: { header: "USER", letter: "u" },
  userid: { header: "UID", letter: "U" },
  account: { header: "ACCOUNT", letter: "a" },
  submittime: { header: "SUBMIT_TIME", letter: "V" },
  starttime: { header: "START_TIME", letter: "S" },
  endtime: { header: "END_TIME", letter: "e" },
  workdir: { header: "WORK_DIR", letter: "Z" },
  priority: { header: "PRIORITY", letter: "p" },
  prioritylong: { header: "PRIORITY", letter: "Q" },
  command: { header: "COMMAND", letter: "o" },
  dependency: { header: "DEPENDENCY", letter: "E" },
  qos: { header: "QOS", letter: "q" },
};

function arrayTaskText(r: QueueRecord): string {
  const m = /_(.*)$/.exec(r.idText);
  const text = m?.[1] ?? String(r.job.arrayTaskId);
  return text.startsWith("[") ? text.slice(1, -1) : text;
}

/** One field of a layout. */
interface Column {
  letter: string;
  header: string;
  width: number | undefined;
  right: boolean;
  /** Literal text before this column. */
  prefix: string;
}

/** Parses an `-o` format: literal text and `%[.][width]X` fields. */
function parseFormat(format: string): { columns: Column[]; suffix: string } | string {
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

/** Parses an `-O` format: `name[:[.]width[:right]]` items, 20 wide by default; the unknown name when one is. */
function parseLongFormat(format: string): { columns: Column[]; suffix: string } | string {
  const columns: Column[] = [];
  for (const item of format.split(",")) {
    const [name = "", width, justify] = item.split(":");
    const field = SQUEUE_LONG_FIELDS[name.toLowerCase()];
    if (field === undefined) return name;
    const right = width?.startsWith(".") ?? false;
    const w = width === undefined || width === "" ? 20 : Number(width.replace(".", ""));
    columns.push({
      letter: field.letter,
      header: field.header,
      // The last column of -O is padded too (with one space added after each field).
      width: w,
      right: right || justify === "right",
      prefix: "",
    });
  }
  return { columns, suffix: "" };
}

function renderLine(
  layout: { columns: Column[]; suffix: string },
  value: (letter: string) => string,
): string {
  return layout.columns.map((c) => c.prefix + column(value(c.letter), c.width, c.right)).join("") +
    layout.suffix;
}

const SQUEUE_OPTIONS: OptionSpec[] = [
  { key: "noheader", long: "noheader", short: "h", arg: "none" },
  { key: "format", long: "format", short: "o", arg: "required" },
  { key: "Format", long: "Format", short: "O", arg: "required" },
  { key: "jobs", long: "jobs", short: "j", arg: "optional" },
  { key: "states", long: "states", short: "t", arg: "required" },
  { key: "user", long: "user", short: "u", arg: "required" },
  { key: "me", long: "me", arg: "none" },
  { key: "array", long: "array", short: "r", arg: "none" },
  { key: "long", long: "long", short: "l", arg: "none" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "name", long: "name", short: "n", arg: "required" },
  { key: "all", long: "all", short: "a", arg: "none" },
  { key: "version", long: "version", short: "V", arg: "none" },
  { key: "sort", long: "sort", short: "S", arg: "required" },
  { key: "verbose", long: "verbose", short: "v", arg: "none" },
];

const DEFAULT_SQUEUE_FORMAT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
const LONG_SQUEUE_FORMAT = "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R";

/** `squeue [-h] [-l] [-o FORMAT | -O FIELDS] [-j IDS] [-t STATES] [-u USERS] [-p PARTS] [-n NAMES] [-r]`. */
export const squeue: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SQUEUE_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `squeue: ${parsed.error.message}\nTry "squeue --help" for more information\n`);
  }
  const options = parsed.options;
  const get = (key: string) => lastValue(options, key);
  const has = (key: string) => options.some((o) => o.key === key);
  if (has("version")) return ok(`${VERSION}\n`);
  const engine = ctx.engine;
  let stderr = "";

  // -j: ids (a bare -j with ids as positionals is accepted too).
  let wanted: JobIdArg[] | undefined;
  if (has("jobs")) {
    const text = [get("jobs") ?? "", ...parsed.positionals].filter((t) => t !== "").join(",");
    wanted = [];
    for (const part of text.split(",").filter((p) => p !== "")) {
      const id = parseJobIdArg(part);
      if (id === undefined) return fail(1, `squeue: error: Invalid job id: ${part}\n`);
      wanted.push(id);
    }
  }
  let states: Set<string> | "all" | undefined;
  const stateText = get("states");
  if (stateText !== undefined) {
    if (stateText.toLowerCase() === "all") states = "all";
    else {
      states = new Set();
      for (const word of stateText.split(",")) {
        const state = ALL_STATE_WORDS.get(word.toUpperCase());
        if (state === undefined) {
          return fail(
            1,
            `squeue: error: Invalid job state specified: ${word}\nsqueue: error: Valid job states include: ${VALID_STATES}\n\n`,
          );
        }
        states.add(state);
      }
    }
  }
  let users: Set<string> | undefined;
  if (has("me")) users = new Set([ctx.user]);
  const userText = get("user");
  if (userText !== undefined) {
    users ??= new Set();
    const known = new Set(["root", ctx.user, ...engine.jobs().map((j) => j.request.user)]);
    for (const user of userText.split(",")) {
      if (known.has(user) || /^\d+$/.test(user)) users.add(user);
      else stderr += `squeue: error: Invalid user: ${user}\n\n`;
    }
  }
  const partitions = get("partition")?.split(",");
  const names = get("name")?.split(",");

  // Candidates: what slurmctld still holds.
  let candidates: SimJob[];
  if (wanted !== undefined) {
    const seen = new Set<SimJob>();
    candidates = [];
    for (const w of wanted) {
      for (const job of engine.find(w.id)) {
        if (w.task !== undefined && job.arrayTaskId !== w.task) continue;
        if (!seen.has(job) && inController(engine, job)) {
          seen.add(job);
          candidates.push(job);
        }
      }
    }
    // The quirk: -j fails only when none of the ids is known.
    if (candidates.length === 0 && wanted.length > 0) {
      return fail(1, "slurm_load_jobs error: Invalid job id specified\n");
    }
  } else {
    candidates = engine.jobs().filter((job) => inController(engine, job));
  }
  const selected = candidates.filter((job) => {
    if (
      states === undefined ? isFinishedState(job.state) : states !== "all" && !states.has(job.state)
    ) {
      return false;
    }
    if (users !== undefined && !users.has(job.request.user)) return false;
    if (partitions !== undefined && !partitions.includes(job.queue)) return false;
    if (names !== undefined && !names.includes(job.request.name)) return false;
    return true;
  });
  const records = queueRecords(selected, has("array"));

  const formatText = get("format");
  const longFormat = get("Format");
  const layout = longFormat !== undefined
    ? parseLongFormat(longFormat)
    : parseFormat(formatText ?? (has("long") ? LONG_SQUEUE_FORMAT : DEFAULT_SQUEUE_FORMAT));
  if (typeof layout === "string") {
    return fail(1, `squeue: error: Invalid job format specification: ${layout}\n`);
  }
  let stdout = "";
  if (has("long") && formatText === undefined && longFormat === undefined && !has("noheader")) {
    stdout += `${ctime(engine.now())}\n`;
  }
  if (!has("noheader")) {
    stdout += renderLine(layout, (letter) => headerOf(layout, letter)) + "\n";
  }
  for (const record of records) {
    stdout += renderLine(layout, (letter) => SQUEUE_FIELDS[letter]!.value(record, engine)) + "\n";
  }
  return { code: 0, stdout, stderr };
};

function headerOf(layout: { columns: Column[] }, letter: string): string {
  return layout.columns.find((c) => c.letter === letter)?.header ?? "";
}

/** Orders jobs as squeue does (state name, then priority) and folds pending array remainders. */
function queueRecords(jobs: readonly SimJob[], perTask: boolean): QueueRecord[] {
  const records: QueueRecord[] = [];
  const remainders = new Map<number, SimJob[]>();
  for (const job of jobs) {
    const pendingRemainder = job.arrayJobId !== undefined && job.state === "PENDING" &&
      job.id === job.arrayJobId;
    if (pendingRemainder && !perTask) {
      const list = remainders.get(job.arrayJobId!) ?? [];
      list.push(job);
      remainders.set(job.arrayJobId!, list);
      continue;
    }
    records.push({ job, idText: jobIdText(job), rawId: job.id, state: job.state });
  }
  for (const [arrayId, tasks] of remainders) {
    const first = tasks[0]!;
    const limit = first.request.array?.maxConcurrent;
    const indices = tasks.map((t) => t.arrayTaskId ?? 0).sort((a, b) => a - b);
    const idText = tasks.length === 1
      ? `${arrayId}_${indices[0]}`
      : `${arrayId}_[${ranges(indices)}${limit === undefined ? "" : `%${limit}`}]`;
    records.push({ job: first, idText, rawId: arrayId, state: "PENDING" });
  }
  return records.sort((a, b) => {
    const sa = LONG_STATE[a.state];
    const sb = LONG_STATE[b.state];
    if (sa !== sb) return sa < sb ? -1 : 1;
    const pa = priorityOf(a.job);
    const pb = priorityOf(b.job);
    if (pa !== pb) return pb - pa;
    const ta = a.job.arrayTaskId ?? 0;
    const tb = b.job.arrayTaskId ?? 0;
    return (a.job.arrayJobId ?? a.job.id) - (b.job.arrayJobId ?? b.job.id) || ta - tb;
  });
}
