/**
 * {@linkcode LocalTransport}: runs scheduler commands on this machine (a login node, or a
 * workstation that has `sbatch`/`qsub` on its PATH).
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { type Clock, realClock } from "../core/clock.ts";
import { describeValue } from "../core/errors.ts";
import { isMissingProgram, runProcess } from "./_process.ts";
import {
  checkFileBatch,
  checkOptionsObject,
  fileMode,
  isMissingPermission,
  permissionError,
  validateArgv,
  validateClock,
  validatePath,
  validateRunOptions,
  validateText,
} from "./_checks.ts";
import {
  type CommandOutput,
  type FileToWrite,
  type RunOptions,
  type Transport,
  TransportError,
  type WriteFilesOptions,
} from "../core/transport.ts";
import { CommandNotFoundError, type DenoPermission } from "../core/transport_errors.ts";

/**
 * Options of {@linkcode LocalTransport}.
 *
 * @example Usage
 * ```ts
 * import { LocalTransport, type LocalTransportOptions, realClock } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: LocalTransportOptions = { clock: realClock };
 * assert.equal(new LocalTransport(options).clock, realClock);
 * ```
 */
export interface LocalTransportOptions {
  /** The clock runs use between polls (default: the wall clock). */
  clock?: Clock;
}

/** Variables that decide which scheduler installation a local command reaches. */
const TARGET_VARIABLES = [
  "PATH",
  "SLURM_CONF",
  "SGE_ROOT",
  "SGE_CELL",
  "PBS_DEFAULT",
  "LSF_ENVDIR",
];

/** See `LocalTransport.target`; asks for no permission (never prompts). */
function localTarget(): string | undefined {
  const words = ["local"];
  for (const variable of TARGET_VARIABLES) {
    if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") return undefined;
    words.push(`${variable}=${Deno.env.get(variable) ?? ""}`);
  }
  return words.join("\n");
}

/**
 * Runs commands and touches files on this machine, with `Deno.Command` and never a shell.
 * A leading `~` in `cwd` and in paths means the home directory (`$HOME`). A command that
 * is not installed rejects with {@linkcode CommandNotFoundError} ("is this the login node?").
 * A timeout or abort kills the command's whole process group.
 *
 * Needs `--allow-run` (commands; `--allow-run=sbatch,squeue,sacct,scancel` is enough for
 * SLURM), `--allow-read`/`--allow-write` (files) and `--allow-env=HOME` (for `~`); without
 * one, the call rejects with {@linkcode MissingPermissionError} naming the flag to add.
 *
 * @example Run a command
 * ```ts
 * import { CommandNotFoundError, LocalTransport } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const local = new LocalTransport();
 * assert.equal(local.name, "local");
 * assert.deepEqual(await local.run(["echo", "hello world"]), { code: 0, stdout: "hello world\n", stderr: "" });
 * await assert.rejects(local.run(["no-such-command-here"]), CommandNotFoundError);
 * ```
 */
export class LocalTransport implements Transport {
  /** Always `"local"`. */
  readonly name: string = "local";
  /** The clock given in the options, or the wall clock. */
  readonly clock: Clock;
  /**
   * On the wall clock, `local` and the variables that choose the scheduler installation (`PATH`,
   * `SLURM_CONF`, `SGE_ROOT`, `SGE_CELL`, `PBS_DEFAULT`, `LSF_ENVDIR`): the processes of this
   * user on this machine with the same ones reach the same scheduler, so their runs share their
   * polls (`PollingOptions.shared`). `undefined` with another clock (a test's, the simulator's),
   * whose time other processes do not share, or without permission to read the environment.
   */
  readonly target: string | undefined;

  /**
   * Creates the transport.
   *
   * @param options See {@linkcode LocalTransportOptions}.
   * @throws {InvalidValueError} For an unknown option or a `clock` that is not a Clock.
   */
  constructor(options: LocalTransportOptions = {}) {
    checkOptionsObject("options", options, ["clock"]);
    validateClock(options.clock);
    this.clock = options.clock ?? realClock;
    this.target = this.clock === realClock ? localTarget() : undefined;
  }

