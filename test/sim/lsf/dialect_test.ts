// The two LSF dialects' formats (sim/lsf/dialect.ts), on the lines the recordings show.
import assert from "node:assert/strict";
import { LSF10, OPENLAVA, wrapLsf10, wrapOpenLava } from "../../../sim/lsf/dialect.ts";

const STAMP = "Tue Dec  1 23:10:09: ";

Deno.test("OpenLava wraps after 79 columns, drops the blank at a cut, and breaks a full line", () => {
  // raw/openlava/042: the cut falls on the blank before `CWD`, which is dropped.
  const started =
    `${STAMP}Started on <vm>, Execution Home </home/pbsuser>, Execution CWD </home/pbsuser/openlava>;`;
  assert.equal(
    wrapOpenLava(started),
    `${STAMP}Started on <vm>, Execution Home </home/pbsuser>, Execution\n${
      " ".repeat(21)
    }CWD </home/pbsuser/openlava>;`,
  );
  // raw/openlava/043: exactly 79 columns get an empty continuation.
  const exited = `${STAMP}Exited with exit code 3. The CPU time used is 0.0 seconds.`;
  assert.equal(exited.length, 79);
  assert.equal(wrapOpenLava(exited), `${exited}\n${" ".repeat(21)}`);
  // LSF 10 keeps the blank and leaves a full line alone.
  assert.equal(wrapLsf10(exited), exited);
  assert.match(wrapLsf10(started), /Execution\n {21} CWD/);
});

Deno.test("each dialect's table date, missing host, record id and pending reasons", () => {
  const ms = Date.UTC(2026, 11, 1, 23, 10, 7);
  assert.equal(OPENLAVA.tableTime(ms, false), "Dec  1 23:10  ");
  assert.equal(OPENLAVA.tableTime(ms, true), "Dec  1 23:10");
  assert.equal(LSF10.tableTime(ms, false), "Dec 01 23:10");
  assert.deepEqual(
    [
      OPENLAVA.noExecHost(false, true),
      OPENLAVA.noExecHost(false, false),
      OPENLAVA.noExecHost(true, true),
    ],
    ["", "   -   ", "   -    "],
  );
  assert.equal(OPENLAVA.recordId("109[2]"), "Job Id <109[2]>");
  assert.equal(LSF10.recordId("109[2]"), "Job <109[2]>");
  assert.equal(
    OPENLAVA.pendingReason("dependency", 1),
    "New job is waiting for scheduling: 1 host;",
  );
  assert.equal(LSF10.pendingReason("dependency", 1), "Job dependency condition not satisfied;");
  assert.equal(OPENLAVA.pendingReason("resources", 2), "Job slot limit reached: 2 hosts;");
});
