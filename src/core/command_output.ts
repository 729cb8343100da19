/**
 * {@linkcode CommandOutput}: what a command printed and how it ended — the one shape every
 * transport returns, every backend parses and `SubmitError` carries. Re-exported by the
 * transport contract (`transport.ts`).
 *
 * @module
 */

/**
 * What a command printed and how it ended.
 *
 * @example Usage
 * ```ts
 * import { type CommandOutput, LocalTransport, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const answer: CommandOutput = { code: 0, stdout: "Submitted batch job 7\n", stderr: "" };
 * assert.equal(slurm.parseJobId(answer, ["sbatch", "job.slr"]), "7");
 * const echoed: CommandOutput = await new LocalTransport().run(["echo", "hi"]);
 * assert.deepEqual(echoed, { code: 0, stdout: "hi\n", stderr: "" });
 * ```
 */
export interface CommandOutput {
  /** Exit code; 128+N when killed by signal N (a command that does not exist is a `CommandNotFoundError`, not an exit code). */
  code: number;
  /** Standard output, decoded as UTF-8. */
  stdout: string;
  /** Standard error, decoded as UTF-8. */
  stderr: string;
}
