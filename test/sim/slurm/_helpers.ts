/** Helpers of the SLURM emulator's tests: refusals, and a cluster with an array waiting. */

import { CommandFailure } from "../../../sim/_common/command_result.ts";
import { SimCluster } from "../../../sim/mod.ts";

/** The {@linkcode CommandFailure} `run` throws; fails when it returns or throws something else. */
export function refusal(run: () => unknown): CommandFailure;
/** The error of class `type` `run` throws; fails when it returns or throws something else. */
export function refusal<E extends CommandFailure>(
  run: () => unknown,
  type: new (...args: never[]) => E,
): E;
export function refusal(
  run: () => unknown,
  type: new (...args: never[]) => CommandFailure = CommandFailure,
): CommandFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error("accepted what it should refuse");
}

/**
 * A one-core cluster running job 1 (`blocker`), with the four tasks of array 2 (`arr`, at most
 * two at once) waiting for it.
 */
export async function blockedArray(): Promise<SimCluster> {
  const cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    nodes: [{ name: "n1", cpus: 1, memoryMB: 4000 }],
  });
  await cluster.run(["sbatch", "-J", "blocker", "--wrap", "true"]);
  await cluster.run(["sbatch", "-J", "arr", "--array=1-4%2", "--wrap", "true"]);
  await cluster.advance(0);
  return cluster;
}
