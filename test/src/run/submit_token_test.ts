// Ambiguous submits on the five simulated schedulers: the library looks for the submission's
// token and adopts the job it finds, submits again where the listing proves there is none, and
// throws InterruptedSubmissionError with the token where it cannot tell. Never a second job.

import assert from "node:assert/strict";
import { InterruptedSubmissionError, JobScript, readCacheFile, SubmitError } from "../../../mod.ts";
import { type SchedulerKind, SimCluster, type SimFaultDecision } from "../../../sim/mod.ts";

const SCHEDULERS: readonly SchedulerKind[] = ["slurm", "pbs", "pbspro", "lsf", "sge"];

/** The command a scheduler submits with, and the one it looks tokens up with. */
const COMMANDS: Record<SchedulerKind, { submit: string; lookup: string }> = {
  slurm: { submit: "sbatch", lookup: "squeue" },
  pbs: { submit: "qsub", lookup: "qstat" },
  pbspro: { submit: "qsub", lookup: "qstat" },
  lsf: { submit: "bsub", lookup: "bjobs" },
  sge: { submit: "qsub", lookup: "qstat" },
};

/**
 * Whether an absent token proves there is no job: SLURM (MinJobAge), Torque (keep_completed) and
 * LSF (CLEAN_PERIOD) list finished jobs for a while; SGE forgets them at once, and PBS Pro lists
 * them only where job history is on, which an empty history cannot show.
 */
const ABSENCE_PROVES: Record<SchedulerKind, boolean> = {
  slurm: true,
  pbs: true,
  pbspro: false,
  lsf: true,
  sge: false,
};

async function setup(scheduler: SchedulerKind) {
  const cluster = new SimCluster({
    scheduler,
    execution: "model",
    clock: "virtual",
    model: () => ({ runtimeSeconds: 600, exitCode: 0 }),
  });
  const cacheFolder = await Deno.makeTempDir();
  const transport = cluster.transport();
  const job = new JobScript({ name: "step", backend: scheduler, body: "true", cacheFolder });
  const { submit, lookup } = COMMANDS[scheduler];
  const count = (name: string, fault?: SimFaultDecision["kind"]) =>
    cluster.commandLog.filter((c) =>
      c.argv[0] === name && (fault === undefined || c.fault === fault)
    ).length;
  return {
    cluster,
    transport,
    job,
    cacheFolder,
    submits: () => count(submit),
    lookups: () => count(lookup),
    async [Symbol.asyncDispose]() {
      await cluster.close();
      await Deno.remove(cacheFolder, { recursive: true });
    },
  };
}

for (const scheduler of SCHEDULERS) {
  Deno.test(`${scheduler}: a lost answer whose job was created: the job is found by its token and adopted`, async () => {
    await using t = await setup(scheduler);
    t.cluster.faults.failSubmit({ created: true });
    const run = await t.job.submit({ transport: t.transport });
    assert.equal(t.cluster.jobs().length, 1);
    const created = t.cluster.jobs()[0]!;
    assert.equal(run.jobId.split(".")[0], String(created.id));
    assert.deepEqual([t.submits(), t.lookups()], [1, 1]);
    const record = await readCacheFile(run.cacheFile!);
    assert.ok(record?.phase === "submitted" && record.jobId === run.jobId);
    // A re-run of the workflow finds the run in the cache.
    assert.equal((await t.job.submit({ transport: t.transport })).jobId, run.jobId);
    assert.equal(t.submits(), 1);
  });

  Deno.test(
    `${scheduler}: a lost answer whose job was not created: ${
      ABSENCE_PROVES[scheduler] ? "submitted again" : "InterruptedSubmissionError with the token"
    }`,
    async () => {
      await using t = await setup(scheduler);
      t.cluster.faults.failSubmit({ created: false });
      const outcome = await t.job.submit({ transport: t.transport }).then((run) => run, (e) => e);
      if (ABSENCE_PROVES[scheduler]) {
        assert.ok(!(outcome instanceof Error), String(outcome));
        assert.equal(t.cluster.jobs().length, 1);
        assert.equal(outcome.jobId.split(".")[0], String(t.cluster.jobs()[0]!.id));
        assert.deepEqual([t.submits(), t.lookups()], [2, 1]);
        // Both submits carried the same token.
        const tokens = t.cluster.commandLog.filter((c) => c.argv[0] === COMMANDS[scheduler].submit)
          .map((c) => c.argv.join(" ").match(/cj-[0-9a-f]{24}/)?.[0]);
        assert.equal(new Set(tokens).size, 1);
      } else {
        assert.ok(outcome instanceof InterruptedSubmissionError, String(outcome));
        assert.match(outcome.token ?? "", /^cj-[0-9a-f]{24}$/);
        assert.match(outcome.message, new RegExp(`carries the token ${outcome.token}`));
        assert.equal(t.cluster.jobs().length, 0);
        assert.deepEqual([t.submits(), t.lookups()], [1, 1]);
        const marker = await readCacheFile(outcome.path);
        assert.ok(marker?.phase === "submitting" && marker.token === outcome.token);
      }
    },
  );

  Deno.test(`${scheduler}: a lookup that fails is tried again; one that keeps failing decides nothing, and the next run adopts the job`, async () => {
    await using t = await setup(scheduler);
    const lookup = COMMANDS[scheduler].lookup;
    t.cluster.faults.failSubmit({ created: true });
    t.cluster.faults.failCommands({ commands: [lookup], times: 1 });
    const first = await t.job.submit({ transport: t.transport, cacheId: "first" });
    assert.equal(first.jobId.split(".")[0], String(t.cluster.jobs()[0]!.id));
    assert.deepEqual([t.submits(), t.lookups()], [1, 2]);

    t.cluster.faults.failSubmit({ created: true });
    t.cluster.faults.failCommands({ commands: [lookup], times: 4 });
    const job = t.job.with({ name: "second" });
    const error = await job.submit({ transport: t.transport }).then(() => undefined, (e) => e);
    assert.ok(error instanceof InterruptedSubmissionError, String(error));
    assert.match(error.message, /token lookup failed 4 times/);
    assert.equal(t.cluster.jobs().length, 2);
    // The workflow runs again: the marker's token finds the job; nothing is submitted.
    const run = await job.submit({ transport: t.transport });
    assert.equal(run.jobId.split(".")[0], String(t.cluster.jobs()[1]!.id));
    assert.deepEqual([t.submits(), t.lookups()], [2, 7]);
  });

  Deno.test(`${scheduler}: a refusal of the "not created" class removes the marker and is a SubmitError`, async () => {
    await using t = await setup(scheduler);
    t.cluster.faults.failSubmit({ reply: "refused" });
    const error = await t.job.submit({ transport: t.transport }).then(() => undefined, (e) => e);
    assert.ok(error instanceof SubmitError && !error.jobMayExist, String(error));
    assert.deepEqual([t.submits(), t.lookups(), t.cluster.jobs().length], [1, 0, 0]);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(t.cacheFolder)), []);
    // Nothing was cached, so the next run submits.
    await t.job.submit({ transport: t.transport });
    assert.equal(t.cluster.jobs().length, 1);
  });
}

