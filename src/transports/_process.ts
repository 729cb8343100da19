/**
 * Runs one local process with a time limit and an abort signal: the single implementation
 * behind {@linkcode LocalTransport} and {@linkcode SshTransport}. Internal module.
 *
 * A child that may have to be killed (a timeout or a signal is given) gets its own process group
 * (`detached`), so a timeout or abort kills the whole group: grandchildren that hold the output
 * pipes open (`sh -c "sleep 99"`) die too, and the call returns promptly. Without either, nothing
 * can kill it and it is spawned plainly. A killable child becomes a group leader through
 * util-linux `setsid` where it can (`_group_spawn.ts`), else through `detached`, which makes the
 * runtime fork() the whole (large) Deno process to call setsid() in the child instead of using
 * posix_spawn (3 ms → 15 ms for `true` here, `bench/spawn_bench.ts`). A plain child also keeps the
 * controlling terminal, so an interactive `ssh` can prompt on `/dev/tty`.
 *
 * @module
 */

import { describeValue } from "../core/errors.ts";
import { type CommandOutput, CommandTimeoutError, TransportError } from "../core/transport.ts";
import {
  isMissingPermission,
  permissionError,
  validateArgv,
  validateEnv,
  validateTimeout,
} from "./_checks.ts";
import { groupLeaderArgv } from "./_group_spawn.ts";

/** How long a killed process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000;

/** How long a killed command's output pipes may stay open before they are abandoned. */
const PIPE_DRAIN_MS = 200;

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
 * @throws {MissingPermissionError} When Deno was started without permission to run it.
 * @throws {TransportError} When `cwd` does not exist or the program cannot be started.
 * @throws {InvalidValueError} For a bad argv, environment or time limit.
 */
export async function runProcess(
  transport: string,
  argv: readonly string[],
  options: ProcessOptions = {},
  shownArgv: readonly string[] = argv,
): Promise<CommandOutput> {
  validateArgv(argv);
  const [program = "", ...args] = argv;
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
    // A killable child leads its own process group: through setsid where it can (cheap), else
    // through Deno's `detached` (a fork of this whole process; see `_group_spawn.ts`).
    const leader = killable && !options.inheritStdio
      ? groupLeaderArgv(argv, options.env, options.cwd)
      : undefined;
    if (leader === null) throw new Deno.errors.NotFound(`Failed to spawn '${program}'`);
    const [command = program, ...commandArgs] = leader ?? argv;
    child = new Deno.Command(command, {
      args: leader === undefined ? args : commandArgs,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      stdin: options.inheritStdio ? "inherit" : stdinBytes ? "piped" : "null",
      stdout: output,
      stderr: output,
      detached: killable && leader === undefined,
    }).spawn();
  } catch (error) {
    throw await spawnError(transport, program, options.cwd, error);
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

/**
 * What a failed spawn means: Deno's `NotFound` stays as it is for the caller to name the missing
 * program (unless the working directory is what is missing); a missing permission and anything
 * else become typed errors.
 */
async function spawnError(
  transport: string,
  program: string,
  cwd: string | undefined,
  error: unknown,
): Promise<unknown> {
  const run = `Cannot run ${describeValue(program)}`;
  if (isMissingPermission(error)) {
    return permissionError(transport, error, { permission: "run", target: program }, run);
  }
  if (error instanceof Deno.errors.NotFound) {
    if (cwd === undefined) return error;
    const cwdMissing = await Deno.stat(cwd).then(
      () => false,
      (statError) => statError instanceof Deno.errors.NotFound,
    );
    return cwdMissing
      ? new TransportError(
        transport,
        `${run} in ${describeValue(cwd)}: directory not found`,
        { cause: error },
      )
      : error;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new TransportError(
      transport,
      `${run}: permission denied (is it an executable file, and its directory searchable?)`,
      { cause: error },
    );
  }
  const said = error instanceof Error ? error.message : String(error);
  return new TransportError(transport, `${run}: ${said}`, { cause: error });
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
