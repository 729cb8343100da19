/**
 * The attributes `qstat -f` (and Torque's `qstat -x`) lists for a row, in each product's order:
 * the part both share, then PBS Pro's or Torque's own.
 *
 * Sources: Torque 6.1 `src/cmds/qstat.c` `display_full_job()` and the Torque Administrator
 * Guide "Job exit status" (attribute order, `exit_status`, `submit_args`, `job_array_request`);
 * PBS Professional Reference Guide "Job Attributes" (`Exit_status`, `substate`, `stime`,
 * `array_state_count`, `array_indices_remaining`, `comment = Job run at ... and finished`,
 * `project = _pbs_project_default`).
 *
 * @module
 */

import type { SimJob, SimSubmitRequest } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { type PbsJobData, pbsJobData } from "./_job_data.ts";
import { entryName, finishedAt, isFinished, type PbsEntry, serverOf } from "./_jobs.ts";
import { arrayExitStatus, exitStatusOf, holdTypes, stateOf } from "./_states.ts";
import { ctimeShort } from "../_common/format.ts";
import { hhmmss } from "../_common/words.ts";

/** One attribute: name, optional resource, value; `at` marks a date (epoch seconds). */
export interface Attribute {
  /** Attribute name (`Resource_List`). */
  name: string;
  /** Resource of a resource attribute (`walltime`). */
  resource?: string;
  /** The value as printed (a date as its epoch seconds). */
  value: string;
  /** For dates: the epoch second, which `qstat -f` prints as a date and `-x` raw. */
  at?: number;
}

/** What every part of a row's listing looks at. */
interface Row {
  entry: PbsEntry;
  dialect: PbsDialect;
  first: SimJob;
  request: SimSubmitRequest;
  data: PbsJobData | undefined;
  server: string;
  submitHost: string;
  /** The job of a plain or subjob row (`undefined` for an array summary). */
  single: SimJob | undefined;
  /** The state letter `qstat` prints. */
  state: string;
  /** When the row ended, if it has. */
  end: number | undefined;
  now: number;
}

function seconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

function date(name: string, ms: number): Attribute {
  const at = Math.floor(ms / 1000);
  return { name, value: String(at), at };
}

