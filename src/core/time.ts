/**
 * Walltime parsing: the time formats of the original clusterjob (and of SLURM's `--time`),
 * turned into whole seconds so every backend can render its own syntax.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/** The forms {@linkcode parseTime} accepts, for error messages. */
const ACCEPTED_TIME =
  "a whole number of minutes or M:S, H:M:S, D-H, D-H:M, D-H:M:S or D:H:M:S with whole numbers " +
  '(after the first part, minutes and seconds below 60 and hours below 24: "1:30:00", "2-12:00")';

// Each form maps its captured numbers, in order, to a unit in seconds.
const DAY = 86400;
const HOUR = 3600;
const MINUTE = 60;
const TIME_FORMS: ReadonlyArray<readonly [RegExp, readonly number[]]> = [
  [/^(\d+)$/, [MINUTE]],
  [/^(\d+):(\d+)$/, [MINUTE, 1]],
  [/^(\d+):(\d+):(\d+)$/, [HOUR, MINUTE, 1]],
  [/^(\d+)-(\d+)$/, [DAY, HOUR]],
  [/^(\d+)-(\d+):(\d+)$/, [DAY, HOUR, MINUTE]],
  [/^(\d+)-(\d+):(\d+):(\d+)$/, [DAY, HOUR, MINUTE, 1]],
  [/^(\d+):(\d+):(\d+):(\d+)$/, [DAY, HOUR, MINUTE, 1]],
];

/**
 * Parses a walltime into whole seconds.
 *
 * A number, or a string of digits, means minutes (as in the original and in SLURM). Strings may
 * also be `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S` or `D:H:M:S`; every part is a non-negative
 * whole number. The first part has no upper limit (`"90:00"` is 90 minutes, `"36:00:00"` 36
 * hours); each later part must be below the size of the one before it — seconds and minutes
 * below 60, hours after days below 24 — so `"1:99"` (a mistyped `"1:09"`?) is refused rather
 * than read as 2 minutes 39 seconds. Surrounding whitespace is ignored.
 *
 * @param value The walltime.
 * @param field The name of the field, for the error message.
 * @returns The walltime in whole seconds.
 * @throws {InvalidValueError} For any other form (`"1.5"`, `""`, `"-1"`, `"1 1:10:30"`,
 * `"1:2:3:4:5"`), a later part out of range (`"1:99"`, `"1-24"`), a negative, fractional or non-finite number, or a result beyond
 * `Number.MAX_SAFE_INTEGER`.
 *
 * @example Usage
 * ```ts
 * import { parseTime } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseTime("10"), 600);
 * assert.equal(parseTime("10:30"), 630);
 * assert.equal(parseTime("1:10:30"), 4230);
 * assert.equal(parseTime("1-1:10:30"), 90630);
 * assert.equal(parseTime(90), 5400);
 * assert.throws(() => parseTime("1.5"), /Invalid value for "time": "1.5"/);
 * assert.throws(() => parseTime("1:99"), /Invalid value for "time": "1:99"/);
 * ```
 */
export function parseTime(value: string | number, field = "time"): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidValueError(field, value, ACCEPTED_TIME);
    }
    return checked(value * MINUTE, value, field);
  }
  if (typeof value !== "string") throw new InvalidValueError(field, value, ACCEPTED_TIME);
  const text = value.trim();
  for (const [pattern, units] of TIME_FORMS) {
    const match = pattern.exec(text);
    if (!match) continue;
    let seconds = 0;
    units.forEach((unit, index) => {
      const part = Number(match[index + 1]);
      // A later part counts units of the one before it: it must stay below one of those.
      if (index > 0 && part * unit >= units[index - 1]!) {
        throw new InvalidValueError(field, value, ACCEPTED_TIME);
      }
      seconds += part * unit;
    });
    return checked(seconds, value, field);
  }
  throw new InvalidValueError(field, value, ACCEPTED_TIME);
}

function checked(seconds: number, value: string | number, field: string): number {
  if (!Number.isSafeInteger(seconds)) throw new InvalidValueError(field, value, ACCEPTED_TIME);
  return seconds;
}
