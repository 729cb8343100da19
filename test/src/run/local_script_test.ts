// Prologues and epilogues run on this machine by the program of their `#!` line, as the kernel
// would run them, so that Deno needs run permission only for that program.

import assert from "node:assert/strict";
import { runLocalScript, shebangCommand } from "../../../src/run/_local_script.ts";
import { LocalScriptError } from "../../../src/core/errors.ts";

Deno.test("shebangCommand() reads the program and its one argument as the kernel does", () => {
  const cases: Array<[string, string[] | undefined]> = [
    ["#!/bin/bash\necho", ["/bin/bash"]],
    ["#!/usr/bin/env python3\nprint(1)", ["/usr/bin/env", "python3"]],
    ["#! /bin/bash -l -x\n", ["/bin/bash", "-l -x"]],
    ["#!python\n", undefined], // not absolute: the file itself is run
    ["#!\n", undefined],
    ["echo no shebang", undefined],
  ];
  for (const [text, expected] of cases) assert.deepEqual(shebangCommand(text), expected, text);
});

Deno.test("runLocalScript() runs the script file with its interpreter and reports its exit", async () => {
  const { output } = await runLocalScript(
    "prologue",
    '#!/usr/bin/env sh\nprintf "%s|%s\\n" "$(basename "$0")" "$1"',
  );
  assert.match(output, /^clusterjob-prologue-[^|]*\|\n$/);
  await assert.rejects(
    runLocalScript("epilogue", "#!/bin/sh\necho failed >&2\nexit 4"),
    (error) =>
      error instanceof LocalScriptError && error.code === 4 && /failed/.test(error.message),
  );
});
