// Runs and the shared poller against a scripted fake scheduler on a virtual clock: back-off,
// batching, vanished jobs, failed queries, epilogue, cancel, wait/get/waitAll semantics.

import assert from "node:assert/strict";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { JobFailedError, RunNotFinishedError } from "../../../src/run/run_errors.ts";
import type { AsyncResultInit, PollingOptions } from "../../../src/run/run_options.ts";
import { slurm } from "../../../backends/slurm.ts";
import { readCacheFile } from "../../../src/run/cache.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { QueryError } from "../../../src/core/errors.ts";
import { maxSleepSeconds, nextInterval } from "../../../src/run/_poller.ts";
import { Status, type StatusCode } from "../../../src/core/status.ts";
import { TransportError } from "../../../src/core/transport.ts";
import { CHUNK, fakeBackend, FakeCluster, type Phase } from "../../_fake_scheduler.ts";

function track(
  cluster: FakeCluster,
  phases: Phase[],
  options: {
    maxSleepInterval?: number;
    polling?: PollingOptions;
    epilogue?: string;
    cacheFile?: string;
  } = {},
): AsyncResult {
  const jobId = cluster.addJob(phases);
  return new AsyncResult({ jobId, backend: fakeBackend, transport: cluster, ...options });
}

const pendingRunningDone = (
  running: number,
  done: number,
  word = "COMPLETED",
  exit = 0,
): Phase[] => [
  { at: 0, where: "queue", word: "PENDING" },
  { at: running, where: "queue", word: "RUNNING" },
  { at: done, where: "accounting", word, exit },
];

Deno.test("maxSleepSeconds follows the original: a tenth of the walltime, 10 s to the job's cap", () => {
  assert.equal(maxSleepSeconds(50), 10);
  assert.equal(maxSleepSeconds(300), 30);
  assert.equal(maxSleepSeconds(3600), 360);
  assert.equal(maxSleepSeconds(36000), 900);
  assert.equal(maxSleepSeconds(undefined), 900);
  assert.equal(maxSleepSeconds(undefined, 120), 120);
  assert.equal(maxSleepSeconds(3600, 60), 60);
  assert.equal(maxSleepSeconds(undefined, 0.2), 1);
});

Deno.test("nextInterval starts at 5 s, doubles up to the cap and resets on change", () => {
  const sequence: number[] = [];
  let interval: number | undefined;
  for (let i = 0; i < 7; i++) {
    interval = nextInterval(interval, false, 60_000);
    sequence.push(interval / 1000);
  }
  assert.deepEqual(sequence, [5, 10, 20, 40, 60, 60, 60]);
  assert.equal(nextInterval(60_000, true, 60_000), 5_000);
  assert.equal(nextInterval(undefined, false, 2_000), 2_000);
  assert.equal(nextInterval(2_000, false, 2_000), 2_000);
});

Deno.test("wait polls on the back-off schedule in virtual time and resets it on a status change", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(100, 400), { maxSleepInterval: 60 });
  assert.equal(await run.wait(), Status.COMPLETED);
  const times = cluster.callsOf("fakestat").map((call) => call.at);
  // Pending: 0, 5, 15, 35, 75, then running seen at 135 (reset), 140, 150, 170, 210, 270, 330, 390, 450.
  assert.deepEqual(times, [0, 5, 15, 35, 75, 135, 140, 150, 170, 210, 270, 330, 390, 450]);
  assert.equal(run.state, "COMPLETED");
  assert.equal(run.exitCode, 0);
  assert.ok(run.successful());
});

Deno.test("a backend's maxPollInterval caps the back-off below the job's own cap", async () => {
  const cluster = new FakeCluster();
  const jobId = cluster.addJob(pendingRunningDone(100, 400));
  const run = new AsyncResult({
    jobId,
    backend: { ...fakeBackend, maxPollInterval: 20 },
    transport: cluster,
    maxSleepInterval: 60,
  });
  assert.equal(await run.wait(), Status.COMPLETED);
  const times = cluster.callsOf("fakestat").map((call) => call.at);
  const gaps = times.slice(1).map((at, i) => at - times[i]!);
  assert.equal(Math.max(...gaps), 20);
  assert.ok(times.at(-1)! >= 400 && times.at(-1)! <= 420);
});

Deno.test("runs waiting together share one status command per round", async () => {
  const cluster = new FakeCluster();
  const runs = Array.from(
    { length: 250 },
    (_, i) => track(cluster, pendingRunningDone(20, 50 + (i % 3) * 10)),
  );
  let progress = 0;
  const statuses = await AsyncResult.waitAll(runs, { onProgress: (p) => (progress = p.done) });
  assert.equal(progress, 250);
  assert.ok(statuses.every((s) => s === Status.COMPLETED));
  const rounds = new Map<number, string[]>();
  for (const call of cluster.calls) {
    rounds.set(call.at, [...rounds.get(call.at) ?? [], call.argv[0]!]);
  }
  for (const [at, commands] of rounds) {
    const status = commands.filter((c) => c === "fakestat").length;
    // 250 ids in chunks of CHUNK, and at most one accounting command per round.
    assert.ok(status >= 1 && status <= Math.ceil(250 / CHUNK), `round at ${at}: ${commands}`);
    assert.ok(commands.filter((c) => c === "fakeacct").length <= 1, `round at ${at}`);
  }
  assert.ok(rounds.size <= 8, `${rounds.size} rounds`);
});

