/**
 * {@linkcode JobScript}: a shell script with portable resources, written once and rendered for
 * any scheduler.
 *
 * @module
 */

import { join } from "node:path/posix";
import type { Backend } from "../core/backend.ts";
import { type BackendRegistry, builtinBackends, validateBackend } from "../../backends/registry.ts";
import { checkCacheName } from "../core/_cache_name.ts";
import { assembleScript, normalizeScript } from "../core/_script_text.ts";
import { userVars } from "./_user_vars.ts";
import type { AsyncResult } from "../run/async_result.ts";
import { InvalidValueError } from "../core/errors.ts";
import { resolveResources, type Resources, type ResourcesInput } from "../core/resources.ts";
import { submitJob, type SubmitOptions } from "../run/submit.ts";
import { renderTemplate } from "../core/template.ts";

/**
 * The value of a user placeholder (`vars`).
 *
 * @example Usage
 * ```ts
 * import type { VarValue } from "@clusterjob/clusterjob";
 * const trajectories: VarValue = 100;
 * console.assert(trajectories === 100);
 * ```
 */
export type VarValue = string | number | boolean;

/**
 * Job attributes that can be shared by many job scripts, e.g. read from a settings file (see
 * `parseSettings`).
 *
 * @example Usage
 * ```ts
 * import type { DefaultAttributes } from "@clusterjob/clusterjob";
 * const attributes: DefaultAttributes = { backend: "pbs", remote: "login.cluster.edu", rootdir: "~/jobs" };
 * console.assert(attributes.backend === "pbs");
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
  >
>;

/**
 * Defaults for many job scripts: attributes and resources that apply where a job's own options
 * do not say otherwise. A `Settings` object read from a YAML file is one.
 *
 * @example Usage
 * ```ts
 * import { type JobScriptDefaults, JobScript } from "@clusterjob/clusterjob";
 *
 * const cluster: JobScriptDefaults = {
 *   attributes: { backend: "pbs", rootdir: "~/jobs" },
 *   resources: { queue: "exec", mem: "10G" },
 * };
 * const job = new JobScript({ defaults: cluster, name: "a", body: "echo a", resources: { mem: "2G" } });
 * console.assert(job.backend.name === "pbs" && job.resources.queue === "exec" && job.resources.memMB === 2048);
 * ```
 */
export interface JobScriptDefaults {
  /** Default attributes (options of {@linkcode JobScriptOptions}). */
  readonly attributes?: Readonly<DefaultAttributes>;
  /** Default resources, merged key by key beneath the job's own. */
  readonly resources?: Readonly<ResourcesInput>;
}

/**
 * Options of a {@linkcode JobScript}. Only `name` and `body` are required.
 *
 * @example Usage
 * ```ts
 * import type { JobScriptOptions } from "@clusterjob/clusterjob";
 * const options: JobScriptOptions = { name: "hello", body: "echo hello", backend: "lsf" };
 * console.assert(options.backend === "lsf");
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
  /** Defaults (e.g. a `Settings` object) for every option not given here. */
  defaults?: JobScriptDefaults;
}

/**
 * Changes for {@linkcode JobScript.with}: any option but `defaults`.
 *
 * @example Usage
 * ```ts
 * import type { JobScriptOverrides } from "@clusterjob/clusterjob";
 * const overrides: JobScriptOverrides = { name: "run2", resources: { time: "2:00:00" } };
 * console.assert(overrides.name === "run2");
 * ```
 */
export type JobScriptOverrides = Partial<Omit<JobScriptOptions, "defaults">>;

const OPTION_NAMES: ReadonlySet<string> = new Set([
  "name",
  "body",
  "backend",
  "registry",
  "shell",
  "remote",
  "rootdir",
  "workdir",
  "filename",
  "prologue",
  "epilogue",
  "auxScripts",
  "maxSleepInterval",
  "resources",
  "vars",
  "cacheFolder",
  "cachePrefix",
  "defaults",
]);

const SINGLE_LINE = "a string without newlines or NUL characters";

