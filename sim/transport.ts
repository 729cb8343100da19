/**
 * The simulator's {@linkcode Transport}: commands are served by the cluster's emulated
 * scheduler tools, files live in the simulator's file system, and the clock is the cluster's,
 * so a client polling through it sleeps in simulated time.
 *
 * @module
 */

import { basename, isAbsolute, join, normalize } from "node:path/posix";
import type { Clock } from "../src/core/clock.ts";
import {
  type CommandOutput,
  CommandTimeoutError,
  type RunOptions,
  type Transport,
  TransportError,
} from "../src/core/transport.ts";
import { CommandNotFoundError } from "../src/core/transport_errors.ts";
import type { SimCommandLog, SimCommandRecord } from "./command_log.ts";
import type { SimCommandRole, SimFaults } from "./faults.ts";
import type { SimFileSystem } from "./engine/filesystem.ts";
import type {
  SimCommand,
  SimCommandContext,
  SimEmulator,
  SimEngineApi,
  SimWaiting,
} from "./emulator.ts";

/**
 * What a {@linkcode SimTransport} needs from its cluster.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, SimTransport } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm" });
 * const transport = new SimTransport(cluster.transportContext("alice"));
 * assert.equal(transport.name, "sim:slurm");
 * assert.equal((await transport.run(["whoami"])).stdout, "alice\n");
 * assert.equal(transport.home, "/home/alice");
 * ```
 */
export interface SimTransportContext {
  /** The engine the commands act on. */
  engine: SimEngineApi;
  /** The emulated scheduler's tools. */
  emulator: SimEmulator;
  /** Files. */
  fs: SimFileSystem;
  /** The cluster's clock. */
  clock: Clock;
  /** Fault controls consulted before each command. */
  faults: SimFaults;
  /** Where each served command is recorded. */
  log: SimCommandLog;
  /** The calling user (default `user`). */
  user?: string;
  /** The user's home directory (default `/home/<user>`). */
  home?: string;
  /** Extra commands (e.g. `hostname`), by name. */
  extraCommands?: Readonly<Record<string, SimCommand>>;
}

/**
 * The transport of a simulated cluster (see `SimCluster.transport()`): argv[0] is dispatched to
 * the emulated tool of that name. An unknown command is logged as a login shell answers it
 * (exit 127, `bash: <cmd>: command not found`) and rejects with `CommandNotFoundError`, as
 * `SshTransport` does for that answer.
 *
 * @example Usage
 * ```ts
 * import { CommandNotFoundError } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const transport = cluster.transport();
 * await assert.rejects(
 *   transport.run(["bsub", "job.lsf"]),
 *   (e) => e instanceof CommandNotFoundError && e.where === "sim:slurm" && e.command === "bsub",
 * );
 * assert.equal(cluster.commandLog[0]?.stderr, "bash: bsub: command not found\n");
 * ```
 */
export class SimTransport implements Transport {
  /** `sim:<scheduler>`. */
  readonly name: string;
  /** The cluster's clock. */
  readonly clock: Clock;
  /** The calling user. */
  readonly user: string;
  /** The calling user's home directory (simulated path). */
  readonly home: string;
  readonly #context: SimTransportContext;

  /**
   * Creates a transport on a cluster.
   *
   * @param context The cluster's parts.
   */
  constructor(context: SimTransportContext) {
    this.#context = context;
    this.name = `sim:${context.engine.kind}`;
    this.clock = context.clock;
    this.user = context.user ?? "user";
    this.home = context.home ?? `/home/${this.user}`;
  }

