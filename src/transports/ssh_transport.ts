/**
 * {@linkcode SshTransport}: runs scheduler commands on a cluster's login node through the
 * system's OpenSSH client, over one multiplexed connection.
 *
 * @module
 */

import { type Clock, realClock } from "../core/clock.ts";
import { quoteShellCommand } from "../core/_shell_quote.ts";
import {
  anyLoginShell,
  fileError,
  remoteCommand,
  remotePath,
  type ScriptFile,
  tempPath,
  writeFailure,
  writeFileScript,
  writeFilesScript,
} from "./_ssh_shell.ts";
import { newNonce } from "./_shell_session.ts";
import { SessionPool } from "./_session_pool.ts";
import { resolvedTarget } from "./_ssh_target.ts";
import { abortable, makeControlDir } from "./_ssh_control.ts";
import { isMissingProgram, runProcess } from "./_process.ts";
import { Semaphore } from "./_semaphore.ts";
import { checkedExtraOptions, validateSshOptions } from "./_ssh_options.ts";
import {
  checkedMode,
  checkFileBatch,
  fileMode,
  validateArgv,
  validatePath,
  validateRunOptions,
  validateText,
} from "./_checks.ts";
import { NOT_FOUND_EXIT, notFoundLine } from "./_not_found.ts";
import {
  type CommandOutput,
  CommandTimeoutError,
  type FileToWrite,
  type RunOptions,
  type Transport,
  TransportError,
  type WriteFilesOptions,
  type WriteFilesThenRunOptions,
} from "../core/transport.ts";

/**
 * The longest command line sent as one `ssh` argument (Linux limits a single argument to
 * 128 KiB); longer file batches are written file by file.
 */
const ONE_SHOT_MAX = 100_000;

/**
 * The most stdin (or file text) sent through a session; more goes through a one-shot ssh's own
 * stdin. bash as `/bin/sh` (RHEL and its kin) reads its input a byte at a time, ~0.75 s a MB,
 * where a one-shot command costs ~10–20 ms.
 */
const SESSION_STDIN_MAX = 64 * 1024;
import { CommandNotFoundError, FilesNotWrittenError } from "../core/transport_errors.ts";

/**
 * Options of {@linkcode SshTransport}. Anything not given here comes from the user's
 * `~/.ssh/config` (or `configFile`), as with a plain `ssh`.
 *
 * @example Usage
 * ```ts
 * import { SshTransport, type SshTransportOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: SshTransportOptions = {
 *   host: "login.cluster.example.org",
 *   user: "alice",
 *   extraOptions: { ProxyJump: "gateway.example.org" },
 * };
 * assert.equal(new SshTransport(options).name, "ssh:alice@login.cluster.example.org");
 * const unsafe = { ...options, extraOptions: { StrictHostKeyChecking: "no" } };
 * assert.throws(() => new SshTransport(unsafe), /never switches host-key checking off/);
 * ```
 */
export interface SshTransportOptions {
  /**
   * Host name, IP address or `~/.ssh/config` alias of the login node, optionally as
   * `user@host`: letters, digits and `. _ - : % +`, not starting with `-`.
   */
  host: string;
  /** Remote user name (default: from the ssh config, else the local user). */
  user?: string;
  /** Port (default: from the ssh config, else 22). */
  port?: number;
  /** An ssh_config file used instead of `~/.ssh/config` (`ssh -F`). */
  configFile?: string;
  /** A private key file (`ssh -i`). */
  identityFile?: string;
  /** The ssh program (default `ssh` from the PATH). */
  sshPath?: string;
  /** More `ssh -o Key=Value` options, e.g. `{ ProxyJump: "gateway" }`. Host-key checking cannot be switched off here. */
  extraOptions?: Readonly<Record<string, string>>;
  /** Time limit for establishing the connection, in milliseconds (default 15000; ssh's `ConnectTimeout`, rounded up to seconds). */
  connectTimeout?: number;
  /**
   * Let the first connection ask for passwords or two-factor codes on this terminal
   * (default false: `BatchMode=yes`, so a missing key fails at once instead of hanging).
   * Later commands reuse that authenticated connection.
   */
  interactive?: boolean;
  /** How long the shared connection stays open after its last use, in seconds (default 60). */
  controlPersist?: number;
  /** Commands running at the same time over the shared connection (default 8; sshd's `MaxSessions` defaults to 10). */
  maxSessions?: number;
  /** The clock runs use between polls (default: the wall clock). */
  clock?: Clock;
  /**
   * Keep long-lived remote shell sessions over the shared connection and send commands through
   * them (default true): a command then costs about what it costs on the login node itself.
   * `false` starts one `ssh` per command, as does a login shell that is not POSIX (csh, tcsh,
   * fish: detected once, at the first session).
   */
  persistentSession?: boolean;
}

