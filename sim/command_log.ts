/**
 * The simulator's command log: one {@linkcode SimCommandRecord} per command served (argv,
 * working directory, user, time, exit code, role, fault), and the commands' outputs within a
 * bound ({@linkcode SimCommandLogOptions}), so that a simulation of 100,000 jobs polled for hours
 * does not keep every `squeue` listing it ever printed.
 *
 * @module
 */

import type { SimCommandRole, SimFaultDecision } from "./faults.ts";

/**
 * One command served by the simulator, as recorded in the cluster's command log.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimCommandRecord } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * await cluster.run(["squeue", "-h"], { cwd: "/tmp" });
 * const [record]: readonly SimCommandRecord[] = cluster.commandLog;
 * assert.deepEqual(record, {
 *   argv: ["squeue", "-h"],
 *   cwd: "/tmp",
 *   user: "user",
 *   time: cluster.clock.now(),
 *   role: "status",
 *   code: 0,
 *   stdout: "",
 *   stderr: "",
 * });
 * ```
 */
export interface SimCommandRecord {
  /** The command as given. */
  argv: readonly string[];
  /** Working directory (simulated path). */
  cwd: string;
  /** User who ran it. */
  user: string;
  /** Cluster time when it was served, ms since the epoch. */
  time: number;
  /**
   * What a scheduler command is to the fault rules: `submit`, `accounting`, or `status` (every
   * other scheduler command, cancels included); absent for the login node's own commands
   * (`hostname`, ...) and for unknown ones.
   */
  role?: SimCommandRole;
  /** Exit code; `undefined` when the call timed out or was aborted. */
  code?: number;
  /** Standard output; absent when the log did not keep it (see {@linkcode SimCommandLogOptions}). */
  stdout?: string;
  /** Standard error; absent when the log did not keep it (see {@linkcode SimCommandLogOptions}). */
  stderr?: string;
  /** The fault injected into this call, if any. */
  fault?: SimFaultDecision["kind"];
}

/**
 * How much of the commands' outputs a cluster's command log keeps (`SimClusterOptions.commandLog`).
 * Every command keeps its record (argv, working directory, user, time, role, exit code, fault)
 * whatever the setting: only `stdout` and `stderr` are bounded.
 *
 * @example Keep no output at all
 * ```ts
 * import { SimCluster, type SimCommandLogOptions } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const commandLog: SimCommandLogOptions = { outputs: "none" };
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", commandLog });
 * await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
 * const [record] = cluster.commandLog;
 * assert.deepEqual([record?.argv[0], record?.code, record?.role, record?.stdout], ["sbatch", 0, "submit", undefined]);
 * ```
 */
export interface SimCommandLogOptions {
  /**
   * `"all"`: every output; `"none"`: no output; `{ maxChars }`: the outputs of the most recent
   * commands, as many as fit in `maxChars` characters together (stdout and stderr, counted as
   * `string.length` counts), older ones dropped first and an output larger than the bound never
   * kept. Default: `{ maxChars: 16_777_216 }` ({@linkcode DEFAULT_LOG_OUTPUT_CHARS}), which keeps
   * every output of an ordinary test.
   */
  outputs?: "all" | "none" | { maxChars: number };
}

/**
 * The default bound of the outputs a command log keeps, in characters (16 Mi: about 16 MB of
 * scheduler output, which is ASCII).
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_LOG_OUTPUT_CHARS } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_LOG_OUTPUT_CHARS, 16 * 1024 * 1024);
 * ```
 */
export const DEFAULT_LOG_OUTPUT_CHARS: number = 16 * 1024 * 1024;

/**
 * A cluster's command log: the records in the order commands were served, and the outputs
 * within the bound of its {@linkcode SimCommandLogOptions}. A {@linkcode SimTransport} appends a
 * record when a command starts and hands the output over when it ends.
 *
 * @example A bound of 10 characters keeps the last outputs that fit
 * ```ts
 * import { SimCommandLog } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const log = new SimCommandLog({ outputs: { maxChars: 10 } });
 * for (const word of ["first\n", "second\n", "third\n"]) {
 *   const record = log.start({ argv: ["echo", word], cwd: "/", user: "u", time: 0 });
 *   log.finish(record, { code: 0, stdout: word, stderr: "" });
 * }
 * assert.deepEqual(log.records.map((r) => [r.code, r.stdout]), [[0, undefined], [0, undefined], [0, "third\n"]]);
 * ```
 */
export class SimCommandLog {
  /** Every command served, in order. */
  readonly records: SimCommandRecord[] = [];
  /** `Infinity` for `"all"`, 0 for `"none"`. */
  readonly #maxChars: number;
  /** Positions in `records` of the records that keep their outputs, oldest first, from `#head` on. */
  #kept: number[] = [];
  #head = 0;
  #keptChars = 0;
  /** Records started and not finished yet → their positions in `records`. */
  readonly #open = new Map<SimCommandRecord, number>();

  /**
   * Creates an empty log.
   *
   * @param options What it keeps of the outputs (default: the last 16 Mi characters of them).
   * @throws {RangeError} When `maxChars` is negative or not a number.
   */
  constructor(options: SimCommandLogOptions = {}) {
    const outputs = options.outputs ?? { maxChars: DEFAULT_LOG_OUTPUT_CHARS };
    if (outputs === "all") this.#maxChars = Infinity;
    else if (outputs === "none") this.#maxChars = 0;
    else {
      const max = outputs.maxChars;
      if (!(max >= 0)) {
        throw new RangeError(
          `Cannot bound the command log's outputs to "${max}" characters: expected a number >= 0`,
        );
      }
      this.#maxChars = max;
    }
  }

  /**
   * Appends the record of a command that starts (its outputs come with {@linkcode finish}).
   *
   * @param record The command, without exit code or outputs.
   * @returns The record as the log holds it, to be passed to {@linkcode finish}.
   */
  start(record: SimCommandRecord): SimCommandRecord {
    this.#open.set(record, this.records.push(record) - 1);
    return record;
  }

  /**
   * Records how a command ended: its exit code, and its outputs if the bound lets the log keep
   * them (dropping the oldest kept outputs to make room).
   *
   * @param record A record returned by {@linkcode start} (a second call for it does nothing).
   * @param output The exit code and outputs.
   */
  finish(
    record: SimCommandRecord,
    output: { code: number; stdout: string; stderr: string },
  ): void {
    const position = this.#open.get(record);
    if (position === undefined) return;
    this.#open.delete(record);
    record.code = output.code;
    const size = output.stdout.length + output.stderr.length;
    if (size > this.#maxChars) return;
    record.stdout = output.stdout;
    record.stderr = output.stderr;
    if (this.#maxChars === Infinity) return;
    this.#kept.push(position);
    this.#keptChars += size;
    while (this.#keptChars > this.#maxChars) this.#dropOldest();
  }

  /**
   * Drops the outputs of the oldest record that keeps them: the log holds a copy without them
   * from then on (a fresh object rather than deleted properties, which would make the record a
   * slower, larger dictionary object).
   */
  #dropOldest(): void {
    const position = this.#kept[this.#head++]!;
    const { stdout = "", stderr = "", ...rest } = this.records[position]!;
    this.#keptChars -= stdout.length + stderr.length;
    this.records[position] = rest;
    // Compact once the dropped half outweighs the rest, so the queue stays proportional.
    if (this.#head > 1024 && this.#head * 2 > this.#kept.length) {
      this.#kept = this.#kept.slice(this.#head);
      this.#head = 0;
    }
  }
}
