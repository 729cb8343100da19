/**
 * Checks of what callers hand a transport (argv, run options, paths, file modes, constructor
 * options), and the translation of Deno's own errors into clusterjob's typed ones. Every bad
 * value is an `InvalidValueError` naming the field and the value before anything runs; a raw
 * Deno `TypeError` (a NUL in an argument) or `NotCapable` never reaches a caller. Internal
 * module.
 *
 * @module
 */

import { dirname } from "node:path";
import { describeValue, InvalidValueError } from "../core/errors.ts";
import type { FileToWrite, RunOptions, WriteFilesOptions } from "../core/transport.ts";
import { type DenoPermission, MissingPermissionError } from "../core/transport_errors.ts";

/** A valid environment variable name (also safe unquoted on the left of `=` in a shell). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Control characters (C0, DEL, C1), NUL and newlines included. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** The keys of {@linkcode RunOptions}. */
const RUN_OPTION_KEYS = ["cwd", "stdin", "env", "timeout", "signal"];

/**
 * Checks environment variable names and values; a bad name would otherwise be dropped or, over
 * SSH, misparsed by the remote shell, and a NUL cannot be passed to a process at all.
 *
 * @param env The variables.
 * @throws {InvalidValueError} When a name is not `[A-Za-z_][A-Za-z0-9_]*` or a value is not a
 *   string without NUL.
 */
export function validateEnv(env: Record<string, string> | undefined): void {
  if (env === undefined) return;
  if (!isPlainObject(env)) {
    throw new InvalidValueError("env", env, "an object of variable names to string values");
  }
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new InvalidValueError(
        "env",
        name,
        "variable names of letters, digits and _ that do not start with a digit",
      );
    }
    if (typeof value !== "string" || value.includes("\0")) {
      throw new InvalidValueError(`env.${name}`, value, "a string without NUL characters");
    }
  }
}

/**
 * Checks a time limit.
 *
 * @param timeout Milliseconds, or undefined for none.
 * @throws {InvalidValueError} When it is not a positive finite number.
 */
export function validateTimeout(timeout: number | undefined): void {
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new InvalidValueError("timeout", timeout, "a positive number of milliseconds");
  }
}

/**
 * Checks a command: a non-empty array of strings, the first naming a program, none holding a
 * NUL (no process can receive one).
 *
 * @param argv The command.
 * @throws {InvalidValueError} Field `argv` or `argv[i]`.
 */
export function validateArgv(argv: readonly string[]): void {
  if (!Array.isArray(argv) || argv.length === 0 || argv[0] === "") {
    throw new InvalidValueError("argv", argv, "a non-empty list whose first item names a program");
  }
  argv.forEach((arg: unknown, i) => {
    if (typeof arg !== "string" || arg.includes("\0")) {
      throw new InvalidValueError(`argv[${i}]`, arg, "a string without NUL characters");
    }
  });
}

/**
 * Checks the options of `Transport.run`: known keys, a `cwd` path, string or bytes for stdin,
 * the environment, the time limit and an `AbortSignal`.
 *
 * @param options The options.
 * @throws {InvalidValueError} Naming the option.
 */
export function validateRunOptions(options: RunOptions): void {
  if (!isPlainObject(options)) {
    throw new InvalidValueError("options", options, `an object with ${RUN_OPTION_KEYS.join(", ")}`);
  }
  checkKeys("options", options, RUN_OPTION_KEYS);
  if (options.cwd !== undefined) validatePath(options.cwd, "cwd");
  const { stdin } = options;
  if (stdin !== undefined && typeof stdin !== "string" && !(stdin instanceof Uint8Array)) {
    throw new InvalidValueError("stdin", stdin, "a string or a Uint8Array");
  }
  validateEnv(options.env);
  validateTimeout(options.timeout);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidValueError("signal", options.signal, "an AbortSignal");
  }
}

/**
 * Checks a path given to a transport: a non-empty string without NUL (no file system has such
 * names).
 *
 * @param path The path.
 * @param field The name shown in the error.
 * @throws {InvalidValueError} When it is not one.
 */
