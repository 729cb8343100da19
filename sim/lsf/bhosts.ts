/**
 * `bhosts`: each execution host's status, slot limit and the slots its jobs use.
 *
 * Sources: OpenLava `lsbatch/cmd/bhosts.c` as recorded on OpenLava 4.0 (raw/openlava/003: the
 * header with its trailing blank, `vm                 ok              -      2      0 …`); IBM
 * Spectrum LSF 10.1 Command Reference "bhosts" (STATUS `ok`, `closed` when every slot is used;
 * MAX the host's slots, NJOBS and RUN in slots).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { ok } from "../_common/command_result.ts";
import { padEnd, padStart } from "../_common/words.ts";
import { slotsPerHost } from "./_jobs.ts";

const HEADER = "HOST_NAME          STATUS       JL/U    MAX  NJOBS    RUN  SSUSP  USUSP    RSV \n";

/** Runs `bhosts` (options and host names are accepted and ignored: every host is listed). */
export function bhosts(ctx: SimCommandContext): CommandOutput {
  const used = new Map<string, number>();
  for (const job of ctx.engine.jobsSince(ctx.engine.now())) {
    if (job.state !== "RUNNING") continue;
    for (const [host, slots] of slotsPerHost(job)) used.set(host, (used.get(host) ?? 0) + slots);
  }
  let out = HEADER;
  for (const node of ctx.engine.nodes) {
    const running = used.get(node.name) ?? 0;
    const status = running >= node.cpus ? "closed" : "ok";
    const counts = [node.cpus, running, running, 0, 0, 0].map((n) => padStart(String(n), 6));
    out += `${padEnd(node.name, 18)} ${padEnd(status, 9)} ${padStart("-", 7)} ${
      counts.join(" ")
    }\n`;
  }
  return ok(out);
}
