/**
 * The LSF backend: `#BSUB` headers, `bsub < script`, batched `bjobs -o`, `bhist -l -n 0` for
 * finished jobs and `bkill`.
 *
 * @module
 */

import { QueryError } from "../src/core/errors.ts";
import { lsfCause } from "./_causes.ts";
import type { Resources } from "../src/core/resources.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type {
  Backend,
  JobIdGrammar,
  JobInfo,
  QueryCommand,
  SubmitCommand,
} from "../src/core/backend.ts";
import { lsfKnownOptions } from "./_known_lsf.ts";
import { submitOutcomeOf } from "./_submit_errors.ts";
import { lsfToken, openlavaToken } from "./_submit_token.ts";
import {
  formatMemory,
  layoutOf,
  lsfExtraLines,
  minutesRoundedUp,
  textDirectives,
} from "./_headers.ts";
import {
  AnswerReader,
  chunkedQueries,
  guardJobIds,
  jobInfo,
  nonEmptyLines,
  parseInteger,
  queryFailed,
  submittedJobId,
} from "./_commands.ts";
import { finishedInfo, LSF_ACTIVE_STATES, saysNotKnown } from "./_lsf_common.ts";
import { bhistArgv, parseBhist } from "./_lsf_bhist.ts";
import { bjobsLongArgv, lacksFormatOption, parseBjobsLong } from "./_lsf_bjobs_long.ts";

const PREFIX = "#BSUB";

/** Explicit units (LSF ≥ 10.1.0.2) make the site's LSF_UNIT_FOR_LIMITS irrelevant. */
const LSF_MEMORY_UNITS: readonly [string, string, string] = ["MB", "GB", "TB"];

/**
 * `-cwd .`: the job runs in the directory bsub ran in, clusterjob's workdir. That is LSF's
 * default, but a site or user may change the default (`LSB_JOB_CWD`, an application profile's
 * `JOB_CWD`, `DEFAULT_JOB_CWD` in `lsb.params`), and `-cwd` wins over all of them; a relative
 * `-cwd` is taken from the submission directory (IBM Spectrum LSF 10.1 Command Reference,
 * `bsub -cwd`, and "About flexible job CWD" in the administration guide, since LSF 9.1.3). No
 * path is written, so none needs quoting.
 */
const START_DIRECTORY = `${PREFIX} -cwd .`;

function renderHeaders(resources: Resources): string[] {
  const lines = textDirectives(PREFIX, resources, { name: "-J ", queue: "-q ", account: "-P " });
  if (resources.timeSeconds !== undefined) {
    lines.push(`${PREFIX} -W ${minutesRoundedUp(resources.timeSeconds)}`);
  }
  const layout = layoutOf(resources);
  const requirements: string[] = [];
  if (resources.memMB !== undefined) {
    const memory = formatMemory(resources.memMB, LSF_MEMORY_UNITS);
    lines.push(`${PREFIX} -M ${memory}`);
    requirements.push(`rusage[mem=${memory}]`);
  }
  if (layout.given) {
    lines.push(`${PREFIX} -n ${layout.nodes * layout.coresPerNode}`);
    // ptile = slots per host, so -n / ptile hosts: exactly `nodes` of them.
    requirements.push(`span[ptile=${layout.coresPerNode}]`);
  }
  // One -R with all sections: several -R options are not merged for every section.
  if (requirements.length > 0) lines.push(`${PREFIX} -R "${requirements.join(" ")}"`);
  // `gpus: 0` is no request: no `-gpu "num=0"`.
  if ((resources.gpus ?? 0) > 0) lines.push(`${PREFIX} -gpu "num=${resources.gpus}"`);
  lines.push(...textDirectives(PREFIX, resources, { stdout: "-o ", stderr: "-e " }));
  lines.push(START_DIRECTORY);
  return [...lines, ...lsfExtraLines(PREFIX, resources.extra)];
}

/**
 * What `bsub` prints in `Job <…>` (see `parseJobId`): a job number, or an array element `N[i]`.
 * Never `0`: `bkill 0` kills all of the user's jobs.
 */
const JOB_ID_GRAMMAR: JobIdGrammar = Object.freeze({
  pattern: /^[1-9]\d*(?:\[\d+\])?$/,
  description: 'a positive integer such as 1234, or an array element such as 1234[5] (never "0": ' +
    '"bkill 0" kills all your jobs)',
});

