/**
 * The command lines of a simulated login node: a line split into words as a POSIX shell would
 * for the simple cases — quotes (`'…'`, `"…"`), backslash escapes, `$NAME`, `${NAME}` and `$?`,
 * a leading `~`, `#` comments — and the redirections `< FILE`, `> FILE`, `>> FILE`. Pipes,
 * command lists, substitutions and background jobs are refused with a message: one command a
 * line.
 *
 * @module
 */

/** A parsed command line. */
export interface CommandLine {
  /** The command and its arguments (empty for a blank or comment line). */
  readonly words: readonly string[];
  /** Which words were unquoted and may be glob patterns (`*`, `?`). */
  readonly globs: readonly boolean[];
  /** `< FILE`. */
  readonly stdin?: string;
  /** `> FILE` or `>> FILE`. */
  readonly stdout?: { readonly file: string; readonly append: boolean };
}

/** A line the simulated shell cannot run; the message says why. */
export class ShellSyntaxError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "ShellSyntaxError";
  }
}

const UNSUPPORTED =
  "one command a line: pipes (|), lists (; && ||), substitutions ($(…), `…`) and & are not simulated";

/**
 * Splits a command line into words.
 *
 * @example Usage
 * ```ts
 * import { splitCommandLine } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const line = splitCommandLine(`echo "hello $USER" 'a b' ~/x > out.txt # note`, { USER: "me", HOME: "/home/me" });
 * assert.deepEqual(line.words, ["echo", "hello me", "a b", "/home/me/x"]);
 * assert.deepEqual(line.stdout, { file: "out.txt", append: false });
 * assert.throws(() => splitCommandLine("squeue | grep R", {}), /one command a line/);
 * ```
 *
 * @param line The line.
 * @param env Variables for `$NAME` (`?` for `$?`; `HOME` for `~`).
 * @returns The words and redirections.
 * @throws {ShellSyntaxError} For an unterminated quote, a redirection without its file, or what
 * is not simulated.
 */
export function splitCommandLine(line: string, env: Readonly<Record<string, string>>): CommandLine {
  const words: string[] = [];
  const globs: boolean[] = [];
  let stdin: string | undefined;
  let stdout: { file: string; append: boolean } | undefined;
  let pending: "<" | ">" | ">>" | undefined;
  let word: string | undefined;
  let glob = false;

  const finish = () => {
    if (word === undefined) return;
    if (pending === "<") stdin = word;
    else if (pending !== undefined) stdout = { file: word, append: pending === ">>" };
    else {
      words.push(word);
      globs.push(glob);
    }
    pending = undefined;
    word = undefined;
    glob = false;
  };
  const expand = (at: number): [string, number] => {
    // line[at] is "$"; returns the value and the index after the reference.
    const next = line[at + 1];
    if (next === "?") return [env["?"] ?? "0", at + 2];
    if (next === "(") throw new ShellSyntaxError(UNSUPPORTED);
    if (next === "{") {
      const end = line.indexOf("}", at + 2);
      if (end < 0) throw new ShellSyntaxError("unterminated ${");
      return [env[line.slice(at + 2, end)] ?? "", end + 1];
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(at + 1))?.[0];
    if (name === undefined) return ["$", at + 1];
    return [env[name] ?? "", at + 1 + name.length];
  };

  for (let i = 0; i < line.length;) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      finish();
      i++;
    } else if (c === "#" && word === undefined) {
      break;
    } else if (c === "|" || c === ";" || c === "&" || c === "`") {
      throw new ShellSyntaxError(UNSUPPORTED);
    } else if (c === "<" || c === ">") {
      finish();
      if (pending !== undefined) throw new ShellSyntaxError(`syntax error near "${c}"`);
      pending = c === "<" ? "<" : line[i + 1] === ">" ? ">>" : ">";
      i += pending.length;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated quote (')");
      word = (word ?? "") + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let text = "";
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && '"\\$`'.includes(line[j + 1] ?? "")) {
          text += line[++j];
        } else if (line[j] === "$") {
          const [value, after] = expand(j);
          text += value;
          j = after - 1;
        } else if (line[j] === "`") {
          throw new ShellSyntaxError(UNSUPPORTED);
        } else {
          text += line[j];
        }
      }
      if (j >= line.length) throw new ShellSyntaxError('unterminated quote (")');
      word = (word ?? "") + text;
      i = j + 1;
    } else if (c === "\\") {
      word = (word ?? "") + (line[i + 1] ?? "");
      i += 2;
    } else if (c === "$") {
      const [value, after] = expand(i);
      word = (word ?? "") + value;
      i = after;
    } else if (
      c === "~" && word === undefined &&
      (line[i + 1] === undefined || " \t/".includes(line[i + 1]!))
    ) {
      word = env.HOME ?? "~";
      i++;
    } else {
      if (c === "*" || c === "?") glob = true;
      word = (word ?? "") + c;
      i++;
    }
  }
  finish();
  if (pending !== undefined) throw new ShellSyntaxError(`"${pending}" needs a file name`);
  return {
    words,
    globs,
    ...(stdin === undefined ? {} : { stdin }),
    ...(stdout === undefined ? {} : { stdout }),
  };
}

/**
 * Whether a file name matches a glob pattern of `*` and `?` (no brackets).
 *
 * @param pattern The pattern.
 * @param name The file name.
 * @returns Whether it matches.
 */
export function globMatch(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
    /\?/g,
    ".",
  );
  return new RegExp(`^${source}$`).test(name);
}
