/**
 * The SGE emulator: `qsub`, `qstat`, `qdel`, `qhold`, `qrls` and `qacct` as Son of Grid Engine
 * 8.1.9 prints them (recorded verbatim in `test/fixtures/real-outputs/sge`), over the
 * simulator's engine. Finished jobs leave `qstat` at once; `qacct` knows them afterwards.
 *
 * One file per command (`qsub.ts`, `qstat.ts`, `qdel.ts`, `qhold.ts`, `qacct.ts`); what qsub
 * keeps about a job for the others is typed (`_job_data.ts`).
 *
 * @example A job's life on a simulated SGE cell
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * await using cluster = new SimCluster({
 *   scheduler: "sge",
 *   execution: "model",
 *   model: () => ({ runtimeSeconds: 60, exitCode: 0 }),
 * });
 * const submitted = await cluster.run(["qsub", "-terse", "-N", "hello", "-b", "y", "true"]);
 * assert.equal(submitted.stdout, "1\n");
 * assert.match((await cluster.run(["qstat"])).stdout, /^ +1 0\.\d{5} hello /m);
 * await cluster.runUntilIdle();
 * assert.equal((await cluster.run(["qstat"])).stdout, "");
 * assert.match((await cluster.run(["qacct", "-j", "1"])).stdout, /^exit_status +0 +$/m);
 * ```
 *
 * @module
 */

import type { SimEmulator } from "../emulator.ts";
import { accountingFailure, queryTimeout, submitTimeout, unreachable } from "./_failures.ts";
import { qacct } from "./qacct.ts";
import { qdel } from "./qdel.ts";
import { qhold, qrls } from "./qhold.ts";
import { qstat } from "./qstat.ts";
import { qsub } from "./qsub.ts";
import { qsubSync } from "./_sync.ts";

/**
 * The Son of Grid Engine 8.1.9 command-line tools over the simulator's engine: `qsub`, `qstat`,
 * `qdel`, `qhold`, `qrls` and `qacct`.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, sgeEmulator } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * assert.ok("qsub" in sgeEmulator.commands);
 * assert.equal(sgeEmulator.defaults?.queue, "all.q");
 * await using cluster = new SimCluster({ scheduler: "sge", execution: "model", model: () => ({ runtimeSeconds: 5, exitCode: 0 }) });
 * const out = await cluster.run(["qsub", "-terse", "-b", "y", "true"]);
 * assert.equal(out.stdout, "1\n");
 * ```
 */
export const sgeEmulator: SimEmulator = {
  kind: "sge",
  // qsub accepts `-pe smp 64` and the job waits forever
  // (099-qsub-pe-smp-64-accepted-never-schedulable); an h_rt beyond a queue's limit is refused
  // with qmaster's "no suitable queues" (the stock all.q has none: 003-qconf-sq-all-q).
  defaults: {
    queue: "all.q",
    arrayTaskIds: "shared",
    killSignal: 9,
    limits: { cpus: "pend", nodes: "pend", memory: "pend", gpus: "pend", time: "reject" },
  },
  commands: { qsub, qstat, qdel, qhold, qrls, qacct },
  followUps: { qsub: qsubSync },
  submitCommands: ["qsub"],
  accountingCommands: ["qacct"],
  unreachable,
  // A lost reply: the GDI timeout; a refusal: qmaster not reached (recording 111).
  transientSubmitFailure: (command, reply = "lost") =>
    reply === "lost" ? submitTimeout() : unreachable(command),
  transientQueryFailure: queryTimeout,
  accountingFailure,
};
