/**
 * A simulator profile's cluster, kept from one `clusterjob` command to the next.
 *
 * A simulated cluster lives in one process, so the command line keeps it as what changed it:
 * each file written, folder made or removed and each command that is not a pure query
 * (`sbatch`, `scancel`, `qsub`, `qdel`, `bsub`, `bkill`, …), with the simulated time it
 * happened at, and the simulated time the last command ended at. The next command builds a
 * fresh `SimCluster` of the same kind and replays that log on its virtual clock: the same job
 * ids, the same states, the same output files (in `shell` mode the job scripts run again, in a
 * fresh sandbox). A replayed command that answers otherwise than it did (a job script that
 * behaves differently on a second run, say) is an error rather than a silently different
 * cluster: `clusterjob clean --cluster NAME` starts the cluster afresh.
 *
 * The state file (`simulator.json`, JSON) is locked while a command uses it: two commands on
 * one simulated cluster take turns.
 *
 * @module
 */

import { dirname } from "node:path";
import type { CommandOutput, RunOptions, Transport } from "../src/core/transport.ts";
import type { Clock } from "../src/core/clock.ts";
import { SimCluster, type SimClusterOptions } from "../sim/cluster.ts";
import { CliError } from "./errors.ts";
import { ExitCode } from "./exit_codes.ts";
import type { SimulatorSpec } from "./config.ts";

/** The version of the state file format. */
const STATE_VERSION = 1;

/** Commands that change nothing: not logged. */
const QUERIES = new Set([
  "squeue",
  "sacct",
  "sinfo",
  "sstat",
  "qstat",
  "qacct",
  "tracejob",
  "bjobs",
  "bhist",
  "bqueues",
  "hostname",
  "whoami",
  "true",
  "false",
  "echo",
  "cat",
]);

/** One change of the cluster. */
type SimEvent =
  & { at: number }
  & (
    | { op: "write"; path: string; text: string; mode?: number }
    | { op: "mkdir"; path: string; mode?: number }
    | { op: "remove"; path: string }
    | {
      op: "run";
      argv: string[];
      cwd?: string;
      stdin?: string;
      env?: Record<string, string>;
      code: number;
      stdout: string;
    }
  );

/** What the state file holds. */
interface SimState {
  format: "clusterjob-simulator";
  version: number;
  spec: SimulatorSpec;
  start: number;
  now: number;
  events: SimEvent[];
}

/**
 * The state file cannot be used: unreadable, of another simulator, or its log does not replay.
 * Exit code 3.
 *
 * @example Usage
 * ```ts
 * import { ExitCode, SimulatorStateError } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const error = new SimulatorStateError("/state/simulator.json", "it is not JSON");
 * assert.equal(error.exitCode, ExitCode.INVALID_INPUT);
 * assert.match(error.message, /^Cannot restore the simulated cluster from \/state\/simulator\.json: it is not JSON/);
 * ```
 */
export class SimulatorStateError extends CliError {
  /** The state file. */
  readonly file: string;

  /**
   * Creates the error.
   *
   * @param file The state file.
   * @param problem What is wrong, starting lower case.
   * @param options Standard error options (`cause`).
   */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(
      `Cannot restore the simulated cluster from ${file}: ${problem}`,
      ExitCode.INVALID_INPUT,
      options,
    );
    this.file = file;
  }
}

/** The start of simulated time of a new cluster (the simulator's default). */
const START = Date.UTC(2026, 0, 1);

/**
 * The options of the `SimCluster` a spec describes.
 *
 * @param spec The simulator profile.
 * @returns The cluster's options.
 */
export function simClusterOptions(spec: SimulatorSpec): SimClusterOptions {
  return {
    scheduler: spec.scheduler,
    ...(spec.dialect === undefined ? {} : { dialect: spec.dialect }),
    execution: spec.execution,
    ...(spec.execution === "model"
      ? { model: () => ({ runtimeSeconds: spec.runtime, exitCode: spec.exitCode }) }
      : {}),
    nodes: Array.from({ length: spec.nodes }, (_, i) => ({
      name: `node${i + 1}`,
      cpus: spec.cpus,
      memoryMB: spec.memoryMB,
    })),
    startTime: START,
  };
}

/**
 * A simulated cluster restored from its state file, whose changes are logged and saved by
 * {@linkcode SavedSimulator.close}.
 */
export class SavedSimulator {
  /** The cluster. */
  readonly cluster: SimCluster;
  /** The transport to give clusterjob: the cluster's, logging every change. */
  readonly transport: Transport;
  readonly #file: string;
  readonly #state: SimState;
  readonly #lock: Deno.FsFile;

  private constructor(file: string, state: SimState, cluster: SimCluster, lock: Deno.FsFile) {
    this.#file = file;
    this.#state = state;
    this.cluster = cluster;
    this.#lock = lock;
    this.transport = new LoggingTransport(cluster.transport(), state.events);
  }

  /**
   * Opens (and locks) the simulated cluster of a state file, replaying its log; a missing file
   * is a new cluster.
   *
   * @param file The state file.
   * @param spec The profile's simulator.
   * @returns The cluster.
   * @throws {SimulatorStateError} When the file is damaged, was made for another simulator, or
   * does not replay.
   */
  static async open(file: string, spec: SimulatorSpec): Promise<SavedSimulator> {
    await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const lock = await Deno.open(`${file}.lock`, { create: true, write: true, mode: 0o600 });
    try {
      await lock.lock(true);
      const state = await readState(file, spec);
      const cluster = new SimCluster(simClusterOptions(spec));
      try {
        await replay(file, cluster, state);
      } catch (error) {
        await cluster.close();
        throw error;
      }
      return new SavedSimulator(file, state, cluster, lock);
    } catch (error) {
      lock.close();
      throw error;
    }
  }

