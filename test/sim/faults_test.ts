/** Fault injection: seeded, deterministic, switchable per command. */

import assert from "node:assert/strict";
import { CommandTimeoutError } from "../../mod.ts";
import { SimCluster } from "../../sim/mod.ts";

const model = () => ({ runtimeSeconds: 60, exitCode: 0 });

Deno.test("a failed submit prints the tool's transient error; with created: true the job exists anyway", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  cluster.faults.failSubmit();
  const lost = await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
  assert.deepEqual(lost, {
    code: 1,
    stdout: "",
    stderr: "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n",
  });
  assert.equal(cluster.jobs().length, 0);
  cluster.faults.failSubmit({ created: true });
  const ghost = await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
  assert.equal(ghost.code, 1);
  assert.equal(cluster.jobs().length, 1, "the job was created although sbatch said it failed");
  assert.equal((await cluster.run(["sbatch", "--parsable", "--wrap", "true"])).stdout, "2\n");
  assert.deepEqual(cluster.faults.injected.map((f) => f.fault), [
    "submit-failure",
    "submit-failure",
  ]);
  assert.deepEqual(cluster.commandLog.map((c) => c.fault), [
    "submit-failure",
    "submit-failure",
    undefined,
  ]);
});

Deno.test("SGE's transient submit failure", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", model });
  cluster.faults.failSubmit();
  const out = await cluster.run(["qsub", "-b", "y", "true"]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /^Unable to run job: .*\nExiting\.\n$/);
});

Deno.test("random faults are reproducible from the seed", async () => {
  const pattern = async (seed: number) => {
    await using cluster = new SimCluster({
      scheduler: "slurm",
      model,
      seed,
      faults: { statusFailureProbability: 0.3 },
    });
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await cluster.run(["squeue", "-h"])).code);
    return codes.join("");
  };
  const a = await pattern(7);
  assert.equal(a, await pattern(7));
  assert.notEqual(a, await pattern(8));
  const failures = [...a].filter((c) => c === "1").length;
  assert.ok(failures > 4 && failures < 25, `about 30 % of 40 fail: ${failures}`);
});

Deno.test("status failures are per command and counted", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  cluster.faults.failCommands({ commands: ["sacct"], times: 2 });
  assert.equal((await cluster.run(["squeue", "-h"])).code, 0);
  const first = await cluster.run(["sacct", "-n"]);
  assert.deepEqual(first, {
    code: 1,
    stdout: "",
    stderr: "slurm_load_jobs error: Socket timed out on send/recv operation\n",
  });
  assert.equal((await cluster.run(["sacct", "-n"])).code, 1);
  assert.equal((await cluster.run(["sacct", "-n"])).code, 0);
});

Deno.test("a hung status command times out in cluster time, as CommandTimeoutError", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  cluster.faults.failCommands({ commands: ["squeue"], mode: "hang" });
  const began = Date.now();
  const start = cluster.clock.now();
  await assert.rejects(
    cluster.run(["squeue", "-h"], { timeout: 120_000 }),
    (e: unknown) =>
      e instanceof CommandTimeoutError && e.timeout === 120_000 && e.argv[0] === "squeue",
  );
  assert.equal(cluster.clock.now() - start, 120_000);
  assert.ok(Date.now() - began < 1000);
  assert.equal(cluster.commandLog.at(-1)!.code, undefined);
});

Deno.test("a hang shorter than the timeout answers late; an abort signal ends a hang", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  cluster.faults.failCommands({ mode: "hang", hangMs: 30_000 });
  const start = cluster.clock.now();
  const out = await cluster.run(["squeue", "-h"], { timeout: 60_000 });
  assert.equal(out.code, 0);
  assert.equal(cluster.clock.now() - start, 30_000);

  cluster.faults.failCommands({ mode: "hang" });
  const controller = new AbortController();
  const pending = cluster.run(["squeue"], { signal: controller.signal });
  setTimeout(() => controller.abort(new Error("gave up")), 10);
  await assert.rejects(pending, /gave up/);
});

