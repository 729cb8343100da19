/** Requests that can never run: which limit, and what each policy does. */

import assert from "node:assert/strict";
import {
  type SimNodeSpec,
  type SimQueueSpec,
  SimSubmitRejection,
  type SimSubmitRequest,
} from "../../../sim/mod.ts";
import { JobRecord } from "../../../sim/engine/_job_record.ts";
import { JobTable } from "../../../sim/engine/_job_table.ts";
import { applyLimitPolicy, type Blocker, neverFits } from "../../../sim/engine/_limits.ts";
import { request, setup, sized } from "./_engine_setup.ts";

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

const NODES: SimNodeSpec[] = [
  { name: "big-mem", cpus: 2, memoryMB: 64_000 },
  { name: "many-cores", cpus: 32, memoryMB: 4000, gpus: 1 },
];
const QUEUE: SimQueueSpec = { name: "q", maxTimeSeconds: 3600 };

Deno.test("neverFits() names the first limit exceeded, with its kind's policy (default reject)", () => {
  const cases: Array<[Partial<SimSubmitRequest>, string, string, string]> = [
    [{ timeLimitSeconds: 3601 }, "over-time-limit", "time-limit", "3601"],
    [{ nodes: 3 }, "over-node-limit", "too-many-nodes", "3"],
    [{ memoryMB: 100_000 }, "over-memory", "too-much-memory", "100000M"],
    [{ cpusPerTask: 33 }, "over-queue-limit", "too-many-cpus", "33"],
    [{ tasksPerNode: 4, cpusPerTask: 9 }, "over-queue-limit", "too-many-cpus", "36"],
    [{ gpus: 2 }, "over-queue-limit", "too-many-gpus", "2"],
    [
      { timeLimitSeconds: 7200, nodes: 3, memoryMB: 100_000 },
      "over-time-limit",
      "time-limit",
      "7200",
    ],
  ];
  for (const [extra, reason, code, detail] of cases) {
    const blocker = neverFits(sized(extra), QUEUE, NODES, { gpus: "pend" });
    const policy = code === "too-many-gpus" ? "pend" : "reject";
    assert.deepEqual(blocker, { reason, policy, code, detail }, JSON.stringify(extra));
  }
  assert.equal(
    neverFits(sized({ timeLimitSeconds: 3600, nodes: 2 }), QUEUE, NODES, {}),
    undefined,
  );
});

Deno.test("neverFits() refuses a job that needs a node with both the memory of one and the cores of another", () => {
  const blocker = neverFits(sized({ memoryMB: 8000, cpusPerTask: 8 }), QUEUE, NODES, {
    cpus: "pend",
  });
  assert.deepEqual(blocker, {
    reason: "over-queue-limit",
    policy: "pend",
    code: "too-many-cpus",
    detail: "8",
  });
});

Deno.test("neverFits() counts only the nodes it is given (the queue's)", () => {
  const blocker = neverFits(sized({ memoryMB: 8000 }), QUEUE, [NODES[1]!], {});
  assert.equal(blocker?.code, "too-much-memory");
  assert.equal(neverFits(sized(), { name: "q" }, [], {})?.code, "too-many-nodes");
});

Deno.test("applyLimitPolicy(): pend blocks the job; reject gives its id back; reject-recorded keeps a failed job", () => {
  const table = new JobTable(7);
  const blocker: Blocker = {
    reason: "over-memory",
    policy: "pend",
    code: "too-much-memory",
    detail: "9M",
  };
  const job = (): JobRecord =>
    new JobRecord({ passes: 0 }, table.takeId(), table.takeSeq(), sized(), "q", 1000);

  const pending = job();
  table.countSubmission();
  applyLimitPolicy(pending, blocker, table);
  assert.deepEqual([pending.state, pending.reason, pending.eligible], [
    "PENDING",
    "over-memory",
    false,
  ]);

  const refused = job();
  table.countSubmission();
  assert.throws(
    () => applyLimitPolicy(refused, { ...blocker, policy: "reject" }, table),
    (e: unknown) => e instanceof SimSubmitRejection && e.jobId === undefined,
  );
  assert.equal(table.takeId(), 8, "the refused request's id is handed out again");
  assert.equal(table.countSubmission(), 2);
  assert.deepEqual(table.all, []);

  const recorded = job();
  assert.throws(
    () => applyLimitPolicy(recorded, { ...blocker, policy: "reject-recorded" }, table),
    (e: unknown) =>
      e instanceof SimSubmitRejection && e.code === "too-much-memory" && e.jobId === 9,
  );
  assert.deepEqual(table.find(9), [recorded]);
  assert.deepEqual(
    [recorded.state, recorded.reason, recorded.exitCode, recorded.endTime],
    ["FAILED", "over-memory", 1, 1000],
  );
});