export function validatePath(path: string, field = "path"): void {
  if (typeof path !== "string" || path === "" || path.includes("\0")) {
    throw new InvalidValueError(field, path, "a non-empty path without NUL characters");
  }
}

/**
 * Checks the text given to `writeFile`.
 *
 * @param text The content.
 * @throws {InvalidValueError} When it is not a string.
 */
export function validateText(text: string): void {
  if (typeof text !== "string") throw new InvalidValueError("text", text, "a string");
}

/**
 * A file mode as octal digits for `chmod`/`mkdir -m`.
 *
 * @param mode The mode.
 * @returns Its octal digits.
 * @throws {InvalidValueError} When it is not an integer from 0 to 0o7777.
 */
export function checkedMode(mode: number): string {
  if (!(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777)) {
    throw new InvalidValueError("mode", mode, "an integer from 0 to 0o7777, such as 0o644");
  }
  return mode.toString(8);
}

/**
 * Checks the arguments of `writeFiles`: a list of `{ path, text, mode? }` and options with
 * `directories`.
 *
 * @param files The files.
 * @param options The options.
 * @returns The files with their modes (default `0o644`) and the directories.
 * @throws {InvalidValueError} Naming `files[i].path`, `files[i].text`, `files[i].mode`,
 *   `directories[i]` or the unknown key.
 */
export function checkFileBatch(
  files: readonly FileToWrite[],
  options: WriteFilesOptions,
): { files: { path: string; text: string; mode: number }[]; directories: string[] } {
  if (!Array.isArray(files)) {
    throw new InvalidValueError("files", files, "a list of { path, text, mode }");
  }
  const checked = files.map((file: unknown, i) => {
    if (!isPlainObject(file)) {
      throw new InvalidValueError(`files[${i}]`, file, "an object { path, text, mode }");
    }
    checkKeys(`files[${i}]`, file, ["path", "text", "mode"]);
    const { path, text, mode = 0o644 } = file as FileToWrite;
    validatePath(path, `files[${i}].path`);
    if (typeof text !== "string") {
      throw new InvalidValueError(`files[${i}].text`, text, "a string");
    }
    if (!(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777)) {
      throw new InvalidValueError(`files[${i}].mode`, mode, "an integer from 0 to 0o7777");
    }
    return { path, text, mode };
  });
  if (!isPlainObject(options)) {
    throw new InvalidValueError("options", options, "an object { directories }");
  }
  checkKeys("options", options, ["directories"]);
  const directories = options.directories ?? [];
  if (!Array.isArray(directories)) {
    throw new InvalidValueError("directories", directories, "a list of paths");
  }
  directories.forEach((dir, i) => validatePath(dir, `directories[${i}]`));
  return { files: checked, directories: [...directories] };
}

/**
 * Checks the `options` of `writeFile`/`mkdir`: an object whose only key is `mode`.
 *
 * @param options The options.
 * @returns The mode, if given.
 * @throws {InvalidValueError} Naming `options`, the unknown key or `mode`.
 */
export function fileMode(options: { mode?: number }): number | undefined {
  if (!isPlainObject(options)) {
    throw new InvalidValueError("options", options, "an object { mode }");
  }
  checkKeys("options", options, ["mode"]);
  if (options.mode !== undefined) checkedMode(options.mode);
  return options.mode;
}

/**
 * Checks a positive number option.
 *
 * @param field The option.
 * @param value Its value.
 * @param accepted What is accepted.
 * @param whole Whether it must be an integer.
 * @throws {InvalidValueError} When it is not a positive finite (whole) number.
 */
export function validatePositive(
  field: string,
  value: number,
  accepted: string,
  whole = false,
): void {
  if (!(Number.isFinite(value) && value > 0 && (!whole || Number.isInteger(value)))) {
    throw new InvalidValueError(field, value, accepted);
  }
}