  /**
   * Runs `argv` without a shell.
   *
   * @example Feed stdin, set the working directory and a time limit
   * ```ts
   * import { LocalTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const output = await new LocalTransport().run(["sh", "-c", 'cat; test "$PWD" = "$HOME"'], { stdin: "data", cwd: "~", timeout: 5000 });
   * assert.deepEqual(output, { code: 0, stdout: "data", stderr: "" });
   * ```
   *
   * @param argv Program and arguments.
   * @param options Working directory (`~` expanded), stdin, extra environment, timeout, signal.
   * @returns Exit code, stdout and stderr.
   * @throws {CommandNotFoundError} When the program is not installed (not on the PATH).
   * @throws {MissingPermissionError} When Deno may not run it (`--allow-run`).
   * @throws {CommandTimeoutError} When `timeout` expires.
   * @throws The signal's reason when `signal` aborts.
   * @throws {TransportError} When `cwd` does not exist or the program cannot be started.
   * @throws {InvalidValueError} For a bad argv (a NUL in an argument) or option.
   */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    validateArgv(argv);
    validateRunOptions(options);
    const { cwd, ...rest } = options;
    try {
      return await runProcess(this.name, argv, {
        ...rest,
        ...(cwd !== undefined ? { cwd: this.#expand(cwd) } : {}),
      });
    } catch (error) {
      if (!isMissingProgram(error)) throw error;
      throw new CommandNotFoundError(this.name, argv, { where: "this machine", cause: error });
    }
  }

  /**
   * Writes a text file atomically: a temporary file in the same directory, then a rename, so
   * readers see the old or the new content, never a part.
   *
   * @example Write a job script
   * ```ts
   * import { LocalTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const local = new LocalTransport();
   * const dir = await Deno.makeTempDir();
   * await local.writeFile(`${dir}/job.sh`, "#!/bin/sh\necho hi\n", { mode: 0o755 });
   * assert.equal(await local.readFile(`${dir}/job.sh`), "#!/bin/sh\necho hi\n");
   * assert.equal((await Deno.stat(`${dir}/job.sh`)).mode! & 0o777, 0o755);
   * await Deno.remove(dir, { recursive: true });
   * ```
   *
   * @param path Destination (`~` expanded); its directory must exist.
   * @param text Content.
   * @param options `mode` of the file (default `0o644`).
   * @throws {TransportError} When the file cannot be written.
   */
  async writeFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
    validatePath(path);
    validateText(text);
    const rename = await this.#writeTemp(path, text, fileMode(options) ?? 0o644);
    await rename();
  }

