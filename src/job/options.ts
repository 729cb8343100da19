/**
 * The options of a `JobScript`: their types, and {@linkcode JOB_OPTIONS}, the one table that
 * says for each option how it is checked, its fallback, whether a settings file may set it (and
 * with which type), whether `with()` merges it, and whether `{option}` renders it. `JobScript`,
 * `JobScript.with` and `parseSettings` all read the table; a test holds the docs to it.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";
import { checkCacheName } from "../core/_cache_name.ts";
import { InvalidValueError } from "../core/errors.ts";
import type { ResourcesInput } from "../core/resources.ts";
import type { BackendRegistry } from "../../backends/registry.ts";
import {
  boolean,
  directory,
  fileName,
  interpreter,
  isBoolean,
  isMapOf,
  isNumber,
  isOptionalString,
  isString,
  merged,
  optionalFunction,
  pathString,
  positiveSeconds,
  remoteHost,
  requireString,
  scriptText,
  type SettingCheck,
} from "./_checks.ts";
import type { WarningHandler } from "./job_warning.ts";
import { MisspelledKeyError } from "./key_errors.ts";
import { nearestWords } from "../core/_edit_distance.ts";
import { allowedEdits } from "./_pass_through.ts";

/**
 * The value of a user placeholder (`vars`).
 *
 * @example Usage
 * ```ts
 * import { JobScript, type VarValue } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const trajectories: VarValue = 100;
 * const job = new JobScript({ name: "a", body: "run --n {trajectories}", vars: { trajectories } });
 * assert.ok(job.render().endsWith("run --n 100\n"));
 * ```
 */
export type VarValue = string | number | boolean;

/**
 * Options of a {@linkcode JobScript}. Only `name` and `body` are required.
 *
 * @example Usage
 * ```ts
 * import { JobScript, type JobScriptOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: JobScriptOptions = { name: "hello", body: "echo hello", backend: "lsf" };
 * assert.equal(new JobScript(options).filename, "hello.lsf");
 * ```
 */
export interface JobScriptOptions {
  /** Job name (no newlines). */
  name: string;
  /** The shell script. Common indentation, leading blank lines and trailing whitespace are removed. */
  body: string;
  /** Backend object, or the name of one in `registry`. Default `"slurm"`. */
  backend?: string | Backend;
  /** Where backend names are looked up. Default: the built-in backends. */
  registry?: BackendRegistry;
  /** Interpreter for the `#!` line added to scripts that have none. Default `"/bin/bash"`. */
  shell?: string;
  /** SSH host that runs the scheduler commands; `undefined` or `""` means this machine. */
  remote?: string | undefined;
  /** Root directory on the scheduler host. Default `"."`. */
  rootdir?: string;
  /** Directory relative to `rootdir` where scripts are written and submitted. Default `"."`. */
  workdir?: string;
  /** Job script file name. Default `<name>.<backend extension>` (unsafe characters become `_`). */
  filename?: string | undefined;
  /** Script run locally before submission. */
  prologue?: string;
  /** Script run locally once the job is first seen finished. */
  epilogue?: string;
  /** Extra scripts written next to the job script: file name → text; merged over `defaults`. */
  auxScripts?: Readonly<Record<string, string>>;
  /** Upper bound of the polling interval in seconds. Default 900. */
  maxSleepInterval?: number;
  /** Resources; merged key by key over `defaults.resources`. */
  resources?: ResourcesInput;
  /** User placeholders: `{key}` in any script renders the value; merged over `defaults`. */
  vars?: Readonly<Record<string, VarValue>>;
  /** Local folder for cached runs; `undefined` or `""` disables the cache. */
  cacheFolder?: string | undefined;
  /** File name prefix of cached runs. Default `"clusterjob"`. */
  cachePrefix?: string;
  /**
   * Receives each warning (a pass-through resource the backend's scheduler does not list).
   * Default: `console.warn`; `() => {}` silences them.
   */
  onWarning?: WarningHandler | undefined;
  /** Warnings are errors (`UnknownKeyError`). Default `false`. */
  strict?: boolean;
  /**
   * The job records its start and end in marker files next to its scripts
   * (`.clusterjob/<name>/`), read when the scheduler no longer knows it. Default `true`;
   * only scripts run by a POSIX shell carry them.
   */
  markers?: boolean;
  /** Defaults (e.g. a `Settings` object) for every option not given here. */
  defaults?: JobScriptDefaults;
}

