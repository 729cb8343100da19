// The PBS and LSF backends against what real schedulers printed: every status and accounting
// output of the OpenPBS 23.06, Torque 6.1 and OpenLava 4.0 recordings in
// test/fixtures/real-outputs/{openpbs,torque,openlava}/ (see PROVENANCE.md there) parses to
// the status, state and exit code the recorded jobs had, per task for arrays. The expectations
// come from the job scripts in <folder>/jobs/ and the commands that submitted them:
// - OpenPBS: 41 ok.sh (exit 0), 42 fail.sh (exit 3), 43 stdin (exit 0), 45 held then deleted,
//   46[] array.sh (task 3 exits 5), 47 afterok on 45 (stays H after 45 is deleted), 48 fail.sh
//   held then released, 49 afterok on 48, 53 sleeper deleted while running, 54 walltime 3 s,
//   55[] three sleepers deleted while running (task 3 never started), 56[] task k exits k.
// - Torque: 1 ok.sh, 2 fail.sh, 3 stdin, 4 ok.sh with options, 5 held then deleted, 6[]
//   array.sh, 9 sleeper deleted while running, 10 afterok on 5 (ran once 5 was deleted),
//   11 fail.sh held then released, 12 afterok on 11, 14 walltime 3 s, 15[] task k exits k,
//   deleted while tasks 2 and 3 slept or waited.
// - OpenLava: 104 ok.sh, 105 fail.sh, 108 held then killed, 109 `a[1-4]` (element 3 exits 5),
//   111 done(108), 112 done(105), 117 sleeper killed while running, 119 `-W 1` run limit.
// Then: garbled entries fail only their own job, never the batch (constructed fixtures in
// test/fixtures/pbs/constructed-* follow public bug reports, see PROVENANCE.md), and the LSF
// backend learns once per transport that OpenLava has no `bjobs -o`.
import assert from "node:assert/strict";
import { lsf } from "../../backends/lsf.ts";
import { pbs } from "../../backends/pbs.ts";
import { pbspro } from "../../backends/pbspro.ts";
import type { Backend, JobInfo } from "../../src/core/backend.ts";
import { QueryError } from "../../src/core/errors.ts";
import { Status, type StatusCode } from "../../src/core/status.ts";
import type { CommandOutput, RunOptions, Transport } from "../../src/core/transport.ts";
import { AsyncResult } from "../../src/run/async_result.ts";
import { VirtualClock } from "../../sim/engine/virtual_clock.ts";
import { documentedOutput, realOutput } from "../_backend_fixtures.ts";
import { listRecordings, readRecording } from "../_normalize.ts";

/** The output of recording `n` (`"042"`) of a product (`"openlava"`). */
async function outputOf(folder: string, n: string): Promise<CommandOutput> {
  return (await realOutput(folder, n)).output;
}

/** What a parser should say about one id: a JobInfo (reason by pattern), absent, or failed. */
type Expected =
  | { status: StatusCode; state: string; exitCode?: number; reason?: RegExp }
  | "absent"
  | "failed";

/** One recording: its number and what each asked id should come out as. */
interface Case {
  n: string;
  expect: Record<string, Expected>;
}

const { PENDING, RUNNING, COMPLETED, FAILED, CANCELLED } = Status;
const job = (status: StatusCode, state: string, exitCode?: number, reason?: RegExp): Expected => {
  const expected: Expected = { status, state };
  if (exitCode !== undefined) expected.exitCode = exitCode;
  if (reason !== undefined) expected.reason = reason;
  return expected;
};

