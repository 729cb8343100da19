/**
 * Runs one local process with a time limit and an abort signal: the single implementation
 * behind {@linkcode LocalTransport} and {@linkcode SshTransport}. Internal module.
 *
 * A child that may have to be killed (a timeout or a signal is given) gets its own process group
 * (`detached`), so a timeout or abort kills the whole group: grandchildren that hold the output
 * pipes open (`sh -c "sleep 99"`) die too, and the call returns promptly. Without either, nothing
 * can kill it and it is spawned plainly: `detached` makes the runtime fork() the whole (large)
 * Deno process to call setsid() in the child instead of using posix_spawn, measured at ~2.5 ms a
 * command (half of a `sbatch`). A plain child also keeps the controlling terminal, so an
 * interactive `ssh` can prompt on `/dev/tty`.
 *
 * @module
 */

import { InvalidValueError } from "../core/errors.ts";
import { type CommandOutput, CommandTimeoutError, TransportError } from "../core/transport.ts";

/** How long a killed process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000;

/** How long a killed command's output pipes may stay open before they are abandoned. */
const PIPE_DRAIN_MS = 200;

/** A valid environment variable name (also safe unquoted on the left of `=` in a shell). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Options of {@linkcode runProcess}. */
export interface ProcessOptions {
  /** Working directory (already expanded). */
  cwd?: string;
  /** Fed to standard input; without it stdin is `/dev/null`. */
  stdin?: string | Uint8Array;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Time limit in milliseconds. */
  timeout?: number;
  /** Aborts the process. */
  signal?: AbortSignal;
  /** Connects stdin, stdout and stderr to this process's terminal (for password prompts); output is then empty. */
  inheritStdio?: boolean;
}

/**
 * Checks environment variable names; a bad name would otherwise be dropped or, over SSH,
 * misparsed by the remote shell.
 *
 * @param env The variables.
 * @throws {InvalidValueError} When a name is not `[A-Za-z_][A-Za-z0-9_]*`.
 */
export function validateEnv(env: Record<string, string> | undefined): void {
  for (const name of Object.keys(env ?? {})) {
    if (!ENV_NAME.test(name)) {
      throw new InvalidValueError(
        "env",
        name,
        "variable names of letters, digits and _ that do not start with a digit",
      );
    }
  }
}

/**
 * Checks a time limit.
 *
 * @param timeout Milliseconds, or undefined for none.
 * @throws {InvalidValueError} When it is not a positive finite number.
 */
export function validateTimeout(timeout: number | undefined): void {
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new InvalidValueError("timeout", timeout, "a positive number of milliseconds");
  }
}

/** True when `error` says the program to run does not exist. */
export function isMissingProgram(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound;
}

/**
 * Runs `argv` (no shell) and collects its output.
 *
 * @param transport Name used in errors.
 * @param argv Program and arguments.
 * @param options See {@linkcode ProcessOptions}.
 * @param shownArgv The command named in a {@linkcode CommandTimeoutError} (default `argv`).
 * @returns Exit code (128+N when killed by signal N), stdout and stderr.
 * @throws {CommandTimeoutError} When the time limit expires (the process group is killed).
 * @throws The signal's reason when aborted (the process group is killed).
 * @throws {Deno.errors.NotFound} When the program does not exist (see {@linkcode isMissingProgram}).
 * @throws {TransportError} When `cwd` does not exist.
 */
export async function runProcess(
  transport: string,
  argv: readonly string[],
  options: ProcessOptions = {},
  shownArgv: readonly string[] = argv,
): Promise<CommandOutput> {
  const [program, ...args] = argv;
  if (program === undefined || program === "") {
    throw new InvalidValueError("argv", argv, "a non-empty list whose first item names a program");
  }
  validateEnv(options.env);
  validateTimeout(options.timeout);
  const { signal, timeout } = options;
  signal?.throwIfAborted();
  const killable = timeout !== undefined || signal !== undefined;

  const stdinBytes = typeof options.stdin === "string"
    ? new TextEncoder().encode(options.stdin)
    : options.stdin;
  const output = options.inheritStdio ? "inherit" : "piped";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      stdin: options.inheritStdio ? "inherit" : stdinBytes ? "piped" : "null",
      stdout: output,
      stderr: output,
      detached: killable,
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && options.cwd !== undefined) {
      const cwdExists = await Deno.stat(options.cwd).then(() => true, () => false);
      if (!cwdExists) {
        throw new TransportError(
          transport,
          `Cannot run "${program}" in "${options.cwd}": directory not found`,
          { cause: error },
        );
      }
    }
    throw error;
  }

  let timedOut = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const killGroup = (): void => {
    if (killTimer !== undefined) return;
    signalGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
  };
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeout);
  signal?.addEventListener("abort", killGroup, { once: true });

  try {
    let result: CommandOutput;
    if (options.inheritStdio) {
      result = { code: (await child.status).code, stdout: "", stderr: "" };
    } else if (!killable) {
      // Nothing can cut it short: the runtime collects the output in one go, cheaper than
      // reading the two streams here.
      const writing = stdinBytes ? feed(child.stdin, stdinBytes) : undefined;
      const output = await child.output();
      await writing?.done;
      const decoder = new TextDecoder();
      result = {
        code: output.code,
        stdout: decoder.decode(output.stdout),
        stderr: decoder.decode(output.stderr),
      };
    } else {
      const stdout = new Collector(child.stdout);
      const stderr = new Collector(child.stderr);
      const writing = stdinBytes ? feed(child.stdin, stdinBytes) : undefined;
      const status = await child.status;
      if (killTimer !== undefined) {
        // Killed: something outside the group may still hold the pipes (an ssh master that
        // was handed them, a process that left the group); take what has arrived.
        await Promise.race([
          Promise.all([stdout.done, stderr.done]),
          new Promise((resolve) => setTimeout(resolve, PIPE_DRAIN_MS)),
        ]);
        await Promise.all([stdout.cancel(), stderr.cancel(), writing?.abort()]);
      }
      await writing?.done;
      result = { code: status.code, stdout: await stdout.text(), stderr: await stderr.text() };
    }
    if (timedOut) throw new CommandTimeoutError(transport, shownArgv, timeout ?? 0);
    signal?.throwIfAborted();
    return result;
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    signal?.removeEventListener("abort", killGroup);
  }
}

/** Sends `signal` to the process group led by `pid`; a group that is gone is fine. */
function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // the group has already exited
  }
}

/** Writes all bytes to the child's stdin and closes it; `abort()` gives up on a stuck write. */
function feed(
  stdin: WritableStream<Uint8Array>,
  bytes: Uint8Array,
): { done: Promise<void>; abort(): Promise<void> } {
  const writer = stdin.getWriter();
  const done = (async () => {
    try {
      await writer.write(bytes);
      await writer.close();
    } catch {
      // broken pipe: the child closed its stdin early, which is its own business
    }
  })();
  return {
    done,
    abort: async () => {
      await writer.abort().catch(() => {});
      await done;
    },
  };
}

/** Reads a stream to its end, or until cancelled, keeping what arrived. */
class Collector {
  readonly done: Promise<void>;
  readonly #chunks: Uint8Array[] = [];
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
    this.done = this.#read();
  }
  async #read(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) return;
        this.#chunks.push(value);
      }
    } catch {
      // cancelled, or the pipe broke: keep what arrived
    }
  }
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.done;
  }
  async text(): Promise<string> {
    await this.done;
    const bytes = new Uint8Array(this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let offset = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder().decode(bytes);
  }
}