/** `bsub` reads `#BSUB` lines only from a script on its standard input. */
function submitCommand(_filename: string): SubmitCommand {
  return { argv: ["bsub"], stdinScript: true };
}

/** `Job <123> is submitted to queue <normal>.` (or `default queue`), possibly after noise lines. */
function parseJobId(output: CommandOutput, argv: readonly string[]): string {
  return submittedJobId(
    output,
    argv,
    (stdout) => /^Job <(\d+(?:\[\d+\])?)> is submitted to\b/m.exec(stdout)?.[1],
  );
}

const FORMAT = "jobid stat exit_code exit_reason delimiter='|'";

function statusArgv(ids: readonly string[]): string[] {
  return ["bjobs", "-o", FORMAT, "-noheader", ...ids];
}

/**
 * Parses `bjobs -o "jobid stat exit_code exit_reason delimiter='|'" -noheader`: one
 * `ID|STAT|CODE|REASON` line per job (array elements share the id and are merged), `-` for an
 * empty field; `Job <ID> is not found` on stderr for unknown ids. A line that cannot be read
 * fails only its job (or, when not even its id can be read, the ids no other line answers).
 */
function parseBjobs(
  output: CommandOutput,
  ids: readonly string[],
  argv: readonly string[],
): Map<string, JobInfo> {
  const complaints = nonEmptyLines(output.stderr).filter((line) => !saysNotKnown(line));
  const lines = nonEmptyLines(output.stdout).filter((line) => !saysNotKnown(line));
  if (complaints.length > 0 || (output.code !== 0 && output.stderr.trim() === "")) {
    throw queryFailed(argv, output, "Status query failed");
  }
  if (output.code === 0 && lines.length === 0 && ids.length > 0) {
    throw new QueryError(argv, `Status query "${argv.join(" ")}" printed no job and no error`);
  }
  const wanted = new Set(ids);
  const reader = new AnswerReader(argv, ids);
  for (const line of lines) {
    const [id, state, code, ...reasonParts] = line.split("|").map((field) => field.trim());
    if (id === undefined || !/^\d+$/.test(id)) {
      reader.failUnattributed(`Cannot parse bjobs line "${line}": expected "id|STAT|code|reason"`);
      continue;
    }
    if (!wanted.has(id)) continue;
    const exitCode = code === "-" ? undefined : parseInteger(code);
    if (
      state === undefined || (code !== "-" && exitCode === undefined) || reasonParts.length === 0
    ) {
      reader.fail(id, `Cannot parse bjobs line "${line}": expected "id|STAT|code|reason"`);
      continue;
    }
    const reason = reasonParts.join("|") === "-" ? "" : reasonParts.join("|");
    const active = LSF_ACTIVE_STATES[state];
    if (active !== undefined) reader.add(id, jobInfo(active, state, undefined, reason));
    else if (state === "DONE" || state === "EXIT" || state === "ZOMBI") {
      reader.add(id, finishedInfo(state, exitCode, reason, true));
    } else reader.fail(id, `Cannot parse LSF job state "${state}" in line "${line}"`);
  }
  return reader.result();
}

/** What both dialects share: everything but the status query. */
const common = {
  name: "lsf",
  extension: "lsf",
  prefix: PREFIX,
  knownOptions: lsfKnownOptions,
  envVars: Object.freeze({
    CLUSTERJOB_ID: "LSB_JOBID",
    CLUSTERJOB_WORKDIR: "LS_SUBCWD",
    CLUSTERJOB_SUBMIT_HOST: "LSB_SUB_HOST",
    CLUSTERJOB_NAME: "LSB_JOBNAME",
    CLUSTERJOB_NODELIST: "LSB_HOSTS",
    CLUSTERJOB_ARRAY_INDEX: "LSB_JOBINDEX",
  }),
  jobIdGrammar: JOB_ID_GRAMMAR,
  renderHeaders,
  submitCommand,
  parseJobId,
  accountingCommands: (ids: readonly string[]): QueryCommand[] => chunkedQueries(ids, bhistArgv),
  parseAccounting: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseBhist(output, ids, bhistArgv(ids)),
  cancelCommand: (ids: readonly string[]): string[] => ["bkill", ...ids],
  causeOf: lsfCause,
  submitOutcome: (output: CommandOutput) => submitOutcomeOf("lsf", output),
  submitToken: lsfToken,
} as const;

