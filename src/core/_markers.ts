/**
 * Marker files: what a job records about itself, so that its end is known even when the
 * scheduler has forgotten it (no accounting, a purged queue). The rendered script carries a
 * short POSIX shell prelude that writes, in `<workdir>/.clusterjob/<job name>/`, a `start` file
 * when the body starts and an `end` file when it ends (array tasks: `start.<index>`,
 * `end.<index>`), each one line of `key=value` words written to a temporary name and renamed:
 *
 * - start: `time=<epoch s> host=<host> id=<job id> task=<index>`
 * - end: `time=<epoch s> exit=<code>`, or `time=<epoch s> signal=<NAME>` when a trappable signal
 *   (TERM, INT, HUP, QUIT, USR1, USR2, XCPU, XFSZ, ALRM) ended it.
 *
 * A KILL cannot be trapped: "started, no end" is evidence of its own (SGE's h_rt, a cancel after
 * the grace period, a lost node). The prelude leaves the body and its exit status alone: the
 * EXIT trap records `$?` and returns it; a signal trap records the signal, then re-raises it
 * with its default action, so the scheduler sees what it would have seen without markers.
 *
 * Internal module: paths, the prelude, and a parser that never throws.
 *
 * @module
 */

/** The folder, in the job's working directory, that holds every job's marker folder. */
export const MARKERS_DIRECTORY = ".clusterjob";

/** Signals the prelude traps, with their Linux numbers (exit code 128 + n when they kill). */
export const TRAPPED_SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  USR1: 10,
  USR2: 12,
  ALRM: 14,
  TERM: 15,
  XCPU: 24,
  XFSZ: 25,
};

/** Interpreters (by file name) that can run the POSIX prelude. */
const POSIX_SHELLS = /^(?:sh|bash|dash|ash|ksh|ksh93|mksh|pdksh|zsh|yash|posh)$/;

/**
 * The marker folder's name for a job: the name with every character but letters, digits and
 * `._+-` replaced by `_` (as the default script file name), so it is one safe path component
 * that needs no quoting anywhere.
 */
export function markerFolderName(jobName: string): string {
  return jobName.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^[-.]/, "_") || "_";
}

/** The job's marker folder: `<workingDirectory>/.clusterjob/<safe name>` (POSIX). */
export function markerFolder(workingDirectory: string, jobName: string): string {
  const base = workingDirectory.replace(/\/+$/, "") || (workingDirectory === "" ? "." : "/");
  const sep = base.endsWith("/") ? "" : "/";
  return `${base}${sep}${MARKERS_DIRECTORY}/${markerFolderName(jobName)}`;
}

/**
 * Whether `path` may be a marker folder: a non-empty path of at most 4,096 characters without
 * NUL, newline or carriage return (it becomes an argument of a command on the scheduler host).
 */
export function isMarkerFolderPath(path: unknown): path is string {
  return typeof path === "string" && path !== "" && path.length <= 4096 &&
    !/[\0\n\r]/.test(path);
}

/** What {@linkcode isMarkerFolderPath} accepts, for error messages. */
export const MARKER_FOLDER_ACCEPTED =
  "a non-empty path without NUL or line breaks, at most 4,096 characters";

/** The file names of a job's (or an array task's) markers. */
export function markerFileNames(task?: string): { start: string; end: string } {
  const suffix = task === undefined || task === "" ? "" : `.${task}`;
  return { start: `start${suffix}`, end: `end${suffix}` };
}

/**
 * Whether a script whose first line is `firstLine` (or, without a `#!` line, run by `shell`)
 * is run by a POSIX shell, which the prelude needs. `#!/usr/bin/env bash` counts as bash.
 */