Deno.test("a job purged from the queue is found in accounting", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(1, 3, "FAILED", 3));
  assert.equal(await run.wait(), Status.FAILED);
  assert.equal(run.exitCode, 3);
  assert.ok(cluster.callsOf("fakeacct").length >= 1);
});

Deno.test("a vanished job keeps its status through the grace period, then ends FAILED with a reason", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, [
    { at: 0, where: "queue", word: "RUNNING" },
    { at: 12, where: "nowhere" },
  ], { polling: { vanishGraceMs: 60_000 }, maxSleepInterval: 10 });
  const seen: Array<[number, StatusCode]> = [];
  cluster.failQuery = (_argv, at) => {
    seen.push([at, run.status]);
    return undefined;
  };
  assert.equal(await run.wait(), Status.FAILED);
  assert.equal(run.state, "VANISHED");
  assert.match(run.reason ?? "", /neither in the queue nor in accounting/);
  assert.match(run.reason ?? "", /fakestat/);
  assert.match(run.reason ?? "", /fakeacct/);
  const accounting = cluster.callsOf("fakeacct").map((call) => call.at);
  assert.ok(accounting.at(-1)! - accounting[0]! >= 60, `declared after ${accounting}`);
  // PENDING (as created) before the first poll, then RUNNING until declared vanished.
  assert.ok(seen.slice(1).every(([, status]) => status === Status.RUNNING), JSON.stringify(seen));
});

Deno.test("a job late in accounting within the grace period is not declared vanished", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, [
    { at: 0, where: "queue", word: "RUNNING" },
    { at: 6, where: "nowhere" },
    { at: 40, where: "accounting", word: "COMPLETED", exit: 0 },
  ], { polling: { vanishGraceMs: 120_000 } });
  assert.equal(await run.wait(), Status.COMPLETED);
  assert.equal(run.reason, undefined);
});

Deno.test("failed queries never change the status and are retried with back-off", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(0, 100), { maxSleepInterval: 20 });
  const statusAtFailure: StatusCode[] = [];
  let calls = 0;
  cluster.failQuery = (argv) => {
    if (argv[0] !== "fakestat") return undefined;
    calls++;
    statusAtFailure.push(run.status);
    if (calls === 2) {
      return new TransportError("fake", "ssh: connect to host x port 22: Connection refused");
    }
    if (calls === 3) {
      return { code: 1, stdout: "", stderr: "slurm_load_jobs error: Socket timed out" };
    }
    if (calls === 4) return { code: 0, stdout: "garbage\n", stderr: "" };
    return undefined;
  };
  assert.equal(await run.wait(), Status.COMPLETED);
  // The status seen by each query: RUNNING from the first poll on, never anything invented.
  assert.deepEqual(statusAtFailure.slice(1, 5), [
    Status.RUNNING,
    Status.RUNNING,
    Status.RUNNING,
    Status.RUNNING,
  ]);
  const times = cluster.callsOf("fakestat").map((c) => c.at);
  assert.deepEqual(times.slice(0, 5), [0, 5, 15, 35, 55]);
});

Deno.test("wait rejects with the last error after maxQueryFailures consecutive failures", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(0, 1000), { polling: { maxQueryFailures: 3 } });
  await run.refresh();
  assert.equal(run.status, Status.RUNNING);
  let failures = 0;
  cluster.failQuery = () => {
    failures++;
    return { code: 1, stdout: "", stderr: `controller down ${failures}` };
  };
  await assert.rejects(run.wait(), (error: unknown) => {
    assert.ok(error instanceof QueryError);
    assert.match(error.message, /controller down 3/);
    return true;
  });
  assert.equal(failures, 3);
  assert.equal(run.status, Status.RUNNING);
});

Deno.test("refresh rejects on a failed query and keeps the status", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(0, 100));
  cluster.failQuery = () => new TransportError("fake", "connection lost");
  await assert.rejects(run.refresh(), TransportError);
  assert.equal(run.status, Status.PENDING);
  cluster.failQuery = undefined;
  assert.equal(await run.refresh(), Status.RUNNING);
});

Deno.test("a finished run is never queried again", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(0, 1));
  await run.wait();
  const count = cluster.calls.length;
  assert.equal(await run.refresh(), Status.COMPLETED);
  assert.equal(await run.wait(), Status.COMPLETED);
  await run.cancel();
  assert.equal(cluster.calls.length, count);
  assert.equal(run.status, Status.COMPLETED);
});

