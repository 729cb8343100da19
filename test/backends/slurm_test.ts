import assert from "node:assert/strict";
import { slurm } from "../../backends/slurm.ts";
import { InvalidValueError, QueryError, SubmitError } from "../../src/core/errors.ts";
import { Status } from "../../src/core/status.ts";
import type { Resources } from "../../src/core/resources.ts";
import { realOutput } from "../_backend_fixtures.ts";

const base: Resources = { name: "job", extra: [] };

Deno.test("slurm headers: every core key in SLURM syntax", () => {
  assert.deepEqual(
    slurm.renderHeaders({
      name: "hello",
      queue: "debug",
      account: "proj",
      timeSeconds: 93784,
      nodes: 4,
      ppn: 2,
      threads: 16,
      memMB: 8192,
      gpus: 2,
      stdout: "out.%j",
      stderr: "err.%j",
      extra: [],
    }),
    [
      "#SBATCH --job-name=hello",
      "#SBATCH --partition=debug",
      "#SBATCH --account=proj",
      "#SBATCH --time=1-02:03:04",
      "#SBATCH --nodes=4",
      "#SBATCH --ntasks-per-node=2",
      "#SBATCH --cpus-per-task=16",
      "#SBATCH --mem=8G",
      "#SBATCH --gres=gpu:2",
      "#SBATCH --output=out.%j",
      "#SBATCH --error=err.%j",
    ],
  );
});

Deno.test("slurm headers: time below a day, memory not a whole GB, only given keys", () => {
  assert.deepEqual(slurm.renderHeaders({ ...base, timeSeconds: 300, memMB: 100 }), [
    "#SBATCH --job-name=job",
    "#SBATCH --time=00:05:00",
    "#SBATCH --mem=100M",
  ]);
  assert.ok(slurm.renderHeaders({ ...base, memMB: 1024 * 1024 }).includes("#SBATCH --mem=1T"));
});

Deno.test("slurm headers: pass-through rules of the original", () => {
  const lines = slurm.renderHeaders({
    ...base,
    extra: [
      ["contiguous", true],
      ["dependency", "after:12454"],
      ["F", "nodefile.txt"],
      ["-A", "acct"],
      ["--qos", "long"],
      ["exclusive", false],
      ["hold", null],
      ["x", true],
    ],
  });
  assert.deepEqual(lines.slice(1), [
    "#SBATCH --contiguous",
    "#SBATCH --dependency=after:12454",
    "#SBATCH -F nodefile.txt",
    "#SBATCH -A acct",
    "#SBATCH --qos=long",
    "#SBATCH -x",
  ]);
});

Deno.test("slurm headers: a value with a newline or a bad key is refused", () => {
  assert.throws(
    () => slurm.renderHeaders({ ...base, queue: "debug\nrm -rf ~" }),
    (error) => error instanceof InvalidValueError && error.field === "queue",
  );
  assert.throws(
    () => slurm.renderHeaders({ ...base, extra: [["bad key", "x"]] }),
    InvalidValueError,
  );
  assert.deepEqual(slurm.renderHeaders({ name: "two words", extra: [] }), [
    '#SBATCH --job-name="two words"',
  ]);
});

Deno.test("slurm envVars: names seen in a real SLURM 22.05 job environment", async () => {
  const { output } = await realOutput("slurm", "099");
  const environment = new Set(output.stdout.split("\n").map((line) => line.split("=")[0]));
  for (const target of Object.values(slurm.envVars)) {
    if (target === "SLURM_ARRAY_TASK_ID") continue; // only in array jobs: checked below
    assert.ok(environment.has(target), `${target} missing from the job environment`);
  }
  const array = await realOutput("slurm", "101");
  assert.match(array.output.stdout, /^SLURM_ARRAY_TASK_ID=2$/m);
});

Deno.test("slurm submit: sbatch --parsable, ids from real answers", async () => {
  assert.deepEqual(slurm.submitCommand("job.slr"), { argv: ["sbatch", "--parsable", "job.slr"] });
  assert.deepEqual(slurm.submitCommand("-odd.slr").argv.at(-1), "./-odd.slr");
  const argv = slurm.submitCommand("fail.sh").argv;
  for (const [number, id] of [["010", "5"], ["011", "6"], ["012", "7"], ["009", "4"]]) {
    assert.equal(slurm.parseJobId((await realOutput("slurm", number!)).output, argv), id);
  }
  assert.equal(slurm.parseJobId({ code: 0, stdout: "77;cluster2\n", stderr: "" }, argv), "77");
});