/** OpenPBS `qstat -f` (status) and `qstat -x -f` (accounting) recordings. */
const OPENPBS: Case[] = [
  {
    n: "024",
    expect: {
      "41.vm-pbs": job(RUNNING, "R", undefined, /^Job run at/),
      "45.vm-pbs": job(PENDING, "H"),
      "47.vm-pbs": job(PENDING, "H"),
    },
  },
  { n: "025", expect: { "45.vm-pbs": job(PENDING, "H") } },
  { n: "026", expect: { "47.vm-pbs": job(PENDING, "H") } },
  { n: "030", expect: { "46[].vm-pbs": job(PENDING, "Q", undefined, /^Not Running/) } },
  {
    n: "031",
    expect: {
      "46[].vm-pbs": job(RUNNING, "R"),
      "46[1].vm-pbs": job(RUNNING, "R"),
      "46[2].vm-pbs": job(PENDING, "Q"),
      "46[3].vm-pbs": job(PENDING, "Q"),
      "46[4].vm-pbs": job(PENDING, "Q"),
    },
  },
  { n: "032", expect: { "46[2].vm-pbs": job(PENDING, "Q") } },
  { n: "034", expect: { "99999.vm-pbs": "absent" } },
  { n: "035", expect: { "45.vm-pbs": job(PENDING, "H"), "99999.vm-pbs": "absent" } },
  { n: "036", expect: { "45": job(PENDING, "H") } },
  { n: "037", expect: { "not-a-job": "failed" } },
  { n: "039", expect: { "48.vm-pbs": job(FAILED, "F", 3) } },
  {
    n: "040",
    expect: { "49.vm-pbs": job(CANCELLED, "F", undefined, /^finished without running/) },
  },
  { n: "042", expect: { "41.vm-pbs": "absent" } },
  { n: "045", expect: { "41.vm-pbs": job(COMPLETED, "F", 0) } },
  { n: "046", expect: { "42.vm-pbs": job(FAILED, "F", 3) } },
  { n: "047", expect: { "43.vm-pbs": job(COMPLETED, "F", 0) } },
  {
    n: "048",
    expect: {
      "41.vm-pbs": job(COMPLETED, "F", 0),
      "42.vm-pbs": job(FAILED, "F", 3),
      "99999.vm-pbs": "absent",
    },
  },
  // Without -t only the summary: its Exit_status says 0, its substate (93) says failed.
  { n: "053", expect: { "46[].vm-pbs": job(FAILED, "F", undefined, /summary record/) } },
  {
    n: "054",
    expect: {
      "46[].vm-pbs": job(FAILED, "F", 5),
      "46[1].vm-pbs": job(COMPLETED, "F", 0),
      "46[2].vm-pbs": job(COMPLETED, "F", 0),
      "46[3].vm-pbs": job(FAILED, "F", 5),
      "46[4].vm-pbs": job(COMPLETED, "F", 0),
    },
  },
  {
    n: "061",
    expect: {
      "53.vm-pbs": job(CANCELLED, "F", 143, /^deleted while running, killed by signal 15/),
    },
  },
  { n: "062", expect: { "45.vm-pbs": job(CANCELLED, "F", undefined, /^deleted before it ran/) } },
  { n: "063", expect: { "47.vm-pbs": job(PENDING, "H") } },
  { n: "065", expect: { "54.vm-pbs": job(FAILED, "F", undefined, /^timeout: walltime limit/) } },
  { n: "075", expect: { "47.vm-pbs": job(PENDING, "H") } },
  {
    n: "082",
    expect: {
      "55[].vm-pbs": job(CANCELLED, "F", 143),
      "55[1].vm-pbs": job(CANCELLED, "F", 143, /^deleted while running/),
      "55[2].vm-pbs": job(CANCELLED, "F", 143, /^deleted while running/),
      // Never started, yet `Exit_status = 1`: substate 91 says it was deleted.
      "55[3].vm-pbs": job(CANCELLED, "F", undefined, /^deleted before it ran: Subjob finished/),
    },
  },
  {
    n: "085",
    expect: {
      "56[].vm-pbs": job(RUNNING, "R"),
      "56[1].vm-pbs": job(FAILED, "X", 1),
      "56[2].vm-pbs": job(RUNNING, "R"),
      "56[3].vm-pbs": job(RUNNING, "R"),
    },
  },
  { n: "087", expect: { "56[1].vm-pbs": job(FAILED, "X", 1) } },
  { n: "088", expect: { "56[1].vm-pbs": job(FAILED, "X", 1) } },
];