/**
 * Job attributes that can be shared by many job scripts, e.g. read from a settings file (see
 * `parseSettings`): the options {@linkcode JOB_OPTIONS} gives a settings check.
 *
 * @example Usage
 * ```ts
 * import { type DefaultAttributes, JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const attributes: DefaultAttributes = { backend: "pbs", remote: "login.cluster.edu", rootdir: "~/jobs" };
 * const job = new JobScript({ name: "a", body: "true", defaults: { attributes } });
 * assert.equal(job.scriptPath(), "~/jobs/a.pbs");
 * ```
 */
export type DefaultAttributes = Partial<
  Pick<
    JobScriptOptions,
    | "backend"
    | "shell"
    | "remote"
    | "rootdir"
    | "workdir"
    | "prologue"
    | "epilogue"
    | "auxScripts"
    | "maxSleepInterval"
    | "vars"
    | "cacheFolder"
    | "cachePrefix"
    | "strict"
    | "markers"
  >
>;

/**
 * Defaults for many job scripts: attributes and resources that apply where a job's own options
 * do not say otherwise. A `Settings` object read from a YAML file is one.
 *
 * @example Usage
 * ```ts
 * import { type JobScriptDefaults, JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const cluster: JobScriptDefaults = {
 *   attributes: { backend: "pbs", rootdir: "~/jobs" },
 *   resources: { queue: "exec", mem: "10G" },
 * };
 * const job = new JobScript({ defaults: cluster, name: "a", body: "echo a", resources: { mem: "2G" } });
 * assert.equal(job.backend.name, "pbs");
 * assert.equal(job.resources.queue, "exec");
 * assert.equal(job.resources.memMB, 2048);
 * ```
 */
export interface JobScriptDefaults {
  /** Default attributes (options of {@linkcode JobScriptOptions}). */
  readonly attributes?: Readonly<DefaultAttributes>;
  /** Default resources, merged key by key beneath the job's own. */
  readonly resources?: Readonly<ResourcesInput>;
}

/**
 * Changes for `JobScript.with`: any option but `defaults`.
 *
 * @example Usage
 * ```ts
 * import { JobScript, type JobScriptOverrides } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const overrides: JobScriptOverrides = { name: "run2", resources: { time: "2:00:00" } };
 * const job = new JobScript({ name: "run1", body: "true", resources: { queue: "q" } }).with(overrides);
 * assert.equal(job.name, "run2");
 * assert.deepEqual(job.resourcesInput, { queue: "q", time: "2:00:00" });
 * ```
 */
export type JobScriptOverrides = Partial<Omit<JobScriptOptions, "defaults">>;

/** What the table says about one option. */
export interface JobOption {
  /** The option's documentation: the doc comment of its {@linkcode JobScriptOptions} member. */
  readonly doc: string;
  /** Checks and normalises a value (the option's own, its default attribute, or `fallback`). */
  readonly check?: (field: string, value: unknown) => unknown;
  /** The value when neither the job nor its default attributes give one. */
  readonly fallback?: unknown;
  /** A settings file (and `defaults.attributes`) may set the option: the type it must have there. */
  readonly setting?: SettingCheck;
  /** An object merged key by key: over its default, and over the current value by `with()`. */
  readonly merge?: true;
  /** `{option}` renders the job's value with this (`undefined`: no value, look further). */
  readonly placeholder?: (value: never) => string | undefined;
  /** `false`: `with()` refuses the option. */
  readonly with?: false;
}

const text = (value: string | number | undefined): string | undefined =>
  value === undefined ? undefined : String(value);