Deno.test("slurm submit: refusals and silent answers are SubmitErrors with SLURM's words", async () => {
  const argv = ["sbatch", "--parsable", "x.slr"];
  for (const number of ["112", "125", "119"]) {
    const { output } = await realOutput("slurm", number);
    assert.throws(
      () => slurm.parseJobId(output, argv),
      (error) =>
        error instanceof SubmitError && error.message.includes(output.stderr.split("\n")[0]!),
    );
  }
  // sbatch -Q prints nothing: no id is an error, not an empty id.
  const quiet = (await realOutput("slurm", "015")).output;
  assert.throws(() => slurm.parseJobId(quiet, argv), /no job id/);
});

Deno.test("slurm status: one squeue for many ids, chunked only for huge lists", () => {
  const [command, ...rest] = slurm.statusCommands(["1", "2", "3"]);
  assert.equal(rest.length, 0);
  assert.deepEqual(command, {
    argv: [
      "squeue",
      "-h",
      "-t",
      "all",
      "-O",
      "JobArrayID:|,State:|,Reason:|,exit_code:",
      "-j",
      "1,2,3",
    ],
    ids: ["1", "2", "3"],
  });
  const many = Array.from({ length: 10_000 }, (_, index) => String(100_000 + index));
  assert.equal(slurm.statusCommands(many).length, 1);
  const huge = Array.from({ length: 30_000 }, (_, index) => String(1_000_000 + index));
  const chunks = slurm.statusCommands(huge);
  assert.ok(chunks.length > 1);
  assert.deepEqual(chunks.flatMap((chunk) => chunk.ids), huge);
  for (const chunk of chunks) {
    assert.ok(chunk.argv.join(" ").length <= 100_000);
    assert.equal(chunk.argv.at(-1), chunk.ids.join(","));
  }
});

Deno.test("slurm status: real squeue -h -o '%i|%T|%r' output", async () => {
  const { cmd, output } = await realOutput("slurm", "039");
  assert.match(cmd, /%i\|%T\|%r/);
  const result = slurm.parseStatus(output, ["11", "12", "14", "15", "99"]);
  assert.deepEqual(result.get("11"), { status: Status.RUNNING, state: "RUNNING" });
  assert.deepEqual(result.get("12"), {
    status: Status.PENDING,
    state: "PENDING",
    reason: "Resources",
  });
  assert.equal(result.get("14")?.reason, "JobHeldUser");
  assert.equal(result.has("13"), false, "ids not asked about are left out");
  assert.equal(result.has("99"), false, "ids squeue does not list are absent");

  const dependency = await realOutput("slurm", "073");
  assert.equal(
    slurm.parseStatus(dependency.output, ["15"]).get("15")?.reason,
    "DependencyNeverSatisfied",
  );
  const completed = await realOutput("slurm", "152");
  assert.deepEqual(slurm.parseStatus(completed.output, ["50"]).get("50"), {
    status: Status.COMPLETED,
    state: "COMPLETED",
  });
});

Deno.test("slurm status: real squeue -t all -O with exit codes (finished, live, array tasks)", async () => {
  const { cmd, output } = await realOutput("slurm", "163");
  const argv = slurm.statusCommands(["859"])[0]!.argv;
  assert.equal(cmd.replace(/ -j .*$/, ""), `squeue -h -t all -O '${argv[5]}'`);
  const ids = ["859", "860", "861", "862", "863", "864", "999999"];
  const result = slurm.parseStatus(output, ids);
  assert.deepEqual(result.get("859"), { status: Status.FAILED, state: "FAILED", exitCode: 3 });
  assert.deepEqual(result.get("860"), {
    status: Status.COMPLETED,
    state: "COMPLETED",
    exitCode: 0,
  });
  // killed by SIGKILL: wait status 9
  assert.deepEqual(result.get("861"), {
    status: Status.FAILED,
    state: "FAILED",
    exitCode: 0,
    reason: "signal 9",
  });
  assert.equal(result.get("862")?.status, Status.CANCELLED);
  assert.deepEqual(result.get("863"), { status: Status.RUNNING, state: "RUNNING" });
  assert.equal(result.get("864")?.status, Status.FAILED);
  assert.equal(result.has("999999"), false);
  const unknown = await realOutput("slurm", "164");
  assert.equal(slurm.parseStatus(unknown.output, ["999999"]).size, 0);
});

