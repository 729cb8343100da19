import assert from "node:assert/strict";
import {
  fileError,
  remoteCommand,
  remotePath,
  writeFileScript,
} from "../../../src/transports/_ssh_shell.ts";

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
