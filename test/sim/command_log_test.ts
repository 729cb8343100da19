import assert from "node:assert/strict";
import { DEFAULT_LOG_OUTPUT_CHARS, SimCluster, SimCommandLog } from "../../sim/mod.ts";

const served = (log: SimCommandLog, stdout: string, stderr = "") => {
  const record = log.start({ argv: ["echo", stdout], cwd: "/", user: "u", time: 0 });
  log.finish(record, { code: 0, stdout, stderr });
};

Deno.test("commandLog: by default every record keeps its outputs, and scheduler tools their role", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
  await cluster.run(["squeue", "-h", "-o", "%i"]);
  await cluster.run(["sacct", "-X", "-n", "-P", "-o", "JobID", "-j", "1"]);
  await cluster.run(["scancel", "1"]);
  await cluster.run(["hostname"]);
  assert.deepEqual(
    cluster.commandLog.map((c) => [c.argv[0], c.role, c.code, c.stdout]),
    [
      ["sbatch", "submit", 0, "1\n"],
      ["squeue", "status", 0, "1\n"],
      ["sacct", "accounting", 0, "1\n"],
      ["scancel", "status", 0, ""],
      ["hostname", undefined, 0, "login1\n"],
    ],
  );
});

Deno.test('commandLog: outputs "none" keeps argv, time, code, role and fault, never an output', async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    commandLog: { outputs: "none" },
  });
  await cluster.advance(5_000);
  cluster.faults.failCommands({ commands: ["squeue"] });
  await cluster.run(["squeue", "-h"]);
  await assert.rejects(cluster.run(["qsub", "x.sh"]));
  assert.deepEqual(cluster.commandLog, [
    {
      argv: ["squeue", "-h"],
      cwd: "/home/user",
      user: "user",
      time: Date.UTC(2026, 0, 1) + 5_000,
      role: "status",
      fault: "query-failure",
      code: 1,
    },
    {
      argv: ["qsub", "x.sh"],
      cwd: "/home/user",
      user: "user",
      time: Date.UTC(2026, 0, 1) + 5_000,
      code: 127,
    },
  ]);
});

Deno.test("SimCommandLog: maxChars keeps the most recent outputs that fit together, dropping the oldest", () => {
  const log = new SimCommandLog({ outputs: { maxChars: 12 } });
  served(log, "aaaa", "A");
  served(log, "bbbb", "B");
  assert.deepEqual(log.records.map((r) => r.stdout), ["aaaa", "bbbb"]);
  served(log, "cccc", "C");
  assert.deepEqual(log.records.map((r) => [r.stdout, r.stderr]), [
    [undefined, undefined],
    ["bbbb", "B"],
    ["cccc", "C"],
  ]);
  assert.deepEqual(Object.keys(log.records[0]!), ["argv", "cwd", "user", "time", "code"]);
});

Deno.test("SimCommandLog: an output larger than maxChars is not kept and drops nothing", () => {
  const log = new SimCommandLog({ outputs: { maxChars: 8 } });
  served(log, "small");
  served(log, "far too large");
  served(log, "end");
  assert.deepEqual(log.records.map((r) => [r.code, r.stdout]), [
    [0, "small"],
    [0, undefined],
    [0, "end"],
  ]);
});

Deno.test("SimCommandLog: a long run keeps a bounded tail of outputs and every record", () => {
  const log = new SimCommandLog({ outputs: { maxChars: 1_000 } });
  for (let i = 0; i < 10_000; i++) served(log, `${String(i).padStart(9, "0")}\n`);
  assert.equal(log.records.length, 10_000);
  const kept = log.records.filter((r) => r.stdout !== undefined);
  assert.equal(kept.length, 100);
  assert.equal(kept[0]!.stdout, "000009900\n");
  assert.equal(log.records.at(-1)!.stdout, "000009999\n");
});

Deno.test('SimCommandLog: "all" keeps every output; the default bound is 16 Mi characters', () => {
  const log = new SimCommandLog({ outputs: "all" });
  const big = "x".repeat(1_000_000);
  for (let i = 0; i < 20; i++) served(log, big);
  assert.ok(log.records.every((r) => r.stdout === big));
  assert.equal(DEFAULT_LOG_OUTPUT_CHARS, 16_777_216);
  const bounded = new SimCommandLog();
  for (let i = 0; i < 20; i++) served(bounded, big);
  assert.equal(bounded.records.filter((r) => r.stdout === big).length, 16);
});

Deno.test("SimCommandLog: a record finished twice, or never, changes nothing more", () => {
  const log = new SimCommandLog({ outputs: { maxChars: 100 } });
  const record = log.start({ argv: ["sleep"], cwd: "/", user: "u", time: 0 });
  log.start({ argv: ["hung"], cwd: "/", user: "u", time: 0 });
  log.finish(record, { code: 0, stdout: "one", stderr: "" });
  log.finish(record, { code: 3, stdout: "two", stderr: "" });
  assert.deepEqual(log.records.map((r) => [r.argv[0], r.code, r.stdout]), [
    ["sleep", 0, "one"],
    ["hung", undefined, undefined],
  ]);
});

Deno.test("SimCommandLog: refuses a negative or missing bound", () => {
  assert.throws(
    () => new SimCommandLog({ outputs: { maxChars: -1 } }),
    (e) => e instanceof RangeError && /"-1" characters/.test(e.message),
  );
  assert.throws(() => new SimCommandLog({ outputs: { maxChars: NaN } }), RangeError);
});
