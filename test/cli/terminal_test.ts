// The interactive prompt of `clusterjob sim` and the progress line of `wait`, in a real
// terminal (tmux): keys typed, the screen read back. Skipped where tmux is not installed.

import assert from "node:assert/strict";
import { CliHome } from "./_cli_process.ts";
import { hasTmux, shellWord, Terminal } from "./_tmux.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const tmux = await hasTmux();
if (!tmux) {
  console.log("test/cli/terminal_test.ts: tmux is not installed, the terminal tests are skipped");
}

/** The command line that runs `clusterjob ARGS` with the home's environment. */
async function command(home: CliHome, args: string[]): Promise<string> {
  const probe = await home.run(["--version"]); // also fills Deno's cache for the pane
  assert.equal(probe.code, 0);
  const env = {
    HOME: home.home,
    XDG_CONFIG_HOME: home.config,
    XDG_STATE_HOME: home.state,
    CLUSTERJOB_CONFIG: "",
    NO_COLOR: "1",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
  };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellWord(value)}`);
  return `cd ${shellWord(home.work)} && env ${assignments.join(" ")} ${
    shellWord(Deno.execPath())
  } run -A ${shellWord(CLI)} ${args.map(shellWord).join(" ")}`;
}

Deno.test({
  name:
    "sim at a terminal: a prompt with line editing and history, Ctrl-C drops a line, Ctrl-D ends",
  ignore: !tmux,
  async fn() {
    await using home = await CliHome.create();
    await using terminal = await Terminal.start(
      await command(home, ["sim", "--scheduler", "pbspro"]),
    );
    await terminal.waitFor(/^\[user@login1 ~\]\$ ?$/m);
    for (const line of ["write job.sh", "#!/bin/bash", "echo hi from $PBS_JOBID", "."]) {
      await terminal.type(line);
      await terminal.keys("Enter");
    }
    await terminal.waitFor(/^> \.\n\[user@login1 ~\]\$ ?$/m);
    await terminal.type("qsub jb.sh");
    await terminal.keys("Left", "Left", "Left", "Left");
    await terminal.type("o");
    await terminal.keys("Enter");
    await terminal.waitFor(/^1\.login1\n/m);
    await terminal.type("sleep 60");
    await terminal.keys("Enter");
    await terminal.type("qstat -x");
    await terminal.keys("Enter");
    await terminal.waitFor(/ F workq/);
    await terminal.keys("Up", "Up", "Up", "Enter"); // qsub job.sh, again
    await terminal.waitFor(/^2\.login1\n/m);
    await terminal.type("cat hello");
    await terminal.keys("C-w");
    await terminal.type("job.sh.o1");
    await terminal.keys("Enter");
    await terminal.waitFor(/^hi from 1\.login1$/m);
    await terminal.type("abc");
    await terminal.keys("C-c");
    await terminal.waitFor(/abc\^C\n\[user@login1 ~\]\$ ?$/m);
    await terminal.keys("C-d");
    const screen = await terminal.waitFor(/^EXITED 0$/m);
    assert.match(
      screen,
      new RegExp(
        [
          "\\[user@login1 ~\\]\\$ qsub job\\.sh\n1\\.login1\n",
          "\\[user@login1 ~\\]\\$ sleep 60\n",
          "\\[user@login1 ~\\]\\$ qstat -x\n",
        ].join(""),
      ),
    );
    assert.match(
      screen,
      /^\[user@login1 ~\]\$ qsub job\.sh\n2\.login1\n\[user@login1 ~\]\$ cat job\.sh\.o1\nhi from 1\.login1$/m,
    );
  },
});

Deno.test({
  name: "sim at a terminal: Ctrl-C interrupts the running command, not the session",
  ignore: !tmux,
  async fn() {
    await using home = await CliHome.create();
    await using terminal = await Terminal.start(await command(home, ["sim", "--clock", "real"]));
    await terminal.waitFor(/^\[user@login1 ~\]\$ ?$/m);
    await terminal.type("sleep 600");
    await terminal.keys("Enter");
    await terminal.waitFor(/sleep 600\n$/);
    await terminal.keys("C-c");
    await terminal.waitFor(/sleep 600\n(\^C)?\[user@login1 ~\]\$ ?$/m);
    await terminal.type("echo $?");
    await terminal.keys("Enter");
    await terminal.waitFor(/^130$/m);
    await terminal.type("exit 5");
    await terminal.keys("Enter");
    await terminal.waitFor(/^EXITED 5$/m);
  },
});

Deno.test({
  name: "wait on a terminal updates one progress line in place",
  ignore: !tmux,
  async fn() {
    await using home = await CliHome.create(
      "clusters:\n  sim:\n    simulator:\n      scheduler: slurm\n      execution: model\n      runtime: 60\ndefault: sim\n",
    );
    await home.write("a.yaml", "name: a\nbody: ./a\n");
    await home.write("b.yaml", "name: b\nbody: ./b\nresources:\n  time: 10\n");
    assert.equal((await home.run(["submit", "a.yaml"])).code, 0);
    assert.equal((await home.run(["submit", "b.yaml"])).code, 0);
    await using terminal = await Terminal.start(await command(home, ["wait"]));
    const screen = await terminal.waitFor(/^EXITED 0$/m);
    assert.match(screen, /^2\/2 done: 2 completed\nID +NAME/m);
    assert.doesNotMatch(screen, /0\/2 done/); // rewritten in place, not a line of its own
  },
});
