// Parser fixtures under test/fixtures/pbs/ are written from documented output formats (no real
// Torque here): `qstat -f` as in the Torque/Adaptive Computing documentation's example (548.moab,
// attributes indented by 4 spaces, long values continued on tab-indented lines), `tracejob` as
// in the Torque admin guide's example of a job killed for exceeding its walltime, and the
// `qstat: Unknown Job Id Error` message of Torque's qstat. The slurm-wlm-torque transcripts are
// real, but of Slurm's PBS emulation, so they are used only where the format is the same.
import assert from "node:assert/strict";
import { pbs } from "../../backends/pbs.ts";
import { InvalidValueError, QueryError, SubmitError } from "../../src/core/errors.ts";
import type { Resources } from "../../src/core/resources.ts";
import { Status } from "../../src/core/status.ts";
import { documentedOutput, realOutput } from "../_backend_fixtures.ts";

const base: Resources = { name: "job", extra: [] };

Deno.test("pbs headers: every core key in Torque syntax", () => {
  assert.deepEqual(
    pbs.renderHeaders({
      name: "hello",
      queue: "batch",
      account: "proj",
      timeSeconds: 93784,
      nodes: 4,
      ppn: 2,
      threads: 16,
      memMB: 8192,
      gpus: 2,
      stdout: "out.txt",
      stderr: "err.txt",
      extra: [],
    }),
    [
      "#PBS -N hello",
      "#PBS -q batch",
      "#PBS -A proj",
      "#PBS -l walltime=26:03:04",
      "#PBS -l nodes=4:ppn=32:gpus=2",
      "#PBS -l mem=32gb",
      "#PBS -o out.txt",
      "#PBS -e err.txt",
      "#PBS -d .",
    ],
  );
});

Deno.test("pbs headers: parallel layouts of the Python clusterjob's Model docs page and defaults", () => {
  const nodes = (resources: Partial<Resources>) =>
    pbs.renderHeaders({ ...base, ...resources }).filter((line) => line.includes("nodes="));
  assert.deepEqual(nodes({ nodes: 2, ppn: 32, threads: 1 }), ["#PBS -l nodes=2:ppn=32"]);
  assert.deepEqual(nodes({ nodes: 1, ppn: 1, threads: 32 }), ["#PBS -l nodes=1:ppn=32"]);
  assert.deepEqual(nodes({ nodes: 4, ppn: 2, threads: 16 }), ["#PBS -l nodes=4:ppn=32"]);
  assert.deepEqual(nodes({ threads: 8 }), ["#PBS -l nodes=1:ppn=8"]);
  assert.deepEqual(nodes({}), []);
  assert.deepEqual(pbs.renderHeaders({ ...base, memMB: 100, timeSeconds: 59 }), [
    "#PBS -N job",
    "#PBS -l walltime=00:00:59",
    "#PBS -l mem=100mb",
    "#PBS -d .",
  ]);
});

Deno.test("pbs headers: PBS pass-through rules (as in the Python clusterjob)", () => {
  const lines = pbs.renderHeaders({
    ...base,
    extra: [
      ["pmem", "2gb"],
      ["F", "x"],
      ["-A", "acct"],
      ["--account", "a"],
      ["V", true],
      ["-W=", "depend=afterok:1"],
      ["off", false],
      ["none", null],
    ],
  });
  assert.deepEqual(lines.slice(1), [
    "#PBS -d .",
    "#PBS -l pmem=2gb",
    "#PBS -l F=x",
    "#PBS -A acct",
    "#PBS --account a",
    "#PBS -V",
    "#PBS -W=depend=afterok:1",
  ]);
  assert.throws(
    () => pbs.renderHeaders({ ...base, stdout: "a\nb" }),
    (error) => error instanceof InvalidValueError && error.field === "stdout",
  );
});

Deno.test("pbs envVars: Torque names", () => {
  assert.deepEqual({ ...pbs.envVars }, {
    CLUSTERJOB_ID: "PBS_JOBID",
    CLUSTERJOB_WORKDIR: "PBS_O_WORKDIR",
    CLUSTERJOB_SUBMIT_HOST: "PBS_O_HOST",
    CLUSTERJOB_NAME: "PBS_JOBNAME",
    CLUSTERJOB_NODELIST: "`cat $PBS_NODEFILE`",
    CLUSTERJOB_ARRAY_INDEX: "PBS_ARRAYID",
  });
});

Deno.test("pbs submit: qsub FILE, the full id is kept", async () => {
  assert.deepEqual(pbs.submitCommand("job.pbs"), { argv: ["qsub", "job.pbs"] });
  const argv = ["qsub", "job.pbs"];
  const id = (stdout: string) => pbs.parseJobId({ code: 0, stdout, stderr: "" }, argv);
  assert.equal(id("436036.sdb\n"), "436036.sdb");
  assert.equal(id("548.moab.example.com\n"), "548.moab.example.com");
  assert.equal(id("123[].server\n"), "123[].server");
  // Slurm's qsub wrapper prints a bare number (real transcript).
  assert.equal(pbs.parseJobId((await realOutput("pbs-wrappers", "001")).output, argv), "41");
  assert.throws(
    () => id(""),
    (error) => error instanceof SubmitError && /no job id/.test(error.message),
  );
  assert.throws(() => id("qsub: warning\n"), SubmitError);
  assert.throws(
    () =>
      pbs.parseJobId({
        code: 1,
        stdout: "",
        stderr: "qsub: Unknown queue MSG=cannot locate queue\n",
      }, argv),
    (error) => error instanceof SubmitError && error.message.includes("Unknown queue"),
  );
});

