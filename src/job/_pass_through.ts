/**
 * The checks of pass-through resource keys: one that looks like a misspelt portable key is an
 * error ("did you mean …?"); one its backend's table does not list is a warning. Internal
 * module; the rules are documented on `JobScript`.
 *
 * The similarity rule: a key is compared, lower-cased and without leading dashes or a trailing
 * `=`, with each portable key by the Damerau–Levenshtein distance (optimal string alignment);
 * it is a misspelling when it is at most 1 edit from a portable key of up to 4 letters (`ppn`,
 * `mem`, `time`, `gpus`) or at most 2 from a longer one (`queue`, `nodes`, `threads`, `stdout`,
 * `stderr`, `account`), or when it is another scheduler's name for one (`memory`, `walltime`,
 * `partition`, `output`, `error`, `cpus`, `ncpus`, `cores`, `ncores`). A key the backend's table
 * lists (`--nodes`, `pmem` on Torque, `ngpus` on PBS Pro) is never a misspelling.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";
import { isKnownPassThrough, type KnownOptions, type PassThrough } from "../core/known_options.ts";
import { PORTABLE_RESOURCES, type Resources } from "../core/resources.ts";
import { nearestWords } from "../core/_edit_distance.ts";
import { BackendError } from "../../backends/registry.ts";
import type { JobWarning } from "./job_warning.ts";
import { MisspelledKeyError, UnknownKeyError } from "./key_errors.ts";
import { alternatives } from "./_words.ts";

/** The edits a misspelling may be away from a word: 1 for words of up to 4 letters, else 2. */
export function allowedEdits(word: string): number {
  return word.length <= 4 ? 1 : 2;
}

/** Other schedulers' (and people's) names for portable keys, which no edit distance finds. */
const SYNONYMS: ReadonlyMap<string, readonly string[]> = new Map([
  ["memory", ["mem"]],
  ["walltime", ["time"]],
  ["partition", ["queue"]],
  ["output", ["stdout"]],
  ["error", ["stderr"]],
  ["cpus", ["ppn", "threads"]],
  ["ncpus", ["ppn", "threads"]],
  ["cores", ["ppn", "threads"]],
  ["ncores", ["ppn", "threads"]],
]);

const PORTABLE = PORTABLE_RESOURCES.join(", ");

/**
 * The portable keys the pass-through key `key` is probably a misspelling of, nearest first;
 * empty when it is not like any.
 */
export function misspeltPortableKeys(key: string): string[] {
  const bare = key.replace(/^-+/, "").replace(/=$/, "").toLowerCase();
  return [...(SYNONYMS.get(bare) ?? nearestWords(bare, PORTABLE_RESOURCES, allowedEdits))];
}

/** The table of `backend`, checked; `undefined` when it has none. */
export function knownOptionsOf(backend: Backend): KnownOptions | undefined {
  const table = backend.knownOptions as unknown;
  if (table === undefined) return undefined;
  const candidate = table as Partial<Record<keyof KnownOptions, unknown>> | null;
  const valid = typeof candidate === "object" && candidate !== null &&
    typeof candidate.reference === "string" && Array.isArray(candidate.options) &&
    Array.isArray(candidate.resources) && typeof candidate.passThrough === "function";
  if (!valid) {
    throw new BackendError(backend.name, [
      "knownOptions must be an object with reference (a string), options and resources (arrays " +
      "of strings) and passThrough (a function) when given",
    ]);
  }
  return table as KnownOptions;
}

function target(
  table: KnownOptions,
  key: string,
  value: Resources["extra"][number][1],
): PassThrough {
  const found = table.passThrough(key, value) as Partial<{ option: unknown; resource: unknown }>;
  if (typeof found?.option === "string") return { option: found.option };
  if (typeof found?.resource === "string") return { resource: found.resource };
  throw new BackendError(undefined, [
    `knownOptions.passThrough(${JSON.stringify(key)}) must return { option } or { resource }`,
  ]);
}

/**
 * Throws for the first pass-through key that is a misspelling of a portable key, unless one of
 * `exempt` lists it.
 *
 * @throws {MisspelledKeyError} Field `field`, value the key.
 */
