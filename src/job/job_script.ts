/**
 * {@linkcode JobScript}: a shell script with portable resources, written once and rendered for
 * any scheduler.
 *
 * @module
 */

import { join } from "node:path/posix";
import type { Backend } from "../core/backend.ts";
import { type BackendRegistry, builtinBackends } from "../../backends/registry.ts";
import { assembleScript } from "../core/_script_text.ts";
import { markerFolder, markersPrelude, runsPosixShell } from "../core/_markers.ts";
import type { AsyncResult } from "../run/async_result.ts";
import { InvalidValueError } from "../core/errors.ts";
import { resolveResources, type Resources, type ResourcesInput } from "../core/resources.ts";
import { type SubmitOptions, submitPlan } from "../run/submit.ts";
import { renderTemplate } from "../core/template.ts";
import {
  auxScripts,
  backendRegistry,
  checkDefaults,
  defaultFilename,
  requireString,
  resolveBackend,
  scriptText,
} from "./_checks.ts";
import { checkSubmitOptions } from "../run/_run_checks.ts";
import {
  checkedOption,
  isJobOption,
  JOB_OPTIONS,
  type JobOptionName,
  type JobScriptOptions,
  type JobScriptOverrides,
  mergedOption,
  optionPlaceholder,
  optionValue,
  rejectUnknownOptions,
  SETTABLE_OPTIONS,
  type VarValue,
  withOverrides,
} from "./options.ts";
import { planSubmission } from "./plan_submission.ts";
import { userVars } from "./_user_vars.ts";
import type { JobWarning, WarningHandler } from "./job_warning.ts";
import {
  knownOptionsOf,
  rejectMisspeltKeys,
  strictError,
  unknownKeyWarnings,
} from "./_pass_through.ts";

