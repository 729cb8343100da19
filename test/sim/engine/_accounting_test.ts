/** Accounting: finished jobs known after the lag. */

import assert from "node:assert/strict";
import { Accounting } from "../../../sim/engine/_accounting.ts";
import { JobRecord } from "../../../sim/engine/_job_record.ts";
import { request, setup, t0 } from "./_engine_setup.ts";

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

Deno.test("Accounting keeps finished jobs in the order they ended; the lag hides the recent ones", () => {
  const accounting = new Accounting(0);
  const ended = (id: number, endTime: number) => {
    const job = new JobRecord({ passes: 0 }, id, id, request("j"), "q", t0);
    job.endTime = endTime;
    accounting.record(job);
    return job;
  };
  const early = ended(2, t0 + 1000);
  const late = ended(1, t0 + 5000);
  assert.deepEqual(accounting.known(t0), [early, late], "no lag: known at once");
  accounting.lagMs = 2000;
  assert.deepEqual(accounting.known(t0 + 3000), [early]);
  assert.deepEqual(accounting.known(t0 + 7000), [early, late]);
  assert.equal(accounting.isAccounted(late, t0 + 6999), false);
  assert.equal(accounting.isAccounted(late, t0 + 7000), true);
  assert.equal(
    accounting.isAccounted(new JobRecord({ passes: 0 }, 3, 3, request("j"), "q", t0), t0),
    false,
  );
});
