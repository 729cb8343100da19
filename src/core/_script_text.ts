// Internal helpers for the text of scripts: normalising what the user wrote and placing the
// shebang and headers. Not part of the public API.

/**
 * Normalises script text as written in a template literal: CRLF → LF, common indentation removed
 * (like Python's `textwrap.dedent`; whitespace-only lines become empty), leading blank lines and
 * trailing whitespace dropped.
 */
export function normalizeScript(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n").map((line) =>
    line.trim() === "" ? "" : line
  );
  let margin: string | undefined;
  for (const line of lines) {
    if (line === "") continue;
    const indent = /^[ \t]*/.exec(line)?.[0] ?? "";
    margin = margin === undefined ? indent : commonPrefix(margin, indent);
  }
  const dedented = lines.map((line) => line.slice(margin?.length ?? 0));
  while (dedented[0] === "") dedented.shift();
  return dedented.join("\n").trimEnd();
}

function commonPrefix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

/**
 * Builds the final script: a first line starting with `#!` stays first, otherwise `#!<shell>` is
 * added; the header lines follow the shebang; the text ends with one newline.
 */
export function assembleScript(text: string, shell: string, headers: readonly string[]): string {
  const lines = text === "" ? [] : text.split("\n");
  const first = lines[0];
  const ordered = first !== undefined && first.startsWith("#!")
    ? [first, ...headers, ...lines.slice(1)]
    : [`#!${shell}`, ...headers, ...lines];
  const joined = ordered.join("\n");
  return joined.endsWith("\n") ? joined : `${joined}\n`;
}