/**
 * Runs commands and touches files on a remote host with the system's OpenSSH client.
 *
 * - One multiplexed master connection (`ControlMaster`/`ControlPersist`, its socket in a
 *   private 0700 directory) carries every command and file transfer.
 * - Commands go through long-lived `/bin/sh` sessions on that connection (one per concurrent
 *   command, up to `maxSessions`), each framed by random per-command markers: a command costs
 *   about what it costs on the login node itself. A timeout or abort ends its session, a dropped
 *   one is replaced; a non-POSIX login shell (csh, tcsh, fish), found once, and
 *   `persistentSession: false` mean one `ssh` per command instead.
 * - `~/.ssh/config`, agents and `ProxyJump` work as with a plain `ssh`; host keys are checked
 *   (never switched off); `BatchMode=yes` unless `interactive`.
 * - Every argument is quoted for the remote `/bin/sh`; a leading `~/` in `cwd` and paths is
 *   left for the remote shell to expand.
 * - A `timeout` is enforced locally and, with `timeout` from coreutils, on the remote side
 *   too, since killing the local ssh does not stop the remote command.
 *
 * Call {@linkcode SshTransport.close} (or use `await using`) to close the connection.
 *
 * @example Submit over SSH (needs a reachable host, so not run here)
 * ```ts ignore
 * import { SshTransport } from "@clusterjob/clusterjob";
 * await using ssh = new SshTransport({ host: "login.cluster.example.org" });
 * const output = await ssh.run(["sbatch", "--parsable", "job.slurm"], { cwd: "~/runs/my run" });
 * console.log(output.stdout);
 * ```
 *
 * @example Construct without connecting
 * ```ts
 * import { SshTransport } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const ssh = new SshTransport({ host: "login.cluster.example.org", user: "alice", port: 2222 });
 * assert.equal(ssh.name, "ssh:alice@login.cluster.example.org:2222");
 * assert.throws(() => new SshTransport({ host: "-oProxyCommand=evil" }), /Invalid value for "host"/);
 * await ssh.close();
 * ```
 */
export class SshTransport implements Transport {
  /** `ssh:[user@]host[:port]`. */
  readonly name: string;
  /** The clock given in the options, or the wall clock. */
  readonly clock: Clock;
  /** See {@linkcode SshTransport.target}; `null` until first read. */
  #target: string | undefined | null = null;
  readonly #host: string;
  readonly #sshPath: string;
  readonly #interactive: boolean;
  readonly #connectTimeout: number;
  readonly #baseOptions: readonly string[];
  /** How a user would reach the host by hand, for advice in messages. */
  readonly #tryCommand: readonly string[];
  readonly #slots: Semaphore;
  #controlDir: Promise<string> | undefined;
  /** The persistent shell sessions, unless `persistentSession: false`. */
  readonly #sessions: SessionPool | undefined;
  #master: Promise<void> | undefined;
  /** The control socket's directory, once made. */
  #socketDir: string | undefined;
  #closed = false;

