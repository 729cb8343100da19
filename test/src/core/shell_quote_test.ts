import assert from "node:assert/strict";
import {
  quoteRemotePath,
  quoteShellCommand,
  quoteShellWord,
} from "../../../src/core/_shell_quote.ts";
import { NASTY_WORDS } from "../../_nasty_words.ts";

/** Runs `sh -c` (or another shell) on `script` and returns the arguments it received. */
async function shellArgs(shell: string, script: string): Promise<string[]> {
  const output = await new Deno.Command(shell, {
    args: ["-c", `printf '%s\\0' ${script}`],
    stdin: "null",
    env: { HOME: "/home/quoted" },
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const text = new TextDecoder().decode(output.stdout);
  return text.split("\0").slice(0, -1);
}

const shells = ["sh", "bash"].filter((shell) => {
  try {
    return new Deno.Command(shell, { args: ["-c", "true"] }).outputSync().success;
  } catch {
    return false;
  }
});

for (const shell of shells) {
  Deno.test(`quoteShellWord() round-trips every nasty word through ${shell}`, async () => {
    for (const word of NASTY_WORDS) {
      assert.deepEqual(await shellArgs(shell, quoteShellWord(word)), [word], JSON.stringify(word));
    }
  });

  Deno.test(`quoteShellCommand() keeps argument boundaries through ${shell}`, async () => {
    assert.deepEqual(await shellArgs(shell, quoteShellCommand(NASTY_WORDS)), NASTY_WORDS);
  });

  Deno.test(`quoteRemotePath() lets ${shell} expand a leading ~/ and nothing else`, async () => {
    assert.deepEqual(await shellArgs(shell, quoteRemotePath("~")), ["/home/quoted"]);
    assert.deepEqual(await shellArgs(shell, quoteRemotePath("~/")), ["/home/quoted/"]);
    assert.deepEqual(await shellArgs(shell, quoteRemotePath("~/my dir/$x 'q'")), [
      "/home/quoted/my dir/$x 'q'",
    ]);
    assert.deepEqual(await shellArgs(shell, quoteRemotePath("/abs/~/x y")), ["/abs/~/x y"]);
    assert.deepEqual(await shellArgs(shell, quoteRemotePath("~user/x")), ["~user/x"]);
    assert.deepEqual(await shellArgs(shell, quoteRemotePath("a~/b")), ["a~/b"]);
  });
}

Deno.test("quoteShellWord() leaves safe words bare and quotes the rest", () => {
  assert.equal(quoteShellWord("sbatch"), "sbatch");
  assert.equal(quoteShellWord("--parsable"), "--parsable");
  assert.equal(quoteShellWord("/a/b-c_d.e:f,g@h%i+j"), "/a/b-c_d.e:f,g@h%i+j");
  assert.equal(quoteShellWord(""), "''");
  assert.equal(quoteShellWord("it's"), `'it'\\''s'`);
  assert.equal(quoteShellWord("A=B"), "'A=B'");
  assert.equal(quoteShellWord("~"), "'~'");
});

Deno.test("quoteShellWord() output in command position is a command, not an assignment", async () => {
  const output = await new Deno.Command("sh", {
    args: ["-c", `${quoteShellWord("A=B")} 2>/dev/null; echo "$?:\${A-unset}"`],
    stdin: "null",
  }).output();
  assert.equal(new TextDecoder().decode(output.stdout), "127:unset\n");
});
