/**
 * `bjobs` of IBM Spectrum LSF and OpenLava (`dialect.ts`): the default table, `-w`, `-l` (long
 * records, `_long_jobs.ts`), `-A` (array summaries), `-p` (pending jobs, each with its pending
 * reason), `-o` custom fields and `-json` (`_fields.ts`; LSF 10 only: OpenLava refuses them
 * with its usage), `-noheader`, `-a`/`-d`/`-r`/`-s`, `-u`, `-q`, `-J`, job id lists; finished
 * jobs stay visible for CLEAN_PERIOD (3600 s by default). {@linkcode parseBjobs} reads the
 * arguments.
 *
 * Sources: OpenLava `lsbatch/cmd/bjobs.c` (the LSF header line and row format
 * `"%-7d %-7.7s %-5.5s %-10.10s %-11.11s %-11.11s %-10.10s %s"`, job names over 10 characters
 * shown as `*` + their last 9, further execution hosts on lines indented by 45 spaces,
 * `N*host` groups, job ids imply ALL_JOB, `-A`'s `%-7d  %-8.8s %8.8s   %5d %4d %4d %4d %4d %5d
 * %5d %5d` rows, `-p`'s reason line after each row) and `lsbatch/cmd/cmd.err.c` (`Job <N> is not
 * found`, `No unfinished job found`, exit 255), as recorded on OpenLava 4.0
 * (raw/openlava/023–046); IBM Spectrum LSF 10.1 Command Reference "bjobs" (options, the usage
 * text).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimJob } from "../types.ts";
import type { SimCommandContext } from "../emulator.ts";
import {
  CLEAN_PERIOD_MS,
  elementName,
  hostGroups,
  isKept,
  isSelected,
  type JobSelection,
  jobsOfOperands,
  lsfStatus,
  truncateLeft,
} from "./_jobs.ts";
import { customTable, DEFAULT_FIELDS, jsonOutput, outputFormat } from "./_fields.ts";
import { answerFailures, CommandFailure, fail } from "../_common/command_result.ts";
import { fixed, padEnd, padStart } from "../_common/words.ts";
import { LSF10, type LsfDialect } from "./dialect.ts";
import { bjobsLong, pendingReasonOf } from "./_long_jobs.ts";
import { lsfJobData } from "./_job_data.ts";

/** Options that take a value (`-P`, `-m`, `-G`, `-g`, `-app`, `-sla` are accepted and ignored). */
const VALUED: ReadonlySet<string> = new Set(["o", "u", "q", "J", "P", "m", "G", "g", "app", "sla"]);
/** Flags (`-x`, `-X`, `-W` are accepted and ignored); single letters may be bundled. */
const FLAGS: ReadonlySet<string> = new Set([
  "a",
  "d",
  "l",
  "p",
  "r",
  "s",
  "w",
  "W",
  "noheader",
  "json",
  "A",
  "x",
  "X",
]);
/** What only LSF 9.1.1 and later have. */
const CUSTOM_FORMATS: ReadonlySet<string> = new Set(["o", "json"]);

/** The state selections, in the order bjobs names what it did not find. */
const STATE_FLAGS = ["a", "d", "p", "r", "s"] as const;

/** A state selection: `-a` all, `-d` done or exited, `-p` pending, `-r` running, `-s` suspended. */
export type BjobsStateFlag = typeof STATE_FLAGS[number];

/** What `bjobs` was asked (`-u`, `-q`, `-J`: see {@linkcode JobSelection}). */
export interface BjobsOptions extends Omit<JobSelection, "project"> {
  /** The state selections given. */
  states: Set<BjobsStateFlag>;
  /** `-w`: the default table without truncation. */
  wide: boolean;
  /** `-l`: long records. */
  long: boolean;
  /** `-A`: one summary line per array. */
  arrays: boolean;
  /** `-noheader`. */
  noheader: boolean;
  /** `-json`. */
  json: boolean;
  /** `-o` as given. */
  format?: string;
  /** Job ids. */
  operands: string[];
}

/**
 * Parses bjobs's arguments; throws {@linkcode CommandFailure} (exit 255, the usage) on bad ones,
 * `-o` and `-json` included where the dialect has no custom formats.
 */
