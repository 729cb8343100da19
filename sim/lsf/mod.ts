/**
 * IBM Spectrum LSF's command-line tools as the simulator emulates them: `bsub` (script on
 * stdin with `#BSUB` lines, or a command), `bjobs`, `bhist`, `bkill`, `bstop` and `bresume`,
 * one file each. Formats follow LSF 10.1's documentation and OpenLava's sources, cited in each
 * command's file.
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
export const lsfEmulator: SimEmulator = {
  kind: "lsf",
  // LSF accepts a job no host can run and leaves it pending with a reason; only a run limit
  // over the queue's is refused at submission (`RUNLIMIT: Cannot exceed queue's hard limit(s)`).
  defaults: {
    queue: "normal",
    arrayTaskIds: "shared",
    killSignal: 15,
    limits: { cpus: "pend", nodes: "pend", memory: "pend", gpus: "pend", time: "reject" },
  },
  commands: { bsub, bjobs, bhist, bkill, bstop, bresume },
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
  // lsb_errmsg[60] once connected (the request may have reached mbatchd), [61] when the connection
  // was never made (OpenLava lsbatch/lib/lsb.err.c; bsub adds ". Job not submitted.", cmd.sub.c).
  transientSubmitFailure(command: string, reply: "lost" | "refused" = "lost") {
    if (reply === "refused") return this.unreachable(command);
    return fail(
      255,
      NOT_RESPONDING + "Contacting batch daemon: Communication timeout. Job not submitted.\n",
    );
  },
};
