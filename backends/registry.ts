/**
 * Backend registries: a name → backend map that checks what it is given. No global state: the
 * built-in registry is read-only; extend a copy.
 *
 * @module
 */

import { ClusterjobError, describeValue, InvalidValueError } from "../src/core/errors.ts";
import type { Backend, CoreVariable } from "../src/core/backend.ts";
import { lsf } from "./lsf.ts";
import { pbs } from "./pbs.ts";
import { pbspro } from "./pbspro.ts";
import { sge } from "./sge.ts";
import { slurm } from "./slurm.ts";

/**
 * A value offered as a backend lacks something a backend must have. `problems` lists each
 * missing or malformed member.
 *
 * @example Usage
 * ```ts
 * import { BackendError, JobScript, validateBackend } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => validateBackend({ name: "mine" }),
 *   (error) => error instanceof BackendError && error.problems.some((problem) => problem.includes("renderHeaders")),
 * );
 * assert.throws(() => new JobScript({ name: "a", body: "true", backend: { name: "mine" } as never }), BackendError);
 * ```
 */
export class BackendError extends ClusterjobError {
  /** What is missing or malformed, one entry per member. */
  readonly problems: readonly string[];
  /**
   * Creates the error.
   *
   * @param name The backend's name, if it has one.
   * @param problems What is missing or malformed.
   */
  constructor(name: string | undefined, problems: readonly string[]) {
    super(`Invalid backend${name ? ` "${name}"` : ""}: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

/** The six core variables, in documentation order. */
const CORE_VARIABLES: readonly CoreVariable[] = [
  "CLUSTERJOB_ID",
  "CLUSTERJOB_WORKDIR",
  "CLUSTERJOB_SUBMIT_HOST",
  "CLUSTERJOB_NAME",
  "CLUSTERJOB_NODELIST",
  "CLUSTERJOB_ARRAY_INDEX",
];

const NAME = /^[a-z][a-z0-9_-]*$/;
const METHODS = [
  "renderHeaders",
  "submitCommand",
  "parseJobId",
  "statusCommands",
  "parseStatus",
  "accountingCommands",
  "parseAccounting",
  "cancelCommand",
] as const;

/**
 * Checks that `value` has everything a {@linkcode Backend} needs: a lower-case `name`
 * (`/^[a-z][a-z0-9_-]*$/`), a non-empty `extension` without dots or slashes, a `prefix`
 * starting with `#`, an `envVars` entry for each of the six core variables, every method, and
 * when given a `jobIdGrammar` with an anchored pattern (`^…$`, no `g`/`y` flag).
 *
 * @example Reject a half-built backend
 * ```ts
 * import { BackendError, slurm, validateBackend } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(validateBackend(slurm), slurm);
 * assert.throws(
 *   () => validateBackend({ ...slurm, name: "my-slurm", cancelCommand: undefined }),
 *   (error) => error instanceof BackendError && error.message.includes("cancelCommand"),
 * );
 * ```
 *
 * @param value Anything.
 * @returns `value`, typed as a Backend.
 * @throws {BackendError} Naming every missing or malformed member.
 */
export function validateBackend(value: unknown): Backend {
  if (typeof value !== "object" || value === null) {
    throw new BackendError(undefined, [
      `expected an object, got ${describeValue(value)}`,
    ]);
  }
  const candidate = value as Record<string, unknown>;
  const problems: string[] = [];
  const name = typeof candidate.name === "string" ? candidate.name : undefined;
  if (name === undefined || !NAME.test(name)) {
    problems.push(`name must match ${NAME} (got ${describeValue(candidate.name)})`);
  }
  if (typeof candidate.extension !== "string" || !/^[A-Za-z0-9_-]+$/.test(candidate.extension)) {
    problems.push('extension must be a non-empty string of letters, digits, "_" or "-"');
  }
  if (typeof candidate.prefix !== "string" || !/^#\S*$/.test(candidate.prefix)) {
    problems.push('prefix must be a string starting with "#" without spaces (e.g. "#SBATCH")');
  }
  const poll = candidate.maxPollInterval;
  if (poll !== undefined && (typeof poll !== "number" || !Number.isFinite(poll) || poll <= 0)) {
    problems.push("maxPollInterval must be a positive number of seconds when given");
  }
  for (const optional of ["submitOutcomeUnknown", "submitOutcome", "dialectFor", "causeOf"]) {
    if (candidate[optional] !== undefined && typeof candidate[optional] !== "function") {
      problems.push(`${optional} must be a function when given`);
    }
  }
  const grammar = candidate.jobIdGrammar as
    | { pattern?: unknown; description?: unknown }
    | undefined;
  if (
    grammar !== undefined &&
    (typeof grammar !== "object" || grammar === null || !(grammar.pattern instanceof RegExp) ||
      !grammar.pattern.source.startsWith("^") || !grammar.pattern.source.endsWith("$") ||
      /[gy]/.test(grammar.pattern.flags) || typeof grammar.description !== "string" ||
      grammar.description.trim() === "")
  ) {
    problems.push(
      "jobIdGrammar must be { pattern, description } when given: an anchored RegExp (^…$) " +
        "without the g or y flag, and the accepted form in words",
    );
  }
  const envVars = candidate.envVars;
  if (typeof envVars !== "object" || envVars === null) {
    problems.push(`envVars must be an object with ${CORE_VARIABLES.join(", ")}`);
  } else {
    for (const variable of CORE_VARIABLES) {
      const target = (envVars as Record<string, unknown>)[variable];
      if (typeof target !== "string" || target.trim() === "") {
        problems.push(`envVars.${variable} is missing`);
      }
    }
  }
  for (const method of METHODS) {
    if (typeof candidate[method] !== "function") problems.push(`${method} must be a function`);
  }
  if (problems.length > 0) throw new BackendError(name, problems);
  return value as Backend;
}

/**
 * A set of backends by name. Each instance is independent; nothing is global.
 *
 * The built-in {@linkcode builtinBackends} is read-only; to add your own backend, copy it:
 * `new BackendRegistry(builtinBackends.list()).register(myBackend)`.
 *
 * @example Add a site-specific SGE backend next to the built-ins
 * ```ts
 * import { BackendRegistry, builtinBackends, createSgeBackend } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const registry = new BackendRegistry(builtinBackends.list());
 * registry.register({ ...createSgeBackend({ parallelEnvironment: "omp" }), name: "mysge" });
 * assert.ok(registry.has("mysge") && !builtinBackends.has("mysge"));
 * assert.ok(registry.get("slurm").extension === "slr");
 * ```
 */
export class BackendRegistry {
  readonly #backends = new Map<string, Backend>();
  readonly #frozen: boolean;

  /**
   * Creates a registry holding `backends` (each validated).
   *
   * @param backends Backends to register, e.g. `builtinBackends.list()`.
   * @param options `frozen: true` makes `register` throw (used for the built-in registry).
   * @throws {InvalidValueError} When `backends` is not iterable (an array, a Set, …) or
   * `options` is not `{ frozen?: boolean }`.
   * @throws {BackendError} When a backend is malformed.
   */
  constructor(backends: Iterable<Backend> = [], options: { frozen?: boolean } = {}) {
    const iterable = typeof backends === "object" && backends !== null &&
      typeof (backends as Partial<Iterable<Backend>>)[Symbol.iterator] === "function";
    if (!iterable) {
      throw new InvalidValueError("backends", backends, "a list of Backend objects");
    }
    const frozen = (options as { frozen?: unknown } | null)?.frozen;
    if (
      typeof options !== "object" || options === null ||
      Object.keys(options).some((key) => key !== "frozen") ||
      (frozen !== undefined && typeof frozen !== "boolean")
    ) {
      throw new InvalidValueError("options", options, "{ frozen?: true or false }");
    }
    for (const backend of backends) this.#add(backend);
    this.#frozen = options.frozen ?? false;
  }

  #add(backend: Backend): void {
    const valid = validateBackend(backend);
    this.#backends.set(valid.name, valid);
  }

  /**
   * Adds (or replaces) a backend under its `name`.
   *
   * @param backend The backend.
   * @returns This registry, for chaining.
   * @throws {BackendError} When the backend is malformed.
   * @throws {ClusterjobError} When the registry is read-only.
   */
  register(backend: Backend): this {
    if (this.#frozen) {
      throw new ClusterjobError(
        "Cannot register into a read-only registry: use new BackendRegistry(builtinBackends.list())",
      );
    }
    this.#add(backend);
    return this;
  }

  /**
   * The backend called `name`.
   *
   * @param name A registered name.
   * @returns The backend.
   * @throws {InvalidValueError} For an unknown name, listing the registered ones.
   */
  get(name: string): Backend {
    const backend = this.#backends.get(name);
    if (backend === undefined) {
      throw new InvalidValueError("backend", name, `one of ${this.names().join(", ")}`);
    }
    return backend;
  }

  /**
   * Whether a backend called `name` is registered.
   *
   * @param name A name.
   * @returns `true` when registered.
   */
  has(name: string): boolean {
    return this.#backends.has(name);
  }

  /**
   * The registered names, sorted.
   *
   * @returns The names.
   */
  names(): string[] {
    return [...this.#backends.keys()].sort();
  }

  /**
   * The registered backends, in name order.
   *
   * @returns The backends.
   */
  list(): Backend[] {
    return this.names().map((name) => this.#backends.get(name)!);
  }
}

/**
 * The five built-in backends (`lsf`, `pbs`, `pbspro`, `sge`, `slurm`) in a read-only
 * registry: `register` throws, so no code can change what another module sees.
 *
 * @example Look up a backend, or extend a copy
 * ```ts
 * import { BackendRegistry, builtinBackends } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(builtinBackends.names().join() === "lsf,pbs,pbspro,sge,slurm");
 * const mine = new BackendRegistry(builtinBackends.list());
 * assert.ok(mine.get("pbspro").prefix === "#PBS");
 * ```
 */
export const builtinBackends: BackendRegistry = new BackendRegistry(
  [slurm, pbs, pbspro, lsf, sge],
  { frozen: true },
);