/** Torque `qstat -f` (status: finished jobs stay as C) and `tracejob` (accounting) recordings. */
const TORQUE: Case[] = [
  {
    n: "020",
    expect: {
      "1.vm": job(RUNNING, "R", undefined, /^Job started/),
      "4.vm": job(PENDING, "Q", undefined, /^Not Running/),
      "5.vm": job(PENDING, "H"),
    },
  },
  { n: "021", expect: { "5.vm": job(PENDING, "H") } },
  // `qstat -f 6[].vm` without -t lists every job of the queue: only 6[].vm's record counts.
  { n: "024", expect: { "6[].vm": job(PENDING, "Q") } },
  {
    n: "025",
    expect: {
      "6[].vm": job(PENDING, "Q"),
      "6[1].vm": job(PENDING, "Q"),
      "6[2].vm": job(PENDING, "Q"),
      "6[3].vm": job(PENDING, "Q"),
      "6[4].vm": job(PENDING, "Q"),
    },
  },
  { n: "026", expect: { "6[2].vm": job(PENDING, "Q") } },
  { n: "028", expect: { "99999.vm": "absent" } },
  { n: "029", expect: { "5.vm": job(PENDING, "H"), "99999.vm": "absent" } },
  { n: "030", expect: { "5": job(PENDING, "H") } },
  { n: "031", expect: { "not-a-job": "failed" } },
  { n: "038", expect: { "10.vm": job(PENDING, "H") } },
  { n: "039", expect: { "5.vm": job(PENDING, "H") } },
  { n: "040", expect: { "9.vm": job(RUNNING, "R") } },
  { n: "042", expect: { "11.vm": job(FAILED, "C", 3) } },
  {
    n: "043",
    expect: {
      "12.vm": job(
        CANCELLED,
        "C",
        undefined,
        /^deleted before it ran \(exit status 271\): Job deleted as result of dependency on job 11\.vm$/,
      ),
    },
  },
  { n: "045", expect: { "1.vm": job(COMPLETED, "C", 0) } },
  { n: "046", expect: { "2.vm": job(FAILED, "C", 3) } },
  { n: "047", expect: { "3.vm": job(COMPLETED, "C", 0) } },
  {
    n: "048",
    expect: { "1.vm": job(COMPLETED, "C", 0), "2.vm": job(FAILED, "C", 3), "99999.vm": "absent" },
  },
  // The summary of a finished array has no exit status, and without -t no task is listed:
  // a query error for that id, never CANCELLED.
  { n: "053", expect: { "6[].vm": "failed" } },
  {
    n: "054",
    expect: {
      "6[].vm": job(FAILED, "C", 5),
      "6[1].vm": job(COMPLETED, "C", 0),
      "6[2].vm": job(COMPLETED, "C", 0),
      "6[3].vm": job(FAILED, "C", 5),
      "6[4].vm": job(COMPLETED, "C", 0),
    },
  },
  { n: "060", expect: { "9.vm": job(CANCELLED, "C", 143, /^killed by signal 15/) } },
  { n: "061", expect: { "5.vm": job(CANCELLED, "C", undefined, /^finished without running/) } },
  { n: "062", expect: { "10.vm": job(COMPLETED, "C", 0) } },
  { n: "064", expect: { "14.vm": job(FAILED, "C", undefined, /^timeout: walltime limit/) } },
  { n: "067", expect: { "15[].vm": job(RUNNING, "R") } },
  {
    n: "069",
    expect: {
      "15[].vm": job(FAILED, "C", 1),
      "15[1].vm": job(FAILED, "C", 1),
      "15[2].vm": job(CANCELLED, "C", 143),
      "15[3].vm": job(CANCELLED, "C", undefined, /^finished without running/),
    },
  },
  { n: "070", expect: { "1.vm": job(COMPLETED, "C", 0) } },
  { n: "071", expect: { "2.vm": job(FAILED, "C", 3) } },
  { n: "072", expect: { "9.vm": job(CANCELLED, "C", 143) } },
  { n: "073", expect: { "5.vm": job(CANCELLED, "C", undefined, /^deleted before it ran/) } },
  { n: "074", expect: { "6[].vm": "absent" } },
  { n: "075", expect: { "6[3].vm": job(FAILED, "C", 5) } },
  { n: "076", expect: { "14.vm": job(FAILED, "C", undefined, /^timeout: walltime limit/) } },
  { n: "077", expect: { "99999.vm": "absent" } },
];