export function runsPosixShell(firstLine: string, shell: string): boolean {
  const words = (firstLine.startsWith("#!") ? firstLine.slice(2) : shell).trim().split(/\s+/);
  let program = (words[0] ?? "").replace(/^.*\//, "");
  if (program === "env") program = words.find((w, i) => i > 0 && !w.startsWith("-")) ?? "";
  return POSIX_SHELLS.test(program.replace(/^.*\//, ""));
}

/** What the prelude needs to know: the job's name and the scheduler's variables. */
export interface PreludeOptions {
  /** The job's name (its marker folder is named after it). */
  jobName: string;
  /** The variable holding the scheduler's job id (`SLURM_JOB_ID`), if it is a plain name. */
  idVariable?: string;
  /** The variable holding the array task index (`SLURM_ARRAY_TASK_ID`), if it is a plain name. */
  taskVariable?: string;
}

/** The line of the prelude that names the folder; {@linkcode markerFolderInScript} finds it. */
const FOLDER_LINE = /^__cj_dir="\$\(pwd -P\)\/(\.clusterjob\/[A-Za-z0-9._+-]+)"/m;

/** `"${NAME:-}"` for a plain variable name, else `""` (an expression is not evaluated here). */
function variable(name: string | undefined): string {
  return name !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `"\${${name}:-}"` : '""';
}

/**
 * The prelude's lines, placed after the scheduler's headers and before the body. POSIX sh:
 * runs under bash, dash, ksh and zsh. Every value the job writes goes through `printf '%s'`
 * as data; the folder name is a safe word; nothing is evaluated from the environment. The
 * handlers turn `set -e`/`set -u` off: the body may have set them, and a marker that cannot
 * be written must never change how the job ends.
 */
export function markersPrelude(options: PreludeOptions): string[] {
  const folder = `${MARKERS_DIRECTORY}/${markerFolderName(options.jobName)}`;
  const task = variable(options.taskVariable);
  return [
    "# clusterjob markers: this job's start and end, for when the scheduler forgets it",
    `__cj_dir="$(pwd -P)/${folder}" __cj_task=${task}`,
    // SGE sets SGE_TASK_ID to "undefined" outside arrays.
    ...(task === '""' ? [] : ['[ "$__cj_task" != undefined ] || __cj_task=']),
    '__cj_mark() { mkdir -m 0700 "${__cj_dir%/*}" "$__cj_dir" || :; __cj_f="$1${__cj_task:+.$__cj_task}"; ' +
    `printf '%s\\n' "$2" >"$__cj_dir/.$__cj_f.$$" && mv -f "$__cj_dir/.$__cj_f.$$" "$__cj_dir/$__cj_f" || :; } 2>/dev/null`,
    '__cj_exit() { __cj_rc=$1; set +eu; [ -n "${__cj_end:-}" ] || ' +
    '__cj_mark end "time=$(date +%s) exit=$__cj_rc"; return "$__cj_rc"; }',
    `__cj_signals="${Object.keys(TRAPPED_SIGNALS).join(" ")}"`,
    '__cj_kill() { set +eu; __cj_end=1; __cj_mark end "time=$(date +%s) signal=$1"; ' +
    'trap - EXIT $__cj_signals; kill -s "$1" "$$"; }',
    "trap '__cj_exit \"$?\"' EXIT",
    'for __cj_s in $__cj_signals; do trap "__cj_kill $__cj_s" "$__cj_s"; done',
    '__cj_mark start "time=$(date +%s) host=$(hostname 2>/dev/null || uname -n) ' +
    `id=${variable(options.idVariable).slice(1, -1)} task=$__cj_task"`,
  ];
}

/**
 * The marker folder (relative to the job's working directory, e.g. `.clusterjob/train`) named
 * by the prelude of a rendered script, or `undefined` when the script has none (markers off).
 * The simulator's `model` execution uses it to play the prelude as bash would.
 */
export function markerFolderInScript(script: string): string | undefined {
  return FOLDER_LINE.exec(script)?.[1];
}

/** A start marker. */
export interface StartMarker {
  readonly kind: "start";
  /** When the body started (epoch seconds). */
  readonly time: number;
  /** The host it ran on. */
  readonly host: string;
  /** The job id the scheduler gave it. */
  readonly id: string;
  /** The array task index (`""` outside arrays). */
  readonly task: string;
}

/** An end marker: the exit code, or the signal that ended the job. */
export interface EndMarker {
  readonly kind: "end";
  /** When the body ended (epoch seconds). */
  readonly time: number;
  /** The body's exit status, when it exited. */
  readonly exit?: number;
  /** The signal's name (`TERM`), when a trapped signal ended it. */
  readonly signal?: string;
}

/** A marker file that is not one line of the expected words (truncated, edited, binary). */
export interface GarbledMarker {
  readonly kind: "garbled";
  /** What was read (at most 200 characters), for messages. */
  readonly text: string;
}

/** A parsed marker file. */
export type Marker = StartMarker | EndMarker | GarbledMarker;

/**
 * Parses a marker file's text. Never throws: anything but one line of the expected
 * `key=value` words is a {@linkcode GarbledMarker}.
 */
export function parseMarker(text: string): Marker {
  const garbled = (): GarbledMarker => ({ kind: "garbled", text: text.slice(0, 200) });
  const line = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (line === "" || line.includes("\n") || line.length > 4096) return garbled();
  const words = new Map<string, string>();
  for (const word of line.split(" ")) {
    const eq = word.indexOf("=");
    if (eq <= 0 || words.has(word.slice(0, eq))) return garbled();
    words.set(word.slice(0, eq), word.slice(eq + 1));
  }
  const time = words.get("time");
  if (time === undefined || !/^\d{1,12}$/.test(time)) return garbled();
  const seconds = Number(time);
  const exit = words.get("exit");
  const signal = words.get("signal");
  if (words.has("host")) {
    const host = words.get("host")!;
    const id = words.get("id") ?? "";
    const task = words.get("task") ?? "";
    if (exit !== undefined || signal !== undefined || host === "") return garbled();
    if (!/^[\w.\-\[\]@:]*$/.test(id) || !/^\d*$/.test(task)) return garbled();
    return { kind: "start", time: seconds, host, id, task };
  }
  if (exit !== undefined && signal === undefined && /^\d{1,3}$/.test(exit) && Number(exit) < 256) {
    return { kind: "end", time: seconds, exit: Number(exit) };
  }
  if (signal !== undefined && exit === undefined && /^[A-Z][A-Z0-9]{0,15}$/.test(signal)) {
    return { kind: "end", time: seconds, signal };
  }
  return garbled();
}

/** The exit status a shell reports for a job killed by `signal` (128 + its number), if known. */
export function signalExitCode(signal: string): number | undefined {
  const number = TRAPPED_SIGNALS[signal];
  return number === undefined ? undefined : 128 + number;
}
