/**
 * What settings files and job files share: reading a YAML file within clusterjob's limits, the
 * line a key sits on, and the checks of attributes (the options a settings file may set) and
 * resources, each reported through the caller's error (a `SettingsError`, a job file's error)
 * with the key and its line. Internal module: `settings.ts` uses it, and so does the command
 * line's job file reader.
 *
 * Lines are found by a plain text search: a key written in block style (`key: value`, plain or
 * quoted, at the expected indentation) is found; in flow style (`{ key: value }`) it is not, and
 * the error then names no line.
 *
 * @module
 */

import { MAX_YAML_BYTES, parseYaml, YamlSyntaxError } from "../core/_yaml.ts";
import { describeValue, InvalidValueError } from "../core/errors.ts";
import type { KnownOptions } from "../core/known_options.ts";
import { resolveResources, type ResourcesInput } from "../core/resources.ts";
import { builtinBackends } from "../../backends/registry.ts";
import { rejectMisspeltKeys } from "./_pass_through.ts";
import type { SettingCheck } from "./_checks.ts";
import { JOB_OPTIONS, type JobOption, OPTION_NAMES } from "./options.ts";
import { userVars } from "./_user_vars.ts";
import { MissingPermissionError } from "../core/transport_errors.ts";

/**
 * Reports a problem of a YAML text: throws the caller's error. `problem` starts lower case;
 * `key` and `line` (1-based) name where it is, when known.
 */
export type KeyProblem = (
  problem: string,
  key?: string,
  line?: number,
  cause?: unknown,
) => never;

/** The largest YAML file read, in bytes (that of the YAML reader). */
export const MAX_YAML_FILE_BYTES: number = MAX_YAML_BYTES;

/**
 * Parses one YAML document; a syntax error (or a text beyond the reader's limits) is reported
 * as `cannot parse YAML: <problem> (column N)` at its line.
 */
export function parseYamlText(text: string, source: string, fail: KeyProblem): unknown {
  try {
    return parseYaml(text, source);
  } catch (error) {
    if (!(error instanceof YamlSyntaxError)) throw error;
    const column = error.line > 0 ? ` (column ${error.column})` : "";
    return fail(
      `cannot parse YAML: ${error.problem}${column}`,
      undefined,
      error.line || undefined,
      error,
    );
  }
}

/**
 * The text of file `path`, read only as far as `limit` + 1 bytes: a file beyond the limit (or
 * a device that never ends) is refused without reading it all.
 *
 * @param what What the file is, for the message (`"a settings file"`).
 * @throws {Deno.errors.NotFound} When the file does not exist: the caller words it.
 */
