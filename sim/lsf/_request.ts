/**
 * The engine request of a parsed `bsub`: LSF's output files (or the mail that stands in for
 * them), the job's environment, the host file, and the record `bjobs` and `bhist` read back
 * ({@linkcode LsfJobData}).
 *
 * Sources: IBM Spectrum LSF 10.1 Command Reference "bsub" (`-o/-oo/-e/-eo` with `%J`/`%I`, a
 * directory path giving `<dir>/<jobid>.out`, `-o` without `-e` also taking stderr, without `-o`
 * the output is mailed; `-env "none" | "all" | var_list`; jobs run in the submission directory
 * unless `-cwd`); the LSF environment variables reference (`LSB_JOBID`, `LSB_JOBINDEX`,
 * `LSB_JOBINDEX_END`, `LSB_HOSTS`, `LSB_MCPU_HOSTS`, `LSB_DJOB_HOSTFILE`, `LS_SUBCWD`,
 * `LS_EXECCWD`, `LSB_SUB_HOST`, `LSB_OUTPUTFILE`, `LSB_ERRORFILE`).
 *
 * @module
 */

import type { SimJob, SimSubmitRequest } from "../types.ts";
import type { SimCommandContext } from "../emulator.ts";
import type { LsfJobData } from "./_job_data.ts";
import { elementName, slotsPerHost } from "./_jobs.ts";
import { type BsubArray, type BsubDependencyTerm, type BsubSpan, spreadSlots } from "./_values.ts";
import { resolvePath } from "../_common/paths.ts";

/** Output path of `-o`/`-e` for a job: `%J`/`%I` substituted, a directory gets `<jobid>.<ext>`. */
function outputPath(spec: string, job: SimJob, cwd: string, extension: "out" | "err"): string {
  const jobId = String(job.arrayJobId ?? job.id);
  const index = String(job.arrayTaskId ?? 0);
  const path = spec.replaceAll("%J", jobId).replaceAll("%I", index);
  if (path.endsWith("/")) return resolvePath(resolvePath(cwd, path), `${jobId}.${extension}`);
  return resolvePath(cwd, path);
}

/** `-env`: `none`, `all` (the default), or a list, with `NAME=value` items set as given. */
function environmentFilter(
  spec: string | undefined,
  env: Record<string, string>,
): Record<string, string> {
  if (spec === undefined) return { ...env };
  const items = spec.split(",").map((item) => item.trim()).filter((item) => item !== "");
  const base: Record<string, string> = items[0]?.toLowerCase() === "none"
    ? {}
    : items.some((i) => i.toLowerCase() === "all")
    ? { ...env }
    : {};
  for (const item of items) {
    const at = item.indexOf("=");
    if (at !== -1) base[item.slice(0, at)] = item.slice(at + 1);
    else if (!["all", "none"].includes(item.toLowerCase()) && env[item] !== undefined) {
      base[item] = env[item];
    }
  }
  return base;
}

/** `<seq>` or `<seq>.<index>`: how LSF names an element's files under `$HOME`. */
function fileId(job: SimJob): string {
  return `${job.arrayJobId ?? job.id}${job.arrayTaskId === undefined ? "" : `.${job.arrayTaskId}`}`;
}

/** What the job's environment is made of, fixed at submission. */
interface Submission {
  options: BsubOptions;
  user: string;
  submitHost: string;
  submitCwd: string;
  workdir: string;
  exported: Record<string, string>;
  hostFile: (job: SimJob) => string;
  outputPaths: (job: SimJob) => { stdout: string; stderr: string | null };
}

/** The environment LSF gives a job: the exported variables and LSF's own. */
function jobEnvironment(job: SimJob, submission: Submission): Record<string, string> {
  const { options } = submission;
  const hosts = slotsPerHost(job);
  const jobId = String(job.arrayJobId ?? job.id);
  const env: Record<string, string> = {
    ...submission.exported,
    LSB_JOBID: jobId,
    LSB_BATCH_JID: job.arrayTaskId === undefined ? jobId : `${jobId}[${job.arrayTaskId}]`,
    LSB_JOBINDEX: String(job.arrayTaskId ?? 0),
    LSB_JOBNAME: elementName(job),
    LSB_QUEUE: job.queue,
    LSB_HOSTS: hosts.flatMap(([host, n]) => Array<string>(n).fill(host)).join(" "),
    LSB_MCPU_HOSTS: hosts.map(([host, n]) => `${host} ${n}`).join(" ") + " ",
    LSB_DJOB_HOSTFILE: submission.hostFile(job),
    LSB_DJOB_NUMPROC: String(options.slots),
    LSB_MAX_NUM_PROCESSORS: String(options.slots),
    LSB_SUB_HOST: submission.submitHost,
    LS_SUBCWD: submission.submitCwd,
    LS_EXECCWD: submission.workdir,
    LSB_PROJECT_NAME: options.project,
    LSB_EXEC_CLUSTER: "cluster1",
    LSFUSER: submission.user,
  };
  if (job.arrayTaskId !== undefined) {
    env.LSB_JOBINDEX_END = String(Math.max(...options.array!.indices));
  }
  const paths = submission.outputPaths(job);
  if (options.outputFile !== undefined) env.LSB_OUTPUTFILE = paths.stdout;
  if (options.errorFile !== undefined && paths.stderr !== null) env.LSB_ERRORFILE = paths.stderr;
  return env;
}