/** OpenLava `bjobs -l` (the dialect's status), `bjobs -o` and `bhist -l -n 0` recordings. */
const OPENLAVA: Case[] = [
  { n: "026", expect: { "104": job(PENDING, "PEND", undefined, /^New job is waiting/) } },
  { n: "027", expect: { "108": job(PENDING, "PSUSP", undefined, /suspended by the user/) } },
  { n: "028", expect: { "111": job(PENDING, "PEND") } },
  { n: "032", expect: { "104": "failed" } },
  { n: "033", expect: { "104": "failed" } },
  // `bjobs 99999`: the same complaint as `bjobs -l 99999` (the id is looked up before -l matters).
  { n: "036", expect: { "99999": "absent" } },
  { n: "042", expect: { "104": job(COMPLETED, "DONE", 0) } },
  { n: "043", expect: { "105": job(FAILED, "EXIT", 3) } },
  {
    n: "044",
    expect: {
      "109": job(FAILED, "EXIT", 5),
      "109[1]": job(COMPLETED, "DONE", 0),
      "109[2]": job(COMPLETED, "DONE", 0),
      "109[3]": job(FAILED, "EXIT", 5),
      "109[4]": job(COMPLETED, "DONE", 0),
    },
  },
  { n: "046", expect: { "112": job(PENDING, "PEND", undefined, /never satisfied/) } },
  { n: "047", expect: { "104": job(COMPLETED, "DONE", 0) } },
  { n: "048", expect: { "105": job(FAILED, "EXIT", 3) } },
  {
    n: "049",
    expect: {
      "109": job(FAILED, "EXIT", 5),
      "109[1]": job(COMPLETED, "DONE", 0),
      "109[2]": job(COMPLETED, "DONE", 0),
      "109[3]": job(FAILED, "EXIT", 5),
      "109[4]": job(COMPLETED, "DONE", 0),
    },
  },
  { n: "050", expect: { "104": job(COMPLETED, "DONE", 0), "105": job(FAILED, "EXIT", 3) } },
  { n: "051", expect: { "99999": "absent" } },
  { n: "060", expect: { "117": job(CANCELLED, "EXIT", 130, /bkill/) } },
  { n: "061", expect: { "108": job(CANCELLED, "EXIT", undefined, /killed while pending/) } },
  { n: "062", expect: { "117": job(CANCELLED, "EXIT", 130, /^Signal <KILL> requested/) } },
  { n: "063", expect: { "108": job(CANCELLED, "EXIT", undefined, /^Signal <KILL> requested/) } },
  { n: "064", expect: { "111": job(PENDING, "PEND", undefined, /never satisfied/) } },
  { n: "069", expect: { "119": job(FAILED, "EXIT", 140, /^timeout: run limit of 1\.0 min/) } },
  { n: "070", expect: { "119": job(FAILED, "EXIT", 140, /^timeout: run limit of 1\.0 min/) } },
];

/** The OpenLava dialect of the LSF backend, as its poller learns it from recording 032. */
async function openlavaDialect(): Promise<Backend> {
  const dialect = lsf.dialectFor?.(await outputOf("openlava", "032"));
  assert.ok(dialect !== undefined, "bjobs: invalid option -- 'o' selects the OpenLava dialect");
  return dialect;
}

/** Which parser of which backend reads a recorded command's output. */
async function parserFor(
  folder: string,
  cmd: string,
): Promise<(output: CommandOutput, ids: string[]) => Map<string, JobInfo>> {
  if (folder === "openpbs") {
    return cmd.startsWith("qstat -x")
      ? (output, ids) => pbspro.parseAccounting(output, ids)
      : (output, ids) => pbspro.parseStatus(output, ids);
  }
  if (folder === "torque") {
    return cmd.startsWith("tracejob")
      ? (output, ids) => pbs.parseAccounting(output, ids)
      : (output, ids) => pbs.parseStatus(output, ids);
  }
  if (cmd.startsWith("bhist")) return (output, ids) => lsf.parseAccounting(output, ids);
  if (cmd.startsWith("bjobs -o")) return (output, ids) => lsf.parseStatus(output, ids);
  const dialect = await openlavaDialect();
  return (output, ids) => dialect.parseStatus(output, ids);
}

/** Parses `ids` with `parse`, turning a QueryError into per-id failures (as the poller does). */
function outcome(
  parse: () => Map<string, JobInfo>,
  ids: readonly string[],
): Map<string, JobInfo | "absent" | "failed"> {
  const result = new Map<string, JobInfo | "absent" | "failed">();
  try {
    const parsed = parse();
    for (const id of ids) result.set(id, parsed.get(id) ?? "absent");
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    for (const id of ids) {
      const failed = error.failedIds === undefined || error.failedIds.includes(id);
      result.set(id, failed ? "failed" : error.parsed.get(id) ?? "absent");
    }
  }
  return result;
}

function check(label: string, actual: JobInfo | "absent" | "failed", expected: Expected): void {
  if (typeof expected === "string" || typeof actual === "string") {
    assert.deepEqual(actual, expected, label);
    return;
  }
  assert.equal(actual.status, expected.status, `${label}: status (${JSON.stringify(actual)})`);
  assert.equal(actual.state, expected.state, `${label}: state`);
  assert.equal(actual.exitCode, expected.exitCode, `${label}: exitCode`);
  if (expected.reason !== undefined) {
    assert.match(actual.reason ?? "", expected.reason, `${label}: reason`);
  }
}