Deno.test("slurm status: 'Invalid job id specified' means none known; other errors are query errors", async () => {
  for (const number of ["130", "131", "146"]) {
    const { output } = await realOutput("slurm", number);
    assert.equal(output.code, 1);
    assert.equal(slurm.parseStatus(output, ["999999"]).size, 0);
  }
  for (const number of ["132", "155"]) {
    const { output } = await realOutput("slurm", number);
    assert.throws(
      () => slurm.parseStatus(output, ["1"]),
      (error) => error instanceof QueryError && error.message.includes(output.stderr.trim()),
    );
  }
  // squeue exits 0 with nothing when the jobs just finished (within MinJobAge): absent.
  assert.equal(slurm.parseStatus({ code: 0, stdout: "", stderr: "" }, ["4"]).size, 0);
});

Deno.test("slurm status: garbage and unknown states are query errors, never states", async () => {
  assert.throws(
    () => slurm.parseStatus({ code: 0, stdout: "ssh: banner\n", stderr: "" }, ["1"]),
    QueryError,
  );
  assert.throws(
    () => slurm.parseStatus({ code: 0, stdout: "1|WEIRD|None\n", stderr: "" }, ["1"]),
    /Cannot parse SLURM job state "WEIRD"/,
  );
  for (const line of ["1|COMPLETED|None|zero", "1|COMPLETED|None|", "1|COMPLETED", "1|A|B|0|5"]) {
    assert.throws(
      () => slurm.parseStatus({ code: 0, stdout: `${line}\n`, stderr: "" }, ["1"]),
      /Cannot parse squeue line/,
    );
  }
  // The default squeue table is not our format.
  const table = await realOutput("slurm", "044");
  assert.throws(() => slurm.parseStatus(table.output, ["11"]), QueryError);
});

Deno.test("slurm status: every documented state maps to a status", () => {
  const expected: Record<string, number> = {
    PENDING: Status.PENDING,
    CONFIGURING: Status.PENDING,
    REQUEUED: Status.PENDING,
    REQUEUE_FED: Status.PENDING,
    REQUEUE_HOLD: Status.PENDING,
    RESV_DEL_HOLD: Status.PENDING,
    SPECIAL_EXIT: Status.PENDING,
    SUSPENDED: Status.PENDING,
    STOPPED: Status.PENDING,
    RUNNING: Status.RUNNING,
    COMPLETING: Status.RUNNING,
    RESIZING: Status.RUNNING,
    SIGNALING: Status.RUNNING,
    STAGE_OUT: Status.RUNNING,
    COMPLETED: Status.COMPLETED,
    CANCELLED: Status.CANCELLED,
    "CANCELLED+": Status.CANCELLED,
    "CANCELLED by 1000": Status.CANCELLED,
    REVOKED: Status.CANCELLED,
    FAILED: Status.FAILED,
    BOOT_FAIL: Status.FAILED,
    DEADLINE: Status.FAILED,
    NODE_FAIL: Status.FAILED,
    OUT_OF_MEMORY: Status.FAILED,
    PREEMPTED: Status.FAILED,
    TIMEOUT: Status.FAILED,
  };
  const ids = Object.keys(expected).map((_, index) => String(index + 1));
  const stdout = Object.keys(expected)
    .map((state, index) => `${index + 1}|job|debug|${state}|0:0|Unknown|Unknown|00:00:00`)
    .join("\n");
  const result = slurm.parseAccounting({ code: 0, stdout, stderr: "" }, ids);
  Object.entries(expected).forEach(([state, status], index) => {
    assert.equal(result.get(String(index + 1))?.status, status, state);
    assert.equal(result.get(String(index + 1))?.state, state);
  });
});

