/**
 * The one rule for user placeholders (`vars`), shared by `JobScript` and `parseSettings`:
 * names are identifiers, values are strings (without NUL), finite numbers or booleans.
 *
 * @module
 */

import { InvalidValueError } from "../core/errors.ts";
import type { VarValue } from "./options.ts";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks `value` as `vars` and returns a frozen copy without `undefined` entries.
 *
 * @throws {InvalidValueError} Field `vars` (value: the key) for a name that is not an
 * identifier; field `vars.<key>` for a value of the wrong type or a string with a NUL.
 */
export function userVars(value: Record<string, unknown>): Readonly<Record<string, VarValue>> {
  const vars: Record<string, VarValue> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (!IDENTIFIER.test(key)) {
      throw new InvalidValueError(
        "vars",
        key,
        "placeholder names that are identifiers ([A-Za-z_][A-Za-z0-9_]*)",
      );
    }
    // A NUL cannot be part of a shell word or an argument: `{key:q}` could not keep it.
    if (
      !(typeof item === "string" && !item.includes("\0")) && typeof item !== "boolean" &&
      !(typeof item === "number" && Number.isFinite(item))
    ) {
      throw new InvalidValueError(
        `vars.${key}`,
        item,
        "a string without NUL characters, a finite number or a boolean",
      );
    }
    vars[key] = item;
  }
  return Object.freeze(vars);
}