for (
  const [folder, cases] of [["openpbs", OPENPBS], ["torque", TORQUE], [
    "openlava",
    OPENLAVA,
  ]] as const
) {
  Deno.test(`${folder}: every recorded status and accounting output parses to the jobs' outcome`, async () => {
    for (const { n, expect } of cases) {
      const { cmd, output } = await realOutput(folder, n);
      const parse = await parserFor(folder, cmd);
      const ids = Object.keys(expect);
      const actual = outcome(() => parse(output, ids), ids);
      for (const id of ids) check(`${folder}/${n} (${cmd}) ${id}`, actual.get(id)!, expect[id]!);
    }
  });
}

/** The recorded commands whose outputs a backend's status or accounting parser reads. */
const QUERIES: Record<string, RegExp> = {
  openpbs: /^qstat (?:-x )?-f(?: -t)? (?!-)/,
  torque: /^qstat -f(?: -t)? (?!-)|^tracejob /,
  openlava: /^bjobs -[lo] |^bhist -l /,
};

Deno.test("every recorded qstat -f, tracejob, bjobs -l/-o and bhist -l output is in the tables", () => {
  for (
    const [folder, cases] of [["openpbs", OPENPBS], ["torque", TORQUE], [
      "openlava",
      OPENLAVA,
    ]] as const
  ) {
    const covered = new Set(cases.map((entry) => entry.n));
    for (const name of listRecordings(folder)) {
      const { cmd } = readRecording(folder, name);
      if (!QUERIES[folder]!.test(cmd) || /\s-F\s/.test(cmd)) continue;
      assert.ok(covered.has(name.slice(0, 3)), `${folder}/${name}: ${cmd}`);
    }
  }
});

Deno.test("torque: records of jobs that were not asked about are ignored (qstat -f N[] lists all)", async () => {
  const output = await outputOf("torque", "067");
  const result = pbs.parseStatus(output, ["15[].vm"]);
  assert.deepEqual([...result.keys()], ["15[].vm"]);
});

Deno.test("openpbs: a value wrapped on a blank keeps it; a value wrapped inside a word is joined", async () => {
  // 061: "… and terminated" / "\t by pbsuser@vm-pbs"; 065: "… exceeded r" / "\tesource walltime".
  const { parseQstatFull } = await import("../../backends/_pbs_family.ts");
  const deleted = parseQstatFull((await outputOf("openpbs", "061")).stdout);
  assert.equal(
    deleted.jobs[0]?.attributes.get("comment"),
    "Job run at Tue Dec 01 at 21:48 on (vm-pbs:ncpus=1) and terminated by pbsuser@vm-pbs",
  );
  const killed = parseQstatFull((await outputOf("openpbs", "065")).stdout);
  assert.equal(
    killed.jobs[0]?.attributes.get("comment"),
    "Job run at Tue Dec 01 at 21:48 on (vm-pbs:ncpus=1) and exceeded resource walltime",
  );
  const mixed = parseQstatFull((await outputOf("openpbs", "085")).stdout);
  assert.equal(
    mixed.jobs[0]?.attributes.get("Submit_arguments"),
    "-J 1-3 -N mixed -- /bin/bash -c [ $PBS_ARRAY_INDEX = 1 ] || sleep 20; exit $PBS_ARRAY_INDEX",
  );
});

Deno.test("torque: qstat exiting 153 without a word means the ids are no longer in the queue", () => {
  // A purged job: `qstat: Unknown Job Id Error …` (recording 028) or, as some builds do, nothing.
  assert.equal(pbs.parseStatus({ code: 153, stdout: "", stderr: "" }, ["7.vm"]).size, 0);
  assert.throws(() => pbs.parseStatus({ code: 1, stdout: "", stderr: "" }, ["7.vm"]), QueryError);
});

Deno.test("torque: C with an exec_host and no exit_status ran, with an unknown outcome: FAILED", () => {
  const stdout = "Job Id: 7.vm\n    job_state = C\n    exec_host = node1/0\n" +
    "    Resource_List.walltime = 01:00:00\n\nJob Id: 8.vm\n    job_state = C\n";
  const result = pbs.parseStatus({ code: 0, stdout, stderr: "" }, ["7.vm", "8.vm"]);
  const ran = result.get("7.vm");
  assert.equal(ran?.status, Status.FAILED);
  assert.equal(ran?.exitCode, undefined);
  assert.match(ran?.reason ?? "", /^ran on node1\/0 but finished without an exit status/);
  assert.equal(result.get("8.vm")?.status, Status.CANCELLED, "never ran: deleted while queued");
});

/** What a parse says about `ids`: its map, or the error's partial answer. */
function partial(
  parse: () => Map<string, JobInfo>,
): { error?: QueryError; infos: Map<string, JobInfo> } {
  try {
    return { infos: parse() };
  } catch (error) {
    assert.ok(error instanceof QueryError, String(error));
    return { error, infos: new Map(error.parsed) };
  }
}

