/**
 * Checks of `SshTransport` options, all at construction: the host (a leading `-` would be read
 * by ssh as an option, a NUL cannot be passed at all, shell metacharacters reach the shell of a
 * `ProxyCommand`), the user, the port, local file paths, numbers, flags, the clock, and the `-o`
 * options a user may add (host-key checking may not be switched off, the shared connection is
 * the transport's own). Internal module.
 *
 * @module
 */

import { InvalidValueError } from "../core/errors.ts";
import { checkSshHost, checkSshUser } from "../core/_ssh_host.ts";
import {
  checkOptionsObject,
  validateBoolean,
  validateClock,
  validateLocalPath,
  validatePositive,
} from "./_checks.ts";

/** The keys of `SshTransportOptions`. */
const SSH_OPTION_KEYS = [
  "host",
  "user",
  "port",
  "configFile",
  "identityFile",
  "sshPath",
  "extraOptions",
  "connectTimeout",
  "interactive",
  "controlPersist",
  "maxSessions",
  "clock",
  "persistentSession",
];

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** The fields of `SshTransportOptions` that are checked here. */
interface CheckedOptions {
  host: unknown;
  user?: unknown;
  port?: unknown;
  configFile?: unknown;
  identityFile?: unknown;
  sshPath?: unknown;
  extraOptions?: unknown;
  connectTimeout?: unknown;
  interactive?: unknown;
  controlPersist?: unknown;
  maxSessions?: unknown;
  clock?: unknown;
  persistentSession?: unknown;
}

/**
 * Checks every option of an `SshTransport`.
 *
 * @param options The options as given.
 * @throws {InvalidValueError} Naming the first bad option and its value.
 */
export function validateSshOptions(options: CheckedOptions): void {
  checkOptionsObject("options", options, SSH_OPTION_KEYS);
  checkSshHost("host", options.host, options.user);
  if (options.user !== undefined) checkSshUser("user", options.user);
  const { port } = options;
  if (
    port !== undefined && !(Number.isInteger(port) && Number(port) >= 1 && Number(port) <= 65535)
  ) {
    throw new InvalidValueError("port", port, "an integer from 1 to 65535");
  }
  if (options.configFile !== undefined) {
    validateLocalPath("configFile", options.configFile, "an ssh_config file");
  }
  if (options.identityFile !== undefined) {
    validateLocalPath("identityFile", options.identityFile, "a private key file");
  }
  if (options.sshPath !== undefined) {
    validateLocalPath("sshPath", options.sshPath, "the ssh program");
  }
  const number = (field: string, value: unknown, accepted: string, whole: boolean): void => {
    if (value !== undefined) validatePositive(field, value as number, accepted, whole);
  };
  number("connectTimeout", options.connectTimeout, "a positive number of milliseconds", false);
  number("controlPersist", options.controlPersist, "a positive whole number of seconds", true);
  number("maxSessions", options.maxSessions, "a positive whole number", true);
  validateBoolean("interactive", options.interactive);
  validateBoolean("persistentSession", options.persistentSession);
  validateClock(options.clock);
}

/**
 * Validates user-supplied `-o` options; host-key checking may not be switched off.
 *
 * @param extra The options as given.
 * @returns A copy.
 * @throws {InvalidValueError} Field `extraOptions` or `extraOptions.<Key>`.
 */
export function checkedExtraOptions(extra: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (extra === undefined) return result;
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
    throw new InvalidValueError(
      "extraOptions",
      extra,
      'an object of ssh_config keywords to values, such as { ProxyJump: "gateway" }',
    );
  }
  for (const [key, value] of Object.entries(extra)) {
    const field = `extraOptions.${key}`;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) {
      throw new InvalidValueError("extraOptions", key, "ssh_config keywords such as ProxyJump");
    }
    if (typeof value !== "string" || CONTROL.test(value)) {
      throw new InvalidValueError(
        field,
        value,
        "a single-line string without NUL or other control characters",
      );
    }
    const lower = key.toLowerCase();
    if (lower === "stricthostkeychecking" && /^(no|off)$/i.test(value.trim())) {
      throw new InvalidValueError(
        field,
        value,
        "yes, ask or accept-new (clusterjob never switches host-key checking off)",
      );
    }
    if (lower === "userknownhostsfile" && value.trim() === "/dev/null") {
      throw new InvalidValueError(
        field,
        value,
        "a real known_hosts file (clusterjob never switches host-key checking off)",
      );
    }
    if (["controlmaster", "controlpath", "controlpersist"].includes(lower)) {
      throw new InvalidValueError(
        field,
        value,
        "no Control* option (SshTransport manages its own shared connection; see controlPersist)",
      );
    }
    result[key] = value;
  }
  return result;
}
