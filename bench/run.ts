// `deno task bench`: runs every bench/*_bench.ts in turn, each in its own process (so one's
// memory does not count against the next), and fails when one fails. Extra arguments are passed
// to every benchmark.

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const folder = dirname(fileURLToPath(import.meta.url));
const names = (await Array.fromAsync(Deno.readDir(folder)))
  .map((entry) => entry.name)
  .filter((name) => name.endsWith("_bench.ts"))
  .sort();
let failed = 0;
for (const name of names) {
  console.log(`\n== ${name}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${folder}/${name}`, ...Deno.args],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.log(`${name} failed with exit code ${code}`);
    failed++;
  }
}
if (failed > 0) Deno.exit(1);
