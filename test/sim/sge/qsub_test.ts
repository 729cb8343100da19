// qsub's option parsing (sim/sge/qsub.ts): argv and `#$` lines into typed options, with the
// errors qsub prints for bad ones (test/fixtures/real-outputs/sge/095, 096).
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { SgeCommandError } from "../../../sim/sge/_errors.ts";
import { directiveWords, parseQsubArgs, parseQsubOptions } from "../../../sim/sge/qsub.ts";

function commandError(message: string, exitCode: number) {
  return (error: unknown) =>
    error instanceof SgeCommandError && error.message === message && error.exitCode === exitCode;
}

Deno.test("parseQsubArgs() splits options with their values from the script and its arguments", () => {
  assert.deepEqual(parseQsubArgs(["-terse", "-pe", "smp", "2", "-N", "x", "job.sh", "a", "-b"]), {
    options: [
      { name: "-terse", values: [] },
      { name: "-pe", values: ["smp", "2"] },
      { name: "-N", values: ["x"] },
    ],
    operands: ["job.sh", "a", "-b"],
  });
  assert.deepEqual(parseQsubArgs(["-cwd", "-", "x"]).operands, ["-", "x"]);
  assert.deepEqual(parseQsubArgs([]), { options: [], operands: [] });
});

Deno.test("parseQsubArgs() refuses an unknown option or a missing value as qsub does (exit 2)", () => {
  assert.throws(
    () => parseQsubArgs(["-bogus", "ok.sh"]),
    commandError('qsub: invalid option argument "-bogus"', 2),
  );
  assert.throws(
    () => parseQsubArgs(["-N"]),
    commandError('qsub: option "-N" requires an argument', 2),
  );
  assert.throws(
    () => parseQsubArgs(["-pe", "smp"]),
    commandError('qsub: option "-pe" requires an argument', 2),
  );
});

Deno.test("directiveWords() reads #$ lines anywhere in the script, with quotes and comments", () => {
  const script = "#!/bin/bash\n#$ -N 'a job'\necho hi\n#$ -l h_rt=60 # the limit\n  #$ -q x\n";
  assert.deepEqual(directiveWords(script), ["-N", "a job", "-l", "h_rt=60"]);
  assert.deepEqual(directiveWords("echo no directives\n"), []);
});

Deno.test("parseQsubOptions() gives the typed options; the command line wins, lists add up", () => {
  const commandLine = parseQsubArgs([
    "-terse",
    "-N",
    "cli",
    "-l",
    "h_rt=600",
    "-v",
    "A=1,B",
    "-hold_jid",
    "12",
    "-t",
    "2-10:4",
    "-tc",
    "2",
    "-w",
    "e",
    "job.sh",
  ]).options;
  const directives = ["-N", "script", "-cwd", "-l", "h_rt=60,h_vmem=2G", "-hold_jid", "a,b"];
  assert.deepEqual(parseQsubOptions(commandLine, [...directives, "-j", "y", "-o", "out"]), {
    terse: true,
    sync: false,
    cwd: true,
    hold: false,
    exportAll: false,
    verify: true,
    merge: true,
    name: "cli",
    stdout: "out",
    resources: new Map([["h_rt", "600"], ["h_vmem", "2G"]]),
    tasks: { text: "2-10:4", range: { first: 2, last: 10, step: 4 } },
    taskLimit: 2,
    holdJobs: ["a", "b", "12"],
    variables: [{ name: "A", value: "1" }, { name: "B" }],
    context: [],
  });
});

Deno.test("parseQsubOptions() keeps an invalid -t for qsub to refuse, and ignores a non-numeric -tc", () => {
  const options = parseQsubOptions(
    parseQsubArgs(["-t", "abc", "-tc", "x", "-pe", "smp", "1-2"]).options,
    [],
  );
  assert.deepEqual(options.tasks, { text: "abc", range: undefined });
  assert.equal("taskLimit" in options, false);
  assert.deepEqual(options.pe, { name: "smp", slots: "1-2" });
  assert.deepEqual(parseQsubOptions([], []), {
    terse: false,
    sync: false,
    cwd: false,
    hold: false,
    exportAll: false,
    verify: false,
    merge: false,
    resources: new Map(),
    holdJobs: [],
    variables: [],
    context: [],
  });
});

Deno.test("parseQsubOptions() refuses a bad #$ line as qsub does", () => {
  assert.throws(
    () => parseQsubOptions([], ["-zzz"]),
    commandError('qsub: invalid option argument "-zzz"', 2),
  );
});

Deno.test("qsub: a job qmaster refuses uses up an id; one qsub itself refuses does not", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", execution: "model" });
  const badTasks = await cluster.run(["qsub", "-t", "abc", "-b", "y", "true"]);
  assert.deepEqual(badTasks, {
    code: 7,
    stdout: "",
    stderr:
      'qsub: Numerical value invalid!\nThe initial portion of string "abc" contains no decimal number\n',
  });
  assert.equal((await cluster.run(["qsub", "-terse", "-b", "y", "true"])).stdout, "1\n");
  const space = await cluster.run(["qsub", "-terse", "-N", "a b", "-b", "y", "true"]);
  assert.equal(
    space.stderr,
    "Unable to run job: Error reading answer list from qmaster\nExiting.\n",
  );
  assert.equal((await cluster.run(["qsub", "-terse", "-b", "y", "true"])).stdout, "3\n");
});