export function parseBjobs(args: readonly string[], dialect: LsfDialect = LSF10): BjobsOptions {
  const usage = dialect.bjobsUsage;
  const bad = (name: string) => new CommandFailure(255, dialect.bjobsBadOption(name) + usage);
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("-")) {
      operands.push(arg);
      continue;
    }
    const name = arg.slice(1);
    if (CUSTOM_FORMATS.has(name) && !dialect.customFormats) throw bad(name[0] as string);
    if (VALUED.has(name)) {
      const value = args[++i];
      if (value === undefined) {
        throw new CommandFailure(255, `bjobs: option requires an argument -- ${name}\n${usage}`);
      }
      values.set(name, value);
    } else if (FLAGS.has(name)) {
      flags.add(name);
    } else if (name.length > 1 && [...name].every((letter) => FLAGS.has(letter))) {
      for (const letter of name) flags.add(letter);
    } else {
      throw bad(name);
    }
  }
  const options: BjobsOptions = {
    states: new Set(STATE_FLAGS.filter((letter) => flags.has(letter))),
    wide: flags.has("w"),
    long: flags.has("l"),
    arrays: flags.has("A"),
    noheader: flags.has("noheader"),
    json: flags.has("json"),
    operands,
  };
  const format = values.get("o");
  if (format !== undefined) options.format = format;
  const user = values.get("u");
  if (user !== undefined) options.user = user;
  const queue = values.get("q");
  if (queue !== undefined) options.queue = queue;
  const name = values.get("J");
  if (name !== undefined) options.name = name;
  return options;
}

const HEADER = "JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME\n";

/** How the table shows a job: its row and, with `-p`, its pending reason. */
interface TableOptions {
  wide: boolean;
  reasons: boolean;
  dialect: LsfDialect;
  hosts: number;
}

/** The default (and `-w`) table. */
function defaultTable(jobs: readonly SimJob[], table: TableOptions): string {
  const { wide, dialect } = table;
  let out = HEADER;
  for (const job of jobs) {
    const groups = job.startTime === undefined ? [] : hostGroups(job);
    const id = padEnd(String(job.arrayJobId ?? job.id), 7);
    const submit = dialect.tableTime(job.submitTime, wide);
    const from = job.request.submitHost ?? "-";
    const status = fixed(lsfStatus(job), 5);
    const host = groups.length > 0 ? groups : [dialect.noExecHost(wide, job.state === "PENDING")];
    if (wide) {
      out += `${id} ${padEnd(job.request.user, 7)} ${status} ${padEnd(job.queue, 10)} ` +
        `${padEnd(from, 11)} ${padEnd(host.join(":"), 11)} ` +
        `${padEnd(elementName(job), 10)} ${submit}\n`;
    } else {
      out += `${id} ${fixed(job.request.user, 7)} ${status} ${fixed(job.queue, 10)} ` +
        `${fixed(from, 11)} ${fixed(host[0] ?? "", 11)} ` +
        `${fixed(truncateLeft(elementName(job), 10), 10)} ${submit}\n`;
      for (const group of groups.slice(1)) out += " ".repeat(45) + group + "\n";
    }
    const reason = table.reasons ? pendingReasonOf(job, dialect, table.hosts) : undefined;
    if (reason !== undefined) out += ` ${reason}\n`;
  }
  return out;
}

const ARRAY_HEADER = "JOBID    ARRAY_SPEC  OWNER   NJOBS PEND DONE  RUN EXIT SSUSP USUSP PSUSP\n";

