// The README's install command for a checkout, run as written (into a temporary root): the
// installed `clusterjob` works from any folder.

import assert from "node:assert/strict";
import { VERSION } from "../../cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("the README's `deno install` from a checkout gives a clusterjob command that runs anywhere", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const command = /from a checkout, in its folder:\s+`(deno install [^`]+)`/.exec(readme)?.[1];
  assert.ok(command !== undefined, "the README gives the install command of a checkout");
  const words = command.split(" ");
  assert.deepEqual(words.slice(0, 3), ["deno", "install", "-g"]);
  const root = await Deno.makeTempDir({ prefix: "clusterjob-install-" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: [...words.slice(1, 3), "--root", root, ...words.slice(3)],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    const run = await new Deno.Command(`${root}/bin/clusterjob`, {
      args: ["--version"],
      cwd: root,
      env: { PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(run.stdout), `clusterjob ${VERSION}\n`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
