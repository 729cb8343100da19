// qhold's and qrls's argument parsing (sim/sge/qhold.ts).
import assert from "node:assert/strict";
import { parseHoldArgs } from "../../../sim/sge/qhold.ts";

Deno.test("parseHoldArgs() gives every comma-separated word that is not an option", () => {
  assert.deepEqual(parseHoldArgs(["-h", "u", "11,12", "x,,-y"]), ["u", "11", "12", "x"]);
  assert.deepEqual(parseHoldArgs([]), []);
});
