// Directive lines split into words (sim/_common/directive_words.ts).
import assert from "node:assert/strict";
import { directiveWords, splitWords } from "../../../sim/_common/directive_words.ts";

Deno.test("splitWords(): plain words between any whitespace, leading and trailing included", () => {
  assert.deepEqual(splitWords(" --job-name=bench\t-c  4 \r"), ["--job-name=bench", "-c", "4"]);
  assert.deepEqual(splitWords("   "), []);
  assert.deepEqual(splitWords(""), []);
});

Deno.test("splitWords(): quotes, escapes and comments as a shell reads them", () => {
  assert.deepEqual(splitWords(`-J "a b" -o 'x y'`), ["-J", "a b", "-o", "x y"]);
  assert.deepEqual(splitWords(`-N a\\ b c#d # comment`), ["-N", "a b", "c#d"]);
  assert.deepEqual(splitWords(`-v "x\\"y" ''`), ["-v", 'x"y', ""]);
});

Deno.test("directiveWords(): the prefix's lines until the first command, after the #! line", () => {
  const script =
    "#!/bin/bash\n#SBATCH -J one\n\n  #SBATCH\t-c 2\n#SBATCHX no\n# note\necho\n#SBATCH -t 5\n";
  assert.deepEqual(directiveWords(script, "#SBATCH"), ["-J", "one", "-c", "2"]);
});
