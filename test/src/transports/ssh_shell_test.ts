import assert from "node:assert/strict";
import {
  anyLoginShell,
  fileError,
  remoteCommand,
  remotePath,
  writeFileScript,
} from "../../../src/transports/_ssh_shell.ts";
import { quoteShellCommand } from "../../../src/core/_shell_quote.ts";
import { NASTY_WORDS } from "../../_nasty_words.ts";

Deno.test("remoteCommand() quotes every argument, the cwd and env values, and adds the remote time limit", () => {
  assert.equal(
    remoteCommand(["squeue", "-n", "a b;$(touch x)"], {
      cwd: "~/runs/my dir",
      env: { MODE: "it's" },
      timeout: 30_000,
    }),
    "cd -- ~/'runs/my dir' && MODE='it'\\''s' timeout -k 5 32 squeue -n 'a b;$(touch x)'",
  );
  assert.equal(remoteCommand(["true"], {}), "true");
});

Deno.test("remotePath() keeps ~/ for the shell and puts ./ before a leading dash", () => {
  assert.equal(remotePath("~/a b"), "~/'a b'");
  assert.equal(remotePath("-rf"), "./-rf");
  assert.equal(remotePath("-"), "./-");
});

Deno.test("writeFileScript() writes privately to a temporary name, refuses a directory, then renames", () => {
  const script = writeFileScript("~/d/.f.1.tmp", "~/d/f", "644");
  assert.match(
    script,
    /^if \[ -d ~\/d\/f \]; then echo "Is a directory" >&2; exit 1; fi; umask 077; /,
  );
  assert.match(script, /cat > ~\/d\/\.f\.1\.tmp && chmod 644 -- ~\/d\/\.f\.1\.tmp && mv -f -- /);
  assert.match(script, /rm -f -- ~\/d\/\.f\.1\.tmp; exit \$status; fi$/);
});

Deno.test("fileError() says why in plain words", () => {
  const output = (stderr: string, code = 1) => ({ code, stdout: "", stderr });
  assert.equal(
    fileError("ssh:h", "Cannot read file", "~/x", output("cat: x: No such file or directory\n"))
      .message,
    'ssh:h: Cannot read file "~/x": not found',
  );
  assert.match(fileError("ssh:h", "Cannot remove", "~/x", output("", 3)).message, /exit code 3$/);
});

Deno.test("remoteCommand() in a session execs programs, keeps builtins, and execs under a time limit", () => {
  assert.equal(
    remoteCommand(["sbatch", "job.sh"], { cwd: "~/r" }, true),
    "cd -- ~/r && exec sbatch job.sh",
  );
  assert.equal(remoteCommand(["cd", "/"], {}, true), "cd /");
  assert.equal(remoteCommand(["if"], {}, true), "exec if");
  assert.equal(
    remoteCommand(["printf", "x"], { env: { A: "1" }, timeout: 1000 }, true),
    "A=1 exec timeout -k 5 3 printf x",
  );
});

Deno.test("anyLoginShell() reaches /bin/sh unchanged through sh, bash, csh and tcsh", async () => {
  const argv = ["printf", "%s\\0", ...NASTY_WORDS, "!", "!!", "a\\nb", "%d %s"];
  const line = anyLoginShell(quoteShellCommand(argv));
  // only characters that no login shell treats specially inside single quotes
  assert.match(line.slice(line.lastIndexOf(" '")), /^ '[\\0-7]+'$/);
  for (const shell of ["/bin/sh", "/bin/bash", "/usr/bin/csh", "/usr/bin/tcsh"]) {
    const output = await new Deno.Command(shell, { args: ["-c", line] }).output();
    const words = new TextDecoder().decode(output.stdout).split("\0").slice(0, -1);
    assert.deepEqual(words, argv.slice(2), shell);
  }
});
