/**
 * Small pieces the PBS and LSF emulators share: C `printf` padding, the `HH:MM:SS` durations of
 * PBS, base names and index lists. Internal to the
 * simulator; not exported from `sim/mod.ts`.
 *
 * @module
 */

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

function two(value: number): string {
  return String(value).padStart(2, "0");
}

/**
 * `HH:MM:SS` with hours growing past 99 as needed (PBS `resources_used.walltime`); unlike
 * `format.ts`'s `hms`, never a day part.
 */
export function hhmmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
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
