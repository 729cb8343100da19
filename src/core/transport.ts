/**
 * The Transport interface: the one door through which clusterjob reaches a scheduler host.
 * Backends are pure (they build argv and parse text); only transports do I/O.
 *
 * Implementations: `LocalTransport` (this machine), `SshTransport` (a login node over OpenSSH)
 * and the simulator's transport (`SimCluster.transport()` in `@clusterjob/clusterjob/sim`).
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { CommandOutput } from "./command_output.ts";
import { ClusterjobError } from "./errors.ts";

export type { CommandOutput } from "./command_output.ts";

/**
 * Options for {@linkcode Transport.run}.
 *
 * @example Usage
 * ```ts
 * import { LocalTransport, type RunOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: RunOptions = { cwd: "/", stdin: "data", timeout: 30_000 };
 * const output = await new LocalTransport().run(["sh", "-c", "pwd; cat"], options);
 * assert.equal(output.stdout, "/\ndata");
 * ```
 */
export interface RunOptions {
  /** Working directory on the scheduler host (`~` is expanded). Default: the home directory for remote transports, the current directory locally. */
  cwd?: string;
  /** Text or bytes fed to the command's standard input; without it stdin is empty. */
  stdin?: string | Uint8Array;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /** Time limit in milliseconds; on expiry the command is killed and {@linkcode CommandTimeoutError} is thrown. */
  timeout?: number;
  /** Aborts the command; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A file for {@linkcode Transport.writeFiles}.
 *
 * @example Usage
 * ```ts
 * import { type FileToWrite, LocalTransport } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const files: FileToWrite[] = [
 *   { path: `${dir}/run/job.sh`, text: "#!/bin/sh\necho hi\n", mode: 0o755 },
 *   { path: `${dir}/run/aux.sh`, text: "echo aux\n" },
 * ];
 * await new LocalTransport().writeFiles(files, { directories: [`${dir}/run`] });
 * assert.equal(await Deno.readTextFile(`${dir}/run/aux.sh`), "echo aux\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface FileToWrite {
  /** Destination; `~/` is the home directory on the scheduler host. */
  readonly path: string;
  /** Content. */
  readonly text: string;
  /** File mode (default `0o644`). */
  readonly mode?: number;
}

/**
 * Options of {@linkcode Transport.writeFiles}.
 *
 * @example Usage
 * ```ts
 * import type { WriteFilesOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: WriteFilesOptions = { directories: ["~/runs/sweep", "~/runs/sweep/logs"] };
 * assert.equal(options.directories?.length, 2);
 * ```
 */
export interface WriteFilesOptions {
  /** Directories created first, in order, with their parents (like `mkdir -p`). */
  readonly directories?: readonly string[];
}

/**
 * Options of {@linkcode Transport.writeFilesThenRun}: the directories to create, then how the
 * command runs.
 *
 * @example Usage
 * ```ts
 * import type { WriteFilesThenRunOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: WriteFilesThenRunOptions = { directories: ["~/runs/a"], cwd: "~/runs/a" };
 * assert.equal(options.cwd, "~/runs/a");
 * ```
 */
export interface WriteFilesThenRunOptions extends WriteFilesOptions, RunOptions {}

/**
 * The one door to a scheduler host: run an argv, and read, write and create files there.
 * Implementations never pass an argv through a shell unquoted.
 *
 * @example A transport that records what it was asked to run
 * ```ts
 * import { type CommandOutput, JobScript, realClock, type Transport } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const calls: string[] = [];
 * const transport: Transport = {
 *   name: "recorder",
 *   clock: realClock,
 *   run(argv): Promise<CommandOutput> {
 *     calls.push(argv.join(" "));
 *     return Promise.resolve({ code: 0, stdout: "42\n", stderr: "" });
 *   },
 *   writeFile: (path) => Promise.resolve(void calls.push(`write ${path}`)),
 *   readFile: () => Promise.resolve(""),
 *   mkdir: (path) => Promise.resolve(void calls.push(`mkdir ${path}`)),
 *   remove: () => Promise.resolve(),
 * };
 * const run = await new JobScript({ name: "a", body: "true" }).submit({ transport });
 * assert.equal(run.jobId, "42");
 * assert.deepEqual(calls.slice(0, 2), ["mkdir .", "write a.slr"]);
 * // The submission's token (see the README's "Submits that are never lost or doubled").
 * assert.match(calls[2]!, /^sbatch --comment=cj-[0-9a-f]+ --parsable a\.slr$/);
 * ```
 */
