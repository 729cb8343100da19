/**
 * Settings files: shared defaults for many job scripts, in YAML, with an `attributes:` and a
 * `resources:` section (the original's INI model). A parsed {@linkcode Settings} object is plain
 * data; pass it as `defaults` to each `JobScript` — there is no global state.
 *
 * @module
 */

import { MAX_YAML_BYTES, parseYaml, YamlSyntaxError } from "../core/_yaml.ts";
import { ClusterjobError, describeValue, InvalidValueError } from "../core/errors.ts";
import type { KnownOptions } from "../core/known_options.ts";
import { PORTABLE_RESOURCES, resolveResources, type ResourcesInput } from "../core/resources.ts";
import { nearestWords } from "../core/_edit_distance.ts";
import { builtinBackends } from "../../backends/registry.ts";
import { allowedEdits, misspeltPortableKeys, rejectMisspeltKeys } from "./_pass_through.ts";
import { alternatives } from "./_words.ts";
import type { SettingCheck } from "./_checks.ts";
import {
  type DefaultAttributes,
  isJobOption,
  JOB_OPTIONS,
  type JobOption,
  type JobScriptDefaults,
  OPTION_NAMES,
} from "./options.ts";
import { userVars } from "./_user_vars.ts";
import { MissingPermissionError } from "../core/transport_errors.ts";

/**
 * Validated settings: default attributes and resources, and where they came from. Use it as
 * the `defaults` option of `JobScript`; a job's own options win, and its `resources` and `vars`
 * are merged key by key over the settings' ones.
 *
 * @example Usage
 * ```ts
 * import { JobScript, parseSettings } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const settings = parseSettings(`
 * attributes:
 *   backend: pbs
 *   rootdir: ~/jobs/
 * resources:
 *   queue: exec
 *   mem: 10G
 * `);
 * const job = new JobScript({ defaults: settings, name: "a", body: "echo", resources: { nodes: 2 } });
 * assert.equal(job.backend.name, "pbs");
 * assert.equal(job.rootdir, "~/jobs");
 * assert.deepEqual(job.resourcesInput, { queue: "exec", mem: "10G", nodes: 2 });
 * ```
 */
export interface Settings extends JobScriptDefaults {
  /** Where the settings came from (a file path, or `"<string>"`). */
  readonly source: string;
  /** Default attributes. */
  readonly attributes: Readonly<DefaultAttributes>;
  /** Default resources, in file order. */
  readonly resources: Readonly<ResourcesInput>;
}

/**
 * A settings file is malformed: YAML syntax, an unknown section or attribute, or a value of
 * the wrong type. Names the file, the key and, where known, the line.
 *
 * @example Usage
 * ```ts
 * import { parseSettings, SettingsError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => parseSettings("attributes:\n  colour: blue\n", "cluster.yaml"),
 *   (error) => error instanceof SettingsError && error.key === "colour" && error.line === 2,
 * );
 * ```
 */
export class SettingsError extends ClusterjobError {
  /** The file (or `"<string>"`). */
  readonly source: string;
  /** The offending key (section, attribute or resource key), if any. */
  readonly key: string | undefined;
  /** The 1-based line, when known. */
  readonly line: number | undefined;

  /**
   * Creates the error.
   *
   * @param source The file.
   * @param problem What is wrong, starting lower case.
   * @param key The offending key.
   * @param line The 1-based line.
   * @param options Standard error options (`cause`).
   */
  constructor(
    source: string,
    problem: string,
    key?: string,
    line?: number,
    options?: ErrorOptions,
  ) {
    super(`Invalid settings in ${source}${line ? `, line ${line}` : ""}: ${problem}`, options);
    this.source = source;
    this.key = key;
    this.line = line;
  }
}

/** The attributes a settings file may set (in table order), with the type each must have. */
const ATTRIBUTE_CHECKS: ReadonlyMap<string, SettingCheck> = new Map(
  OPTION_NAMES.flatMap((name) => {
    const { setting }: JobOption = JOB_OPTIONS[name];
    return setting === undefined ? [] : [[name, setting] as const];
  }),
);

const SECTIONS = ["attributes", "resources"];