/** `-A`: per array, its elements counted by status (bjobs.c `JGRP_NODE_ARRAY` rows). */
function arraySummary(jobs: readonly SimJob[], noheader: boolean): string {
  const arrays = new Map<number, SimJob[]>();
  for (const job of jobs) {
    const id = job.arrayJobId ?? job.id;
    arrays.set(id, [...arrays.get(id) ?? [], job]);
  }
  let out = noheader ? "" : ARRAY_HEADER;
  for (const [id, elements] of arrays) {
    const first = elements[0] as SimJob;
    const data = lsfJobData(first);
    const spec = `${data?.baseName ?? first.request.name}${data?.arraySpec ?? ""}`;
    const count = (status: string) => elements.filter((job) => lsfStatus(job) === status).length;
    const counts = [
      padStart(String(elements.length), 5),
      ...["PEND", "DONE", "RUN", "EXIT"].map((status) => padStart(String(count(status)), 4)),
      ...["SSUSP", "USUSP", "PSUSP"].map((status) => padStart(String(count(status)), 5)),
    ];
    out +=
      `${padEnd(String(id), 7)}  ${fixed(spec, 8)} ${padStart(first.request.user.slice(0, 8), 8)}` +
      `   ${counts.join(" ")}\n`;
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

/** The listing's order: by rank, finished jobs by end time where the dialect says so. */
function listingOrder(jobs: readonly SimJob[], dialect: LsfDialect): SimJob[] {
  const ended = (job: SimJob) => dialect.finishedByEndTime ? job.endTime ?? 0 : 0;
  return jobs
    .map((job, position) => ({ job, position }))
    .sort((a, b) =>
      rank(a.job) - rank(b.job) || ended(a.job) - ended(b.job) || a.position - b.position
    )
    .map(({ job }) => job);
}

/** Whether a job's status passes the state selections (none: unfinished jobs). */
function stateSelected(job: SimJob, states: ReadonlySet<BjobsStateFlag>): boolean {
  const status = lsfStatus(job);
  const finished = status === "DONE" || status === "EXIT";
  if (states.has("a")) return true;
  if (states.size === 0) return !finished;
  return (states.has("d") && finished) ||
    (states.has("p") && (status === "PEND" || status === "PSUSP")) ||
    (states.has("r") && status === "RUN") ||
    (states.has("s") && status === "PSUSP");
}

/** What bjobs says when the selections match nothing, by the first selection given. */
const NOTHING_FOUND: Record<BjobsStateFlag | "none", string> = {
  a: "No job found",
  d: "No DONE/EXIT job found",
  p: "No pending job found",
  r: "No running job found",
  s: "No suspended job found",
  none: "No unfinished job found",
};

/** The jobs the selections name (without ids); throws bjobs's complaint when there are none. */
function jobsOfSelections(
  jobs: readonly SimJob[],
  options: BjobsOptions,
  caller: string,
): SimJob[] {
  const selected = jobs.filter((job) =>
    isSelected(job, options, caller) && stateSelected(job, options.states)
  );
  if (selected.length > 0) return selected;
  const message = options.name !== undefined
    ? `Job <${options.name}> is not found`
    : NOTHING_FOUND[STATE_FLAGS.find((letter) => options.states.has(letter)) ?? "none"];
  throw new CommandFailure(255, message + "\n");
}

/** The listing of `jobs` in the requested output. */
function listing(
  jobs: readonly SimJob[],
  options: BjobsOptions,
  now: number,
  table: TableOptions,
): CommandOutput {
  if (jobs.length === 0) return { code: 0, stdout: "", stderr: "" };
  if (options.long) {
    return { code: 0, stdout: bjobsLong(jobs, table.dialect, table.hosts), stderr: "" };
  }
  if (options.arrays) return { code: 0, stdout: arraySummary(jobs, options.noheader), stderr: "" };
  if (options.json || options.format !== undefined) {
    const format = outputFormat(options.format ?? DEFAULT_FIELDS);
    if ("error" in format) return fail(255, format.error);
    const stdout = options.json
      ? jsonOutput(jobs, format, now)
      : customTable(jobs, format, !options.noheader, now);
    return { code: 0, stdout, stderr: "" };
  }
  const text = defaultTable(jobs, table);
  return { code: 0, stdout: options.noheader ? text.slice(HEADER.length) : text, stderr: "" };
}

/** Runs `bjobs` (LSF 10 unless another dialect is given). */
export function bjobs(ctx: SimCommandContext, dialect: LsfDialect = LSF10): CommandOutput {
  return answerFailures(() => {
    const options = parseBjobs(ctx.args, dialect);
    const now = ctx.engine.now();
    const engine = ctx.engine;
    const kept = (jobs: readonly SimJob[]) => jobs.filter((job) => isKept(job, now));
    // Explicit ids list finished jobs too (bjobs sets ALL_JOB for job ids).
    const { selected, missing } = options.operands.length > 0
      ? jobsOfOperands((id) => kept(engine.find(id)), options.operands)
      : {
        selected: jobsOfSelections(
          kept(engine.jobsSince(now - CLEAN_PERIOD_MS)),
          options,
          ctx.user,
        ),
        missing: [],
      };
    const stderr = missing.map((operand) => `Job <${operand}> is not found\n`).join("");
    const ordered = listingOrder(selected, dialect);
    const result = listing(ordered, options, now, {
      wide: options.wide,
      reasons: options.states.has("p"),
      dialect,
      hosts: engine.nodes.length,
    });
    if (result.code !== 0) return result;
    return { code: stderr === "" ? 0 : 255, stdout: result.stdout, stderr: stderr + result.stderr };
  });
}