  /**
   * Runs an emulated command.
   *
   * @param argv Command and arguments (argv[0] may be a path: its base name is looked up).
   * @param options Working directory, stdin, environment, timeout, abort signal.
   * @returns Exit code and output.
   * @throws {CommandNotFoundError} When no emulated tool has that name.
   * @throws {CommandTimeoutError} When an injected hang outlasts `options.timeout`.
   */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    options.signal?.throwIfAborted();
    const context = this.#context;
    const name = basename(argv[0] ?? "");
    const cwd = this.#resolve(options.cwd ?? "~");
    const emulator = context.emulator;
    const role = emulator.commands[name] === undefined ? undefined : commandRole(emulator, name);
    const record: SimCommandRecord = context.log.start({
      argv: [...argv],
      cwd,
      user: this.user,
      time: context.engine.now(),
      ...(role === undefined ? {} : { role }),
    });
    const command = emulator.commands[name] ?? context.extraCommands?.[name];
    if (command === undefined) {
      const said = `bash: ${argv[0] ?? ""}: command not found`;
      this.#finish(record, { code: 127, stdout: "", stderr: `${said}\n` });
      const tools = Object.keys(context.emulator.commands).join(", ");
      throw new CommandNotFoundError(this.name, argv, {
        said,
        hint: `this simulated cluster has ${context.engine.kind}'s commands (${tools}): ` +
          `give the job the backend "${context.engine.kind}", or simulate its scheduler`,
      });
    }
    const stdin = typeof options.stdin === "string"
      ? options.stdin
      : options.stdin === undefined
      ? ""
      : new TextDecoder().decode(options.stdin);
    const ctx: SimCommandContext = {
      engine: context.engine,
      args: argv.slice(1),
      stdin,
      cwd,
      env: { HOME: this.home, USER: this.user, LOGNAME: this.user, ...options.env },
      user: this.user,
      readFile: (path) => context.fs.readText(this.#resolve(path, cwd)),
    };
    const invoke = (): CommandOutput => command(ctx);
    // A command that waits for its job answers first, then waits (`sbatch --wait`).
    const answer = async (): Promise<CommandOutput> => {
      const first = invoke();
      const followUp = emulator.commands[name] === undefined
        ? undefined
        : emulator.followUps?.[name];
      const waited = followUp?.(ctx, first, this.#waiting(argv, options, record.time));
      return waited === undefined ? first : await waited;
    };

    // Faults hit the scheduler's tools only, never the login node's own commands.
    const fault = role === undefined ? undefined : context.faults.decide(name, role);
    if (fault !== undefined) record.fault = fault.kind;
    switch (fault?.kind) {
      case undefined:
        return this.#finish(record, await answer());
      case "unreachable":
        return this.#finish(record, emulator.unreachable(name, argv.slice(1), context.engine));
      case "accounting":
        return this.#finish(
          record,
          emulator.accountingFailure?.(name, fault.state, argv.slice(1)) ?? invoke(),
        );
      case "submit-failure":
        if (fault.created) invoke();
        return this.#finish(record, emulator.transientSubmitFailure(name, fault.reply));
      case "query-failure":
        return this.#finish(
          record,
          emulator.transientQueryFailure?.(name) ??
            emulator.unreachable(name, argv.slice(1), context.engine),
        );
      case "hang": {
        await this.#hang(argv, fault.ms, options);
        return this.#finish(record, await answer());
      }
    }
  }

  /**
   * Sleeping for a waiting command: on the cluster's clock, until the caller's signal aborts or
   * its timeout (counted from when the command started) passes.
   */
  #waiting(argv: readonly string[], options: RunOptions, started: number): SimWaiting {
    const deadline = started + (options.timeout ?? Infinity);
    return {
      sleep: async (ms: number) => {
        options.signal?.throwIfAborted();
        const left = deadline - this.clock.now();
        await this.clock.sleep(Math.max(0, Math.min(ms, left)), options.signal);
        if (this.clock.now() >= deadline) {
          throw new CommandTimeoutError(this.name, argv, options.timeout ?? Infinity);
        }
      },
    };
  }

  /** Waits in cluster time until the hang ends, the timeout expires or the signal aborts. */
  async #hang(argv: readonly string[], hangMs: number, options: RunOptions): Promise<void> {
    const timeout = options.timeout ?? Infinity;
    const wait = Math.min(hangMs, timeout);
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (wait === Infinity) {
        // Nothing ends this call but the caller's abort signal, as with a real hung ssh.
        await new Promise<void>((_, reject) => {
          if (controller.signal.aborted) reject(controller.signal.reason);
          controller.signal.addEventListener("abort", () => reject(controller.signal.reason));
        });
      }
      await this.clock.sleep(wait, controller.signal);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (wait === timeout && timeout < hangMs) {
      throw new CommandTimeoutError(this.name, argv, timeout);
    }
  }

  #finish(record: SimCommandRecord, output: CommandOutput): CommandOutput {
    this.#context.log.finish(record, output);
    return { code: output.code, stdout: output.stdout, stderr: output.stderr };
  }

  /** `~` and relative paths → absolute simulated path. */
  #resolve(path: string, cwd = this.home): string {
    if (path === "~") return this.home;
    if (path.startsWith("~/")) return normalize(join(this.home, path.slice(2)));
    return normalize(isAbsolute(path) ? path : join(cwd, path));
  }

  /**
   * Writes a text file atomically in the simulator's file system.
   *
   * @param path Absolute, `~`-relative or home-relative path.
   * @param text Content.
   * @param options File mode (default 0o644).
   */
  writeFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
    return this.#fileOp(path, "write", (p) => this.#context.fs.writeText(p, text, options.mode));
  }

  /**
   * Reads a text file of the simulator's file system.
   *
   * @param path Absolute, `~`-relative or home-relative path.
   * @returns The text.
   * @throws {TransportError} When the file does not exist.
   */
  readFile(path: string): Promise<string> {
    return this.#fileOp(path, "read", (p) => {
      const text = this.#context.fs.readText(p);
      if (text === undefined) {
        throw new TransportError(this.name, `Cannot read file "${p}": not found`);
      }
      return text;
    });
  }

  /**
   * Creates a directory and its parents.
   *
   * @param path Absolute, `~`-relative or home-relative path.
   * @param options Directory mode (default 0o755).
   */
  mkdir(path: string, options: { mode?: number } = {}): Promise<void> {
    return this.#fileOp(path, "create directory", (p) => this.#context.fs.mkdir(p, options.mode));
  }

  /**
   * Removes a file; a missing file is not an error.
   *
   * @param path Absolute, `~`-relative or home-relative path.
   */
  remove(path: string): Promise<void> {
    return this.#fileOp(path, "remove", (p) => this.#context.fs.remove(p));
  }

  #fileOp<T>(path: string, action: string, op: (path: string) => T): Promise<T> {
    const resolved = this.#resolve(path);
    try {
      return Promise.resolve(op(resolved));
    } catch (error) {
      if (error instanceof TransportError) return Promise.reject(error);
      const reason = error instanceof Error ? error.message : String(error);
      return Promise.reject(
        new TransportError(this.name, `Cannot ${action} "${resolved}": ${reason}`, {
          cause: error,
        }),
      );
    }
  }
}

/** What a scheduler command is to the fault rules. */
function commandRole(emulator: SimEmulator, name: string): SimCommandRole {
  if ((emulator.submitCommands ?? [Object.keys(emulator.commands)[0]]).includes(name)) {
    return "submit";
  }
  return emulator.accountingCommands?.includes(name) ? "accounting" : "status";
}
