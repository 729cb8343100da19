// No dependent hangs: a run whose dependency breaks ends when it is waited for, whether its
// parent is a run of this process, a bare job id, or a run loaded from the cache.

import assert from "node:assert/strict";
import { AsyncResult, JobScript, Status } from "../../../mod.ts";
import { SimCluster } from "../../../sim/mod.ts";
import { breaks } from "../../../src/run/_dependency_watch.ts";
import { modelFromScript } from "../../_script_model.ts";

const simulated = () =>
  new SimCluster({
    scheduler: "lsf",
    execution: "model",
    clock: "virtual",
    model: modelFromScript,
  });

Deno.test("breaks(): ok after FAILED or CANCELLED, notok after COMPLETED; never any, start, or a vanished parent", () => {
  assert.ok(breaks("ok", Status.FAILED, "EXIT") && breaks("ok", Status.CANCELLED, "EXIT"));
  assert.ok(!breaks("ok", Status.COMPLETED, "DONE") && !breaks("ok", Status.RUNNING, "RUN"));
  assert.ok(breaks("notok", Status.COMPLETED, "DONE") && !breaks("notok", Status.FAILED, "EXIT"));
  assert.ok(!breaks("any", Status.FAILED, "EXIT") && !breaks("start", Status.CANCELLED, "EXIT"));
  assert.ok(!breaks("ok", Status.FAILED, "VANISHED"));
});

Deno.test("a notok child of a parent that completed is cancelled by clusterjob (LSF keeps it pending)", async () => {
  await using cluster = simulated();
  const transport = cluster.transport();
  const parent = await new JobScript({ name: "fine", backend: "lsf", body: "sleep 60" })
    .submit({ transport });
  const child = await new JobScript({ name: "cleanup", backend: "lsf", body: "true" })
    .submit({ transport, after: [{ run: parent, when: "notok" }] });
  assert.equal(await child.wait(), Status.CANCELLED);
  assert.equal(parent.status, Status.COMPLETED);
  assert.match(child.reason ?? "", /after notok on job 1 \(fine\), which ended COMPLETED/);
  assert.ok(cluster.commandLog.some((entry) => entry.argv.join(" ") === "bkill 2"));
});

Deno.test("a parent known by its id alone, and a child loaded from its cache, still end the child", async () => {
  await using cluster = simulated();
  const cacheFolder = await Deno.makeTempDir();
  try {
    const parent = await new JobScript({ name: "other", backend: "lsf", body: "sleep 30\nexit 1" })
      .submit({ transport: cluster.transport() });
    const child = await new JobScript({ name: "mine", backend: "lsf", body: "true", cacheFolder })
      .submit({ transport: cluster.transport(), after: [parent.jobId] });
    // Another process loads the child alone and waits for it.
    const loaded = await AsyncResult.load(child.cacheFile!, { transport: cluster.transport() });
    assert.deepEqual(loaded.after, [{ jobId: parent.jobId, when: "ok" }]);
    assert.equal(await loaded.wait(), Status.CANCELLED);
    assert.match(
      loaded.reason ?? "",
      /after ok on job 1, which ended FAILED \(state EXIT, exit code 1\)/,
    );
    // Saved so: a third process knows without asking.
    const again = await AsyncResult.load(child.cacheFile!, { transport: cluster.transport() });
    assert.equal(again.status, Status.CANCELLED);
    assert.equal(again.reason, loaded.reason);
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
});

Deno.test("an array parent stands for all its tasks: one failed task ends the ok child, on every scheduler", async () => {
  for (const scheduler of ["slurm", "pbs", "pbspro", "lsf", "sge"] as const) {
    await using cluster = new SimCluster({ scheduler, execution: "shell", clock: "virtual" });
    const transport = cluster.transport();
    const sweep = await new JobScript({
      name: "sweep",
      backend: scheduler,
      body: 'test "$CLUSTERJOB_ARRAY_INDEX" != 2',
      array: "1-3",
    }).submit({ transport });
    const collect = new JobScript({
      name: "collect",
      backend: scheduler,
      body: "true",
      after: [sweep],
    });
    if (scheduler === "pbs") {
      assert.match(collect.render(), /^#PBS -W depend=afterokarray:1\[\]\.\S+$/m);
    }
    const run = await collect.submit({ transport });
    assert.equal(await run.wait(), Status.CANCELLED, scheduler);
    assert.equal(sweep.status, Status.FAILED, scheduler);
    assert.equal(run.cause, "dependency");
  }
});
