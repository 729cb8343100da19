// From qsub's options to the engine's request (sim/sge/_request.ts).
import assert from "node:assert/strict";
import { type SimCommandContext, SimEngine } from "../../../sim/mod.ts";
import { QmasterRejection, SgeCommandError } from "../../../sim/sge/_errors.ts";
import { type SgeJobData, sgeJobData } from "../../../sim/sge/_job_data.ts";
import { buildRequest } from "../../../sim/sge/_request.ts";
import { parseQsubArgs, parseQsubOptions, type QsubScript } from "../../../sim/sge/qsub.ts";

const SCRIPT: QsubScript = {
  text: "#!/bin/bash\nsleep 60\n",
  file: "job.sh",
  args: ["a", "b"],
  defaultName: "job.sh",
  binary: false,
};

function context(engine = new SimEngine({ kind: "sge" })): SimCommandContext {
  return {
    engine,
    args: [],
    stdin: "",
    cwd: "/home/alice/work",
    env: { HOME: "/home/alice", PATH: "/bin", SHELL: "/bin/zsh", FOO: "foo" },
    user: "alice",
    readFile: () => undefined,
  };
}

function build(args: string[], ctx = context()) {
  return buildRequest(ctx, parseQsubOptions(parseQsubArgs(args).options, []), SCRIPT);
}

Deno.test("buildRequest() fills the engine's request and keeps SGE's data typed", () => {
  const request = build(["-cwd", "-l", "h_rt=600", "-pe", "smp", "2", "-h", "-V", "-v", "A=1"]);
  assert.equal(request.name, "job.sh");
  assert.equal(request.workdir, "/home/alice/work");
  assert.equal(request.timeLimitSeconds, 600);
  assert.equal(request.cpusPerTask, 2);
  assert.equal(request.hold, true);
  assert.deepEqual(request.scriptArgs, ["a", "b"]);
  assert.equal(request.interpreter, "/bin/sh");
  assert.deepEqual(request.exportedEnv, {
    HOME: "/home/alice",
    PATH: "/bin",
    SHELL: "/bin/zsh",
    FOO: "foo",
    A: "1",
  });
  const data: SgeJobData = {
    scriptFile: "job.sh",
    submitPath: "/bin",
    submitShell: "/bin/zsh",
    submitHome: "/home/alice",
    submitLogname: "alice",
    cwd: "/home/alice/work",
    pe: { name: "smp", slots: "2" },
    category: "-l h_rt=600 -pe smp 2",
    hardResourceList: "h_rt=600",
  };
  assert.deepEqual(request.schedulerData, data);
});

Deno.test("buildRequest(): without -cwd or -wd the job runs in the home directory", () => {
  const request = build(["-wd", "../out"]);
  assert.equal(request.workdir, "/home/alice/out");
  assert.equal(build([]).workdir, "/home/alice");
  assert.equal("cwd" in (build([]).schedulerData as SgeJobData), false);
});

Deno.test("buildRequest(): -hold_jid names mean the active jobs of that name", () => {
  const engine = new SimEngine({ kind: "sge" });
  engine.submit({ name: "first", script: "true\n", workdir: "/", user: "alice" });
  const request = build(["-hold_jid", "first,99"], context(engine));
  assert.deepEqual(request.dependencies, [{ type: "afterany", jobIds: [1] }]);
  const { jobs } = engine.submit(request);
  assert.deepEqual(sgeJobData(jobs[0]!).predecessors, { request: ["first", "99"], ids: [1] });
});

Deno.test("buildRequest() refuses in qmaster's order: name, resources, PE, task range, -w e", () => {
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => build(args),
      (error: unknown) => error instanceof QmasterRejection && error.message === message,
    );
  refused(["-N", "a b", "-l", "bogus=1"], "Error reading answer list from qmaster");
  refused(["-l", "bogus=1", "-pe", "nosuch", "1"], 'unknown resource "bogus"');
  refused(
    ["-pe", "nosuch", "1", "-t", "x"],
    'job rejected: the requested parallel environment "nosuch" does not exist',
  );
  assert.throws(
    () => build(["-t", "x", "-w", "e", "-pe", "smp", "64"]),
    (error: unknown) => error instanceof SgeCommandError && error.exitCode === 7,
  );
  refused(["-w", "e", "-pe", "smp", "64"], "error: no suitable queues");
});
