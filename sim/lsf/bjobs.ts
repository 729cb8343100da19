/**
 * `bjobs` of IBM Spectrum LSF: the default table, `-w`, `-o` custom fields (with widths,
 * justification, `delimiter=`), `-noheader`, `-json`, `-a`/`-d`/`-p`/`-r`/`-s`, `-u`, `-q`,
 * `-J`, job id lists; finished jobs stay visible for CLEAN_PERIOD (3600 s by default).
 *
 * Sources: OpenLava `lsbatch/cmd/bjobs.c` (the LSF header line and row format
 * `"%-7d %-7.7s %-5.5s %-10.10s %-11.11s %-11.11s %-10.10s %s"`, job names over 10 characters
 * shown as `*` + their last 9, further execution hosts on lines indented by 45 spaces,
 * `N*host` groups) and `lsbatch/cmd/cmd.err.c` (`Job <N> is not found`, `No unfinished job
 * found`, exit 255); IBM Spectrum LSF 10.1 Command Reference "bjobs -o" (field names, aliases
 * and recommended widths, unlimited width without `:`, `-` for right justification,
 * `delimiter='c'`, JOB_NAME truncated from the left with `*`), "bjobs -json" (`COMMAND`,
 * `JOBS`, `RECORDS`), lsb.params CLEAN_PERIOD (default 3600 seconds).
 *
 * @module
 */

import type { SimCommandContext, SimJob } from "../types.ts";
import { elementName, LSF_NOTE, slotsPerHost } from "./bsub.ts";
import { type CommandResult, fail, fixed, padEnd, padStart } from "../_common/words.ts";
import { monthDayTime } from "../_common/format.ts";

/** How long LSF keeps finished jobs (lsb.params CLEAN_PERIOD default), ms. */
export const CLEAN_PERIOD_MS = 3600 * 1000;

/** LSF's status word of a job: PEND, PSUSP (held), RUN, DONE, EXIT. */
export function lsfStatus(job: SimJob): string {
  if (job.state === "PENDING") return job.held !== undefined ? "PSUSP" : "PEND";
  if (job.state === "RUNNING") return "RUN";
  return job.state === "COMPLETED" ? "DONE" : "EXIT";
}

/**
 * Exit code LSF reports for an EXIT job: the script's code; 130 for a job killed by bkill
 * (TERM_OWNER), 140 at the run limit (TERM_RUNLIMIT, SIGUSR2), 128 + signal otherwise;
 * `undefined` for DONE jobs and jobs killed before they started.
 */
export function lsfExitCode(job: SimJob): number | undefined {
  if (lsfStatus(job) !== "EXIT") return undefined;
  if (job.state === "TIMEOUT") return 140;
  if (job.startTime === undefined) return undefined;
  if (job.state === "CANCELLED") return 130;
  if (job.state === "FAILED") return job.exitCode ?? 1;
  return 128 + (job.signal ?? 9);
}

/** LSF's termination reason of a finished job (`TERM_OWNER: job killed by owner`), `-` when none. */
export function lsfExitReason(job: SimJob): string {
  switch (job.state) {
    case "CANCELLED":
      return "TERM_OWNER: job killed by owner";
    case "TIMEOUT":
      return "TERM_RUNLIMIT: job killed after reaching LSF run time limit";
    case "OUT_OF_MEMORY":
      return "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit";
    case "NODE_FAIL":
      return "TERM_HOST: job killed by a host failure";
    case "PREEMPTED":
      return "TERM_PREEMPT: job killed after preemption";
    default:
      return "-";
  }
}

/** `4*hostA` groups (a single slot is just the host name). */
function hostGroups(job: SimJob): string[] {
  const hosts = slotsPerHost(job);
  const total = hosts.reduce((sum, [, n]) => sum + n, 0);
  return hosts.map(([host, n]) => total > 1 ? `${n}*${host}` : host);
}

/** The id LSF prints for a job: `12`, or `12[3]` for an array element. */
export function lsfJobLabel(job: SimJob): string {
  const id = job.arrayJobId ?? job.id;
  return job.arrayTaskId === undefined ? String(id) : `${id}[${job.arrayTaskId}]`;
}

/** Jobs grouped by the id LSF shows for them (an array's elements share it), in their order. */
export type JobsById = ReadonlyMap<number, readonly SimJob[]>;

/** Groups `jobs` by the id LSF shows, once per command, so each id operand is a lookup. */
export function jobsById(jobs: readonly SimJob[]): JobsById {
  const index = new Map<number, SimJob[]>();
  for (const job of jobs) {
    const id = job.arrayJobId ?? job.id;
    const group = index.get(id);
    if (group === undefined) index.set(id, [job]);
    else group.push(job);
  }
  return index;
}