  /**
   * Creates the transport; nothing connects until the first command.
   *
   * @param options See {@linkcode SshTransportOptions}.
   * @throws {InvalidValueError} For a malformed host (a NUL, a newline, whitespace, a leading
   *   `-`, an empty part around `@`, a shell metacharacter), user, port, path, number, flag,
   *   clock or `-o` option, and for an unknown option; the error names the option and its value.
   */
  constructor(options: SshTransportOptions) {
    validateSshOptions(options);
    const { host, user, port } = options;
    const connectTimeout = options.connectTimeout ?? 15_000;
    const persist = options.controlPersist ?? 60;
    const maxSessions = options.maxSessions ?? 8;

    this.#host = host;
    this.#sshPath = options.sshPath ?? "ssh";
    this.#interactive = options.interactive ?? false;
    this.#connectTimeout = connectTimeout;
    this.#slots = new Semaphore(maxSessions);
    this.name = `ssh:${user ? `${user}@` : ""}${host}${port ? `:${port}` : ""}`;
    this.clock = options.clock ?? realClock;
    this.#tryCommand = [
      "ssh",
      ...(options.configFile !== undefined ? ["-F", options.configFile] : []),
      ...(port !== undefined ? ["-p", String(port)] : []),
      user !== undefined ? `${user}@${host}` : host,
    ];

