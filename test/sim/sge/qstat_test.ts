// qstat's option parsing (sim/sge/qstat.ts).
import assert from "node:assert/strict";
import { SgeCommandError } from "../../../sim/sge/_errors.ts";
import { parseQstatArgs } from "../../../sim/sge/qstat.ts";

Deno.test("parseQstatArgs() shows the caller's jobs by default", () => {
  assert.deepEqual(parseQstatArgs([], "alice"), {
    help: false,
    users: ["alice"],
    full: false,
    resources: false,
    perTask: false,
  });
});

Deno.test("parseQstatArgs() reads -u, -s, -j, -f, -r, -g d and accepts -ext -pri -urg", () => {
  assert.deepEqual(
    parseQstatArgs(
      ["-u", "*", "-s", "pr", "-j", "10,,abc", "-f", "-r", "-g", "d", "-ext", "-urg"],
      "a",
    ),
    {
      help: false,
      users: "all",
      states: "pr",
      detail: ["10", "abc"],
      full: true,
      resources: true,
      perTask: true,
    },
  );
  assert.deepEqual(parseQstatArgs(["-u", "bob,carol"], "a").users, ["bob", "carol"]);
  assert.equal(parseQstatArgs(["-g", "c"], "a").perTask, false);
});

Deno.test("parseQstatArgs() stops at -help; an unknown option before it is an error (exit 1)", () => {
  assert.equal(parseQstatArgs(["-help", "-bogus"], "a").help, true);
  assert.throws(
    () => parseQstatArgs(["-bogus", "-help"], "a"),
    (error: unknown) =>
      error instanceof SgeCommandError && error.exitCode === 1 &&
      error.message === 'error: ERROR! invalid option argument "-bogus"',
  );
});
