/** squeue's layouts: `-o` letters and `-O` names into columns, and the header line they make. */

import assert from "node:assert/strict";
import { headerLine, parseFormat, parseLongFormat } from "../../../sim/slurm/_squeue_format.ts";

Deno.test("parseFormat() reads %[.][width]X fields and keeps other text, %% as %", () => {
  assert.deepEqual(parseFormat("x%.5i %-j|%%%12T!"), {
    columns: [
      { letter: "i", header: "JOBID", width: 5, right: true, prefix: "x" },
      { letter: "T", header: "STATE", width: 12, right: false, prefix: " %-j|%" },
    ],
    suffix: "!",
  });
  assert.equal(parseFormat("%i %Y"), "Y");
});

Deno.test("parseLongFormat() reads name[:[.][size][suffix]] as SLURM 22.05, 20 wide by default", () => {
  assert.deepEqual(parseLongFormat("JobID,name:.8,state:5:right"), {
    columns: [
      { letter: "A", header: "JOBID", width: 20, right: false, prefix: "" },
      { letter: "j", header: "NAME", width: 8, right: true, prefix: "" },
      // 22.05 has no `:right`: after the size, text is the field's suffix (opts.c)
      { letter: "T", header: "STATE", width: 5, right: false, prefix: "" },
    ],
    suffix: ":right",
  });
  // `name:` has size 0: the value unpadded; what follows the size is printed after the field
  assert.deepEqual(parseLongFormat("JobArrayID:|,exit_code:"), {
    columns: [
      { letter: "i", header: "JOBID", width: undefined, right: false, prefix: "" },
      { letter: "X", header: "EXIT_CODE", width: undefined, right: false, prefix: "|" },
    ],
    suffix: "",
  });
  assert.equal(parseLongFormat("jobid,bogus"), "bogus");
});

Deno.test("headerLine() pads each header to its column", () => {
  const layout = parseFormat("%.18i %.9P %.8j %R");
  assert.ok(typeof layout !== "string");
  assert.equal(headerLine(layout), "             JOBID PARTITION     NAME NODELIST(REASON)");
});