    const sshOptions: Record<string, string> = {
      ...checkedExtraOptions(options.extraOptions),
      ControlPersist: String(persist),
      ConnectTimeout: String(Math.ceil(connectTimeout / 1000)),
      // notice a dead connection within ~45 s instead of hanging on it
      ServerAliveInterval: "15",
      ServerAliveCountMax: "3",
      ...(this.#interactive ? {} : { BatchMode: "yes" }),
    };
    this.#baseOptions = [
      ...(options.configFile !== undefined ? ["-F", options.configFile] : []),
      ...(options.identityFile !== undefined ? ["-i", options.identityFile] : []),
      ...(port !== undefined ? ["-p", String(port)] : []),
      ...(user !== undefined ? ["-l", user] : []),
      ...Object.entries(sshOptions).flatMap(([key, value]) => ["-o", `${key}=${value}`]),
      // no escape character: a `~.` in stdin data must not end the session
      "-e",
      "none",
    ];
    if (options.persistentSession !== false) {
      this.#sessions = new SessionPool({
        transport: this.name,
        argv: (bootstrap) => [
          this.#sshPath,
          ...this.#sshArgs(this.#socketDir ?? "", "auto"),
          "--",
          this.#host,
          bootstrap,
        ],
        readyTimeout: connectTimeout + 5_000,
        idleTimeout: persist * 1000,
      });
    }
  }

  /**
   * The remote login as ssh resolves it, `ssh:<user>@<hostname>:<port>` (with a line for a
   * `ProxyJump` or `ProxyCommand`): config aliases, `User`, `Port` and `HostName` applied as a
   * plain `ssh` would, so every transport of this user that reaches that login, in any process,
   * names the same target, and their runs share their polls (`PollingOptions.shared`). Worked
   * out once, when first read, by a local `ssh -G` (nothing connects). `undefined` with a clock
   * other than the wall clock (a test's, whose time other processes do not share), without
   * permission to run ssh (it never prompts), or when ssh cannot say.
   *
   * @example Usage (needs the OpenSSH client, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const ssh = new SshTransport({ host: "alice@login.cluster.example.org" });
   * assert.equal(ssh.target, "ssh:alice@login.cluster.example.org:22");
   * ```
   */
  get target(): string | undefined {
    if (this.#target === null) this.#target = this.#resolveTarget();
    return this.#target;
  }

  /**
   * Runs `argv` on the remote host; every argument is quoted for the remote shell.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * const { stdout } = await ssh.run(["squeue", "-h", "-u", "alice"], { timeout: 30_000 });
   * ```
   *
   * @param argv Program and arguments.
   * @param options Working directory on the remote host (default: the home directory; `~/`
   *   is expanded there), stdin, extra environment, timeout (local and remote), signal.
   * @returns The remote command's exit code and output. ssh itself exits 255 when the
   *   connection fails.
   * @throws {CommandNotFoundError} When the remote shell answers exit 127 and "command not
   *   found" for the program (or for coreutils' `timeout`, which carries a time limit).
   * @throws {CommandTimeoutError} When `timeout` expires.
   * @throws The signal's reason when `signal` aborts.
   * @throws {TransportError} When the connection cannot be made or the transport is closed.
   * @throws {MissingPermissionError} When Deno may not run `ssh` (`--allow-run=ssh`).
   * @throws {InvalidValueError} For a bad argv (a NUL in an argument) or option.
   */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    validateArgv(argv);
    validateRunOptions(options);
    const output = await this.#exec(remoteCommand(argv, options), options, argv, {
      inSession: remoteCommand(argv, options, true),
    });
    return this.#answered(output, argv, options);
  }

  /**
   * Writes a text file atomically on the remote host (`cat` into a temporary file in the
   * same directory, `chmod`, `mv`), over the shared connection.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * await ssh.writeFile("~/runs/job.slurm", "#!/bin/bash\necho hi\n", { mode: 0o755 });
   * ```
   *
   * @param path Destination; `~/` means the remote home; its directory must exist.
   * @param text Content.
   * @param options `mode` of the file (default `0o644`).
   * @throws {TransportError} When the file cannot be written.
   */
  async writeFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
    validatePath(path);
    validateText(text);
    const mode = checkedMode(fileMode(options) ?? 0o644);
    const output = await this.#exec(writeFileScript(tempPath(path), path, mode), { stdin: text }, [
      "writeFile",
      path,
    ]);
    if (output.code !== 0) throw fileError(this.name, "Cannot write file", path, output);
  }

  /**
   * Creates `directories`, then writes every file atomically (all into temporary files under
   * umask 077, each `chmod`ed, then every one renamed; on a failure the temporary files are
   * removed), in one round trip: a submission's scripts cost one command, not one each.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * await ssh.writeFiles(
   *   [{ path: "~/runs/a/job.slurm", text: "#!/bin/bash\necho hi\n", mode: 0o755 }],
   *   { directories: ["~/runs/a"] },
   * );
   * ```
   *
   * @param files Destinations (`~/` means the remote home), contents, modes (default `0o644`).
   * @param options `directories` to create first (like `mkdir -p`).
   * @throws {TransportError} When a directory or a file cannot be written; it names which.
   * @throws {InvalidValueError} For a bad file, mode or directory.
   */
  async writeFiles(files: readonly FileToWrite[], options: WriteFilesOptions = {}): Promise<void> {
    const batch = fileBatch(files, options);
    if (batch.files.length === 0 && batch.directories.length === 0) return;
    const output = batch.inline
      ? await this.#execWithin(
        writeFilesScript(batch.planned, batch.directories),
        {},
        batch.shown,
        {
          oneShotMax: ONE_SHOT_MAX,
        },
      )
      : undefined;
    if (output === undefined) return await this.#writeOneByOne(batch);
    const failed = writeFailure(output, "", batch.directories, batch.paths);
    if (failed !== undefined) throw new TransportError(this.name, failed.message);
    if (output.code !== 0) {
      throw fileError(this.name, "Cannot write file", batch.shown.slice(1).join(", "), output);
    }
  }

  /**
   * Creates `directories`, writes every file atomically (as {@linkcode SshTransport.writeFiles})
   * and runs `argv` (as {@linkcode SshTransport.run}), all in one command on the session: a
   * submission costs one round trip. The command runs under the login's umask, as with `run`.
   * Batches too big for one command line (or holding a NUL) are written first, then `argv` runs.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * const { stdout } = await ssh.writeFilesThenRun(
   *   [{ path: "~/runs/a/job.slurm", text: "#!/bin/bash\necho hi\n", mode: 0o755 }],
   *   ["sbatch", "--parsable", "job.slurm"],
   *   { directories: ["~/runs/a"], cwd: "~/runs/a", timeout: 60_000 },
   * );
   * ```
   *
   * @param files Destinations (`~/` means the remote home), contents, modes (default `0o644`).
   * @param argv Program and arguments, run once every file is in place.
   * @param options `directories` to create first (like `mkdir -p`), then the command's `cwd`,
   *   `stdin`, `env`, `timeout` (the whole command's) and `signal`.
   * @returns The command's exit code and output.
   * @throws {FilesNotWrittenError} When a directory or file cannot be written (it names which);
   *   the command did not run.
   * @throws What {@linkcode SshTransport.run} throws.
   */
  async writeFilesThenRun(
    files: readonly FileToWrite[],
    argv: readonly string[],
    options: WriteFilesThenRunOptions = {},
  ): Promise<CommandOutput> {
    const { directories, ...runOptions } = options;
    validateArgv(argv);
    validateRunOptions(runOptions);
    const batch = fileBatch(files, directories === undefined ? {} : { directories });
    // a random tag marks the line that says what failed: no command output can forge it
    const tag = `${newNonce()}:`;
    const script = (then: string) => writeFilesScript(batch.planned, batch.directories, tag, then);
    const output = batch.inline
      ? await this.#execWithin(script(remoteCommand(argv, runOptions)), runOptions, argv, {
        inSession: script(remoteCommand(argv, runOptions, true)),
        oneShotMax: ONE_SHOT_MAX,
      })
      : undefined;
    if (output === undefined) {
      try {
        await this.#writeOneByOne(batch);
      } catch (error) {
        if (!(error instanceof TransportError) || error instanceof CommandTimeoutError) throw error;
        const message = error.message.slice(`${this.name}: `.length);
        throw new FilesNotWrittenError(this.name, message, undefined, { cause: error });
      }
      return await this.run(argv, runOptions);
    }
    const failed = writeFailure(output, tag, batch.directories, batch.paths);
    if (failed !== undefined) {
      throw new FilesNotWrittenError(this.name, failed.message, failed.path);
    }
    return this.#answered(output, argv, runOptions);
  }

  /**
   * Reads a text file on the remote host.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * const log = await ssh.readFile("~/runs/job.out");
   * ```
   *
   * @param path The file; `~/` means the remote home.
   * @returns Its content, decoded as UTF-8.
   * @throws {TransportError} When it does not exist or cannot be read.
   */
  async readFile(path: string): Promise<string> {
    validatePath(path);
    const output = await this.#exec(`cat -- ${remotePath(path)}`, {}, ["readFile", path]);
    if (output.code !== 0) throw fileError(this.name, "Cannot read file", path, output);
    return output.stdout;
  }

  /**
   * Creates a directory and its parents on the remote host, like `mkdir -p`.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * await ssh.mkdir("~/runs/2024 sweep", { mode: 0o700 });
   * ```
   *
   * @param path The directory; `~/` means the remote home.
   * @param options `mode` of the last directory (subject to nothing: `mkdir -m`).
   * @throws {TransportError} When it cannot be created.
   */
  async mkdir(path: string, options: { mode?: number } = {}): Promise<void> {
    validatePath(path);
    const given = fileMode(options);
    const mode = given === undefined ? "" : `-m ${checkedMode(given)} `;
    const output = await this.#exec(
      `mkdir -p ${mode}-- ${remotePath(path)}`,
      {},
      ["mkdir", path],
    );
    if (output.code !== 0) throw fileError(this.name, "Cannot create directory", path, output);
  }

  /**
   * Removes a file on the remote host; a missing file is not an error.
   *
   * @example Usage (needs a reachable host, so not run here)
   * ```ts ignore
   * import { SshTransport } from "@clusterjob/clusterjob";
   * await using ssh = new SshTransport({ host: "login" });
   * await ssh.remove("~/runs/job.slurm");
   * ```
   *
   * @param path The file; `~/` means the remote home.
   * @throws {TransportError} When it exists but cannot be removed.
   */
  async remove(path: string): Promise<void> {
    validatePath(path);
    const output = await this.#exec(`rm -f -- ${remotePath(path)}`, {}, ["remove", path]);
    if (output.code !== 0) throw fileError(this.name, "Cannot remove", path, output);
  }

  /**
   * Closes the shared connection (`ssh -O exit`) and removes its private socket directory.
   * The transport cannot be used afterwards. Calling it twice is fine.
   *
   * @example Usage
   * ```ts
   * import { SshTransport, TransportError } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const ssh = new SshTransport({ host: "login.cluster.example.org" });
   * await ssh.close();
   * await ssh.close(); // twice is fine
   * await assert.rejects(ssh.run(["true"]), TransportError);
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sessions?.close();
    const dir = await this.#controlDir?.catch(() => undefined);
    if (dir === undefined) return;
    await this.#master?.catch(() => {});
    try {
      await runProcess(this.name, [
        this.#sshPath,
        ...this.#sshArgs(dir),
        "-O",
        "exit",
        "--",
        this.#host,
      ], {
        timeout: 10_000,
      });
    } catch {
      // no master, or it is already gone: nothing to close
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  /**
   * Same as {@linkcode SshTransport.close}, for `await using`.
   *
   * @example Usage
   * ```ts
   * import { SshTransport } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const ssh = new SshTransport({ host: "login.cluster.example.org" });
   * {
   *   await using _ = ssh;
   * } // closed here
   * await assert.rejects(ssh.run(["true"]), /the transport is closed/);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Writes a batch file by file, through `writeFile`'s stdin. */
  async #writeOneByOne(batch: FileBatch): Promise<void> {
    for (const dir of batch.directories) await this.mkdir(dir);
    const writes = await Promise.allSettled(
      batch.files.map((file) => this.writeFile(file.path, file.text, { mode: file.mode })),
    );
    const failed = writes.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** `output` of `argv`, or {@linkcode CommandNotFoundError} when the remote shell said so. */
  #answered(output: CommandOutput, argv: readonly string[], options: RunOptions): CommandOutput {
    if (output.code !== NOT_FOUND_EXIT) return output;
    const program = argv[0] ?? "";
    const timeoutMissing = options.timeout !== undefined && program !== "timeout"
      ? notFoundLine(output.stderr, "timeout")
      : undefined;
    const said = timeoutMissing ?? notFoundLine(output.stderr, program);
    if (said === undefined) return output;
    throw new CommandNotFoundError(this.name, timeoutMissing ? ["timeout"] : argv, {
      said,
      hint: timeoutMissing
        ? "commands with a time limit run under coreutils' timeout on the remote host: install coreutils there"
        : `check the host, and that ${
          JSON.stringify(program)
        } is on the PATH of commands run over ssh (try: ${
          quoteShellCommand([...this.#tryCommand, "command", "-v", program])
        })`,
    });
  }

  /** Runs a remote shell command line over the shared connection. */
  async #exec(
    command: string,
    options: RunOptions,
    shownArgv: readonly string[],
    variants: { inSession?: string; oneShotMax?: number } = {},
  ): Promise<CommandOutput> {
    return (await this.#execWithin(command, options, shownArgv, variants))!;
  }

  /**
   * Runs a remote shell command line: in a persistent session when there is one, else with one
   * `ssh` (its line in a form any login shell passes to `/bin/sh` when the login shell is not
   * POSIX); `variants.inSession` is the line to use in a session instead. Resolves undefined,
   * having run nothing, when it would go one-shot with a line longer than `variants.oneShotMax`.
   */
  async #execWithin(
    command: string,
    options: RunOptions,
    shownArgv: readonly string[],
    variants: { inSession?: string; oneShotMax?: number },
  ): Promise<CommandOutput | undefined> {
    const closed = (): TransportError =>
      new TransportError(this.name, "Cannot run commands: the transport is closed");
    if (this.#closed) throw closed();
    const dir = await this.#ensureMaster(options.signal);
    this.#socketDir = dir;
    const release = await this.#slots.acquire();
    try {
      // closed while this command waited: no session may start after close()
      if (this.#closed) throw closed();
      const stdin = typeof options.stdin === "string"
        ? new TextEncoder().encode(options.stdin)
        : options.stdin;
      // a NUL cannot sit in a shell word: such stdin goes through a one-shot ssh's own stdin
      const inSession = stdin === undefined ||
        (stdin.length <= SESSION_STDIN_MAX && !stdin.includes(0));
      if (this.#sessions && inSession) {
        const output = await this.#sessions.run(variants.inSession ?? command, {
          ...(stdin !== undefined ? { stdin } : {}),
          ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
          shownArgv,
        });
        if (output !== undefined) return output;
      }
      const line = this.#sessions?.oneShotReason === undefined ? command : anyLoginShell(command);
      if (line.length > (variants.oneShotMax ?? Infinity)) return undefined;
      return await runProcess(
        this.name,
        [this.#sshPath, ...this.#sshArgs(dir, "auto"), "--", this.#host, line],
        {
          ...(stdin !== undefined ? { stdin } : {}),
          ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        },
        shownArgv,
      );
    } catch (error) {
      throw isMissingProgram(error) ? this.#missingSsh(error) : error;
    } finally {
      release();
    }
  }

  /** `ssh -G` (no connection) read by {@linkcode resolvedTarget}; see `target`. */
  #resolveTarget(): string | undefined {
    if (this.clock !== realClock) return undefined;
    try {
      const allowed = Deno.permissions.querySync({ name: "run", command: this.#sshPath });
      if (allowed.state !== "granted") return undefined;
      const output = new Deno.Command(this.#sshPath, {
        args: [...this.#baseOptions, "-G", "--", this.#host],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).outputSync();
      return output.success ? resolvedTarget(new TextDecoder().decode(output.stdout)) : undefined;
    } catch {
      return undefined; // no ssh there, or one too old for -G: no sharing
    }
  }

  /** Starts the master connection once (prompting on the terminal when interactive). */
  #ensureMaster(signal: AbortSignal | undefined): Promise<string> {
    this.#controlDir ??= makeControlDir(this.name);
    this.#master ??= this.#controlDir.then(async (dir) => {
      let output: CommandOutput;
      try {
        output = await runProcess(
          this.name,
          [
            this.#sshPath,
            ...this.#sshArgs(dir, "yes"),
            "-N",
            "-f",
            "--",
            this.#host,
          ],
          this.#interactive ? { inheritStdio: true } : { timeout: this.#connectTimeout + 5_000 },
          ["ssh", this.#host],
        );
      } catch (error) {
        throw isMissingProgram(error) ? this.#missingSsh(error) : error;
      }
      if (output.code !== 0) {
        const said = output.stderr.trim() || `ssh exited with code ${output.code}`;
        throw new TransportError(this.name, `Cannot connect to "${this.#host}": ${said}`);
      }
    });
    // a failed connection is retried by the next command
    const master = this.#master;
    master.catch(() => {
      if (this.#master === master) this.#master = undefined;
    });
    return abortable(master.then(() => this.#controlDir!), signal);
  }

  /**
   * ssh's options with the control socket in `dir`. (ssh keeps the first value it sees for an
   * option, so `ControlMaster` is given once, here.)
   */
  #sshArgs(dir: string, controlMaster?: "auto" | "yes"): string[] {
    return [
      ...this.#baseOptions,
      ...(controlMaster ? ["-o", `ControlMaster=${controlMaster}`] : []),
      "-o",
      `ControlPath=${dir}/m`,
    ];
  }

  #missingSsh(error: unknown): CommandNotFoundError {
    return new CommandNotFoundError(this.name, [this.#sshPath], {
      where: "this machine",
      hint: 'SshTransport needs the OpenSSH client: install it, or give its path as "sshPath"',
      cause: error,
    });
  }
}

/** A checked `writeFiles` batch, with the temporary names of its files. */
interface FileBatch {
  readonly files: readonly { path: string; text: string; mode: number }[];
  readonly directories: readonly string[];
  readonly planned: readonly ScriptFile[];
  readonly paths: readonly string[];
  /** What a timeout error names. */
  readonly shown: readonly string[];
  /** It can go in one command line: no NUL (none can sit in a shell word), not too long. */
  readonly inline: boolean;
}

/** Checks a batch and names its temporary files. */
function fileBatch(files: readonly FileToWrite[], options: WriteFilesOptions): FileBatch {
  const checked = checkFileBatch(files, options);
  const length = checked.files.reduce((sum, file) => sum + file.text.length, 0);
  const paths = checked.files.map((file) => file.path);
  return {
    files: checked.files,
    directories: checked.directories,
    planned: checked.files.map((file) => ({
      ...file,
      temp: tempPath(file.path),
      mode: checkedMode(file.mode),
    })),
    paths,
    shown: ["writeFiles", ...checked.directories, ...paths],
    // long texts are cheaper through stdin (see SESSION_STDIN_MAX)
    inline: length <= SESSION_STDIN_MAX && !checked.files.some((file) => file.text.includes("\0")),
  };
}
