/**
 * SGE's dependency guard: the shell lines an SGE job with an `ok`/`notok` dependency starts with
 * (after the markers prelude), and the parser the simulator's `model` execution plays them with.
 * `-hold_jid` only waits for a parent to end; the guard reads each parent's end marker
 * (`src/core/_markers.ts`: `end`, or `end.<index>` for array tasks) and, when the parent did not
 * end as the kind asks, writes the reason to standard error and to `dependency` in the job's own
 * marker folder, then exits {@linkcode GUARD_EXIT_CODE} without running the body. A parent that
 * left no end marker (deleted before it ran, killed by SIGKILL) did not complete. Internal module.
 *
 * @module
 */

import { relative } from "node:path/posix";
import { quoteShellWord } from "./_shell_quote.ts";

/** The exit code a job ends with when the guard does not run its body (not SGE's 99 or 100). */
export const GUARD_EXIT_CODE = 97;

/** One check of the guard: the parent's marker folder, the kind, the parent's job id. */
export interface GuardCheck {
  /** The parent's marker folder on the scheduler host, as `JobScript.markerFolder()` gives it. */
  readonly folder: string;
  /** `ok`: the parent must have ended with exit 0; `notok`: otherwise. */
  readonly when: "ok" | "notok";
  /** The parent's job id. */
  readonly jobId: string;
}

/**
 * The guard's lines: `[]` without checks.
 *
 * @param checks The parents to check.
 * @param workingDirectory The job's working directory (where it starts).
 * @param ownMarkers The job's own marker folder, or `undefined`.
 */
export function dependencyGuard(
  checks: readonly GuardCheck[],
  workingDirectory: string,
  ownMarkers: string | undefined,
): string[] {
  if (checks.length === 0) return [];
  return [
    "# clusterjob: -hold_jid waits only for these jobs to end; the body runs only if they",
    "# ended as `after` asks (their end markers say how).",
    // Its own names (`__cja_`): the markers prelude's `__cj_` ones must stay as they are.
    // Arguments: the kind, the parent's id, then where its marker folder may be (the first
    // that exists: the path as given, then from where this job starts).
    "__clusterjob_after() {",
    "  __cja_kind=$1 __cja_id=$2 __cja_dir=$3; shift 2",
    '  for __cja_try in "$@"; do if [ -d "$__cja_try" ]; then __cja_dir=$__cja_try; break; fi; done',
    "  __cja_failed=0; __cja_seen=0",
    '  for __cja_end in "$__cja_dir"/end "$__cja_dir"/end.*; do',
    '    [ -f "$__cja_end" ] || continue',
    "    __cja_seen=1",
    '    case " $(cat "$__cja_end" 2>/dev/null) " in *" exit=0 "*) ;; *) __cja_failed=1 ;; esac',
    "  done",
    '  [ "$__cja_seen" = 1 ] || __cja_failed=1',
    '  if [ "$__cja_kind" = ok ] && [ "$__cja_failed" = 0 ]; then return 0; fi',
    '  if [ "$__cja_kind" = notok ] && [ "$__cja_failed" = 1 ]; then return 0; fi',
    '  echo "clusterjob: job $__cja_id did not end as after $__cja_kind needs (its end marker:' +
    ' $(cat "$__cja_dir"/end 2>/dev/null || echo none)); the body was not run" >&2',
    ...(ownMarkers === undefined ? [] : [
      `  __cja_own=${startRelative(ownMarkers, workingDirectory) ?? quoteShellWord(ownMarkers)}`,
      '  mkdir -p "$__cja_own" 2>/dev/null &&' +
      ' echo "time=$(date +%s) parent=$__cja_id when=$__cja_kind" > "$__cja_own"/dependency',
    ]),
    `  exit ${GUARD_EXIT_CODE}`,
    "}",
    ...checks.map(({ folder, when, jobId }) => {
      const places = [asGiven(folder), startRelative(folder, workingDirectory)]
        .filter((place, index, all): place is string =>
          place !== undefined && all.indexOf(place) === index
        );
      return `${CALL} ${when} ${quoteShellWord(jobId)} ${places.join(" ")}`;
    }),
  ];
}

const CALL = "__clusterjob_after";

/**
 * A guard check as the simulator reads it from a script: the kind, the parent's id, and its
 * marker folder relative to where the job starts, when the guard gives one.
 */
export interface ParsedGuardCheck {
  /** The kind. */
  readonly when: "ok" | "notok";
  /** The parent's job id. */
  readonly jobId: string;
  /** The parent's marker folder from the job's start directory, or `undefined`. */
  readonly fromStart: string | undefined;
}

const WORD = String.raw`(?:'(?:[^']|'\\'')*'|[A-Za-z0-9_@%+:,./-]+)`;
const START = String.raw`"\$\(pwd -P\)"(?:/(${WORD}))?`;
const CALL_LINE = new RegExp(
  String.raw`^${CALL} (ok|notok) (${WORD})((?: (?:${START}|"\$HOME"${WORD}?|${WORD}))+)$`,
  "gm",
);

/** The guard's checks in a rendered script, in order (`[]` without a guard). */
export function guardChecksInScript(script: string): ParsedGuardCheck[] {
  return [...script.matchAll(CALL_LINE)].map(([, when, jobId, places]) => {
    const start = new RegExp(` ${START}`).exec(places ?? "");
    return {
      when: when as "ok" | "notok",
      jobId: unquote(jobId!),
      fromStart: start === null ? undefined : start[1] === undefined ? "." : unquote(start[1]),
    };
  });
}

/** A word as {@linkcode quoteShellWord} wrote it, read back. */
function unquote(word: string): string {
  return word.startsWith("'") ? word.slice(1, -1).replaceAll(`'\\''`, "'") : word;
}

/** A path as one shell word: `~/x` as `"$HOME"/x`; a relative path as it is (from the cwd). */
function asGiven(path: string): string {
  if (path === "~") return '"$HOME"';
  if (path.startsWith("~/")) return `"$HOME"${quoteShellWord(path.slice(1))}`;
  return quoteShellWord(path);
}

/**
 * `path` from the job's start directory (`"$(pwd -P)"/'../run a/.clusterjob/a'`), as the
 * markers prelude writes its own folder from `pwd -P`, when `path` and `workingDirectory` are
 * of the same kind (absolute, under `~`, or relative to the same base): the form that holds on
 * a simulator, whose jobs run in a folder of this machine.
 */
function startRelative(path: string, workingDirectory: string): string | undefined {
  const kind = (p: string) => p.startsWith("/") ? "/" : p === "~" || p.startsWith("~/") ? "~" : ".";
  if (kind(path) !== kind(workingDirectory)) return undefined;
  const strip = (p: string) => kind(p) === "~" ? `/${p.slice(1)}` : kind(p) === "." ? `/${p}` : p;
  const relativePath = relative(strip(workingDirectory), strip(path));
  return relativePath === "" ? '"$(pwd -P)"' : `"$(pwd -P)"/${quoteShellWord(relativePath)}`;
}
