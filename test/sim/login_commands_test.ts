/** The login node's own commands: hostname, whoami, true, false, echo, cat, grep. */

import assert from "node:assert/strict";
import { SimEngine } from "../../sim/mod.ts";
import { loginCommands } from "../../sim/_login_commands.ts";

const FILES: Record<string, string> = { "a.txt": "A\n", "b.txt": "B\n" };

function run(name: string, args: string[] = []) {
  const command = loginCommands("login7")[name];
  assert.ok(command, name);
  return command({
    engine: new SimEngine({ kind: "slurm" }),
    args,
    stdin: "",
    cwd: "/home/dana",
    env: {},
    user: "dana",
    readFile: (path) => FILES[path],
  });
}

Deno.test("loginCommands(): hostname, whoami, true, false and echo answer as a shell would", () => {
  assert.deepEqual(run("hostname"), { code: 0, stdout: "login7\n", stderr: "" });
  assert.deepEqual(run("whoami"), { code: 0, stdout: "dana\n", stderr: "" });
  assert.deepEqual(run("true"), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(run("false"), { code: 1, stdout: "", stderr: "" });
  assert.deepEqual(run("echo", ["a", "b c"]), { code: 0, stdout: "a b c\n", stderr: "" });
});

Deno.test("loginCommands(): cat prints every file it finds and fails for the missing ones", () => {
  assert.deepEqual(run("cat", ["a.txt", "b.txt"]), { code: 0, stdout: "A\nB\n", stderr: "" });
  assert.deepEqual(run("cat", ["a.txt", "nosuch", "b.txt"]), {
    code: 1,
    stdout: "A\nB\n",
    stderr: "cat: nosuch: No such file or directory\n",
  });
});

Deno.test("grep: the fixed-string searches clusterjob runs answer as this machine's GNU grep", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const files: Record<string, string> = {
      "start": "time=1 host=n1 id=7 task=\n",
      "noeol": "time=2 exit=3",
      "two": "a\nb\nc\n",
      "empty": "",
      "colon: x": "x:y\n",
    };
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${folder}/${name}`, text);
    }
    const calls: string[][] = [
      ["-a", "-s", "-H", "-Z", "-m", "2", "-F", "-e", "", "--", ...Object.keys(files), "missing"],
      ["-a", "-s", "-H", "-Z", "-m", "2", "-F", "-e", "", "--", "missing"],
      ["-F", "-e", "b", "--", "two"],
      ["-F", "-e", "zzz", "--", "two", "start"],
      ["-F", "-e", "", "--", "two", "missing"],
      ["-sF", "-m", "1", "-e", "", "--", "two", "noeol"],
    ];
    for (const args of calls) {
      const real = await new Deno.Command("grep", { args, cwd: folder }).output();
      const sim = loginCommands("login7").grep!({
        engine: new SimEngine({ kind: "slurm" }),
        args,
        stdin: "",
        cwd: folder,
        env: {},
        user: "dana",
        readFile: (path) => files[path],
      });
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      assert.deepEqual(
        { code: sim.code, stdout: sim.stdout, stderr: sim.stderr },
        // GNU grep names itself by its argv[0]: "grep" from a shell, the full path from Deno.
        {
          code: real.code,
          stdout: decode(real.stdout),
          stderr: decode(real.stderr).replace(/^\S*\/grep:/gm, "grep:"),
        },
        args.join(" "),
      );
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
