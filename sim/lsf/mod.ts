/**
 * IBM Spectrum LSF's command-line tools as the simulator emulates them: `bsub` (script on
 * stdin with `#BSUB` lines, or a command), `bjobs`, `bhist`, `bkill`, `bstop` and `bresume`,
 * one file each, in two dialects: LSF 10.1 ({@linkcode lsfEmulator}) and OpenLava 4.0, an LSF
 * clone of the LSF 7 era ({@linkcode openlavaEmulator}: no `bjobs -o`, `Job Id <N>,` records);
 * what the two products do differently is data in `dialect.ts`. Formats follow LSF 10.1's
 * documentation, OpenLava's sources and the OpenLava 4.0 recordings, cited in each file.
 *
 * @example Submit to a simulated LSF and read the job's history
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * await using cluster = new SimCluster({ scheduler: "lsf", execution: "model" });
 * const ssh = cluster.transport();
 * const submitted = await ssh.run(["bsub", "-J", "hello"], { stdin: "#!/bin/bash\necho hi\n" });
 * assert.equal(submitted.stdout, "Job <1> is submitted to default queue <normal>.\n");
 * await cluster.runUntilIdle();
 * const listed = await ssh.run(["bjobs", "-a", "-noheader", "-o", "jobid stat job_name"]);
 * assert.equal(listed.stdout, "1 DONE hello\n");
 * assert.match((await ssh.run(["bhist", "-l", "1"])).stdout, /: Done successfully\./);
 * ```
 *
 * @module
 */

import type { SimEmulator } from "../emulator.ts";
import { bsub } from "./bsub.ts";
import { bjobs } from "./bjobs.ts";
import { bhist, EVENT_LOG } from "./bhist.ts";
import { bkill } from "./bkill.ts";
import { bstop } from "./bstop.ts";
import { bresume } from "./bresume.ts";
import { fail } from "../_common/command_result.ts";
import { LSF10, type LsfDialect, OPENLAVA } from "./dialect.ts";

const NOT_RESPONDING = "batch system daemon not responding ... still trying\n";

/**
 * LSF's `bsub`, `bjobs`, `bhist`, `bkill`, `bstop`, `bresume`. `bsub < job.lsf` reads the script
 * and its `#BSUB` lines from stdin and prints `Job <1> is submitted to default queue <normal>.`;
 * `bjobs` shows unfinished jobs (finished ones with `-a` or by id, for CLEAN_PERIOD = 3600 s);
 * unknown ids give `Job <N> is not found` and exit 255. `bhist [-l] [-a|-d] [-n N] ID …` reads the
 * event log, which keeps every job (`No matching job found`, exit 255, when none matches).
 *
 * `bhist` reads the event log files itself, so it keeps working while mbatchd is down; it is the
 * emulator's accounting command: with accounting down or disabled (the shared log directory
 * unreadable) it prints `<LSB_SHAREDIR>/cluster1/logdir/lsb.events: No such file or directory`
 * and exits 255 (OpenLava `bhist.c` `perror`).
 *
 * Controller unreachable (mbatchd down, as with `LSB_NTRIES=1`): `batch system daemon not
 * responding ... still trying` and then the library's `Timeout on connect call to server`
 * (`... Job not submitted.` for bsub), exit 255. Transient submit failure:
 * `Contacting batch daemon: Communication timeout. Job not submitted.` (lsb.err.c).
 *
 * @example Usage
 * ```ts
 * import { lsfEmulator, SimEngine } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const engine = new SimEngine({ kind: "lsf", loginHost: "login1", queues: [{ name: "normal", default: true }] });
 * const run = (command: string, args: string[], stdin = "") =>
 *   lsfEmulator.commands[command]!({
 *     engine, args, stdin, cwd: "/home/alice", env: { HOME: "/home/alice" }, user: "alice",
 *     readFile: () => undefined,
 *   });
 * const submitted = run("bsub", [], "#!/bin/bash\n#BSUB -J hello\n#BSUB -W 10\necho hi\n");
 * assert.equal(submitted.stdout, "Job <1> is submitted to default queue <normal>.\n");
 * const listed = run("bjobs", ["-o", "jobid stat job_name", "-noheader"]);
 * assert.equal(listed.stdout, "1 PEND hello\n");
 * assert.equal(run("bjobs", ["99"]).stderr, "Job <99> is not found\n");
 * assert.match(run("bhist", ["-l", "1"]).stdout, /^\nJob <1>, Job Name <hello>, User <alice>/);
 * assert.equal(run("bhist", ["-l", "99"]).stdout, "No matching job found\n");
 * assert.equal(run("bkill", ["1"]).stdout, "Job <1> is being terminated\n");
 * ```
 */