/** The record bjobs and bhist read back. */
function jobData(options: BsubOptions, submitCwd: string): LsfJobData {
  const { outputFile, errorFile, dependency, arraySpec, description } = options;
  return {
    baseName: options.name,
    ...(arraySpec === undefined ? {} : { arraySpec }),
    project: options.project,
    command: options.command !== undefined ? options.script.trimEnd() : options.jobName,
    submitCwd,
    slots: options.slots,
    ...(outputFile === undefined ? {} : { outputFile }),
    ...(errorFile === undefined ? {} : { errorFile }),
    ...(dependency === undefined ? {} : { dependency: dependency.text }),
    ...(description === undefined ? {} : { description }),
  };
}

/** Where a job's stdout and stderr go (`stderr: null` = merged into stdout). */
type OutputPaths = NonNullable<SimSubmitRequest["outputPaths"]>;

/** A job's stdout and stderr: `-o`/`-e`, or the mail that stands in for them. */
function outputPathsOf(options: BsubOptions, home: string, workdir: string): OutputPaths {
  const { outputFile, errorFile } = options;
  return (job) => {
    // Without -o, LSF mails the output (stdout, stderr and the job report); the simulator
    // keeps that mail as a file in the home directory, which always exists.
    const mail = `${home}/.lsbatch-${fileId(job)}.mail`;
    const stdout = outputFile === undefined ? mail : outputPath(outputFile, job, workdir, "out");
    if (errorFile === undefined) return { stdout, stderr: null };
    return { stdout, stderr: outputPath(errorFile, job, workdir, "err") };
  };
}

/** The engine request for parsed bsub options (dependencies are resolved by the caller). */
export function bsubRequest(options: BsubOptions, ctx: SimCommandContext): SimSubmitRequest {
  const engine = ctx.engine;
  const home = ctx.env.HOME ?? `/home/${ctx.user}`;
  const submitCwd = ctx.cwd;
  const workdir = options.cwd === undefined ? submitCwd : resolvePath(submitCwd, options.cwd);
  const outputPaths = outputPathsOf(options, home, workdir);
  const hostFile = (job: SimJob) => `${home}/.lsbatch/${fileId(job)}.hostfile`;
  const submission: Submission = {
    options,
    user: ctx.user,
    submitHost: ctx.env.HOSTNAME ?? engine.loginHost,
    submitCwd,
    workdir,
    exported: environmentFilter(options.env, ctx.env),
    hostFile,
    outputPaths,
  };
  const maxCpus = Math.max(...engine.nodes.map((node) => node.cpus));
  const shape = spreadSlots(options.slots, options.span, maxCpus);
  const request: SimSubmitRequest = {
    name: options.name,
    script: options.script,
    workdir,
    user: ctx.user,
    submitHost: submission.submitHost,
    nodes: shape.nodes,
    tasksPerNode: shape.tasksPerNode,
    cpusPerTask: 1,
    hold: options.hold,
    exportedEnv: submission.exported,
    outputPaths,
    environment: (job) => jobEnvironment(job, submission),
    jobFiles: (job) => ({
      [hostFile(job)]: slotsPerHost(job).flatMap(([host, n]) => Array<string>(n).fill(`${host}\n`))
        .join(""),
    }),
    schedulerData: jobData(options, submitCwd),
  };
  if (options.array) request.array = options.array;
  if (options.queue !== undefined) request.queue = options.queue;
  if (options.runLimitSeconds !== undefined) request.timeLimitSeconds = options.runLimitSeconds;
  if (options.memoryMB !== undefined) request.memoryMB = options.memoryMB;
  if (options.gpus !== undefined) request.gpus = options.gpus;
  if (options.account !== undefined) request.account = options.account;
  return request;
}

/** What bsub was asked: the command line and the script's `#BSUB` lines merged. */
export interface BsubOptions {
  /** The job script: stdin, or the command and its arguments as one line. */
  script: string;
  /** The command given on the command line (`bsub sleep 10`), if any. */
  command?: string;
  /** `-J` as given, else the command or the script's first line. */
  jobName: string;
  /** `jobName` without its array part. */
  name: string;
  /** The array `jobName` asks for. */
  array?: BsubArray;
  /** The array request as written (`[1-4]` of `-J "a[1-4]"`). */
  arraySpec?: string;
  /** `-n`: slots (the minimum of `min,max`). */
  slots: number;
  /** How the slots spread over hosts (`-R "span[...]"`). */
  span: BsubSpan;
  /** `-H`: submitted held (PSUSP). */
  hold: boolean;
  /** `-P`, else `default`. */
  project: string;
  /** `-env` as given. */
  env?: string;
  /** `-cwd` as given. */
  cwd?: string;
  /** `-oo`, else `-o`, as given. */
  outputFile?: string;
  /** `-eo`, else `-e`, as given. */
  errorFile?: string;
  /** `-q`. */
  queue?: string;
  /** `-W` in seconds. */
  runLimitSeconds?: number;
  /** `-M` in MB. */
  memoryMB?: number;
  /** `-gpu "num=N"`. */
  gpus?: number;
  /** `-G` user group (the engine's account). */
  account?: string;
  /** `-Jd` job description. */
  description?: string;
  /** `-w`. */
  dependency?: BsubDependency;
}

/** A `-w` expression: as given, and its terms. */
export interface BsubDependency {
  /** The expression as given. */
  text: string;
  /** Its `&&`-joined terms. */
  terms: BsubDependencyTerm[];
}