Deno.test("slurm accounting: command and real sacct records", async () => {
  assert.deepEqual(slurm.accountingCommands(["5", "13"]), [{
    argv: [
      "sacct",
      "-X",
      "-P",
      "-n",
      "-o",
      "JobID,JobName,Partition,State,ExitCode,Start,End,Elapsed",
      "-j",
      "5,13",
    ],
    ids: ["5", "13"],
  }]);
  const failed = await realOutput("slurm", "028");
  assert.deepEqual(slurm.parseAccounting(failed.output, ["5"]).get("5"), {
    status: Status.FAILED,
    state: "FAILED",
    exitCode: 3,
  });
  const cancelledPending = await realOutput("slurm", "062");
  assert.deepEqual(slurm.parseAccounting(cancelledPending.output, ["13"]).get("13"), {
    status: Status.CANCELLED,
    state: "CANCELLED by 0",
    exitCode: 0,
  });
  const cancelledRunning = await realOutput("slurm", "070");
  assert.equal(
    slurm.parseAccounting(cancelledRunning.output, ["11"]).get("11")?.status,
    Status.CANCELLED,
  );
  const timeout = await realOutput("slurm", "109");
  assert.deepEqual(slurm.parseAccounting(timeout.output, ["30"]).get("30"), {
    status: Status.FAILED,
    state: "TIMEOUT",
    exitCode: 0,
    reason: "timeout: time limit reached",
  });
  const old = await realOutput("slurm", "148");
  assert.equal(slurm.parseAccounting(old.output, ["2"]).get("2")?.exitCode, 2);
  const active = await realOutput("slurm", "055");
  const states = slurm.parseAccounting(active.output, ["11", "12", "14", "15"]);
  assert.equal(states.get("11")?.status, Status.RUNNING);
  assert.equal(states.get("12")?.status, Status.PENDING);
});

Deno.test("slurm accounting: array tasks merge into the array id", async () => {
  const array = await realOutput("slurm", "088");
  const { tasks, ...merged } = slurm.parseAccounting(array.output, ["21"]).get("21")!;
  assert.deepEqual(merged, { status: Status.COMPLETED, state: "COMPLETED", exitCode: 0 });
  assert.ok(
    tasks !== undefined && tasks.size > 1 && [...tasks.values()].every((t) => t.exitCode === 0),
  );
  const mixed = "21_1|arr|debug|COMPLETED|0:0|a|b|c\n21_2|arr|debug|FAILED|4:0|a|b|c\n" +
    "21_3|arr|debug|RUNNING|0:0|a|b|c\n";
  const answer = slurm.parseAccounting({ code: 0, stdout: mixed, stderr: "" }, ["21"]).get("21");
  assert.equal(answer?.status, Status.RUNNING);
  assert.deepEqual(
    [...answer!.tasks!].map(([index, task]) => [index, task.status, task.exitCode]),
    [
      [1, Status.COMPLETED, 0],
      [2, Status.FAILED, 4],
      [3, Status.RUNNING, 0],
    ],
  );
  const done = mixed.replace("RUNNING", "COMPLETED");
  const { tasks: _, ...ended } = slurm.parseAccounting({ code: 0, stdout: done, stderr: "" }, [
    "21",
  ])
    .get("21")!;
  assert.deepEqual(ended, {
    status: Status.FAILED,
    state: "FAILED",
    exitCode: 4,
  });
});

Deno.test("slurm accounting: a signal in ExitCode, a job name with a pipe", () => {
  const stdout = "8|a|b|debug|FAILED|0:9|x|y|z\n";
  assert.deepEqual(slurm.parseAccounting({ code: 0, stdout, stderr: "" }, ["8"]).get("8"), {
    status: Status.FAILED,
    state: "FAILED",
    exitCode: 0,
    reason: "signal 9",
  });
});

Deno.test("slurm accounting: unknown ids absent, failures are query errors", async () => {
  for (const number of ["141", "160"]) {
    assert.equal(slurm.parseAccounting((await realOutput("slurm", number)).output, ["51"]).size, 0);
  }
  for (const number of ["142", "161"]) {
    const { output } = await realOutput("slurm", number);
    assert.throws(
      () => slurm.parseAccounting(output, ["51"]),
      (error) => error instanceof QueryError && error.message.includes("sacct"),
    );
  }
  // The default sacct table (truncated CANCELLED+) is not our format.
  const table = await realOutput("slurm", "071");
  assert.throws(() => slurm.parseAccounting(table.output, ["11"]), QueryError);
});

Deno.test("slurm cancel: scancel with every id", () => {
  assert.deepEqual(slurm.cancelCommand(["4", "5"]), ["scancel", "4", "5"]);
});
