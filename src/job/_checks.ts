/**
 * The checks of job options: validators that normalise a value or throw `InvalidValueError`
 * (used by `JobScript`), and the type checks a settings file's attributes get (used by
 * `parseSettings`, which leaves the rest to `JobScript`). The options table (`options.ts`) says
 * which option gets which. Internal module.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";
import { check } from "../core/_check.ts";
import { InvalidValueError } from "../core/errors.ts";
import { normalizeScript } from "../core/_script_text.ts";
import { BackendRegistry, validateBackend } from "../../backends/registry.ts";
import { checkSshHost } from "../core/_ssh_host.ts";

const PATH = "a path without control characters (newline, carriage return, tab, NUL, …)";
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * A path (`rootdir`, `workdir`, `filename`, `cacheFolder`): a string without control
 * characters. A newline or NUL cannot be carried by a scheduler directive or a command line
 * intact, and a tab or an escape garbles every message that shows the path; anything else a
 * file name may hold (spaces, quotes, `$`) is fine, because clusterjob quotes paths wherever
 * a shell reads them (and `{workdir:q}` does in scripts).
 */
export function pathString(field: string, value: unknown): string {
  check(typeof value === "string" && !CONTROL.test(value), field, value, PATH);
  return value;
}

const INTERPRETER =
  'an absolute path of letters, digits and "._+-/", optionally followed by arguments of those ' +
  'characters and "=", separated by single spaces, without "#!" (e.g. "/bin/bash", ' +
  '"/bin/bash -l" or "/usr/bin/env python3")';

/**
 * The interpreter of the `#!` line clusterjob writes (`shell`): an absolute path of safe
 * characters, optionally followed by plain arguments. Anything else (`"#!$(…)"`, `"bash"`, a
 * `;`) would put text of the user's choice on the first line of a script a scheduler runs.
 */
export function interpreter(field: string, value: unknown): string {
  check(
    typeof value === "string" && /^\/[A-Za-z0-9._+/-]+(?: [A-Za-z0-9._+/=-]+)*$/.test(value),
    field,
    value,
    INTERPRETER,
  );
  return value;
}

/** A boolean. */
export function boolean(field: string, value: unknown): boolean {
  check(typeof value === "boolean", field, value, "true or false");
  return value;
}

/** A function (a callback option), or `undefined` for the default. */
export function optionalFunction<T extends (...args: never[]) => unknown>(
  field: string,
  value: unknown,
): T | undefined {
  check(value === undefined || typeof value === "function", field, value, "a function");
  return value as T | undefined;
}

/** A string, as given. */
export function requireString(field: string, value: unknown): string {
  check(typeof value === "string", field, value, "a string");
  return value;
}

/** Script text, normalised (dedented, trimmed). */
export function scriptText(field: string, value: unknown): string {
  return normalizeScript(requireString(field, value));
}

/** A backend object, or the name of one in `registry`. */
export function resolveBackend(value: unknown, registry: BackendRegistry): Backend {
  if (typeof value === "string") return registry.get(value);
  check(
    typeof value === "object" && value !== null,
    "backend",
    value,
    `the name of a backend (one of ${registry.names().join(", ")}) or a Backend object`,
  );
  return validateBackend(value);
}

/** The registry backend names are looked up in (`undefined`: the built-in one). */
export function backendRegistry(field: string, value: unknown): BackendRegistry | undefined {
  check(
    value === undefined || value instanceof BackendRegistry,
    field,
    value,
    "a BackendRegistry, such as new BackendRegistry(builtinBackends.list())",
  );
  return value;
}

/**
 * Checks a job's `defaults` (a `Settings` object, or `{ attributes, resources }`): an object of
 * those keys, whose `attributes` names only options a settings file may set (`settable`). The
 * values are checked where the job uses them, by each option's own check.
 */
export function checkDefaults(value: unknown, settable: readonly string[]): void {
  if (value === undefined) return;
  const sections = ["attributes", "resources", "source"];
  check(
    typeof value === "object" && value !== null && !Array.isArray(value),
    "defaults",
    value,
    "an object { attributes, resources }, such as the Settings of loadSettings()",
  );
  for (const key of Object.keys(value)) {
    check(sections.includes(key), "defaults", key, `the keys ${sections.join(", ")}`);
  }
  const { attributes } = value as { attributes?: unknown };
  if (attributes === undefined) return;
  check(
    typeof attributes === "object" && attributes !== null && !Array.isArray(attributes),
    "defaults.attributes",
    attributes,
    "an object of job attributes",
  );
  for (const key of Object.keys(attributes)) {
    check(
      settable.includes(key),
      "defaults.attributes",
      key,
      `attributes a settings file may set: ${settable.join(", ")}`,
    );
  }
}

