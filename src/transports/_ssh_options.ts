/**
 * Checks of `SshTransport` options: the `-o` options a user may add (host-key checking may not
 * be switched off, the shared connection is the transport's own), file modes and positive
 * numbers. Internal module.
 *
 * @module
 */

import { InvalidValueError } from "../core/errors.ts";

/** Validates user-supplied `-o` options; host-key checking may not be switched off. */
export function checkedExtraOptions(
  extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra ?? {})) {
    const field = `extraOptions.${key}`;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) {
      throw new InvalidValueError("extraOptions", key, "ssh_config keywords such as ProxyJump");
    }
    if (typeof value !== "string" || /[\n\r\0]/.test(value)) {
      throw new InvalidValueError(field, value, "a single-line string");
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

/** A file mode as octal digits for `chmod`/`mkdir -m`. */
export function checkedMode(mode: number): string {
  if (!(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777)) {
    throw new InvalidValueError("mode", mode, "an integer from 0 to 0o7777");
  }
  return mode.toString(8);
}

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
