/** The simulator's engine as a whole: construction, holds, per-cluster state, ids. */

import assert from "node:assert/strict";
import { SimEngine, type SimStateKey } from "../../../sim/mod.ts";
import { request, setup } from "./_engine_setup.ts";

Deno.test("hold and release: a held job waits with JobHeldUser/JobHeldAdmin, then runs", async () => {
  const { engine, clock } = setup();
  const held = engine.submit(request("10s", { hold: true })).jobs[0]!;
  const other = engine.submit(request("10s")).jobs[0]!;
  await clock.sleep(0);
  assert.equal(held.reason, "held-user");
  engine.hold(other.id, "admin");
  assert.deepEqual(engine.hold(other.id), [], "a running job cannot be held");
  assert.deepEqual(engine.release(held.id).map((j) => j.id), [held.id]);
  assert.equal(held.reason, "none");
  await clock.runUntilIdle();
  assert.equal(held.state, "COMPLETED");
  const late = engine.submit(request("10s")).jobs[0]!;
  engine.hold(late.id, "admin");
  assert.equal(late.reason, "held-admin");
  await clock.runUntilIdle();
  assert.equal(late.state, "PENDING");
});

Deno.test("SimEngine: two 4-core nodes, a queue batch and model runs by default", () => {
  const engine = new SimEngine({ kind: "pbs" });
  assert.deepEqual(engine.nodes.map((n) => [n.name, n.cpus, n.memoryMB]), [
    ["node1", 4, 16000],
    ["node2", 4, 16000],
  ]);
  assert.deepEqual(
    [engine.defaultQueue, engine.loginHost, engine.execution, engine.kind],
    ["batch", "login1", "model", "pbs"],
  );
  assert.equal(engine.readFile("/etc/hosts"), undefined, "no file system");
  const queues = [{ name: "a" }, { name: "b", default: true }];
  assert.equal(new SimEngine({ kind: "slurm", queues }).defaultQueue, "b");
  assert.equal(new SimEngine({ kind: "slurm", queues: [{ name: "a" }] }).defaultQueue, "a");
});

Deno.test("SimEngine refuses clusters without nodes or queues, unknown queue nodes, shell mode without files", () => {
  assert.throws(() => new SimEngine({ kind: "slurm", nodes: [] }), /without nodes/);
  assert.throws(() => new SimEngine({ kind: "slurm", queues: [] }), /without queues/);
  assert.throws(
    () => new SimEngine({ kind: "slurm", queues: [{ name: "q", nodes: ["nosuch"] }] }),
    /Queue "q" lists unknown node "nosuch"/,
  );
  assert.throws(
    () => new SimEngine({ kind: "slurm", execution: "shell" }),
    /without a file system/,
  );
});

Deno.test("SimEngine copies its node and queue specs", () => {
  const nodes = [{ name: "n1", cpus: 1, memoryMB: 100 }];
  const engine = new SimEngine({ kind: "slurm", nodes });
  nodes[0]!.cpus = 64;
  assert.equal(engine.nodes[0]!.cpus, 1);
});

Deno.test("reserveJobId() uses up an id; state() is per engine; passes and accountingLagMs read through", async () => {
  const { engine, clock } = setup({ firstJobId: 40, accountingLagMs: 1000 });
  assert.equal(engine.reserveJobId(), 40);
  assert.equal(engine.submit(request("1s")).jobId, 41);
  const key: SimStateKey<string[]> = { name: "log", init: () => [] };
  engine.state(key).push("x");
  assert.deepEqual(engine.state(key), ["x"]);
  assert.deepEqual(setup().engine.state(key), []);
  assert.equal(engine.passes, 0);
  await clock.sleep(0);
  assert.equal(engine.passes, 1);
  assert.equal(engine.accountingLagMs, 1000);
  engine.accountingLagMs = 0;
  assert.equal(engine.accountingLagMs, 0);
  assert.equal(engine.now(), clock.now());
});