export function rejectMisspeltKeys(
  extra: Resources["extra"],
  exempt: readonly KnownOptions[],
  field = "resources",
): void {
  for (const [key, value] of extra) {
    if (exempt.some((table) => isKnownPassThrough(table, key, value))) continue;
    const suggestions = misspeltPortableKeys(key);
    if (suggestions.length === 0) continue;
    throw new MisspelledKeyError(
      field,
      key,
      suggestions,
      `a portable key (${PORTABLE}) or a pass-through key unlike them`,
      `A pass-through key that looks like a portable key (${PORTABLE}) is taken for a mistake ` +
        `rather than passed to the scheduler: rename it to ${alternatives(suggestions)}, or, ` +
        `if the scheduler really has ${JSON.stringify(key)}, add it to the backend's knownOptions`,
    );
  }
}

/** A warning, with the detail `UnknownKeyError` words its message with. */
export interface KeyWarning {
  /** The warning. */
  readonly warning: JobWarning;
  /** What the key renders as and why that is doubtful, continuing "it …". */
  readonly detail: string;
  /** What would have been accepted. */
  readonly accepted: string;
}

const normal = (word: string): string => word.replace(/^-+/, "").toLowerCase().replaceAll("_", "-");

/** Keys of `table` spelt nearly as `key`, nearest first, at most three. */
function nearKnown(table: KnownOptions, key: string): string[] {
  const byNormal = new Map<string, string>();
  for (const word of [...table.options, ...table.resources]) {
    if (!byNormal.has(normal(word))) byNormal.set(normal(word), word);
  }
  return nearestWords(normal(key.replace(/=$/, "")), byNormal.keys(), allowedEdits)
    .slice(0, 3)
    .map((word) => byNormal.get(word)!);
}

/** The header lines `key` adds, for the message; `undefined` when they cannot be told. */
function renderedLines(backend: Backend, resources: Resources, entry: Resources["extra"][number]) {
  try {
    const base = new Set(backend.renderHeaders({ name: resources.name, extra: [] }));
    const lines = backend.renderHeaders({ name: resources.name, extra: [entry] });
    const added = lines.filter((line) => !base.has(line));
    return added.length === 0 ? undefined : added.join("; ");
  } catch {
    return undefined;
  }
}

/**
 * The warnings for the pass-through keys of `resources` that `backend`'s table does not list
 * (none without a table; keys set to `false` or `null` render nothing and are passed over).
 *
 * @throws {BackendError} For a malformed table.
 */
export function unknownKeyWarnings(backend: Backend, resources: Resources): KeyWarning[] {
  const table = knownOptionsOf(backend);
  if (table === undefined) return [];
  const warnings: KeyWarning[] = [];
  for (const entry of resources.extra) {
    const [key, value] = entry;
    if (value === false || value === null) continue;
    const rendered = target(table, key, value);
    if (isKnownPassThrough(table, key, value)) continue;
    const suggestions = nearKnown(table, key);
    const [kind, name] = "option" in rendered
      ? ["an option", rendered.option]
      : ["a resource", rendered.resource];
    const lines = renderedLines(backend, resources, entry);
    const hint = suggestions.length > 0 ? ` (did you mean ${alternatives(suggestions)}?)` : "";
    const detail =
      `${lines === undefined ? "passes through" : `renders ${JSON.stringify(lines)}`}` +
      `, but ${JSON.stringify(name)} is not ${kind} ${backend.name}'s scheduler lists ` +
      `(${table.reference}), so it may refuse the job; check the spelling${hint}, or, if your ` +
      `site has it, add ${JSON.stringify(name)} to the backend's knownOptions`;
    warnings.push({
      warning: Object.freeze({
        code: "unknown-key",
        field: "resources",
        key,
        backend: backend.name,
        suggestions: Object.freeze(suggestions),
        message: `Resource ${JSON.stringify(key)} ${detail}`,
      }),
      detail,
      accepted: `an option or resource listed in ${table.reference}`,
    });
  }
  return warnings;
}

/** The error `strict: true` turns a warning into. */
export function strictError(warning: KeyWarning): UnknownKeyError {
  return new UnknownKeyError(warning.warning, warning.accepted, warning.detail);
}
