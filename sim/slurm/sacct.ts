/**
 * `sacct`: what slurmdbd knows, a job line and its `.batch` step, in the default, `-o`, `-b`,
 * `-c`, `-P`/`-p` (parsable) layouts, selected by `-j` or by a time window (`-S`, today by
 * default). Accounting sees each job as it was the accounting lag ago.
 *
 * @module
 */

import { fail, ok, uidOf } from "../_common/command_result.ts";
import { hms, isoSeconds } from "../_common/format.ts";
import { getopt, type OptionSpec } from "../_common/getopt.ts";
import type { SimCommand, SimEngineApi, SimJob, SimJobState } from "../types.ts";
import {
  ALL_STATE_WORDS,
  annotation,
  CLUSTER_NAME,
  cpusOf,
  jobIdText,
  limitLong,
  LONG_STATE,
  memText,
  nodeListText,
  NOTE,
  priorityOf,
  REASON,
  VERSION,
} from "./_jobs.ts";
import { lastValue, parseJobIdArg } from "./_parse.ts";

interface AcctRow {
  job: SimJob;
  step: boolean;
  /** The state as accounting knows it (lags behind the controller). */
  state: SimJobState;
  end: number | undefined;
}

const SACCT_FIELDS: Record<
  string,
  { width: number; right: boolean; value: (row: AcctRow, now: number) => string }
> = {
  jobid: {
    width: 12,
    right: false,
    value: (row) => jobIdText(row.job) + (row.step ? ".batch" : ""),
  },
  jobidraw: {
    width: 12,
    right: false,
    value: (row) => String(row.job.id) + (row.step ? ".batch" : ""),
  },
  jobname: { width: 10, right: true, value: (row) => row.step ? "batch" : row.job.request.name },
  partition: { width: 10, right: true, value: (row) => row.step ? "" : row.job.queue },
  account: {
    width: 10,
    right: true,
    value: (row) => annotation(row.job, NOTE.account) ?? row.job.request.user,
  },
  alloccpus: {
    width: 10,
    right: true,
    value: (row) =>
      String(row.job.startTime === undefined && row.state === "PENDING" ? 0 : cpusOf(row.job)),
  },
  ncpus: { width: 10, right: true, value: (row) => String(cpusOf(row.job)) },
  reqcpus: { width: 8, right: true, value: (row) => String(cpusOf(row.job)) },
  state: { width: 10, right: true, value: (row) => acctState(row) },
  exitcode: { width: 8, right: true, value: (row) => acctExitCode(row) },
  derivedexitcode: { width: 10, right: true, value: () => "0:0" },
  reason: {
    width: 20,
    right: true,
    value: (row) => row.state === "PENDING" ? REASON[row.job.reason] : "None",
  },
  submit: { width: 19, right: true, value: (row) => isoSeconds(row.job.submitTime) },
  eligible: { width: 19, right: true, value: (row) => isoSeconds(row.job.submitTime) },
  start: {
    width: 19,
    right: true,
    value: (row) =>
      row.job.startTime !== undefined && row.state !== "PENDING"
        ? isoSeconds(row.job.startTime)
        : row.state === "CANCELLED"
        // Real 22.05: a held job cancelled while pending gets its cancel time as Start; any other
        // job cancelled while pending has none.
        ? (heldWhenCancelled(row.job) && row.end !== undefined ? isoSeconds(row.end) : "None")
        : "Unknown",
  },
  end: {
    width: 19,
    right: true,
    value: (row) => row.end === undefined ? "Unknown" : isoSeconds(row.end),
  },
  elapsed: {
    width: 10,
    right: true,
    value: (row, now) => hms(acctElapsed(row, now)),
  },
  elapsedraw: { width: 10, right: true, value: (row, now) => String(acctElapsed(row, now)) },
  timelimit: {
    width: 10,
    right: true,
    value: (row) => row.step ? "" : limitLong(row.job),
  },
  nodelist: {
    width: 15,
    right: true,
    value: (row) =>
      row.job.nodeList.length === 0 || row.state === "PENDING"
        ? "None assigned"
        : nodeListText(row.job),
  },
  nnodes: { width: 8, right: true, value: (row) => String(row.job.request.nodes ?? 1) },
  allocnodes: { width: 10, right: true, value: (row) => String(row.job.nodeList.length) },
  reqmem: { width: 10, right: true, value: (row) => memText(row.job.request.memoryMB ?? 0) },
  maxrss: { width: 10, right: true, value: () => "" },
  workdir: { width: 10, right: true, value: (row) => row.step ? "" : row.job.request.workdir },
  user: { width: 9, right: true, value: (row) => row.step ? "" : row.job.request.user },
  uid: {
    width: 6,
    right: true,
    value: (row) => row.step ? "" : String(uidOf(row.job.request.user)),
  },
  group: { width: 9, right: true, value: (row) => row.step ? "" : row.job.request.user },
  cluster: { width: 10, right: true, value: () => CLUSTER_NAME },
  qos: { width: 10, right: true, value: (row) => row.step ? "" : "normal" },
  priority: { width: 10, right: true, value: (row) => String(priorityOf(row.job)) },
  arrayjobid: { width: 15, right: true, value: (row) => String(row.job.arrayJobId ?? row.job.id) },
  arraytaskid: { width: 15, right: true, value: (row) => String(row.job.arrayTaskId ?? "") },
};

