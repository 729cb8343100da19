/**
 * C `fnmatch(pattern, name, 0)`, with which `qacct -j PATTERN` matches job names
 * (`source/clients/qacct/qacct.c` of SGE 8.1.9).
 *
 * @module
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** A `[...]` class at `open` as a RegExp class, and where it ends; `undefined` when unclosed. */
function bracket(pattern: string, open: number): { source: string; close: number } | undefined {
  const close = pattern.indexOf("]", open + 2);
  if (close < 0) return undefined;
  let body = pattern.slice(open + 1, close);
  const negated = body.startsWith("!") || body.startsWith("^");
  if (negated) body = body.slice(1);
  const escaped = body.replaceAll("\\", "\\\\").replaceAll("]", "\\]");
  return { source: `[${negated ? "^" : ""}${escaped}]`, close };
}

/**
 * Whether `name` matches `pattern`: `*`, `?`, `[...]` (negated by `!` or `^`) and `\` escapes.
 *
 * @param pattern The shell pattern.
 * @param name The name to test.
 * @returns Whether it matches.
 */
export function fnmatch(pattern: string, name: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === "[") {
      const group = bracket(pattern, i);
      if (group === undefined) source += "\\[";
      else {
        source += group.source;
        i = group.close;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`).test(name);
}