  /** Saves the log and the time, closes the cluster and releases the lock. */
  async close(): Promise<void> {
    try {
      this.#state.now = this.cluster.clock.now();
      const temp = `${this.#file}.${crypto.randomUUID()}.tmp`;
      await Deno.writeTextFile(temp, JSON.stringify(this.#state) + "\n", { mode: 0o600 });
      await Deno.rename(temp, this.#file);
    } finally {
      await this.cluster.close();
      this.#lock.close();
    }
  }

  /**
   * The simulated time a state file was saved at, without restoring the cluster.
   *
   * @param file The state file.
   * @returns The time (ms since the epoch), or `undefined` when there is no usable file.
   */
  static async savedNow(file: string): Promise<number | undefined> {
    try {
      const state = JSON.parse(await Deno.readTextFile(file)) as Partial<SimState>;
      return typeof state.now === "number" ? state.now : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Removes a state file (the cluster starts afresh next time); waits for its lock.
   *
   * @param file The state file.
   */
  static async reset(file: string): Promise<void> {
    let lock: Deno.FsFile;
    try {
      lock = await Deno.open(`${file}.lock`, { write: true, create: true, mode: 0o600 });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return; // no folder: no state
      throw error;
    }
    try {
      await lock.lock(true);
      await Deno.remove(file).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    } finally {
      lock.close();
    }
  }
}

async function readState(file: string, spec: SimulatorSpec): Promise<SimState> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return {
        format: "clusterjob-simulator",
        version: STATE_VERSION,
        spec,
        start: START,
        now: START,
        events: [],
      };
    }
    throw error;
  }
  let state: SimState;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new SimulatorStateError(file, "it is not JSON", { cause: error });
  }
  if (
    state?.format !== "clusterjob-simulator" || state.version !== STATE_VERSION ||
    !Array.isArray(state.events)
  ) {
    throw new SimulatorStateError(file, `it is not a state file of version ${STATE_VERSION}`);
  }
  if (JSON.stringify(state.spec) !== JSON.stringify(spec)) {
    throw new SimulatorStateError(
      file,
      `it was made for another simulator (${JSON.stringify(state.spec)}; the config now says ${
        JSON.stringify(spec)
      }); "clusterjob clean" of this cluster starts it afresh`,
    );
  }
  return state;
}

async function replay(file: string, cluster: SimCluster, state: SimState): Promise<void> {
  const transport = cluster.transport();
  const advanceTo = async (at: number) => {
    const ms = at - cluster.clock.now();
    if (ms > 0) await cluster.advance(ms);
  };
  for (const [index, event] of state.events.entries()) {
    await advanceTo(event.at);
    switch (event.op) {
      case "write":
        await transport.writeFile(
          event.path,
          event.text,
          event.mode === undefined ? {} : { mode: event.mode },
        );
        break;
      case "mkdir":
        await transport.mkdir(event.path, event.mode === undefined ? {} : { mode: event.mode });
        break;
      case "remove":
        await transport.remove(event.path);
        break;
      case "run": {
        const output = await transport.run(event.argv, runOptions(event));
        if (output.code !== event.code || output.stdout !== event.stdout) {
          throw new SimulatorStateError(
            file,
            `replaying change ${index + 1} ("${
              event.argv.join(" ")
            }") answered exit ${output.code} ${
              JSON.stringify(output.stdout.slice(0, 200))
            }, not exit ${event.code} ${JSON.stringify(event.stdout.slice(0, 200))}; ` +
              `"clusterjob clean" of this cluster starts it afresh`,
          );
        }
        break;
      }
    }
  }
  await advanceTo(state.now);
}

function runOptions(
  event: { cwd?: string; stdin?: string; env?: Record<string, string> },
): RunOptions {
  return {
    ...(event.cwd === undefined ? {} : { cwd: event.cwd }),
    ...(event.stdin === undefined ? {} : { stdin: event.stdin }),
    ...(event.env === undefined ? {} : { env: event.env }),
  };
}

/** A transport that appends every change it makes to `events`. */
class LoggingTransport implements Transport {
  readonly name: string;
  readonly clock: Clock;
  readonly #inner: Transport;
  readonly #events: SimEvent[];

  constructor(inner: Transport, events: SimEvent[]) {
    this.#inner = inner;
    this.#events = events;
    this.name = inner.name;
    this.clock = inner.clock;
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    const at = this.clock.now();
    const output = await this.#inner.run(argv, options);
    const name = (argv[0] ?? "").split("/").pop() ?? "";
    const query = QUERIES.has(name) || (name === "scontrol" && argv[1] === "show");
    if (!query) {
      const stdin = typeof options.stdin === "string"
        ? options.stdin
        : options.stdin === undefined
        ? undefined
        : new TextDecoder().decode(options.stdin);
      this.#events.push({
        at,
        op: "run",
        argv: [...argv],
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(stdin === undefined ? {} : { stdin }),
        ...(options.env === undefined ? {} : { env: options.env }),
        code: output.code,
        stdout: output.stdout,
      });
    }
    return output;
  }

  async writeFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
    const at = this.clock.now();
    await this.#inner.writeFile(path, text, options);
    this.#events.push({
      at,
      op: "write",
      path,
      text,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
  }

  readFile(path: string): Promise<string> {
    return this.#inner.readFile(path);
  }

  async mkdir(path: string, options: { mode?: number } = {}): Promise<void> {
    const at = this.clock.now();
    await this.#inner.mkdir(path, options);
    this.#events.push({
      at,
      op: "mkdir",
      path,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
  }

  async remove(path: string): Promise<void> {
    const at = this.clock.now();
    await this.#inner.remove(path);
    this.#events.push({ at, op: "remove", path });
  }
}
