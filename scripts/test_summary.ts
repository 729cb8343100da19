// Prints "tests: N passed, N failed[, N skipped]" from the last summary line of `deno test`.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const path = Deno.args[0];
if (!path) throw new TypeError("Cannot summarise tests: pass the log file as the first argument");
const text = (await Deno.readTextFile(path)).replace(ANSI, "");
const summary = text.split("\n").filter((line) => /^(ok|FAILED) \| \d+ passed/.test(line)).at(-1);
if (summary) {
  const count = (word: string): number => {
    const match = summary.match(new RegExp(`(\\d+) ${word}(?: \\((\\d+) steps?\\))?`));
    return match ? Number(match[1]) + Number(match[2] ?? 0) : 0;
  };
  const skipped = count("ignored");
  console.log(
    `tests: ${count("passed")} passed, ${count("failed")} failed` +
      (skipped > 0 ? `, ${skipped} skipped` : ""),
  );
}