/**
 * An SSH host, by the rule `SshTransport` applies to its `host` (so a job never accepts a
 * remote that fails only at submission); an empty one means this machine (the original treated
 * `remote =` as a host named ""). Surrounding whitespace is removed.
 */
export function remoteHost(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const host = typeof value === "string" ? value.trim() : value;
  if (host === "") return undefined;
  try {
    checkSshHost(field, host);
  } catch (error) {
    // The message shows the value as given, surrounding whitespace included.
    if (!(error instanceof InvalidValueError) || host === value) throw error;
    throw new InvalidValueError(field, value, error.accepted);
  }
  return host as string;
}

/** A directory; as the original, surrounding whitespace and one trailing slash are removed. */
export function directory(field: string, value: unknown): string {
  let path = pathString(field, value).trim();
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path === "" ? "." : path;
}

/** A file name given by the user, or `undefined` for the default. */
export function fileName(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const name = pathString(field, value);
  check(
    name.trim() !== "" && !name.endsWith("/"),
    field,
    value,
    'a file name (not ending in "/") without control characters',
  );
  return name;
}

/**
 * The default job script file name. Job names may hold anything printable; a file name made
 * from one must stay a plain name that cannot be mistaken for a path or an option.
 */
export function defaultFilename(name: string, backend: Backend): string {
  const safe = name.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^[-.]/, "_");
  return `${safe}.${backend.extension}`;
}

/** A number of seconds above zero. */
export function positiveSeconds(field: string, value: unknown): number {
  check(
    typeof value === "number" && Number.isFinite(value) && value > 0,
    field,
    value,
    "a number of seconds above zero",
  );
  return value;
}

/** Key-wise merge of an option that is an object (`resources`, `vars`, `auxScripts`). */
export function merged(field: string, base: unknown, overrides: unknown): Record<string, unknown> {
  for (const value of [base, overrides]) {
    check(
      value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value)),
      field,
      value,
      "an object of keys and values",
    );
  }
  return { ...(base as object | undefined), ...(overrides as object | undefined) };
}

/** Aux scripts: plain file names (not the job script's) → normalised text. */
export function auxScripts(
  field: string,
  value: Record<string, unknown>,
  filename: string,
): Readonly<Record<string, string>> {
  const scripts: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    check(
      name !== "" && name !== "." && name !== ".." && !name.includes("/") && !CONTROL.test(name) &&
        name !== filename,
      field,
      name,
      `a plain file name (no "/" or control characters; not "." or ".."; not the job script's "${filename}")`,
    );
    scripts[name] = scriptText(`${field}.${name}`, text);
  }
  return Object.freeze(scripts);
}

/**
 * The type check of an attribute in a settings file: `undefined` when the value fits, else what
 * was expected (`"a string"`).
 */
export type SettingCheck = (value: unknown) => string | undefined;

/** A settings attribute that must be a string. */
export const isString: SettingCheck = (value) => typeof value === "string" ? undefined : "a string";

/** A settings attribute that must be a string or null (null: not set). */
export const isOptionalString: SettingCheck = (value) =>
  value === null || typeof value === "string" ? undefined : "a string or null";

/** A settings attribute that must be a boolean. */
export const isBoolean: SettingCheck = (value) =>
  typeof value === "boolean" ? undefined : "true or false";

/** A settings attribute that must be a finite number. */
export const isNumber: SettingCheck = (value) =>
  typeof value === "number" && Number.isFinite(value) ? undefined : "a number";

/** A settings attribute that must be a mapping whose values pass `item`. */
export function isMapOf(what: string, item: SettingCheck): SettingCheck {
  return (value) => {
    const wanted = `a mapping of ${what}`;
    if (typeof value !== "object" || value === null || Array.isArray(value)) return wanted;
    return Object.values(value).every((entry) => item(entry) === undefined) ? undefined : wanted;
  };
}
