/**
 * Reads a POSIX shell's "command not found" answer (exit 127) for a given program, as bash,
 * dash, ash/busybox, ksh, zsh, csh and coreutils' `timeout` word it. Internal module.
 *
 * @module
 */

/** Exit code of a shell for a command it cannot find (and of `timeout` for one it cannot run). */
export const NOT_FOUND_EXIT = 127;

/**
 * Whether `stderr` says that `program` was not found, in any common shell's words:
 *
 * - bash: `bash: line 1: bsub: command not found`, `bash: /opt/x/bsub: No such file or directory`
 * - dash, ash, busybox, ksh: `sh: 1: bsub: not found`, `ksh: bsub: not found [No such file or directory]`
 * - zsh: `zsh:1: command not found: bsub`
 * - csh/tcsh: `bsub: Command not found.`
 * - coreutils timeout: `timeout: failed to run command 'bsub': No such file or directory`
 *
 * The program must appear as a word of its own (`xbsub` is not `bsub`), so a script that itself
 * misses some other command is not mistaken for a missing script.
 *
 * @param stderr What the remote side printed.
 * @param program The program as given (argv[0]).
 * @returns The line that says so, or undefined.
 */
export function notFoundLine(stderr: string, program: string): string | undefined {
  const p = program.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const patterns = [
    new RegExp(`(?:^|[\\s:])${p}: (?:command not found|not found|no such file or directory)`, "i"),
    new RegExp(`command not found: ${p}$`, "i"),
    new RegExp(`failed to run command ['"‘\`]${p}['"’]: No such file or directory`, "i"),
  ];
  return stderr.split("\n").find((line) => patterns.some((pattern) => pattern.test(line.trim())));
}