const SACCT_HEADERS: Record<string, string> = {
  jobid: "JobID",
  jobidraw: "JobIDRaw",
  jobname: "JobName",
  partition: "Partition",
  account: "Account",
  alloccpus: "AllocCPUS",
  ncpus: "NCPUS",
  reqcpus: "ReqCPUS",
  state: "State",
  exitcode: "ExitCode",
  derivedexitcode: "DerivedExitCode",
  reason: "Reason",
  submit: "Submit",
  eligible: "Eligible",
  start: "Start",
  end: "End",
  elapsed: "Elapsed",
  elapsedraw: "ElapsedRaw",
  timelimit: "Timelimit",
  nodelist: "NodeList",
  nnodes: "NNodes",
  allocnodes: "AllocNodes",
  reqmem: "ReqMem",
  maxrss: "MaxRSS",
  workdir: "WorkDir",
  user: "User",
  uid: "UID",
  group: "Group",
  cluster: "Cluster",
  qos: "QOS",
  priority: "Priority",
  arrayjobid: "ArrayJobID",
  arraytaskid: "ArrayTaskID",
};

function acctState(row: AcctRow): string {
  const job = row.job;
  if (row.step) {
    if (row.state === "TIMEOUT" || row.state === "PREEMPTED") return "CANCELLED";
    return LONG_STATE[row.state];
  }
  if (row.state === "CANCELLED") return `CANCELLED by ${job.cancelledBy ?? 0}`;
  return LONG_STATE[row.state];
}

function acctExitCode(row: AcctRow): string {
  const job = row.job;
  const exit = job.exitCode ?? 0;
  if (row.state === "PENDING" || row.state === "RUNNING") return "0:0";
  if (row.step) {
    if (row.state === "CANCELLED" || row.state === "TIMEOUT" || row.state === "PREEMPTED") {
      return `0:${job.signal ?? 15}`;
    }
    return `${exit}:0`;
  }
  if (row.state === "FAILED" || row.state === "COMPLETED") return `${exit}:0`;
  return "0:0";
}

function acctElapsed(row: AcctRow, now: number): number {
  const job = row.job;
  if (job.startTime === undefined || row.state === "PENDING") return 0;
  return Math.floor((row.end ?? now) / 1000) - Math.floor(job.startTime / 1000);
}

const SACCT_OPTIONS: OptionSpec[] = [
  { key: "jobs", long: "jobs", short: "j", arg: "required" },
  { key: "parsable2", long: "parsable2", short: "P", arg: "none" },
  { key: "parsable", long: "parsable", short: "p", arg: "none" },
  { key: "noheader", long: "noheader", short: "n", arg: "none" },
  { key: "allocations", long: "allocations", short: "X", arg: "none" },
  { key: "format", long: "format", short: "o", arg: "required" },
  { key: "starttime", long: "starttime", short: "S", arg: "required" },
  { key: "endtime", long: "endtime", short: "E", arg: "required" },
  { key: "user", long: "user", short: "u", arg: "required" },
  { key: "allusers", long: "allusers", short: "a", arg: "none" },
  { key: "state", long: "state", short: "s", arg: "required" },
  { key: "completion", long: "completion", short: "c", arg: "none" },
  { key: "brief", long: "brief", short: "b", arg: "none" },
  { key: "name", long: "name", arg: "required" },
  { key: "partition", long: "partition", short: "r", arg: "required" },
  { key: "duplicates", long: "duplicates", short: "D", arg: "none" },
  { key: "version", long: "version", short: "V", arg: "none" },
];

const DEFAULT_SACCT_FORMAT = "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode";

