/**
 * `qstat` for Torque and PBS Professional: the default table, `-f` full listings, Torque's
 * `-x` XML, PBS Pro's `-x`/`-H` history, `-t` subjobs, `-J` arrays only, `-u` users, job lists
 * and the unknown/finished-job errors. {@linkcode parseQstat} reads the arguments; the listings
 * themselves are in `_full_listing.ts`.
 *
 * Sources: Torque 6.1 `src/cmds/qstat.c` (`display_statjob`, `Unknown Job Id Error`); OpenPBS
 * `src/cmds/qstat.c` (`display_statjob`, `qstat: <id> Job has finished, use -x or -H to obtain
 * historical job information`); PBS Professional Reference Guide "qstat" (`-x`, `-H`, `-J`,
 * `-t`); `pbs_error.h` for the exit statuses.
 *
 * @module
 */

import { answerFailures, CommandFailure } from "../_common/command_result.ts";
import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext, SimEngineApi } from "../emulator.ts";
import { exitFor, type PbsDialect, PBSE } from "./dialect.ts";
import { getopt } from "./_options.ts";
import {
  allEntries,
  deleteBrokenDependents,
  entriesFor,
  entryId,
  entryName,
  entryOf,
  isFinished,
  isKept,
  parseJobRef,
  type PbsEntry,
  qualifiedId,
  serverOf,
} from "./_jobs.ts";
import { stateOf } from "./_states.ts";
import { fullBlock, xmlDocument } from "./_full_listing.ts";
import { altHeader, altRow } from "./_alt_table.ts";
import { type Listing, listingOf } from "./_attributes.ts";

import { padEnd, padStart } from "../_common/words.ts";

const SPEC = { pbs: "afxtu:", pbspro: "afxHtJu:" } as const;
const USAGE = {
  pbs: "usage: qstat [-f] [-t] [-x] [-u user_list] [job_identifier... | destination...]\n",
  pbspro:
    "usage: qstat [-f] [-t] [-x] [-H] [-J] [-u user_list] [job_identifier... | destination...]\n" +
    "       qstat --version\n",
} as const;

/** What `qstat` was asked. */
export interface QstatOptions {
  /** How rows are printed: the table, `-a` (PBS Pro's `-H` too), `-f`, or Torque's `-x` XML. */
  format: "table" | "alt" | "full" | "xml";
  /** PBS Pro's `-x` or `-H`: finished jobs too. */
  history: boolean;
  /** PBS Pro's `-H`: finished jobs only. */
  finishedOnly: boolean;
  /** PBS Pro's `-J`: arrays only. */
  arraysOnly: boolean;
  /** `-t`: subjobs too (Torque: instead of the array's summary). */
  expand: boolean;
  /** `-u`: owners to list (the `@host` dropped); `undefined` = everyone. */
  users?: string[];
  /** Job identifiers. */
  operands: string[];
}

/** Parses qstat's arguments; throws {@linkcode CommandFailure} (exit 2, the usage) on bad ones. */
export function parseQstat(args: readonly string[], dialect: PbsDialect): QstatOptions {
  const parsed = getopt(args, SPEC[dialect.kind]);
  if ("error" in parsed) {
    throw new CommandFailure(2, `qstat: ${parsed.error}\n${USAGE[dialect.kind]}`);
  }
  const flags = new Map(parsed.options);
  const pro = dialect.kind === "pbspro";
  const options: QstatOptions = {
    format: flags.has("f")
      ? "full"
      : !pro && flags.has("x")
      ? "xml"
      : flags.has("a") || (pro && flags.has("H"))
      ? "alt"
      : "table",
    history: pro && (flags.has("x") || flags.has("H")),
    finishedOnly: pro && flags.has("H"),
    arraysOnly: pro && flags.has("J"),
    expand: flags.has("t"),
    operands: parsed.operands,
  };
  const users = flags.get("u")?.split(",").map((user) => user.replace(/@.*$/, ""));
  if (users !== undefined) options.users = users;
  return options;
}

/** One line of the default table. */
function tableRow(entry: PbsEntry, dialect: PbsDialect, engine: SimEngineApi): string {
  const first = entry.jobs[0]!;
  const layout = dialect.table;
  const id = layout.shorten("id", entryId(entry, serverOf(first, engine)));
  const name = layout.shorten("name", entryName(entry, dialect.kind));
  const user = layout.shorten("user", first.request.user);
  const queue = layout.shorten("queue", first.queue);
  // Time Use is the cput the mom reported: `0` until then (a running job, raw/torque/018,
  // raw/openpbs/022), `00:00:00` once the job has ended after running; always `0` for an array.
  const job = entry.jobs[0]!;
  const reported = entry.kind !== "array" && job.startTime !== undefined &&
    (job.endTime !== undefined || engine.now() - job.startTime >= dialect.usageReportMs);
  const timeUse = reported ? "00:00:00" : "0";
  return `${padEnd(id, layout.idWidth)} ${padEnd(name, layout.nameWidth)} ` +
    `${padEnd(user, layout.userWidth)}${layout.beforeTime}${padStart(timeUse, 8)} ` +
    `${stateOf(entry, dialect)} ${padEnd(queue, layout.queueWidth)}\n`;
}

/** Where one qstat invocation collects its output. */
interface Output {
  /** Pieces of stdout, joined once at the end. */
  parts: string[];
  /** Dates formatted so far, by epoch second (see `fullBlock`). */
  dates: Map<number, string>;
  /** Whether the table still needs its header. */
  header: boolean;
  /** What the full listings compute once (`_attributes.ts`), on first use. */
  listing?: Listing;
}

