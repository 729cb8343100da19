/** The login node's own commands: hostname, whoami, true, false, echo, cat. */

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
