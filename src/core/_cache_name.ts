/**
 * The one rule for the words a cache file name is made of (prefix and cache id).
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+=-]*$/;

/**
 * Checks that `value` is a plain file-name word, so `<prefix>.<cacheId>.json` can never point
 * outside the cache folder or hide as a dot file.
 *
 * @throws {InvalidValueError} Naming `field` when it is not.
 */
export function checkCacheName(field: string, value: unknown): string {
  if (typeof value !== "string" || !SAFE_NAME.test(value)) {
    throw new InvalidValueError(
      field,
      value,
      "a non-empty name of letters, digits and _ . @ + = - that does not start with . or -",
    );
  }
  return value;
}
