// The command lines of a simulated session (cli/sim/shell_words.ts).

import assert from "node:assert/strict";
import { ShellSyntaxError, splitCommandLine } from "../../cli.ts";

const ENV = { HOME: "/home/user", USER: "user", "?": "3" };
const words = (line: string) => splitCommandLine(line, ENV).words;

Deno.test("splitCommandLine() splits on blanks and honours quotes and escapes", () => {
  assert.deepEqual(words("  qstat   -f  1 "), ["qstat", "-f", "1"]);
  assert.deepEqual(words(`echo 'a  b' "c  d" e\\ f ''`), ["echo", "a  b", "c  d", "e f", ""]);
  assert.deepEqual(words(`echo "say \\"hi\\"" 'no $USER'`), ["echo", 'say "hi"', "no $USER"]);
  assert.deepEqual(words("echo a'b'\"c\""), ["echo", "abc"]);
});

Deno.test("splitCommandLine() expands $NAME, ${NAME}, $? and a leading ~", () => {
  assert.deepEqual(words('echo $USER "${HOME}/x" $? $NOPE end'), [
    "echo",
    "user",
    "/home/user/x",
    "3",
    "",
    "end",
  ]);
  assert.deepEqual(words("cat ~/a ~ x~ '~'"), ["cat", "/home/user/a", "/home/user", "x~", "~"]);
  assert.deepEqual(words("echo $ 5"), ["echo", "$", "5"]);
});

Deno.test("splitCommandLine() takes redirections and comments", () => {
  assert.deepEqual(splitCommandLine("bsub < job.sh", ENV), {
    words: ["bsub"],
    globs: [false],
    stdin: "job.sh",
  });
  assert.deepEqual(splitCommandLine("echo hi >>log.txt", ENV).stdout, {
    file: "log.txt",
    append: true,
  });
  assert.deepEqual(splitCommandLine("echo hi > out # note", ENV).stdout, {
    file: "out",
    append: false,
  });
  assert.deepEqual(words("# only a comment"), []);
  assert.deepEqual(words("echo a#b"), ["echo", "a#b"]);
  assert.deepEqual(splitCommandLine("ls *.out a?", ENV).globs, [false, true, true]);
});

Deno.test("splitCommandLine() refuses pipes, lists, substitutions and bad quoting", () => {
  for (
    const line of [
      "squeue | grep R",
      "a; b",
      "a && b",
      "sleep 9 &",
      "echo $(date)",
      "echo `date`",
      'echo "`x`"',
    ]
  ) {
    assert.throws(() => splitCommandLine(line, ENV), /one command a line/, line);
  }
  assert.throws(() => splitCommandLine("echo 'open", ENV), ShellSyntaxError);
  assert.throws(() => splitCommandLine('echo "open', ENV), /unterminated quote/);
  assert.throws(() => splitCommandLine("cat <", ENV), /"<" needs a file name/);
  assert.throws(() => splitCommandLine("echo ${HOME", ENV), /unterminated \$\{/);
});
