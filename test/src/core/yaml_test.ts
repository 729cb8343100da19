import assert from "node:assert/strict";
import {
  MAX_YAML_BYTES,
  parseYaml,
  stringifyYaml,
  YamlSyntaxError,
} from "../../../src/core/_yaml.ts";

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

/** The "billion laughs": `levels` levels of nine aliases each of the level below. */
function billionLaughs(levels = 9): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < levels; level++) {
    const below = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${below}`).join(",")}]`);
  }
  return lines.join("\n") + "\n";
}

Deno.test("parseYaml() refuses a billion-laughs alias bomb with a short typed error", () => {
  const text = billionLaughs(9);
  assert.ok(text.length < 400, `${text.length}`);
  try {
    parseYaml(text, "bomb.yaml");
    assert.fail("no error");
  } catch (error) {
    assert.ok(error instanceof YamlSyntaxError, String(error));
    assert.ok(error.message.length < 1024, `${error.message.length}`);
    assert.equal(error.source, "bomb.yaml");
    assert.equal(error.line, 1);
    assert.equal(error.column, 4);
    assert.equal(
      error.message,
      'Cannot parse YAML in bomb.yaml, line 1, column 4: YAML anchors and aliases are not supported, found the anchor "&a"; write the value out in full where it is needed',
    );
  }
});

Deno.test("parseYaml() refuses every alias and anchor, naming it and its line", () => {
  assert.throws(
    () => parseYaml("x: 1\ny: *nope\n"),
    (error) =>
      error instanceof YamlSyntaxError && error.line === 2 && error.column === 4 &&
      error.problem.includes('found the alias "*nope"'),
  );
  assert.throws(
    () => parseYaml("resources:\n  queue: &q debug\n"),
    (error) =>
      error instanceof YamlSyntaxError && error.line === 2 && error.problem.includes('"&q"'),
  );
  // An anchor or alias is refused even where it would be harmless, and before any is followed.
  assert.throws(() => parseYaml("- &a [1]\n- *a\n"), /anchors and aliases are not supported/);
  // The characters themselves are fine inside scalars.
  assert.deepEqual(parseYaml('a: "&b *c"\nd: x&y*z\n'), { a: "&b *c", d: "x&y*z" });
});

Deno.test("parseYaml() accepts 1 MiB of UTF-8 and refuses more, counted in bytes", () => {
  const comment = "#" + "x".repeat(MAX_YAML_BYTES - 2) + "\n";
  assert.equal(new TextEncoder().encode(comment).length, MAX_YAML_BYTES);
  assert.equal(parseYaml(comment), null);
  assert.throws(
    () => parseYaml(comment + " ", "big.yaml"),
    (error) =>
      error instanceof YamlSyntaxError && error.source === "big.yaml" &&
      error.message ===
        "Cannot parse YAML in big.yaml: the text is larger than 1048576 bytes (1 MiB), the most accepted; is this the right file?",
  );
  // "é" is two bytes: 600,000 of them are 1.2 MB though only 600,000 characters.
  assert.throws(() => parseYaml(`a: ${"é".repeat(600_000)}`), /larger than 1048576 bytes/);
  assert.equal((parseYaml(`a: ${"é".repeat(500_000)}`) as { a: string }).a.length, 500_000);
  // An astral character is four bytes (a surrogate pair in JavaScript).
  assert.throws(() => parseYaml(`a: ${"😀".repeat(270_000)}`), /larger than/);
});

Deno.test("parseYaml() refuses nesting deeper than 64 levels, with the position", () => {
  assert.deepEqual(parseYaml("[".repeat(63) + "]".repeat(63)), deep(63));
  assert.throws(
    () => parseYaml("[".repeat(65) + "]".repeat(65), "deep.yaml"),
    (error) =>
      error instanceof YamlSyntaxError && error.line === 1 && error.source === "deep.yaml" &&
      error.message.length < 200,
  );
});

function deep(levels: number): unknown {
  let value: unknown[] = [];
  for (let level = 1; level < levels; level++) value = [value];
  return value;
}
