import assert from "node:assert/strict";
import { NOT_FOUND_EXIT, notFoundLine } from "../../../src/transports/_not_found.ts";

Deno.test("notFoundLine() reads every common shell's 'command not found' for the program", () => {
  const said: [string, string][] = [
    ["bash: line 1: bsub: command not found", "bsub"],
    ["bash: bsub: command not found", "bsub"],
    ["bash: line 1: /opt/lsf/bin/bsub: No such file or directory", "/opt/lsf/bin/bsub"],
    ["sh: 1: bsub: not found", "bsub"],
    ["dash: 1: bsub: not found", "bsub"],
    ["ksh: bsub: not found [No such file or directory]", "bsub"],
    ["/bin/sh: bsub: not found", "bsub"],
    ["zsh:1: command not found: bsub", "bsub"],
    ["bsub: Command not found.", "bsub"],
    ["timeout: failed to run command 'squeue': No such file or directory", "squeue"],
    ["timeout: failed to run command ‘squeue’: No such file or directory", "squeue"],
    ["bash: line 1: a.b+c: command not found", "a.b+c"],
  ];
  for (const [stderr, program] of said) {
    assert.equal(notFoundLine(`motd line\n${stderr}\n`, program), stderr, stderr);
  }
});

Deno.test("notFoundLine() does not mistake another missing command or file for the program", () => {
  const other: [string, string][] = [
    ["bash: line 1: xbsub: command not found", "bsub"],
    ["sh: 1: nosuch: not found", "sh"], // `sh -c nosuch`: sh itself is there
    ["sh: line 1: nosuch: command not found", "sh"],
    ["bash: script.sh: No such file or directory", "bash"], // `bash script.sh`
    ["cat: job.out: No such file or directory", "cat"],
    ["bsub: job script not found in spool", "bsub"],
    ["", "bsub"],
  ];
  for (const [stderr, program] of other) {
    assert.equal(notFoundLine(stderr, program), undefined, stderr);
  }
  assert.equal(NOT_FOUND_EXIT, 127);
});

Deno.test("notFoundLine() reads what this machine's shells and timeout really say", async () => {
  const program = "clusterjob-no-such-program";
  const shells = [["sh", "-c"], ["bash", "-c"], ["dash", "-c"]];
  const commands = [...shells.map((shell) => [...shell, `${program} x`]), [
    "timeout",
    "5",
    program,
  ]];
  let tried = 0;
  for (const argv of commands) {
    const child = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "null",
      env: { LC_ALL: "C" },
    }).output().catch(() => undefined); // this shell is not installed here
    if (child === undefined) continue;
    tried++;
    const stderr = new TextDecoder().decode(child.stderr);
    assert.equal(child.code, NOT_FOUND_EXIT, argv.join(" "));
    assert.ok(notFoundLine(stderr, program), `${argv.join(" ")}: ${stderr}`);
  }
  assert.ok(tried >= 2);
});
