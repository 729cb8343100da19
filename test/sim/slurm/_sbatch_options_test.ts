/** sbatch's options: its command line and `#SBATCH` directives into checked, typed options. */

import { CommandFailure } from "../../../sim/_common/command_result.ts";
import assert from "node:assert/strict";

import {
  parseSbatchOptions,
  sbatchCommandLine,
  SbatchError,
  type SbatchOptions,
} from "../../../sim/slurm/_sbatch_options.ts";
import { refusal } from "./_helpers.ts";

/** The options of a command line (parsed as sbatch parses it) and the script's directives. */
function optionsFor(args: string[], directives: string[] = []): SbatchOptions {
  return parseSbatchOptions(sbatchCommandLine(args), directives);
}

const refused = (run: () => unknown) => refusal(run, SbatchError);

Deno.test("parseSbatchOptions() gives every option, typed; not given is undefined", () => {
  assert.deepEqual(parseSbatchOptions(sbatchCommandLine(["-Q"]), []), {
    jobName: undefined,
    partition: undefined,
    timeLimitSeconds: undefined,
    nodes: undefined,
    ntasks: undefined,
    ntasksPerNode: undefined,
    cpusPerTask: undefined,
    memory: undefined,
    gpus: undefined,
    array: undefined,
    dependencies: undefined,
    priority: undefined,
    account: undefined,
    output: undefined,
    error: undefined,
    chdir: undefined,
    export: "ALL",
    hold: false,
    parsable: false,
    quiet: true,
    wait: false,
    comment: undefined,
  });
  const options = parseSbatchOptions(
    sbatchCommandLine(["-t", "1-0", "--mem-per-cpu=2G", "--priority=7", "--parsable", "x.sh"]),
    ["-J", "dir", "-n", "4", "--priority=high"],
  );
  assert.equal(options.jobName, "dir");
  assert.equal(options.timeLimitSeconds, 86400);
  assert.equal(options.ntasks, 4);
  assert.deepEqual(options.memory, { per: "cpu", mb: 2048 });
  assert.equal(options.priority, 7);
  assert.equal(options.parsable, true);
  assert.equal(parseSbatchOptions(sbatchCommandLine(["--priority=high"]), []).priority, undefined);
});

Deno.test("sbatchCommandLine() stops at the script; a bad option exits 255, in a directive too", () => {
  assert.deepEqual(sbatchCommandLine(["-H", "job.sh", "-J", "x"]).operands, ["job.sh", "-J", "x"]);
  assert.throws(
    () => sbatchCommandLine(["--bogus"]),
    (error: unknown) => error instanceof CommandFailure && error.code === 255,
  );
  assert.throws(
    () => parseSbatchOptions(sbatchCommandLine([]), ["--bogus"]),
    (error: unknown) =>
      error instanceof CommandFailure &&
      error.stderr ===
        `sbatch: unrecognized option '--bogus'\nTry "sbatch --help" for more information\n`,
  );
});

Deno.test("parseSbatchOptions() refuses invalid values with sbatch's message and exit code", () => {
  const time = refused(() => optionsFor(["-t", "soon"]));
  assert.equal(time.code, 255);
  assert.equal(time.stderr, "sbatch: error: Invalid --time specification\n");
  const nodes = refused(() => optionsFor(["-N", "0"]));
  assert.equal(nodes.stderr, 'sbatch: error: Invalid numeric value "0" for --nodes.\n');
  assert.equal(refused(() => optionsFor(["--mem=lots"])).code, 255);
  assert.equal(refused(() => optionsFor(["--gres=tpu:1"])).code, 1);
  assert.match(refused(() => optionsFor(["--array=9-1"])).stderr, /Invalid job array/);
  const dependency = refused(() => optionsFor(["-d", "before:1"]));
  assert.equal(dependency.usesJobId, true);
  assert.equal(refused(() => optionsFor(["--array=9-1"])).usesJobId, false);
});
