/**
 * Submission tokens: the unique word a submission stores with its job (see
 * `Backend.submitToken`), their form and how they are made. Internal module.
 *
 * @module
 */

/** The form of a token: `cj-` and 24 lowercase hex digits (96 random bits). */
export const SUBMIT_TOKEN = /^cj-[0-9a-f]{24}$/;

/** A new random token. */
export function newSubmitToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `cj-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
