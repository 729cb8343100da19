/**
 * `clusterjob render JOB.yaml [--backend B | --all]`: the job script a job file gives, for one
 * scheduler or for all five, with what each could not express.
 *
 * @module
 */

import { builtinBackends } from "../../backends/registry.ts";
import type { JobWarning } from "../../src/job/job_warning.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { findCluster } from "../config.ts";
import type { CliContext } from "../context.ts";
import { exitCodeOf, UsageError } from "../errors.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { prepareJob } from "../load_job.ts";
import { CLUSTER_FLAG, JSON_FLAG } from "../_shared.ts";

/** The built-in backends, in the order of the documentation. */
const ORDER = ["slurm", "pbs", "pbspro", "lsf", "sge"];
const BACKENDS: readonly string[] = builtinBackends.list().map((backend) => backend.name)
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));

/** One backend's rendering, as `--json` shows it. */
interface Rendered {
  backend: string;
  filename: string | null;
  script: string | null;
  auxScripts: Record<string, string>;
  warnings: { key: string; message: string }[];
  error: string | null;
}

/** The `render` subcommand. */
export const render: Command = {
  spec: {
    name: "render",
    summary: "Print the job script a job file gives, for one scheduler or all five.",
    description: `
The job file's options apply over its settings file's and the cluster's (the default cluster's
unless --cluster says). The script goes to standard output, warnings to standard error. With
--all, each scheduler's script follows a header "==> BACKEND: FILENAME <==", then what that
scheduler could not express (resources its tools do not list, or an error); the exit code is 3
when one of them cannot render the job at all.`,
    positionals: [{ name: "JOB.yaml", help: "the job file", required: true }],
    flags: [
      {
        name: "backend",
        short: "b",
        kind: "string",
        value: "B",
        help: "the scheduler",
        choices: BACKENDS,
      },
      { name: "all", short: "a", kind: "boolean", help: "every scheduler, one after the other" },
      CLUSTER_FLAG,
      {
        name: "var",
        kind: "list",
        value: "K=V",
        help: "set placeholder {K} (over the job's vars)",
      },
      JSON_FLAG,
    ],
    examples: [
      "clusterjob render hello.yaml",
      "clusterjob render hello.yaml --backend lsf --var n=20",
      "clusterjob render hello.yaml --all",
    ],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    if (args.boolean("all") && args.string("backend") !== undefined) {
      throw new UsageError("render", "give --backend or --all, not both", { flag: "--all" });
    }
    const cluster = findCluster(await context.config(), args.string("cluster"));
    const prepared = await prepareJob(context, {
      command: "render",
      file: args.positionals[0]!,
      cluster,
      vars: args.list("var"),
      onWarning: () => {},
    });
    const one = (backend: string | undefined): Rendered => {
      const warnings: JobWarning[] = [];
      const job = prepared.build(backend, (warning) => warnings.push(warning));
      try {
        return {
          backend: job.backend.name,
          filename: job.filename,
          script: job.render(),
          auxScripts: job.renderAuxScripts(),
          warnings: warnings.map(({ key, message }) => ({ key, message })),
          error: null,
        };
      } catch (error) {
        throw prepared.file.explain(error);
      }
    };

    if (!args.boolean("all")) {
      const rendered = one(args.string("backend"));
      if (args.boolean("json")) {
        context.out(JSON.stringify({ version: 1, scripts: [rendered] }, null, 2) + "\n");
      } else {
        for (const warning of rendered.warnings) context.err(`warning: ${warning.message}\n`);
        context.out(rendered.script!);
      }
      return ExitCode.OK;
    }

    const all: Rendered[] = [];
    for (const backend of BACKENDS) {
      try {
        all.push(one(backend));
      } catch (error) {
        if (exitCodeOf(error) !== ExitCode.INVALID_INPUT) throw error;
        all.push({
          backend,
          filename: null,
          script: null,
          auxScripts: {},
          warnings: [],
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (args.boolean("json")) {
      context.out(JSON.stringify({ version: 1, scripts: all }, null, 2) + "\n");
    } else {
      context.out(all.map(describe).join("\n"));
    }
    return all.some((rendered) => rendered.error !== null) ? ExitCode.INVALID_INPUT : ExitCode.OK;
  },
};

function describe(rendered: Rendered): string {
  if (rendered.error !== null) {
    return `==> ${rendered.backend}: cannot render <==\n${rendered.error}\n`;
  }
  let text = `==> ${rendered.backend}: ${rendered.filename} <==\n${rendered.script}`;
  for (const [name, script] of Object.entries(rendered.auxScripts)) {
    text += `--> ${rendered.backend}: ${name} (aux script) <--\n${script}`;
  }
  if (rendered.warnings.length > 0) {
    text += `${rendered.backend} could not express:\n` +
      rendered.warnings.map((warning) => `  - ${warning.message}\n`).join("");
  }
  return text;
}
