/**
 * Job files: a `JobScript`'s options in YAML, one job a file, read by `clusterjob render` and
 * `clusterjob submit`.
 *
 * ```yaml
 * # hello.yaml
 * settings: cluster.yaml   # optional: a settings file (attributes/resources), relative to this file
 * name: hello              # required
 * body: |                  # required: the script (a block scalar keeps its lines)
 *   echo "Hello from $CLUSTERJOB_ID"
 *   ./helper.sh {n}
 * backend: slurm           # any option a settings file's "attributes:" may set:
 * rootdir: ~/runs          #   backend shell remote rootdir workdir prologue epilogue auxScripts
 * workdir: hello           #   maxSleepInterval vars cacheFolder cachePrefix strict
 * vars:
 *   n: 10
 * auxScripts:
 *   helper.sh: |
 *     echo "n is $1"
 * resources:               # as JobScript resources
 *   time: "00:10:00"
 *   ppn: 4
 * filename: hello.sh       # per job, like name and body
 * ```
 *
 * Every error is an `InputFileError` naming the file, the key and, where it can be found, the
 * line — as a settings file's errors do (the same reader and checks: `src/job/_yaml_keys.ts`).
 * Errors that come later, when the job is built or rendered (a resource the backend cannot
 * express, an unknown placeholder in the body), are mapped back to the file by
 * {@linkcode JobFile.explain}.
 *
 * @module
 */

import { InvalidValueError } from "../src/core/errors.ts";
import { PORTABLE_RESOURCES } from "../src/core/resources.ts";
import { TemplateError } from "../src/core/template.ts";
import { nearestWords } from "../src/core/_edit_distance.ts";
import { JOB_OPTIONS, type JobOption } from "../src/job/options.ts";
import {
  ATTRIBUTE_CHECKS,
  isMapping,
  lineInBlock,
  lineOf,
  parseYamlText,
} from "../src/job/_yaml_keys.ts";
import { InputFileError } from "./errors.ts";
import { checkedAttributes, checkedResources, fileProblem } from "./_yaml_file.ts";

/** The options each job gives itself (a settings file cannot): checked with the table's rule. */
const PER_JOB = ["name", "body", "filename"] as const;

/** Options no file can give (objects of code). */
const NOT_IN_FILES = ["registry", "onWarning", "defaults"];

/** Every key a job file may have, in the order of the documentation. */
export const JOB_FILE_KEYS: readonly string[] = [
  "settings",
  ...PER_JOB,
  ...ATTRIBUTE_CHECKS.keys(),
  "resources",
];

/**
 * A parsed, checked job file.
 *
 * @example Usage
 * ```ts
 * import { parseJobFile } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const file = parseJobFile("name: a\nbody: |\n  echo {n}\nvars:\n  n: 1\nresources:\n  time: 10\n", "a.yaml");
 * assert.equal(file.options.name, "a");
 * assert.deepEqual(file.options.resources, { time: 10 });
 * assert.throws(() => parseJobFile("name: a\nbody: x\nresources:\n  tiem: 10\n", "a.yaml"), /a\.yaml, line 4/);
 * ```
 */
export class JobFile {
  /** The file, as the user named it (used in every message). */
  readonly path: string;
  /** Its text. */
  readonly text: string;
  /** The job's options as written (checked; `null` values removed). */
  readonly options: Readonly<Record<string, unknown>> & {
    readonly name: string;
    readonly body: string;
  };
  /** The `settings:` reference as written, if any. */
  readonly settings: string | undefined;

  /**
   * Wraps a checked file (use {@linkcode parseJobFile}).
   *
   * @param path The file.
   * @param text Its text.
   * @param options Its checked options.
   * @param settings Its `settings:` reference.
   */
  constructor(
    path: string,
    text: string,
    options: Readonly<Record<string, unknown>> & { readonly name: string; readonly body: string },
    settings: string | undefined,
  ) {
    this.path = path;
    this.text = text;
    this.options = options;
    this.settings = settings;
  }

  /**
   * The line of a key: `"name"`, `"resources.time"`, `"vars.n"`, `"auxScripts.helper.sh"`, or a
   * bare resource key (`"time"`).
   *
   * @param key The key.
   * @returns The 1-based line, when it can be found.
   */
  lineOf(key: string): number | undefined {
    const [head, ...rest] = key.split(".");
    const tail = rest.join(".");
    if (tail !== "" && (head === "vars" || head === "auxScripts")) {
      return lineInBlock(this.text, lineOf(this.text, undefined, head), tail);
    }
    if (head === "resources" && tail !== "") return lineOf(this.text, "resources", tail);
    return lineOf(this.text, undefined, key) ?? lineOf(this.text, "resources", key);
  }