/**
 * Parses and validates settings from YAML text.
 *
 * ```yaml
 * attributes:            # any of: backend shell remote rootdir workdir prologue epilogue
 *   backend: slurm       #   auxScripts maxSleepInterval vars cacheFolder cachePrefix strict
 *   remote: login.cluster.edu
 *   rootdir: ~/jobs
 *   maxSleepInterval: 60 # a number
 *   strict: true         # unknown pass-through resources are errors, not warnings
 *   prologue: |
 *     rsync -a {workdir:q}/ {remote}:{rootdir:q}/{workdir:q}
 *   vars:                # user placeholders: {module_load}
 *     module_load: module load intel
 * resources:             # validated like JobScript resources
 *   queue: exec
 *   nodes: 1
 *   mem: 10G
 *   exclusive: true      # booleans are booleans
 *   "-A": proj
 * ```
 *
 * `remote: ~` (null) or `remote: ""` means local; `cacheFolder: ~` means no cache. Backend
 * names are checked when a `JobScript` uses the settings (it knows the registry). A resource
 * that looks like a misspelt portable key (`quene`, `memory`) is refused with "did you mean
 * …?" unless a built-in backend's scheduler lists it (`walltime` and `pmem` are Torque's); the
 * job checks it again against its own backend.
 *
 * The text is read with the limits of clusterjob's YAML reader: at most 1 MiB, nesting at
 * most 64 deep, and no anchors (`&name`) or aliases (`*name`) — write values out in full.
 *
 * @param text The YAML text.
 * @param source Where it came from, for error messages.
 * @returns The validated settings (frozen).
 * @throws {SettingsError} For a YAML syntax error, a text beyond the limits, a document that is
 * not a mapping, a section other than `attributes`/`resources`, an unknown or per-job attribute,
 * a value of the wrong type, or a misspelt resource key (the message names the file, the key
 * and, where found, the line).
 * @throws {InvalidValueError} When `text` or `source` is not a string.
 *
 * @example Usage
 * ```ts
 * import { parseSettings } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const settings = parseSettings("attributes:\n  maxSleepInterval: 60\nresources:\n  exclusive: true\n");
 * assert.equal(settings.attributes.maxSleepInterval, 60);
 * assert.equal(settings.resources.exclusive, true);
 * assert.throws(() => parseSettings("attributes:\n  maxSleepInterval: '60'\n"), /must be a number/);
 * ```
 */
export function parseSettings(text: string, source = "<string>"): Settings {
  if (typeof text !== "string") {
    throw new InvalidValueError("text", text, "the text of a YAML settings file (a string)");
  }
  if (typeof source !== "string") {
    throw new InvalidValueError("source", source, "a file name or description (a string)");
  }
  let document: unknown;
  try {
    document = parseYaml(text, source);
  } catch (error) {
    if (!(error instanceof YamlSyntaxError)) throw error;
    const column = error.line > 0 ? ` (column ${error.column})` : "";
    throw new SettingsError(
      source,
      `cannot parse YAML: ${error.problem}${column}`,
      undefined,
      error.line || undefined,
      { cause: error },
    );
  }
  if (document === null) {
    throw new SettingsError(
      source,
      'expected an "attributes:" or "resources:" section, found none',
    );
  }
  if (!isMapping(document)) {
    throw new SettingsError(
      source,
      `expected a mapping with "attributes:" and "resources:" sections, found ${
        describeValue(document)
      }`,
    );
  }
  for (const key of Object.keys(document)) {
    if (!SECTIONS.includes(key)) {
      throw new SettingsError(
        source,
        `unknown section "${key}"; expected "attributes" or "resources"`,
        key,
        lineOf(text, undefined, key),
      );
    }
  }
  const attributes = section(document, "attributes", text, source);
  const resources = section(document, "resources", text, source);
  checkAttributes(attributes, text, source);
  checkResources(resources, text, source);
  return Object.freeze({
    source,
    attributes: Object.freeze(attributes) as Readonly<DefaultAttributes>,
    resources: Object.freeze(resources) as Readonly<ResourcesInput>,
  });
}

/**
 * Reads and validates a YAML settings file (see {@linkcode parseSettings}).
 *
 * @param path The file.
 * @returns The validated settings; `source` is `path`.
 * @throws {SettingsError} When the file is malformed or larger than 1 MiB, or cannot be read
 * (it does not exist, it is a directory, …): the message names the file.
 * @throws {InvalidValueError} When `path` is not a non-empty string without NUL.
 * @throws {MissingPermissionError} When Deno was started without `--allow-read` for the file.
 *
 * @example Usage
 * ```ts
 * import { loadSettings } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile({ suffix: ".yaml" });
 * await Deno.writeTextFile(path, "attributes:\n  backend: lsf\n");
 * const settings = await loadSettings(path);
 * assert.equal(settings.attributes.backend, "lsf");
 * assert.equal(settings.source, path);
 * await Deno.remove(path);
 * ```
 */
export async function loadSettings(path: string): Promise<Settings> {
  return parseSettings(await readBounded(path, MAX_YAML_BYTES), path);
}

/**
 * The text of file `path`, read only as far as `limit` + 1 bytes: a file beyond the limit
 * (or a device that never ends) is refused without reading it all.
 */
async function readBounded(path: string, limit: number): Promise<string> {
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
        action: `Cannot read settings file ${JSON.stringify(path)}`,
        cause: error,
      });
    }
    const problem = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory, not a settings file"
      : error instanceof Deno.errors.NotADirectory
      ? "a folder of its path is a file"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new SettingsError(path, `cannot read the file: ${problem}`, undefined, undefined, {
      cause: error,
    });
  }
  if (length > limit) {
    throw new SettingsError(
      path,
      `the file is larger than ${limit} bytes (1 MiB), the most a settings file may be; is this the right file?`,
    );
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function section(
  document: Record<string, unknown>,
  name: string,
  text: string,
  source: string,
): Record<string, unknown> {
  const value = document[name];
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) {
    throw new SettingsError(
      source,
      `section "${name}" must be a mapping of keys to values`,
      name,
      lineOf(text, undefined, name),
    );
  }
  return { ...value };
}