Deno.test("pbs status: one qstat -f for many ids", () => {
  assert.deepEqual(pbs.statusCommands(["1.s", "2.s"]), [{
    argv: ["qstat", "-f", "1.s", "2.s"],
    ids: ["1.s", "2.s"],
  }]);
});

Deno.test("pbs status: with an array among them all ids are asked in one qstat -f -t; plain ids alone without -t", () => {
  const ids = ["1.s", "2[].s", "3.s", "4[].s"];
  assert.deepEqual(pbs.statusCommands(ids), [{ argv: ["qstat", "-f", "-t", ...ids], ids }]);
  assert.deepEqual(pbs.statusCommands(["1.s", "3.s"]), [
    { argv: ["qstat", "-f", "1.s", "3.s"], ids: ["1.s", "3.s"] },
  ]);
});

Deno.test("pbs status: qstat -f -t subjob records merge under the array id", async () => {
  // Torque's qstat -t lists N[k].server subjobs (each with exit_status), not the N[] summary.
  const stdout = await documentedOutput("pbs", "torque-qstat-f-t-array.out");
  const ids = ["1098[].moab", "1099[].moab", "1100[].moab", "1101[].moab", "1102[].moab"];
  const stderr = "qstat: Unknown Job Id Error 1102[].moab\n";
  const parsed = pbs.parseStatus({ code: 153, stdout, stderr }, ids);
  // Each array's record keeps its tasks by index, and merges them.
  const tasks = new Map([...parsed].map(([id, { tasks }]) => [id, tasks]));
  const result = new Map([...parsed].map(([id, { tasks: _, ...info }]) => [id, info]));
  assert.deepEqual([...tasks.get("1099[].moab")!.keys()], [0, 10]);
  assert.ok([...tasks.get("1098[].moab")!.values()].some((task) => task.exitCode === 3));
  // one task exited 3, the others 0
  assert.deepEqual(result.get("1098[].moab"), { status: Status.FAILED, state: "C", exitCode: 3 });
  // every task exited 0 (indices 0 and 10 of "0,10%1")
  assert.deepEqual(result.get("1099[].moab"), {
    status: Status.COMPLETED,
    state: "C",
    exitCode: 0,
  });
  // one task failed, but another still runs: the array is running
  assert.deepEqual(result.get("1100[].moab"), { status: Status.RUNNING, state: "R" });
  // task 1 of "1-2" was purged before its exit status was read: not COMPLETED
  const purged = result.get("1101[].moab");
  assert.equal(purged?.status, Status.FAILED);
  assert.match(purged?.reason ?? "", /^1 of 2 array tasks left qstat before their exit status/);
  assert.equal(result.has("1102[].moab"), false);
  // a subjob asked by its own id stays its own
  const single = pbs.parseStatus({ code: 0, stdout, stderr: "" }, ["1098[2].moab"]);
  assert.deepEqual([...single], [["1098[2].moab", {
    status: Status.FAILED,
    state: "C",
    exitCode: 3,
  }]]);
});

Deno.test("pbs accounting: array ids are not traced (subjobs are logged under their own ids)", () => {
  assert.deepEqual(pbs.accountingCommands(["1.s", "2[].s"]), [
    { argv: ["tracejob", "-q", "-n", "7", "1.s"], ids: ["1.s"] },
  ]);
});

Deno.test("pbs status: documented qstat -f output", async () => {
  const stdout = await documentedOutput("pbs", "torque-qstat-f.out");
  const ids = ["548.moab", "549.moab", "550.moab", "551.moab", "552", "999.moab"];
  const result = pbs.parseStatus({ code: 0, stdout, stderr: "" }, ids);
  assert.deepEqual(result.get("548.moab"), { status: Status.RUNNING, state: "R" });
  assert.deepEqual(result.get("549.moab"), {
    status: Status.PENDING,
    state: "Q",
    reason: "Not Running: Insufficient amount of resource: ncpus",
  });
  assert.deepEqual(result.get("550.moab"), { status: Status.FAILED, state: "C", exitCode: 3 });
  const timeout = result.get("551.moab");
  assert.equal(timeout?.status, Status.FAILED);
  assert.match(timeout?.reason ?? "", /^timeout: walltime limit reached, killed by signal 15/);
  assert.equal(timeout?.exitCode, 143);
  // Matched by sequence number: "552" asks about 552.moab.
  assert.equal(result.get("552")?.status, Status.CANCELLED);
  assert.equal(result.has("999.moab"), false);
});