/** Parses sacct's `-S`: `now-10minutes`, `now-1hours`, ISO dates; `undefined` when unknown. */
function parseSacctTime(text: string, now: number): number | undefined {
  const rel = /^now(?:-(\d+)(seconds|minutes|hours|days|weeks)?)?$/i.exec(text);
  if (rel !== null) {
    const amount = Number(rel[1] ?? 0);
    const unit = (rel[2] ?? "seconds").toLowerCase();
    const seconds = { seconds: 1, minutes: 60, hours: 3600, days: 86400, weeks: 604800 }[unit] ?? 1;
    return now - amount * seconds * 1000;
  }
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** `sacct [-j IDS | -S TIME] [-o FIELDS | -b | -c] [-X] [-P | -p] [-n] [-s STATES] [--name NAMES]`. */
export const sacct: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SACCT_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `sacct: ${parsed.error.message}\nTry "sacct --help" for more information\n`);
  }
  const has = (key: string) => parsed.options.some((o) => o.key === key);
  const get = (key: string) => lastValue(parsed.options, key);
  if (has("version")) return ok(`${VERSION}\n`);
  const engine = ctx.engine;
  const now = engine.now();
  const completion = has("completion");
  const fieldNames = (get("format") ??
    (has("brief")
      ? "JobID,State,ExitCode"
      : completion
      ? "JobID,JobName,State,ExitCode,Start,End"
      : DEFAULT_SACCT_FORMAT))
    .split(",").filter((f) => f !== "");
  const fields: Array<{ key: string; header: string; width: number; right: boolean }> = [];
  for (const name of fieldNames) {
    const [base = "", width] = name.split("%");
    const key = base.toLowerCase();
    const field = SACCT_FIELDS[key];
    if (field === undefined) return fail(1, `sacct: error: Invalid field requested: "${base}"\n`);
    fields.push({
      key,
      header: SACCT_HEADERS[key] ?? base,
      width: width === undefined ? field.width : Number(width),
      right: field.right,
    });
  }

  // Which jobs.
  let jobs: SimJob[];
  const jobsText = get("jobs");
  if (jobsText !== undefined) {
    jobs = [];
    const seen = new Set<SimJob>();
    for (const part of jobsText.split(",").filter((p) => p !== "")) {
      const id = parseJobIdArg(part);
      if (id === undefined) return fail(1, `sacct: fatal: Bad job/step specified: ${part}\n`);
      for (const job of engine.find(id.id)) {
        if (id.task !== undefined && job.arrayTaskId !== id.task) continue;
        if (!seen.has(job)) {
          seen.add(job);
          jobs.push(job);
        }
      }
    }
  } else {
    const startText = get("starttime");
    const since = startText === undefined
      ? Math.floor(now / 86_400_000) * 86_400_000
      : parseSacctTime(startText, now);
    if (since === undefined) {
      return fail(1, `sacct: error: Invalid time specification (pos=0): ${startText}\n`);
    }
    const user = get("user");
    const everyone = has("allusers") || ctx.user === "root";
    // A time window selects by eligibility: jobs held since submission have none.
    jobs = engine.jobs().filter((job) =>
      (job.endTime ?? now) >= since &&
      !(job.request.hold === true && job.startTime === undefined &&
        (job.held !== undefined || job.state !== "PENDING")) &&
      (user !== undefined
        ? user.split(",").includes(job.request.user)
        : everyone || job.request.user === ctx.user)
    );
  }
  const lag = engineLag(engine);
  const horizon = now - lag;
  let rows: AcctRow[] = [];
  const stateFilter = get("state")?.split(",").map((s) =>
    ALL_STATE_WORDS.get(s.toUpperCase()) ?? s.toUpperCase()
  );
  for (const job of [...jobs].sort(acctOrder)) {
    // Accounting sees each job as it was `lag` ago.
    if (job.submitTime > horizon) continue;
    let state: SimJobState = job.state;
    let end = job.endTime;
    if (end !== undefined && end > horizon) {
      end = undefined;
      state = job.startTime !== undefined && job.startTime <= horizon ? "RUNNING" : "PENDING";
    }
    if (completion && (end === undefined)) continue;
    if (stateFilter !== undefined && !stateFilter.includes(state)) continue;
    rows.push({ job, step: false, state, end });
    const ran = job.startTime !== undefined && job.startTime <= horizon;
    if (ran && !has("allocations") && !completion) rows.push({ job, step: true, state, end });
  }
  if (get("name") !== undefined) {
    const names = get("name")!.split(",");
    rows = rows.filter((r) => names.includes(r.job.request.name));
  }

  const parsable = has("parsable2") || has("parsable");
  const trailer = has("parsable") ? "|" : "";
  let stdout = "";
  if (parsable) {
    if (!has("noheader")) stdout += fields.map((f) => f.header).join("|") + trailer + "\n";
    for (const row of rows) {
      stdout += fields.map((f) => SACCT_FIELDS[f.key]!.value(row, now)).join("|") + trailer + "\n";
    }
    return ok(stdout);
  }
  const cell = (text: string, f: { width: number; right: boolean }) => {
    const cut = text.length > f.width ? text.slice(0, f.width - 1) + "+" : text;
    return f.right ? cut.padStart(f.width) : cut.padEnd(f.width);
  };
  if (!has("noheader")) {
    stdout += fields.map((f) => cell(f.header, f)).join(" ") + " \n";
    stdout += fields.map((f) => "-".repeat(f.width)).join(" ") + " \n";
  }
  for (const row of rows) {
    stdout += fields.map((f) => cell(SACCT_FIELDS[f.key]!.value(row, now), f)).join(" ") + " \n";
  }
  return ok(stdout);
};

function acctOrder(a: SimJob, b: SimJob): number {
  const ka = a.arrayJobId ?? a.id;
  const kb = b.arrayJobId ?? b.id;
  return ka - kb || (a.arrayTaskId ?? 0) - (b.arrayTaskId ?? 0);
}

function engineLag(engine: SimEngineApi): number {
  const lag = (engine as { accountingLagMs?: unknown }).accountingLagMs;
  return typeof lag === "number" ? lag : 0;
}

/** Whether a job that never started was held (by `--hold` or `scontrol hold`) when it ended. */
function heldWhenCancelled(job: SimJob): boolean {
  return job.startTime === undefined && (job.held !== undefined || job.request.hold === true);
}