Deno.test("cancel cancels a live job, resolves waiters and does not run the epilogue", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const cluster = new FakeCluster();
    const marker = `${folder}/epilogue-ran`;
    const run = track(cluster, pendingRunningDone(0, 10_000), {
      epilogue: `#!/bin/sh\ntouch '${marker}'\n`,
      cacheFile: `${folder}/run.json`,
    });
    const waiting = run.wait();
    await cluster.clock.sleep(30_000);
    await run.cancel();
    assert.equal(await waiting, Status.CANCELLED);
    assert.equal(cluster.callsOf("fakecancel").length, 1);
    await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
    const record = await readCacheFile(`${folder}/run.json`);
    assert.equal(record?.phase === "submitted" && record.status, Status.CANCELLED);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("the epilogue runs once when the job is first seen finished; its failure is recorded and saved", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const cluster = new FakeCluster();
    const counter = `${folder}/count`;
    const run = track(cluster, pendingRunningDone(0, 20), {
      epilogue: `#!/bin/sh\necho x >> '${counter}'\necho 'rsync failed' >&2\nexit 4\n`,
      cacheFile: `${folder}/run.json`,
    });
    assert.equal(await run.wait(), Status.COMPLETED);
    await run.wait();
    await run.refresh();
    assert.equal(await Deno.readTextFile(counter), "x\n");
    assert.match(run.epilogueError ?? "", /exited with code 4: rsync failed/);
    const record = await readCacheFile(`${folder}/run.json`);
    assert.ok(record?.phase === "submitted");
    assert.equal(record.status, Status.COMPLETED);
    assert.equal(record.epilogueDone, true);
    assert.match(record.epilogueError ?? "", /rsync failed/);
    await assert.rejects(run.get(), JobFailedError);
    // Loading the saved run does not run the epilogue again.
    const again = await AsyncResult.load(`${folder}/run.json`, {
      transport: cluster,
      backend: fakeBackend,
    });
    await again.wait();
    assert.equal(await Deno.readTextFile(counter), "x\n");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("wait with a timeout resolves with the last known status; abort rejects", async () => {
  const cluster = new FakeCluster();
  const run = track(cluster, pendingRunningDone(50, 5000));
  assert.equal(await run.wait({ timeout: 20_000 }), Status.PENDING);
  await assert.rejects(run.get({ timeout: 100_000 }), RunNotFinishedError);
  assert.equal(run.status, Status.RUNNING);
  const controller = new AbortController();
  const waiting = run.wait({ signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  assert.throws(() => run.successful(), RunNotFinishedError);
});

Deno.test("get resolves COMPLETED or rejects with JobFailedError naming state and exit code", async () => {
  const cluster = new FakeCluster();
  const good = track(cluster, pendingRunningDone(1, 2));
  const bad = track(cluster, pendingRunningDone(1, 2, "FAILED", 3));
  assert.equal(await good.get(), Status.COMPLETED);
  await assert.rejects(bad.get(), (error: unknown) => {
    assert.ok(error instanceof JobFailedError);
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /ended FAILED \(state FAILED, exit code 3\)/);
    return true;
  });
  assert.equal(bad.successful(), false);
});

Deno.test("waitAll with a timeout resolves with the current statuses", async () => {
  const cluster = new FakeCluster();
  const runs = [
    track(cluster, pendingRunningDone(1, 2)),
    track(cluster, pendingRunningDone(1, 100_000)),
  ];
  const statuses = await AsyncResult.waitAll(runs, { timeout: 600_000 });
  assert.deepEqual(statuses, [Status.COMPLETED, Status.RUNNING]);
});

Deno.test("bad options are typed errors naming the field", () => {
  const cluster = new FakeCluster();
  const make = (options: Partial<AsyncResultInit>) => () =>
    new AsyncResult({ jobId: "1", backend: fakeBackend, transport: cluster, ...options });
  assert.throws(make({ jobId: "" }), /Invalid value for "jobId"/);
  assert.throws(make({ maxSleepInterval: -1 }), /Invalid value for "maxSleepInterval"/);
  assert.throws(
    make({ polling: { maxQueryFailures: 0 } }),
    /Invalid value for "polling.maxQueryFailures"/,
  );
});

Deno.test("runs loaded without a transport share this machine's one transport, so they poll together", async () => {
  const folder = await Deno.makeTempDir();
  try {
    for (const jobId of ["11", "12"]) {
      await new AsyncResult({ jobId, backend: slurm, transport: new LocalTransport() })
        .dump(`${folder}/${jobId}.json`);
    }
    const [first, second] = await Promise.all(
      ["11", "12"].map((jobId) => AsyncResult.load(`${folder}/${jobId}.json`)),
    );
    assert.equal(first!.transport.name, "local");
    assert.equal(first!.transport, second!.transport);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
