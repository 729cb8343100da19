/**
 * `sacct`: what slurmdbd knows, a job line and its `.batch` step, in the default, `-o`, `-b`,
 * `-c`, `-P`/`-p` (parsable) layouts (`_sacct_fields.ts`), selected by `-j` or by a time window
 * (`-S`, today by default). Accounting sees each job as it was the accounting lag ago.
 *
 * @module
 */

import { answerFailures, CommandFailure, ok } from "../_common/command_result.ts";
import type { SimJob, SimJobState } from "../types.ts";
import type { SimCommand, SimCommandContext, SimEngineApi } from "../emulator.ts";
import { ALL_STATE_WORDS, jobsNamedAll, VERSION } from "./_jobs.ts";
import { type JobIdArg, optionTable, parseCommandLine, parseJobIdList } from "./_parse.ts";
import { type AcctRow, SACCT_FIELDS, type SacctField } from "./_sacct_fields.ts";

/** The options sacct accepts (`src/sacct/options.c`), read once by `optionTable` (`_parse.ts`). */
const SACCT_OPTIONS = optionTable(`
  jobs|j: parsable2|P parsable|p noheader|n allocations|X format|o: starttime|S:
  endtime|E: user|u: allusers|a state|s: completion|c brief|b name: partition|r:
  duplicates|D version|V
`);

/**
 * The fields without `-o`: `DEFAULT_FIELDS` and `BRIEF_FIELDS` (`-b`) of `src/sacct/sacct.h`;
 * for `-c` those recording 025 asks for (22.05's own `DEFAULT_COMP_FIELDS` differ).
 */
const DEFAULT_FORMAT = "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode";
const BRIEF_FORMAT = "JobID,State,ExitCode";
const COMPLETION_FORMAT = "JobID,JobName,State,ExitCode,Start,End";

/** What sacct's options ask for; `undefined`: not given. */
export interface SacctOptions {
  /** The fields of `-o` (or of `-b`, `-c`, the default). */
  columns: SacctField[];
  /** `-j`. */
  jobs: JobIdArg[] | undefined;
  /** Without `-j`: the start of the time window (`-S`; midnight today by default), ms. */
  since: number | undefined;
  /** `-u`. */
  users: string[] | undefined;
  /** `-a`. */
  allUsers: boolean;
  /** `-s`: long state names (an unknown word as given, upper case). */
  states: string[] | undefined;
  /** `--name`. */
  names: string[] | undefined;
  /** `-X`: no `.batch` steps. */
  allocations: boolean;
  /** `-c`: finished jobs only, without steps. */
  completion: boolean;
  /** `-P` (`"|"` between fields) or `-p` (and after the last). */
  parsable: "-P" | "-p" | undefined;
  /** `-n`. */
  noHeader: boolean;
}

/**
 * Parses sacct's arguments at time `now` (for `-S now-1hours`); `"version"` for `-V`. Throws
 * {@linkcode CommandFailure} for a bad option, field, job id or time, with sacct's message
 * (`src/sacct/options.c`; recordings 142, 143).
 */
export function parseSacctArgs(args: readonly string[], now: number): SacctOptions | "version" {
  const line = parseCommandLine("sacct", args, SACCT_OPTIONS);
  if (line.has("version")) return "version";
  const list = (key: string) => line.value(key)?.split(",");
  const jobsText = line.value("jobs");
  const format = line.value("format") ??
    (line.has("brief")
      ? BRIEF_FORMAT
      : line.has("completion")
      ? COMPLETION_FORMAT
      : DEFAULT_FORMAT);
  return {
    columns: columns(format),
    jobs: jobsText === undefined ? undefined : jobIds(jobsText),
    since: jobsText === undefined ? since(line.value("starttime"), now) : undefined,
    users: list("user"),
    allUsers: line.has("allusers"),
    states: list("state")?.map((s) => ALL_STATE_WORDS.get(s.toUpperCase()) ?? s.toUpperCase()),
    names: list("name"),
    allocations: line.has("allocations"),
    completion: line.has("completion"),
    parsable: line.has("parsable") ? "-p" : line.has("parsable2") ? "-P" : undefined,
    noHeader: line.has("noheader"),
  };
}

/** The fields of a format: `Name[%width]` items. */
function columns(format: string): SacctField[] {
  return format.split(",").filter((f) => f !== "").map((name) => {
    const [base = "", width] = name.split("%");
    const key = base.toLowerCase();
    const field = SACCT_FIELDS[key];
    if (field === undefined) {
      throw new CommandFailure(1, `sacct: error: Invalid field requested: "${base}"\n`);
    }
    return { ...field, width: width === undefined ? field.width : Number(width) };
  });
}

/** `-j`'s comma-separated ids. */
function jobIds(text: string): JobIdArg[] {
  return parseJobIdList([text], (part) => `sacct: fatal: Bad job/step specified: ${part}\n`);
}

/**
 * `-S`: `now-10minutes`, `now-1hours`, ISO dates (`src/common/parse_time.c`); midnight today by
 * default.
 */