/**
 * Appends the rows to the output. Output is assembled as parts joined once, not by `+=`: a
 * listing of 10,000 jobs would otherwise be a rope of a million pieces, slow to split and, kept
 * in the command log, ten times its flat size in memory.
 */
function render(
  entries: readonly PbsEntry[],
  options: QstatOptions,
  dialect: PbsDialect,
  engine: SimEngineApi,
  output: Output,
): void {
  if (entries.length === 0) return;
  const { parts } = output;
  if (options.format !== "table") output.listing ??= listingOf(engine, dialect);
  if (options.format === "alt") {
    if (output.header) parts.push(altHeader(dialect, serverOf(entries[0]!.jobs[0]!, engine)));
    output.header = false;
    for (const entry of entries) parts.push(altRow(entry, dialect, engine, output.listing!));
    return;
  }
  if (options.format === "xml") parts.push(xmlDocument(entries, dialect, engine, output.listing!));
  else if (options.format === "full") {
    for (const entry of entries) {
      fullBlock(entry, dialect, engine, parts, output.dates, output.listing!);
    }
  } else {
    if (output.header) parts.push(`${dialect.table.header[0]}\n${dialect.table.header[1]}\n`);
    output.header = false;
    for (const entry of entries) parts.push(tableRow(entry, dialect, engine));
  }
}

/** Which rows of the server's the options let qstat show. */
function visibility(options: QstatOptions, dialect: PbsDialect, now: number) {
  // Torque's -t lists the subjobs instead of the array's summary line; PBS Pro lists both.
  const listed = (entries: PbsEntry[]) =>
    options.expand && dialect.kind === "pbs"
      ? entries.filter((entry) => entry.kind !== "array")
      : entries;
  const mayShow = (entry: PbsEntry): boolean => {
    if (!isKept(entry, dialect, now)) return false;
    // A finished subjob shows (X) without -x while its array runs (raw/openpbs/084, 087).
    const finished = isFinished(entry.parent ?? entry);
    if (options.finishedOnly && !finished) return false;
    if (options.arraysOnly && entry.kind === "job") return false;
    return !finished || !dialect.historyNeedsX || options.history;
  };
  return { listed, mayShow };
}

/** `qstat` with job identifiers: each operand's rows in turn, or its complaint. */
function listOperands(
  options: QstatOptions,
  dialect: PbsDialect,
  engine: SimEngineApi,
): CommandOutput {
  const now = engine.now();
  const { listed, mayShow } = visibility(options, dialect, now);
  const output: Output = { parts: [], dates: new Map(), header: true };
  const errors: string[] = [];
  let code = 0;
  const server = engine.loginHost;
  for (const operand of options.operands) {
    const ref = parseJobRef(operand);
    if (!ref) {
      // Not a job id: a destination, `queue`, `queue@server` or `@server` (both products'
      // qstat.c: `isjobid()` fails, the operand is a destination); an unknown queue is refused
      // with PBSE_UNKQUE (raw/torque/031 exit 172, raw/openpbs/037 exit 170).
      const queue = operand.replace(/@.*$/, "");
      if (queue !== "" && !engine.queues.some((known) => known.name === queue)) {
        errors.push(`qstat: Unknown queue destination ${operand}\n`);
        code = exitFor(dialect.errors.unknownQueue);
        continue;
      }
      const inQueue = listed(allEntries(engine, options.expand)).filter((entry) =>
        mayShow(entry) && (queue === "" || entry.jobs[0]!.queue === queue)
      );
      render(inQueue, options, dialect, engine, output);
      continue;
    }
    // Torque 6.1 answers an array id without -t with every job it has (raw/torque/022, 024).
    const everything = ref.index === "all" && !options.expand && dialect.arrayIdListsAll &&
      entryOf(engine, ref.seq)?.kind === "array";
    const entries = listed(
      everything ? allEntries(engine, false) : entriesFor(engine, ref, options.expand),
    ).filter((entry) => isKept(entry, dialect, now));
    const id = qualifiedId(operand, server);
    if (entries.length === 0) {
      errors.push(`qstat: ${dialect.unknownJobText} ${id}\n`);
      code = exitFor(PBSE.UNKJOBID);
      continue;
    }
    const shown = entries.filter(mayShow);
    if (shown.length === 0) {
      errors.push(
        `qstat: ${id} Job has finished, use -x or -H to obtain historical job information\n`,
      );
      code = exitFor(PBSE.HISTJOBID);
      continue;
    }
    render(shown, options, dialect, engine, output);
  }
  return { code, stdout: output.parts.join(""), stderr: errors.join("") };
}

/** Runs `qstat`. */
export function qstat(ctx: SimCommandContext, dialect: PbsDialect): CommandOutput {
  return answerFailures(() => {
    const options = parseQstat(ctx.args, dialect);
    const engine = ctx.engine;
    deleteBrokenDependents(engine, dialect);
    if (options.operands.length > 0) return listOperands(options, dialect, engine);
    const { listed, mayShow } = visibility(options, dialect, engine.now());
    const users = options.users;
    const kept = allEntries(engine, options.expand, engine.now() - dialect.keepFinishedMs);
    const entries = listed(kept).filter((entry) =>
      mayShow(entry) && (users === undefined || users.includes(entry.jobs[0]!.request.user))
    );
    const output: Output = { parts: [], dates: new Map(), header: true };
    render(entries, options, dialect, engine, output);
    return { code: 0, stdout: output.parts.join(""), stderr: "" };
  });
}