export const lsfEmulator: SimEmulator = makeEmulator(LSF10);

/**
 * OpenLava 4.0's `bsub`, `bjobs`, `bhist`, `bkill`, `bstop`, `bresume` (the `lsf` scheduler's
 * `openlava` dialect): as {@linkcode lsfEmulator}, with OpenLava's formats as recorded —
 * `bjobs -o` refused (`bjobs: invalid option -- 'o'` and the usage, exit 255), `Job Id <N>,`
 * long records, `Exited with exit code 130` for a killed job and 140 at the run limit without
 * a termination reason, `Dispatched to <host>`, dates as `Dec  1 23:10`.
 *
 * @example Usage
 * ```ts
 * import { openlavaEmulator, SimEngine } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const engine = new SimEngine({ kind: "lsf", loginHost: "vm", queues: [{ name: "normal", default: true }] });
 * const run = (command: string, args: string[], stdin = "") =>
 *   openlavaEmulator.commands[command]!({
 *     engine, args, stdin, cwd: "/home/alice", env: { HOME: "/home/alice" }, user: "alice",
 *     readFile: () => undefined,
 *   });
 * assert.equal(run("bsub", [], "#!/bin/bash\n#BSUB -J hello\necho hi\n").stdout, "Job <1> is submitted to default queue <normal>.\n");
 * const refused = run("bjobs", ["-o", "jobid stat", "1"]);
 * assert.deepEqual([refused.code, refused.stderr.split("\n")[0]], [255, "bjobs: invalid option -- 'o'"]);
 * assert.match(run("bjobs", ["-l", "1"]).stdout, /^\nJob Id <1>, Job Name <hello>, User <alice>, Project <default>, Status <PEND>/);
 * ```
 */
export const openlavaEmulator: SimEmulator = makeEmulator(OPENLAVA);

/** The emulator of one LSF dialect. */
function makeEmulator(dialect: LsfDialect): SimEmulator {
  return {
    kind: "lsf",
    // LSF accepts a job no host can run for memory or GPUs and leaves it pending with a
    // reason; a run limit over the queue's is refused (`RUNLIMIT: Cannot exceed queue's hard
    // limit(s)`), and so are more slots than the queue's hosts hold (`Too many processors
    // requested`, bsub.ts checks before it submits).
    defaults: {
      queue: "normal",
      arrayTaskIds: "shared",
      killSignal: 15,
      limits: { cpus: "pend", nodes: "pend", memory: "pend", gpus: "pend", time: "reject" },
    },
    commands: {
      bsub: (ctx) => bsub(ctx, dialect),
      bjobs: (ctx) => bjobs(ctx, dialect),
      bhist: (ctx) => bhist(ctx, dialect),
      bkill: (ctx) => bkill(ctx, dialect),
      bstop,
      bresume,
    },
    unreachable(command: string) {
      const last = command === "bsub"
        ? "Timeout on connect call to server. Job not submitted.\n"
        : "Timeout on connect call to server\n";
      return fail(255, NOT_RESPONDING + last);
    },
    accountingCommands: ["bhist"],
    accountingFailure(_command: string, _state: "down" | "disabled") {
      return fail(255, `${EVENT_LOG}: No such file or directory\n`);
    },
    // lsb_errmsg[60] once connected (the request may have reached mbatchd), [61] when the
    // connection was never made (OpenLava lsbatch/lib/lsb.err.c; bsub adds ". Job not
    // submitted.", cmd.sub.c).
    transientSubmitFailure(command: string, reply: "lost" | "refused" = "lost") {
      if (reply === "refused") return this.unreachable(command);
      return fail(
        255,
        NOT_RESPONDING + "Contacting batch daemon: Communication timeout. Job not submitted.\n",
      );
    },
  };
}
