// The SGE emulator's qacct (sim/sge/qacct.ts): option handling, record selection and the
// summary, checked against verbatim SGE 8.1.9 output in test/fixtures/sge/.
import assert from "node:assert/strict";
import { SimEngine } from "../../../sim/engine/engine.ts";
import { VirtualClock } from "../../../sim/engine/virtual_clock.ts";
import { qacctWallclock } from "../../../sim/sge/_qacct_record.ts";
import { SgeCommandError } from "../../../sim/sge/_errors.ts";
import { parseQacctArgs, runQacct } from "../../../sim/sge/qacct.ts";
import type { SimJob, SimSubmitRequest } from "../../../sim/types.ts";
import { capturedOutput } from "../../_backend_fixtures.ts";

const SEPARATOR = "=".repeat(62);

/** A stand-in for _qacct_record.ts (showjob): the separator and the fields the tests look at. */
function record(job: SimJob): string {
  return `${SEPARATOR}\njobname      ${job.request.name}\njobnumber    ${
    job.arrayJobId ?? job.id
  }\nru_wallclock ${qacctWallclock(job)}s\n`;
}

/** An engine where alice's jobs 1 (120 s) and 2 (60 s) and bob's job 3 (0 s) have finished. */
async function finishedJobs(): Promise<{ engine: SimEngine; clock: VirtualClock }> {
  const clock = new VirtualClock({ start: Date.UTC(2026, 10, 25, 8, 0, 0) });
  const runtimes: Record<string, number> = { first: 120, second: 60, other: 0 };
  const engine = new SimEngine({
    kind: "sge",
    clock,
    nodes: [{ name: "vm", cpus: 4, memoryMB: 8000 }],
    model: (job) => ({ runtimeSeconds: runtimes[job.request.name] ?? 1, exitCode: 0 }),
  });
  const request = (name: string, user: string): SimSubmitRequest => ({
    name,
    script: "#!/bin/sh\n",
    workdir: `/home/${user}`,
    user,
  });
  engine.submit(request("first", "alice"));
  engine.submit(request("second", "alice"));
  engine.submit(request("other", "bob"));
  await clock.runUntilIdle();
  return { engine, clock };
}

function qacct(engine: SimEngine, ...args: string[]) {
  return runQacct({
    engine,
    args,
    stdin: "",
    cwd: "/home/alice",
    env: {},
    user: "alice",
    readFile: () => undefined,
  }, { version: "SGE 8.1.9", hasRecord: (job) => job.startTime !== undefined, record });
}

Deno.test("sim qacct -j: every record in accounting order, then Total System Usage", async () => {
  const { engine } = await finishedJobs();
  const out = qacct(engine, "-j");
  assert.equal(out.code, 0);
  const [records, summary] = out.stdout.split("Total System Usage\n");
  assert.deepEqual([...records!.matchAll(/^jobnumber +(\d+)$/gm)].map((m) => m[1]), [
    "3",
    "2",
    "1",
  ]);
  const title = "    WALLCLOCK         UTIME         STIME           CPU             MEMORY" +
    "                 IO                IOW";
  assert.equal(
    summary,
    `${title}\n${"=".repeat(112)}\n` +
      "          180         0.000         0.000         0.000              0.000" +
      "              0.000              0.000\n",
  );
  // `-j` followed by another option is the same listing.
  assert.equal(qacct(engine, "-j", "-o", "bob").stdout.match(/^jobnumber/gm)?.length, 1);
});

Deno.test("sim qacct -o OWNER -j: that owner's records; the summary header matches SGE 8.1.9", async () => {
  const { engine } = await finishedJobs();
  const alice = qacct(engine, "-o", "alice", "-j");
  assert.deepEqual([...alice.stdout.matchAll(/^jobnumber +(\d+)$/gm)].map((m) => m[1]), ["2", "1"]);
  assert.match(alice.stdout, /\nOWNER {5}WALLCLOCK .*\n={118}\nalice +180 +0\.000/);
  // Byte for byte what the real qacct printed for an owner without records.
  const real = await capturedOutput("sge", "qacct-o-owner-j-none");
  assert.deepEqual(qacct(engine, "-o", "nosuchuser", "-j"), real);
  // Real -o cjtest -j ends with the same header shape for a 6-letter owner.
  const cjtest = await capturedOutput("sge", "qacct-o-owner-j");
  const header = cjtest.stdout.split("\n").slice(-4, -2).join("\n");
  assert.equal(qacct(engine, "-o", "cjtest", "-j").stdout, `${header}\n`);
});

