// Submitting with a cache folder takes no simulated time: the local cache writes of submit() hold
// the virtual clock (as a run's saves do), so a seeded simulation replays identically, command
// times included, whatever the speed of the disk.

import assert from "node:assert/strict";
import { AsyncResult, JobScript } from "../../../mod.ts";
import { SimCluster } from "../../../sim/mod.ts";

interface Replay {
  /** Every command: argv, virtual time, exit code. */
  log: string[];
  /** Virtual time just before and just after the 20 submissions. */
  span: [number, number];
}

/**
 * 20 jobs submitted one after the other while an earlier run is being waited for (its poller
 * sleeps on the virtual clock, so the clock would jump whenever submit() awaited real I/O
 * unheld), then all waited for, on a seeded cluster with random status failures.
 */
async function scenario(cacheFolder: string): Promise<Replay> {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    seed: 11,
    faults: { statusFailureProbability: 0.2 },
    model: (job) => ({ runtimeSeconds: 30 + (job.id % 7) * 40, exitCode: 0 }),
  });
  const transport = cluster.transport();
  const polling = { maxQueryFailures: 50 };
  const first = await new JobScript({ name: "first", body: "true" })
    .submit({ transport, cacheFolder: "", polling });
  const waiting = first.wait();
  const before = transport.clock.now();
  const runs: AsyncResult[] = [];
  for (let i = 0; i < 20; i++) {
    const job = new JobScript({ name: `step${i}`, body: `echo ${i}` });
    runs.push(await job.submit({ transport, cacheFolder, cacheId: `step${i}`, polling }));
  }
  const after = transport.clock.now();
  await Promise.all([waiting, AsyncResult.waitAll(runs)]);
  return {
    // Submission tokens are random by design: the same in every line but the token itself.
    log: cluster.commandLog.map((entry) =>
      `${entry.time - before} ${entry.code} ${entry.argv.join(" ")}`
        .replace(/cj-[0-9a-f]{24}/g, "cj-TOKEN")
    ),
    span: [before, after],
  };
}

async function withFolder<T>(work: (folder: string) => Promise<T>): Promise<T> {
  const folder = await Deno.makeTempDir();
  try {
    return await work(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

Deno.test("two identical seeded runs with a cache folder give identical command logs, times included", async () => {
  const one = await withFolder(scenario);
  const two = await withFolder(scenario);
  assert.ok(one.log.length > 40, `${one.log.length} commands`);
  assert.deepEqual(two.log, one.log);
});

Deno.test("submit() with a cache folder leaves the virtual clock as submit() without one", async () => {
  const cached = await withFolder(scenario);
  const uncached = await scenario("");
  assert.equal(cached.span[1], cached.span[0], "20 submissions took no simulated time");
  assert.deepEqual(cached.span, uncached.span);
  // Every submit command ran at the same virtual time in both. (What the engine does at that
  // very instant may interleave differently with the submissions: a held clock still fires the
  // events due now while the cache files are written, so the logs after it need not be equal.)
  const submits = (replay: Replay) => replay.log.filter((line) => line.includes(" sbatch "));
  assert.equal(submits(cached).length, 21);
  assert.deepEqual(submits(cached), submits(uncached));
  assert.ok(submits(cached).every((line) => line.startsWith("0 0 sbatch ")));
});