  /**
   * An error of building or rendering this job, as an `InputFileError` that names this file, the
   * key and the line: an `InvalidValueError` (its field is the key: an option, a resource,
   * `vars.n`), a `TemplateError` (its line in the body, prologue, epilogue or aux script, mapped
   * to the file's line when the script is a block scalar). Anything else is returned unchanged.
   *
   * @param error What was thrown.
   * @returns The error to throw.
   */
  explain(error: unknown): unknown {
    if (error instanceof TemplateError) {
      const key = error.script ?? "body";
      const start = this.lineOf(key);
      const line = start === undefined ? undefined : scriptLine(this.text, start, error.line);
      return new InputFileError("job file", this.path, lowerFirst(error.message), key, line, {
        cause: error,
      });
    }
    if (error instanceof InvalidValueError) {
      const named = ["resources", "vars", "auxScripts"].includes(error.field) &&
        typeof error.value === "string";
      const key = named
        ? `${error.field}.${error.value}`
        : Object.hasOwn(this.options.resources ?? {}, error.field)
        ? `resources.${error.field}`
        : error.field === "interpreter"
        ? "body"
        : error.field;
      const at = this.lineOf(key);
      // The interpreter is the body's #! line, its first.
      const line = error.field === "interpreter" && at !== undefined
        ? scriptLine(this.text, at, 1)
        : at;
      return new InputFileError(
        "job file",
        this.path,
        lowerFirst(error.message),
        key,
        line,
        { cause: error },
      );
    }
    return error;
  }
}

/**
 * Parses and checks a job file's text.
 *
 * @param text The YAML text.
 * @param path The file, as the user named it.
 * @returns The job file.
 * @throws {InputFileError} For YAML syntax (or a text beyond the YAML reader's limits), a
 * document that is not a mapping, a missing `name:` or `body:`, an unknown key (with "did you
 * mean …?"), a value of the wrong type or form, a misspelt resource key.
 */
export function parseJobFile(text: string, path: string): JobFile {
  const fail = fileProblem("job file", path);
  const document = parseYamlText(text, path, fail);
  if (document === null) fail('the file is empty; a job file needs at least "name:" and "body:"');
  if (!isMapping(document)) {
    fail('expected a mapping of job options ("name:", "body:", "resources:", …)');
  }
  const given = { ...(document as Record<string, unknown>) };
  const line = (key: string) => lineOf(text, undefined, key);
  for (const key of Object.keys(given)) {
    if (!JOB_FILE_KEYS.includes(key)) fail(unknownKey(key), key, line(key));
  }

  let settings: string | undefined;
  if (given.settings !== undefined && given.settings !== null) {
    if (typeof given.settings !== "string" || given.settings === "") {
      fail(
        '"settings" must be the path of a settings file (relative to this file)',
        "settings",
        line("settings"),
      );
    }
    settings = given.settings as string;
  }
  delete given.settings;

  for (const key of PER_JOB) {
    const value = given[key];
    if (value === undefined || value === null) {
      if (key !== "filename") fail(`missing "${key}:"; a job file needs "name:" and "body:"`, key);
      delete given[key];
      continue;
    }
    try {
      (JOB_OPTIONS[key] as JobOption).check?.(key, value);
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      fail(error.message, key, line(key), error);
    }
  }

  const attributes = checkedAttributes(given, text, line, unknownKey, fail);
  for (const key of ATTRIBUTE_CHECKS.keys()) delete given[key];
  Object.assign(given, attributes);

  const resources = checkedResources(given.resources, String(given.name), {
    block: line("resources"),
    key: (key) => lineOf(text, "resources", key),
  }, fail);
  if (resources === undefined) delete given.resources;
  else given.resources = resources;
  return new JobFile(path, text, Object.freeze(given) as JobFile["options"], settings);
}

/** Why a key is not a job file's: did you mean …?, a resource at the top, an object of code. */
function unknownKey(key: string): string {
  const shown = JSON.stringify(key.slice(0, 100));
  if (NOT_IN_FILES.includes(key)) return `key ${shown} cannot be set in a job file`;
  if (PORTABLE_RESOURCES.includes(key)) {
    return `unknown key ${shown}: it is a resource; put it under "resources:"`;
  }
  // Compared without case, "_" or "-": `cache_folder` and `rootDir` are near misses.
  const plain = (name: string): string => name.toLowerCase().replace(/[_-]/g, "");
  const byPlain = new Map(JOB_FILE_KEYS.map((name) => [plain(name), name]));
  const near = nearestWords(plain(key), byPlain.keys(), (word) => (word.length <= 4 ? 1 : 2))
    .slice(0, 3).map((name) => `"${byPlain.get(name)}"`);
  const expected = `unknown key ${shown}; expected one of ${JOB_FILE_KEYS.join(", ")}`;
  return near.length > 0 ? `${expected}; did you mean ${near.join(" or ")}?` : expected;
}

/**
 * The file line of line `scriptLine` (1-based, of the normalised script) of the script whose
 * key is on line `keyLine`: for a block scalar (`body: |`), its first non-blank line is the
 * script's line 1; for anything else, the key's line.
 */
function scriptLine(text: string, keyLine: number, scriptLine: number): number {
  const lines = text.split(/\r?\n/);
  if (!/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(lines[keyLine - 1] ?? "")) return keyLine;
  let first = keyLine; // index of the line after the key
  while (first < lines.length && (lines[first] ?? "").trim() === "") first++;
  return first + scriptLine;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}
