// Progress of waiting: a report after every poll round with the counts per status, and the
// renderer (one line on a terminal, plain lines elsewhere, at most one per interval).

import assert from "node:assert/strict";
import {
  AsyncResult,
  JobScript,
  ProgressDisplay,
  progressLine,
  Status,
  type WaitProgress,
} from "../../../mod.ts";
import { SimCluster } from "../../../sim/mod.ts";
import { modelFromScript } from "../../_script_model.ts";
import { pollerFor } from "../../../src/run/_poller.ts";

Deno.test("waitAll reports after every poll round: pending, running, then finished counts", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    clock: "virtual",
    model: modelFromScript,
  });
  const transport = cluster.transport();
  const runs = await Promise.all(
    ["sleep 100", "sleep 300\nexit 2", "sleep 600"].map((body, i) =>
      new JobScript({ name: `p${i}`, body }).submit({ transport })
    ),
  );
  const reports: WaitProgress[] = [];
  const statuses = await AsyncResult.waitAll(runs, { onProgress: (p) => reports.push(p) });
  assert.deepEqual(statuses, [Status.COMPLETED, Status.FAILED, Status.COMPLETED]);
  const rounds = reports.filter((report) => report.run === undefined);
  assert.equal(rounds.length, pollerFor(transport, runs[0]!.backend).stats.rounds);
  assert.equal(progressLine(rounds[0]!), "0/3 done; 3 pending");
  assert.ok(rounds.some((r) => r.counts.running === 3), rounds.map(progressLine).join("\n"));
  assert.deepEqual(reports.at(-1)?.counts, {
    pending: 0,
    running: 0,
    completed: 2,
    failed: 1,
    cancelled: 0,
  });
  // One report per finished run, in the order they finished, with the run.
  assert.deepEqual(reports.filter((r) => r.run !== undefined).map((r) => r.run!.jobName), [
    "p0",
    "p1",
    "p2",
  ]);
  assert.ok(rounds.some((r) => progressLine(r) === "1/3 done: 1 completed; 2 running"));
});

Deno.test("a single run's wait reports its rounds too", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", execution: "model", clock: "virtual" });
  const run = await new JobScript({ name: "one", backend: "sge", body: "true" })
    .submit({ transport: cluster.transport() });
  const lines: string[] = [];
  assert.equal(
    await run.wait({ onProgress: (p) => lines.push(progressLine(p)) }),
    Status.COMPLETED,
  );
  assert.equal(lines.at(-1), "1/1 done: 1 completed");
  assert.ok(lines.length >= 2, `${lines}`);
});

Deno.test("ProgressDisplay elsewhere than a terminal writes at most a line per interval, the last at the end", () => {
  let now = 0;
  let written = "";
  const display = new ProgressDisplay((text) => written += text, {
    terminal: false,
    intervalMs: 60_000,
    clock: { now: () => now },
  });
  display.show("0/2 done; 2 pending");
  now = 10_000;
  display.show("0/2 done; 2 running"); // too soon: held back
  now = 70_000;
  display.show("1/2 done: 1 completed; 1 running");
  now = 80_000;
  display.show("2/2 done: 2 completed"); // too soon, but end() writes it
  display.end();
  assert.equal(
    written,
    "0/2 done; 2 pending\n1/2 done: 1 completed; 1 running\n2/2 done: 2 completed\n",
  );
});

Deno.test("progressLine names array tasks in brackets", () => {
  const counts = { pending: 0, running: 1, completed: 0, failed: 0, cancelled: 0 };
  const tasks = { pending: 40, running: 10, completed: 948, failed: 2, cancelled: 0 };
  assert.equal(
    progressLine({ counts, tasks }),
    "0/1 done; 1 running [tasks 950/1000 done: 948 completed, 2 failed; 40 pending, 10 running]",
  );
});
