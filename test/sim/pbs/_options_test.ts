// getopt(3) as the PBS commands use it (sim/pbs/_options.ts).
import assert from "node:assert/strict";
import { getopt } from "../../../sim/pbs/_options.ts";

Deno.test("getopt() takes attached, separate and bundled options and stops at the script", () => {
  const parsed = getopt(["-Nname", "-l", "walltime=1:00", "-hV", "job.sh", "-q", "x"], "N:l:hVq:");
  assert.deepEqual(parsed, {
    options: [["N", "name"], ["l", "walltime=1:00"], ["h", ""], ["V", ""]],
    operands: ["job.sh", "-q", "x"],
    sawDoubleDash: false,
  });
  assert.deepEqual(getopt(["-Z"], "N:"), { error: "invalid option -- 'Z'" });
  assert.deepEqual(getopt(["-N"], "N:"), { error: "option requires an argument -- 'N'" });
});