function checkAttributes(attributes: Record<string, unknown>, text: string, source: string): void {
  for (const [key, value] of Object.entries(attributes)) {
    const line = lineOf(text, "attributes", key);
    const check = ATTRIBUTE_CHECKS.get(key);
    if (check === undefined) {
      throw new SettingsError(source, unknownAttribute(key), key, line);
    }
    const expected = check(value);
    if (expected !== undefined) {
      throw new SettingsError(
        source,
        `attribute "${key}" must be ${expected}, not ${describeValue(value)}`,
        key,
        line,
      );
    }
    if (value === null) attributes[key] = undefined; // null means "not set"
    else if (key === "vars") checkVars(value as Record<string, unknown>, text, source);
    else checkForm(key, value, line, source);
  }
}

/**
 * An attribute by the rule JobScript applies to it (`shell` a safe absolute path, paths without
 * control characters, …), so that a bad value is reported with its file and line. The value
 * is kept as written: the job normalises it.
 */
function checkForm(key: string, value: unknown, line: number | undefined, source: string): void {
  const { check }: JobOption = JOB_OPTIONS[key as keyof typeof JOB_OPTIONS];
  try {
    check?.(key, value);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    throw new SettingsError(source, error.message, key, line, { cause: error });
  }
}

/** `vars` by the rule JobScript applies, so a bad name or value is reported with its line. */
function checkVars(vars: Record<string, unknown>, text: string, source: string): void {
  try {
    userVars(vars);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    // A bad name is reported with field "vars" and the name as the value.
    const name = error.field === "vars" ? String(error.value) : error.field.slice("vars.".length);
    throw new SettingsError(source, error.message, `vars.${name}`, varLine(text, name), {
      cause: error,
    });
  }
}

/** The line of `name` inside `attributes: vars:` (block style), when it can be found. */
function varLine(text: string, name: string): number | undefined {
  const varsLine = lineOf(text, "attributes", "vars");
  if (varsLine === undefined) return undefined;
  const lines = text.split(/\r?\n/);
  const indent = /^\s*/.exec(lines[varsLine - 1] as string)![0].length;
  for (let index = varsLine; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (/^\s*/.exec(line)![0].length <= indent) return undefined; // past the vars mapping
    if (keyPattern(name, "\\s+").test(line)) return index + 1;
  }
  return undefined;
}

function unknownAttribute(key: string): string {
  // An option without a settings check belongs to each job.
  if (isJobOption(key)) {
    return `attribute "${key}" belongs to each job, not to settings`;
  }
  const known = [...ATTRIBUTE_CHECKS.keys()];
  const shown = JSON.stringify(key.slice(0, 100));
  const expected = `unknown attribute ${shown}; expected one of ${known.join(", ")}`;
  // Compared without case, "_" or "-": `cache_folder` and `rootDir` are near misses.
  const plain = (name: string): string => name.toLowerCase().replace(/[_-]/g, "");
  const byPlain = new Map(known.map((name) => [plain(name), name]));
  const near = nearestWords(plain(key), byPlain.keys(), allowedEdits).slice(0, 3)
    .map((name) => byPlain.get(name)!);
  if (near.length > 0) return `${expected}; did you mean ${alternatives(near)}?`;
  // A resource in the wrong section, or a misspelt one.
  if (PORTABLE_RESOURCES.includes(key)) {
    return `unknown attribute ${shown}: it is a resource; put it under "resources:"`;
  }
  const resource = misspeltPortableKeys(key);
  if (resource.length > 0) {
    return `${expected}; did you mean the resource ${
      alternatives(resource)
    }? (resources go under "resources:")`;
  }
  return expected;
}

/** The tables of the built-in backends: a resource any of them lists is not a misspelling. */
const BUILTIN_TABLES: readonly KnownOptions[] = builtinBackends.list().flatMap((backend) =>
  backend.knownOptions === undefined ? [] : [backend.knownOptions]
);

function checkResources(resources: Record<string, unknown>, text: string, source: string): void {
  try {
    const resolved = resolveResources("settings", resources as ResourcesInput);
    rejectMisspeltKeys(resolved.extra, BUILTIN_TABLES);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    // A bad key is reported with field "resources" and the key as the value.
    const key = String(error.field === "resources" ? error.value : error.field);
    throw new SettingsError(source, error.message, key, lineOf(text, "resources", key), {
      cause: error,
    });
  }
}

/**
 * The line of `key` (inside top-level `section`, or at top level), found by a plain text search;
 * `undefined` when the file is written in a form the search does not recognise (flow style).
 */
function lineOf(text: string, section: string | undefined, key: string): number | undefined {
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

/** A line that sets `key` (plain or quoted) after `indent` (a regular expression). */
function keyPattern(key: string, indent: string): RegExp {
  return new RegExp(`^${indent}(?:${escape(key)}|"${escape(key)}"|'${escape(key)}')\\s*:`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
