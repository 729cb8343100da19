// The progress line of waiting (cli/progress.ts), on a terminal and elsewhere; tables and ages.

import assert from "node:assert/strict";
import { formatAge, formatTable, ProgressDisplay, progressLine } from "../../cli.ts";
import { Status } from "../../mod.ts";

Deno.test("progressLine() counts the runs by status: finished ones, then live ones", () => {
  assert.equal(progressLine([]), "0/0 done");
  assert.equal(
    progressLine([Status.PENDING, Status.RUNNING, Status.PENDING]),
    "0/3 done; 2 pending, 1 running",
  );
  assert.equal(
    progressLine([
      Status.COMPLETED,
      Status.FAILED,
      Status.CANCELLED,
      Status.COMPLETED,
      Status.RUNNING,
    ]),
    "4/5 done: 2 completed, 1 failed, 1 cancelled; 1 running",
  );
  const ten = [...Array(7).fill(Status.PENDING), Status.COMPLETED, Status.COMPLETED, Status.FAILED];
  assert.equal(progressLine(ten), "3/10 done: 2 completed, 1 failed; 7 pending");
});

Deno.test("ProgressDisplay rewrites one line on a terminal and ends it with a newline", () => {
  let written = "";
  const display = new ProgressDisplay((text) => written += text, true);
  display.show("0/2 done");
  display.show("1/2 done: 1 completed");
  display.show("1/2 done: 1 completed");
  display.end();
  assert.equal(written, "\r\x1b[2K0/2 done\r\x1b[2K1/2 done: 1 completed\n");
  let nothing = "";
  new ProgressDisplay((text) => nothing += text, true).end();
  assert.equal(nothing, "");
});

Deno.test("formatTable() pads columns to the widest cell and formatAge() keeps the largest unit", () => {
  assert.equal(
    formatTable(["A", "LONG"], [["xyz", "1"], ["", "22"]]),
    "A    LONG\nxyz  1\n     22\n",
  );
  assert.deepEqual([0, 59, 60, 3599, 3600, 86399, 86400, -5].map(formatAge), [
    "0s",
    "59s",
    "1m",
    "59m",
    "1h",
    "23h",
    "1d",
    "0s",
  ]);
});