Deno.test("controller down for a window: commands fail as the real tools do, sacct still answers", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", model });
  await cluster.run(["sbatch", "--wrap", "true"]);
  cluster.faults.controllerDown(600_000);
  assert.equal(cluster.faults.controllerReachable, false);
  const sbatch = await cluster.run(["sbatch", "--wrap", "true"]);
  assert.equal(
    sbatch.stderr,
    "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n",
  );
  const scancel = await cluster.run(["scancel", "1"]);
  assert.deepEqual([scancel.code, scancel.stderr], [
    8,
    "scancel: error: Kill job error on job id 1: Unable to contact slurm controller (connect failure)\n",
  ]);
  assert.equal((await cluster.run(["squeue"])).code, 1);
  assert.equal(
    (await cluster.run(["sacct", "-j", "1", "-n", "-X", "-P", "-o", "JobID"])).stdout,
    "1\n",
  );
  await cluster.advance(600_000);
  assert.equal(cluster.faults.controllerReachable, true);
  assert.equal((await cluster.run(["squeue", "-h"])).code, 0);
});

Deno.test("SGE with qmaster down: qsub, qstat, qdel fail at once; qacct reads its file", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", model, loginHost: "head" });
  await cluster.run(["qsub", "-b", "y", "true"]);
  await cluster.runUntilIdle();
  cluster.faults.controllerDown();
  const qstat = await cluster.run(["qstat"]);
  assert.equal(
    qstat.stderr,
    'error: commlib error: got select error (Connection refused)\nerror: unable to send message to qmaster using port 6444 on host "head": got send error\n',
  );
  assert.equal((await cluster.run(["qdel", "1"])).code, 1);
  assert.equal((await cluster.run(["qacct", "-j", "1"])).code, 0);
  cluster.faults.controllerUp();
  assert.equal((await cluster.run(["qstat"])).code, 0);
});

Deno.test("accounting lag, outage and absence", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    model,
    faults: { accountingLagMs: 30_000 },
  });
  await cluster.run(["sbatch", "--wrap", "true"]);
  await cluster.advance(61_000);
  const query = ["sacct", "-j", "1", "-X", "-n", "-P", "-o", "JobID,State"];
  assert.equal(cluster.job(1)?.state, "COMPLETED");
  assert.equal(
    (await cluster.run(query)).stdout,
    "1|RUNNING\n",
    "accounting still has the old record",
  );
  await cluster.advance(30_000);
  assert.equal((await cluster.run(query)).stdout, "1|COMPLETED\n");
  cluster.faults.setAccounting("down");
  const down = await cluster.run(query);
  assert.deepEqual([down.code, down.stderr.split("\n").at(-2)], [
    1,
    "sacct: error: Problem talking to the database: Connection refused",
  ]);
  cluster.faults.setAccounting("disabled");
  assert.equal((await cluster.run(query)).stderr, "Slurm accounting storage is disabled\n");
  cluster.faults.clear();
  assert.equal((await cluster.run(query)).stdout, "1|COMPLETED\n");
});

Deno.test("node failure and preemption show in squeue and sacct", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    model,
    nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }, { name: "n2", cpus: 1, memoryMB: 4000 }],
  });
  await cluster.run(["sbatch", "--wrap", "true"]);
  await cluster.run(["sbatch", "--wrap", "true"]);
  await cluster.advance(1000);
  assert.equal(cluster.faults.failNode("n1").length, 1);
  assert.equal(cluster.faults.preempt(2).length, 1);
  const squeue = await cluster.run(["squeue", "-h", "-t", "all", "-o", "%i|%T|%r"]);
  assert.equal(squeue.stdout, "1|NODE_FAIL|NodeDown\n2|PREEMPTED|None\n");
  const sacct = await cluster.run(["sacct", "-j", "1,2", "-X", "-n", "-P", "-o", "JobID,State"]);
  assert.equal(sacct.stdout, "1|NODE_FAIL\n2|PREEMPTED\n");
  cluster.faults.resumeNode("n1");
});
