/** The simulator's engine as a whole: construction, holds, per-cluster state, ids. */

import assert from "node:assert/strict";
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
