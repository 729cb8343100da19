/**
 * Memory parsing: a number of megabytes or a string with a unit, turned into whole megabytes so
 * every backend can render its own syntax.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/** The forms {@linkcode parseMemory} accepts, for error messages. */
const ACCEPTED_MEMORY =
  'a positive number of megabytes, or a positive number with a unit K, M, G or T and an optional "B" (base 1024), e.g. "512M", "4G", "1.5GB"';

// Size of one unit in megabytes (base 1024, as every scheduler uses).
const UNIT_MB: Readonly<Record<string, number>> = {
  "": 1,
  K: 1 / 1024,
  M: 1,
  G: 1024,
  T: 1024 * 1024,
};

const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(?:([KMGT])B?)?$/i;

/**
 * Parses a memory size into whole megabytes, rounded up.
 *
 * A number means megabytes (as in the original). A string is a number (`"512"` = 512 MB) with an
 * optional unit `K`, `M`, `G` or `T`, case-insensitive, optionally followed by `B`, base 1024:
 * `"512M"`, `"4G"`, `"4GB"`, `"1.5g"`, `"1T"`, `"100K"`. Surrounding whitespace is ignored.
 *
 * @param value The memory size.
 * @param field The name of the field, for the error message.
 * @returns The size in whole megabytes (at least 1).
 * @throws {InvalidValueError} For a zero, negative or non-finite size, an unknown unit
 * (`"4Q"`), an empty string, or a result beyond `Number.MAX_SAFE_INTEGER`.
 *
 * @example Usage
 * ```ts
 * import { parseMemory } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseMemory(100), 100);
 * assert.equal(parseMemory("512M"), 512);
 * assert.equal(parseMemory("4G"), 4096);
 * assert.equal(parseMemory("1.5GB"), 1536);
 * assert.equal(parseMemory("100K"), 1); // rounded up
 * assert.throws(() => parseMemory("4Q"), /Invalid value for "mem": "4Q"/);
 * ```
 */
export function parseMemory(value: string | number, field = "mem"): number {
  let megabytes: number;
  if (typeof value === "number") {
    megabytes = value;
  } else if (typeof value === "string") {
    const match = MEMORY_PATTERN.exec(value.trim());
    if (!match) throw new InvalidValueError(field, value, ACCEPTED_MEMORY);
    megabytes = Number(match[1]) * (UNIT_MB[(match[2] ?? "").toUpperCase()] ?? NaN);
  } else {
    throw new InvalidValueError(field, value, ACCEPTED_MEMORY);
  }
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw new InvalidValueError(field, value, ACCEPTED_MEMORY);
  }
  // toPrecision drops binary noise ("2.2G" is 2252.8000000000002 MB) before rounding up.
  const whole = Math.ceil(Number(megabytes.toPrecision(12)));
  if (!Number.isSafeInteger(whole)) throw new InvalidValueError(field, value, ACCEPTED_MEMORY);
  return whole;
}