export interface Transport {
  /** A short description of where commands run (`"local"`, `"ssh:login.cluster.edu"`, `"sim:slurm"`); used in messages and cache files. */
  readonly name: string;
  /** The clock runs use to sleep between polls: real time, or the simulator's virtual time. */
  readonly clock: Clock;
  /**
   * Optional: what scheduler installation the commands reach, the same in every process of this
   * user that reaches it (`"local"`, `"ssh:alice@login:22"`). Runs on transports that name one
   * share their polls with other processes (`PollingOptions.shared`); without it they never do.
   */
  readonly target?: string | undefined;
  /**
   * Runs `argv` (no shell) and resolves with its exit code and output; a non-zero exit is not an
   * error. A program that cannot start rejects instead: `CommandNotFoundError` when it is not
   * installed where commands run, `MissingPermissionError` when Deno may not run it.
   */
  run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput>;
  /** Writes a text file atomically (temporary file, then rename); `mode` defaults to 0o644. */
  writeFile(path: string, text: string, options?: { mode?: number }): Promise<void>;
  /**
   * Creates `directories`, then writes every file atomically (all to temporary files, then each
   * renamed), in one round trip where the transport can. Optional: without it, submission uses
   * `mkdir` and `writeFile`.
   */
  writeFiles?(files: readonly FileToWrite[], options?: WriteFilesOptions): Promise<void>;
  /**
   * Optional: does what `writeFiles(files, options)` and then `run(argv, options)` do, in one
   * round trip where the transport can (over SSH: one command on the session), so a submission
   * costs one remote command. When a directory or file cannot be written it rejects with
   * `FilesNotWrittenError` and the command has not run; otherwise it answers as `run` does.
   * Without it, submission calls `writeFiles` (or `mkdir` and `writeFile`) and then `run`.
   */
  writeFilesThenRun?(
    files: readonly FileToWrite[],
    argv: readonly string[],
    options?: WriteFilesThenRunOptions,
  ): Promise<CommandOutput>;
  /** Reads a text file; rejects with {@linkcode TransportError} when it does not exist. */
  readFile(path: string): Promise<string>;
  /** Creates a directory and its parents (like `mkdir -p`). */
  mkdir(path: string, options?: { mode?: number }): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Releases connections and other resources. Optional. */
  close?(): Promise<void>;
}

/**
 * A transport could not do what was asked (connection lost, file missing, permission denied).
 *
 * @example Usage
 * ```ts
 * import { LocalTransport, TransportError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   new LocalTransport().readFile("/nonexistent/job.out"),
 *   (error) => error instanceof TransportError && error.transport === "local",
 * );
 * ```
 */
export class TransportError extends ClusterjobError {
  /** The {@linkcode Transport.name} of the transport that failed. */
  readonly transport: string;
  /**
   * Creates the error.
   *
   * @param transport The transport's name.
   * @param message What failed.
   * @param options Standard error options (`cause`).
   */
  constructor(transport: string, message: string, options?: ErrorOptions) {
    super(`${transport}: ${message}`, options);
    this.transport = transport;
  }
}

/**
 * A command ran longer than its `timeout` and was killed.
 *
 * @example Usage
 * ```ts
 * import { CommandTimeoutError, LocalTransport } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   new LocalTransport().run(["sleep", "5"], { timeout: 50 }),
 *   (error) => error instanceof CommandTimeoutError && error.timeout === 50 && error.argv[0] === "sleep",
 * );
 * ```
 */
export class CommandTimeoutError extends TransportError {
  /** The command that timed out. */
  readonly argv: readonly string[];
  /** The limit in milliseconds. */
  readonly timeout: number;
  /**
   * Creates the error.
   *
   * @param transport The transport's name.
   * @param argv The command.
   * @param timeout The limit in milliseconds.
   */
  constructor(transport: string, argv: readonly string[], timeout: number) {
    super(transport, `Command "${argv.join(" ")}" timed out after ${timeout} ms`);
    this.argv = argv;
    this.timeout = timeout;
  }
}