Deno.test("torque: an exported bash function in Variable_List breaks nothing (constructed)", async () => {
  const stdout = await documentedOutput("pbs", "constructed-torque-qstat-f-bash-function.out");
  const ids = ["120.login1", "121.login1", "122.login1"];
  const result = pbs.parseStatus({ code: 0, stdout, stderr: "" }, ids);
  assert.deepEqual(result.get("120.login1"), { status: COMPLETED, state: "C", exitCode: 0 });
  assert.equal(result.get("121.login1")?.status, RUNNING);
  assert.deepEqual(result.get("122.login1"), { status: FAILED, state: "C", exitCode: 3 });
  const { parseQstatFull } = await import("../../backends/_pbs_family.ts");
  const variables = parseQstatFull(stdout).jobs[1]?.attributes.get("Variable_List") ?? "";
  assert.match(variables, /\n},BASH_FUNC_ml%%=\(\) \{ {2}module ml "\$@"\n},PBS_O_WORKDIR=/);
  assert.match(variables, /\n sleep \$attempt;\n done;\n return 1\n/);
  assert.ok(variables.endsWith("PBS_O_HOST=login1,PBS_O_SERVER=login1"));
  const last = parseQstatFull(stdout).jobs[2]?.attributes;
  assert.ok(last?.get("Variable_List")?.endsWith("bash $*`\n}"));
  assert.equal(last?.get("euser"), "alice");
});

