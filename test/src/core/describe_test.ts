import assert from "node:assert/strict";
import { describe, MAX_DESCRIPTION } from "../../../src/core/_describe.ts";
import { describeValue, InvalidValueError } from "../../../src/core/errors.ts";

Deno.test("describe() shows numbers as given: NaN, Infinity and -0, never null", () => {
  assert.equal(describe(Number.NaN), "NaN");
  assert.equal(describe(Number.POSITIVE_INFINITY), "Infinity");
  assert.equal(describe(Number.NEGATIVE_INFINITY), "-Infinity");
  assert.equal(describe(-0), "-0");
  assert.equal(describe(1.5), "1.5");
  assert.equal(describe([Number.NaN, 1]), "[NaN,1]");
  assert.equal(describe({ nodes: Number.NaN }), '{"nodes":NaN}');
});

Deno.test("describe() JSON-quotes strings, so control characters show as escapes", () => {
  assert.equal(describe("a\nb\0c\u001b"), '"a\\nb\\u0000c\\u001b"');
  assert.equal(describe('say "hi"'), '"say \\"hi\\""');
  assert.equal(describe(""), '""');
});

Deno.test("describe() shows undefined, bigint, symbols, functions, dates and cycles", () => {
  assert.equal(describe(undefined), "undefined");
  assert.equal(describe({ a: undefined }), '{"a":undefined}');
  assert.equal(describe(10n), "10n");
  assert.equal(describe(Symbol("s")), "Symbol(s)");
  assert.equal(describe(function named() {}), "[function named]");
  assert.equal(describe(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.equal(describe(cyclic), '{"a":1,"self":[circular]}');
  // A value met twice side by side is not a cycle.
  const shared = [1];
  assert.equal(describe([shared, shared]), "[[1],[1]]");
});

Deno.test("describe() is bounded in length and in work, however large the value", () => {
  const long = "x".repeat(10_000_000);
  const text = describe(long);
  assert.ok(text.length <= MAX_DESCRIPTION + 1, `${text.length}`);
  assert.ok(text.startsWith('"xxx') && text.endsWith("…"));
  // 9 levels of 9 references each: 9^9 leaves if walked in full.
  let bomb: unknown = ["lol"];
  for (let level = 0; level < 9; level++) bomb = Array(9).fill(bomb);
  assert.ok(describe(bomb).length <= MAX_DESCRIPTION + 1);
  const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
  assert.ok(describe(wide).length <= MAX_DESCRIPTION + 1);
});

Deno.test("InvalidValueError names NaN and Infinity as given (describeValue)", () => {
  assert.equal(describeValue(Number.NaN), "NaN");
  assert.equal(
    new InvalidValueError("nodes", Number.NaN, "a whole number of 1 or more").message,
    'Invalid value for "nodes": NaN; expected a whole number of 1 or more',
  );
  assert.ok(new InvalidValueError("x", "y".repeat(1_000_000), "z").message.length < 300);
});
