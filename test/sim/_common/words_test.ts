// The pieces the PBS and LSF emulators share (sim/_common/words.ts).
import { answerFailures, CommandFailure } from "../../../sim/_common/command_result.ts";
import assert from "node:assert/strict";
import {
  baseName,
  fixed,
  hhmmss,
  padEnd,
  padStart,
  parseIndexList,
} from "../../../sim/_common/words.ts";

Deno.test("padEnd(), padStart() and fixed() pad like printf %-Ns, %Ns and %-N.Ns", () => {
  assert.equal(padEnd("ab", 4), "ab  ");
  assert.equal(padEnd("abcdef", 4), "abcdef");
  assert.equal(padStart("ab", 4), "  ab");
  assert.equal(padStart("abcdef", 4), "abcdef");
  assert.equal(fixed("abcdef", 4), "abcd");
  assert.equal(fixed("ab", 4), "ab  ");
});

Deno.test("hhmmss() prints HH:MM:SS with hours past 99 and no day part", () => {
  assert.equal(hhmmss(0), "00:00:00");
  assert.equal(hhmmss(3661.9), "01:01:01");
  assert.equal(hhmmss(100 * 3600 + 5), "100:00:05");
  assert.equal(hhmmss(-5), "00:00:00");
});

Deno.test("baseName() keeps the last path component", () => {
  assert.equal(baseName("/home/user/job.sh"), "job.sh");
  assert.equal(baseName("dir/"), "dir");
  assert.equal(baseName("job.sh"), "job.sh");
});

Deno.test("parseIndexList() reads ranges with steps and lists, sorted and distinct", () => {
  assert.deepEqual(parseIndexList("1-7:3"), [1, 4, 7]);
  assert.deepEqual(parseIndexList("5,1,3-4,3"), [1, 3, 4, 5]);
  assert.equal(parseIndexList("3-1"), undefined);
  assert.equal(parseIndexList("1-3:0"), undefined);
  assert.equal(parseIndexList("x"), undefined);
});

Deno.test("answerFailures() answers a thrown CommandFailure and rethrows other errors", () => {
  const failure = new CommandFailure(2, "tool: bad option\n");
  assert.equal(failure.message, "tool: bad option");
  assert.equal(failure.name, "CommandFailure");
  assert.deepEqual(
    answerFailures(() => {
      throw failure;
    }),
    { code: 2, stdout: "", stderr: "tool: bad option\n" },
  );
  assert.deepEqual(answerFailures(() => ({ code: 0, stdout: "ok\n", stderr: "" })), {
    code: 0,
    stdout: "ok\n",
    stderr: "",
  });
  assert.throws(() =>
    answerFailures(() => {
      throw new RangeError("boom");
    }), RangeError);
});
