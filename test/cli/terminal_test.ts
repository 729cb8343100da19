// The interactive prompt of `clusterjob sim` and the progress line of `wait`, in a real
// terminal (tmux): keys typed, the screen read back. Where tmux is not installed, one ignored
// test says so; with CLUSTERJOB_REQUIRE_REAL set (CI), that test fails instead.

import assert from "node:assert/strict";
import { CliHome } from "./_cli_process.ts";
import { shellWord, Terminal, terminalTests } from "./_tmux.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

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

await terminalTests(() => {
  Deno.test({
    name:
      "sim at a terminal: a prompt with line editing and history, Ctrl-C drops a line, Ctrl-D ends",
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
    async fn() {
      await using home = await CliHome.create(
        "clusters:\n  sim:\n    simulator:\n      scheduler: slurm\n      execution: model\n      runtime: 60\ndefault: sim\n",
      );
      await home.write("a.yaml", "name: a\nbody: ./a\n");
      await home.write("b.yaml", "name: b\nbody: ./b\nresources:\n  time: 10\n");
      assert.equal((await home.run(["submit", "a.yaml"])).code, 0);
      assert.equal((await home.run(["submit", "b.yaml"])).code, 0);
      await using terminal = await Terminal.start(await command(home, ["wait"]), { record: true });
      const screen = await terminal.waitFor(/^EXITED 0$/m);
      assert.match(screen, /^2\/2 done: 2 completed\nID +NAME/m);
      assert.doesNotMatch(screen, /0\/2 done/); // rewritten in place, not a line of its own
      // What the terminal was sent: the first line, then each new one over it (carriage return,
      // erase line: shown as <EL>), then one newline before the table.
      const output = (await terminal.waitForOutput(/EXITED 0/)).replaceAll("\x1b[2K", "<EL>");
      assert.match(output, /0\/2 done(\r<EL>[^\r\n]*)*\r<EL>2\/2 done: 2 completed\r?\nID +NAME/);
    },
  });

  Deno.test({
    name:
      "sim at a terminal (SLURM): help, sleep moves simulated time, sbatch/squeue/sacct, every clusterjob subcommand",
    async fn() {
      await using home = await CliHome.create();
      await using terminal = await Terminal.start(await command(home, ["sim"]));
      const prompt = /^\[user@login1 ~\]\$ ?$/m;
      const next = (pattern: RegExp) =>
        terminal.waitFor(new RegExp(`${pattern.source}.*\\n\\[user@login1 ~\\]\\$ ?$`, "m"));
      await terminal.waitFor(prompt);
      await terminal.line("help");
      await next(/^no time\)\. One command a line: no pipes, ; or &&\./);
      await terminal.line("date");
      await next(/^Thu Jan {2}1 00:00:00 UTC 2026/);
      for (
        const line of [
          "write job.sh",
          "#!/bin/bash",
          "#SBATCH -J hello",
          "echo hi from $SLURM_JOB_ID",
          ".",
        ]
      ) {
        await terminal.line(line);
      }
      await terminal.line("sbatch job.sh");
      await next(/^Submitted batch job 1/);
      await terminal.line("squeue");
      await next(/^ +1 +debug +hello +user PD +0:00 +1 \(None\)/);
      await terminal.line("sleep 600");
      await terminal.line("date");
      await next(/^Thu Jan {2}1 00:10:00 UTC 2026/);
      await terminal.line("sacct -X");
      await next(/^1 +hello +debug +user +1 +COMPLETED +0:0/);
      await terminal.line("cat slurm-1.out");
      await next(/^hi from 1/);
      for (
        const line of [
          "write hello.yaml",
          "name: hello",
          "body: echo n is {n}",
          "vars:",
          "  n: 7",
          ".",
        ]
      ) {
        await terminal.line(line);
      }
      await terminal.line("clusterjob render hello.yaml");
      // The markers prelude (README, "Why a job ended") stands between the header and the body.
      await next(/^#SBATCH --job-name=hello\n(?:.*\n)*echo n is 7/);
      await terminal.line("clusterjob submit hello.yaml");
      await next(/^Submitted hello as job 2 to sim \(slurm\)\n2/);
      await terminal.line("clusterjob submit hello.yaml"); // the cache: not again
      await next(/^hello is job 2 on sim \(slurm\) already \(cached, PENDING\).*\n2/);
      await terminal.line("clusterjob status");
      await next(/^2 +hello +sim +slurm +PENDING +PENDING +- +- +0s/);
      await terminal.line("clusterjob wait");
      await next(
        /^1\/1 done: 1 completed\nID .*\n2 +hello +sim +slurm +COMPLETED +COMPLETED +0 +exit +0s/,
      );
      await terminal.line("echo $?");
      await next(/^0/);
      await terminal.line("clusterjob clusters");
      await next(/^\* +sim +simulator +slurm +simulated +ok: sbatch, squeue, sacct, scancel/);
      await terminal.line("clusterjob cancel 2");
      await next(/^hello \(job 2 on sim\) has already finished: COMPLETED/);
      await terminal.line("clusterjob list");
      await next(/^2 +hello +sim +slurm +COMPLETED +COMPLETED +0 +exit +0s +hello-[0-9a-f]{16}/);
      await terminal.line("clusterjob clean --finished");
      await next(/^Removed 1 finished cached run/);
      await terminal.line("clusterjob status");
      await next(/^No runs\./);
      await terminal.line("exit");
      await terminal.waitFor(/^EXITED 0$/m);
      // Nothing the session printed was garbled by the line editor: the whole session scrolled
      // past in order, each command once after its prompt.
      const history = await terminal.history();
      const commands = [...history.matchAll(/^\[user@login1 ~\]\$ (.+)$/gm)].map((m) => m[1]);
      assert.deepEqual(commands, [
        "help",
        "date",
        "write job.sh",
        "sbatch job.sh",
        "squeue",
        "sleep 600",
        "date",
        "sacct -X",
        "cat slurm-1.out",
        "write hello.yaml",
        "clusterjob render hello.yaml",
        "clusterjob submit hello.yaml",
        "clusterjob submit hello.yaml",
        "clusterjob status",
        "clusterjob wait",
        "echo $?",
        "clusterjob clusters",
        "clusterjob cancel 2",
        "clusterjob list",
        "clusterjob clean --finished",
        "clusterjob status",
        "exit",
      ]);
    },
  });

  for (
    const [scheduler, lines, shows] of [
      [
        "lsf",
        [
          "#BSUB -J hello",
          "#BSUB -o hello.%J.out",
          'echo "hi from $LSB_JOBID"',
          ".",
          "bsub < job.sh",
        ],
        [
          /^Job <1> is submitted to default queue <normal>\./m,
          /^1 +user +PEND +normal +login1 +hello/m,
          /^1 +user +DONE +normal +login1 +node1 +hello/m,
          /^hi from 1$/m,
        ],
      ],
      [
        "sge",
        ["#$ -N hello", "#$ -cwd", 'echo "hi from $JOB_ID"', ".", "qsub job.sh"],
        [
          /^Your job 1 \("hello"\) has been submitted/m,
          /^ +1 0\.25000 hello +user +qw /m,
          /^exit_status +0 *$/m,
          /^hi from 1$/m,
        ],
      ],
    ] as const
  ) {
    Deno.test(`sim at a terminal (${scheduler}): submit by hand, watch the queue, read the accounting`, async () => {
      await using home = await CliHome.create();
      await using terminal = await Terminal.start(await command(home, ["sim", "-s", scheduler]));
      await terminal.waitFor(/^\[user@login1 ~\]\$ ?$/m);
      for (const line of ["write job.sh", "#!/bin/bash", ...lines]) await terminal.line(line);
      await terminal.waitFor(shows[0]);
      await terminal.line(scheduler === "lsf" ? "bjobs" : "qstat");
      await terminal.waitFor(shows[1]);
      await terminal.line("sleep 10m");
      await terminal.line(scheduler === "lsf" ? "bjobs -a" : "qacct -j 1");
      await terminal.waitFor(shows[2]);
      await terminal.line(scheduler === "lsf" ? "cat hello.1.out" : "cat hello.o1");
      await terminal.waitFor(shows[3]);
      await terminal.keys("C-d");
      await terminal.waitFor(/^EXITED 0$/m);
    });
  }
});