Deno.test("sim qacct -j ID / NAME / pattern: records only, or not found", async () => {
  const { engine } = await finishedJobs();
  const one = qacct(engine, "-j", "2");
  assert.equal(one.stdout, record(engine.find(2)[0]!));
  assert.equal(qacct(engine, "-j", "s*").stdout, record(engine.find(2)[0]!));
  assert.equal(qacct(engine, "-j", "other").stdout.match(/^jobnumber +3$/gm)?.length, 1);
  assert.deepEqual(qacct(engine, "-j", "99"), {
    code: 1,
    stdout: "",
    stderr: "error: job id 99 not found\n",
  });
  assert.deepEqual(qacct(engine, "-j", "zz*"), {
    code: 1,
    stdout: "",
    stderr: "error: job name zz* not found\n",
  });
});

Deno.test("sim qacct: -d selects by start time, -E by end time; bad options print usage", async () => {
  const { engine, clock } = await finishedJobs();
  await clock.sleep(2 * 24 * 3600 * 1000);
  assert.equal(qacct(engine, "-d", "1", "-j").stdout.match(/^jobnumber/gm), null);
  assert.equal(qacct(engine, "-d", "3", "-E", "-j").stdout.match(/^jobnumber/gm)?.length, 3);
  const help = await capturedOutput("sge", "qacct-help");
  assert.deepEqual(qacct(engine, "-help"), help);
  assert.deepEqual(qacct(engine, "-d", "x", "-j"), { code: 1, stdout: "", stderr: help.stdout });
  assert.equal(qacct(engine, "-zz").code, 1);
  assert.equal(qacct(engine, "-b", "202611250800").code, 2);
});

Deno.test("sim qacct without -j: only the summary; -o alone groups it by owner", async () => {
  const { engine } = await finishedJobs();
  assert.match(qacct(engine).stdout, /^Total System Usage\n +WALLCLOCK/);
  const byOwner = qacct(engine, "-o").stdout.split("\n");
  assert.match(byOwner[0]!, /^OWNER  +WALLCLOCK/);
  assert.match(byOwner[2]!, /^alice +180 /);
  assert.match(byOwner[3]!, /^bob +0 /);
});

Deno.test("parseQacctArgs() reads -j ID, -j NAME, -j alone, -o, -d and -E", () => {
  const none = { help: false, listAll: false, byOwner: false, byEndTime: false };
  assert.deepEqual(parseQacctArgs(["-j", "12abc"], "SGE 8.1.9"), { ...none, jobNumber: 12 });
  assert.deepEqual(parseQacctArgs(["-j", "job*"], "SGE 8.1.9"), { ...none, jobName: "job*" });
  assert.deepEqual(parseQacctArgs(["-j", "-o", "bob"], "SGE 8.1.9"), {
    ...none,
    listAll: true,
    owner: "bob",
  });
  assert.deepEqual(parseQacctArgs(["-u", "-d", "3", "-E"], "SGE 8.1.9"), {
    ...none,
    byOwner: true,
    days: 3,
    byEndTime: true,
  });
  assert.deepEqual(parseQacctArgs(["-help", "-zz"], "SGE 8.1.9"), { ...none, help: true });
});

Deno.test("parseQacctArgs() refuses bad options with the usage (exit 1), unmodelled ones with exit 2", async () => {
  const usage = (await capturedOutput("sge", "qacct-help")).stdout;
  const refusal = (message: string, exitCode: number) => (error: unknown) =>
    error instanceof SgeCommandError && `${error.message}\n` === message &&
    error.exitCode === exitCode;
  assert.throws(() => parseQacctArgs(["-zz"], "SGE 8.1.9"), refusal(usage, 1));
  assert.throws(() => parseQacctArgs(["-d", "x"], "SGE 8.1.9"), refusal(usage, 1));
  assert.throws(
    () => parseQacctArgs(["-q", "all.q"], "SGE 8.1.9"),
    refusal('qacct: option "-q" is not modelled by the simulator\n', 2),
  );
});
