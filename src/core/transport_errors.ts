/**
 * The errors a transport raises when a command cannot even start: the program is not installed
 * where commands run ({@linkcode CommandNotFoundError}), Deno was started without the
 * permission the call needs ({@linkcode MissingPermissionError}), or the files it was to run
 * with could not be written ({@linkcode FilesNotWrittenError}). All extend
 * {@linkcode TransportError} and say what to do.
 *
 * @module
 */

import { describeValue } from "./errors.ts";
import { TransportError } from "./transport.ts";

/**
 * What a {@linkcode CommandNotFoundError} says beyond the command's name.
 *
 * @example Usage
 * ```ts
 * import { CommandNotFoundError, type CommandNotFoundDetails } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const details: CommandNotFoundDetails = { where: "ssh:alice@login", said: "sh: 1: bsub: not found" };
 * const error = new CommandNotFoundError("ssh:alice@login", ["bsub"], details);
 * assert.equal(error.where, "ssh:alice@login");
 * assert.equal(error.said, "sh: 1: bsub: not found");
 * ```
 */
export interface CommandNotFoundDetails {
  /** Where commands run, as the message names it (`"this machine"`, `"ssh:alice@login"`). Default: the transport's name. */
  where?: string;
  /** What the shell said about it, quoted in the message. */
  said?: string;
  /** What to do, replacing the default advice (run on the login node, or reach it over SSH). */
  hint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A program to run is not installed where the transport runs commands: locally, no program of
 * that name is on the PATH; over SSH, the remote shell answered exit 127 and "command not
 * found". Raised by {@linkcode Transport.run} instead of a fake exit code, so a submission or a
 * status poll through the wrong host fails with this instead of "the scheduler refused the job".
 * The command never ran.
 *
 * @example Usage
 * ```ts
 * import { CommandNotFoundError, LocalTransport, TransportError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = await new LocalTransport().run(["clusterjob-no-such-bsub", "job.lsf"]).catch((e) => e);
 * assert.ok(error instanceof CommandNotFoundError && error instanceof TransportError);
 * assert.equal(error.command, "clusterjob-no-such-bsub");
 * assert.deepEqual(error.argv, ["clusterjob-no-such-bsub", "job.lsf"]);
 * assert.equal(error.where, "this machine");
 * assert.match(error.message, /^"clusterjob-no-such-bsub" is not installed on this machine — is this the login node\? /);
 * ```
 */
export class CommandNotFoundError extends TransportError {
  /** The program that is missing (`argv[0]`, as given). */
  readonly command: string;
  /** The whole command that could not run. */
  readonly argv: readonly string[];
  /** Where commands run, as the message names it. */
  readonly where: string;
  /** What the shell said, if a shell answered. */
  readonly said: string | undefined;

  /**
   * Creates the error; its message reads `"bsub" is not installed on <where> — is this the
   * login node? …` (it names the transport itself, so it carries no `transport:` prefix).
   *
   * @param transport The transport's name.
   * @param argv The command that could not run.
   * @param details Where (default: the transport's name), what the shell said, what to do.
   */
  constructor(transport: string, argv: readonly string[], details: CommandNotFoundDetails = {}) {
    const command = argv[0] ?? "";
    const where = details.where ?? transport;
    const said = details.said?.trim() || undefined;
    const hint = details.hint ??
      "run where the scheduler's commands are installed (the cluster's login node), or reach " +
        'that host over SSH (give the job a "remote", or pass an SshTransport)';
    const text = `${describeValue(command)} is not installed on ${where}${
      said ? ` (${describeValue(said)})` : ""
    } — is this the login node? ${capitalize(hint)}`;
    super(transport, text, details.cause === undefined ? undefined : { cause: details.cause });
    this.message = text; // it names where commands run: no "transport:" prefix
    this.command = command;
    this.argv = [...argv];
    this.where = where;
    this.said = said;
  }
}

/** What Deno must be allowed to do: the permission names of `--allow-<name>`. */
export type DenoPermission = "run" | "read" | "write" | "env" | "net" | "sys" | "ffi";

/**
 * Options of {@linkcode MissingPermissionError}.
 *
 * @example Usage
 * ```ts
 * import { MissingPermissionError, type MissingPermissionOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: MissingPermissionOptions = { action: 'Cannot write file "/runs/a.slr"', narrow: "/runs" };
 * const error = new MissingPermissionError("local", "write", "/runs/a.slr", options);
 * assert.equal(error.flag, "--allow-write");
 * assert.match(error.message, /--allow-write=\/runs/);
 * ```
 */
export interface MissingPermissionOptions {
  /** What could not be done, opening the message (default `Cannot <permission> "<target>"`). */
  action?: string;
  /** The narrowest flag value that would do (`sbatch,squeue,sacct,scancel`, a directory); default: the target. */
  narrow?: string;
  /** The underlying error (Deno's `NotCapable`). */
  cause?: unknown;
}

/**
 * Deno was started without a permission the transport needs: `--allow-run` for the scheduler's
 * commands (or `ssh`), `--allow-read`/`--allow-write` for the files a local transport touches,
 * `--allow-env=HOME` to expand `~`. The message names the flag to add and its narrowest form.
 * Nothing was run or written.
 *
 * @example Usage
 * ```ts
 * import { MissingPermissionError, TransportError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new MissingPermissionError("local", "run", "sbatch");
 * assert.ok(error instanceof TransportError);
 * assert.equal(error.permission, "run");
 * assert.equal(error.target, "sbatch");
 * assert.equal(error.flag, "--allow-run");
 * assert.equal(
 *   error.message,
 *   'local: Cannot run "sbatch": Deno was started without run permission for it; start it with ' +
 *     "--allow-run, or allow only the scheduler's commands with --allow-run=sbatch,squeue,sacct,scancel",
 * );
 * ```
 */
export class MissingPermissionError extends TransportError {
  /** The permission that is missing. */
  readonly permission: DenoPermission;
  /** The command, path or variable it was needed for. */
  readonly target: string;
  /** The flag to add (`--allow-run`, `--allow-write`, ...). */
  readonly flag: string;

