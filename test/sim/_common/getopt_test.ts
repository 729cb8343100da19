// getopt_long as the SLURM tools use it (sim/_common/getopt.ts).
import assert from "node:assert/strict";
import { getopt, type OptionSpec } from "../../../sim/_common/getopt.ts";

const SPECS: OptionSpec[] = [
  { key: "time", long: "time", short: "t", arg: "required" },
  { key: "time-min", long: "time-min", arg: "required" },
  { key: "test-only", long: "test-only", arg: "none" },
  { key: "hold", long: "hold", short: "H", arg: "none" },
];

Deno.test("getopt(): an exact long name wins over the longer names it prefixes", () => {
  assert.deepEqual(getopt(["--time", "5", "--time-min=1"], SPECS, false), {
    options: [{ key: "time", value: "5" }, { key: "time-min", value: "1" }],
    positionals: [],
  });
});

Deno.test("getopt(): an unambiguous prefix names its option; an ambiguous or unknown one is an error", () => {
  assert.deepEqual(getopt(["--ho", "--test", "x"], SPECS, false), {
    options: [{ key: "hold", value: "" }, { key: "test-only", value: "" }],
    positionals: ["x"],
  });
  assert.deepEqual(getopt(["--ti=3"], SPECS, false).error, {
    kind: "ambiguous",
    message: "option '--ti=3' is ambiguous",
  });
  assert.deepEqual(getopt(["--bogus"], SPECS, false).error, {
    kind: "unrecognized",
    message: "unrecognized option '--bogus'",
  });
  assert.deepEqual(getopt(["--hold=1"], SPECS, false).error, {
    kind: "invalid",
    message: "option '--hold' doesn't allow an argument",
  });
});
