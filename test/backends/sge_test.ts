import assert from "node:assert/strict";
import { createSgeBackend, sge } from "../../backends/sge.ts";
import { InvalidValueError, QueryError, SubmitError } from "../../src/core/errors.ts";
import type { Resources } from "../../src/core/resources.ts";
import { Status } from "../../src/core/status.ts";
import { capturedOutput, realOutput } from "../_backend_fixtures.ts";

const base: Resources = { name: "job", extra: [] };

Deno.test("sge headers: every core key, -cwd always last", () => {
  assert.deepEqual(
    sge.renderHeaders({
      name: "hello",
      queue: "all.q",
      account: "proj",
      timeSeconds: 93784,
      nodes: 1,
      ppn: 2,
      threads: 4,
      memMB: 8192,
      gpus: 1,
      stdout: "out.txt",
      stderr: "err.txt",
      extra: [],
    }),
    [
      "#$ -N hello",
      "#$ -q all.q",
      "#$ -A proj",
      "#$ -l h_rt=26:03:04",
      "#$ -pe smp 8",
      "#$ -l h_vmem=1G",
      "#$ -l gpu=1",
      "#$ -o out.txt",
      "#$ -e err.txt",
      "#$ -cwd",
    ],
  );
});

Deno.test("sge headers: one slot needs no PE; h_vmem per slot is rounded up", () => {
  assert.deepEqual(sge.renderHeaders({ ...base, nodes: 1, ppn: 1, memMB: 100 }), [
    "#$ -N job",
    "#$ -l h_vmem=100M",
    "#$ -cwd",
  ]);
  assert.ok(sge.renderHeaders({ ...base, threads: 3, memMB: 100 }).includes("#$ -l h_vmem=34M"));
});

Deno.test("sge headers: multi-node needs an MPI environment", () => {
  assert.throws(
    () => sge.renderHeaders({ ...base, nodes: 2, ppn: 16 }),
    (error) =>
      error instanceof InvalidValueError && error.field === "nodes" && error.value === 2 &&
      error.message.includes("mpiEnvironment"),
  );
  const site = createSgeBackend({ parallelEnvironment: "omp", mpiEnvironment: "orte" });
  assert.deepEqual(site.renderHeaders({ ...base, nodes: 2, ppn: 16, threads: 2, memMB: 64000 }), [
    "#$ -N job",
    "#$ -pe orte 64",
    "#$ -l h_vmem=2000M",
    "#$ -cwd",
  ]);
  assert.ok(site.renderHeaders({ ...base, threads: 8 }).includes("#$ -pe omp 8"));
  assert.throws(() => createSgeBackend({ mpiEnvironment: "a b" }), InvalidValueError);
});

Deno.test("sge headers: PBS pass-through rules without the original's bugs", () => {
  const lines = sge.renderHeaders({
    ...base,
    extra: [
      ["-S", "/bin/bash"],
      ["V", true],
      ["cwd", true],
      ["-cwd", true],
      ["h_stack", "8M"],
      [
        "-j",
        "y",
      ],
      ["x", false],
      ["y", null],
    ],
  });
  assert.deepEqual(lines, [
    "#$ -N job",
    "#$ -S /bin/bash",
    "#$ -V",
    "#$ -l h_stack=8M",
    "#$ -j y",
    "#$ -cwd",
  ]);
  assert.ok(!lines.some((line) => line.includes("==") || line.includes("None")));
});

Deno.test("sge headers: names SGE would reject are refused up front", () => {
  for (const name of ["a b", "a/b", "x:y", "q?"]) {
    assert.throws(
      () => sge.renderHeaders({ name, extra: [] }),
      (error) => error instanceof InvalidValueError && error.field === "name",
    );
  }
});

Deno.test("sge envVars: names seen in a real SGE 8.1.9 job environment", async () => {
  const plain = (await realOutput("sge", "083")).output.stdout;
  for (const name of ["JOB_ID", "SGE_O_WORKDIR", "SGE_O_HOST", "JOB_NAME", "HOSTNAME"]) {
    assert.match(plain, new RegExp(`^${name}=`, "m"));
  }
  assert.match(plain, /^SGE_TASK_ID=undefined$/m);
  assert.equal(sge.envVars.CLUSTERJOB_ID, "JOB_ID");
  assert.equal(sge.envVars.CLUSTERJOB_NAME, "JOB_NAME");
  assert.equal(sge.envVars.CLUSTERJOB_ARRAY_INDEX, "SGE_TASK_ID");
  const array = (await realOutput("sge", "085")).output.stdout;
  assert.match(array, /^SGE_TASK_ID=2$/m);
  const pe = (await realOutput("sge", "087")).output.stdout;
  assert.match(pe, /^PE_HOSTFILE=/m);
  assert.match(sge.envVars.CLUSTERJOB_NODELIST, /PE_HOSTFILE.*HOSTNAME/);
});

