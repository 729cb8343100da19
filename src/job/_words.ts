/**
 * Words in messages. Internal module.
 *
 * @module
 */

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`: the words JSON-quoted. */
export function alternatives(words: readonly string[]): string {
  const quoted = words.map((word) => JSON.stringify(word));
  return quoted.length <= 1
    ? quoted.join("")
    : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
