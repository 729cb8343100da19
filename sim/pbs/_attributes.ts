/**
 * The attributes `qstat -f` (and Torque's `qstat -x`) lists for a row, in each product's order
 * and with each product's conditions, as the recorded clusters print them: Torque 6.1
 * (test/fixtures/real-outputs/torque, `raw/torque/NNN` below) and OpenPBS 23.06
 * (test/fixtures/real-outputs/openpbs, `raw/openpbs/NNN`). Where the recordings and the
 * documentation disagree, the recordings win.
 *
 * Sources: Torque 6.1 `src/cmds/qstat.c` `display_full_job()` and the Torque Administrator
 * Guide "Job exit status" and "MOM configuration" (`$status_update_time`, 45 s); OpenPBS
 * `src/include/job.h` (substates), `src/server/array_func.c` (`update_sj_parent()`, the array's
 * `Exit_status`), the PBS Professional Reference Guide "Job Attributes"; the recordings for what
 * each attribute looks like and when it appears.
 *
 * @module
 */

import type { SimJob, SimNodeSpec, SimSubmitRequest } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { type PbsJobData, pbsJobData } from "./_job_data.ts";
import {
  deletedForDependency,
  entryName,
  finishedAt,
  isFinished,
  type PbsEntry,
  serverOf,
} from "./_jobs.ts";
import { exitStatusOf, holdTypes, stateOf } from "./_states.ts";
import { streamPath } from "./_request.ts";
import { ctimeShort } from "../_common/format.ts";
import { hhmmss } from "../_common/words.ts";
import { MinHeap } from "../engine/_heap.ts";

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

/**
 * What one listing computes once for all its rows: the core each running job was given on its
 * node (`exec_host = vm/1`) and the `before...` side of the dependencies.
 */
export interface Listing {
  /** The first core index a job got on each of its nodes, in `nodeList` order. */
  readonly slots: ReadonlyMap<SimJob, readonly number[]>;
  /** Sequence number → `[beforeType, dependent's full id]` of the jobs that depend on it. */
  readonly dependents: ReadonlyMap<number, ReadonlyArray<readonly [string, string]>>;
}

