/**
 * The rule for SSH hosts and user names: the one check for every place a host enters
 * (`SshTransport`'s `host` and `user`, a job's `remote`, a cached run's `remote`), so that a host
 * one of them accepts is never refused by another later. A host is a host name, an IP address or
 * an ssh_config alias — never something ssh would read as an option (`-oProxyCommand=…`) or a
 * shell would read as code. Internal module.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/** Characters of a host name, an IP address (v6 with a `%zone`) or a plain ssh_config alias. */
const HOST_CHARS = /^[\p{L}\p{N}._%:+-]+$/u;
/** Characters of a user name. */
const USER_CHARS = /^[\p{L}\p{N}._-]+$/u;
/** Control characters (C0, DEL, C1), NUL and newlines included. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

const HOST_ACCEPTED = "a host name, IP address or ssh_config alias of letters, digits and " +
  ". _ - : % +, optionally as user@host, not starting with -";
const USER_ACCEPTED = "a user name of letters, digits and . _ -, not starting with -";

/**
 * Checks an SSH host, or `user@host` (then without a separate `user`): the one rule for every
 * place a host enters (`SshTransport`'s `host`, a job's `remote`, a cached run's `remote`), so
 * that a host one of them accepts is never refused by another later.
 *
 * @param field The name shown in the error (`"host"`, `"remote"`).
 * @param host The host.
 * @param user The separately given user name, if any.
 * @throws {InvalidValueError} Naming `field`, the host and what is wrong with it.
 */
export function checkSshHost(field: string, host: unknown, user?: unknown): void {
  const fail = (problem: string): never => {
    throw new InvalidValueError(field, host, `${HOST_ACCEPTED} (this one ${problem})`);
  };
  if (typeof host !== "string") return fail("is not a string");
  if (host === "") fail("is empty");
  if (host.includes("\0")) fail("contains a NUL character");
  if (CONTROL.test(host)) fail("contains a newline or another control character");
  if (/\s/u.test(host)) fail("contains whitespace");
  if (host.startsWith("-")) fail("starts with -, which ssh would read as an option");
  const at = host.lastIndexOf("@");
  const name = host.slice(at + 1);
  if (at !== -1) {
    const userPart = host.slice(0, at);
    if (userPart === "" || name === "") fail("has an empty part around @");
    if (user !== undefined) {
      fail(`names a user, and the user option ${JSON.stringify(user)} is given too: give it once`);
    }
    checkSshUser(field, userPart, host, true);
  }
  if (name.startsWith("-")) fail("has a host part that starts with -");
  if (!HOST_CHARS.test(name)) {
    fail("contains a character that is never part of a host name, such as a shell metacharacter");
  }
}

/**
 * Checks an SSH user name, given as the `user` option, or (`inHost`) as the part of a host
 * before `@`.
 *
 * @param field The name shown in the error.
 * @param user The user name.
 * @param given The value shown in the error (default: `user`).
 * @param inHost Whether it is the user part of a host.
 * @throws {InvalidValueError} Naming `field`, the value and what is wrong with it.
 */
export function checkSshUser(
  field: string,
  user: unknown,
  given: unknown = user,
  inHost = false,
): void {
  const accepted = inHost ? HOST_ACCEPTED : USER_ACCEPTED;
  if (typeof user !== "string" || !USER_CHARS.test(user) || user.startsWith("-")) {
    const problem = typeof user !== "string"
      ? "is not a string"
      : user === ""
      ? "is empty"
      : user.startsWith("-")
      ? "starts with -, which ssh would read as an option"
      : user.includes("\0")
      ? "contains a NUL character"
      : "contains a character that is not part of a user name";
    throw new InvalidValueError(
      field,
      given,
      `${accepted} (${inHost ? "its user part" : "this one"} ${problem})`,
    );
  }
}
