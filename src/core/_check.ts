/**
 * The one shape of a value check: a condition that must hold, or an `InvalidValueError` naming
 * the field, the value and what would have been accepted. Internal module.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/**
 * Throws unless `condition` holds; as an assertion, it narrows `value` like an `if` would.
 *
 * @param condition What must hold.
 * @param field The field that holds the value.
 * @param value The value, named in the error.
 * @param accepted What would have been accepted.
 * @throws {InvalidValueError} When `condition` is false.
 */
export function check(
  condition: boolean,
  field: string,
  value: unknown,
  accepted: string,
): asserts condition {
  if (!condition) throw new InvalidValueError(field, value, accepted);
}