  /**
   * Creates the error; the message says what could not be done and which flag to add.
   *
   * @param transport The transport's name.
   * @param permission The missing permission.
   * @param target The command, path or variable it was needed for.
   * @param options What failed, the narrowest flag value, the cause.
   */
  constructor(
    transport: string,
    permission: DenoPermission,
    target: string,
    options: MissingPermissionOptions = {},
  ) {
    const flag = `--allow-${permission}`;
    const action = options.action ?? `Cannot ${permission} ${describeValue(target)}`;
    const family = permission === "run" ? schedulerFamily(target) : undefined;
    const narrow = options.narrow ?? family?.join(",") ?? target;
    const only = permission === "run" && family !== undefined
      ? `allow only the scheduler's commands with ${flag}=${narrow}`
      : permission === "run"
      ? `allow only this command with ${flag}=${narrow}`
      : permission === "env"
      ? `allow only this variable with ${flag}=${narrow}`
      : `allow only this place with ${flag}=${narrow}`;
    super(
      transport,
      `${action}: Deno was started without ${permission} permission for it; start it with ${flag}, or ${only}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.permission = permission;
    this.target = target;
    this.flag = flag;
  }
}

/**
 * The commands clusterjob runs for each scheduler (submit, status, accounting, cancel), for the
 * narrow `--allow-run=` advice. `qsub` is shared by PBS and SGE, so their lists are merged.
 * (A test checks these against the backends.)
 */
const SCHEDULER_COMMANDS: readonly (readonly string[])[] = [
  ["sbatch", "squeue", "sacct", "scancel"],
  ["qsub", "qstat", "qdel", "qacct", "tracejob"],
  ["bsub", "bjobs", "bhist", "bkill"],
];

/** The scheduler commands that go with `program` (by its base name), if it is one. */
function schedulerFamily(program: string): readonly string[] | undefined {
  const name = program.slice(program.lastIndexOf("/") + 1);
  return SCHEDULER_COMMANDS.find((family) => family.includes(name));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * {@linkcode Transport.writeFilesThenRun} could not create a directory or write a file, so its
 * command never ran (a submission that fails so has submitted nothing). Every file of the
 * batch is whole or absent: none is left half-written.
 *
 * @example Usage
 * ```ts
 * import { FilesNotWrittenError, TransportError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new FilesNotWrittenError("ssh:login", 'Cannot write file "~/a/job.sh": permission denied', "~/a/job.sh");
 * assert.ok(error instanceof TransportError);
 * assert.equal(error.path, "~/a/job.sh");
 * assert.equal(error.message, 'ssh:login: Cannot write file "~/a/job.sh": permission denied');
 * ```
 */
export class FilesNotWrittenError extends TransportError {
  /** The directory or file that could not be written, when the transport knows which. */
  readonly path: string | undefined;

  /**
   * Creates the error.
   *
   * @param transport The transport's name.
   * @param message What failed and why.
   * @param path The directory or file that failed, if known.
   * @param options Standard error options (`cause`).
   */
  constructor(transport: string, message: string, path?: string, options?: ErrorOptions) {
    super(transport, message, options);
    this.path = path;
  }
}
