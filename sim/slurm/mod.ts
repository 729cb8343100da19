/**
 * The SLURM emulator: `sbatch`, `squeue`, `sacct`, `scancel`, `scontrol` and `sinfo` as SLURM
 * 22.05 prints them (recorded verbatim in `test/fixtures/real-outputs/slurm`), over the
 * simulator's engine. Finished jobs stay visible to `squeue -t all` and `scontrol` for MinJobAge
 * (300 s), then only `sacct` knows them.
 *
 * One file per command (`sbatch.ts`, `squeue.ts`, `scontrol.ts`, `scancel.ts`, `sacct.ts`,
 * `sinfo.ts`); what they share is private: `_jobs.ts` (how SLURM sees the engine's jobs: state
 * and reason words, priorities, annotations), `_parse.ts` (time, memory, array, dependency, job
 * id and output pattern syntax), `_environment.ts` (a batch job's environment) and
 * `_hostlist.ts` (`node[1-3]`). This file holds what the simulator asks of the emulator as a
 * whole: its defaults and its answers while slurmctld or slurmdbd is down.
 *
 * @module
 */

import { type CommandResult, fail } from "../_common/command_result.ts";
import type { SimEmulator, SimEngineApi } from "../types.ts";
import { sacct } from "./sacct.ts";
import { sbatch } from "./sbatch.ts";
import { scancel } from "./scancel.ts";
import { scontrol } from "./scontrol.ts";
import { sinfo } from "./sinfo.ts";
import { squeue } from "./squeue.ts";

const UNREACHABLE = "Unable to contact slurm controller (connect failure)";

/** What each command prints while slurmctld cannot be reached. */
function unreachable(
  command: string,
  args: readonly string[] = [],
  engine?: SimEngineApi,
): CommandResult {
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
 * console.assert("sbatch" in slurmEmulator.commands);
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const out = await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
 * console.assert(out.stdout === "1\n");
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
  submitCommands: ["sbatch"],
  accountingCommands: ["sacct"],
  unreachable,
  transientSubmitFailure: () =>
    fail(
      1,
      "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n",
    ),
  transientQueryFailure: (command) =>
    command === "scancel"
      ? fail(1, "scancel: error: Kill job error: Socket timed out on send/recv operation\n")
      : fail(1, "slurm_load_jobs error: Socket timed out on send/recv operation\n"),
  accountingFailure: (_command, state) =>
    state === "disabled" ? fail(1, "Slurm accounting storage is disabled\n") : fail(
      1,
      "sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:127.0.0.1:6819: Connection refused\n" +
        "sacct: error: Sending PersistInit msg: Connection refused\n" +
        "sacct: error: Problem talking to the database: Connection refused\n",
    ),
};