/**
 * The jobs a job id operand (`12` = the job or every element of array 12, `12[3]` = one
 * element) names among `jobs`; `undefined` when the operand is not a job id.
 */
export function jobsOfOperand(jobs: JobsById, operand: string): SimJob[] | undefined {
  const match = /^(\d+)(?:\[(\d+)\])?$/.exec(operand);
  if (match === null) return undefined;
  const group = jobs.get(Number(match[1])) ?? [];
  return match[2] === undefined
    ? [...group]
    : group.filter((job) => job.arrayTaskId === Number(match[2]));
}

/** Appends the jobs of `found` that `seen` does not hold yet, keeping the first occurrence. */
export function addUnseen(selected: SimJob[], seen: Set<SimJob>, found: readonly SimJob[]): void {
  for (const job of found) {
    if (seen.has(job)) continue;
    seen.add(job);
    selected.push(job);
  }
}

/** Whether a job's name (`arr[2]` or `arr`) matches a `-J` name with `*` wildcards. */
export function nameMatches(job: SimJob, spec: string): boolean {
  const pattern = new RegExp(
    `^${spec.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`,
  );
  return pattern.test(elementName(job)) ||
    pattern.test(job.request.annotations?.[LSF_NOTE.baseName] ?? "");
}

/** TRUNC_STR: a value longer than `width` becomes `*` and its last `width - 1` characters. */
export function truncateLeft(text: string, width: number): string {
  return text.length > width ? "*" + text.slice(text.length - width + 1) : text;
}

function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}

interface Field {
  /** Header word. */
  header: string;
  /** Recommended width (`field:`). */
  width: number;
  /** The value of a job. */
  value: (job: SimJob, now: number) => string;
}

const time = (ms: number | undefined) => ms === undefined ? "-" : monthDayTime(ms);

/** The `-o` fields the simulator knows, with LSF 10.1's recommended widths. */
const FIELDS: Record<string, Field> = {
  jobid: { header: "JOBID", width: 7, value: (job) => String(job.arrayJobId ?? job.id) },
  jobindex: { header: "JOBINDEX", width: 8, value: (job) => String(job.arrayTaskId ?? 0) },
  stat: { header: "STAT", width: 5, value: (job) => lsfStatus(job) },
  user: { header: "USER", width: 7, value: (job) => job.request.user },
  queue: { header: "QUEUE", width: 10, value: (job) => job.queue },
  job_name: { header: "JOB_NAME", width: 10, value: (job) => elementName(job) },
  proj_name: {
    header: "PROJ_NAME",
    width: 11,
    value: (job) => job.request.annotations?.[LSF_NOTE.project] ?? "default",
  },
  dependency: {
    header: "DEPENDENCY",
    width: 15,
    value: (job) => job.request.annotations?.[LSF_NOTE.dependency] ?? "-",
  },
  command: {
    header: "COMMAND",
    width: 15,
    value: (job) => job.request.annotations?.[LSF_NOTE.command] ?? job.request.name,
  },
  exit_code: { header: "EXIT_CODE", width: 10, value: (job) => String(lsfExitCode(job) ?? "-") },
  exit_reason: { header: "EXIT_REASON", width: 50, value: (job) => lsfExitReason(job) },
  from_host: { header: "FROM_HOST", width: 11, value: (job) => job.request.submitHost ?? "-" },
  first_host: { header: "FIRST_HOST", width: 11, value: (job) => job.nodeList[0] ?? "-" },
  exec_host: {
    header: "EXEC_HOST",
    width: 11,
    value: (job) => job.startTime === undefined ? "-" : hostGroups(job).join(":"),
  },
  nexec_host: {
    header: "NEXEC_HOST",
    width: 10,
    value: (job) => job.startTime === undefined ? "-" : String(job.nodeList.length),
  },
  slots: {
    header: "SLOTS",
    width: 5,
    value: (job) => job.request.annotations?.[LSF_NOTE.slots] ?? "1",
  },
  submit_time: { header: "SUBMIT_TIME", width: 15, value: (job) => time(job.submitTime) },
  start_time: { header: "START_TIME", width: 15, value: (job) => time(job.startTime) },
  finish_time: { header: "FINISH_TIME", width: 16, value: (job) => time(job.endTime) },
  run_time: {
    header: "RUN_TIME",
    width: 15,
    value: (job, now) =>
      `${
        job.startTime === undefined ? 0 : seconds((job.endTime ?? now) - job.startTime)
      } second(s)`,
  },
  cpu_used: { header: "CPU_USED", width: 10, value: () => "0.0 second(s)" },
  sub_cwd: {
    header: "SUB_CWD",
    width: 10,
    value: (job) => job.request.annotations?.[LSF_NOTE.submitCwd] ?? "-",
  },
  output_file: {
    header: "OUTPUT_FILE",
    width: 11,
    value: (job) => job.request.annotations?.[LSF_NOTE.outputFile] ?? "-",
  },
  error_file: {
    header: "ERROR_FILE",
    width: 10,
    value: (job) => job.request.annotations?.[LSF_NOTE.errorFile] ?? "-",
  },
  pend_reason: {
    header: "PEND_REASON",
    width: 11,
    value: (job) =>
      job.state !== "PENDING"
        ? "-"
        : job.held
        ? "Job was suspended by LSF admin or root while pending"
        : "-",
  },
  runtimelimit: {
    header: "RUNTIMELIMIT",
    width: 12,
    value: (job) =>
      job.timeLimitSeconds === undefined ? "-" : `${(job.timeLimitSeconds / 60).toFixed(1)} min`,
  },
};