function since(text: string | undefined, now: number): number {
  if (text === undefined) return Math.floor(now / 86_400_000) * 86_400_000;
  const rel = /^now(?:-(\d+)(seconds|minutes|hours|days|weeks)?)?$/i.exec(text);
  if (rel !== null) {
    const amount = Number(rel[1] ?? 0);
    const unit = (rel[2] ?? "seconds").toLowerCase();
    const seconds = { seconds: 1, minutes: 60, hours: 3600, days: 86400, weeks: 604800 }[unit] ?? 1;
    return now - amount * seconds * 1000;
  }
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(parsed)) {
    throw new CommandFailure(1, `sacct: error: Invalid time specification (pos=0): ${text}\n`);
  }
  return parsed;
}

/**
 * `sacct [-j IDS | -S TIME] [-o FIELDS | -b | -c] [-X] [-P | -p] [-n] [-s STATES] [--name NAMES]`.
 */
export const sacct: SimCommand = (ctx) =>
  answerFailures(() => {
    const now = ctx.engine.now();
    const options = parseSacctArgs(ctx.args, now);
    if (options === "version") return ok(`${VERSION}\n`);
    const jobs = options.jobs === undefined
      ? jobsInWindow(ctx, options, options.since!)
      : jobsNamedAll(ctx.engine, options.jobs);
    let rows = accountingRows(ctx.engine, jobs, options);
    if (options.names !== undefined) {
      const names = options.names;
      rows = rows.filter((r) => names.includes(r.job.request.name));
    }
    return ok(
      options.parsable === undefined ? table(options, rows, now) : parsableText(options, rows, now),
    );
  });

/**
 * The jobs a time window selects: those not ended before it, of the user (all users with `-a`
 * or as root, those of `-u`), by eligibility, which jobs held since submission lack.
 */
function jobsInWindow(ctx: SimCommandContext, options: SacctOptions, since: number): SimJob[] {
  const now = ctx.engine.now();
  const everyone = options.allUsers || ctx.user === "root";
  return ctx.engine.jobsSince(since).filter((job) =>
    (job.endTime ?? now) >= since &&
    !(job.request.hold === true && job.startTime === undefined &&
      (job.held !== undefined || job.state !== "PENDING")) &&
    (options.users !== undefined
      ? options.users.includes(job.request.user)
      : everyone || job.request.user === ctx.user)
  );
}

/** The rows of the jobs as accounting knows them the lag ago: each job, then its `.batch` step. */
function accountingRows(
  engine: SimEngineApi,
  jobs: readonly SimJob[],
  options: SacctOptions,
): AcctRow[] {
  const horizon = engine.now() - accountingLag(engine);
  const rows: AcctRow[] = [];
  for (const job of [...jobs].sort(acctOrder)) {
    if (job.submitTime > horizon) continue;
    let state: SimJobState = job.state;
    let end = job.endTime;
    if (end !== undefined && end > horizon) {
      end = undefined;
      state = job.startTime !== undefined && job.startTime <= horizon ? "RUNNING" : "PENDING";
    }
    if (options.completion && end === undefined) continue;
    if (options.states !== undefined && !options.states.includes(state)) continue;
    rows.push({ job, step: false, state, end });
    const ran = job.startTime !== undefined && job.startTime <= horizon;
    if (ran && !options.allocations && !options.completion) {
      rows.push({ job, step: true, state, end });
    }
  }
  return rows;
}

/** `-P`/`-p`: fields between `|`, `-p` with one after the last too. */
function parsableText(options: SacctOptions, rows: readonly AcctRow[], now: number): string {
  const trailer = options.parsable === "-p" ? "|" : "";
  let text = "";
  if (!options.noHeader) text += options.columns.map((c) => c.header).join("|") + trailer + "\n";
  for (const row of rows) {
    text += options.columns.map((c) => c.value(row, now)).join("|") + trailer + "\n";
  }
  return text;
}

/**
 * The table: each field padded to its width, one space after it, a value too long cut with a
 * `+` (`src/common/print_fields.c`).
 */
function table(options: SacctOptions, rows: readonly AcctRow[], now: number): string {
  const cell = (text: string, c: SacctField) => {
    const cut = text.length > c.width ? text.slice(0, c.width - 1) + "+" : text;
    return c.right ? cut.padStart(c.width) : cut.padEnd(c.width);
  };
  let text = "";
  if (!options.noHeader) {
    text += options.columns.map((c) => cell(c.header, c)).join(" ") + " \n";
    text += options.columns.map((c) => "-".repeat(c.width)).join(" ") + " \n";
  }
  for (const row of rows) {
    text += options.columns.map((c) => cell(c.value(row, now), c)).join(" ") + " \n";
  }
  return text;
}

function acctOrder(a: SimJob, b: SimJob): number {
  const ka = a.arrayJobId ?? a.id;
  const kb = b.arrayJobId ?? b.id;
  return ka - kb || (a.arrayTaskId ?? 0) - (b.arrayTaskId ?? 0);
}

/** The engine's accounting lag (set by the fault injector), 0 when it has none. */
function accountingLag(engine: SimEngineApi): number {
  return engine.accountingLagMs ?? 0;
}
