/**
 * The remote shell command lines of {@linkcode SshTransport}: pure text, every path and argument
 * quoted for a POSIX shell, so nothing given to the transport becomes code or an option there.
 *
 * @module
 */

import { quoteRemotePath, quoteShellCommand, quoteShellWord } from "../core/_shell_quote.ts";
import { type CommandOutput, type RunOptions, TransportError } from "../core/transport.ts";

/** Extra seconds the remote `timeout` allows beyond the local one, so the local one fires first. */
const REMOTE_TIMEOUT_SLACK_S = 2;
/** Seconds the remote `timeout` waits after TERM before it sends KILL. */
const REMOTE_KILL_AFTER_S = 5;

/** The shell command line for `argv` with its cwd, environment and remote time limit. */
export function remoteCommand(argv: readonly string[], options: RunOptions): string {
  const parts: string[] = [];
  if (options.cwd !== undefined) parts.push(`cd -- ${remotePath(options.cwd)} &&`);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    parts.push(`${name}=${quoteShellWord(value)}`);
  }
  if (options.timeout !== undefined) {
    const seconds = Math.ceil(options.timeout / 1000) + REMOTE_TIMEOUT_SLACK_S;
    parts.push(`timeout -k ${REMOTE_KILL_AFTER_S} ${seconds}`);
  }
  parts.push(quoteShellCommand(argv));
  return parts.join(" ");
}

/**
 * Writes stdin to `path` atomically: into `temp` (same directory) under umask 077, so the partial
 * file is private until it is complete and has its final mode, then `mv` onto `path`; a directory
 * at `path` is refused first (`mv` would move the file into it).
 */
export function writeFileScript(temp: string, path: string, mode: string): string {
  const tmp = remotePath(temp);
  const target = remotePath(path);
  return `if [ -d ${target} ]; then echo "Is a directory" >&2; exit 1; fi; ` +
    `umask 077; if cat > ${tmp} && chmod ${mode} -- ${tmp} && mv -f -- ${tmp} ${target}; ` +
    `then :; else status=$?; rm -f -- ${tmp}; exit $status; fi`;
}

/**
 * A path for the remote shell: quoted, `~/` left to expand, and a leading `-` behind `./`, so
 * that no command reads it as an option, nor `-` as standard input (`cat -- -` reads stdin).
 */
export function remotePath(path: string): string {
  return quoteRemotePath(path.startsWith("-") ? `./${path}` : path);
}

/** The error of a failed file command, with the reason the remote tool gave in plain words. */
export function fileError(
  transport: string,
  action: string,
  path: string,
  output: CommandOutput,
): TransportError {
  const said = output.stderr.trim();
  const why = /No such file or directory/.test(said)
    ? "not found"
    : /Permission denied/.test(said)
    ? "permission denied"
    : /Is a directory/.test(said)
    ? "is a directory"
    : said || `exit code ${output.code}`;
  return new TransportError(transport, `${action} "${path}": ${why}`);
}
