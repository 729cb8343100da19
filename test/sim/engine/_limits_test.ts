/** Requests that can never run: which limit, and what each policy does. */

import assert from "node:assert/strict";
import { SimSubmitRejection } from "../../../sim/mod.ts";
import { request, setup } from "./_engine_setup.ts";

Deno.test("limit policies: pend with a reason, reject, or reject but record under a used id", () => {
  const { engine } = setup({
    queues: [{ name: "q", default: true, maxTimeSeconds: 3600 }],
    limits: { cpus: "pend", nodes: "pend", memory: "reject-recorded", time: "reject" },
  });
  const wide = engine.submit(request("x", { cpusPerTask: 64, memoryMB: 100 })).jobs[0]!;
  assert.equal(wide.reason, "over-queue-limit");
  assert.equal(engine.submit(request("x", { nodes: 2 })).jobs[0]!.reason, "over-node-limit");
  assert.throws(
    () => engine.submit(request("x", { timeLimitSeconds: 7200 })),
    (e: unknown) =>
      e instanceof SimSubmitRejection && e.code === "time-limit" && e.jobId === undefined,
  );
  assert.throws(
    () => engine.submit(request("x", { memoryMB: 100_000 })),
    (e: unknown) =>
      e instanceof SimSubmitRejection && e.code === "too-much-memory" && e.jobId === 3,
  );
  const recorded = engine.find(3)[0]!;
  assert.deepEqual([recorded.state, recorded.reason], ["FAILED", "over-memory"]);
  assert.equal(engine.submit(request("x")).jobId, 4);
});
