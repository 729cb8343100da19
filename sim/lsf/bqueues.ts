/**
 * `bqueues`: each queue's priority, status, limits and the slots of its unfinished jobs.
 *
 * Sources: OpenLava `lsbatch/cmd/bqueues.c` as recorded on OpenLava 4.0 (raw/openlava/004:
 * `normal          30    Open:Active      -    -    -    -     0     0     0     0 `, priority 30
 * of the stock `normal` queue, a trailing blank); IBM Spectrum LSF 10.1 Command Reference
 * "bqueues" (NJOBS, PEND, RUN and SUSP count slots; a held job is suspended).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { ok } from "../_common/command_result.ts";
import { padEnd, padStart } from "../_common/words.ts";
import { lsfJobData } from "./_job_data.ts";
import { lsfStatus } from "./_jobs.ts";

const HEADER = "QUEUE_NAME     PRIO      STATUS      MAX  JL/U JL/P JL/H NJOBS  PEND  RUN  SUSP\n";

/** The priority every simulated queue has: the stock `normal` queue's (lsb.queues PRIORITY). */
const PRIORITY = 30;

/** Runs `bqueues` (options and queue names are accepted and ignored: every queue is listed). */
export function bqueues(ctx: SimCommandContext): CommandOutput {
  const slots = new Map<string, { pend: number; run: number; susp: number }>();
  for (const job of ctx.engine.jobsSince(ctx.engine.now())) {
    if (job.endTime !== undefined) continue;
    const count = slots.get(job.queue) ?? { pend: 0, run: 0, susp: 0 };
    const n = lsfJobData(job)?.slots ?? 1;
    const status = lsfStatus(job);
    if (status === "RUN") count.run += n;
    else if (status === "PEND") count.pend += n;
    else count.susp += n;
    slots.set(job.queue, count);
  }
  let out = HEADER;
  for (const queue of ctx.engine.queues) {
    const { pend, run, susp } = slots.get(queue.name) ?? { pend: 0, run: 0, susp: 0 };
    out += `${padEnd(queue.name.slice(0, 15), 15)}${padStart(String(PRIORITY), 3)}` +
      `${padStart("Open:Active", 15)}${padStart("-", 7)}${"    -".repeat(3)}` +
      `${padStart(String(pend + run + susp), 6)}${padStart(String(pend), 6)}` +
      `${padStart(String(run), 6)}${padStart(String(susp), 6)} \n`;
  }
  return ok(out);
}