function coresOf(job: SimJob): number {
  return (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
}

/** exec_host: Torque `node1/0-3+node2/0-3`, PBS Pro `node1/0*4+node2/0*4`. */
function execHost(job: SimJob, dialect: PbsDialect): string {
  const cpus = coresOf(job);
  return job.nodeList.map((node) => {
    if (dialect.kind === "pbspro") return cpus > 1 ? `${node}/0*${cpus}` : `${node}/0`;
    return cpus > 1 ? `${node}/0-${cpus - 1}` : `${node}/0`;
  }).join("+");
}

function execVnode(job: SimJob): string {
  const cpus = coresOf(job);
  const mem = job.request.memoryMB === undefined ? "" : `:mem=${job.request.memoryMB * 1024}kb`;
  return job.nodeList.map((node) => `(${node}:ncpus=${cpus}${mem})`).join("+");
}

function arrayCounts(entry: PbsEntry): string {
  const queued = entry.jobs.filter((job) => job.state === "PENDING").length;
  const running = entry.jobs.filter((job) => job.state === "RUNNING").length;
  const expired = entry.jobs.filter((job) => job.endTime !== undefined).length;
  return `Queued:${queued} Running:${running} Exiting:0 Expired:${expired}`;
}

/** The pending indices as ranges: `3,5-7`, `-` when none. */
function remainingIndices(entry: PbsEntry): string {
  const waiting = entry.jobs.filter((job) => job.state === "PENDING")
    .map((job) => job.arrayTaskId ?? 0);
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

/** `resources_used.*` of a started job (PBS Pro adds `cpupercent` and `ncpus`). */
function resourcesUsed(row: Row, job: SimJob, startTime: number): Attribute[] {
  const pro = row.dialect.kind === "pbspro";
  const used = (resource: string, value: string): Attribute => ({
    name: "resources_used",
    resource,
    value,
  });
  const attributes: Attribute[] = [];
  if (pro) attributes.push(used("cpupercent", "0"));
  attributes.push(used("cput", "00:00:00"), used("mem", "0kb"));
  if (pro) attributes.push(used("ncpus", String(coresOf(job) * job.nodeList.length)));
  const wall = hhmmss(((job.endTime ?? row.now) - startTime) / 1000);
  attributes.push(used("vmem", "0kb"), used("walltime", wall));
  return attributes;
}

/** The attributes both products list first, `Job_Name` to `Resource_List`. */
function sharedAttributes(row: Row): Attribute[] {
  const { entry, dialect, first, single, submitHost } = row;
  const paths = row.request.outputPaths?.(first);
  const started = entry.jobs.filter((job) => job.startTime !== undefined);
  const start = started.length === 0
    ? undefined
    : Math.min(...started.map((job) => job.startTime!));
  const modified = Math.max(first.submitTime, start ?? 0, row.end ?? 0);
  const attributes: Attribute[] = [
    { name: "Job_Name", value: entryName(entry, dialect.kind) },
    { name: "Job_Owner", value: `${row.request.user}@${submitHost}` },
  ];
  if (single?.startTime !== undefined) {
    attributes.push(...resourcesUsed(row, single, single.startTime));
  }
  attributes.push(
    { name: "job_state", value: row.state },
    { name: "queue", value: first.queue },
    { name: "server", value: row.server },
    { name: "Checkpoint", value: "u" },
    date("ctime", first.submitTime),
  );
  if (paths) {
    attributes.push({ name: "Error_Path", value: `${submitHost}:${paths.stderr ?? paths.stdout}` });
  }
  if (single?.startTime !== undefined) {
    attributes.push({ name: "exec_host", value: execHost(single, dialect) });
    if (dialect.kind === "pbspro") {
      attributes.push({ name: "exec_vnode", value: execVnode(single) });
    }
  }
  attributes.push(
    { name: "Hold_Types", value: holdTypes(entry) },
    { name: "Join_Path", value: row.data?.join ?? "n" },
    { name: "Keep_Files", value: "n" },
    { name: "Mail_Points", value: "a" },
    date("mtime", modified),
  );
  if (paths) attributes.push({ name: "Output_Path", value: `${submitHost}:${paths.stdout}` });
  attributes.push(
    { name: "Priority", value: "0" },
    date("qtime", first.submitTime),
    { name: "Rerunable", value: "True" },
  );
  const resources = row.data?.resourceList ?? [["nodect", String(row.request.nodes ?? 1)]];
  for (const [resource, value] of resources) {
    attributes.push({ name: "Resource_List", resource, value });
  }
  return attributes;
}

/** PBS Pro's attributes after `Resource_List`. */
function proAttributes(row: Row): Attribute[] {
  const { entry, dialect, first, single, data } = row;
  const started = single?.startTime !== undefined ? single : undefined;
  const attributes: Attribute[] = [];
  if (started) {
    attributes.push(date("stime", started.startTime!));
    attributes.push({ name: "session_id", value: String(10000 + started.id) });
  }
  attributes.push({ name: "jobdir", value: row.request.workdir });
  const substate = { Q: "10", H: "20", R: "42", B: "42", F: "92", X: "92" }[row.state] ?? "10";
  attributes.push({ name: "substate", value: substate });
  if (data !== undefined) attributes.push({ name: "Variable_List", value: data.variableList });
  if (started) {
    const finished = started.endTime === undefined ? "" : " and finished";
    attributes.push({
      name: "comment",
      value: `Job run at ${ctimeShort(started.startTime!)} on ${execVnode(started)}${finished}`,
    });
  }
  attributes.push(date("etime", first.submitTime));
  if (started) attributes.push({ name: "run_count", value: "1" });
  if (entry.kind === "array") {
    attributes.push(
      { name: "array", value: "True" },
      { name: "array_state_count", value: arrayCounts(entry) },
      { name: "array_indices_submitted", value: (data?.arraySpec ?? "").replace(/%.*$/, "") },
      { name: "array_indices_remaining", value: remainingIndices(entry) },
    );
  }
  const exit = entry.kind === "array"
    ? (isFinished(entry) ? arrayExitStatus(entry, dialect) : undefined)
    : exitStatusOf(first, dialect);
  if (exit !== undefined) {
    attributes.push({ name: dialect.exitStatusAttribute, value: String(exit) });
  }
  attributes.push({ name: "Submit_arguments", value: data?.submitArgs ?? "" });
  if (row.end !== undefined) {
    attributes.push({ name: "history_timestamp", value: seconds(row.end) });
  }
  attributes.push({ name: "project", value: data?.project ?? "_pbs_project_default" });
  if (entry.kind === "subjob") {
    attributes.push(
      { name: "array_id", value: `${entry.seq}[].${row.server}` },
      { name: "array_index", value: String(entry.index) },
    );
  }
  attributes.push({ name: "Submit_Host", value: row.submitHost });
  return attributes;
}

/** Torque's attributes after `Resource_List`. */
function torqueAttributes(row: Row): Attribute[] {
  const { entry, dialect, first, single, data } = row;
  const started = single?.startTime !== undefined ? single : undefined;
  const attributes: Attribute[] = [];
  if (started) attributes.push({ name: "session_id", value: String(10000 + started.id) });
  if (data !== undefined) attributes.push({ name: "Variable_List", value: data.variableList });
  attributes.push(
    { name: "euser", value: row.request.user },
    { name: "egroup", value: row.request.user },
    { name: "queue_type", value: "E" },
    date("etime", first.submitTime),
  );
  const exit = single === undefined ? undefined : exitStatusOf(single, dialect);
  if (exit !== undefined) {
    attributes.push({ name: dialect.exitStatusAttribute, value: String(exit) });
  }
  attributes.push({ name: "submit_args", value: data?.submitArgs ?? "" });
  if (entry.kind === "subjob") {
    attributes.push({ name: "job_array_id", value: String(entry.index) });
  }
  // Torque clones each subjob from the array's template job, so subjobs carry the request too.
  if (entry.kind !== "job") {
    attributes.push({ name: "job_array_request", value: data?.arraySpec ?? "" });
  }
  if (started) {
    attributes.push(date("start_time", started.startTime!), {
      name: "start_count",
      value: "1",
    });
  }
  attributes.push({ name: "fault_tolerant", value: "False" });
  const ended = started?.endTime !== undefined ? started : undefined;
  if (ended) attributes.push(date("comp_time", ended.endTime!));
  attributes.push({ name: "job_radix", value: "0" });
  if (ended) {
    const runtime = (ended.endTime! - ended.startTime!) / 1000;
    attributes.push({ name: "total_runtime", value: runtime.toFixed(6) });
  }
  attributes.push(
    { name: "submit_host", value: row.submitHost },
    // The submission directory, not where the job runs (raw/torque/047, `_request.ts`).
    { name: "init_work_dir", value: row.data?.submitDir ?? row.request.workdir },
    { name: "request_version", value: "1" },
  );
  return attributes;
}

/** The attributes `qstat -f` lists for a row, in the product's order. */
export function attributesOf(
  entry: PbsEntry,
  dialect: PbsDialect,
  engine: SimEngineApi,
): Attribute[] {
  const first = entry.jobs[0]!;
  const request = first.request;
  const row: Row = {
    entry,
    dialect,
    first,
    request,
    data: pbsJobData(first),
    server: serverOf(first, engine),
    submitHost: request.submitHost ?? engine.loginHost,
    single: entry.kind === "array" ? undefined : first,
    state: stateOf(entry, dialect),
    end: finishedAt(entry),
    now: engine.now(),
  };
  const own = dialect.kind === "pbspro" ? proAttributes(row) : torqueAttributes(row);
  return [...sharedAttributes(row), ...own];
}