const ALIASES: Record<string, string> = {
  id: "jobid",
  name: "job_name",
  proj: "proj_name",
  project: "proj_name",
  cmd: "command",
};

const DEFAULT_FIELDS = "jobid user stat queue from_host exec_host job_name submit_time";

interface Column {
  field: Field;
  name: string;
  width?: number;
  right: boolean;
}

/** Parses an `-o` specification, or returns the bad word. */
function parseFormat(spec: string): { columns: Column[]; delimiter: string } | { bad: string } {
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

function cell(column: Column, value: string): string {
  if (column.width === undefined) return value;
  const cut = value.length > column.width
    ? column.name === "job_name" ? truncateLeft(value, column.width) : value.slice(0, column.width)
    : value;
  return column.right ? padStart(cut, column.width) : padEnd(cut, column.width);
}

function customTable(
  jobs: readonly SimJob[],
  spec: string,
  header: boolean,
  now: number,
): CommandResult {
  const format = parseFormat(spec);
  if ("bad" in format) return fail(255, `${format.bad}: Illegal field name in output format\n`);
  const { columns, delimiter } = format;
  const lines: string[] = [];
  if (header) {
    lines.push(columns.map((column) => cell(column, column.field.header)).join(delimiter));
  }
  for (const job of jobs) {
    lines.push(columns.map((column) => cell(column, column.field.value(job, now))).join(delimiter));
  }
  return { code: 0, stdout: lines.map((line) => line + "\n").join(""), stderr: "" };
}

function jsonOutput(jobs: readonly SimJob[], spec: string, now: number): CommandResult {
  const format = parseFormat(spec);
  if ("bad" in format) return fail(255, `${format.bad}: Illegal field name in output format\n`);
  const records = jobs.map((job) =>
    "    {\n" +
    format.columns.map((column) =>
      `      ${JSON.stringify(column.field.header)}:${JSON.stringify(column.field.value(job, now))}`
    )
      .join(",\n") +
    "\n    }"
  );
  const body = `{\n  "COMMAND":"bjobs",\n  "JOBS":${jobs.length},\n  "RECORDS":[\n${
    records.join(",\n")
  }\n  ]\n}\n`;
  return { code: 0, stdout: body, stderr: "" };
}

const HEADER = "JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME\n";

/** The default (and `-w`) table. */
function defaultTable(jobs: readonly SimJob[], wide: boolean): string {
  let out = HEADER;
  for (const job of jobs) {
    const groups = job.startTime === undefined ? [] : hostGroups(job);
    const id = padEnd(String(job.arrayJobId ?? job.id), 7);
    const submit = monthDayTime(job.submitTime);
    const from = job.request.submitHost ?? "-";
    if (wide) {
      out +=
        `${id} ${padEnd(job.request.user, 7)} ${fixed(lsfStatus(job), 5)} ${
          padEnd(job.queue, 10)
        } ` +
        `${padEnd(from, 11)} ${padEnd(groups.join(":"), 11)} ${
          padEnd(elementName(job), 10)
        } ${submit}\n`;
      continue;
    }
    out +=
      `${id} ${fixed(job.request.user, 7)} ${fixed(lsfStatus(job), 5)} ${fixed(job.queue, 10)} ` +
      `${fixed(from, 11)} ${fixed(groups[0] ?? "", 11)} ${
        fixed(truncateLeft(elementName(job), 10), 10)
      } ${submit}\n`;
    for (const group of groups.slice(1)) out += " ".repeat(45) + group + "\n";
  }
  return out;
}

/** Status order of the listing: running and suspended, pending, then finished. */
function rank(job: SimJob): number {
  const status = lsfStatus(job);
  if (status === "RUN") return 0;
  if (status === "PEND" || status === "PSUSP") return 1;
  return 2;
}

const BJOBS_USAGE =
  "Usage: bjobs [-h] [-V] [-w | -l] [-a] [-d] [-p] [-s] [-r] [-noheader] [-json]\n" +
  "             [-o \"field_name[:[-][output_width]] ... [delimiter='character']\"]\n" +
  '             [-q queue_name] [-u user_name | -u all] [-J name_spec] [jobId | "jobId[idxList]" ...]\n';

const VALUED = new Set(["o", "u", "q", "J", "P", "m", "G", "g", "app", "sla"]);
const FLAG_NAMES = new Set(["a", "d", "p", "r", "s", "w", "W", "noheader", "json", "A", "x", "X"]);

/** Runs `bjobs`. */
export function bjobs(ctx: SimCommandContext): CommandResult {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const arg = ctx.args[i] as string;
    if (!arg.startsWith("-")) {
      operands.push(arg);
      continue;
    }
    const name = arg.slice(1);
    if (VALUED.has(name)) {
      const value = ctx.args[++i];
      if (value === undefined) {
        return fail(255, `bjobs: option requires an argument -- ${name}\n${BJOBS_USAGE}`);
      }
      values.set(name, value);
    } else if (FLAG_NAMES.has(name)) {
      flags.add(name);
    } else if (name.length > 1 && [...name].every((letter) => FLAG_NAMES.has(letter))) {
      for (const letter of name) flags.add(letter);
    } else {
      return fail(255, `bjobs: illegal option -- ${name}\n${BJOBS_USAGE}`);
    }
  }
  const engine = ctx.engine;
  const now = engine.now();
  const kept = (job: SimJob) => job.endTime === undefined || now - job.endTime <= CLEAN_PERIOD_MS;
  const all = engine.jobs().filter(kept);
  let selected: SimJob[] = [];
  let stderr = "";
  let missing = false;
  if (operands.length > 0) {
    // Explicit ids list finished jobs too (bjobs sets ALL_JOB for job ids).
    const byId = jobsById(all);
    const seen = new Set<SimJob>();
    for (const operand of operands) {
      const found = jobsOfOperand(byId, operand) ?? [];
      if (found.length === 0) {
        stderr += `Job <${operand}> is not found\n`;
        missing = true;
      }
      addUnseen(selected, seen, found);
    }
  } else {
    const user = values.get("u") ?? ctx.user;
    const states = ["a", "d", "p", "r", "s"].filter((letter) => flags.has(letter));
    selected = all.filter((job) => {
      if (user !== "all" && job.request.user !== user) return false;
      if (values.has("q") && job.queue !== values.get("q")) return false;
      if (values.has("J") && !nameMatches(job, values.get("J")!)) return false;
      const status = lsfStatus(job);
      if (flags.has("a")) return true;
      if (states.length === 0) return status !== "DONE" && status !== "EXIT";
      return (flags.has("d") && (status === "DONE" || status === "EXIT")) ||
        (flags.has("p") && (status === "PEND" || status === "PSUSP")) ||
        (flags.has("r") && status === "RUN") ||
        (flags.has("s") && status === "PSUSP");
    });
    if (selected.length === 0) {
      const message = values.has("J")
        ? `Job <${values.get("J")}> is not found`
        : flags.has("a")
        ? "No job found"
        : flags.has("d")
        ? "No DONE/EXIT job found"
        : flags.has("p")
        ? "No pending job found"
        : flags.has("r")
        ? "No running job found"
        : flags.has("s")
        ? "No suspended job found"
        : "No unfinished job found";
      return fail(255, message + "\n");
    }
  }
  selected = selected
    .map((job, position) => ({ job, position }))
    .sort((a, b) => rank(a.job) - rank(b.job) || a.position - b.position)
    .map(({ job }) => job);
  let result: CommandResult;
  if (selected.length === 0) {
    result = { code: 0, stdout: "", stderr: "" };
  } else if (flags.has("json")) {
    result = jsonOutput(selected, values.get("o") ?? DEFAULT_FIELDS, now);
  } else if (values.has("o")) {
    result = customTable(selected, values.get("o")!, !flags.has("noheader"), now);
  } else {
    const table = defaultTable(selected, flags.has("w"));
    result = {
      code: 0,
      stdout: flags.has("noheader") ? table.slice(HEADER.length) : table,
      stderr: "",
    };
  }
  if (result.code !== 0) return result;
  return { code: missing ? 255 : 0, stdout: result.stdout, stderr: stderr + result.stderr };
}