  /**
   * Creates `directories` (in order, like {@linkcode LocalTransport.mkdir}), then writes every
   * file atomically: all into temporary files first, then each renamed, so a failure leaves
   * none of them half-written (the temporary files are removed).
   *
   * @example Write a job's scripts in one go
   * ```ts
   * import { LocalTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const dir = await Deno.makeTempDir();
   * await new LocalTransport().writeFiles(
   *   [{ path: `${dir}/a/job.sh`, text: "echo hi\n", mode: 0o700 }, { path: `${dir}/a/aux.sh`, text: "" }],
   *   { directories: [`${dir}/a`] },
   * );
   * assert.equal((await Deno.stat(`${dir}/a/job.sh`)).mode! & 0o777, 0o700);
   * await Deno.remove(dir, { recursive: true });
   * ```
   *
   * @param files The files (`~` expanded); `mode` defaults to `0o644`.
   * @param options `directories` to create first.
   * @throws {TransportError} When a directory or file cannot be written.
   * @throws {InvalidValueError} For a bad file, mode or directory.
   */
  async writeFiles(files: readonly FileToWrite[], options: WriteFilesOptions = {}): Promise<void> {
    const checked = checkFileBatch(files, options);
    for (const dir of checked.directories) await this.mkdir(dir);
    const temps = await Promise.allSettled(
      checked.files.map(({ path, text, mode }) => this.#writeTemp(path, text, mode)),
    );
    const failed = temps.find((result) => result.status === "rejected");
    const renames = temps.flatMap((result) => result.status === "fulfilled" ? [result.value] : []);
    if (failed) {
      await Promise.all(renames.map((rename) => rename.discard()));
      throw failed.reason;
    }
    for (const rename of renames) await rename();
  }

  /**
   * Writes `text` into a new temporary file beside `path` with `mode`; resolves with the
   * rename onto `path` (which also has `discard()`, to remove the temporary file instead).
   */
  async #writeTemp(
    path: string,
    text: string,
    mode: number,
  ): Promise<(() => Promise<void>) & { discard(): Promise<void> }> {
    const target = this.#expand(path);
    const temp = join(
      dirname(target),
      `.${basename(target)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
    );
    const fail = async (error: unknown): Promise<never> => {
      await Deno.remove(temp).catch(() => {});
      throw this.#fileError(`Cannot write file ${describeValue(path)}`, "write", target, error);
    };
    try {
      await Deno.writeTextFile(temp, text, { createNew: true, mode });
      await Deno.chmod(temp, mode); // the umask may have removed bits at creation
    } catch (error) {
      await fail(error);
    }
    const rename = (): Promise<void> => Deno.rename(temp, target).catch(fail);
    return Object.assign(rename, { discard: () => Deno.remove(temp).catch(() => {}) });
  }

  /**
   * Reads a text file.
   *
   * @example Usage
   * ```ts
   * import { LocalTransport, TransportError } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * await assert.rejects(
   *   new LocalTransport().readFile("/no/such/file"),
   *   (error) => error instanceof TransportError && /not found/.test(error.message),
   * );
   * ```
   *
   * @param path The file (`~` expanded).
   * @returns Its content, decoded as UTF-8.
   * @throws {TransportError} When it does not exist or cannot be read.
   */
  async readFile(path: string): Promise<string> {
    validatePath(path);
    const target = this.#expand(path);
    try {
      return await Deno.readTextFile(target);
    } catch (error) {
      throw this.#fileError(`Cannot read file ${describeValue(path)}`, "read", target, error);
    }
  }

  /**
   * Creates a directory and its parents, like `mkdir -p`.
   *
   * @example Usage
   * ```ts
   * import { LocalTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const dir = await Deno.makeTempDir();
   * await new LocalTransport().mkdir(`${dir}/a/b`, { mode: 0o700 });
   * assert.ok((await Deno.stat(`${dir}/a/b`)).isDirectory);
   * await new LocalTransport().mkdir(`${dir}/a/b`); // already there: fine
   * await Deno.remove(dir, { recursive: true });
   * ```
   *
   * @param path The directory (`~` expanded).
   * @param options `mode` of the directories created (subject to the umask).
   * @throws {TransportError} When it cannot be created.
   */
  async mkdir(path: string, options: { mode?: number } = {}): Promise<void> {
    validatePath(path);
    const mode = fileMode(options);
    const target = this.#expand(path);
    try {
      await Deno.mkdir(target, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
    } catch (error) {
      const action = `Cannot create directory ${describeValue(path)}`;
      throw this.#fileError(action, "write", target, error, target);
    }
  }

  /**
   * Removes a file; a missing file is not an error.
   *
   * @example Usage
   * ```ts
   * import { LocalTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const local = new LocalTransport();
   * const path = await Deno.makeTempFile();
   * await local.remove(path);
   * await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
   * await local.remove(path); // missing: not an error
   * ```
   *
   * @param path The file (`~` expanded).
   * @throws {TransportError} When it exists but cannot be removed.
   */
  async remove(path: string): Promise<void> {
    validatePath(path);
    const target = this.#expand(path);
    try {
      await Deno.remove(target);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw this.#fileError(`Cannot remove ${describeValue(path)}`, "write", target, error);
    }
  }

  /** Expands a leading `~` or `~/` to the home directory. */
  #expand(path: string): string {
    if (path !== "~" && !path.startsWith("~/")) return path;
    let home: string | undefined;
    try {
      home = Deno.env.get("HOME");
    } catch (error) {
      if (!isMissingPermission(error)) throw error;
      throw permissionError(
        this.name,
        error,
        { permission: "env", target: "HOME" },
        `Cannot expand ${describeValue(path)} to the home directory`,
      );
    }
    if (!home) {
      throw new TransportError(this.name, `Cannot expand ${describeValue(path)}: HOME is not set`);
    }
    return path === "~" ? home : join(home, path.slice(2));
  }

  /**
   * The error of a failed file operation: a missing Deno permission names its flag (narrowed
   * to the file's directory, or `place`), anything else its short reason.
   */
  #fileError(
    action: string,
    permission: DenoPermission,
    target: string,
    error: unknown,
    place: string = dirname(target),
  ): TransportError {
    if (isMissingPermission(error)) {
      return permissionError(this.name, error, { permission, target }, action, place);
    }
    return new TransportError(this.name, `${action}: ${reason(error)}`, { cause: error });
  }
}

/** The short reason of a file-system error (`not found`, `permission denied`, ...). */
function reason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "not found";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.AlreadyExists) return "already exists";
  return error instanceof Error ? error.message : String(error);
}
