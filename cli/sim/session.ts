/**
 * A simulated login node's session: the state of a person at the prompt (working directory,
 * last exit code, a `write` in progress) and what each typed line does — a scheduler command
 * of the simulator, a login command (`cat`, `echo`, `hostname`, …), a builtin of the session
 * (`ls`, `cd`, `write`, `sleep`, `help`, …) or `clusterjob` itself against the same cluster.
 *
 * @module
 */

import { posix } from "node:path";
import type { Transport } from "../../src/core/transport.ts";
import { CommandNotFoundError } from "../../src/core/transport_errors.ts";
import type { SimCluster } from "../../sim/cluster.ts";
import type { CliContext } from "../context.ts";
import { BUILTINS } from "./builtins.ts";
import { sessionContext } from "./session_context.ts";
import { globMatch, ShellSyntaxError, splitCommandLine } from "./shell_words.ts";

/** What a session is made of. */
export interface SessionOptions {
  /** The simulated cluster. */
  readonly cluster: SimCluster;
  /** Its transport (the one clusterjob uses too). */
  readonly transport: Transport;
  /** Runs `clusterjob` command lines typed in the session (default: refused). */
  readonly clusterjob?: (argv: readonly string[], context: CliContext) => Promise<number>;
}

/** How to run one line. */
export interface LineOptions {
  /** Receives the output as it comes (it is also returned). */
  readonly out?: (text: string) => void;
  /** Aborts the command (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** What one line did. */
export interface LineResult {
  /** Its output: standard output and standard error, in order. */
  readonly output: string;
  /** The session ends with this exit code (`exit`). */
  readonly exit?: number;
}

/**
 * A session at a simulated login node.
 *
 * @example Usage
 * ```ts
 * import { SimSession } from "@clusterjob/clusterjob/cli";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * await using cluster = new SimCluster({ scheduler: "slurm" });
 * const session = new SimSession({ cluster, transport: cluster.transport() });
 * assert.equal(session.prompt, "[user@login1 ~]$ ");
 * assert.equal((await session.line("echo hi $USER")).output, "hi user\n");
 * await session.line("write job.sh");
 * await session.line("#!/bin/bash");
 * await session.line("echo from the job");
 * await session.line(".");
 * assert.equal((await session.line("sbatch job.sh")).output, "Submitted batch job 1\n");
 * ```
 */
export class SimSession {
  /** The cluster. */
  readonly cluster: SimCluster;
  /** Its transport. */
  readonly transport: Transport;
  /** Aborts the command running now (each line gets its own, see `line`). */
  signal: AbortSignal = new AbortController().signal;
  /** Runs `clusterjob` command lines typed in the session. */
  readonly clusterjob: SessionOptions["clusterjob"];
  /** The working directory (a simulated absolute path). */
  cwd: string;
  /** The exit code of the last command (`$?`). */
  lastCode = 0;
  #writing: { file: string; lines: string[] } | undefined;

  /**
   * Starts a session in the cluster user's home directory.
   *
   * @param options The cluster, its transport, what runs `clusterjob`.
   */
  constructor(options: SessionOptions) {
    this.cluster = options.cluster;
    this.transport = options.transport;
    this.clusterjob = options.clusterjob;
    this.cwd = options.cluster.home;
  }

  /** The prompt: `[user@login1 ~]$ ` (the working directory's last name, `~` at home). */
  get prompt(): string {
    const where = this.cwd === this.cluster.home ? "~" : posix.basename(this.cwd) || "/";
    return `[${this.cluster.user}@${this.cluster.engine.loginHost} ${where}]$ `;
  }

  /** Whether a `write FILE` is reading lines (until one that is just `.`). */
  get writing(): boolean {
    return this.#writing !== undefined;
  }

  /** The variables `$NAME` expands. */
  get env(): Record<string, string> {
    return {
      HOME: this.cluster.home,
      USER: this.cluster.user,
      LOGNAME: this.cluster.user,
      PWD: this.cwd,
      HOSTNAME: this.cluster.engine.loginHost,
      "?": String(this.lastCode),
    };
  }

  /**
   * An absolute simulated path of a path typed at the prompt (`~`, relative to the working
   * directory).
   *
   * @param path The path.
   * @returns The absolute path.
   */
  resolve(path: string): string {
    if (path === "~") return this.cluster.home;
    if (path.startsWith("~/")) return posix.join(this.cluster.home, path.slice(2));
    return posix.resolve(this.cwd, path);
  }

  /** Drops a `write FILE` in progress (Ctrl-C): nothing is written. */
  cancelWriting(): void {
    this.#writing = undefined;
  }

  /** Starts reading the lines of a file (`write`). */
  startWriting(file: string): void {
    this.#writing = { file, lines: [] };
  }

