/**
 * The remote shell command lines of {@linkcode SshTransport}: pure text, every path and argument
 * quoted for a POSIX shell, so nothing given to the transport becomes code or an option there.
 *
 * @module
 */

import { posix } from "node:path";
import { quoteRemotePath, quoteShellCommand, quoteShellWord } from "../core/_shell_quote.ts";
import { type CommandOutput, type RunOptions, TransportError } from "../core/transport.ts";

/** Extra seconds the remote `timeout` allows beyond the local one, so the local one fires first. */
const REMOTE_TIMEOUT_SLACK_S = 2;
/** Seconds the remote `timeout` waits after TERM before it sends KILL. */
const REMOTE_KILL_AFTER_S = 5;

/**
 * The builtins of sh, dash and bash: what `sh -c` runs as a builtin must stay one in a session
 * (`exec printf` would need a `printf` program). Anything else is run with `exec`.
 */
const SHELL_BUILTINS = new Set(
  (". : [ alias bg bind break builtin caller cd chdir command compgen complete compopt continue " +
    "declare dirs disown echo enable eval exec exit export false fc fg getopts hash help history " +
    "jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly return set " +
    "shift shopt source suspend test times trap true type typeset ulimit umask unalias unset wait")
    .split(" "),
);

/**
 * The shell command line for `argv` with its cwd, environment and remote time limit. With
 * `exec` (a persistent session, which runs each command in a subshell) a program replaces that
 * subshell instead of being forked once more; a builtin runs as under `sh -c`.
 */
export function remoteCommand(argv: readonly string[], options: RunOptions, exec = false): string {
  const parts: string[] = [];
  if (options.cwd !== undefined) parts.push(`cd -- ${remotePath(options.cwd)} &&`);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    parts.push(`${name}=${quoteShellWord(value)}`);
  }
  if (exec && (options.timeout !== undefined || !SHELL_BUILTINS.has(argv[0] ?? ""))) {
    parts.push("exec");
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
  return new TransportError(transport, fileProblem(action, path, output));
}

/** What a failed file command says: `<action> "<path>": <reason in plain words>`. */
function fileProblem(action: string, path: string, output: CommandOutput): string {
  const said = output.stderr.trim();
  const why = /No such file or directory|Directory nonexistent/.test(said)
    ? "not found"
    : /Permission denied/.test(said)
    ? "permission denied"
    : /Is a directory/.test(said)
    ? "is a directory"
    : said || `exit code ${output.code}`;
  return `${action} "${path}": ${why}`;
}

