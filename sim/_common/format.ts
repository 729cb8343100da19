/**
 * Text helpers shared by the emulators: the schedulers' date and duration formats and
 * fixed-width columns.
 *
 * @module
 */

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** `2026-11-25T08:46:01` (UTC, as the recorded cluster ran with TZ=UTC). */
export function isoSeconds(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${
    two(d.getUTCHours())
  }:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Wed Nov 25 08:46:18 2026` (C `asctime` without the newline, UTC). */
export function ctime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${
    String(d.getUTCDate()).padStart(2, " ")
  } ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${
    two(d.getUTCSeconds())
  } ${d.getUTCFullYear()}`;
}

/**
 * The PBS comments' date, `%a %b %d at %H:%M`: `Tue Dec 01 at 23:08` (Torque's `Job started
 * on ...` and OpenPBS's `Job run at ...`, raw/torque/020 and raw/openpbs/024).
 */
export function ctimeShort(ms: number): string {
  const date = new Date(ms);
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} at ${
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

/** `11/25/2026 08:46:01` (SGE's qstat submit/start time, UTC). */
export function usDateTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${
    two(d.getUTCHours())
  }:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** `[D-]HH:MM:SS` (scontrol RunTime, sacct Elapsed). */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const rest = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${
    two(s % 60)
  }`;
  return days > 0 ? `${days}-${rest}` : rest;
}

/** squeue's short duration: `M:SS`, `H:MM:SS`, `D-HH:MM:SS`. */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  if (days > 0) return `${days}-${two(hours)}:${two(minutes)}:${two(secs)}`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(secs)}`;
  return `${minutes}:${two(secs)}`;
}

/**
 * Fits a value into a column: truncated to `width`, padded on the left (`right` justified) or
 * the right. `width` undefined = the value as is.
 */
export function column(value: string, width: number | undefined, right: boolean): string {
  if (width === undefined) return value;
  const cut = value.length > width ? value.slice(0, width) : value;
  return right ? cut.padStart(width, " ") : cut.padEnd(width, " ");
}

/** Compresses sorted integers into SLURM's range syntax: `1-3,5,7-9`; with a step: `2-10:4`. */
export function ranges(values: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    parts.push(j > i ? `${values[i]}-${values[j]}` : `${values[i]}`);
    i = j + 1;
  }
  return parts.join(",");
}