/**
 * A job script: a shell body plus name, resources and attributes, rendered for one scheduler.
 * Immutable: {@linkcode JobScript.with} returns a changed copy. All options are validated when
 * the object is built, so bad input throws at once.
 *
 * Scripts are rendered with the rules of `renderTemplate`: core variables such as
 * `$CLUSTERJOB_ID` become the scheduler's own, and `{placeholder}` takes its value from the
 * resources as the user gave them (`{queue}`, `{time}` → `"1:00:00"`, `{threads}`), then the
 * job's attributes (`{name}`, `{backend}`, `{shell}`, `{remote}`, `{rootdir}`, `{workdir}`,
 * `{filename}`, `{maxSleepInterval}`, `{cacheFolder}`, `{cachePrefix}`), then `vars`.
 *
 * @example Render a job script
 * ```ts
 * import { JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const job = new JobScript({
 *   name: "hello",
 *   body: "echo Hello from $CLUSTERJOB_ID on {queue}",
 *   resources: { queue: "debug", time: "00:05:00", nodes: 1 },
 * });
 * const script = job.render();
 * assert.ok(script.startsWith("#!/bin/bash\n#SBATCH "));
 * assert.ok(script.endsWith("echo Hello from $SLURM_JOB_ID on debug\n"));
 * assert.equal(job.filename, "hello.slr");
 * assert.equal(job.with({ backend: "pbs" }).filename, "hello.pbs");
 * ```
 */
export class JobScript {
  /** Job name. */
  readonly name: string;
  /** The shell script body, normalised (dedented, trimmed). */
  readonly body: string;
  /** The scheduler backend. */
  readonly backend: Backend;
  /** The registry backend names were looked up in. */
  readonly registry: BackendRegistry;
  /** Interpreter of the added `#!` line. */
  readonly shell: string;
  /** SSH host of the scheduler, or `undefined` for this machine. */
  readonly remote: string | undefined;
  /** Root directory on the scheduler host. */
  readonly rootdir: string;
  /** Working directory relative to `rootdir`. */
  readonly workdir: string;
  /** Job script file name, relative to `rootdir`/`workdir`. */
  readonly filename: string;
  /** Prologue script (normalised); `""` when there is none. */
  readonly prologue: string;
  /** Epilogue script (normalised); `""` when there is none. */
  readonly epilogue: string;
  /** Auxiliary scripts: file name → normalised text. */
  readonly auxScripts: Readonly<Record<string, string>>;
  /** Upper bound of the polling interval in seconds. */
  readonly maxSleepInterval: number;
  /** The validated resources backends render. */
  readonly resources: Resources;
  /** The resources as given (defaults merged), used by placeholders and {@linkcode JobScript.with}. */
  readonly resourcesInput: Readonly<ResourcesInput>;
  /** User placeholders. */
  readonly vars: Readonly<Record<string, VarValue>>;
  /** Local folder for cached runs, or `undefined`. */
  readonly cacheFolder: string | undefined;
  /** File name prefix of cached runs. */
  readonly cachePrefix: string;

  readonly #filenameOption: string | undefined;
  readonly #headers: readonly string[];

