import assert from "node:assert/strict";
import { parseYaml, stringifyYaml, YamlSyntaxError } from "../../../src/core/_yaml.ts";

Deno.test("parseYaml() returns null for empty and comment-only text", () => {
  assert.equal(parseYaml(""), null);
  assert.equal(parseYaml("# only a comment\n"), null);
});

Deno.test("parseYaml() follows the YAML 1.2 core schema", () => {
  assert.deepEqual(
    parseYaml(
      "a: yes\nb: on\nc: True\nd: 0o17\ne: 017\nf: 1_000\ng: 2001-12-14\nh: 00:05:00\ni: ~\nj: 1.5",
    ),
    {
      a: "yes",
      b: "on",
      c: true,
      d: 15,
      e: 17,
      f: "1_000",
      g: "2001-12-14",
      h: "00:05:00",
      i: null,
      j: 1.5,
    },
  );
});

Deno.test("parseYaml() rejects duplicate keys with line and column", () => {
  try {
    parseYaml("a: 1\na: 2\n");
    assert.fail("no error");
  } catch (error) {
    assert.ok(error instanceof YamlSyntaxError);
    assert.ok(error instanceof SyntaxError);
    assert.equal(error.line, 2);
    assert.equal(error.column, 1);
    assert.equal(error.problem, "duplicated mapping key");
    assert.equal(
      error.message,
      "Cannot parse YAML in <string>, line 2, column 1: duplicated mapping key",
    );
  }
});

Deno.test("parseYaml() rejects several documents, deep nesting and unknown tags", () => {
  assert.throws(() => parseYaml("a: 1\n---\nb: 2\n"), /more than one document/);
  assert.throws(() => parseYaml("[".repeat(1000)), YamlSyntaxError);
  assert.throws(() => parseYaml("f: !!js/function 'x'"), YamlSyntaxError);
});

Deno.test("parseYaml() keeps __proto__ as an own key without pollution", () => {
  const value = parseYaml("__proto__: {polluted: true}") as Record<string, unknown>;
  assert.ok(Object.hasOwn(value, "__proto__"));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("stringifyYaml() round-trips through parseYaml()", () => {
  const value = {
    attributes: { backend: "pbs", maxSleepInterval: 60 },
    resources: { "-A": "x", exclusive: true },
  };
  assert.deepEqual(parseYaml(stringifyYaml(value)), value);
});
