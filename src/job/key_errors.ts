/**
 * Errors for keys that look wrong: a pass-through resource (or an option, or a settings
 * attribute) that is a near miss of a known key, and — with `strict: true` — a pass-through
 * resource the backend's scheduler does not list.
 *
 * @module
 */

import { InvalidValueError } from "../core/errors.ts";
import type { JobWarning } from "./job_warning.ts";
import { alternatives } from "./_words.ts";

/**
 * A key is so close to a known one that it is taken for a misspelling of it: a pass-through
 * resource near a portable key (`ppm` → `ppn`, `quene` → `queue`, `memory` → `mem`), or an
 * unknown `JobScript` option near a real one (`worksdir` → `workdir`). `field` is the object
 * the key is in (`"resources"`, `"options"`), `value` the key as given.
 *
 * @example Usage
 * ```ts
 * import { JobScript, MisspelledKeyError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => new JobScript({ name: "a", body: "true", resources: { ppm: 4 } }),
 *   (error) =>
 *     error instanceof MisspelledKeyError && error.field === "resources" && error.value === "ppm" &&
 *     error.message.startsWith('Invalid value for "resources": "ppm"; did you mean "ppn"?'),
 * );
 * ```
 */
export class MisspelledKeyError extends InvalidValueError {
  /** The keys it is probably a misspelling of, nearest first. */
  readonly suggestions: readonly string[];

  /**
   * Creates the error.
   *
   * @param field The object the key is in (`"resources"`).
   * @param key The key as given.
   * @param suggestions The keys it is probably a misspelling of.
   * @param accepted What would have been accepted.
   * @param advice What to do, as a sentence (appended).
   */
  constructor(
    field: string,
    key: string,
    suggestions: readonly string[],
    accepted: string,
    advice: string,
  ) {
    super(field, key, accepted);
    this.suggestions = Object.freeze([...suggestions]);
    this.message = `Invalid value for "${field}": ${JSON.stringify(key)}; did you mean ${
      alternatives(suggestions)
    }? ${advice}`;
  }
}

/**
 * With `strict: true`, a pass-through resource the backend's scheduler does not list: the
 * warning that would otherwise have gone to `onWarning`, as an error.
 *
 * @example Usage
 * ```ts
 * import { JobScript, UnknownKeyError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => new JobScript({ name: "a", body: "true", backend: "pbs", resources: { exclusive: true }, strict: true }),
 *   (error) => error instanceof UnknownKeyError && error.value === "exclusive" && error.warning.backend === "pbs",
 * );
 * ```
 */
export class UnknownKeyError extends InvalidValueError {
  /** The warning. */
  readonly warning: JobWarning;

  /**
   * Creates the error from the warning.
   *
   * @param warning The warning.
   * @param accepted What would have been accepted.
   * @param detail What the key renders as and why that is doubtful, continuing "it …".
   */
  constructor(warning: JobWarning, accepted: string, detail: string) {
    super(warning.field, warning.key, accepted);
    this.warning = warning;
    this.message = `Invalid value for "${warning.field}": ${
      JSON.stringify(warning.key)
    }; it ${detail} (an error, not a warning, because the job is strict)`;
  }
}
