/** Accounting: finished jobs known after the lag. */

import assert from "node:assert/strict";
import { request, setup } from "./_engine_setup.ts";

Deno.test("accounting knows a finished job only after the lag", async () => {
  const { engine, clock } = setup({ accountingLagMs: 5000 });
  const job = engine.submit(request("10s")).jobs[0]!;
  await clock.sleep(11_000);
  assert.equal(job.state, "COMPLETED");
  assert.equal(engine.accounting().length, 0);
  assert.equal(engine.isAccounted(job), false);
  await clock.sleep(5000);
  assert.deepEqual(engine.accounting(), [job]);
  engine.accountingLagMs = 0;
  assert.equal(engine.isAccounted(job), true);
});
