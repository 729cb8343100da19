// The lifecycle cases of `after` dependencies (test/lifecycle/cases.ts adds them to its list):
// a chain a→b→c, a 20-way fan-in, a failed parent ending its `ok` child without a hang, and a
// workflow killed half-way and run again that submits nothing twice. They run wherever the
// other cases run: the simulator for every scheduler, real SLURM and SGE locally and over SSH.

import assert from "node:assert/strict";
import type { AsyncResult } from "../../src/run/async_result.ts";
import type { PollingOptions } from "../../src/run/run_options.ts";
import type { AfterItem } from "../../src/run/submit.ts";
import { JobScript, type JobScriptOptions } from "../../src/job/job_script.ts";
import { Status, statusName } from "../../src/core/status.ts";
import type { Transport } from "../../src/core/transport.ts";
import type { LifecycleCase, LifecycleTarget } from "./cases.ts";

/** What the dependency cases use of the suite's harness. */
export interface CaseHarness {
  transport(): Promise<Transport>;
  job(options: Partial<JobScriptOptions> & { body: string }): JobScript;
  localFolder(): Promise<string>;
  polling(extra?: PollingOptions): { polling: PollingOptions };
  submits(): Promise<number>;
  seconds(nominal: number): number;
}

/** The suite's tools the cases are built with. */
export interface CaseTools {
  withHarness(
    body: (h: CaseHarness, target: LifecycleTarget) => Promise<void>,
  ): (target: LifecycleTarget) => Promise<void>;
  jobOptionsOf(job: JobScript): JobScriptOptions;
}

/** No wait may hang: at most this long (of the transport's clock) per dependent. */
const NO_HANG_MS = 3_600_000;

/** Waits for `run`, failing if it is not finished within {@linkcode NO_HANG_MS}. */
async function finished(run: AsyncResult): Promise<number> {
  const status = await run.wait({ timeout: NO_HANG_MS });
  assert.ok(status >= 0, `job ${run.jobId} (${run.jobName}) still ${statusName(status)}: a hang`);
  return status;
}

/** A log file next to the cases' job folders: jobs append to it as `../<name>` (their cwd). */
function sharedLog(target: LifecycleTarget, tag: string): { path: string; relative: string } {
  const name = `deps-${tag}-${Date.now().toString(36)}.log`;
  return { path: `${target.workdirRoot}/${name}`, relative: `../${name}` };
}