/** A temporary name beside `path` for writing it atomically. */
export function tempPath(path: string): string {
  return posix.join(
    posix.dirname(path),
    `.${posix.basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
}

/** A file of {@linkcode writeFilesScript}. */
export interface ScriptFile {
  readonly path: string;
  readonly temp: string;
  readonly text: string;
  /** Octal digits for `chmod`. */
  readonly mode: string;
}

/**
 * Creates `directories` (in order, like `mkdir -p`, under the login's umask as `mkdir` does),
 * then writes every file atomically in two phases: all of them into their temporary names
 * (private under umask 077 until chmod'ed), then every rename. On a failure the temporary files
 * are removed, what failed is printed on stdout after `tag` (`<tag>d<i>` or `<tag>f<i>`, or
 * `<tag>e` when the writer itself broke; read by {@linkcode writeFailure}) and the script exits
 * 1, so a failure leaves no file half-written and runs nothing after it. With `then`, that
 * command line follows, under the login's umask.
 *
 * Where the remote host has perl (nearly every login node) one perl process does it all, where
 * the shell needs a `mkdir`, a `chmod` and a `mv` for each file (each ~1 ms on a login node);
 * else the shell does (`$1` holds the login's umask in a session, see `sessionBootstrap`, so
 * restoring it costs no process). The texts are shell variables (so they are sent once) and
 * reach perl as arguments: data, never code.
 */
export function writeFilesScript(
  files: readonly ScriptFile[],
  directories: readonly string[],
  tag = "",
  then?: string,
): string {
  const texts = files.map((file, i) => `cj_t${i}=${quoteShellWord(file.text)}`);
  const perlArgs = [
    quoteShellWord(tag),
    String(directories.length),
    ...directories.map(remotePath),
    ...files.flatMap((file, i) => [
      remotePath(file.path),
      remotePath(file.temp),
      file.mode,
      `"$cj_t${i}"`,
    ]),
  ];
  return [
    ...texts,
    "if command -v perl >/dev/null 2>&1; then",
    // perl exits 3 when it said what failed; anything else means it broke
    `perl -C0 -e ${quoteShellWord(PERL_WRITER)} -- ${perlArgs.join(" ")} || ` +
    `{ [ $? -eq 3 ] || echo ${tag}e; exit 1; }`,
    "else",
    shellWriter(files, directories, tag, then !== undefined),
    "fi",
    ...(then !== undefined ? [then] : []),
  ].join("\n");
}

/**
 * The perl half of {@linkcode writeFilesScript}: arguments `tag`, the number of directories,
 * the directories, then `path temp mode text` for each file. Only perl's builtins (no module),
 * so a minimal perl (Debian's perl-base) does; `-C0` keeps the texts as bytes.
 */
const PERL_WRITER = `
my ($tag, $nd, @a) = @ARGV;
my @dirs = splice @a, 0, $nd;
my @f;
push @f, [splice @a, 0, 4] while @a;
my @made;
sub fail { unlink @made; print "$tag$_[0]\\n"; print STDERR "$_[1]\\n"; exit 3; }
for my $i (0 .. $#dirs) {
  my ($d, $p) = ($dirs[$i], "");
  next if -d $d;
  for my $part (split m{(?=/)}, $d) {
    $p .= $part;
    next if -d $p;
    mkdir $p or -d $p or fail("d$i", "mkdir: cannot create directory $d: $!");
  }
}
umask 077;
for my $i (0 .. $#f) { fail("f$i", "$f[$i][0]: Is a directory") if -d $f[$i][0]; }
for my $i (0 .. $#f) {
  my ($path, $temp, $mode, $text) = @{$f[$i]};
  open(my $fh, ">", $temp) or fail("f$i", "$temp: $!");
  push @made, $temp;
  binmode $fh;
  (print {$fh} $text) && close($fh) or fail("f$i", "$temp: $!");
  chmod oct($mode), $temp or fail("f$i", "$temp: $!");
}
for my $i (0 .. $#f) { rename $f[$i][1], $f[$i][0] or fail("f$i", "$f[$i][0]: $!"); }
`;

/** The shell half of {@linkcode writeFilesScript}: the texts are in `$cj_t<i>`. */
function shellWriter(
  files: readonly ScriptFile[],
  directories: readonly string[],
  tag: string,
  restoreUmask: boolean,
): string {
  const temps = files.map((file) => remotePath(file.temp)).join(" ");
  const cleanup = files.length > 0 ? `rm -f -- ${temps}; ` : "";
  // `[ -d ]` is a builtin: a folder that exists costs no process
  const lines = directories.map((dir, i) => {
    const path = remotePath(dir);
    return `[ -d ${path} ] || mkdir -p -- ${path} || { echo ${tag}d${i}; exit 1; }`;
  });
  if (restoreUmask) lines.push("cj_umask=${1:-$(umask)}");
  lines.push("umask 077");
  files.forEach((file, i) => {
    const target = remotePath(file.path);
    lines.push(
      `if [ -d ${target} ]; then echo ${tag}f${i}; echo "Is a directory" >&2; exit 1; fi`,
    );
  });
  files.forEach((file, i) => {
    lines.push(
      `printf %s "$cj_t${i}" > ${remotePath(file.temp)} || { echo ${tag}f${i}; ${cleanup}exit 1; }`,
    );
  });
  // one chmod for all the files of a mode
  for (const mode of new Set(files.map((file) => file.mode))) {
    const same = files.filter((file) => file.mode === mode);
    const paths = same.map((file) => remotePath(file.temp)).join(" ");
    lines.push(
      `chmod ${mode} -- ${paths} || { echo ${tag}f${files.indexOf(same[0]!)}; ${cleanup}exit 1; }`,
    );
  }
  files.forEach((file, i) => {
    lines.push(
      `mv -f -- ${remotePath(file.temp)} ${
        remotePath(file.path)
      } || { echo ${tag}f${i}; ${cleanup}exit 1; }`,
    );
  });
  if (restoreUmask) lines.push('umask "$cj_umask"');
  return lines.join("\n");
}

/**
 * What a {@linkcode writeFilesScript} that failed says (its `<tag>d<i>` or `<tag>f<i>` line on
 * stdout): the directory or file, and the message; undefined when it wrote everything.
 */
export function writeFailure(
  output: CommandOutput,
  tag: string,
  directories: readonly string[],
  files: readonly string[],
): { path: string; message: string } | undefined {
  const match = new RegExp(`^${tag}(?:([df])(\\d+)|e)$`, "m").exec(output.stdout);
  if (match === null) return undefined;
  const [, kind, index] = match;
  const path = (kind === "d" ? directories : files)[Number(index)] ??
    [...directories, ...files].join(", ");
  const action = kind === "d" ? "Cannot create directory" : "Cannot write file";
  return { path, message: fileProblem(action, path, output) };
}

/**
 * `command` in a form every login shell (sh, bash, zsh, csh, tcsh, fish) passes unchanged to
 * `/bin/sh`: each byte as a `\ooo` octal escape inside single quotes (nothing there is special
 * to any of them), turned back into the command by `printf` and run with `eval`.
 */
export function anyLoginShell(command: string): string {
  const escaped = Array.from(
    new TextEncoder().encode(command),
    (byte) => `\\${byte.toString(8).padStart(3, "0")}`,
  ).join("");
  return `exec /bin/sh -c 'eval "$(printf "$0")"' '${escaped}'`;
}