/**
 * Checks a local file or program path given as an option (`configFile`, `sshPath`): a
 * non-empty string without control characters.
 *
 * @param field The option.
 * @param value Its value.
 * @param what What it names, for the message.
 * @throws {InvalidValueError} When it is not one.
 */
export function validateLocalPath(field: string, value: unknown, what: string): void {
  if (typeof value !== "string" || value.trim() === "" || CONTROL.test(value)) {
    throw new InvalidValueError(
      field,
      value,
      `the path of ${what}: a non-empty string without NUL, newlines or other control characters`,
    );
  }
}

/**
 * Checks a boolean option.
 *
 * @param field The option.
 * @param value Its value.
 * @throws {InvalidValueError} When it is neither true nor false.
 */
export function validateBoolean(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new InvalidValueError(field, value, "true or false");
  }
}

/**
 * Checks a `clock` option: an object with `now()` and `sleep()`.
 *
 * @param value The option.
 * @throws {InvalidValueError} Field `clock`.
 */
export function validateClock(value: unknown): void {
  if (value === undefined) return;
  const clock = value as { now?: unknown; sleep?: unknown } | null;
  if (
    typeof clock !== "object" || clock === null || typeof clock.now !== "function" ||
    typeof clock.sleep !== "function"
  ) {
    throw new InvalidValueError("clock", value, "a Clock (an object with now() and sleep())");
  }
}

/**
 * Checks that an options object is one and has only known keys, so a misspelt option
 * (`identity_file`) is an error instead of being ignored.
 *
 * @param field The name of the object in messages.
 * @param options The object.
 * @param known Its keys.
 * @throws {InvalidValueError} Naming `field` (not an object) or the unknown key.
 */
export function checkOptionsObject(
  field: string,
  options: unknown,
  known: readonly string[],
): void {
  if (!isPlainObject(options)) {
    throw new InvalidValueError(field, options, `an object with any of ${known.join(", ")}`);
  }
  checkKeys(field, options, known);
}

function checkKeys(field: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidValueError(
        `${field}.${key}`,
        (options as Record<string, unknown>)[key],
        `no such option; the options are ${known.join(", ")}`,
      );
    }
  }
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `error` is Deno's refusal for a permission the process was not started with. */
export function isMissingPermission(error: unknown): boolean {
  return error instanceof Deno.errors.NotCapable;
}

/**
 * Turns Deno's `NotCapable` error into a {@linkcode MissingPermissionError}: the permission and
 * its target are read from Deno's message ("Requires write access to "/x", run again with the
 * --allow-write flag"), falling back to what the call needed.
 *
 * @param transport The transport's name.
 * @param error Deno's error.
 * @param needed The permission the call needed, and its target.
 * @param action What could not be done (`Cannot write file "/x"`).
 * @param narrow The narrowest flag value (a directory for files); default: the target.
 * @returns The typed error.
 */
export function permissionError(
  transport: string,
  error: unknown,
  needed: { permission: DenoPermission; target: string },
  action?: string,
  narrow?: string,
): MissingPermissionError {
  const said = error instanceof Error ? error.message : "";
  const match = /Requires (\w+) access to (.+?), run again with the --allow-(\w+) flag/.exec(said);
  const permission = (match?.[3] ?? needed.permission) as DenoPermission;
  const given = match?.[2]?.replace(/^"(.*)"$/, "$1");
  // The call's own target when Deno means it (Deno may name a temporary file, or write `<TMP>`);
  // else the one Deno names (a rename needs read access too).
  const target = permission === needed.permission || given === undefined || given.startsWith("<")
    ? needed.target
    : given;
  const narrowest = permission === needed.permission
    ? narrow
    : permission === "read" || permission === "write"
    ? dirname(target)
    : undefined;
  return new MissingPermissionError(transport, permission, target, {
    action: action ?? `Cannot ${permission} ${describeValue(target)}`,
    ...(narrowest !== undefined ? { narrow: narrowest } : {}),
    cause: error,
  });
}