/** The options of a `JobScript`, in the order of {@linkcode JobScriptOptions}. */
export const JOB_OPTIONS = {
  name: { doc: "Job name (no newlines).", check: requireString, placeholder: text },
  body: {
    doc:
      "The shell script. Common indentation, leading blank lines and trailing whitespace are removed.",
    check: scriptText,
  },
  backend: {
    doc: 'Backend object, or the name of one in `registry`. Default `"slurm"`.',
    fallback: "slurm",
    setting: isString,
    placeholder: (backend: Backend): string => backend.name,
  },
  registry: { doc: "Where backend names are looked up. Default: the built-in backends." },
  shell: {
    doc: 'Interpreter for the `#!` line added to scripts that have none. Default `"/bin/bash"`.',
    check: interpreter,
    fallback: "/bin/bash",
    setting: isString,
    placeholder: text,
  },
  remote: {
    doc: 'SSH host that runs the scheduler commands; `undefined` or `""` means this machine.',
    check: remoteHost,
    setting: isOptionalString,
    placeholder: text,
  },
  rootdir: {
    doc: 'Root directory on the scheduler host. Default `"."`.',
    check: directory,
    fallback: ".",
    setting: isString,
    placeholder: text,
  },
  workdir: {
    doc: 'Directory relative to `rootdir` where scripts are written and submitted. Default `"."`.',
    check: directory,
    fallback: ".",
    setting: isString,
    placeholder: text,
  },
  filename: {
    doc:
      "Job script file name. Default `<name>.<backend extension>` (unsafe characters become `_`).",
    check: fileName,
    placeholder: text,
  },
  prologue: {
    doc: "Script run locally before submission.",
    check: scriptText,
    fallback: "",
    setting: isString,
  },
  epilogue: {
    doc: "Script run locally once the job is first seen finished.",
    check: scriptText,
    fallback: "",
    setting: isString,
  },
  auxScripts: {
    doc: "Extra scripts written next to the job script: file name → text; merged over `defaults`.",
    merge: true,
    setting: isMapOf("file names to script text", isString),
  },
  maxSleepInterval: {
    doc: "Upper bound of the polling interval in seconds. Default 900.",
    check: positiveSeconds,
    fallback: 900,
    setting: isNumber,
    placeholder: text,
  },
  resources: { doc: "Resources; merged key by key over `defaults.resources`.", merge: true },
  vars: {
    doc: "User placeholders: `{key}` in any script renders the value; merged over `defaults`.",
    merge: true,
    // Names and values are then checked by JobScript's own rule (`userVars`).
    setting: isMapOf("placeholder names to strings, numbers or booleans", () => undefined),
  },
  cacheFolder: {
    doc: 'Local folder for cached runs; `undefined` or `""` disables the cache.',
    check: (field: string, value: unknown): string | undefined =>
      pathString(field, value) || undefined,
    fallback: "",
    setting: isOptionalString,
    placeholder: text,
  },
  cachePrefix: {
    doc: 'File name prefix of cached runs. Default `"clusterjob"`.',
    check: checkCacheName,
    fallback: "clusterjob",
    setting: isString,
    placeholder: text,
  },
  onWarning: {
    doc:
      "Receives each warning (a pass-through resource the backend's scheduler does not list).\nDefault: `console.warn`; `() => {}` silences them.",
    check: (field: string, value: unknown): WarningHandler | undefined =>
      optionalFunction<WarningHandler>(field, value),
  },
  strict: {
    doc: "Warnings are errors (`UnknownKeyError`). Default `false`.",
    check: boolean,
    fallback: false,
    setting: isBoolean,
  },
  markers: {
    doc:
      "The job records its start and end in marker files next to its scripts\n(`.clusterjob/<name>/`), read when the scheduler no longer knows it. Default `true`;\nonly scripts run by a POSIX shell carry them.",
    check: boolean,
    fallback: true,
    setting: isBoolean,
  },
  defaults: {
    doc: "Defaults (e.g. a `Settings` object) for every option not given here.",
    with: false,
  },
} as const satisfies { readonly [K in keyof JobScriptOptions]-?: JobOption };

/** The name of a job option. */
export type JobOptionName = keyof typeof JOB_OPTIONS;

type Table = typeof JOB_OPTIONS;
type CheckedName = { [K in JobOptionName]: Table[K] extends { check: unknown } ? K : never }[
  JobOptionName
];
type SettingName = { [K in JobOptionName]: Table[K] extends { setting: unknown } ? K : never }[
  JobOptionName
];
type MergedName = { [K in JobOptionName]: Table[K] extends { merge: true } ? K : never }[
  JobOptionName
];

// `DefaultAttributes` names exactly the options the table lets a settings file set.
const _attributesMatchTable: [SettingName, keyof DefaultAttributes] extends
  [keyof DefaultAttributes, SettingName] ? true : never = true;

/** The option names, in table order. */
export const OPTION_NAMES: readonly JobOptionName[] = Object.keys(JOB_OPTIONS) as JobOptionName[];

