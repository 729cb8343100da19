// One figure of a benchmark, for the table `deno task bench` prints at the end (bench/run.ts).
// A benchmark still prints its own lines as it goes; `figure()` adds the headline numbers to
// the summary: ours, the baseline measured beside it in the same run, their ratio, and the goal.
// bench/run.ts names a file in CLUSTERJOB_BENCH_FIGURES; a benchmark run on its own (no such
// variable) prints nothing extra.

/** One headline number of a benchmark, measured side by side with its baseline. */
export interface Figure {
  /** What was measured, e.g. "real SLURM 100 x sleep 1: status commands per round". */
  readonly name: string;
  /** Our figure. */
  readonly value: number;
  /** Its unit ("ms", "s", "MB", "commands/round", "x" …). */
  readonly unit: string;
  /** The figure it is compared with, measured in the same run. */
  readonly baseline?: { readonly label: string; readonly value: number };
  /** The goal for `value` (or for the ratio, when `on` is "ratio"). */
  readonly goal?: {
    readonly op: "<=" | ">=";
    readonly value: number;
    readonly on?: "value" | "ratio";
  };
}

/** The environment variable bench/run.ts sets to the file that collects the figures. */
export const FIGURES_ENV = "CLUSTERJOB_BENCH_FIGURES";

/** Records one figure for the summary table (one JSON line appended to the collecting file). */
export function figure(item: Figure): void {
  const file = Deno.env.get(FIGURES_ENV);
  if (!file) return;
  Deno.writeTextFileSync(file, JSON.stringify(item) + "\n", { append: true });
}

/** Whether a figure meets its goal (undefined when it has none). */
export function meetsGoal(item: Figure): boolean | undefined {
  if (!item.goal) return undefined;
  const measured = item.goal.on === "ratio" ? ratioOf(item) : item.value;
  if (measured === undefined) return undefined;
  return item.goal.op === "<=" ? measured <= item.goal.value : measured >= item.goal.value;
}

/** value / baseline, when there is a baseline that is not zero. */
export function ratioOf(item: Figure): number | undefined {
  if (!item.baseline || item.baseline.value === 0) return undefined;
  return item.value / item.baseline.value;
}

/** The summary table: one line a figure. */
export function summaryTable(items: readonly Figure[]): string {
  const number = (n: number) =>
    Number.isInteger(n) || Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
      ? n.toFixed(1)
      : n.toFixed(2);
  // A ratio far below one reads better as a fraction: 1/411x rather than 0.00x.
  const times = (r: number) => r > 0 && r < 0.1 ? `1/${(1 / r).toFixed(0)}x` : `${number(r)}x`;
  const rows = items.map((item) => {
    const ratio = ratioOf(item);
    const met = meetsGoal(item);
    return [
      item.name,
      `${number(item.value)} ${item.unit}`,
      item.baseline ? `${number(item.baseline.value)} (${item.baseline.label})` : "",
      ratio === undefined ? "" : times(ratio),
      item.goal
        ? `${item.goal.on === "ratio" ? "ratio " : ""}${item.goal.op} ${item.goal.value}` +
          (met === undefined ? "" : met ? " met" : " NOT MET")
        : "",
    ];
  });
  const header = ["figure", "ours", "baseline (side by side)", "ratio", "goal"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: readonly string[]) =>
    row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [format(header), format(widths.map((w) => "-".repeat(w))), ...rows.map(format)].join(
    "\n",
  );
}
