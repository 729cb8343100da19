/**
 * Paths as the emulated tools resolve them: relative to the caller's working directory.
 *
 * @module
 */

import { isAbsolute, join, normalize } from "node:path/posix";

/** Absolute path of `path` seen from `cwd`, normalised (`.`, `..`, repeated and trailing `/`). */
export function resolvePath(cwd: string, path: string): string {
  const resolved = normalize(isAbsolute(path) ? path : join(cwd, path));
  return resolved.length > 1 && resolved.endsWith("/") ? resolved.slice(0, -1) : resolved;
}