/** The dependency cases. */
export function dependencyCases({ withHarness, jobOptionsOf }: CaseTools): LifecycleCase[] {
  return [
    {
      name: "after: a chain a→b→c runs in order and completes",
      run: withHarness(async (h, target) => {
        const transport = await h.transport();
        const log = sharedLog(target, "chain");
        const step = (name: string, after: AfterItem[]) =>
          h.job({
            name: `chain-${name}`,
            body: `sleep ${h.seconds(5)}\necho ${name} >> ${log.relative}`,
            after,
          }).submit({ transport, ...h.polling() });
        const a = await step("a", []);
        const b = await step("b", [a]);
        const c = await step("c", [{ run: b, when: "ok" }]);
        assert.equal(await finished(c), Status.COMPLETED);
        assert.deepEqual([a.status, b.status], [Status.COMPLETED, Status.COMPLETED]);
        if (target.capabilities.scriptsRun) {
          assert.equal(await transport.readFile(log.path), "a\nb\nc\n");
        }
      }),
    },
    {
      name: "after: a 20-way fan-in collect job runs once all 20 completed",
      run: withHarness(async (h, target) => {
        const transport = await h.transport();
        const log = sharedLog(target, "fanin");
        const sweep = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            h.job({
              name: `sweep-${i}`,
              body: `sleep ${h.seconds(2 + (i % 4))}\necho ${i} >> ${log.relative}`,
            }).submit({ transport, ...h.polling() })),
        );
        const collect = await h.job({
          name: "collect",
          body: `echo collect of $(wc -l < ${log.relative}) >> ${log.relative}`,
          after: sweep,
        }).submit({ transport, ...h.polling() });
        assert.equal(await finished(collect), Status.COMPLETED);
        assert.ok(sweep.every((run) => run.status === Status.COMPLETED));
        if (target.capabilities.scriptsRun) {
          const lines = (await transport.readFile(log.path)).trimEnd().split("\n");
          assert.equal(lines.length, 21);
          assert.equal(lines.at(-1)?.replace(/\s+/g, " "), "collect of 20");
        }
      }),
    },
    {
      name: "after: a failed parent ends its ok child (and its grandchild) without a hang",
      run: withHarness(async (h, target) => {
        const transport = await h.transport();
        const log = sharedLog(target, "failed");
        const parent = await h.job({ name: "parent", body: `sleep ${h.seconds(5)}\nexit 3` })
          .submit({ transport, ...h.polling() });
        const child = await h.job({
          name: "child",
          body: `echo child ran >> ${log.relative}`,
          after: [parent],
        }).submit({ transport, ...h.polling() });
        const grandchild = await h.job({
          name: "grandchild",
          body: `echo grandchild ran >> ${log.relative}`,
          after: [child],
        }).submit({ transport, ...h.polling() });
        const rescue = await h.job({
          name: "rescue",
          body: `echo rescue ran >> ${log.relative}`,
          after: [{ run: parent, when: "notok" }],
        }).submit({ transport, ...h.polling() });
        // Waiting for the grandchild alone: its parents are watched with it.
        assert.equal(await finished(grandchild), Status.CANCELLED);
        assert.equal(child.status, Status.CANCELLED);
        assert.equal(parent.status, Status.FAILED);
        assert.match(
          child.reason ?? "",
          new RegExp(
            `after ok on job ${
              parent.jobId.replace(/[[\].]/g, "\\$&")
            } \\(parent\\), which ended FAILED.*exit code 3`,
          ),
        );
        assert.match(
          grandchild.reason ?? "",
          /after ok on job .* \(child\), which ended CANCELLED/,
        );
        assert.equal(await finished(rescue), Status.COMPLETED);
        if (target.capabilities.scriptsRun) {
          assert.equal(await transport.readFile(log.path), "rescue ran\n");
        }
        // A fresh process that loads the child's run learns nothing new: it stays ended.
        assert.equal(await child.wait(), Status.CANCELLED);
      }),
    },
    {
      name:
        "after: a workflow killed half-way and run again finds its chain and submits nothing twice",
      run: withHarness(async (h) => {
        const cacheFolder = await h.localFolder();
        const first = await h.transport();
        const a = h.job({ name: "rerun-a", body: `sleep ${h.seconds(30)}`, cacheFolder });
        const runA = await a.submit({ transport: first, ...h.polling() });
        const b = h.job({ name: "rerun-b", body: "true", cacheFolder, after: [runA] });
        const runB = await b.submit({ transport: first, ...h.polling() });
        const c = h.job({ name: "rerun-c", body: "true", cacheFolder, after: [runB] });
        const runC = await c.submit({ transport: first, ...h.polling() });
        // "Killed": the first process stops waiting long before the chain ends.
        assert.ok((await runC.wait({ timeout: h.seconds(5) * 1000 })) < 0);
        const submitted = await h.submits();
        // The second process builds the same workflow and submits it again.
        const again = await h.transport();
        const rebuild = async (job: JobScript, after: AfterItem[]) =>
          await new JobScript({ ...jobOptionsOf(job), cacheFolder, after })
            .submit({ transport: again, ...h.polling() });
        const againA = await rebuild(a, []);
        const againB = await rebuild(b, [againA]);
        const againC = await rebuild(c, [againB]);
        assert.deepEqual(
          [againA.jobId, againB.jobId, againC.jobId],
          [runA.jobId, runB.jobId, runC.jobId],
        );
        assert.equal(await h.submits(), submitted);
        assert.deepEqual(againC.after.map((d) => d.jobId), [runB.jobId]);
        assert.equal(await finished(againC), Status.COMPLETED);
        assert.deepEqual([againA.status, againB.status], [Status.COMPLETED, Status.COMPLETED]);
      }),
    },
  ];
}
