/**
 * `qstat` for Torque and PBS Professional: the default table, `-f` full listings, Torque's
 * `-x` XML, PBS Pro's `-x`/`-H` history, `-t` subjobs, job lists and the unknown/finished-job
 * errors.
 *
 * Sources: Torque 6.1 `src/cmds/qstat.c` (`display_statjob`, `display_full_job`, `prt_attr`
 * wrapping at 77 columns, `create_full_job_xml`), Torque Administrator Guide "Job exit status"
 * (attribute order of `qstat -f`); OpenPBS `src/cmds/qstat.c` (`display_statjob`, `prt_attr`
 * wrapping at 78 columns, `qstat: <id> Job has finished, use -x or -H to obtain historical job
 * information`), PBS Professional Reference Guide "Job Attributes" (`Exit_status`, `substate`,
 * `array_state_count`, `comment = Job run at ... and finished`).
 *
 * @module
 */

import type { SimCommandContext, SimEngineApi, SimJob } from "../types.ts";
import { exitFor, type PbsDialect, PBSE } from "./dialect.ts";
import { getopt } from "./_options.ts";
import {
  allEntries,
  arrayExitStatus,
  entriesFor,
  entryId,
  entryName,
  exitStatusOf,
  finishedAt,
  isFinished,
  isKept,
  NOTE,
  parseJobRef,
  type PbsEntry,
  serverOf,
  stateOf,
} from "./_jobs.ts";
import { ctime, ctimeShort } from "../_common/format.ts";
import { type CommandResult, hms, padEnd, padStart } from "../_common/words.ts";

/** One attribute of `qstat -f`: name, optional resource, value; times are epoch seconds. */
interface Attribute {
  name: string;
  resource?: string;
  value: string;
  time?: boolean;
}

const SPEC = { pbs: "fxtu:", pbspro: "fxHtJu:" } as const;
const USAGE = {
  pbs: "usage: qstat [-f] [-t] [-x] [-u user_list] [job_identifier... | destination...]\n",
  pbspro:
    "usage: qstat [-f] [-t] [-x] [-H] [-J] [-u user_list] [job_identifier... | destination...]\n" +
    "       qstat --version\n",
} as const;

/**
 * `prt_attr()`: `    name[.resource] = value`, the value broken at commas when a piece would
 * pass `limit` columns, continuation lines starting with a tab.
 */
export function printAttribute(
  name: string,
  resource: string | undefined,
  value: string,
  limit: number,
): string {
  let out = `    ${name}${resource === undefined ? "" : `.${resource}`} = `;
  let start = name.length + 7 + (resource === undefined ? 0 : resource.length + 1);
  // Most values are one short piece: the same text without splitting (qstat -f of 10,000 jobs).
  if (value.length + start < limit && !value.includes(",")) return `${out}${value}\n`;
  const pieces = value.split(",").filter((piece) => piece !== "");
  pieces.forEach((piece, index) => {
    if (piece.length + start < limit) {
      out += piece;
      start += piece.length;
    } else {
      if (index > 0) {
        out += "\n\t";
        start = 9;
      }
      for (const char of piece) {
        out += char;
        if (++start > limit) {
          start = 8;
          out += "\n\t";
        }
      }
    }
    if (index < pieces.length - 1) out += ",";
  });
  return out + "\n";
}

function seconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

function resourcesOf(job: SimJob): Array<[string, string]> {
  const text = job.request.annotations?.[NOTE.resources];
  if (text === undefined) return [["nodect", String(job.request.nodes ?? 1)]];
  return JSON.parse(text) as Array<[string, string]>;
}

