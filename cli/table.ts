/**
 * Plain text tables and durations for the terminal.
 *
 * @module
 */

/**
 * A table: a header row and rows, each column left-aligned and as wide as its widest cell,
 * columns two spaces apart, no trailing spaces.
 *
 * @example Usage
 * ```ts
 * import { formatTable } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatTable(["ID", "NAME"], [["7", "hello"], ["12", "b"]]), "ID  NAME\n7   hello\n12  b\n");
 * ```
 *
 * @param header The column titles.
 * @param rows The cells, row by row.
 * @returns The table, a line a row, ending with a newline.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? "").length))
  );
  return all.map((row) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd() + "\n"
  ).join("");
}

/**
 * A duration in its largest whole unit: `45s`, `12m`, `3h`, `2d`.
 *
 * @example Usage
 * ```ts
 * import { formatAge } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([formatAge(5), formatAge(600), formatAge(7300), formatAge(200000)], ["5s", "10m", "2h", "2d"]);
 * ```
 *
 * @param seconds The duration.
 * @returns Its short form (`0s` for a negative one).
 */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
