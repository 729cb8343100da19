import assert from "node:assert/strict";
import { editDistance, nearestWords } from "../../../src/core/_edit_distance.ts";

Deno.test("editDistance() counts insertions, deletions, substitutions and swaps as 1 each", () => {
  const cases: Array<[string, string, number]> = [
    ["ppn", "ppn", 0],
    ["ppm", "ppn", 1], // substitution
    ["pn", "ppn", 1], // insertion
    ["memm", "mem", 1], // deletion
    ["tiem", "time", 1], // transposition of neighbours
    ["quene", "queue", 1],
    ["qeueu", "queue", 2],
    ["thread", "threads", 1],
    ["memory", "mem", 3],
    ["", "abc", 3],
    ["ca", "abc", 3], // optimal string alignment: no edit of a swapped pair
  ];
  for (const [a, b, distance] of cases) {
    assert.equal(editDistance(a, b), distance, `${a}–${b}`);
    assert.equal(editDistance(b, a), distance, `${b}–${a}`);
  }
});

Deno.test("editDistance() gives up early beyond the limit when the lengths differ too much", () => {
  assert.equal(editDistance("x".repeat(1_000_000), "ppn", 2), Infinity);
  assert.equal(editDistance("ppm", "ppn", 2), 1);
});

Deno.test("nearestWords() lists candidates within their allowed distance, nearest first", () => {
  const allowed = (word: string): number => word.length <= 4 ? 1 : 2;
  assert.deepEqual(nearestWords("ppm", ["queue", "ppn", "mem"], allowed), ["ppn"]);
  assert.deepEqual(nearestWords("tim", ["time", "threads"], allowed), ["time"]);
  assert.deepEqual(nearestWords("nodse", ["nodes", "notes"], allowed), ["nodes", "notes"]);
  assert.deepEqual(nearestWords("xyz", ["queue", "ppn"], allowed), []);
});
