/**
 * One long-lived POSIX shell reading commands from a pipe (over ssh: one channel of the shared
 * connection), so a command costs a write and a read instead of a new `ssh` process and channel.
 * Internal module.
 *
 * The framing: every command gets a fresh random nonce (128 bits, sent only through the pipe, so
 * no user, file or scheduler can know it in advance). The shell prints `<nonce>:b` on stdout and
 * stderr, runs the command in a subshell (so `exit`, `cd`, `exec`, `umask` or a variable never
 * reach the session) with its stdin from `/dev/null` or from its own pipe (never the session's
 * stream), then prints `<nonce>:e<exit code>\n` on stdout and `<nonce>:e` on stderr. The output is
 * exactly the bytes between the markers (binary, no trailing newline, any size). Nothing a
 * command prints is ever parsed as code: the session's shell reads only what clusterjob writes,
 * and every word of that is quoted. Bytes before a command's begin marker (login-shell chatter,
 * late output of an earlier command's background children) are dropped.
 *
 * A command that times out or is aborted kills the whole session (its output stream can no
 * longer be trusted to be in step); the pool starts another one for the next command.
 *
 * @module
 */

import { type CommandOutput, CommandTimeoutError } from "../core/transport.ts";

const encoder = new TextEncoder();
const NEWLINE = encoder.encode("\n");

/** How long a killed session gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000;
/** How long a closing session may take to exit on its own after its stdin closes. */
const CLOSE_GRACE_MS = 2000;

/** A fresh unguessable marker: `cj` and 32 hex digits. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `cj${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The command line the login shell runs to start a session: it prints `<ready>-42` and hands
 * the pipe to `/bin/sh`. `$((...))` is POSIX arithmetic that csh, tcsh and fish refuse before
 * running anything, so under a non-POSIX login shell no session starts (and the shell never
 * reads the stream): that is the probe. The session's `$1` is the login's umask (read once
 * here), so a command that sets another umask can restore it without starting a process.
 */
export function sessionBootstrap(ready: string): string {
  return `echo ${ready}-$((6*7)) && exec /bin/sh -s "$(umask)"`;
}

/** What the session prints once it is ready, for {@linkcode sessionBootstrap}. */
function readyLine(ready: string): Uint8Array {
  return encoder.encode(`${ready}-42\n`);
}

/**
 * The bytes that run `script` once in the session: begin markers, the script in a subshell fed
 * `stdin` (or `/dev/null`), end markers with its exit code.
 *
 * @param nonce From {@linkcode newNonce}.
 * @param script POSIX shell code whose every word from outside is already quoted.
 * @param stdin Bytes for the script's standard input; must not hold a NUL (no shell word can).
 */
export function frameCommand(nonce: string, script: string, stdin?: Uint8Array): Uint8Array {
  const begin = `printf %s ${nonce}:b; printf %s ${nonce}:b >&2\n`;
  // the newline before `)` ends a trailing comment, if the script has one
  const body = `(\n${script}\n)`;
  const end = `; printf '%s%s\\n' ${nonce}:e "$?"; printf %s ${nonce}:e >&2\n`;
  if (stdin === undefined || stdin.length === 0) {
    return encoder.encode(`${begin}${body} </dev/null${end}`);
  }
  // `printf %s '<bytes>'` with every `'` as `'\''`: the same single quoting as argv, on bytes
  const parts = [encoder.encode(`${begin}printf %s '`), quoteBytes(stdin)];
  parts.push(encoder.encode(`' | ${body}${end}`));
  return concat(parts);
}

/** `bytes` with every `'` as `'\''`, to sit between single quotes. */
function quoteBytes(bytes: Uint8Array): Uint8Array {
  const quote = 0x27;
  const escaped = encoder.encode(`'\\''`);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let at = bytes.indexOf(quote); at >= 0; at = bytes.indexOf(quote, start)) {
    parts.push(bytes.subarray(start, at), escaped);
    start = at + 1;
  }
  parts.push(bytes.subarray(start));
  return concat(parts);
}

/** The session could not start: it ended (or hung) before printing its ready line. */
export class SessionStartError extends Error {
  /** The exit code of the session's process (ssh exits 255 when the connection fails), if it ended. */
  readonly code: number | undefined;
  /** What it printed on stderr. */
  readonly stderr: string;
  /** Creates the error. */
  constructor(code: number | undefined, stderr: string) {
    super(
      code === undefined
        ? "the shell session did not answer in time"
        : `the shell session ended with code ${code} before it was ready: ${stderr.trim()}`,
    );
    this.code = code;
    this.stderr = stderr;
  }
}

/** The command never reached the session (it had ended): running it elsewhere is safe. */
export class SessionGoneError extends Error {
  /** Creates the error. */
  constructor() {
    super("the shell session had ended before the command was sent");
  }
}