  /**
   * Builds and validates a job script.
   *
   * @param options The job's options.
   * @throws {InvalidValueError} For an unknown option, a value of the wrong type or form, an
   * unknown backend name, or resources the backend cannot express.
   * @throws {BackendError} For a malformed Backend object.
   */
  constructor(options: JobScriptOptions) {
    if (typeof options !== "object" || options === null) {
      throw new InvalidValueError("options", options, "an object of JobScript options");
    }
    rejectUnknownOptions(options);
    const defaults = options.defaults ?? {};
    const attributes: Readonly<DefaultAttributes> = defaults.attributes ?? {};
    // An option wins over its default; only `undefined` falls through (a `null` is an error).
    const pick = <K extends keyof DefaultAttributes, D>(key: K, fallback: D) =>
      options[key] !== undefined
        ? options[key]
        : attributes[key] !== undefined
        ? attributes[key]
        : fallback;

    this.registry = options.registry ?? builtinBackends;
    this.name = requireString("name", options.name);
    this.body = normalizeScript(requireString("body", options.body));
    this.backend = resolveBackend(pick("backend", "slurm"), this.registry);
    this.shell = singleLine("shell", pick("shell", "/bin/bash"));
    this.remote = remoteHost(pick("remote", undefined));
    this.rootdir = directory("rootdir", pick("rootdir", "."));
    this.workdir = directory("workdir", pick("workdir", "."));
    this.#filenameOption = options.filename === undefined ? undefined : fileName(options.filename);
    this.filename = this.#filenameOption ?? defaultFilename(this.name, this.backend);
    this.prologue = normalizeScript(requireString("prologue", pick("prologue", "")));
    this.epilogue = normalizeScript(requireString("epilogue", pick("epilogue", "")));
    this.auxScripts = auxScripts(
      merged("auxScripts", attributes.auxScripts, options.auxScripts),
      this.filename,
    );
    this.maxSleepInterval = positiveNumber("maxSleepInterval", pick("maxSleepInterval", 900));
    this.resourcesInput = Object.freeze(
      merged("resources", defaults.resources, options.resources) as ResourcesInput,
    );
    const resources = resolveResources(this.name, this.resourcesInput);
    const interpreter = interpreterOf(this.body, this.shell);
    if (interpreter !== undefined) resources.interpreter = interpreter;
    resources.extra.forEach((entry) => Object.freeze(entry));
    Object.freeze(resources.extra);
    this.resources = Object.freeze(resources);
    this.vars = userVars(merged("vars", attributes.vars, options.vars));
    const cacheFolder = singleLine("cacheFolder", pick("cacheFolder", ""));
    this.cacheFolder = cacheFolder === "" ? undefined : cacheFolder;
    this.cachePrefix = checkCacheName("cachePrefix", pick("cachePrefix", "clusterjob"));
    // Render the headers now, so resources the backend cannot express fail at construction.
    this.#headers = Object.freeze(this.backend.renderHeaders(this.resources));
  }