Deno.test("pbs status: unknown ids on stderr are absent; other errors fail the query", async () => {
  const stdout = await documentedOutput("pbs", "torque-qstat-f.out");
  const stderr = await documentedOutput("pbs", "torque-qstat-f-unknown.err");
  const result = pbs.parseStatus({ code: 153, stdout, stderr }, ["548.moab", "999.moab"]);
  assert.equal(result.get("548.moab")?.status, Status.RUNNING);
  assert.equal(result.has("999.moab"), false);
  assert.equal(pbs.parseStatus({ code: 153, stdout: "", stderr }, ["999.moab"]).size, 0);
  assert.throws(
    () =>
      pbs.parseStatus({
        code: 1,
        stdout: "",
        stderr:
          "Cannot connect to specified server host 'moab'.\nqstat: cannot connect to server moab (errno=111) Connection refused\n",
      }, ["548.moab"]),
    (error) => error instanceof QueryError && error.message.includes("cannot connect"),
  );
  assert.throws(() => pbs.parseStatus({ code: 0, stdout: "", stderr: "" }, ["1"]), QueryError);
  assert.throws(
    () => pbs.parseStatus({ code: 0, stdout: "garbage line\n", stderr: "" }, ["1"]),
    /Cannot parse qstat -f line/,
  );
});

Deno.test("pbs status: the real slurm-wlm-torque qstat -f format (tab after 'Job Id:')", async () => {
  const running = await realOutput("pbs-wrappers", "008");
  assert.deepEqual(pbs.parseStatus(running.output, ["41"]).get("41"), {
    status: Status.RUNNING,
    state: "R",
  });
  // Slurm's wrapper shows a completed job as C without an exit status: never silently COMPLETED.
  // It has an exec_host, so it ran: its outcome is unknown (FAILED), not a cancel.
  const completed = await realOutput("pbs-wrappers", "014");
  const info = pbs.parseStatus(completed.output, ["41"]).get("41");
  assert.equal(info?.status, Status.FAILED);
  assert.equal(info?.exitCode, undefined);
  assert.match(info?.reason ?? "", /^ran on vm\/1 but finished without an exit status/);
});

Deno.test("pbs status: every job state letter", () => {
  const cases: Array<[string, number]> = [
    ["Q", Status.PENDING],
    ["H", Status.PENDING],
    ["W", Status.PENDING],
    ["T", Status.PENDING],
    ["S", Status.PENDING],
    ["R", Status.RUNNING],
    ["E", Status.RUNNING],
  ];
  for (const [state, status] of cases) {
    const stdout = `Job Id: 7.s\n    job_state = ${state}\n`;
    assert.equal(
      pbs.parseStatus({ code: 0, stdout, stderr: "" }, ["7.s"]).get("7.s")?.status,
      status,
    );
  }
  assert.throws(
    () =>
      pbs.parseStatus({ code: 0, stdout: "Job Id: 7.s\n    job_state = Z\n", stderr: "" }, ["7.s"]),
    /Cannot parse PBS job state "Z"/,
  );
  assert.throws(
    () =>
      pbs.parseStatus({ code: 0, stdout: "Job Id: 7.s\n    queue = batch\n", stderr: "" }, ["7.s"]),
    /has no job_state/,
  );
});

Deno.test("pbs accounting: tracejob per id", async () => {
  assert.deepEqual(pbs.accountingCommands(["10.headnode", "11.headnode"]), [
    { argv: ["tracejob", "-q", "-n", "7", "10.headnode"], ids: ["10.headnode"] },
    { argv: ["tracejob", "-q", "-n", "7", "11.headnode"], ids: ["11.headnode"] },
  ]);
  const walltime = await documentedOutput("pbs", "torque-tracejob-walltime.out");
  const killed = pbs.parseAccounting({ code: 0, stdout: walltime, stderr: "" }, ["10.headnode"]);
  assert.equal(killed.get("10.headnode")?.status, Status.FAILED);
  assert.match(killed.get("10.headnode")?.reason ?? "", /^timeout/);
  const deleted = await documentedOutput("pbs", "torque-tracejob-deleted.out");
  assert.deepEqual(
    pbs.parseAccounting({ code: 0, stdout: deleted, stderr: "" }, ["11.headnode"]).get(
      "11.headnode",
    ),
    { status: Status.CANCELLED, state: "C", reason: "deleted before it ran" },
  );
  const exited =
    "Job: 12.h\n\n03/02/2005 18:06:28  S    Exit_status=0 resources_used.walltime=00:00:05\n";
  assert.deepEqual(
    pbs.parseAccounting({ code: 0, stdout: exited, stderr: "" }, ["12.h"]).get("12.h"),
    {
      status: Status.COMPLETED,
      state: "C",
      exitCode: 0,
    },
  );
  assert.equal(pbs.parseAccounting({ code: 0, stdout: "", stderr: "" }, ["13.h"]).size, 0);
  assert.throws(
    () =>
      pbs.parseAccounting(
        { code: 1, stdout: "", stderr: "tracejob: cannot open log directory\n" },
        ["13.h"],
      ),
    QueryError,
  );
});

Deno.test("pbs cancel: qdel", () => {
  assert.deepEqual(pbs.cancelCommand(["1.s", "2.s"]), ["qdel", "1.s", "2.s"]);
});
