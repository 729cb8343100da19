import assert from "node:assert/strict";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { parseTime } from "../../../src/core/time.ts";

Deno.test("parseTime() accepts every form the Python clusterjob accepts (its resources docs)", () => {
  const cases: Array<[string | number, number]> = [
    ["10", 600], // M
    ["10:30", 630], // M:S
    ["1:10:30", 4230], // H:M:S
    ["1-0", 86400], // D-H
    ["1-10", 122400], // D-H
    ["1-1:10", 90600], // D-H:M
    ["1-1:10:30", 90630], // D-H:M:S
    ["1:1:10:30", 90630], // D:H:M:S
    ["00:05:00", 300],
    ["0", 0],
    [" 10 ", 600], // surrounding whitespace ignored, as the original's strip()
    ["90:00", 5400], // the first part has no upper limit
    ["36:00:00", 129600],
    ["1-23:59:59", 172799], // later parts up to their range
    ["1:23:59:59", 172799],
    ["0:59", 59],
    [90, 5400], // a number is minutes
    [0, 0],
  ];
  for (const [input, seconds] of cases) {
    assert.equal(parseTime(input), seconds, `parseTime(${JSON.stringify(input)})`);
  }
});

Deno.test("parseTime() rejects every invalid form with InvalidValueError naming field and value", () => {
  const invalid: Array<string | number> = [
    "1 1:10:30",
    "1.5",
    "",
    "   ",
    "-1",
    "1:2:3:4:5",
    "1-",
    "-1:00",
    "1-2-3",
    "1:",
    ":30",
    "1h",
    "1e3",
    "0x10",
    "１０", // full-width digits are not ASCII digits
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER, // minutes × 60 exceeds the safe integer range
    "1:99", // later parts in range: seconds, minutes below 60, hours after days below 24
    "1:60",
    "1:10:60",
    "1:60:00",
    "1-24",
    "1-23:60",
    "1-0:0:60",
    "1:24:00:00",
  ];
  for (const input of invalid) {
    try {
      parseTime(input, "walltime");
      assert.fail(`parseTime(${JSON.stringify(input)}) did not throw`);
    } catch (error) {
      assert.ok(error instanceof InvalidValueError, String(error));
      assert.equal(error.field, "walltime");
      assert.equal(error.value, input);
      assert.match(error.message, /^Invalid value for "walltime": /);
      assert.match(error.accepted, /M:S, H:M:S, D-H, D-H:M, D-H:M:S or D:H:M:S/);
    }
  }
});

Deno.test("parseTime() rejects values of other types", () => {
  for (const input of [null, undefined, true, {}, [10]]) {
    assert.throws(() => parseTime(input as unknown as string), InvalidValueError);
  }
});

Deno.test("parseTime() names the field 'time' by default", () => {
  assert.throws(() => parseTime("1.5"), {
    message: /^Invalid value for "time": "1\.5"; expected /,
  });
});

Deno.test("parseTime() says what the parts' ranges are, and shows NaN as NaN", () => {
  assert.throws(
    () => parseTime("1:99"),
    (error) =>
      error instanceof InvalidValueError &&
      error.message.startsWith('Invalid value for "time": "1:99"; expected ') &&
      error.message.includes("minutes and seconds below 60 and hours below 24"),
  );
  assert.throws(() => parseTime(Number.NaN), { message: /^Invalid value for "time": NaN; / });
  assert.throws(() => parseTime(Number.POSITIVE_INFINITY), /"time": Infinity; /);
});