/**
 * The dialect of schedulers whose `bjobs` has no `-o` (OpenLava 4.0, LSF before 9.1.1): status
 * by `bjobs -l ID …`, one command for all ids, whose records carry the state and the exit code
 * (see `_lsf_bjobs_long.ts`); accounting by the same `bhist -l -n 0`, which OpenLava has. The
 * `lsf` backend's poller switches to it on the first `bjobs -o` answer that says
 * `invalid option -- 'o'` (`Backend.dialectFor`).
 */
const openlavaDialect: Backend = guardJobIds({
  ...common,
  statusCommands: (ids: readonly string[]): QueryCommand[] => chunkedQueries(ids, bjobsLongArgv),
  parseStatus: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseBjobsLong(output, ids, bjobsLongArgv(ids)),
  submitToken: openlavaToken,
});

/**
 * The LSF backend.
 *
 * - Headers: `-J`, `-q`, `-P` (account/project), `-W` minutes (rounded up), `-n N·P·T` with
 *   `-R "span[ptile=P·T]"` (always, so the job spans exactly N hosts), memory per node as
 *   `-M <mem>MB` (limit) and `rusage[mem=<mem>MB]` (reservation; per host with LSF's default
 *   RESOURCE_RESERVE_PER_TASK=N) with explicit units (LSF ≥ 10.1.0.2), `-gpu "num=G"` (GPUs
 *   per host), `-o`, `-e`, `-cwd .` (the job runs in the directory bsub ran in, clusterjob's
 *   workdir, whatever the site's default working directory; documented since LSF 9.1.3,
 *   OpenLava has no `-cwd`); other keys become options with a dash added when missing
 *   (`P: "proj"` → `-P proj`, `x: true` → `-x`; a `cwd` of your own wins).
 * - Variables: `$LSB_JOBID`, `$LS_SUBCWD`, `$LSB_SUB_HOST` (the submission host, set by LSF),
 *   `$LSB_JOBNAME`, `$LSB_HOSTS`, `$LSB_JOBINDEX` (0 for a non-array job).
 * - Commands: `bsub` with the script on standard input; `bjobs -o "jobid stat exit_code
 *   exit_reason delimiter='|'" -noheader ID …` (bjobs forgets finished jobs after
 *   CLEAN_PERIOD, one hour by default); for jobs bjobs no longer knows, `bhist -l -n 0 ID …`
 *   (the event log history of every log file: `Done successfully`, `Exited with exit code N`,
 *   a `Signal <KILL> requested` or `TERM_OWNER` kill → CANCELLED, `TERM_RUNLIMIT` → FAILED
 *   with a `timeout` reason); `bkill ID …`.
 * - OpenLava (an LSF clone of the LSF 7 era) and LSF before 9.1.1 have no `bjobs -o`: on the
 *   first answer `bjobs: invalid option -- 'o'` a transport's poller switches for good to
 *   `bjobs -l ID …` (one command for all ids, its records `Job Id <N>, … Status <EXIT>` with
 *   `Exited with exit code N.`), see {@linkcode Backend.dialectFor}. `bhist -l` records are read
 *   in both forms (`Job <N>,` and `Job Id <N>,`); OpenLava's run-limit kill, `exit code 140`
 *   with a `RUNLIMIT` block and no `TERM_RUNLIMIT`, is a timeout.
 *
 * @example Render headers and read bjobs output
 * ```ts
 * import { lsf, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const headers = lsf.renderHeaders({ name: "omp", timeSeconds: 5430, nodes: 1, ppn: 1, threads: 32, extra: [["P", "proj"]] });
 * assert.ok(headers.includes("#BSUB -W 91") && headers.includes("#BSUB -n 32"));
 * assert.ok(headers.includes('#BSUB -R "span[ptile=32]"') && headers.includes("#BSUB -P proj"));
 * assert.ok(headers.includes("#BSUB -cwd .")); // the job runs where bsub ran
 *
 * const info = lsf.parseStatus({ code: 0, stdout: "42|EXIT|130|TERM_OWNER: job killed by owner\n", stderr: "" }, ["42"]).get("42");
 * assert.ok(info?.status === Status.CANCELLED);
 * ```
 */
export const lsf: Backend = guardJobIds({
  ...common,
  statusCommands: (ids: readonly string[]): QueryCommand[] => chunkedQueries(ids, statusArgv),
  parseStatus: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseBjobs(output, ids, statusArgv(ids)),
  dialectFor: (output: CommandOutput): Backend | undefined =>
    lacksFormatOption(output) ? openlavaDialect : undefined,
});
