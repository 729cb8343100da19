// The argument parser of the subcommands (cli/args.ts) and the help made from the same spec.

import assert from "node:assert/strict";
import { type CommandSpec, formatHelp, parseArgs, UsageError } from "../../cli.ts";

const SPEC: CommandSpec = {
  name: "submit",
  summary: "Submit a job.",
  positionals: [{ name: "JOB.yaml", help: "the job file", required: true }],
  flags: [
    { name: "cluster", short: "c", kind: "string", value: "NAME", help: "a cluster" },
    { name: "var", kind: "list", value: "K=V", help: "a placeholder" },
    {
      name: "backend",
      kind: "string",
      value: "B",
      help: "the scheduler",
      choices: ["slurm", "lsf"],
    },
    { name: "wait", short: "w", kind: "boolean", help: "then wait" },
  ],
};

const usage = (argv: string[], spec: CommandSpec = SPEC): UsageError => {
  try {
    parseArgs(argv, spec);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error;
  }
  assert.fail(`no UsageError for ${argv.join(" ")}`);
};

Deno.test("parseArgs() reads long, short, --name=value, repeated and boolean flags mixed with arguments", () => {
  const args = parseArgs([
    "--var",
    "a=1",
    "job.yaml",
    "-c",
    "hpc",
    "--var=b=2",
    "-w",
    "--backend=lsf",
  ], SPEC);
  assert.deepEqual(args.positionals, ["job.yaml"]);
  assert.equal(args.string("cluster"), "hpc");
  assert.deepEqual(args.list("var"), ["a=1", "b=2"]);
  assert.equal(args.string("backend"), "lsf");
  assert.equal(args.boolean("wait"), true);
  assert.equal(args.boolean("help"), false);
  assert.deepEqual(parseArgs(["job.yaml"], SPEC).list("var"), []);
});

Deno.test("parseArgs() ends flags at --, and takes - as an argument", () => {
  assert.deepEqual(parseArgs(["--", "--odd.yaml"], SPEC).positionals, ["--odd.yaml"]);
  assert.deepEqual(parseArgs(["-"], SPEC).positionals, ["-"]);
  assert.equal(parseArgs(["x", "--cluster", "-"], SPEC).string("cluster"), "-");
});

Deno.test("parseArgs() refuses what is wrong with a UsageError naming the flag and the value", () => {
  const unknown = usage(["job.yaml", "--clustr", "hpc"]);
  assert.equal(
    unknown.message,
    'clusterjob submit: unknown flag "--clustr"; did you mean --cluster?',
  );
  assert.equal(unknown.flag, "--clustr");
  assert.equal(usage(["job.yaml", "-x"]).message, 'clusterjob submit: unknown flag "-x"');
  assert.equal(
    usage(["job.yaml", "--cluster"]).message,
    "clusterjob submit: flag --cluster needs a value (NAME)",
  );
  assert.equal(usage(["job.yaml", "--cluster", "--wait"]).flag, "--cluster");
  const choice = usage(["job.yaml", "--backend", "pbz"]);
  assert.equal(
    choice.message,
    'clusterjob submit: invalid value "pbz" for --backend; expected one of slurm, lsf',
  );
  assert.deepEqual([choice.flag, choice.value], ["--backend", "pbz"]);
  assert.equal(
    usage(["job.yaml", "--wait=no"]).message,
    'clusterjob submit: flag --wait takes no value, got "no"',
  );
  assert.equal(
    usage(["job.yaml", "-c", "a", "-c", "b"]).message,
    "clusterjob submit: flag --cluster given twice",
  );
  assert.equal(usage([]).message, "clusterjob submit: missing argument JOB.yaml");
  assert.equal(
    usage(["a.yaml", "b.yaml"]).message,
    'clusterjob submit: unexpected argument "b.yaml"',
  );
  assert.equal(usage(["a.yaml", "b.yaml"]).exitCode, 2);
});

Deno.test("parseArgs() accepts --help without the required arguments", () => {
  assert.equal(parseArgs(["--help"], SPEC).boolean("help"), true);
  assert.equal(parseArgs(["-h"], SPEC).boolean("help"), true);
});

Deno.test("parseArgs() takes any number of a variadic argument", () => {
  const spec: CommandSpec = { ...SPEC, positionals: [{ name: "ID", help: "ids", variadic: true }] };
  assert.deepEqual(parseArgs(["1", "2", "3"], spec).positionals, ["1", "2", "3"]);
  assert.deepEqual(parseArgs([], spec).positionals, []);
});

Deno.test("formatHelp() gives the usage line, the arguments and every flag with its value", () => {
  const help = formatHelp({
    ...SPEC,
    description: "\nMore words.\n",
    examples: ["clusterjob submit a.yaml"],
  });
  assert.equal(
    help,
    [
      "Usage: clusterjob submit [flags] JOB.yaml",
      "",
      "Submit a job.",
      "",
      "More words.",
      "",
      "Arguments:",
      "  JOB.yaml  the job file",
      "",
      "Flags:",
      "  -c, --cluster NAME  a cluster",
      "      --var K=V       a placeholder (repeatable)",
      "      --backend B     the scheduler",
      "  -w, --wait          then wait",
      "  -h, --help          show this help",
      "",
      "Examples:",
      "  clusterjob submit a.yaml",
      "",
    ].join("\n"),
  );
});