/** Options of {@linkcode ShellSession.run}. */
export interface SessionRunOptions {
  /** Bytes for the command's stdin. */
  stdin?: Uint8Array;
  /** Time limit in milliseconds. */
  timeout?: number;
  /** Aborts the command. */
  signal?: AbortSignal;
  /** The command named in a {@linkcode CommandTimeoutError}. */
  shownArgv: readonly string[];
}

/**
 * A shell process that runs framed commands one at a time. It keeps Deno alive only while a
 * command runs (idle, it is unref'd and nothing reads from it).
 */
export class ShellSession {
  /** Resolves once the shell is ready; rejects with {@linkcode SessionStartError}. */
  readonly ready: Promise<void>;
  readonly #transport: string;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #stdout: ByteScanner;
  readonly #stderr: ByteScanner;
  readonly #exited: Promise<number>;
  #ended = false;
  #busy = false;
  #killed = false;

  /**
   * Starts `argv` (whose last word is, for ssh, {@linkcode sessionBootstrap}).
   *
   * @param transport The transport's name, for errors.
   * @param argv The process to start.
   * @param ready The token given to {@linkcode sessionBootstrap}.
   * @param readyTimeout How long it may take to become ready, in milliseconds.
   * @throws What `Deno.Command.spawn` throws (a missing program, a missing permission).
   */
  constructor(transport: string, argv: readonly string[], ready: string, readyTimeout: number) {
    this.#transport = transport;
    const [program = "", ...args] = argv;
    // its own process group, so that killing it also kills a local stand-in's children
    this.#child = new Deno.Command(program, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#stdout = new ByteScanner(this.#child.stdout);
    this.#stderr = new ByteScanner(this.#child.stderr);
    this.#exited = this.#child.status.then((status) => {
      this.#ended = true;
      return status.code;
    });
    this.ready = this.#awaitReady(ready, readyTimeout);
    this.ready.catch(() => {});
  }

  /** False once the process has ended or was killed. */
  get alive(): boolean {
    return !this.#ended && !this.#killed;
  }

  /**
   * Runs one framed command.
   *
   * @param script The shell code (see {@linkcode frameCommand}).
   * @param options Stdin, time limit, signal.
   * @returns Its exit code and output; exit code 255 (as ssh's own) when the session ended
   *   before the command finished, with what it printed until then.
   * @throws {SessionGoneError} When the session had ended before the command was sent.
   * @throws {CommandTimeoutError} When the time limit expires (the session is killed).
   * @throws The signal's reason when aborted (the session is killed).
   */
  async run(script: string, options: SessionRunOptions): Promise<CommandOutput> {
    if (this.#busy) throw new Error("ShellSession.run: the session is busy");
    if (!this.alive) throw new SessionGoneError();
    const { signal, timeout } = options;
    signal?.throwIfAborted();
    this.#busy = true;
    this.#child.ref();
    const nonce = newNonce();
    const begin = encoder.encode(`${nonce}:b`);
    const end = encoder.encode(`${nonce}:e`);
    let stopped: ((error: unknown) => void) | undefined;
    const stop = new Promise<never>((_, reject) => (stopped = reject));
    stop.catch(() => {});
    const onAbort = (): void => stopped?.(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeout === undefined ? undefined : setTimeout(
      () => stopped?.(new CommandTimeoutError(this.#transport, options.shownArgv, timeout)),
      timeout,
    );
    try {
      const stdout = this.#readFrame(this.#stdout, begin, end, true);
      const stderr = this.#readFrame(this.#stderr, begin, end, false);
      const writing = this.#stdin.write(frameCommand(nonce, script, options.stdin));
      if (!(await Promise.race([writing.then(() => true, () => false), stop]))) {
        // the pipe is closed: the shell had ended, and a part of a command never runs (the
        // subshell is read to its `)` before it starts)
        this.#kill();
        await Promise.all([stdout, stderr]);
        throw new SessionGoneError();
      }
      const [out, err] = await Promise.race([Promise.all([stdout, stderr]), stop]);
      if (out.code === undefined || !err.complete) {
        this.#kill();
        const said = err.text.trim() ? `${err.text.replace(/\n?$/, "\n")}` : "";
        return {
          code: 255,
          stdout: out.text,
          stderr: `${said}the ssh session ended before the command finished`,
        };
      }
      return { code: out.code, stdout: out.text, stderr: err.text };
    } catch (error) {
      this.#kill();
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.#busy = false;
      if (this.alive) this.#child.unref();
    }
  }

  /** Ends the session: closes its stdin (the shell exits at EOF), then kills it if it lingers. */
  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    const timer = setTimeout(() => this.#kill(), CLOSE_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
    await Promise.all([this.#stdout.cancel(), this.#stderr.cancel()]);
  }

  /** One command's output on one stream: what lies between its begin and end markers. */
  async #readFrame(
    scanner: ByteScanner,
    begin: Uint8Array,
    end: Uint8Array,
    withCode: boolean,
  ): Promise<{ text: string; complete: boolean; code?: number }> {
    const decoder = new TextDecoder();
    if (!(await scanner.until(begin)).found) return { text: "", complete: false };
    const body = await scanner.until(end);
    const text = decoder.decode(body.bytes);
    if (!body.found || !withCode) return { text, complete: body.found };
    const code = await scanner.until(NEWLINE);
    const digits = decoder.decode(code.bytes);
    if (!code.found || !/^\d{1,3}$/.test(digits)) return { text, complete: false };
    return { text, complete: true, code: Number(digits) };
  }

  async #awaitReady(ready: string, timeout: number): Promise<void> {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      this.#kill();
    }, timeout);
    try {
      if ((await this.#stdout.until(readyLine(ready))).found) {
        this.#child.unref();
        return;
      }
    } finally {
      clearTimeout(timer);
    }
    let code: number | undefined;
    let stderr = "";
    if (!late) {
      code = await this.#exited;
      const rest = await settleWithin(this.#stderr.until(new Uint8Array()), CLOSE_GRACE_MS);
      stderr = new TextDecoder().decode(rest?.bytes ?? new Uint8Array());
    }
    await this.close();
    throw new SessionStartError(code, stderr);
  }

  /** Kills the session's process group: SIGTERM, then SIGKILL. */
  #kill(): void {
    if (this.#killed) return;
    this.#killed = true;
    signalGroup(this.#child.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(this.#child.pid, "SIGKILL"), KILL_GRACE_MS);
    this.#exited.finally(() => clearTimeout(timer));
    this.#stdin.abort().catch(() => {});
    void this.#stdout.cancel();
    void this.#stderr.cancel();
  }
}

/** `promise`'s value, or undefined when it takes longer than `ms`. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((
    resolve,
  ) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `signal` to the process group led by `pid`; a group that is gone is fine. */
function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Reads a byte stream up to markers, keeping what follows a marker for the next call. It reads
 * only while a call waits, so an idle stream holds no pending read.
 */
export class ByteScanner {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #rest: Uint8Array = new Uint8Array(0);
  #ended = false;

  /** Scans `stream`. */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /**
   * The bytes up to the next `marker` (consumed too); `found` is false when the stream ended
   * first (then `bytes` is all that remained). An empty marker reads to the end.
   */
  async until(marker: Uint8Array): Promise<{ bytes: Uint8Array; found: boolean }> {
    const buffer = new Buffer(this.#rest);
    this.#rest = new Uint8Array(0);
    let scanned = 0;
    for (;;) {
      if (marker.length > 0) {
        const at = buffer.indexOf(marker, Math.max(0, scanned - marker.length + 1));
        if (at >= 0) {
          this.#rest = buffer.bytes().slice(at + marker.length);
          return { bytes: buffer.bytes().slice(0, at), found: true };
        }
        scanned = buffer.length;
      }
      const chunk = await this.#read();
      if (chunk === undefined) return { bytes: buffer.bytes().slice(), found: false };
      buffer.push(chunk);
    }
  }

  /** Stops reading; later calls find the stream ended. */
  async cancel(): Promise<void> {
    this.#ended = true;
    await this.#reader.cancel().catch(() => {});
  }

  async #read(): Promise<Uint8Array | undefined> {
    if (this.#ended) return undefined;
    try {
      const { done, value } = await this.#reader.read();
      if (!done) return value;
    } catch {
      // the pipe broke
    }
    this.#ended = true;
    return undefined;
  }
}

/** A growing byte buffer (doubling), so scanning a huge output stays linear. */
class Buffer {
  #bytes: Uint8Array;
  length: number;
  constructor(initial: Uint8Array) {
    this.#bytes = new Uint8Array(Math.max(4096, initial.length));
    this.#bytes.set(initial);
    this.length = initial.length;
  }
  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.length + chunk.length));
      grown.set(this.bytes());
      this.#bytes = grown;
    }
    this.#bytes.set(chunk, this.length);
    this.length += chunk.length;
  }
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.length);
  }
  /** The first index at or after `from` where `marker` starts, or -1. */
  indexOf(marker: Uint8Array, from: number): number {
    const bytes = this.bytes();
    const first = marker[0]!;
    for (let at = bytes.indexOf(first, from); at >= 0; at = bytes.indexOf(first, at + 1)) {
      if (at + marker.length > bytes.length) return -1;
      let i = 1;
      while (i < marker.length && bytes[at + i] === marker[i]) i++;
      if (i === marker.length) return at;
    }
    return -1;
  }
}

/** The bytes of `parts`, one after another. */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