  /**
   * Renders the job script: the shebang (the body's own `#!` line, or `#!<shell>`), the
   * backend's header lines, then the body with core variables and placeholders rendered.
   *
   * @returns The job script text, ending with a newline.
   * @throws {TemplateError} For an unknown placeholder (naming it and its line in `body`).
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "py", body: "#!/usr/bin/env python3\nprint('hi')", backend: "lsf" });
   * const lines = job.render().split("\n");
   * assert.equal(lines[0], "#!/usr/bin/env python3");
   * assert.ok(lines[1]?.startsWith("#BSUB "));
   * ```
   */
  render(): string {
    return assembleScript(this.#renderText(this.body), this.shell, this.#headers);
  }

  /**
   * Renders a script other than the job script (prologue, epilogue, an aux script) by the same
   * rules, without headers.
   *
   * @param text The script text (normalised like `body`).
   * @returns The rendered script, ending with a newline.
   * @throws {TemplateError} For an unknown placeholder.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "a", body: "true", remote: "hpc", rootdir: "~/jobs", workdir: "run1" });
   * assert.equal(
   *   job.renderScript("rsync -av {workdir}/ {remote}:{rootdir}/{workdir}"),
   *   "#!/bin/bash\nrsync -av run1/ hpc:~/jobs/run1\n",
   * );
   * ```
   */
  renderScript(text: string): string {
    return assembleScript(this.#renderText(normalizeScript(text)), this.shell, []);
  }

  /**
   * Renders every aux script.
   *
   * @returns File name → rendered script.
   * @throws {TemplateError} For an unknown placeholder.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "a", body: "./helper.sh", auxScripts: { "helper.sh": "echo {name}" } });
   * assert.deepEqual(job.renderAuxScripts(), { "helper.sh": "#!/bin/bash\necho a\n" });
   * ```
   */
  renderAuxScripts(): Record<string, string> {
    const rendered: Record<string, string> = {};
    for (const [name, text] of Object.entries(this.auxScripts)) {
      rendered[name] = assembleScript(this.#renderText(text), this.shell, []);
    }
    return rendered;
  }

  /**
   * Returns a copy with some options changed. `resources`, `vars` and `auxScripts` are merged
   * key by key (a resource or var set to `undefined` is removed); an option set to `undefined`
   * keeps its current value. A default file name follows a changed name or backend.
   *
   * @param overrides The options to change.
   * @returns A new job script.
   * @throws {InvalidValueError} As the constructor.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const base = new JobScript({ name: "a", body: "echo", resources: { queue: "q", time: 10 } });
   * const longer = base.with({ name: "b", resources: { time: 60 } });
   * assert.equal(longer.resources.queue, "q");
   * assert.equal(longer.resources.timeSeconds, 3600);
   * assert.equal(base.resources.timeSeconds, 600);
   * ```
   */
  with(overrides: JobScriptOverrides): JobScript {
    if (typeof overrides === "object" && overrides !== null && "defaults" in overrides) {
      throw new InvalidValueError("options", "defaults", "any JobScript option but defaults");
    }
    const given = Object.fromEntries(
      Object.entries(overrides).filter(([, value]) => value !== undefined),
    ) as JobScriptOverrides;
    return new JobScript({
      name: this.name,
      body: this.body,
      backend: this.backend,
      registry: this.registry,
      shell: this.shell,
      remote: this.remote,
      rootdir: this.rootdir,
      workdir: this.workdir,
      filename: this.#filenameOption,
      prologue: this.prologue,
      epilogue: this.epilogue,
      maxSleepInterval: this.maxSleepInterval,
      cacheFolder: this.cacheFolder,
      cachePrefix: this.cachePrefix,
      ...given,
      auxScripts: merged("auxScripts", this.auxScripts, overrides.auxScripts) as Record<
        string,
        string
      >,
      resources: merged("resources", this.resourcesInput, overrides.resources) as ResourcesInput,
      vars: merged("vars", this.vars, overrides.vars) as Record<string, VarValue>,
    });
  }

  /**
   * The directory on the scheduler host where scripts are written and the submit command runs:
   * `rootdir` joined with `workdir` (an absolute `workdir` stands alone).
   *
   * @returns The POSIX path.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * const job = new JobScript({ name: "a", body: "true", rootdir: "~/jobs/", workdir: "run1" });
   * console.assert(job.workingDirectory() === "~/jobs/run1");
   * ```
   */
  workingDirectory(): string {
    return joinPaths(this.rootdir, this.workdir);
  }

  /**
   * The job script's path on the scheduler host: `rootdir`, `workdir` and `filename` joined
   * (POSIX; a later absolute part stands alone).
   *
   * @returns The POSIX path.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * const job = new JobScript({ name: "a", body: "true", rootdir: "~/jobs", workdir: "run1" });
   * console.assert(job.scriptPath() === "~/jobs/run1/a.slr");
   * ```
   */
  scriptPath(): string {
    return joinPaths(this.rootdir, this.workdir, this.filename);
  }

  /**
   * Submits the job (see `submitJob`): writes the scripts on the scheduler host, runs the
   * prologue, submits, and returns the run.
   *
   * @param options Transport, cache id, `force`, `retry`, abort signal.
   * @returns The run.
   *
   * @example Usage
   * ```ts ignore
   * import { JobScript } from "@clusterjob/clusterjob";
   * const run = await new JobScript({ name: "a", body: "echo hi" }).submit();
   * await run.wait();
   * ```
   */
  submit(options?: SubmitOptions): Promise<AsyncResult> {
    return submitJob(this, options);
  }

  #renderText(text: string): string {
    return renderTemplate(text, {
      envVars: this.backend.envVars,
      lookup: (name) => this.#placeholder(name),
    });
  }

  #placeholder(name: string): string | undefined {
    if (Object.hasOwn(this.resourcesInput, name)) {
      const value = this.resourcesInput[name];
      if (value !== undefined && value !== null) return String(value);
    }
    const attribute = this.#attribute(name);
    if (attribute !== undefined) return attribute;
    return Object.hasOwn(this.vars, name) ? String(this.vars[name]) : undefined;
  }

  #attribute(name: string): string | undefined {
    switch (name) {
      case "name":
      case "shell":
      case "remote":
      case "rootdir":
      case "workdir":
      case "filename":
      case "cacheFolder":
      case "cachePrefix":
        return this[name];
      case "backend":
        return this.backend.name;
      case "maxSleepInterval":
        return String(this.maxSleepInterval);
      default:
        return undefined;
    }
  }
}

