/**
 * An in-process simulator of SLURM, PBS (Torque and PBS Pro), LSF and SGE command-line tools over
 * one job-queue engine, so the whole job lifecycle is testable without a cluster.
 *
 * A {@linkcode SimCluster} answers `sbatch`, `squeue`, `sacct`, `qsub`, `qstat`, `bjobs`, ... as
 * the real tools do (SLURM and SGE output is checked against recorded real transcripts), through
 * a `Transport` you hand to your code instead of an SSH connection. Jobs run for real with bash in
 * a private directory (`execution: "shell"`) or follow a model of runtimes and exit codes
 * (`"model"`); time is virtual, so a pipeline that polls every 15 minutes finishes in
 * milliseconds. Faults (failed submissions, hung queries, controller outages, node failures,
 * lagging accounting) are switched on per test, and `commandLog` shows every command served.
 *
 * @example Test your pipeline against a simulated SLURM
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * await using cluster = new SimCluster({ scheduler: "slurm" });
 * const ssh = cluster.transport(); // give this to the code under test
 * await ssh.writeFile("~/step.sh", "#!/bin/bash\n#SBATCH -J step\necho done > result.txt\n");
 * const id = (await ssh.run(["sbatch", "--parsable", "step.sh"])).stdout.trim();
 * while ((await ssh.run(["squeue", "-h", "-j", id])).stdout !== "") await ssh.clock.sleep(900_000);
 * assert.equal(await ssh.readFile("~/result.txt"), "done\n");
 * assert.equal(cluster.commandLog.filter((c) => c.argv[0] === "squeue").length, 2);
 * ```
 *
 * @module
 */

export type { Clock } from "../src/core/clock.ts";
export type { CommandOutput, RunOptions, Transport } from "../src/core/transport.ts";
export * from "./types.ts";
export * from "./emulator.ts";
export * from "./engine/engine.ts";
export * from "./cluster.ts";
export * from "./engine/virtual_clock.ts";
export * from "./engine/filesystem.ts";
export * from "./transport.ts";
export * from "./command_log.ts";
export * from "./faults.ts";
export * from "./slurm/mod.ts";
export * from "./sge/mod.ts";
export * from "./pbs/mod.ts";
export * from "./lsf/mod.ts";
