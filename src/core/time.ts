/**
 * Walltime parsing: the time formats of the original clusterjob (and of SLURM's `--time`),
 * turned into whole seconds so every backend can render its own syntax.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/** The forms {@linkcode parseTime} accepts, for error messages. */
const ACCEPTED_TIME =
  "a whole number of minutes or M:S, H:M:S, D-H, D-H:M, D-H:M:S or D:H:M:S with whole numbers";

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
 * whole number without size limit per part (`"90:00"` is 90 minutes). Surrounding whitespace is
 * ignored.
 *
 * @param value The walltime.
 * @param field The name of the field, for the error message.
 * @returns The walltime in whole seconds.
 * @throws {InvalidValueError} For any other form (`"1.5"`, `""`, `"-1"`, `"1 1:10:30"`,
 * `"1:2:3:4:5"`), a negative, fractional or non-finite number, or a result beyond
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
      seconds += Number(match[index + 1]) * unit;
    });
    return checked(seconds, value, field);
  }
  throw new InvalidValueError(field, value, ACCEPTED_TIME);
}

function checked(seconds: number, value: string | number, field: string): number {
  if (!Number.isSafeInteger(seconds)) throw new InvalidValueError(field, value, ACCEPTED_TIME);
  return seconds;
}