export type {
  DefaultAttributes,
  JobScriptDefaults,
  JobScriptOptions,
  JobScriptOverrides,
  VarValue,
} from "./options.ts";

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
 * `{workdir:q}` gives the value as one quoted shell word: use it wherever a value is an
 * argument in shell code (`rsync -a {workdir:q}/ …`), so that a space or a `$(…)` in it stays
 * inert text. An unknown placeholder is a `TemplateError` naming it, the script (body, prologue,
 * epilogue or aux script) and the line.
 *
 * Pass-through resources (any key but the portable ones) are checked against the portable keys
 * and the backend's table of what its scheduler accepts (`Backend.knownOptions`):
 *
 * - a key that looks like a misspelt portable key is a `MisspelledKeyError` ("did you mean
 *   …?"): one at most 1 edit (Damerau–Levenshtein: insert, delete, replace, swap two
 *   neighbours) from `ppn`, `mem`, `time` or `gpus`, at most 2 from `queue`, `nodes`,
 *   `threads`, `stdout`, `stderr` or `account`, ignoring case and leading dashes (`ppm`,
 *   `quene`, `thread`, `--Mem`), or another scheduler's name for one (`memory`, `walltime`,
 *   `partition`, `output`, `error`; `cpus`, `ncpus`, `cores`, `ncores` for `ppn`/`threads`) —
 *   unless the backend's table lists it (`pmem` on Torque, `--nodes` on SLURM);
 * - a key the table does not list gives a {@linkcode JobWarning} to `onWarning` (default
 *   `console.warn`; a copy made by `with()` does not repeat a warning its original gave to the
 *   same handler), or, with `strict: true`, an `UnknownKeyError`. Keys set to `false`/`null`
 *   render nothing and are not warned about.
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
  /** The handler of warnings, or `undefined` for the default (`console.warn`). */
  readonly onWarning: WarningHandler | undefined;
  /** Whether warnings are errors. */
  readonly strict: boolean;
  /**
   * Whether the rendered script records its start and end in marker files (the `markers`
   * option, and a script run by a POSIX shell: a `#!/usr/bin/env python3` body has none).
   */
  readonly markers: boolean;
  /** The warnings about this job (given to `onWarning` at construction). */
  readonly warnings: readonly JobWarning[];

  readonly #filenameOption: string | undefined;
  readonly #headers: readonly string[];

  /**
   * Builds and validates a job script.
   *
   * @param options The job's options.
   * @throws {InvalidValueError} For an unknown option, a value of the wrong type or form, an
   * unknown backend name, or resources the backend cannot express.
   * @throws {MisspelledKeyError} For an unknown option or pass-through resource that looks like
   * a misspelling of a known one.
   * @throws {UnknownKeyError} With `strict: true`, for a pass-through resource the backend's
   * scheduler does not list.
   * @throws {BackendError} For a malformed Backend object.
   */
  constructor(options: JobScriptOptions) {
    if (typeof options !== "object" || options === null) {
      throw new InvalidValueError("options", options, "an object of JobScript options");
    }
    rejectUnknownOptions(options);
    checkDefaults(options.defaults, SETTABLE_OPTIONS);
    this.registry = backendRegistry("registry", options.registry) ?? builtinBackends;
    this.name = checkedOption("name", options);
    this.body = checkedOption("body", options);
    this.backend = resolveBackend(optionValue("backend", options), this.registry);
    this.shell = checkedOption("shell", options);
    this.remote = checkedOption("remote", options);
    this.rootdir = checkedOption("rootdir", options);
    this.workdir = checkedOption("workdir", options);
    this.#filenameOption = checkedOption("filename", options);
    this.filename = this.#filenameOption ?? defaultFilename(this.name, this.backend);
    this.prologue = checkedOption("prologue", options);
    this.epilogue = checkedOption("epilogue", options);
    this.auxScripts = auxScripts("auxScripts", mergedOption("auxScripts", options), this.filename);
    this.maxSleepInterval = checkedOption("maxSleepInterval", options);
    this.resourcesInput = Object.freeze(mergedOption("resources", options) as ResourcesInput);
    const resources = resolveResources(this.name, this.resourcesInput);
    const table = knownOptionsOf(this.backend);
    rejectMisspeltKeys(resources.extra, table === undefined ? [] : [table]);
    const interpreter = interpreterOf(this.body, this.shell);
    if (interpreter !== undefined) resources.interpreter = interpreter;
    resources.extra.forEach((entry) => Object.freeze(entry));
    Object.freeze(resources.extra);
    this.resources = Object.freeze(resources);
    this.vars = userVars(mergedOption("vars", options));
    this.cacheFolder = checkedOption("cacheFolder", options);
    this.cachePrefix = checkedOption("cachePrefix", options);
    this.onWarning = checkedOption("onWarning", options);
    this.strict = checkedOption("strict", options);
    this.markers = checkedOption("markers", options) &&
      runsPosixShell(this.body.split("\n", 1)[0] ?? "", this.shell);
    // Render the headers now, so resources the backend cannot express fail at construction.
    this.#headers = Object.freeze(this.backend.renderHeaders(this.resources));
    const warnings = unknownKeyWarnings(this.backend, this.resources);
    if (this.strict && warnings[0] !== undefined) throw strictError(warnings[0]);
    this.warnings = Object.freeze(warnings.map(({ warning }) => warning));
    const handler = this.onWarning ?? defaultWarningHandler;
    const reported = (options as { [REPORTED]?: Reported })[REPORTED];
    for (const warning of this.warnings) {
      if (reported?.handler === handler && reported.messages.has(warning.message)) continue;
      handler(warning);
    }
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
    const prelude = this.markers
      ? markersPrelude({
        jobName: this.name,
        idVariable: this.backend.envVars.CLUSTERJOB_ID,
        // Not an array job: no task index (LSF's LSB_JOBINDEX is 0 then, SGE's SGE_TASK_ID
        // "undefined"); array jobs name theirs (CLUSTERJOB_ARRAY_INDEX, the shared contract).
      })
      : [];
    return assembleScript(this.#renderText(this.body, "body"), this.shell, [
      ...this.#headers,
      ...prelude,
    ]);
  }

  /**
   * Renders a script other than the job script (prologue, epilogue, an aux script) by the same
   * rules, without headers.
   *
   * @param text The script text (normalised like `body`).
   * @param script What the script is, named in errors (`"prologue"`, `"epilogue"`); default
   * `"script"`.
   * @returns The rendered script, ending with a newline.
   * @throws {TemplateError} For an unknown placeholder (naming it, `script` and the line).
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "a", body: "true", remote: "hpc", rootdir: "~/jobs", workdir: "run 1" });
   * assert.equal(
   *   job.renderScript("rsync -av {workdir:q}/ {remote}:{rootdir:q}/{workdir:q}"),
   *   "#!/bin/bash\nrsync -av 'run 1'/ hpc:~/jobs/'run 1'\n",
   * );
   * ```
   */
  renderScript(text: string, script = "script"): string {
    const normalized = scriptText("text", text);
    return assembleScript(
      this.#renderText(normalized, requireString("script", script)),
      this.shell,
      [],
    );
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
      rendered[name] = assembleScript(this.#renderText(text, `auxScripts.${name}`), this.shell, []);
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
    const options: JobScriptOptions & { [REPORTED]?: Reported } = withOverrides(
      this.#options(),
      overrides,
    );
    options[REPORTED] = {
      handler: this.onWarning ?? defaultWarningHandler,
      messages: new Set(this.warnings.map((warning) => warning.message)),
    };
    return new JobScript(options);
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
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "a", body: "true", rootdir: "~/jobs/", workdir: "run1" });
   * assert.equal(job.workingDirectory(), "~/jobs/run1");
   * assert.equal(job.with({ workdir: "/scratch/run1" }).workingDirectory(), "/scratch/run1");
   * ```
   */
  workingDirectory(): string {
    return joinPaths(this.rootdir, this.workdir);
  }

  /**
   * The folder on the scheduler host where the job writes its marker files,
   * `<workingDirectory>/.clusterjob/<name>` (the name with unsafe characters as `_`), or
   * `undefined` when it writes none (`markers: false`, or a script not run by a shell).
   *
   * @returns The POSIX path, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { JobScript } from "@clusterjob/clusterjob";
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "fit 1", body: "true", rootdir: "~/jobs", workdir: "run1" });
   * assert.equal(job.markerFolder(), "~/jobs/run1/.clusterjob/fit_1");
   * assert.equal(job.with({ markers: false }).markerFolder(), undefined);
   * assert.ok(job.render().includes("__cj_mark start"));
   * assert.ok(!job.with({ markers: false }).render().includes("__cj_"));
   * ```
   */
  markerFolder(): string | undefined {
    return this.markers ? markerFolder(this.workingDirectory(), this.name) : undefined;
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
   * import assert from "node:assert/strict";
   *
   * const job = new JobScript({ name: "a", body: "true", rootdir: "~/jobs", workdir: "run1" });
   * assert.equal(job.scriptPath(), "~/jobs/run1/a.slr");
   * assert.equal(job.with({ filename: "/tmp/a.sh" }).scriptPath(), "/tmp/a.sh");
   * ```
   */
  scriptPath(): string {
    return joinPaths(this.rootdir, this.workdir, this.filename);
  }

  /**
   * Submits the job (see `submitJob`): renders the plan of its submission, writes the scripts on
   * the scheduler host, runs the prologue, submits, and returns the run.
   *
   * @param options Transport, cache id, `force`, `retry`, abort signal.
   * @returns The run.
   *
   * @example Usage
   * ```ts
   * import { JobScript, Status } from "@clusterjob/clusterjob";
   * import { SimCluster } from "@clusterjob/clusterjob/sim";
   * import assert from "node:assert/strict";
   *
   * const cluster = new SimCluster({ scheduler: "pbs", execution: "shell", clock: "virtual" });
   * const run = await new JobScript({ name: "a", body: "echo hi", backend: "pbs" }).submit({ transport: cluster.transport() });
   * assert.equal(run.backend.name, "pbs");
   * assert.equal(await run.wait(), Status.COMPLETED);
   * ```
   */
  async submit(options: SubmitOptions = {}): Promise<AsyncResult> {
    // Before anything is rendered: a misspelt `transport` must not mean "submit here".
    checkSubmitOptions(options);
    options.signal?.throwIfAborted();
    return await submitPlan(await planSubmission(this, options), options);
  }

  #renderText(text: string, script: string): string {
    return renderTemplate(text, {
      envVars: this.backend.envVars,
      lookup: (name) => this.#placeholder(name),
      script,
      unset: (name) => this.#unset(name),
    });
  }

  /** Why `{name}` has no value, when it names something that is there but unset. */
  #unset(name: string): string | undefined {
    if (Object.hasOwn(this.resourcesInput, name)) {
      return `the resource ${JSON.stringify(name)} is null, which gives it no value`;
    }
    if (isJobOption(name) && "placeholder" in JOB_OPTIONS[name]) {
      return `the job attribute ${JSON.stringify(name)} is not set`;
    }
    return undefined;
  }

  #placeholder(name: string): string | undefined {
    if (Object.hasOwn(this.resourcesInput, name)) {
      const value = this.resourcesInput[name];
      if (value !== undefined && value !== null) return String(value);
    }
    const attribute = optionPlaceholder(name, (option) => this[option as keyof this]);
    if (attribute !== undefined) return attribute;
    return Object.hasOwn(this.vars, name) ? String(this.vars[name]) : undefined;
  }

  /** The options of this job as `with()` starts from them: the given file name, not the default. */
  #options(): Record<JobOptionName, unknown> {
    return {
      ...this,
      filename: this.#filenameOption,
      resources: this.resourcesInput,
      defaults: undefined,
    } as unknown as Record<JobOptionName, unknown>;
  }
}

/** The warnings a job's original reported, so that `with()` copies do not repeat them. */
interface Reported {
  readonly handler: WarningHandler;
  readonly messages: ReadonlySet<string>;
}

/** A private option of the copies `with()` makes (a symbol: no option table sees it). */
const REPORTED: unique symbol = Symbol("reported warnings");

function defaultWarningHandler(warning: JobWarning): void {
  console.warn(`clusterjob: ${warning.message}`);
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
