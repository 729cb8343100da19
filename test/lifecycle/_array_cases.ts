// The job-array cases of the lifecycle suite (cases.ts runs them on every target): a sweep with
// one failing task — per-task exit codes, the aggregate status, one status command per poll
// round for the array and a single job together, each task's own output file, the failed index
// resubmitted alone, and a re-run of the workflow that finds both submissions and submits nothing.

import assert from "node:assert/strict";
import { AsyncResult } from "../../src/run/async_result.ts";
import { pollerFor } from "../../src/run/_poller.ts";
import { Status, statusName } from "../../src/core/status.ts";
import type { Harness, LifecycleCase } from "./cases.ts";
import { withHarness } from "./cases.ts";

/**
 * How many of the logged commands are status queries: those of the status tool that are no
 * accounting query of `ids` (PBS Pro asks both with `qstat`), nor a submit.
 */
function statusQueries(h: Harness, ids: readonly string[]): number {
  const backend = h.target.backend;
  const tool = backend.statusCommands(ids)[0]!.argv[0];
  const subsets = ids.flatMap((id, i) => [[id], ...ids.slice(i + 1).map((other) => [id, other])]);
  const accounting = new Set(
    subsets.flatMap((subset) => backend.accountingCommands(subset).map((c) => c.argv.join(" "))),
  );
  // PBS Pro asks finished jobs of its status command (job history): the same argv as accounting.
  const status = new Set(
    subsets.flatMap((subset) => backend.statusCommands(subset).map((c) => c.argv.join(" "))),
  );
  const submit = backend.submitCommand("x").argv[0];
  return h.log.filter((entry) => {
    const command = entry.argv.join(" ");
    return entry.argv[0] === tool && entry.argv[0] !== submit &&
      (status.has(command) || !accounting.has(command));
  }).length;
}

export const arrayCases: LifecycleCase[] = [
  {
    name: "an array with one failing task: per-task exit codes, one status command per round, " +
      "the failed index resubmitted alone, a re-run submits nothing",
    requires: ["scriptsRun"],
    run: withHarness(async (h, target) => {
      const cacheFolder = await h.localFolder();
      const tokens = target.backend.arraySyntax?.fileTokens ?? {};
      // Task 3 fails the first time only: it leaves a file that the retry finds.
      const body = `echo "task $CLUSTERJOB_ARRAY_INDEX of $CLUSTERJOB_ID"
        sleep ${h.seconds(2)}
        if [ "$CLUSTERJOB_ARRAY_INDEX" = 3 ] && [ ! -e failed-once ]; then
          touch failed-once
          exit 7
        fi`;
      const job = h.job({
        name: "sweep",
        body,
        array: "1-4%2",
        cacheFolder,
        ...(tokens.CLUSTERJOB_ARRAY_INDEX
          ? { resources: { stdout: "task-$CLUSTERJOB_ARRAY_INDEX.out" } }
          : {}),
      });
      const transport = await h.transport();
      const before = await h.submits();
      const run = await job.submit({ transport, ...h.polling() });
      const single = await h.job({ body: `sleep ${h.seconds(3)}` })
        .submit({ transport, ...h.polling() });
      assert.deepEqual(await AsyncResult.waitAll([run, single]), [Status.FAILED, Status.COMPLETED]);
      assert.deepEqual(
        run.tasks.map((task) => [task.index, statusName(task.status), task.exitCode ?? 0]),
        [[1, "COMPLETED", 0], [2, "COMPLETED", 0], [3, "FAILED", 7], [4, "COMPLETED", 0]],
        target.label,
      );
      assert.equal(run.exitCode, 7);
      assert.deepEqual(run.failedTasks(), [3]);
      // One status command per round for both runs and every task (accounting comes on top).
      // A poller that learned its scheduler's dialect (OpenLava's bjobs has no -o) asked once more.
      const poller = pollerFor(transport, target.backend);
      const learned = h.log.some((entry) =>
        entry.output !== undefined && target.backend.dialectFor?.(entry.output) !== undefined
      );
      const statusCommands = statusQueries(h, [run.jobId, single.jobId]);
      assert.ok(poller.stats.rounds > 0);
      assert.equal(
        statusCommands,
        poller.stats.rounds + (learned ? 1 : 0),
        `${target.label}: ${statusCommands} status commands in ${poller.stats.rounds} rounds`,
      );
      // Each task wrote its own output file.
      if (tokens.CLUSTERJOB_ARRAY_INDEX) {
        for (const index of [1, 2, 4]) {
          const out = await transport.run(["cat", `${job.workingDirectory()}/task-${index}.out`]);
          assert.match(out.stdout, new RegExp(`^task ${index} of \\S+$`, "m"), target.label);
        }
      }
      // Each task recorded its own markers, named by the index the scheduler gave it.
      const markers = job.markerFolder();
      for (const index of markers === undefined ? [] : [1, 2, 3, 4]) {
        const start = await transport.run(["cat", `${markers}/start.${index}`]);
        assert.match(start.stdout, new RegExp(`^time=\\d+ host=\\S+ id=\\S+ task=${index}$`, "m"));
        const end = await transport.run(["cat", `${markers}/end.${index}`]);
        assert.match(end.stdout, new RegExp(`exit=${index === 3 ? 7 : 0}$`, "m"), target.label);
      }
      // Only index 3 is submitted again; the others keep what they did.
      const again = await run.resubmit({ tasks: "failed" });
      assert.equal(await h.submits(), before + 3);
      assert.notEqual(again.jobId, run.jobId);
      assert.equal(await again.wait(), Status.COMPLETED);
      assert.deepEqual(
        again.tasks.map((task) => [task.index, task.jobId, statusName(task.status)]),
        [1, 2, 3, 4].map((index) => [index, index === 3 ? again.jobId : run.jobId, "COMPLETED"]),
      );
      // A re-run of the workflow (a new process) finds the run and both submissions.
      const rerun = await job.submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(rerun.jobId, again.jobId);
      assert.equal(rerun.status, Status.COMPLETED);
      assert.deepEqual(rerun.tasks, again.tasks);
      assert.equal(await h.submits(), before + 3);
    }),
  },
];
