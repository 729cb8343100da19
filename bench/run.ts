// `deno task bench`: runs every bench/*_bench.ts in turn, each in its own process (so one's
// memory does not count against the next), then prints one table of the headline figures they
// recorded (bench/_figures.ts): ours, the baseline measured beside it, the ratio and the goal.
// Fails when one benchmark fails. Extra arguments are passed to every benchmark.

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Figure, FIGURES_ENV, summaryTable } from "./_figures.ts";

const folder = dirname(fileURLToPath(import.meta.url));
const names = (await Array.fromAsync(Deno.readDir(folder)))
  .map((entry) => entry.name)
  .filter((name) => name.endsWith("_bench.ts"))
  .sort();
const figures = await Deno.makeTempFile({ prefix: "clusterjob-bench-figures-" });
let failed = 0;
try {
  for (const name of names) {
    console.log(`\n== ${name}`);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${folder}/${name}`, ...Deno.args],
      env: { [FIGURES_ENV]: figures },
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.log(`${name} failed with exit code ${code}`);
      failed++;
    }
  }
  const items = (await Deno.readTextFile(figures)).split("\n").filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Figure);
  console.log(`\n== summary: ${items.length} figures, measured in this run\n`);
  console.log(summaryTable(items));
} finally {
  await Deno.remove(figures);
}
if (failed > 0) Deno.exit(1);