export async function readBoundedText(
  path: string,
  what: string,
  fail: KeyProblem,
  limit: number = MAX_YAML_FILE_BYTES,
): Promise<string> {
  if (typeof path !== "string" || path === "" || path.includes("\0")) {
    throw new InvalidValueError("path", path, "a non-empty path without NUL characters");
  }
  const buffer = new Uint8Array(limit + 1);
  let length = 0;
  try {
    using file = await Deno.open(path, { read: true });
    while (length < buffer.length) {
      const count = await file.read(buffer.subarray(length));
      if (count === null) break;
      length += count;
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new MissingPermissionError("local", "read", path, {
        action: `Cannot read ${what} ${JSON.stringify(path)}`,
        cause: error,
      });
    }
    // A missing file is the caller's to word (a missing config file is no error at all).
    if (error instanceof Deno.errors.NotFound) throw error;
    const problem = error instanceof Deno.errors.IsADirectory
      ? `it is a directory, not ${what}`
      : error instanceof Deno.errors.NotADirectory
      ? "a folder of its path is a file"
      : error instanceof Error
      ? error.message
      : String(error);
    fail(`cannot read the file: ${problem}`, undefined, undefined, error);
  }
  if (length > limit) {
    fail(
      `the file is larger than ${limit} bytes (1 MiB), the most ${what} may be; is this the right file?`,
    );
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}

/** Whether `value` is a YAML mapping (a plain object). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The line of `key` (inside top-level `section`, or at top level), found by a plain text search;
 * `undefined` when the file is written in a form the search does not recognise (flow style).
 */
export function lineOf(text: string, section: string | undefined, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  if (section !== undefined) {
    const header = lines.findIndex((line) => new RegExp(`^${escape(section)}\\s*:`).test(line));
    if (header < 0) return undefined;
    for (let index = header + 1; index < lines.length; index++) {
      const line = lines[index] as string;
      if (/^\S/.test(line) && !line.startsWith("#")) return undefined; // next section
      if (keyPattern(key, "\\s+").test(line)) return index + 1;
    }
    return undefined;
  }
  const found = lines.findIndex((line) => keyPattern(key, "").test(line));
  return found < 0 ? undefined : found + 1;
}

/**
 * The line of `name` inside the block-style mapping whose key is on line `blockLine` (1-based),
 * when it can be found: the next lines indented deeper than that key.
 */
export function lineInBlock(
  text: string,
  blockLine: number | undefined,
  name: string,
): number | undefined {
  if (blockLine === undefined) return undefined;
  const lines = text.split(/\r?\n/);
  const indent = /^\s*/.exec(lines[blockLine - 1] ?? "")![0].length;
  for (let index = blockLine; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (/^\s*/.exec(line)![0].length <= indent) return undefined; // past the mapping
    if (keyPattern(name, "\\s+").test(line)) return index + 1;
  }
  return undefined;
}

/** A line that sets `key` (plain or quoted) after `indent` (a regular expression). */
function keyPattern(key: string, indent: string): RegExp {
  return new RegExp(`^${indent}(?:${escape(key)}|"${escape(key)}"|'${escape(key)}')\\s*:`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The attributes a settings file may set (in table order), with the type each must have. */
export const ATTRIBUTE_CHECKS: ReadonlyMap<string, SettingCheck> = new Map(
  OPTION_NAMES.flatMap((name) => {
    const { setting }: JobOption = JOB_OPTIONS[name];
    return setting === undefined ? [] : [[name, setting] as const];
  }),
);

/** Where the keys of an attributes mapping are, for messages. */
export interface AttributeLines {
  /** The line of attribute `key`. */
  attribute(key: string): number | undefined;
  /** The line of placeholder `name` inside `vars`. */
  variable(name: string): number | undefined;
}

/**
 * Checks attributes (the options a settings file may set) in place: each known (else
 * `unknown(key)` is the problem), of the type the options table gives, and of the form
 * `JobScript` requires (`shell` a safe absolute path, `vars` names and values, …). A `null`
 * value becomes `undefined` ("not set"). Values are kept as written: the job normalises them.
 */
export function checkAttributes(
  attributes: Record<string, unknown>,
  lines: AttributeLines,
  unknown: (key: string) => string,
  fail: KeyProblem,
): void {
  for (const [key, value] of Object.entries(attributes)) {
    const line = lines.attribute(key);
    const check = ATTRIBUTE_CHECKS.get(key);
    if (check === undefined) fail(unknown(key), key, line);
    const expected = check!(value);
    if (expected !== undefined) {
      fail(`attribute "${key}" must be ${expected}, not ${describeValue(value)}`, key, line);
    }
    if (value === null) attributes[key] = undefined; // null means "not set"
    else if (key === "vars") checkVars(value as Record<string, unknown>, lines, fail);
    else checkForm(key, value, line, fail);
  }
}

/** An attribute by the rule JobScript applies to it, reported with its line. */
function checkForm(key: string, value: unknown, line: number | undefined, fail: KeyProblem): void {
  const { check }: JobOption = JOB_OPTIONS[key as keyof typeof JOB_OPTIONS];
  try {
    check?.(key, value);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    fail(error.message, key, line, error);
  }
}

/** `vars` by the rule JobScript applies, so a bad name or value is reported with its line. */
function checkVars(vars: Record<string, unknown>, lines: AttributeLines, fail: KeyProblem): void {
  try {
    userVars(vars);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    // A bad name is reported with field "vars" and the name as the value.
    const name = error.field === "vars" ? String(error.value) : error.field.slice("vars.".length);
    fail(error.message, `vars.${name}`, lines.variable(name), error);
  }
}

/** The tables of the built-in backends: a resource any of them lists is not a misspelling. */
const BUILTIN_TABLES: readonly KnownOptions[] = builtinBackends.list().flatMap((backend) =>
  backend.knownOptions === undefined ? [] : [backend.knownOptions]
);

/**
 * Checks resources as `JobScript` does (values, forms), and refuses a key that looks like a
 * misspelt portable key unless a built-in backend's scheduler lists it.
 *
 * @param field The name `resolveResources` gives in its messages (`"settings"`).
 * @param line The line of resource `key`.
 */
export function checkResources(
  resources: Record<string, unknown>,
  field: string,
  line: (key: string) => number | undefined,
  fail: KeyProblem,
): void {
  try {
    const resolved = resolveResources(field, resources as ResourcesInput);
    rejectMisspeltKeys(resolved.extra, BUILTIN_TABLES);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    // A bad key is reported with field "resources" and the key as the value.
    const key = String(error.field === "resources" ? error.value : error.field);
    fail(error.message, key, line(key), error);
  }
}