Deno.test("sge nodelist expression runs in sh: PE host file, else $HOSTNAME", async () => {
  const expression = sge.envVars.CLUSTERJOB_NODELIST;
  const directory = await Deno.makeTempDir();
  try {
    const hostfile = `${directory}/pe_hostfile`;
    await Deno.writeTextFile(
      hostfile,
      "node1 2 all.q@node1 UNDEFINED\nnode2 2 all.q@node2 UNDEFINED\n",
    );
    const run = async (env: Record<string, string>) => {
      const output = await new Deno.Command("sh", {
        args: ["-c", `echo ${expression}`],
        env,
        clearEnv: true,
      }).output();
      return new TextDecoder().decode(output.stdout).trim();
    };
    assert.equal(await run({ PATH: "/usr/bin:/bin", PE_HOSTFILE: hostfile }), "node1 node2");
    assert.equal(await run({ PATH: "/usr/bin:/bin", HOSTNAME: "vm" }), "vm");
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("sge submit: qsub -terse, ids from real answers", async () => {
  assert.deepEqual(sge.submitCommand("job.sge"), { argv: ["qsub", "-terse", "job.sge"] });
  const argv = ["qsub", "-terse", "job.sge"];
  assert.equal(sge.parseJobId((await realOutput("sge", "009")).output, argv), "3");
  assert.equal(sge.parseJobId((await realOutput("sge", "011")).output, argv), "5");
  assert.equal(sge.parseJobId((await realOutput("sge", "008")).output, argv), "2");
  assert.equal(sge.parseJobId((await realOutput("sge", "075")).output, argv), "21");
  assert.equal(sge.parseJobId((await realOutput("sge", "069")).output, argv), "20");
});

Deno.test("sge submit: refusals carry SGE's words", async () => {
  const argv = ["qsub", "-terse", "job.sge"];
  for (const number of ["090", "091", "094", "093", "111", "117"]) {
    const { output } = await realOutput("sge", number);
    assert.throws(
      () => sge.parseJobId(output, argv),
      (error) =>
        error instanceof SubmitError &&
        error.message.includes((output.stderr || output.stdout).split("\n")[0]!.trim()),
      number,
    );
  }
});

Deno.test("sge status: one qstat for all ids", () => {
  const ids = Array.from({ length: 10_000 }, (_, index) => String(index + 1));
  assert.deepEqual(sge.statusCommands(ids), [{ argv: ["qstat"], ids }]);
  assert.deepEqual(sge.statusCommands([]), []);
});

Deno.test("sge status: real qstat outputs", async () => {
  const queue = await realOutput("sge", "030");
  const result = sge.parseStatus(queue.output, ["10", "11", "13", "99"]);
  assert.deepEqual(result.get("10"), { status: Status.RUNNING, state: "r" });
  assert.deepEqual(result.get("11"), { status: Status.PENDING, state: "qw" });
  assert.deepEqual(result.get("13"), { status: Status.PENDING, state: "hqw" });
  assert.equal(result.has("12"), false);
  assert.equal(result.has("99"), false);

  const deleting = await realOutput("sge", "052");
  assert.equal(sge.parseStatus(deleting.output, ["10"]).get("10")?.status, Status.CANCELLED);
  const error = await realOutput("sge", "059");
  const eqw = sge.parseStatus(error.output, ["16"]).get("16");
  assert.equal(eqw?.status, Status.FAILED);
  assert.equal(eqw?.state, "Eqw");
  const array = await realOutput("sge", "070");
  assert.equal(sge.parseStatus(array.output, ["20"]).get("20")?.status, Status.RUNNING);
});

Deno.test("sge status: nothing at all means no jobs; a down qmaster is a query error", async () => {
  for (const number of ["007", "016"]) {
    assert.equal(sge.parseStatus((await realOutput("sge", number)).output, ["2"]).size, 0);
  }
  const down = await realOutput("sge", "112");
  assert.throws(
    () => sge.parseStatus(down.output, ["2"]),
    (error) => error instanceof QueryError && error.message.includes("commlib error"),
  );
  assert.throws(
    () => sge.parseStatus({ code: 0, stdout: "Warning: garbage\n", stderr: "" }, ["1"]),
    QueryError,
  );
});

Deno.test("sge status: state words letter by letter", () => {
  const cases: Array<[string, number]> = [
    ["qw", Status.PENDING],
    ["hqw", Status.PENDING],
    ["hRwq", Status.PENDING],
    ["r", Status.RUNNING],
    ["t", Status.RUNNING],
    ["Rr", Status.RUNNING],
    ["s", Status.PENDING],
    ["S", Status.PENDING],
    ["ts", Status.PENDING],
    ["dr", Status.CANCELLED],
    ["dt", Status.CANCELLED],
    ["Eqw", Status.FAILED],
    ["Ehqw", Status.FAILED],
  ];
  for (const [state, status] of cases) {
    const stdout = `     7 0.5 x root ${state} 11/25/2026 08:52:59 all.q@vm 1\n`;
    assert.equal(sge.parseStatus({ code: 0, stdout, stderr: "" }, ["7"]).get("7")?.status, status);
  }
});

Deno.test("sge accounting: qacct -j per id and real records", async () => {
  assert.deepEqual(sge.accountingCommands(["2", "3"]), [
    { argv: ["qacct", "-j", "2"], ids: ["2"] },
    { argv: ["qacct", "-j", "3"], ids: ["3"] },
  ]);
  const completed = await realOutput("sge", "019");
  const id = /jobnumber\s+(\d+)/.exec(completed.output.stdout)![1]!;
  assert.deepEqual(sge.parseAccounting(completed.output, [id]).get(id), {
    status: Status.COMPLETED,
    state: "failed 0",
    exitCode: 0,
  });
  const failed = await realOutput("sge", "020");
  const failedId = /jobnumber\s+(\d+)/.exec(failed.output.stdout)![1]!;
  assert.deepEqual(sge.parseAccounting(failed.output, [failedId]).get(failedId), {
    status: Status.FAILED,
    state: "failed 0",
    exitCode: 3,
  });
  const deleted = await realOutput("sge", "054");
  assert.deepEqual(sge.parseAccounting(deleted.output, ["10"]).get("10"), {
    status: Status.CANCELLED,
    state: "failed 100",
    exitCode: 137,
    reason: "killed (qdel): failed 100: assumedly after job",
  });
  const hardLimit = await realOutput("sge", "066");
  const timeout = sge.parseAccounting(hardLimit.output, ["18"]).get("18");
  assert.equal(timeout?.status, Status.FAILED);
  assert.match(timeout?.reason ?? "", /^timeout: failed 37: qmaster enforced h_rt/);
  const softLimit = await realOutput("sge", "068");
  const soft = sge.parseAccounting(softLimit.output, ["19"]).get("19");
  assert.equal(soft?.status, Status.FAILED);
  assert.match(soft?.reason ?? "", /^timeout/);
  const exit100 = await realOutput("sge", "062");
  assert.deepEqual(sge.parseAccounting(exit100.output, ["16"]).get("16"), {
    status: Status.FAILED,
    state: "failed 30",
    exitCode: 100,
    reason: "failed 30: application error returned",
  });
  const badWorkdir = await realOutput("sge", "063");
  assert.equal(sge.parseAccounting(badWorkdir.output, ["17"]).get("17")?.status, Status.FAILED);
});

Deno.test("sge accounting: array records merge; the truncated or missing are handled", async () => {
  const array = await realOutput("sge", "073");
  assert.equal(sge.parseAccounting(array.output, ["20"]).get("20")?.status, Status.COMPLETED);
  for (const number of ["055", "107", "045"]) {
    const { output } = await realOutput("sge", number);
    assert.equal(sge.parseAccounting(output, ["12"]).size, 0, number);
  }
  const truncated = await realOutput("sge", "115");
  assert.throws(() => sge.parseAccounting(truncated.output, ["2"]), /lacks failed or exit_status/);
  assert.throws(
    () => sge.parseAccounting({ code: 0, stdout: "", stderr: "" }, ["2"]),
    QueryError,
  );
  assert.throws(
    () =>
      sge.parseAccounting({
        code: 1,
        stdout: "",
        stderr: "error: /var/lib/gridengine/default/common/accounting: No such file or directory\n",
      }, ["2"]),
    (error) => error instanceof QueryError && error.message.includes("No such file"),
  );
});

Deno.test("sge accounting: one or two ids per id, more in one qacct -j listing", () => {
  assert.deepEqual(sge.accountingCommands([]), []);
  assert.deepEqual(sge.accountingCommands(["7"]), [{ argv: ["qacct", "-j", "7"], ids: ["7"] }]);
  assert.deepEqual(sge.accountingCommands(["7", "8", "9"]), [
    { argv: ["qacct", "-j"], ids: ["7", "8", "9"] },
  ]);
  const ids = Array.from({ length: 10_000 }, (_, i) => String(i + 1));
  const [bulk, ...rest] = sge.accountingCommands(ids);
  assert.deepEqual(rest, []);
  assert.deepEqual(bulk?.argv, ["qacct", "-j"]);
  assert.equal(bulk?.ids.length, 10_000);
  const owned = createSgeBackend({ accountingOwner: "cjtest" });
  assert.deepEqual(owned.accountingCommands(["7", "8", "9"])[0]?.argv, [
    "qacct",
    "-o",
    "cjtest",
    "-j",
  ]);
  assert.deepEqual(owned.accountingCommands(["7"])[0]?.argv, ["qacct", "-j", "7"]);
  assert.throws(
    () => createSgeBackend({ accountingOwner: "a b" }),
    (error) => error instanceof InvalidValueError && error.field === "accountingOwner",
  );
});

Deno.test("sge accounting: the real bulk listing gives each asked id its record", async () => {
  const output = await capturedOutput("sge", "qacct-o-owner-j");
  const backend = createSgeBackend({ accountingOwner: "cjtest" });
  const infos = backend.parseAccounting(output, ["12", "14", "16", "20", "184", "999"]);
  assert.deepEqual([...infos.keys()].sort(), ["12", "14", "16", "184", "20"]);
  assert.deepEqual(infos.get("12"), { status: Status.COMPLETED, state: "failed 0", exitCode: 0 });
  assert.deepEqual(infos.get("14"), { status: Status.FAILED, state: "failed 0", exitCode: 3 });
  assert.equal(infos.get("16")?.status, Status.FAILED);
  assert.match(infos.get("16")?.reason ?? "", /^timeout: failed 37: qmaster enforced h_rt/);
  assert.deepEqual(infos.get("20"), {
    status: Status.CANCELLED,
    state: "failed 100",
    exitCode: 137,
    reason: "killed (qdel): failed 100: assumedly after job",
  });
  // The same records read one id at a time give the same answers.
  for (const id of ["12", "14", "16", "20"]) {
    const start = output.stdout.indexOf(`jobnumber    ${id} `);
    const from = output.stdout.lastIndexOf("=".repeat(62), start);
    const to = output.stdout.indexOf("\n=", start);
    const single = { code: 0, stdout: output.stdout.slice(from, to + 1), stderr: "" };
    assert.deepEqual(sge.parseAccounting(single, [id]).get(id), infos.get(id), id);
  }
});

Deno.test("sge accounting: a bulk listing without records, cut short or failing", async () => {
  const none = await capturedOutput("sge", "qacct-o-owner-j-none");
  assert.equal(sge.parseAccounting(none, ["1", "2", "3"]).size, 0);
  const full = await capturedOutput("sge", "qacct-o-owner-j");
  const cut = { ...full, stdout: full.stdout.slice(0, full.stdout.indexOf("OWNER")) };
  assert.throws(
    () => sge.parseAccounting(cut, ["12", "14", "16"]),
    (error) => error instanceof QueryError && error.message.includes("Total System Usage"),
  );
  assert.throws(
    () => sge.parseAccounting({ code: 0, stdout: "", stderr: "" }, ["1", "2", "3"]),
    QueryError,
  );
  assert.throws(
    () =>
      sge.parseAccounting({
        code: 0,
        stdout: `${"=".repeat(62)}\njobnumber 1\n!!! garbage\nTotal System Usage\n`,
        stderr: "",
      }, ["1", "2", "3"]),
    /Cannot parse qacct line "!!! garbage"/,
  );
  // "job id N not found" only means "absent" for a per-id query; a listing that fails failed.
  assert.throws(
    () =>
      sge.parseAccounting({
        code: 1,
        stdout: "no jobs running since startup\n",
        stderr: "/var/lib/gridengine/default/common/accounting: No such file or directory\n",
      }, ["1", "2", "3"]),
    (error) => error instanceof QueryError && error.message.includes("No such file"),
  );
});

Deno.test("sge cancel: qdel with every id", () => {
  assert.deepEqual(sge.cancelCommand(["4", "5"]), ["qdel", "4", "5"]);
});

Deno.test("sge.renderHeaders() names the interpreter with -S unless the user gave -S", () => {
  const withShell = sge.renderHeaders({ name: "x", extra: [], interpreter: "/bin/bash" });
  assert.ok(withShell.includes("#$ -S /bin/bash"));
  const userShell = sge.renderHeaders({
    name: "x",
    extra: [["-S", "/bin/zsh"]],
    interpreter: "/bin/bash",
  });
  assert.ok(userShell.includes("#$ -S /bin/zsh"));
  assert.equal(userShell.filter((line) => line.startsWith("#$ -S")).length, 1);
  // A resource named S and a switched-off -S do not name the interpreter.
  for (const extra of [[["S", "x"]], [["-S", false]]] as Resources["extra"][]) {
    const lines = sge.renderHeaders({ name: "x", extra, interpreter: "/bin/bash" });
    assert.ok(lines.includes("#$ -S /bin/bash"), lines.join("\n"));
  }
});
