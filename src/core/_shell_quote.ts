/**
 * POSIX shell quoting: the one place where clusterjob turns arguments into text that a remote
 * `sh`-compatible shell parses back into exactly the same arguments. Internal module.
 *
 * @module
 */

/** Characters that never need quoting in a POSIX shell word. */
// `=` is left out: an unquoted `A=B` in command position would be a variable assignment
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes one argument so a POSIX shell reads it back unchanged: safe words are left as they
 * are, anything else is wrapped in single quotes, and each `'` becomes `'\''`. Inside single
 * quotes nothing is special (`$`, `` ` ``, `\`, `!`, newlines), so this is complete.
 *
 * @param word The argument.
 * @returns Text the shell parses into exactly `word` (the empty string becomes `''`).
 */
export function quoteShellWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Quotes a command line: every argument quoted, joined by spaces.
 *
 * @param argv The arguments.
 * @returns Text the shell splits into exactly `argv`.
 */
export function quoteShellCommand(argv: readonly string[]): string {
  return argv.map(quoteShellWord).join(" ");
}

/**
 * Quotes a path for a remote shell, leaving a leading `~` or `~/` unquoted so the remote side
 * expands it to the remote user's home (`~/my dir` → `~/'my dir'`). Other paths are quoted as
 * {@linkcode quoteShellWord} does.
 *
 * @param path The path on the remote host.
 * @returns Text the shell parses into the path, with the home directory expanded.
 */
export function quoteRemotePath(path: string): string {
  if (path === "~") return "~";
  if (path.startsWith("~/")) {
    const rest = path.slice(2);
    return rest === "" ? "~/" : `~/${quoteShellWord(rest)}`;
  }
  return quoteShellWord(path);
}