function rejectUnknownOptions(options: object): void {
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new InvalidValueError("options", key, `one of ${[...OPTION_NAMES].join(", ")}`);
    }
  }
}

function requireString(field: string, value: unknown): string {
  if (typeof value !== "string") throw new InvalidValueError(field, value, "a string");
  return value;
}

function singleLine(field: string, value: unknown): string {
  if (typeof value !== "string" || /[\n\r\0]/.test(value)) {
    throw new InvalidValueError(field, value, SINGLE_LINE);
  }
  return value;
}

function resolveBackend(backend: string | Backend, registry: BackendRegistry): Backend {
  return typeof backend === "string" ? registry.get(backend) : validateBackend(backend);
}

// An empty host means this machine (the original treated `remote =` as a host named "").
function remoteHost(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const host = singleLine("remote", value).trim();
  if (host === "") return undefined;
  if (host.startsWith("-") || /\s/.test(host)) {
    throw new InvalidValueError(
      "remote",
      value,
      "an SSH host name without whitespace, not starting with -",
    );
  }
  return host;
}

// As the original: surrounding whitespace and one trailing slash are removed.
function directory(field: string, value: unknown): string {
  let path = singleLine(field, value).trim();
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path === "" ? "." : path;
}

function fileName(value: unknown): string {
  const name = singleLine("filename", value);
  if (name.trim() === "" || name.endsWith("/")) {
    throw new InvalidValueError(
      "filename",
      value,
      "a file name without newlines or NUL characters",
    );
  }
  return name;
}

// Job names may hold anything printable; a file name made from one must stay a plain name that
// cannot be mistaken for a path or an option.
function defaultFilename(name: string, backend: Backend): string {
  const safe = name.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^[-.]/, "_");
  return `${safe}.${backend.extension}`;
}

/** Key-wise merge of an option that is an object (`resources`, `vars`, `auxScripts`). */
function merged(field: string, base: unknown, overrides: unknown): Record<string, unknown> {
  for (const value of [base, overrides]) {
    if (
      value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))
    ) {
      throw new InvalidValueError(field, value, "an object of keys and values");
    }
  }
  return { ...(base as object | undefined), ...(overrides as object | undefined) };
}

function auxScripts(
  value: Record<string, unknown>,
  filename: string,
): Readonly<Record<string, string>> {
  const scripts: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (
      name === "" || name === "." || name === ".." || /[/\n\r\0]/.test(name) || name === filename
    ) {
      throw new InvalidValueError(
        "auxScripts",
        name,
        `a plain file name (no "/", newline or NUL; not "." or ".."; not the job script's "${filename}")`,
      );
    }
    scripts[name] = normalizeScript(requireString(`auxScripts.${name}`, text));
  }
  return Object.freeze(scripts);
}

function positiveNumber(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidValueError(field, value, "a number of seconds above zero");
  }
  return value;
}

// POSIX join where a later absolute part (or a `~` path) starts over, as os.path.join did.
function joinPaths(...parts: string[]): string {
  let start = 0;
  parts.forEach((part, index) => {
    if (part.startsWith("/") || part === "~" || part.startsWith("~/")) start = index;
  });
  return join(...parts.slice(start));
}

/** The job script's `#!` program when it is a single path (no arguments), else `undefined`. */
function interpreterOf(body: string, shell: string): string | undefined {
  const first = body.split("\n", 1)[0] ?? "";
  const program = first.startsWith("#!") ? first.slice(2).trim() : shell.trim();
  return /^\/[^\s]*$/.test(program) ? program : undefined;
}
