/**
 * Small pieces the PBS and LSF emulators share: shell-like word splitting for directive lines,
 * directive extraction from a job script, C-style padding, and the time formats both families
 * print. Internal to the simulator; not exported from `sim/mod.ts`.
 *
 * @module
 */

/** What one emulated command answers. */
export interface CommandResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** A successful answer with `stdout`. */
export function ok(stdout: string): CommandResult {
  return { code: 0, stdout, stderr: "" };
}

/** A failed answer with `stderr` (and optional partial `stdout`). */
export function fail(code: number, stderr: string, stdout = ""): CommandResult {
  return { code, stdout, stderr };
}

/**
 * Splits a directive line into words like a POSIX shell would: whitespace separates words,
 * single and double quotes group, a backslash escapes the next character, and an unquoted `#`
 * at the start of a word begins a comment (qsub and bsub both allow trailing comments).
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (char === "#" && !inWord) {
      break;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The option words of a script's directive lines (`#PBS`, `#BSUB`), in order. Like qsub and
 * bsub, scanning stops at the first line that is neither blank nor a comment.
 */
export function directiveWords(script: string, prefix: string): string[] {
  const words: string[] = [];
  const lines = script.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (index === 0 && line.startsWith("#!")) continue;
    if (line === "") continue;
    if (!line.startsWith("#")) break;
    if (
      line.startsWith(prefix) &&
      (line.length === prefix.length || /\s/.test(line[prefix.length] as string))
    ) {
      words.push(...splitWords(line.slice(prefix.length)));
    }
  }
  return words;
}

/** `printf("%-Ns")`: left-justified in `width` columns, never truncated. */
export function padEnd(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** `printf("%Ns")`: right-justified in `width` columns, never truncated. */
export function padStart(text: string, width: number): string {
  return text.length >= width ? text : " ".repeat(width - text.length) + text;
}

/** `printf("%-N.Ns")`: left-justified and cut to exactly `width` columns. */
export function fixed(text: string, width: number): string {
  return padEnd(text.slice(0, width), width);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function two(value: number): string {
  return String(value).padStart(2, "0");
}

/** C `ctime()` without the newline, in UTC: `Wed Nov 25 08:49:44 2026` (day space-padded). */
export function ctime(ms: number): string {
  const date = new Date(ms);
  const day = String(date.getUTCDate()).padStart(2, " ");
  const clock = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${
    two(date.getUTCSeconds())
  }`;
  return `${DAYS[date.getUTCDay()]} ${
    MONTHS[date.getUTCMonth()]
  } ${day} ${clock} ${date.getUTCFullYear()}`;
}

/** PBS Pro's comment date: `Wed Nov 25 at 08:49`. */
export function ctimeShort(ms: number): string {
  const date = new Date(ms);
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} at ${
    two(date.getUTCHours())
  }:${two(date.getUTCMinutes())}`;
}

/** LSF's `%b %d %H:%M` (bjobs SUBMIT_TIME): `Nov 25 08:49`. */
export function monthDayTime(ms: number): string {
  const date = new Date(ms);
  return `${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${
    two(date.getUTCMinutes())
  }`;
}

/** `HH:MM:SS` with hours growing past 99 as needed. */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

/** Absolute path of `path` seen from `cwd` (no `..` resolution beyond the usual). */
export function resolvePath(cwd: string, path: string): string {
  const joined = path.startsWith("/") ? path : `${cwd.replace(/\/+$/, "")}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/** The last path component. */
export function baseName(path: string): string {
  const parts = path.split("/").filter((part) => part !== "");
  return parts[parts.length - 1] ?? path;
}

/** Index lists such as `1-10:2`, `1,3,5-7`: the sorted distinct indices, or `undefined` when malformed. */
export function parseIndexList(text: string): number[] | undefined {
  const indices = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!match) return undefined;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (end < start || step < 1) return undefined;
    for (let i = start; i <= end; i += step) indices.add(i);
  }
  return [...indices].sort((a, b) => a - b);
}
