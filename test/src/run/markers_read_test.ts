// Reading markers: one command per poll round for every run that needs them (counted in the
// simulator's command log), missing and garbled files, `~/` paths, real grep through
// LocalTransport; and the poller's use of them when accounting is disabled.
import assert from "node:assert/strict";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { JobScript } from "../../../src/job/job_script.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { readMarkers } from "../../../src/run/_markers_read.ts";
import { Status } from "../../../src/core/status.ts";
import { SimCluster } from "../../../sim/cluster.ts";
import { modelFromScript } from "../../_script_model.ts";

/** A simulated SGE without accounting (qacct has no file): qstat forgets jobs as they end. */
function sgeWithoutAccounting(): SimCluster {
  return new SimCluster({
    scheduler: "sge",
    execution: "model",
    clock: "virtual",
    model: modelFromScript,
    faults: { accounting: "disabled" },
  });
}

Deno.test("100 runs that accounting forgot: one grep per round, exact exit codes", async () => {
  await using cluster = sgeWithoutAccounting();
  const transport = cluster.transport();
  const runs = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      new JobScript({
        name: `job${i}`,
        body: `sleep ${10 + (i % 7)}\nexit ${i % 5}`,
        backend: "sge",
        rootdir: cluster.home,
        workdir: "sweep",
      }).submit({ transport })),
  );
  const statuses = await AsyncResult.waitAll(runs);
  assert.deepEqual(
    runs.map((run) => run.exitCode),
    runs.map((_, i) => i % 5),
  );
  assert.deepEqual(statuses, runs.map((_, i) => i % 5 === 0 ? Status.COMPLETED : Status.FAILED));
  assert.ok(runs.every((run) => run.cause === "exit" && run.state === "ENDED"));
  // Every round that read markers did so in one command, never one per job.
  const log = cluster.commandLog;
  const rounds = log.filter((c) => c.argv[0] === "qstat").length;
  const reads = log.filter((c) => c.argv[0] === "grep");
  assert.ok(reads.length >= 1 && reads.length <= rounds, `${reads.length} reads, ${rounds} rounds`);
  const runsPerRead = reads.map((c) => (c.argv.length - 11) / 2); // 11 words of grep options
  assert.ok(reads.length < runs.length / 3, `${reads.length} reads for ${runs.length} runs`);
  assert.ok(Math.max(...runsPerRead) >= 10, `runs per read: ${runsPerRead}`);
  // Never one command per job: every round's runs share its one read.
  const readTimes = reads.map((c) => c.time);
  assert.equal(new Set(readTimes).size, readTimes.length, "at most one read per round");
});

Deno.test("a garbled or missing marker fails only its own run", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
  });
  const transport = cluster.transport();
  const home = cluster.home;
  cluster.fs.writeText(`${home}/a/.clusterjob/x/start`, "time=10 host=n1 id=1 task=\n");
  cluster.fs.writeText(`${home}/a/.clusterjob/x/end`, "time=20 exit=4\n");
  cluster.fs.writeText(`${home}/b/.clusterjob/y/end`, "time=20 exit=4\ntime=21 exit=5\n");
  cluster.fs.writeText(`${home}/c/.clusterjob/z/end`, "\u0000garbage \u0000 with NULs");
  cluster.fs.writeText(`${home}/d/.clusterjob/w/end`, "time=30 signal=TERM");
  const read = await readMarkers(transport, [
    { folder: `${home}/a/.clusterjob/x` },
    { folder: `~/b/.clusterjob/y` },
    { folder: `c/.clusterjob/z` },
    { folder: `${home}/missing/.clusterjob/q` },
    { folder: `${home}/d/.clusterjob/w` },
  ]);
  assert.equal(read.error, undefined);
  const [a, b, c, missing, d] = read.readings;
  assert.deepEqual(a!.start, { kind: "start", time: 10, host: "n1", id: "1", task: "" });
  assert.deepEqual(a!.end, { kind: "end", time: 20, exit: 4 });
  assert.equal(b!.end?.kind, "garbled");
  assert.equal(c!.end?.kind, "garbled");
  assert.equal(missing!.start, undefined);
  assert.equal(missing!.end, undefined);
  assert.deepEqual(d!.end, { kind: "end", time: 30, signal: "TERM" });
  // `~/` paths and relative ones resolve against different directories: two commands.
  assert.equal(read.commands.length, 2);
  assert.equal(cluster.commandLog.filter((c) => c.argv[0] === "grep").length, 2);
});

Deno.test("real grep through LocalTransport: names with spaces, quotes and colons", async () => {
  const folder = await Deno.makeTempDir({ prefix: "markers read 'q' x " });
  try {
    const marker = `${folder}/run: 1/.clusterjob/j`;
    await Deno.mkdir(marker, { recursive: true });
    await Deno.writeTextFile(`${marker}/start`, "time=1 host=h id=9 task=\n");
    await Deno.writeTextFile(`${marker}/end`, "time=2 exit=7");
    const read = await readMarkers(new LocalTransport(), [
      { folder: marker },
      { folder: `${folder}/none` },
    ]);
    assert.equal(read.error, undefined);
    assert.deepEqual(read.readings[0]!.end, { kind: "end", time: 2, exit: 7 });
    assert.equal(read.readings[1]!.end, undefined);
    assert.equal(read.commands.length, 1);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a failed marker read is reported, never thrown", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    commands: {
      grep: () => ({ code: 127, stdout: "", stderr: "bash: grep: command not found\n" }),
    },
  });
  const read = await readMarkers(cluster.transport(), [{ folder: "/x" }]);
  assert.match(String(read.error), /grep exited 127/);
  assert.equal(read.readings[0]!.end, undefined);
});

Deno.test("without accounting: a KILLed job is vanished after the grace, with the evidence", async () => {
  // SGE kills at h_rt with SIGKILL: a start marker and no end.
  await using cluster = sgeWithoutAccounting();
  const run = await new JobScript({
    name: "long",
    body: "sleep 3600",
    backend: "sge",
    rootdir: cluster.home,
    resources: { time: 5 },
  }).submit({ transport: cluster.transport(), polling: { vanishGraceMs: 60_000 } });
  assert.equal(await run.wait(), Status.FAILED);
  assert.equal(run.state, "VANISHED");
  assert.equal(run.cause, "timeout");
  assert.match(run.reason ?? "", /markers in .*long: start .* on node1, no end; .*walltime/);
});
