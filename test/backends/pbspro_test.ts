// Parser fixtures under test/fixtures/pbs/pbspro-* are written from the documented PBS
// Professional formats (no real PBS Pro here): `qstat -f`/`qstat -x -f` blocks as in the PBS
// Professional Reference Guide (job_state F, Exit_status, substate, wrapped Variable_List), and
// qstat's messages `Job has finished, use -x or -H to obtain historical job information` and
// `Unknown Job Id`.
import assert from "node:assert/strict";
import { pbspro } from "../../backends/pbspro.ts";
import { QueryError } from "../../src/core/errors.ts";
import type { Resources } from "../../src/core/resources.ts";
import { Status } from "../../src/core/status.ts";
import { documentedOutput } from "../_backend_fixtures.ts";

const base: Resources = { name: "job", extra: [] };

Deno.test("pbspro headers: select with mpiprocs/ompthreads, layouts of the Python clusterjob's Model docs page", () => {
  const select = (resources: Partial<Resources>) =>
    pbspro.renderHeaders({ ...base, ...resources }).filter((line) => line.includes("select="));
  assert.deepEqual(select({ nodes: 2, ppn: 32, threads: 1 }), [
    "#PBS -l select=2:ncpus=32:mpiprocs=32:ompthreads=1",
  ]);
  assert.deepEqual(select({ nodes: 1, ppn: 1, threads: 32 }), [
    "#PBS -l select=1:ncpus=32:mpiprocs=1:ompthreads=32",
  ]);
  assert.deepEqual(select({ nodes: 4, ppn: 2, threads: 16 }), [
    "#PBS -l select=4:ncpus=32:mpiprocs=2:ompthreads=16",
  ]);
  assert.deepEqual(select({ memMB: 100 }), ["#PBS -l select=1:mem=100mb"]);
  assert.deepEqual(select({}), []);
});

Deno.test("pbspro headers: every core key; memory and GPUs per chunk; scatter over nodes", () => {
  assert.deepEqual(
    pbspro.renderHeaders({
      name: "hello",
      queue: "workq",
      account: "proj",
      timeSeconds: 3600,
      nodes: 2,
      ppn: 4,
      memMB: 4096,
      gpus: 1,
      stdout: "o",
      stderr: "e",
      extra: [["-j", "oe"]],
    }),
    [
      "#PBS -N hello",
      "#PBS -q workq",
      "#PBS -A proj",
      "#PBS -l walltime=01:00:00",
      "#PBS -l select=2:ncpus=4:mpiprocs=4:ompthreads=1:mem=4gb:ngpus=1",
      "#PBS -l place=scatter",
      "#PBS -o o",
      "#PBS -e e",
      "#PBS -j oe",
      'cd "$PBS_O_WORKDIR" || exit 1',
    ],
  );
});

Deno.test("pbspro envVars: PBS_ARRAY_INDEX for arrays", () => {
  assert.equal(pbspro.envVars.CLUSTERJOB_ARRAY_INDEX, "PBS_ARRAY_INDEX");
  assert.equal(pbspro.envVars.CLUSTERJOB_ID, "PBS_JOBID");
  assert.equal(pbspro.extension, "pbs");
});

Deno.test("pbspro commands: qsub, qstat -x -f -t (live and finished at once), qdel", () => {
  assert.deepEqual(pbspro.submitCommand("a.pbs"), { argv: ["qsub", "a.pbs"] });
  assert.deepEqual(pbspro.statusCommands(["1.s"]), [{
    argv: ["qstat", "-x", "-f", "-t", "1.s"],
    ids: ["1.s"],
  }]);
  assert.deepEqual(pbspro.accountingCommands(["1.s", "2.s"]), [
    { argv: ["qstat", "-x", "-f", "-t", "1.s", "2.s"], ids: ["1.s", "2.s"] },
  ]);
  assert.deepEqual(pbspro.cancelCommand(["1.s"]), ["qdel", "1.s"]);
  assert.equal(
    pbspro.parseJobId({ code: 0, stdout: "1234.pbsserver\n", stderr: "" }, ["qsub"]),
    "1234.pbsserver",
  );
});

Deno.test("pbspro status: live jobs; finished and unknown ones are left to accounting", async () => {
  const stdout = await documentedOutput("pbs", "pbspro-qstat-f.out");
  const stderr = await documentedOutput("pbs", "pbspro-qstat-f.err");
  const ids = [
    "1234.pbsserver",
    "999.pbsserver",
    "1240.pbsserver",
    "1241[].pbsserver",
    "1242.pbsserver",
  ];
  const result = pbspro.parseStatus({ code: 35, stdout, stderr }, ids);
  assert.equal(result.get("1240.pbsserver")?.status, Status.RUNNING);
  assert.equal(result.get("1241[].pbsserver")?.status, Status.RUNNING);
  assert.equal(result.get("1242.pbsserver")?.status, Status.PENDING);
  assert.equal(result.has("1234.pbsserver"), false);
  assert.equal(result.has("999.pbsserver"), false);
  const down = await documentedOutput("pbs", "pbspro-server-down.err");
  assert.throws(
    () => pbspro.parseStatus({ code: 1, stdout: "", stderr: down }, ["1240.pbsserver"]),
    (error) => error instanceof QueryError && error.message.includes("cannot connect"),
  );
});

Deno.test("pbspro accounting: qstat -x -f history and exit statuses", async () => {
  const stdout = await documentedOutput("pbs", "pbspro-qstat-x-f.out");
  const ids = [
    "1234.pbsserver",
    "1235.pbsserver",
    "1236.pbsserver",
    "1237.pbsserver",
    "1238.pbsserver",
  ];
  const result = pbspro.parseAccounting({ code: 0, stdout, stderr: "" }, ids);
  assert.deepEqual(result.get("1234.pbsserver"), {
    status: Status.COMPLETED,
    state: "F",
    exitCode: 0,
  });
  assert.deepEqual(result.get("1235.pbsserver"), {
    status: Status.FAILED,
    state: "F",
    exitCode: 2,
  });
  assert.deepEqual(result.get("1236.pbsserver"), {
    status: Status.CANCELLED,
    state: "F",
    exitCode: 143,
    reason: "deleted while running, killed by signal 15 (exit status 271)",
  });
  const timeout = result.get("1237.pbsserver");
  assert.equal(timeout?.status, Status.FAILED);
  assert.match(
    timeout?.reason ?? "",
    /^timeout: walltime limit reached, killed by PBS \(exit status -29\)/,
  );
  assert.deepEqual(result.get("1238.pbsserver"), {
    status: Status.CANCELLED,
    state: "F",
    reason: "deleted before it ran: Job deleted by user1@host1",
  });
  const negative = "Job Id: 9.s\n    job_state = F\n    Exit_status = -1\n";
  assert.equal(
    pbspro.parseAccounting({ code: 0, stdout: negative, stderr: "" }, ["9.s"]).get("9.s")?.status,
    Status.FAILED,
  );
});
