/**
 * Settings files: shared defaults for many job scripts, in YAML, with an `attributes:` and a
 * `resources:` section (the original's INI model). A parsed {@linkcode Settings} object is plain
 * data; pass it as `defaults` to each `JobScript` — there is no global state.
 *
 * @module
 */

import { ClusterjobError, describeValue, InvalidValueError } from "../core/errors.ts";
import { PORTABLE_RESOURCES, type ResourcesInput } from "../core/resources.ts";
import { nearestWords } from "../core/_edit_distance.ts";
import { allowedEdits, misspeltPortableKeys } from "./_pass_through.ts";
import { alternatives } from "./_words.ts";
import { type DefaultAttributes, isJobOption, type JobScriptDefaults } from "./options.ts";
import {
  ATTRIBUTE_CHECKS,
  checkAttributes,
  checkResources,
  isMapping,
  type KeyProblem,
  lineInBlock,
  lineOf,
  parseYamlText,
  readBoundedText,
} from "./_yaml_keys.ts";

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

const SECTIONS = ["attributes", "resources"];

/**
 * Parses and validates settings from YAML text.
 *
 * ```yaml
 * attributes:            # any of: backend shell remote rootdir workdir prologue epilogue
 *   backend: slurm       #   auxScripts maxSleepInterval vars cacheFolder cachePrefix strict markers
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
  const fail: KeyProblem = (problem, key, line, cause) => {
    throw new SettingsError(
      source,
      problem,
      key,
      line,
      cause === undefined ? undefined : { cause },
    );
  };
  const document = parseYamlText(text, source, fail);
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
  checkAttributes(
    attributes,
    {
      attribute: (key) => lineOf(text, "attributes", key),
      variable: (name) => lineInBlock(text, lineOf(text, "attributes", "vars"), name),
    },
    unknownAttribute,
    fail,
  );
  checkResources(resources, "settings", (key) => lineOf(text, "resources", key), fail);
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
 * @throws {InvalidValueError} When `text` or `source` is not a string.
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
  const fail: KeyProblem = (problem, _key, _line, cause) => {
    throw new SettingsError(
      path,
      problem,
      undefined,
      undefined,
      cause === undefined ? undefined : {
        cause,
      },
    );
  };
  let text: string;
  try {
    text = await readBoundedText(path, "a settings file", fail);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return fail("cannot read the file: no such file", undefined, undefined, error);
  }
  return parseSettings(text, path);
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
