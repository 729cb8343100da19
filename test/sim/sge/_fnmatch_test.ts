// C fnmatch as qacct -j PATTERN uses it (sim/sge/_fnmatch.ts).
import assert from "node:assert/strict";
import { fnmatch } from "../../../sim/sge/_fnmatch.ts";

Deno.test("fnmatch() follows C fnmatch for *, ?, [...] and escapes", () => {
  assert.ok(fnmatch("job-*", "job-12"));
  assert.ok(fnmatch("j?b", "jab"));
  assert.ok(fnmatch("[a-c]x", "bx") && !fnmatch("[!a-c]x", "bx"));
  assert.ok(fnmatch("a\\*", "a*") && !fnmatch("a\\*", "ab"));
  assert.ok(!fnmatch("job", "job-1") && fnmatch("a.b", "a.b") && !fnmatch("a.b", "axb"));
});
