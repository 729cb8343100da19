/** Nodes: allocation, free resources, shadow time, failures. */

import assert from "node:assert/strict";
import { request, setup } from "./_engine_setup.ts";

Deno.test("node failure ends its running jobs as NODE_FAIL; nothing starts there until it resumes", async () => {
  const { engine, clock } = setup({
    nodes: [{ name: "a", cpus: 1, memoryMB: 1000 }, { name: "b", cpus: 1, memoryMB: 1000 }],
  });
  const onA = engine.submit(request("100s")).jobs[0]!;
  const onB = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(0);
  assert.deepEqual(engine.failNode("a").map((j) => j.id), [onA.id]);
  assert.equal(onA.state, "NODE_FAIL");
  const next = engine.submit(request("1s")).jobs[0]!;
  await clock.sleep(50_000);
  assert.equal(next.state, "PENDING", "node a is down, b is busy");
  engine.resumeNode("a");
  await clock.sleep(2000);
  assert.equal(next.state, "COMPLETED");
  assert.equal(onB.state, "RUNNING");
  assert.throws(() => engine.failNode("nosuch"), /unknown node/);
});