/** exec_host: Torque `node1/0-3+node2/0-3`, PBS Pro `node1/0*4+node2/0*4`. */
function execHost(job: SimJob, dialect: PbsDialect): string {
  const cpus = (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
  return job.nodeList.map((node) => {
    if (dialect.kind === "pbspro") return cpus > 1 ? `${node}/0*${cpus}` : `${node}/0`;
    return cpus > 1 ? `${node}/0-${cpus - 1}` : `${node}/0`;
  }).join("+");
}

function execVnode(job: SimJob): string {
  const cpus = (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
  const mem = job.request.memoryMB === undefined ? "" : `:mem=${job.request.memoryMB * 1024}kb`;
  return job.nodeList.map((node) => `(${node}:ncpus=${cpus}${mem})`).join("+");
}

function holdTypes(entry: PbsEntry): string {
  const job = entry.jobs[0]!;
  if (job.endTime !== undefined) return "n";
  if (job.held !== undefined) return job.held === "admin" ? "o" : "u";
  if (job.reason === "dependency" || job.reason === "dependency-never-satisfied") return "s";
  return "n";
}

function arrayCounts(entry: PbsEntry): string {
  const queued = entry.jobs.filter((job) => job.state === "PENDING").length;
  const running = entry.jobs.filter((job) => job.state === "RUNNING").length;
  const expired = entry.jobs.filter((job) => job.endTime !== undefined).length;
  return `Queued:${queued} Running:${running} Exiting:0 Expired:${expired}`;
}

function remainingIndices(entry: PbsEntry): string {
  const waiting = entry.jobs.filter((job) => job.state === "PENDING").map((job) =>
    job.arrayTaskId ?? 0
  );
  if (waiting.length === 0) return "-";
  const ranges: string[] = [];
  let from = waiting[0]!;
  let to = from;
  for (const index of [...waiting.slice(1), Infinity]) {
    if (index === to + 1) {
      to = index;
      continue;
    }
    ranges.push(from === to ? String(from) : `${from}-${to}`);
    from = to = index;
  }
  return ranges.join(",");
}

/** The attributes `qstat -f` lists for a row, in the product's order. */
function attributesOf(entry: PbsEntry, dialect: PbsDialect, engine: SimEngineApi): Attribute[] {
  const first = entry.jobs[0]!;
  const request = first.request;
  const notes = request.annotations ?? {};
  const server = serverOf(first, engine);
  const submitHost = request.submitHost ?? engine.loginHost;
  const started = entry.jobs.filter((job) => job.startTime !== undefined);
  const start = started.length === 0
    ? undefined
    : Math.min(...started.map((job) => job.startTime!));
  const end = finishedAt(entry);
  const single = entry.kind === "array" ? undefined : first;
  const now = engine.now();
  const modified = Math.max(first.submitTime, start ?? 0, end ?? 0);
  const paths = request.outputPaths?.(first);
  const state = stateOf(entry, dialect);
  const pro = dialect.kind === "pbspro";
  const attributes: Attribute[] = [
    { name: "Job_Name", value: entryName(entry, dialect.kind) },
    { name: "Job_Owner", value: `${request.user}@${submitHost}` },
  ];
  if (single?.startTime !== undefined) {
    const wall = hms(((single.endTime ?? now) - single.startTime) / 1000);
    if (pro) attributes.push({ name: "resources_used", resource: "cpupercent", value: "0" });
    attributes.push({ name: "resources_used", resource: "cput", value: "00:00:00" });
    attributes.push({ name: "resources_used", resource: "mem", value: "0kb" });
    if (pro) {
      const ncpus = (request.tasksPerNode ?? 1) * (request.cpusPerTask ?? 1) *
        single.nodeList.length;
      attributes.push({ name: "resources_used", resource: "ncpus", value: String(ncpus) });
    }
    attributes.push({ name: "resources_used", resource: "vmem", value: "0kb" });
    attributes.push({ name: "resources_used", resource: "walltime", value: wall });
  }
  attributes.push(
    { name: "job_state", value: state },
    { name: "queue", value: first.queue },
    { name: "server", value: server },
    { name: "Checkpoint", value: "u" },
    { name: "ctime", value: seconds(first.submitTime), time: true },
  );
  if (paths) {
    attributes.push({ name: "Error_Path", value: `${submitHost}:${paths.stderr ?? paths.stdout}` });
  }
  if (single?.startTime !== undefined) {
    attributes.push({ name: "exec_host", value: execHost(single, dialect) });
    if (pro) attributes.push({ name: "exec_vnode", value: execVnode(single) });
  }
  attributes.push(
    { name: "Hold_Types", value: holdTypes(entry) },
    { name: "Join_Path", value: notes[NOTE.join] ?? "n" },
    { name: "Keep_Files", value: "n" },
    { name: "Mail_Points", value: "a" },
    { name: "mtime", value: seconds(modified), time: true },
  );
  if (paths) attributes.push({ name: "Output_Path", value: `${submitHost}:${paths.stdout}` });
  attributes.push(
    { name: "Priority", value: "0" },
    { name: "qtime", value: seconds(first.submitTime), time: true },
    { name: "Rerunable", value: "True" },
  );
  for (const [resource, value] of resourcesOf(first)) {
    attributes.push({ name: "Resource_List", resource, value });
  }
  const variables = notes[NOTE.variableList];
  if (pro) {
    if (single?.startTime !== undefined) {
      attributes.push({ name: "stime", value: seconds(single.startTime), time: true });
      attributes.push({ name: "session_id", value: String(10000 + single.id) });
    }
    attributes.push({ name: "jobdir", value: request.workdir });
    const substate = { Q: "10", H: "20", R: "42", B: "42", F: "92", X: "92" }[state] ?? "10";
    attributes.push({ name: "substate", value: substate });
    if (variables !== undefined) attributes.push({ name: "Variable_List", value: variables });
    if (single?.startTime !== undefined) {
      const finished = single.endTime === undefined ? "" : " and finished";
      attributes.push({
        name: "comment",
        value: `Job run at ${ctimeShort(single.startTime)} on ${execVnode(single)}${finished}`,
      });
    }
    attributes.push({ name: "etime", value: seconds(first.submitTime), time: true });
    if (single?.startTime !== undefined) attributes.push({ name: "run_count", value: "1" });
    if (entry.kind === "array") {
      attributes.push(
        { name: "array", value: "True" },
        { name: "array_state_count", value: arrayCounts(entry) },
        {
          name: "array_indices_submitted",
          value: (notes[NOTE.arraySpec] ?? "").replace(/%.*$/, ""),
        },
        { name: "array_indices_remaining", value: remainingIndices(entry) },
      );
    }
    const exit = entry.kind === "array"
      ? (isFinished(entry) ? arrayExitStatus(entry, dialect) : undefined)
      : exitStatusOf(first, dialect);
    if (exit !== undefined) {
      attributes.push({ name: dialect.exitStatusAttribute, value: String(exit) });
    }
    attributes.push({ name: "Submit_arguments", value: notes[NOTE.submitArgs] ?? "" });
    if (end !== undefined) attributes.push({ name: "history_timestamp", value: seconds(end) });
    attributes.push({ name: "project", value: notes[NOTE.project] ?? "_pbs_project_default" });
    if (entry.kind === "subjob") {
      attributes.push(
        { name: "array_id", value: `${entry.seq}[].${server}` },
        { name: "array_index", value: String(entry.index) },
      );
    }
    attributes.push({ name: "Submit_Host", value: submitHost });
    return attributes;
  }
  if (single?.startTime !== undefined) {
    attributes.push({ name: "session_id", value: String(10000 + single.id) });
  }
  if (variables !== undefined) attributes.push({ name: "Variable_List", value: variables });
  attributes.push(
    { name: "euser", value: request.user },
    { name: "egroup", value: request.user },
    { name: "queue_type", value: "E" },
    { name: "etime", value: seconds(first.submitTime), time: true },
  );
  const exit = single === undefined ? undefined : exitStatusOf(single, dialect);
  if (exit !== undefined) {
    attributes.push({ name: dialect.exitStatusAttribute, value: String(exit) });
  }
  attributes.push({ name: "submit_args", value: notes[NOTE.submitArgs] ?? "" });
  if (entry.kind === "subjob") {
    attributes.push({ name: "job_array_id", value: String(entry.index) });
  }
  // Torque clones each subjob from the array's template job, so subjobs carry the request too.
  if (entry.kind !== "job") {
    attributes.push({ name: "job_array_request", value: notes[NOTE.arraySpec] ?? "" });
  }
  if (single?.startTime !== undefined) {
    attributes.push(
      { name: "start_time", value: seconds(single.startTime), time: true },
      { name: "start_count", value: "1" },
    );
  }
  attributes.push({ name: "fault_tolerant", value: "False" });
  if (single?.endTime !== undefined && single.startTime !== undefined) {
    attributes.push({ name: "comp_time", value: seconds(single.endTime), time: true });
  }
  attributes.push({ name: "job_radix", value: "0" });
  if (single?.endTime !== undefined && single.startTime !== undefined) {
    const runtime = (single.endTime - single.startTime) / 1000;
    attributes.push({ name: "total_runtime", value: runtime.toFixed(6) });
  }
  attributes.push(
    { name: "submit_host", value: submitHost },
    { name: "init_work_dir", value: request.workdir },
    { name: "request_version", value: "1" },
  );
  return attributes;
}

/**
 * Appends one `qstat -f` block to `parts`: `Job Id: <id>`, the attributes, a blank line.
 * `dates` keeps the dates already formatted by this listing: jobs share submit and start
 * seconds, and a job's ctime, qtime and etime are the same second.
 */
function fullBlock(
  entry: PbsEntry,
  dialect: PbsDialect,
  engine: SimEngineApi,
  parts: string[],
  dates: Map<string, string>,
): void {
  const server = serverOf(entry.jobs[0]!, engine);
  const limit = dialect.kind === "pbspro" ? 78 : 77;
  // The block is joined at once, so its pieces die young instead of living in `parts`.
  const lines = [`Job Id: ${entryId(entry, server)}\n`];
  for (const attribute of attributesOf(entry, dialect, engine)) {
    let value = attribute.value;
    if (attribute.time) {
      const date = dates.get(value) ?? ctime(Number(value) * 1000);
      dates.set(value, date);
      value = date;
    }
    lines.push(printAttribute(attribute.name, attribute.resource, value, limit));
  }
  lines.push("\n");
  parts.push(lines.join(""));
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Torque `qstat -x`: `<?xml version="1.0"?>` and one line `<Data><Job>...</Job></Data>` (times raw). */
function xmlDocument(
  entries: readonly PbsEntry[],
  dialect: PbsDialect,
  engine: SimEngineApi,
): string {
  let body = "";
  for (const entry of entries) {
    const server = serverOf(entry.jobs[0]!, engine);
    body += `<Job><Job_Id>${escapeXml(entryId(entry, server))}</Job_Id>`;
    let group: string | undefined;
    for (const attribute of attributesOf(entry, dialect, engine)) {
      if (group !== undefined && attribute.name !== group) {
        body += `</${group}>`;
        group = undefined;
      }
      if (attribute.resource !== undefined) {
        if (group === undefined) body += `<${attribute.name}>`;
        group = attribute.name;
        body += `<${attribute.resource}>${escapeXml(attribute.value)}</${attribute.resource}>`;
      } else {
        body += `<${attribute.name}>${escapeXml(attribute.value)}</${attribute.name}>`;
      }
    }
    if (group !== undefined) body += `</${group}>`;
    body += "</Job>";
  }
  return `<?xml version="1.0"?>\n<Data>${body}</Data>\n`;
}

/** One line of the default table. */
function tableRow(entry: PbsEntry, dialect: PbsDialect, engine: SimEngineApi): string {
  const first = entry.jobs[0]!;
  const layout = dialect.table;
  const id = layout.shorten("id", entryId(entry, serverOf(first, engine)));
  const name = layout.shorten("name", entryName(entry, dialect.kind));
  const user = layout.shorten("user", first.request.user);
  const queue = layout.shorten("queue", first.queue);
  const begun = entry.jobs.some((job) => job.startTime !== undefined) && entry.kind !== "array";
  const timeUse = begun ? "00:00:00" : "0";
  return `${padEnd(id, layout.idWidth)} ${padEnd(name, layout.nameWidth)} ${
    padEnd(user, layout.userWidth)
  }` +
    `${layout.beforeTime}${padStart(timeUse, 8)} ${stateOf(entry, dialect)} ${
      padEnd(queue, layout.queueWidth)
    }\n`;
}

/** How rows are printed: table, `-f` or Torque's XML. */
type Format = "table" | "full" | "xml";

/**
 * Appends the rows to `parts` (`dates`: see `fullBlock`). Output is assembled as parts joined once, not by `+=`: a listing
 * of 10,000 jobs would otherwise be a rope of a million pieces, slow to split and, kept in the
 * command log, ten times its flat size in memory.
 */
function render(
  entries: readonly PbsEntry[],
  format: Format,
  dialect: PbsDialect,
  engine: SimEngineApi,
  header: boolean,
  parts: string[],
  dates: Map<string, string>,
): void {
  if (entries.length === 0) return;
  if (format === "xml") parts.push(xmlDocument(entries, dialect, engine));
  else if (format === "full") {
    for (const entry of entries) fullBlock(entry, dialect, engine, parts, dates);
  } else {
    if (header) parts.push(`${dialect.table.header[0]}\n${dialect.table.header[1]}\n`);
    for (const entry of entries) parts.push(tableRow(entry, dialect, engine));
  }
}

/**
 * PBS deletes a job whose dependency can never be satisfied (its `afterok` parent failed); the
 * engine keeps it pending, so the emulator removes it the next time a PBS command looks.
 */
export function deleteBrokenDependents(engine: SimEngineApi): void {
  for (const job of engine.jobs()) {
    if (job.state === "PENDING" && job.reason === "dependency-never-satisfied") {
      const taskId = job.arrayTaskId;
      engine.cancel(job.arrayJobId ?? job.id, taskId === undefined ? {} : { taskId });
    }
  }
}

/** The full id an operand names (the default server appended when missing). */
export function qualifiedId(text: string, server: string): string {
  return text.includes(".") ? text : `${text}.${server}`;
}

/** Runs `qstat`. */
export function qstat(ctx: SimCommandContext, dialect: PbsDialect): CommandResult {
  const parsed = getopt(ctx.args, SPEC[dialect.kind]);
  if ("error" in parsed) {
    return { code: 2, stdout: "", stderr: `qstat: ${parsed.error}\n${USAGE[dialect.kind]}` };
  }
  const flags = new Map(parsed.options);
  const engine = ctx.engine;
  deleteBrokenDependents(engine);
  const now = engine.now();
  const pro = dialect.kind === "pbspro";
  const format: Format = flags.has("f") ? "full" : !pro && flags.has("x") ? "xml" : "table";
  const history = pro && (flags.has("x") || flags.has("H"));
  const expand = flags.has("t");
  // Torque's -t lists the subjobs instead of the array's summary line; PBS Pro lists both.
  const listed = (entries: PbsEntry[]) =>
    expand && !pro ? entries.filter((entry) => entry.kind !== "array") : entries;
  const users = flags.get("u")?.split(",").map((user) => user.replace(/@.*$/, ""));
  const mayShow = (entry: PbsEntry): boolean => {
    if (!isKept(entry, dialect, now)) return false;
    const finished = isFinished(entry);
    if (pro && flags.has("H") && !finished) return false;
    if (pro && flags.has("J") && entry.kind === "job") return false;
    return !finished || !dialect.historyNeedsX || history;
  };
  const ownedByListedUser = (entry: PbsEntry) =>
    users === undefined || users.includes(entry.jobs[0]!.request.user);

  if (parsed.operands.length === 0) {
    const entries = listed(allEntries(engine, expand))
      .filter((entry) => mayShow(entry) && ownedByListedUser(entry));
    const parts: string[] = [];
    render(entries, format, dialect, engine, true, parts, new Map());
    return { code: 0, stdout: parts.join(""), stderr: "" };
  }

  const parts: string[] = [];
  const dates = new Map<string, string>();
  const errors: string[] = [];
  let code = 0;
  let header = true;
  const server = engine.loginHost;
  for (const operand of parsed.operands) {
    const ref = parseJobRef(operand);
    if (!ref) {
      errors.push(`qstat: illegally formed job identifier: ${operand}\n`);
      code = 1;
      continue;
    }
    const entries = listed(entriesFor(engine, ref, expand)).filter((entry) =>
      isKept(entry, dialect, now)
    );
    if (entries.length === 0) {
      errors.push(`qstat: ${dialect.unknownJobText} ${qualifiedId(operand, server)}\n`);
      code = exitFor(PBSE.UNKJOBID);
      continue;
    }
    const shown = entries.filter(mayShow);
    if (shown.length === 0) {
      errors.push(
        `qstat: ${
          qualifiedId(operand, server)
        } Job has finished, use -x or -H to obtain historical job information\n`,
      );
      code = exitFor(PBSE.HISTJOBID);
      continue;
    }
    render(shown, format, dialect, engine, header, parts, dates);
    if (format === "table") header = false;
  }
  return { code, stdout: parts.join(""), stderr: errors.join("") };
}
