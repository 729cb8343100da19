/**
 * The persistent shell sessions of one {@linkcode SshTransport}: idle sessions are reused, a
 * dropped one is replaced (reconnect), an idle one is closed after a while, and when sessions
 * cannot start because the login shell is not POSIX (detected once, by the bootstrap's probe)
 * every later command goes one-shot. Internal module.
 *
 * The transport's own semaphore limits how many commands run at once, so the pool never holds
 * more sessions than that limit.
 *
 * @module
 */

import type { CommandOutput } from "../core/transport.ts";
import { abortable } from "./_ssh_control.ts";
import {
  newNonce,
  sessionBootstrap,
  SessionGoneError,
  type SessionRunOptions,
  SessionStartError,
  ShellSession,
} from "./_shell_session.ts";

/** Exit code of ssh itself when the connection fails. */
const SSH_FAILED = 255;

/** Options of {@linkcode SessionPool}. */
export interface SessionPoolOptions {
  /** The transport's name, for errors. */
  transport: string;
  /** The process that runs `bootstrap` on the remote host (its login shell parses it). */
  argv: (bootstrap: string) => readonly string[];
  /** How long a session may take to become ready, in milliseconds. */
  readyTimeout: number;
  /** How long an idle session is kept, in milliseconds. */
  idleTimeout: number;
}

/** Reuses shell sessions for commands; see the module doc. */
export class SessionPool {
  /**
   * Why commands go one-shot for good (the login shell is not POSIX, or sessions never became
   * ready), once that was found; undefined while sessions work or were not tried yet.
   */
  oneShotReason: string | undefined;
  readonly #options: SessionPoolOptions;
  readonly #idle: ShellSession[] = [];
  readonly #all = new Set<ShellSession>();
  readonly #idleTimers = new Map<ShellSession, ReturnType<typeof setTimeout>>();
  readonly #closing = new Set<Promise<void>>();

  /** A pool that starts sessions as `options` says. */
  constructor(options: SessionPoolOptions) {
    this.#options = options;
  }

  /**
   * Runs `script` in a session.
   *
   * @returns The output; undefined when this command must go one-shot (sessions are off for
   *   good, see {@linkcode SessionPool.oneShotReason}, or this one could not start: a failed
   *   connection, whose one-shot answer says why). Nothing of `script` ran then.
   * @throws What {@linkcode ShellSession.run} throws (timeout, abort), and spawn errors.
   */
  async run(script: string, options: SessionRunOptions): Promise<CommandOutput | undefined> {
    // a second try only when the first session had ended before the command reached it
    for (let attempt = 0; attempt < 2 && this.oneShotReason === undefined; attempt++) {
      const session = this.#take();
      try {
        await abortable(session.ready, options.signal);
      } catch (error) {
        this.#drop(session);
        if (!(error instanceof SessionStartError)) throw error;
        if (error.code !== SSH_FAILED) {
          this.oneShotReason = error.code === undefined
            ? "the remote shell session did not answer in time"
            : `the login shell is not POSIX (${error.stderr.trim() || `exit ${error.code}`})`;
        }
        return undefined;
      }
      try {
        const output = await session.run(script, options);
        this.#giveBack(session);
        return output;
      } catch (error) {
        this.#drop(session);
        if (!(error instanceof SessionGoneError)) throw error;
      }
    }
    return undefined;
  }

  /** Closes every session (a busy one finishes its command first) and waits until they ended. */
  async close(): Promise<void> {
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    this.#idle.length = 0;
    for (const session of [...this.#all]) this.#drop(session);
    await Promise.all([...this.#closing]);
  }

  /** An idle live session, or a new one. */
  #take(): ShellSession {
    for (let session = this.#idle.pop(); session; session = this.#idle.pop()) {
      clearTimeout(this.#idleTimers.get(session));
      this.#idleTimers.delete(session);
      if (session.alive) return session;
      this.#drop(session);
    }
    const ready = newNonce();
    const { transport, argv, readyTimeout } = this.#options;
    const session = new ShellSession(transport, argv(sessionBootstrap(ready)), ready, readyTimeout);
    this.#all.add(session);
    return session;
  }

  #giveBack(session: ShellSession): void {
    if (!session.alive) return this.#drop(session);
    this.#idle.push(session);
    const timer = setTimeout(() => {
      this.#idleTimers.delete(session);
      const at = this.#idle.indexOf(session);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#drop(session);
    }, this.#options.idleTimeout);
    // an idle session never keeps the program running
    Deno.unrefTimer(timer as unknown as number);
    this.#idleTimers.set(session, timer);
  }

  #drop(session: ShellSession): void {
    if (!this.#all.delete(session)) return;
    const closing = session.close();
    this.#closing.add(closing);
    closing.finally(() => this.#closing.delete(closing));
  }
}
