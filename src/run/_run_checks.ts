/**
 * The checks of what callers hand the run layer: the `AsyncResult` constructor's `init`, the
 * options of `AsyncResult.load` and of a submission, the transport and backend objects. Every
 * bad value is an `InvalidValueError` (or `BackendError`) naming the field and the value before
 * anything runs, so that a misspelt option (`transprot`) is never ignored — an ignored transport
 * would submit through this machine's scheduler instead. Internal module.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";
import { checkCacheName } from "../core/_cache_name.ts";
import { InvalidValueError } from "../core/errors.ts";
import { Status } from "../core/status.ts";
import { CAUSES, isCause } from "../core/cause.ts";
import type { Transport } from "../core/transport.ts";
import { validateBackend } from "../../backends/registry.ts";
import { checkOptionsObject, validateClock, validatePath } from "../transports/_checks.ts";
import { checkSshHost } from "../core/_ssh_host.ts";
import { isMarkerFolderPath, MARKER_FOLDER_ACCEPTED } from "../core/_markers.ts";
import { pollingSettings } from "./_poller.ts";
import type { PollingOptions } from "./run_options.ts";

/** The keys of `AsyncResultInit`. */
const INIT_KEYS = [
  "jobId",
  "backend",
  "transport",
  "jobName",
  "status",
  "state",
  "exitCode",
  "reason",
  "cause",
  "remote",
  "maxSleepInterval",
  "epilogue",
  "epilogueDone",
  "epilogueError",
  "markers",
  "walltime",
  "cacheFile",
  "polling",
];

/** The keys of `LoadOptions`. */
const LOAD_KEYS = ["transport", "backend", "polling"];

/** The keys of `SubmitOptions`. */
const SUBMIT_KEYS = [
  "transport",
  "cacheId",
  "force",
  "retry",
  "signal",
  "cacheFolder",
  "cachePrefix",
  "polling",
];

/** The members every transport has (`close` is optional). */
const TRANSPORT_METHODS = ["run", "writeFile", "readFile", "mkdir", "remove"];

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

function isStatusCode(value: unknown): boolean {
  return (Object.values(Status) as unknown[]).includes(value);
}

/**
 * A backend object: anything else (a backend's name, `undefined`) is an `InvalidValueError`
 * naming `field`; a malformed object is a `BackendError` listing what is wrong with it.
 */
export function checkBackendObject(field: string, value: unknown): Backend {
  if (typeof value !== "object" || value === null) {
    throw new InvalidValueError(
      field,
      value,
      'a Backend object (such as slurm, or builtinBackends.get("slurm"))',
    );
  }
  return validateBackend(value);
}

/** A `Transport`: an object with a `name`, a `clock` and the transport's methods. */
export function checkTransport(field: string, value: unknown): Transport {
  const candidate = value as Record<string, unknown> | null;
  const accepted = "a Transport (LocalTransport, SshTransport, a SimCluster's transport(), or " +
    `an object with name, clock, ${TRANSPORT_METHODS.join(", ")})`;
  if (
    typeof candidate !== "object" || candidate === null || typeof candidate.name !== "string" ||
    TRANSPORT_METHODS.some((method) => typeof candidate[method] !== "function")
  ) {
    throw new InvalidValueError(field, value, accepted);
  }
  validateClock(candidate.clock);
  if (candidate.clock === undefined) throw new InvalidValueError(field, value, accepted);
  return value as Transport;
}

/** Checks the `init` of the `AsyncResult` constructor (all but `jobId`, checked by grammar). */
export function checkInit(init: unknown): void {
  checkOptionsObject("init", init, INIT_KEYS);
  const given = init as Record<string, unknown>;
  checkBackendObject("backend", given.backend);
  checkTransport("transport", given.transport);
  const optional = (field: string, ok: (value: unknown) => boolean, accepted: string): void => {
    const value = given[field];
    if (value !== undefined && !ok(value)) throw new InvalidValueError(field, value, accepted);
  };
  const isString = (value: unknown): boolean => typeof value === "string";
  optional("jobName", isString, "a string");
  optional("status", isStatusCode, "a status code: Status.PENDING (-2) to Status.FAILED (2)");
  optional("state", isString, "a string");
  optional("exitCode", Number.isInteger, "an integer");
  optional("reason", isString, "a string");
  optional("cause", isCause, `one of ${CAUSES.join(", ")}`);
  optional("epilogue", isString, "a string");
  optional("epilogueDone", (value) => typeof value === "boolean", "true or false");
  optional("epilogueError", isString, "a string");
  optional("markers", isMarkerFolderPath, MARKER_FOLDER_ACCEPTED);
  optional(
    "walltime",
    (value) => typeof value === "number" && Number.isFinite(value) && value > 0,
    "a positive number of seconds",
  );
  if (given.remote !== undefined && given.remote !== "") checkSshHost("remote", given.remote);
  if (given.cacheFile !== undefined) validatePath(given.cacheFile as string, "cacheFile");
  pollingSettings(given.polling as PollingOptions | undefined);
}

/** Checks the options of `AsyncResult.load`. */
export function checkLoadOptions(options: unknown): void {
  checkOptionsObject("options", options, LOAD_KEYS);
  const given = options as Record<string, unknown>;
  if (given.transport !== undefined) checkTransport("transport", given.transport);
  if (given.backend !== undefined) checkBackendObject("backend", given.backend);
  pollingSettings(given.polling as PollingOptions | undefined);
}

/** Checks the options of a submission, before anything is rendered, written or run. */
export function checkSubmitOptions(options: unknown): void {
  checkOptionsObject("options", options, SUBMIT_KEYS);
  const given = options as Record<string, unknown>;
  if (given.transport !== undefined) checkTransport("transport", given.transport);
  for (const flag of ["force", "retry"]) {
    const value = given[flag];
    if (value !== undefined && typeof value !== "boolean") {
      throw new InvalidValueError(flag, value, "true or false");
    }
  }
  if (given.signal !== undefined && !(given.signal instanceof AbortSignal)) {
    throw new InvalidValueError("signal", given.signal, "an AbortSignal");
  }
  const folder = given.cacheFolder;
  if (folder !== undefined && (typeof folder !== "string" || CONTROL.test(folder))) {
    throw new InvalidValueError(
      "cacheFolder",
      folder,
      'a path without control characters (newline, tab, NUL, …), or "" for no cache',
    );
  }
  if (given.cacheId !== undefined) checkCacheName("cacheId", given.cacheId);
  if (given.cachePrefix !== undefined) checkCacheName("cachePrefix", given.cachePrefix);
  pollingSettings(given.polling as PollingOptions | undefined);
}
