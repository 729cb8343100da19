/**
 * The SLURM emulator: `sbatch`, `squeue`, `sacct`, `scancel`, `scontrol` and `sinfo` as SLURM
 * 22.05 prints them (recorded verbatim in `test/fixtures/real-outputs/slurm`), over the
 * simulator's engine. Finished jobs stay visible to `squeue -t all` and `scontrol` for MinJobAge
 * (300 s), then only `sacct` knows them.
 *
 * One file per command (`sbatch.ts`, `squeue.ts`, `scontrol.ts`, `scancel.ts`, `sacct.ts`,
 * `sinfo.ts`), each parsing its arguments into a typed value apart from running it; the larger
 * ones keep their tables apart (`_sbatch_options.ts`, `_squeue_format.ts`, `_sacct_fields.ts`,
 * `_scontrol_records.ts`). What they share is private: `_jobs.ts` (how SLURM sees the engine's
 * jobs: what sbatch records about each, state and reason words, priorities), `_parse.ts` (the
 * command line, and time, memory, array, dependency, job id and output pattern syntax),
 * `_slurmd.ts` (what slurmd does for a running job: output files, environment) and
 * `_hostlist.ts` (`node[1-3]`). This file holds what the simulator asks of the emulator as a
 * whole: its defaults and its answers while slurmctld or slurmdbd is down.
 *
 * @example Submit, watch and account for a job
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const submitted = await cluster.run(["sbatch", "-J", "hello", "-t", "10", "--wrap", "echo hi"]);
 * assert.equal(submitted.stdout, "Submitted batch job 1\n");
 * await cluster.advance(0); // one scheduling pass
 * const queue = await cluster.run(["squeue", "-h", "-o", "%i %j %T %l"]);
 * assert.equal(queue.stdout, "1 hello RUNNING 10:00\n");
 * await cluster.runUntilIdle();
 * const sacct = await cluster.run(["sacct", "-j", "1", "-P", "-n", "-o", "JobID,State,ExitCode"]);
 * assert.equal(sacct.stdout, "1|COMPLETED|0:0\n1.batch|COMPLETED|0:0\n");
 * ```
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { fail } from "../_common/command_result.ts";
import type { SimEmulator, SimEngineApi } from "../emulator.ts";
import { sacct } from "./sacct.ts";
import { sbatch } from "./sbatch.ts";
import { sbatchWait } from "./_sbatch_wait.ts";
import { scancel } from "./scancel.ts";
import { scontrol } from "./scontrol.ts";
import { sinfo } from "./sinfo.ts";
import { squeue } from "./squeue.ts";

const UNREACHABLE = "Unable to contact slurm controller (connect failure)";

/** What each command prints while slurmctld cannot be reached (recordings 154 to 159). */
function unreachable(
  command: string,
  args: readonly string[] = [],
  engine?: SimEngineApi,
): CommandOutput {
  switch (command) {
    case "sbatch":
      return fail(1, `sbatch: error: Batch job submission failed: ${UNREACHABLE}\n`);
    case "scancel": {
      const id = args.find((a) => !a.startsWith("-")) ?? "0";
      return fail(8, `scancel: error: Kill job error on job id ${id}: ${UNREACHABLE}\n`);
    }
    case "sinfo":
      return fail(1, `slurm_load_partitions: ${UNREACHABLE}\n`);
    case "scontrol":
      if (args.includes("ping")) {
        return fail(
          1,
          "",
          `Slurmctld(primary) at ${engine?.loginHost ?? "controller"} is DOWN\n` +
            "*****************************************\n** RESTORE SLURMCTLD DAEMON TO SERVICE **\n*****************************************\n",
        );
      }
      if (args.some((a) => /^(u?hold|release)$/i.test(a))) {
        return fail(1, `slurm_suspend error: ${UNREACHABLE}\n`);
      }
      return fail(1, `slurm_load_jobs error: ${UNREACHABLE}\n`);
    default:
      return fail(1, `slurm_load_jobs error: ${UNREACHABLE}\n`);
  }
}

/**
 * The SLURM 22.05 command-line tools over the simulator's engine: `sbatch`, `squeue`, `sacct`,
 * `scancel`, `scontrol` (`show job|partition|node`, `hold`, `release`, `ping`) and `sinfo`.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, slurmEmulator } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * assert.ok("sbatch" in slurmEmulator.commands);
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const out = await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
 * assert.equal(out.stdout, "1\n");
 * ```
 */
export const slurmEmulator: SimEmulator = {
  kind: "slurm",
  // EnforcePartLimits=NO (the recorded cluster's slurm.conf): impossible cpus/nodes/time pend
  // forever; --mem beyond every node is refused but uses an id.
  defaults: {
    queue: "debug",
    arrayTaskIds: "split",
    killSignal: 15,
    limits: {
      cpus: "pend",
      nodes: "pend",
      time: "pend",
      memory: "reject-recorded",
      gpus: "reject",
    },
  },
  commands: { sbatch, squeue, sacct, scancel, scontrol, sinfo },
  followUps: { sbatch: sbatchWait },
  submitCommands: ["sbatch"],
  accountingCommands: ["sacct"],
  unreachable,
  // A lost reply: "Socket timed out on send/recv operation"; a refusal: slurmctld not reached
  // (both src/common/slurm_errno.c, and recording 154 for the second).
  transientSubmitFailure: (_command, reply = "lost") =>
    fail(
      1,
      `sbatch: error: Batch job submission failed: ${
        reply === "lost" ? "Socket timed out on send/recv operation" : UNREACHABLE
      }\n`,
    ),
  transientQueryFailure: (command) =>
    command === "scancel"
      ? fail(1, "scancel: error: Kill job error: Socket timed out on send/recv operation\n")
      : fail(1, "slurm_load_jobs error: Socket timed out on send/recv operation\n"),
  // AccountingStorageType=none (src/sacct/options.c), or slurmdbd down (recording 161).
  accountingFailure: (_command, state) =>
    state === "disabled" ? fail(1, "Slurm accounting storage is disabled\n") : fail(
      1,
      "sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:127.0.0.1:6819: Connection refused\n" +
        "sacct: error: Sending PersistInit msg: Connection refused\n" +
        "sacct: error: Problem talking to the database: Connection refused\n",
    ),
};
