/**
 * How a value is shown in an error message: as given (strings JSON-quoted, so control
 * characters show as escapes; `NaN`, `Infinity`, `-0`, `undefined` and `10n` as they are, never
 * `null`), and bounded, so that a huge or deeply shared value cannot make a huge message.
 * Internal module.
 *
 * @module
 */

/** The longest description, in characters; longer ones end with "…". */
export const MAX_DESCRIPTION = 200;

/**
 * Describes `value` for an error message in at most about {@linkcode MAX_DESCRIPTION}
 * characters. Objects and arrays are written like JSON, but their members are described by the
 * same rules (`[NaN]`, `{"a":undefined}`); a value met again inside itself is `[circular]`.
 * The walk stops as soon as the limit is passed, so its cost is bounded too.
 *
 * @param value Anything.
 * @param limit The longest description.
 * @returns The description.
 */
export function describe(value: unknown, limit: number = MAX_DESCRIPTION): string {
  const parts: string[] = [];
  let length = 0;
  const open = new Set<object>();
  const push = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length <= limit;
  };
  const visit = (item: unknown): boolean => {
    switch (typeof item) {
      case "string":
        // Only as much of a long string as can be shown is quoted.
        return push(JSON.stringify(item.length > limit ? item.slice(0, limit + 1) : item));
      case "number":
        return push(Object.is(item, -0) ? "-0" : String(item));
      case "bigint":
        return push(`${item}n`);
      case "undefined":
        return push("undefined");
      case "boolean":
        return push(String(item));
      case "symbol":
        return push(item.toString());
      case "function":
        return push(`[function ${item.name || "anonymous"}]`);
    }
    if (item === null) return push("null");
    if (item instanceof Date) return push(JSON.stringify(item));
    const object = item as object;
    if (open.has(object)) return push("[circular]");
    open.add(object);
    const array = Array.isArray(object);
    if (!push(array ? "[" : "{")) return false;
    let first = true;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      if (!first && !push(",")) return false;
      first = false;
      if (!array && !push(`${JSON.stringify(key)}:`)) return false;
      if (!visit((object as Record<string, unknown>)[key])) return false;
    }
    open.delete(object);
    return push(array ? "]" : "}");
  };
  visit(value);
  const text = parts.join("");
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