/** The options a settings file (and `defaults.attributes`) may set, in table order. */
export const SETTABLE_OPTIONS: readonly JobOptionName[] = OPTION_NAMES.filter((name) =>
  (JOB_OPTIONS[name] as JobOption).setting !== undefined
);

/** Whether `name` is an option of the table. */
export function isJobOption(name: string): name is JobOptionName {
  return Object.hasOwn(JOB_OPTIONS, name);
}

/**
 * Throws for a key of `options` that is not a job option (keys whose value is `undefined` are
 * passed over when `skipUndefined`).
 */
export function rejectUnknownOptions(options: object, skipUndefined = false): void {
  for (const [key, value] of Object.entries(options)) {
    if (isJobOption(key) || (skipUndefined && value === undefined)) continue;
    const accepted = `one of ${OPTION_NAMES.join(", ")}`;
    // Compared without case, "_" or "-": `work_dir`, `WorkDir` and `cache-folder` are near misses.
    const plain = (name: string): string => name.toLowerCase().replace(/[_-]/g, "");
    const byPlain = new Map(OPTION_NAMES.map((name) => [plain(name), name]));
    const near = nearestWords(plain(key), byPlain.keys(), allowedEdits).slice(0, 3)
      .map((name) => byPlain.get(name)!);
    if (near.length > 0) {
      throw new MisspelledKeyError("options", key, near, accepted, `Expected ${accepted}`);
    }
    throw new InvalidValueError("options", key, accepted);
  }
}

/**
 * The value of option `name` for a job: its own, else its default attribute (for options a
 * settings file may set), else the table's fallback. Only `undefined` falls through: a `null`
 * is an error.
 */
export function optionValue(name: JobOptionName, options: JobScriptOptions): unknown {
  const own = options[name];
  if (own !== undefined) return own;
  const option: JobOption = JOB_OPTIONS[name];
  if (option.setting !== undefined) {
    const attribute = options.defaults?.attributes?.[name as SettingName];
    if (attribute !== undefined) return attribute;
  }
  return option.fallback;
}

/** The checked and normalised value of option `name` (see {@linkcode optionValue}). */
export function checkedOption<K extends CheckedName>(
  name: K,
  options: JobScriptOptions,
): ReturnType<Table[K]["check"]> {
  const check = JOB_OPTIONS[name].check as (field: string, value: unknown) => unknown;
  return check(name, optionValue(name, options)) as ReturnType<Table[K]["check"]>;
}

/**
 * The value of a merged option: its default (`defaults.resources` for resources, the default
 * attribute for the others) overridden key by key by the job's own.
 */
export function mergedOption(name: MergedName, options: JobScriptOptions): Record<string, unknown> {
  const base = name === "resources"
    ? options.defaults?.resources
    : options.defaults?.attributes?.[name];
  return merged(name, base, options[name]);
}

/**
 * The options of a changed copy (`JobScript.with`): each option of `current` replaced by its
 * override when one is given (not `undefined`), or merged with it key by key (`merge` options).
 *
 * @throws {InvalidValueError} For an option `with()` refuses (`defaults`), or an unknown one.
 */
export function withOverrides(
  current: Readonly<Record<string, unknown>>,
  overrides: JobScriptOverrides,
): JobScriptOptions {
  const refused = OPTION_NAMES.filter((name) => (JOB_OPTIONS[name] as JobOption).with === false);
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    throw new InvalidValueError("overrides", overrides, "an object of JobScript options");
  }
  for (const name of refused) {
    if (name in overrides) {
      throw new InvalidValueError(
        "options",
        name,
        `any JobScript option but ${refused.join(", ")}`,
      );
    }
  }
  rejectUnknownOptions(overrides, true);
  const given = overrides as Readonly<Record<string, unknown>>;
  const next: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const option: JobOption = JOB_OPTIONS[name];
    if (option.with === false) continue;
    next[name] = option.merge
      ? merged(name, current[name], given[name])
      : given[name] !== undefined
      ? given[name]
      : current[name];
  }
  return next as unknown as JobScriptOptions;
}

/** The text of placeholder `{name}` from the job's value of that option, if it is one. */
export function optionPlaceholder(
  name: string,
  value: (name: JobOptionName) => unknown,
): string | undefined {
  if (!isJobOption(name)) return undefined;
  const option: JobOption = JOB_OPTIONS[name];
  return option.placeholder === undefined
    ? undefined
    : (option.placeholder as (value: unknown) => string | undefined)(value(name));
}