  /**
   * Runs one typed line.
   *
   * @param text The line.
   * @param options Where its output goes as it comes, what aborts it.
   * @returns Its output, and the exit code when the session ends.
   */
  async line(text: string, options: LineOptions = {}): Promise<LineResult> {
    if (this.#writing !== undefined) return await this.#writeLine(text);
    this.signal = options.signal ?? new AbortController().signal;
    let output = "";
    const write = (chunk: string) => {
      if (chunk === "") return;
      output += chunk;
      options.out?.(chunk);
    };
    let parsed;
    try {
      parsed = splitCommandLine(text, this.env);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      this.lastCode = 2;
      write(`bash: ${error.message}\n`);
      return { output };
    }
    const words = this.#expandGlobs(parsed.words, parsed.globs);
    if (words.length === 0) return { output: "" };
    const [name, ...args] = words as [string, ...string[]];

    let stdin: string | undefined;
    if (parsed.stdin !== undefined) {
      const file = this.resolve(parsed.stdin);
      stdin = this.cluster.fs.readText(file);
      if (stdin === undefined) {
        this.lastCode = 1;
        write(`bash: ${parsed.stdin}: No such file or directory\n`);
        return { output };
      }
    }
    let out = write;
    let captured = "";
    if (parsed.stdout !== undefined) out = (chunk) => captured += chunk;

    let code: number;
    let exit: number | undefined;
    const builtin = BUILTINS[name];
    if (name === "clusterjob") {
      if (args[0] === "sim") {
        write("clusterjob: this is a simulated session already\n");
        code = 2;
      } else if (this.clusterjob === undefined) {
        write("clusterjob: not available in this session\n");
        code = 127;
      } else {
        code = await this.clusterjob(args, sessionContext(this, out, write));
      }
    } else if (builtin !== undefined) {
      const result = await builtin.run(this, args, { out, err: write, stdin, signal: this.signal });
      code = result.code;
      exit = result.exit;
    } else {
      code = await this.#runCommand(words, stdin, out, write);
    }
    if (parsed.stdout !== undefined) {
      const file = this.resolve(parsed.stdout.file);
      const before = parsed.stdout.append ? this.cluster.fs.readText(file) ?? "" : "";
      await this.transport.writeFile(file, before + captured);
    }
    this.lastCode = code;
    return exit === undefined ? { output } : { output, exit };
  }

  async #runCommand(
    words: readonly string[],
    stdin: string | undefined,
    out: (text: string) => void,
    err: (text: string) => void,
  ): Promise<number> {
    try {
      const result = await this.transport.run(words, {
        cwd: this.cwd,
        ...(stdin === undefined ? {} : { stdin }),
        signal: this.signal,
      });
      out(result.stdout);
      err(result.stderr);
      return result.code;
    } catch (error) {
      if (!(error instanceof CommandNotFoundError)) throw error;
      const tools = Object.keys(this.cluster.emulator.commands).sort().join(", ");
      err(
        `bash: ${
          words[0]
        }: command not found (this simulated ${this.cluster.kind} cluster has ${tools}; type help)\n`,
      );
      return 127;
    }
  }

  async #writeLine(text: string): Promise<LineResult> {
    const writing = this.#writing!;
    if (text !== ".") {
      writing.lines.push(text);
      return { output: "" };
    }
    this.#writing = undefined;
    const content = writing.lines.length === 0 ? "" : writing.lines.join("\n") + "\n";
    await this.transport.writeFile(writing.file, content);
    this.lastCode = 0;
    return { output: "" };
  }

  /** Unquoted words with `*` or `?` become the names they match in their folder (or stay). */
  #expandGlobs(words: readonly string[], globs: readonly boolean[]): string[] {
    const expanded: string[] = [];
    for (const [index, word] of words.entries()) {
      if (!globs[index] || index === 0) {
        expanded.push(word);
        continue;
      }
      const folder = word.includes("/") ? word.slice(0, word.lastIndexOf("/") + 1) : "";
      const pattern = word.slice(folder.length);
      const names = this.listFolder(this.resolve(folder || "."))
        ?.filter((name) => !name.startsWith(".") && globMatch(pattern, name));
      if (names === undefined || names.length === 0) expanded.push(word);
      else expanded.push(...names.map((name) => folder + name));
    }
    return expanded;
  }

  /**
   * The names in a simulated folder, sorted; `undefined` when it is not a folder.
   *
   * @param folder The absolute simulated path.
   * @returns The names.
   */
  listFolder(folder: string): string[] | undefined {
    if (this.cluster.fs.stat(folder) !== "directory") return undefined;
    const names: string[] = [];
    for (const entry of Deno.readDirSync(this.cluster.fs.hostPath(folder))) {
      if (entry.name.includes(".tmp-")) continue; // a write in progress
      names.push(entry.name);
    }
    return names.sort();
  }
}