function coresOf(job: SimJob): number {
  return (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
}

/**
 * The cores a started job was given: the lowest free ones of each node when it started, as
 * pbs_mom numbers them (`exec_host = vm/0` for the first job, `vm/1` for the one beside it, and
 * `vm/1` again for the next once that one ended: raw/torque/046, 047; raw/openpbs/046).
 */
function coreSlots(engine: SimEngineApi): Map<SimJob, number[]> {
  const started = engine.jobs().filter((job) => job.startTime !== undefined)
    .sort((a, b) => a.startTime! - b.startTime! || a.id - b.id);
  // Per node: the cores in use and, ordered by end, who holds them; one sweep in start order
  // frees what ended by each start (linear in jobs, not in jobs × jobs on the node).
  const busy = new Map<string, { taken: Set<number>; uses: MinHeap<CoreUse> }>();
  const slots = new Map<SimJob, number[]>();
  for (const job of started) {
    const cores = coresOf(job);
    const firsts: number[] = [];
    for (const node of job.nodeList) {
      let state = busy.get(node);
      if (state === undefined) {
        state = { taken: new Set(), uses: new MinHeap((a, b) => a.until < b.until) };
        busy.set(node, state);
      }
      const { taken, uses } = state;
      while ((uses.peek()?.until ?? Infinity) <= job.startTime!) {
        for (const core of uses.pop()!.slots) taken.delete(core);
      }
      const mine: number[] = [];
      for (let core = 0; mine.length < cores; core++) {
        if (!taken.has(core)) {
          mine.push(core);
          taken.add(core);
        }
      }
      uses.push({ until: job.endTime ?? Infinity, slots: mine });
      firsts.push(mine[0]!);
    }
    slots.set(job, firsts);
  }
  return slots;
}

/** Cores a job holds on one node until it ends. */
interface CoreUse {
  until: number;
  slots: number[];
}

/** `afterok` → `beforeok`: the parent's side of a dependency. */
function beforeType(type: string): string {
  return type.replace(/^after/, "before");
}

/** The listing context of the engine's current jobs. */
export function listingOf(engine: SimEngineApi, dialect: PbsDialect): Listing {
  const dependents = new Map<number, Array<[string, string]>>();
  let slots: Map<SimJob, number[]> | undefined;
  for (const job of engine.jobs()) {
    const data = pbsJobData(job);
    if (data === undefined || data.depend.length === 0) continue;
    if (job.arrayTaskId !== undefined && job !== engine.find(job.arrayJobId!)[0]) continue;
    const id = dependId(job.arrayJobId === undefined ? `${job.id}` : `${job.arrayJobId}[]`, data);
    for (const clause of data.depend) {
      for (const seq of clause.seqs) {
        let list = dependents.get(seq);
        if (list === undefined) dependents.set(seq, list = []);
        list.push([beforeType(clause.type), id]);
      }
    }
  }
  return {
    dependents,
    get slots() {
      return slots ??= coreSlots(engine);
    },
  };
  // The full id as `depend` names it: Torque `10.vm`, OpenPBS `47.vm-pbs@vm-pbs`.
  function dependId(seq: string, data: PbsJobData): string {
    const id = `${seq}.${data.server}`;
    return dialect.kind === "pbspro" ? `${id}@${data.server}` : id;
  }
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
  listing: Listing;
  /** Every task of the row's array (the row's own jobs unless it is a subjob). */
  parentJobs: SimJob[];
  /** The cluster's nodes. */
  nodes: readonly SimNodeSpec[];
}

function date(name: string, ms: number): Attribute {
  const at = Math.floor(ms / 1000);
  return { name, value: String(at), at };
}

function text(name: string, value: string): Attribute {
  return { name, value };
}

/** Whether a job ran and has ended. */
function ranAndEnded(job: SimJob): boolean {
  return job.startTime !== undefined && job.endTime !== undefined;
}

/**
 * Whether the server has the job's resource usage: once it has ended after running, or once the
 * mom has reported on it (Torque `$status_update_time` 45 s; the recordings show none for jobs
 * running a few seconds: raw/torque/020, 040, raw/openpbs/024, 085).
 */
function usageKnown(job: SimJob, dialect: PbsDialect, now: number): boolean {
  if (job.startTime === undefined) return false;
  return job.endTime !== undefined || now - job.startTime >= dialect.usageReportMs;
}

/**
 * Whether the server knows an OpenPBS job's session (substate 42, RUNNING, rather than 41,
 * PRERUN): a running job once the mom has reported on it (jobs a second or two into their run
 * are 41 in raw/openpbs/024 and 085), an ended one that lived a second or more (raw/openpbs/045
 * has a `session_id`, the jobs that ended within the second in 046 and 087 have none).
 */
function reachedRunning(job: SimJob, dialect: PbsDialect, now: number): boolean {
  if (job.startTime === undefined) return false;
  if (job.endTime === undefined) return now - job.startTime >= dialect.usageReportMs;
  return job.endTime - job.startTime >= 1000;
}

/** exec_host: Torque `vm/0`, `vm/0-3`; PBS Pro `vm/0`, `vm/0*4`. */
function execHost(row: Row, job: SimJob): string {
  const cpus = coresOf(job);
  const firsts = row.listing.slots.get(job) ?? [];
  return job.nodeList.map((node, index) => {
    const first = firsts[index] ?? 0;
    if (row.dialect.kind === "pbspro") {
      return cpus > 1 ? `${node}/${first}*${cpus}` : `${node}/${first}`;
    }
    return cpus > 1 ? `${node}/${first}-${first + cpus - 1}` : `${node}/${first}`;
  }).join("+");
}

/** exec_vnode: `(vm-pbs:ncpus=1)`, with `:mem=` only when memory was requested (raw/openpbs/024). */
function execVnode(row: Row, job: SimJob): string {
  const requested = row.data?.resources.some(([name, value]) =>
    name === "mem" || (name === "select" && value.includes("mem="))
  );
  const mem = requested && job.request.memoryMB !== undefined
    ? `:mem=${job.request.memoryMB * 1024}kb`
    : "";
  return job.nodeList.map((node) => `(${node}:ncpus=${coresOf(job)}${mem})`).join("+");
}

/**
 * Resource_List in each product's order. OpenPBS: alphabetical, `ncpus`, `nodect`, `place`,
 * `select` filled in, no default walltime (raw/openpbs/024, 065). Torque: the requested
 * resources in the order given, then the queue's default walltime, the default `nodes`, and
 * `nodect` (raw/torque/020: `walltime`, `nodes`, `nodect`; `walltime`, `nodes=1:ppn=1`, `mem`,
 * `nodect` for `-l walltime=... -l nodes=1:ppn=1 -l mem=...`).
 */
function resourceList(row: Row): Attribute[] {
  const { first, dialect } = row;
  const list = new Map<string, string>(row.data?.resources ?? []);
  const nodes = first.request.nodes ?? 1;
  const tasks = first.request.tasksPerNode ?? 1;
  const ncpus = tasks * (first.request.cpusPerTask ?? 1);
  if (dialect.kind === "pbspro") {
    if (!list.has("select")) {
      const mpiprocs = tasks > 1 ? `:mpiprocs=${tasks}` : "";
      list.set("select", `${nodes}:ncpus=${ncpus}${mpiprocs}`);
    }
    if (!list.has("ncpus")) list.set("ncpus", String(ncpus * nodes));
    if (!list.has("place")) list.set("place", "pack");
    if (!list.has("nodect")) list.set("nodect", String(nodes));
    return [...list.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([resource, value]) => ({ name: "Resource_List", resource, value }));
  }
  if (!list.has("walltime") && first.timeLimitSeconds !== undefined) {
    list.set("walltime", hhmmss(first.timeLimitSeconds));
  }
  if (!list.has("nodes") && !list.has("ncpus") && !list.has("procs")) {
    list.set("nodes", String(nodes));
  }
  if (!list.has("nodect")) list.set("nodect", String(nodes));
  return [...list.entries()].map(([resource, value]) => ({
    name: "Resource_List",
    resource,
    value,
  }));
}

/** `Variable_List`: Torque puts the queue (and a subjob's `PBS_ARRAYID`) first, OpenPBS before `PBS_O_HOST`. */
function variableList(row: Row): Attribute[] {
  const variables = [...(row.data?.variables ?? [])];
  if (row.data === undefined) return [];
  const queue: [string, string] = ["PBS_O_QUEUE", row.first.queue];
  if (row.dialect.kind === "pbspro") {
    const at = variables.findIndex(([key]) => key === "PBS_O_HOST");
    variables.splice(at === -1 ? variables.length : at, 0, queue);
  } else {
    variables.unshift(queue);
    if (row.entry.kind === "subjob") variables.unshift(["PBS_ARRAYID", String(row.entry.index)]);
  }
  return [text("Variable_List", variables.map(([key, value]) => `${key}=${value}`).join(","))];
}

/** `depend`: the job's own clauses (`afterok:5.vm`), then the jobs waiting on it (`beforeok:10.vm`). */
function depend(row: Row): Attribute[] {
  const { data, dialect } = row;
  const clauses: string[] = [];
  for (const clause of data?.depend ?? []) {
    const ids = clause.ids.map((id) => dialect.kind === "pbspro" ? `${id}@${data!.server}` : id);
    clauses.push(`${clause.type}:${ids.join(":")}`);
  }
  const before = new Map<string, string[]>();
  for (const [type, id] of row.listing.dependents.get(row.entry.seq) ?? []) {
    before.set(type, [...(before.get(type) ?? []), id]);
  }
  for (const [type, ids] of before) clauses.push(`${type}:${ids.join(":")}`);
  return clauses.length === 0 ? [] : [text("depend", clauses.join(","))];
}

/** Error_Path and Output_Path of a job, or of an array's template (`arr.e46.^array_index^`, `arr.e6`). */
function paths(row: Row, job: SimJob | undefined): { stdout: string; stderr: string } | undefined {
  const { data, dialect, first } = row;
  if (data === undefined) {
    const own = row.request.outputPaths?.(job ?? first);
    return own === undefined ? undefined : { stdout: own.stdout, stderr: own.stderr ?? own.stdout };
  }
  const seq = first.arrayJobId ?? first.id;
  const index = job?.arrayTaskId ??
    (first.arrayJobId !== undefined && dialect.kind === "pbspro" ? "^array_index^" : undefined);
  const at = (spec: string | undefined, letter: "o" | "e") =>
    streamPath(dialect, spec, letter, row.request.name, data.cwd, seq, index);
  const stdout = at(data.outputSpec, "o");
  const stderr = at(data.errorSpec, "e");
  if (data.join === "oe") return { stdout, stderr: stdout };
  if (data.join === "eo") return { stdout: stderr, stderr };
  return { stdout, stderr };
}

/** When a job became eligible to run (`etime`): not while held or waiting on a dependency. */
function etime(job: SimJob): number | undefined {
  if (job.held !== undefined) return undefined;
  if (job.reason === "dependency" || job.reason === "dependency-never-satisfied") {
    if (job.startTime === undefined) return undefined;
  }
  const waited = job.request.hold === true || (job.request.dependencies?.length ?? 0) > 0;
  return waited ? (job.startTime ?? job.submitTime) : job.submitTime;
}

/** Whether a pending job was passed over by the scheduler for lack of resources. */
function starved(job: SimJob): boolean {
  return job.state === "PENDING" && job.held === undefined &&
    (job.reason === "resources" || job.reason === "priority" || job.reason === "over-memory");
}

/** Torque's `resources_used`: cput, vmem, walltime, mem, energy_used (raw/torque/045). */
function torqueUsage(row: Row, job: SimJob): Attribute[] {
  const wall = hhmmss(((job.endTime ?? row.now) - job.startTime!) / 1000);
  return [
    ["cput", "00:00:00"],
    ["vmem", "0kb"],
    ["walltime", wall],
    ["mem", "0kb"],
    ["energy_used", "0"],
  ].map(([resource, value]) => ({ name: "resources_used", resource: resource!, value: value! }));
}

/** The attributes of a Torque row, in `qstat -f`'s order (raw/torque/020, 024, 045, 060, 064). */
function torqueAttributes(row: Row): Attribute[] {
  const { entry, dialect, first, single: job, data, now } = row;
  const owner = dialect.ownerHost(row.submitHost, row.server);
  const attributes: Attribute[] = [
    text("Job_Name", entryName(entry, dialect.kind)),
    text("Job_Owner", `${row.request.user}@${owner}`),
  ];
  if (job && usageKnown(job, dialect, now)) attributes.push(...torqueUsage(row, job));
  attributes.push(
    text("job_state", row.state),
    text("queue", first.queue),
    text("server", row.server),
    text("Checkpoint", "u"),
    date("ctime", first.submitTime),
    ...depend(row),
  );
  const streams = paths(row, job);
  if (streams) attributes.push(text("Error_Path", `${row.submitHost}:${streams.stderr}`));
  if (job?.startTime !== undefined) attributes.push(text("exec_host", execHost(row, job)));
  // A subjob has no Hold_Types, an array summary no qtime (raw/torque/024, 025).
  if (entry.kind !== "subjob") attributes.push(text("Hold_Types", holdTypes(entry)));
  attributes.push(
    text("Join_Path", data?.join ?? "n"),
    text("Keep_Files", "n"),
    text("Mail_Points", "a"),
    date("mtime", modified(row)),
  );
  if (streams) attributes.push(text("Output_Path", `${row.submitHost}:${streams.stdout}`));
  attributes.push(text("Priority", "0"));
  if (entry.kind !== "array") attributes.push(date("qtime", first.submitTime));
  attributes.push(text("Rerunable", "True"), ...resourceList(row));
  if (job?.startTime !== undefined) attributes.push(text("session_id", String(sessionOf(job))));
  attributes.push(
    ...variableList(row),
    text("euser", row.request.user),
    text("egroup", row.request.user),
    text("queue_type", "E"),
  );
  const comment = torqueComment(row, job);
  if (comment !== undefined) attributes.push(text("comment", comment));
  const eligible = job === undefined ? first.submitTime : etime(job);
  if (eligible !== undefined) attributes.push(date("etime", eligible));
  const exit = job === undefined ? undefined : exitStatusOf(job, dialect);
  if (exit !== undefined) attributes.push(text(dialect.exitStatusAttribute, String(exit)));
  if ((data?.submitArgs ?? "") !== "") attributes.push(text("submit_args", data!.submitArgs));
  if (entry.kind === "array") attributes.push(text("job_array_request", data?.arraySpec ?? ""));
  if (entry.kind === "subjob") attributes.push(text("job_array_id", String(entry.index)));
  if (job?.startTime !== undefined) {
    attributes.push(date("start_time", job.startTime));
    if (job.endTime === undefined && job.timeLimitSeconds !== undefined) {
      const left = job.timeLimitSeconds - Math.floor((now - job.startTime) / 1000);
      attributes.push(text("Walltime.Remaining", String(Math.max(0, left))));
    }
    attributes.push(text("start_count", "1"));
  }
  attributes.push(text("fault_tolerant", "False"));
  const ended = job !== undefined && ranAndEnded(job);
  if (ended) attributes.push(date("comp_time", job.endTime!));
  attributes.push(text("job_radix", "0"));
  if (ended) {
    const runtime = (job.endTime! - job.startTime!) / 1000;
    attributes.push(text("total_runtime", runtime.toFixed(6)));
  }
  attributes.push(
    text("submit_host", row.submitHost),
    // The submission directory, not where the job runs (raw/torque/047, `_request.ts`).
    text("init_work_dir", data?.submitDir ?? row.request.workdir),
    text("request_version", "1"),
  );
  return attributes;
}

/**
 * Torque's comment: `Job started on Tue Dec 01 at 23:08` once started, pbs_sched's `Not Running:
 * Not enough of the right type of nodes are available` for a job it passed over, `Job deleted
 * as result of dependency on job 11.vm` for a job whose dependency failed (raw/torque/020, 043).
 */
function torqueComment(row: Row, job: SimJob | undefined): string | undefined {
  if (job === undefined) return undefined;
  if (job.startTime !== undefined) return `Job started on ${ctimeShort(job.startTime)}`;
  if (deletedForDependency(job)) {
    const parent = row.data?.depend[0]?.ids[0];
    return parent === undefined
      ? undefined
      : `Job deleted as result of dependency on job ${parent}`;
  }
  if (starved(job)) return "Not Running: Not enough of the right type of nodes are available";
  return undefined;
}

/** The last time the row changed (submission, start, end). */
function modified(row: Row): number {
  const started = row.entry.jobs.filter((job) => job.startTime !== undefined)
    .map((job) => job.startTime!);
  return Math.max(row.first.submitTime, ...started, row.end ?? 0);
}

/** The process id of a started job's session (a real one is the shell's pid; any number will do). */
function sessionOf(job: SimJob): number {
  return 10000 + job.id;
}

/** PBS Pro's `resources_used`, alphabetical (raw/openpbs/045). */
function proUsage(row: Row, job: SimJob): Attribute[] {
  const wall = hhmmss(((job.endTime ?? row.now) - job.startTime!) / 1000);
  return [
    ["cpupercent", "0"],
    ["cput", "00:00:00"],
    ["mem", "0kb"],
    ["ncpus", String(coresOf(job) * job.nodeList.length)],
    ["vmem", "0kb"],
    ["walltime", wall],
  ].map(([resource, value]) => ({ name: "resources_used", resource: resource!, value: value! }));
}

/** How an OpenPBS job ended, for its substate and comment. */
function proEnding(
  job: SimJob,
  dialect: PbsDialect,
): "finished" | "failed" | "terminated" | "walltime" {
  if (job.state === "TIMEOUT") return "walltime";
  if (job.state === "CANCELLED" || job.state === "NODE_FAIL" || job.state === "PREEMPTED") {
    return "terminated";
  }
  return exitStatusOf(job, dialect) === 0 ? "finished" : "failed";
}

/**
 * OpenPBS substates (`src/include/job.h`): queued 10, held 20, held on a dependency 22, prerun 41,
 * running 42, begun array 70, finished 92, failed 93, deleted 91 (raw/openpbs/024 to 065).
 */
function proSubstate(row: Row, job: SimJob | undefined): string {
  const { entry, state, dialect, now } = row;
  if (entry.kind === "array") {
    if (state === "B") return "70";
    if (state !== "F") return state === "H" ? "20" : "10";
    const ending = arrayEnding(entry, dialect);
    return ending === "terminated" ? "91" : ending === "failed" ? "93" : "92";
  }
  if (job === undefined) return "10";
  if (job.endTime !== undefined) {
    if (job.startTime === undefined) return deletedForDependency(job) ? "92" : "91";
    const ending = proEnding(job, dialect);
    return ending === "finished" ? "92" : ending === "terminated" ? "91" : "93";
  }
  if (job.state === "RUNNING") return reachedRunning(job, dialect, now) ? "42" : "41";
  if (job.held !== undefined) return "20";
  if (job.reason === "dependency" || job.reason === "dependency-never-satisfied") return "22";
  return "10";
}

/** How a finished array ended: terminated when a subjob was deleted, failed when one failed. */
function arrayEnding(entry: PbsEntry, dialect: PbsDialect): "finished" | "failed" | "terminated" {
  const endings = entry.jobs.map((job) =>
    job.startTime === undefined ? "terminated" : proEnding(job, dialect)
  );
  if (endings.includes("terminated")) return "terminated";
  return endings.every((ending) => ending === "finished") ? "finished" : "failed";
}

/**
 * An OpenPBS job's comment: `Job run at Tue Dec 01 at 21:48 on (vm-pbs:ncpus=1)` and how it
 * ended (`and finished`, `and failed`, `and terminated by <user>@<host>`, `and exceeded resource
 * walltime`); an array's `Job Array Began at ...` and how it ended; the scheduler's `Not Running:
 * Not enough free nodes available` for a job it passed over (raw/openpbs/030, 045, 061, 065).
 */
function proComment(row: Row, job: SimJob | undefined): string | undefined {
  const { entry, dialect } = row;
  if (entry.kind === "array") {
    const begun = entry.jobs.filter((task) => task.startTime !== undefined);
    if (begun.length === 0) return entry.jobs.some(starved) ? NOT_ENOUGH_NODES : undefined;
    const began = `Job Array Began at ${ctimeShort(Math.min(...begun.map((t) => t.startTime!)))}`;
    return isFinished(entry) ? `${began} and ${arrayEnding(entry, dialect)}` : began;
  }
  if (job === undefined) return undefined;
  if (job.startTime === undefined) {
    return neverRuns(row, job) ?? (starved(job) ? NOT_ENOUGH_NODES : undefined);
  }
  const ran = `Job run at ${ctimeShort(job.startTime)} on ${execVnode(row, job)}`;
  if (job.endTime === undefined) return ran;
  const ending = proEnding(job, dialect);
  if (ending === "walltime") return `${ran} and exceeded resource walltime`;
  if (ending === "terminated") {
    return `${ran} and terminated by ${row.request.user}@${row.submitHost}`;
  }
  return `${ran} and ${ending}`;
}

const NOT_ENOUGH_NODES = "Not Running: Not enough free nodes available";

/**
 * The OpenPBS scheduler's comment on a queued job no node can ever run: `Can Never Run:`
 * (`NEVER_RUN_PREFIX`, src/scheduler/constant.h) and the reason, `Insufficient amount of
 * resource: ncpus (R: 64 A: 2 T: 2)` (the chunk's request, then what the best node has and has
 * in total: `check_avail_resources()` in src/scheduler/check.cpp) or `Not enough total nodes
 * available` (src/scheduler/job_info.cpp).
 */
function neverRuns(row: Row, job: SimJob): string | undefined {
  const reasons = ["over-node-limit", "over-memory", "over-queue-limit"];
  if (job.state !== "PENDING" || !reasons.includes(job.reason)) return undefined;
  const nodes = row.nodes;
  if ((job.request.nodes ?? 1) > nodes.length) {
    return `${NEVER_RUN}: Not enough total nodes available`;
  }
  const cpus = Math.max(...nodes.map((node) => node.cpus));
  if (coresOf(job) > cpus) {
    return `${NEVER_RUN}: Insufficient amount of resource: ncpus (R: ${
      coresOf(job)
    } A: ${cpus} T: ${cpus})`;
  }
  // Memory counts only when asked for (the engine's default per core is not PBS's).
  const select = row.data?.resources.find(([name]) => name === "select")?.[1] ?? "";
  const asked = /(?:^|:)mem=([^:+]+)/.exec(select)?.[1] ??
    row.data?.resources.find(([name]) => name === "mem")?.[1];
  if (asked === undefined) return undefined;
  const most = Math.max(...nodes.map((node) => node.memoryMB)) * 1024;
  return `${NEVER_RUN}: Insufficient amount of resource: mem (R: ${asked} A: ${most}kb T: ${most}kb)`;
}

const NEVER_RUN = "Can Never Run";

/**
 * An OpenPBS array's `Exit_status`, as `update_sj_parent()` in `src/server/array_func.c` sets it:
 * the class of the subjob that ended last (0 for exit 0, 1 for a positive exit, 2 for a negative
 * one), whatever the others did — `Exit_status = 0` for an array whose task 3 exited 5 when task 4
 * ended after it (raw/openpbs/053), 1 for a deleted array (raw/openpbs/082). The documentation's
 * "1 when any subjob failed" is not what the server does.
 */
function proArrayExitStatus(entry: PbsEntry, dialect: PbsDialect): number | undefined {
  let last: SimJob | undefined;
  for (const job of entry.jobs) {
    if (job.endTime === undefined || exitStatusOf(job, dialect) === undefined) continue;
    if (last === undefined || job.endTime >= last.endTime!) last = job;
  }
  const exit = last === undefined ? undefined : exitStatusOf(last, dialect)!;
  if (exit === undefined) return undefined;
  return exit > 0 ? 1 : exit < 0 ? 2 : 0;
}

/** The array summary behind an OpenPBS subjob row. */
function arrayRow(row: Row): Row {
  const seq = row.entry.seq;
  const jobs = row.entry.kind === "subjob" ? row.parentJobs : row.entry.jobs;
  const entry: PbsEntry = { kind: "array", seq, jobs };
  return {
    ...row,
    entry,
    single: undefined,
    state: stateOf(entry, row.dialect),
    end: finishedAt(entry),
  };
}

/**
 * The attributes of an OpenPBS row, in `qstat -f`'s order (raw/openpbs/024, 031, 045, 053, 085).
 * A subjob that has not started is shown from its array's template: the array's attributes up
 * to `Submit_arguments`, with its own state and substate (raw/openpbs/031, 032, 082).
 */
function proAttributes(row: Row): Attribute[] {
  const { entry, dialect, first, data, now } = row;
  const job = row.single;
  const instantiated = entry.kind === "subjob" && job?.startTime !== undefined;
  const template = entry.kind === "subjob" && !instantiated;
  const source = template ? arrayRow(row) : row;
  const attributes: Attribute[] = [
    text("Job_Name", entryName(entry, dialect.kind)),
    text("Job_Owner", `${row.request.user}@${dialect.ownerHost(row.submitHost, row.server)}`),
  ];
  if (job && usageKnown(job, dialect, now)) attributes.push(...proUsage(row, job));
  attributes.push(
    text("job_state", row.state),
    text("queue", first.queue),
    text("server", row.server),
  );
  if (!instantiated) attributes.push(text("Checkpoint", "u"));
  attributes.push(date("ctime", first.submitTime));
  if (!instantiated) attributes.push(...depend(source));
  const streams = paths(row, instantiated || entry.kind === "job" ? job : undefined);
  if (streams) attributes.push(text("Error_Path", `${row.submitHost}:${streams.stderr}`));
  if (job?.startTime !== undefined) {
    attributes.push(text("exec_host", execHost(row, job)), text("exec_vnode", execVnode(row, job)));
  }
  if (!instantiated) attributes.push(text("Hold_Types", holdTypes(source.entry)));
  attributes.push(
    text("Join_Path", data?.join ?? "n"),
    text("Keep_Files", "n"),
    text("Mail_Points", "a"),
    date("mtime", modified(source)),
  );
  if (streams) attributes.push(text("Output_Path", `${row.submitHost}:${streams.stdout}`));
  attributes.push(
    text("Priority", "0"),
    date("qtime", first.submitTime),
    text("Rerunable", "True"),
    ...resourceList(row),
  );
  // Times, session and directory: the job's own, or the array's for a summary or template.
  const timed = template || entry.kind === "array" ? source.entry.jobs : job ? [job] : [];
  const starts = timed.filter((task) => task.startTime !== undefined).map((task) =>
    task.startTime!
  );
  if (starts.length > 0) attributes.push(date("stime", Math.min(...starts)));
  const own = job !== undefined && !template;
  const ended = own ? ranAndEnded(job) : source.end !== undefined && starts.length > 0;
  if (ended) attributes.push(date("obittime", own ? job.endTime! : source.end!));
  if (own) {
    // Subjobs keep no session id (raw/openpbs/054), jobs that lived a second do (045).
    if (reachedRunning(job, dialect, now) && entry.kind === "job") {
      attributes.push(text("session_id", String(sessionOf(job))));
    }
    if (ranAndEnded(job) || reachedRunning(job, dialect, now)) {
      attributes.push(text("jobdir", row.request.workdir));
    }
  }
  attributes.push(text("substate", proSubstate(row, job)), ...variableList(row));
  const comment = template
    ? (row.end !== undefined ? "Subjob finished" : proComment(source, undefined))
    : proComment(row, job);
  if (comment !== undefined) attributes.push(text("comment", comment));
  const eligible = job === undefined || template ? first.submitTime : etime(job);
  if (eligible !== undefined) attributes.push(date("etime", eligible));
  if (job?.startTime !== undefined) attributes.push(text("run_count", "1"));
  // An array (and its template) carries the last ended subjob's stage-out and exit status from
  // the first subjob that ends (`update_sj_parent()`; raw/openpbs/085, 082).
  const stagedOut = own ? ranAndEnded(job) : source.entry.jobs.some(ranAndEnded);
  if (stagedOut) attributes.push(text("Stageout_status", "1"));
  const exit = own ? exitStatusOf(job, dialect) : proArrayExitStatus(source.entry, dialect);
  if (exit !== undefined) attributes.push(text(dialect.exitStatusAttribute, String(exit)));
  // The arguments as given, none for a bare `qsub` (raw/openpbs/047); not on a started subjob.
  if (!instantiated && (data?.submitArgs ?? "") !== "") {
    attributes.push(text("Submit_arguments", data!.submitArgs));
  }
  if (template) return attributes;
  if (data?.command !== undefined) {
    const [executable = "", ...args] = data.command;
    attributes.push(
      text("executable", `<jsdl-hpcpa:Executable>${executable}</jsdl-hpcpa:Executable>`),
      text(
        "argument_list",
        args.map((arg) => `<jsdl-hpcpa:Argument>${arg}</jsdl-hpcpa:Argument>`).join(""),
      ),
    );
  }
  if (entry.kind === "array") {
    attributes.push(
      text("array", "True"),
      text("array_state_count", arrayCounts(entry)),
      text("array_indices_submitted", (data?.arraySpec ?? "").replace(/%.*$/, "")),
      text("array_indices_remaining", remainingIndices(entry)),
    );
  }
  if (entry.kind === "subjob") {
    attributes.push(
      text("array_id", `${entry.seq}[].${row.server}`),
      text("array_index", String(entry.index)),
    );
  }
  if (row.end !== undefined) {
    attributes.push(text("history_timestamp", String(Math.floor(row.end / 1000))));
  }
  attributes.push(
    text("project", data?.project ?? "_pbs_project_default"),
    text("Submit_Host", row.submitHost),
  );
  return attributes;
}

function arrayCounts(entry: PbsEntry): string {
  const queued = entry.jobs.filter((job) => job.state === "PENDING").length;
  const running = entry.jobs.filter((job) => job.state === "RUNNING").length;
  // Ended subjobs count as Expired (X) while the array runs; once it has finished, only those
  // that never ran do (0 for raw/openpbs/053, 1 for the deleted array of 082).
  const expired = isFinished(entry)
    ? entry.jobs.filter((job) => job.startTime === undefined).length
    : entry.jobs.filter((job) => job.endTime !== undefined).length;
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

/**
 * The attributes `qstat -f` lists for a row, in the product's order.
 *
 * @param listing What the listing computed once for all rows ({@linkcode listingOf}).
 */
export function attributesOf(
  entry: PbsEntry,
  dialect: PbsDialect,
  engine: SimEngineApi,
  listing: Listing = listingOf(engine, dialect),
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
    listing,
    parentJobs: entry.parent?.jobs ?? entry.jobs,
    nodes: engine.nodes,
  };
  return dialect.kind === "pbspro" ? proAttributes(row) : torqueAttributes(row);
}