Deno.test("torque: a multi-line sched_hint with column-0 text breaks nothing (constructed)", async () => {
  const stdout = await documentedOutput("pbs", "constructed-torque-qstat-f-sched-hint.out");
  const ids = ["200.login1", "201.login1", "202.login1"];
  const result = pbs.parseStatus({ code: 0, stdout, stderr: "" }, ids);
  assert.equal(result.get("200.login1")?.status, RUNNING);
  assert.deepEqual(result.get("201.login1"), { status: COMPLETED, state: "C", exitCode: 0 });
  assert.equal(result.get("202.login1")?.status, PENDING);
  const { parseQstatFull } = await import("../../backends/_pbs_family.ts");
  const hint = parseQstatFull(stdout).jobs[1]?.attributes.get("sched_hint") ?? "";
  assert.match(hint, /on host node04\n\nUnable to copy file 201\.login1\.OU to /);
  assert.match(
    hint,
    /\n\*\*\* error from copy\n\/bin\/cp: cannot stat `201\.login1\.OU': No such file/,
  );
});

Deno.test("pbs: an unreadable record fails only its own job; the rest of the batch is read", async () => {
  const recorded = await outputOf("torque", "048");
  const ids = ["1.vm", "2.vm", "99999.vm"];
  for (
    const garble of [
      (text: string) =>
        text.replace(
          /(Job Id: 2\.vm\n {4}Job_Name = fail\n(?:.*\n)*? {4})job_state = C/,
          "$1job_state = ?",
        ),
      (text: string) => text.replace("Job Id: 2.vm\n", "Job Id: 2.vm\nthis is no attribute\n"),
      (text: string) =>
        text.replace(/(Job Id: 2\.vm\n(?:.*\n)*? {4})exit_status = 3/, "$1exit_status = three"),
      (text: string) => text.replace(/(Job Id: 2\.vm\n(?:.*\n)*?) {4}job_state = C\n/, "$1"),
    ]
  ) {
    const stdout = garble(recorded.stdout);
    assert.notEqual(stdout, recorded.stdout);
    const { error, infos } = partial(() => pbs.parseStatus({ ...recorded, stdout }, ids));
    assert.deepEqual(error?.failedIds, ["2.vm"], error?.message);
    assert.deepEqual(infos.get("1.vm"), { status: COMPLETED, state: "C", exitCode: 0 });
    assert.equal(infos.has("99999.vm"), false, "unknown on stderr: absent, not failed");
  }
  // Text before the first record belongs to no job: the ids without a record fail with it.
  const stray = { ...recorded, stdout: `qstat: warning\n${recorded.stdout}` };
  const { error } = partial(() => pbs.parseStatus(stray, ["1.vm", "2.vm", "3.vm"]));
  assert.deepEqual(error?.failedIds, ["3.vm"]);
  assert.equal(error?.parsed.get("2.vm")?.exitCode, 3);
});

Deno.test("pbspro: an unreadable subjob record fails its array, not the other jobs", async () => {
  const array = (await outputOf("openpbs", "054")).stdout;
  const plain = (await outputOf("openpbs", "045")).stdout;
  const stdout = plain + array.replace("Exit_status = 5", "Exit_status = x");
  const ids = ["41.vm-pbs", "46[].vm-pbs", "46[1].vm-pbs"];
  const { error, infos } = partial(() =>
    pbspro.parseAccounting({ code: 0, stdout, stderr: "" }, ids)
  );
  assert.deepEqual(error?.failedIds, ["46[].vm-pbs"]);
  assert.equal(infos.get("41.vm-pbs")?.status, COMPLETED);
  assert.equal(infos.get("46[1].vm-pbs")?.status, COMPLETED);
});

/** Two recorded `bjobs -l` records as one answer, as bjobs -l prints several jobs. */
async function twoRecords(): Promise<string> {
  const done = (await outputOf("openlava", "042")).stdout;
  const exit = (await outputOf("openlava", "043")).stdout;
  return `${done.trimEnd()}\n${"-".repeat(78)}\n${exit}`;
}

Deno.test("lsf: an unreadable record or line fails only its own job", async () => {
  const dialect = await openlavaDialect();
  const both = await twoRecords();
  const read = dialect.parseStatus({ code: 0, stdout: both, stderr: "" }, ["104", "105"]);
  assert.equal(read.get("104")?.status, COMPLETED);
  assert.equal(read.get("105")?.exitCode, 3);
  const garbled = both.replace("Status <EXIT>", "Status <HUH>");
  const { error, infos } = partial(() =>
    dialect.parseStatus({ code: 0, stdout: garbled, stderr: "" }, ["104", "105"])
  );
  assert.deepEqual(error?.failedIds, ["105"]);
  assert.equal(infos.get("104")?.status, COMPLETED);
  // bhist: a record without events among good ones.
  const history = (await outputOf("openlava", "050")).stdout +
    "\nJob Id <106>, User <pbsuser>, Project <default>, Command <./ok.sh>\n";
  const accounting = partial(() =>
    lsf.parseAccounting({ code: 0, stdout: history, stderr: "" }, ["104", "105", "106"])
  );
  assert.deepEqual(accounting.error?.failedIds, ["106"]);
  assert.equal(accounting.infos.get("105")?.exitCode, 3);
  // LSF 10 bjobs -o: a line of an unknown state fails its job only.
  const lines = "104|DONE|-|-\n105|HUH|3|-\n106|RUN|-|-\n";
  const status = partial(() =>
    lsf.parseStatus({ code: 0, stdout: lines, stderr: "" }, ["104", "105", "106"])
  );
  assert.deepEqual(status.error?.failedIds, ["105"]);
  assert.equal(status.infos.get("106")?.status, RUNNING);
});

/** A transport that answers each command line from a table (the last answer repeats). */
class ScriptedTransport implements Transport {
  readonly name = "scripted";
  readonly clock: VirtualClock = new VirtualClock();
  readonly log: string[] = [];
  readonly #answers: Map<string, CommandOutput[]>;

  constructor(answers: Record<string, CommandOutput | CommandOutput[]>) {
    this.#answers = new Map(
      Object.entries(answers).map(([cmd, output]) => [cmd, [output].flat()]),
    );
  }

  run(argv: readonly string[], _options?: RunOptions): Promise<CommandOutput> {
    const cmd = argv.join(" ");
    this.log.push(cmd);
    const answers = this.#answers.get(cmd);
    if (answers === undefined) {
      return Promise.resolve({ code: 127, stdout: "", stderr: `unexpected: ${cmd}\n` });
    }
    return Promise.resolve(answers.length > 1 ? answers.shift()! : answers[0]!);
  }
  writeFile(): Promise<void> {
    return Promise.resolve();
  }
  readFile(path: string): Promise<string> {
    return Promise.reject(new Error(`no file ${path}`));
  }
  mkdir(): Promise<void> {
    return Promise.resolve();
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
}

const BJOBS_O = "bjobs -o jobid stat exit_code exit_reason delimiter='|' -noheader";

Deno.test("lsf on OpenLava: the poller learns once per transport that bjobs has no -o", async () => {
  const invalid = await outputOf("openlava", "032");
  const done = await outputOf("openlava", "042");
  const exit = await outputOf("openlava", "043");
  const transport = new ScriptedTransport({
    [`${BJOBS_O} 104 105`]: invalid,
    [`${BJOBS_O} 104`]: invalid,
    "bjobs -l 104 105": { code: 0, stdout: await twoRecords(), stderr: "" },
    "bjobs -l 104": done,
    "bjobs -l 105": exit,
  });
  const first = new AsyncResult({ backend: lsf, jobId: "104", transport });
  const second = new AsyncResult({ backend: lsf, jobId: "105", transport });
  assert.deepEqual(await Promise.all([first.wait(), second.wait()]), [COMPLETED, FAILED]);
  assert.equal(second.exitCode, 3);
  assert.deepEqual(transport.log, [`${BJOBS_O} 104 105`, "bjobs -l 104 105"]);
  // Learned for good: a later run on the same transport asks bjobs -l at once.
  const again = new AsyncResult({ backend: lsf, jobId: "105", transport });
  assert.equal(await again.wait(), FAILED);
  assert.deepEqual(transport.log.slice(2), ["bjobs -l 105"]);
  // Another transport learns on its own.
  const other = new ScriptedTransport({ [`${BJOBS_O} 104`]: invalid, "bjobs -l 104": done });
  assert.equal(
    await new AsyncResult({ backend: lsf, jobId: "104", transport: other }).wait(),
    COMPLETED,
  );
  assert.deepEqual(other.log, [`${BJOBS_O} 104`, "bjobs -l 104"]);
});

Deno.test("lsf: a bjobs -o failure that is not a missing option stays a query error", async () => {
  const down = { code: 255, stdout: "", stderr: "LSF is down. Please wait ...\n" };
  assert.equal(lsf.dialectFor?.(down), undefined);
  const invalid = await outputOf("openlava", "032");
  const dialect = lsf.dialectFor?.(invalid);
  assert.ok(dialect !== undefined);
  assert.equal(dialect.dialectFor, undefined, "the dialect has no further fallback");
  assert.deepEqual(dialect.statusCommands(["1", "2[3]"]), [
    { argv: ["bjobs", "-l", "1", "2[3]"], ids: ["1", "2[3]"] },
  ]);
  assert.deepEqual(dialect.accountingCommands(["1"]), lsf.accountingCommands(["1"]));
});

Deno.test("the poller keeps what a partly garbled answer says and fails only the garbled job", async () => {
  const recorded = await outputOf("torque", "048");
  const garbled = recorded.stdout.replace(
    /(Job Id: 2\.vm\n(?:.*\n)*? {4})job_state = C/,
    "$1job_state = ?",
  );
  const transport = new ScriptedTransport({
    "qstat -f 1.vm 2.vm": [{ ...recorded, stdout: garbled, code: 0, stderr: "" }, {
      ...recorded,
      code: 0,
      stderr: "",
    }],
    "qstat -f 2.vm": { ...recorded, code: 0, stderr: "" },
  });
  const ok = new AsyncResult({ backend: pbs, jobId: "1.vm", transport });
  const bad = new AsyncResult({ backend: pbs, jobId: "2.vm", transport });
  const [okStatus, badStatus] = await Promise.all([ok.wait(), bad.wait()]);
  assert.equal(okStatus, COMPLETED, "read from the garbled answer");
  assert.equal(badStatus, FAILED);
  assert.equal(bad.exitCode, 3);
  // The first answer could not tell 2.vm's state: it was asked again, never sent to tracejob.
  assert.equal(transport.log[0], "qstat -f 1.vm 2.vm");
  assert.ok(transport.log.slice(1).every((cmd) => cmd === "qstat -f 2.vm"), String(transport.log));
  assert.ok(!transport.log.some((cmd) => cmd.startsWith("tracejob")));
});

Deno.test("openlava: a RUNLIMIT job timed out only when it ran for its limit", async () => {
  const dialect = await openlavaDialect();
  const recorded = await outputOf("openlava", "069");
  // The job ran 61 s of 60; the same record ending after 30 s exited 140 on its own.
  const early = recorded.stdout.replace(
    "Tue Dec  1 23:11:28: Exited",
    "Tue Dec  1 23:10:57: Exited",
  );
  assert.notEqual(early, recorded.stdout);
  const info = dialect.parseStatus({ ...recorded, stdout: early }, ["119"]).get("119");
  assert.deepEqual(info, { status: FAILED, state: "EXIT", exitCode: 140 });
  // A job that trapped SIGUSR2 and was killed later (exit 137) after its limit: a timeout too.
  const trapped = recorded.stdout.replace("exit code 140", "exit code 137");
  const killed = dialect.parseStatus({ ...recorded, stdout: trapped }, ["119"]).get("119");
  assert.match(killed?.reason ?? "", /^timeout: run limit of 1\.0 min reached$/);
});
