// qdel's argument parsing (sim/sge/qdel.ts).
import assert from "node:assert/strict";
import { parseQdelArgs } from "../../../sim/sge/qdel.ts";

Deno.test("parseQdelArgs() reads job lists, -t and -u, and skips -f", () => {
  assert.deepEqual(parseQdelArgs(["-f", "1,2", "3.2-4", "-t", "1-3:2", "-u", "a,b", "job"]), {
    targets: ["1", "2", "3.2-4", "job"],
    tasks: { first: 1, last: 3, step: 2 },
    users: ["a", "b"],
  });
  assert.deepEqual(parseQdelArgs([]), { targets: [] });
});

Deno.test("parseQdelArgs() treats an invalid -t as no task range (every task)", () => {
  assert.deepEqual(parseQdelArgs(["21", "-t", "x"]), { targets: ["21"] });
  assert.deepEqual(parseQdelArgs(["21", "-t", "3", "-t", "0"]), { targets: ["21"] });
});