Deno.test("a process killed during the submit: the next run adopts the job its marker's token names", async () => {
  await using t = await setup("slurm");
  const token = "cj-00112233445566778899aabb";
  // The killed process had written its marker and slurmctld had the job.
  const sbatch = await t.cluster.run(["sbatch", `--comment=${token}`, "--wrap", "true"]);
  const cacheFile = `${t.cacheFolder}/clusterjob.killed.json`;
  await Deno.writeTextFile(
    cacheFile,
    JSON.stringify({
      format: "clusterjob-run",
      version: 1,
      phase: "submitting",
      jobName: "step",
      backend: "slurm",
      transport: t.transport.name,
      token,
      updatedAt: new Date(t.transport.clock.now()).toISOString(),
    }),
  );
  const run = await t.job.submit({ transport: t.transport, cacheId: "killed" });
  assert.equal(`Submitted batch job ${run.jobId}\n`, sbatch.stdout);
  assert.equal(t.submits(), 1, "only the killed process's sbatch");
  assert.equal(t.cluster.jobs().length, 1);
});

Deno.test("lost answers in one controller hiccup share one lookup command", async () => {
  await using t = await setup("slurm");
  t.cluster.faults.failSubmit({ created: true, times: 5 });
  const jobs = Array.from({ length: 5 }, (_, i) => t.job.with({ name: `step${i}` }));
  // Without a cache: concurrent cache writes are real I/O, between which the virtual clock may
  // run the settling time out before the last submit joins (10 s of real time in real life).
  const submit = (job: JobScript) => job.submit({ transport: t.transport, cacheFolder: "" });
  const runs = await Promise.all(jobs.map(submit));
  assert.equal(new Set(runs.map((run) => run.jobId)).size, 5);
  assert.equal(t.cluster.jobs().length, 5);
  assert.deepEqual([t.submits(), t.lookups()], [5, 1]);
});

Deno.test("a job whose own directives set the token's option is submitted without a token", async () => {
  await using t = await setup("slurm");
  const job = t.job.with({ name: "commented", resources: { comment: "mine" } });
  assert.match(job.render(), /^#SBATCH --comment=mine$/m);
  t.cluster.faults.failSubmit({ created: true });
  const error = await job.submit({ transport: t.transport }).then(() => undefined, (e) => e);
  // As before tokens: the job may exist, the marker stays, nothing is looked up or resubmitted.
  assert.ok(error instanceof SubmitError && error.jobMayExist, String(error));
  assert.deepEqual([t.submits(), t.lookups()], [1, 0]);
  assert.ok(!t.cluster.commandLog.some((c) => c.argv.some((a) => a.startsWith("--comment="))));
  const listed = await t.cluster.run(["squeue", "-h", "-o", "%k"]);
  assert.equal(listed.stdout, "mine\n");
});

Deno.test("OpenLava (no bjobs -o): the lookup asks bjobs -a -l and finds the job description", async () => {
  await using cluster = new SimCluster({
    scheduler: "lsf",
    dialect: "openlava",
    model: () => ({ runtimeSeconds: 600, exitCode: 0 }),
  });
  const transport = cluster.transport();
  const job = new JobScript({ name: "step", backend: "lsf", body: "true", cacheFolder: "" });
  cluster.faults.failSubmit({ created: true });
  const run = await job.submit({ transport });
  assert.equal(run.jobId, String(cluster.jobs()[0]!.id));
  const lookups = cluster.commandLog.filter((c) => c.argv[0] === "bjobs").map((c) => c.argv);
  assert.deepEqual(lookups.map((argv) => argv.slice(0, 3)), [
    ["bjobs", "-a", "-noheader"],
    ["bjobs", "-a", "-l"],
  ]);
  cluster.faults.failSubmit({ created: false });
  const again = await job.with({ name: "other" }).submit({ transport });
  assert.equal(cluster.jobs().length, 2, "absent from bjobs -a -l: submitted again, once");
  assert.equal(again.jobId, String(cluster.jobs()[1]!.id));
});
