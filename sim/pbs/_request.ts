/**
 * The engine request of a parsed `qsub`: PBS's output file names, the job's environment, the
 * node file, and the attributes the other commands read back ({@linkcode PbsJobData}).
 *
 * Sources: PBS Professional Reference Guide "qsub" (default output `<name>.o<seq>` in the
 * submission directory, `^array_index^`, job environment `PBS_O_*`, `PBS_ARRAY_INDEX`,
 * `PBS_NODEFILE`, jobs start in `$HOME`) and "Job attributes" (`Resource_List`, `select`,
 * `place`); Torque Administrator Guide "qsub" (`PBS_ARRAYID`, output `<name>.o<seq>-<index>`
 * for arrays, `PBS_NUM_NODES`, `PBS_NUM_PPN`, `PBS_NP`, `PBS_WALLTIME`).
 *
 * Where a job starts: in `$HOME` on both, as the recordings show (OpenPBS 23.06 `jobdir =
 * /home/pbsuser` for jobs submitted from `~/openpbs`, /work/shared/real-pbs `raw/openpbs/045`).
 * PBS Pro has no option for it (OpenPBS `src/resmom/start_exec.c`: `chdir(pwdp->pw_dir)` unless
 * `sandbox=PRIVATE`, not emulated). Torque 6.1 starts the job in `$PBS_O_INITDIR`, else in
 * `$HOME` (`src/resmom/start_exec.c`, `go_to_init_dir()`); only `-d` sets `PBS_O_INITDIR`, a
 * relative one made absolute against qsub's directory (`src/cmds/qsub_functions.c`,
 * `process_opt_d()`). Torque's `-w` only renames the submission directory: it sets
 * `PBS_O_WORKDIR` and `init_work_dir`, otherwise qsub's directory (`validate_pbs_o_workdir()`;
 * `init_work_dir` is the submission directory in `raw/torque/047`), and does not move the job.
 *
 * @module
 */

import type { SimDependency, SimJob, SimSubmitRequest } from "../types.ts";
import type { SimCommandContext } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import type { PbsJobData } from "./_job_data.ts";
import { jobIdOf, jobNameOf, type PbsJobRef, qualifiedId } from "./_jobs.ts";
import type { PbsLayout } from "./_resources.ts";
import { resolvePath } from "../_common/paths.ts";

/** `-v A=1,B` with B taken from the submitter's environment. */
function parseVariables(
  lists: readonly string[],
  env: Record<string, string>,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const list of lists) {
    for (const item of list.split(",")) {
      if (item === "") continue;
      const at = item.indexOf("=");
      if (at === -1) variables[item] = env[item] ?? "";
      else variables[item.slice(0, at)] = item.slice(at + 1);
    }
  }
  return variables;
}

/**
 * Where `-o`/`-e` (or the default `<name>.<o|e><seq>`) puts a job's stream: job `seq`, array
 * index `index` (PBS Pro's array template shows `^array_index^`, raw/openpbs/030).
 */
export function streamPath(
  dialect: PbsDialect,
  spec: string | undefined,
  letter: "o" | "e",
  name: string,
  submitCwd: string,
  seq: number,
  index: number | string | undefined,
): string {
  const suffix = index === undefined ? "" : dialect.kind === "pbspro" ? `.${index}` : `-${index}`;
  const defaultName = `${name}.${letter}${seq}${suffix}`;
  if (spec === undefined) return resolvePath(submitCwd, defaultName);
  const path = spec.replace(/^[^/:]*:/, "").replaceAll("^array_index^", String(index ?? ""));
  if (path.endsWith("/")) return resolvePath(resolvePath(submitCwd, path), defaultName);
  const resolved = resolvePath(submitCwd, path);
  // Torque keeps array subjobs apart by appending "-<index>" to an explicit file name.
  return dialect.kind === "pbs" && index !== undefined ? `${resolved}-${index}` : resolved;
}

/** `$PBS_NODEFILE`: one line per MPI process slot (Torque: ppn, Pro: mpiprocs) per node. */
function nodeFile(job: SimJob): string {
  const perNode = job.request.tasksPerNode ?? 1;
  return job.nodeList.flatMap((node) => Array<string>(perNode).fill(node))
    .map((line) => line + "\n").join("");
}

/** What the job's environment is made of, fixed at submission. */
interface Submission {
  dialect: PbsDialect;
  server: string;
  home: string;
  user: string;
  shell: string;
  exported: Record<string, string>;
  originVariables: Array<[string, string]>;
}

/**
 * `PBS_O_*`: the submitter's side, in the order qsub sends them (and `Variable_List` lists
 * them). Torque 6.1: `PBS_O_HOME`, `_LOGNAME`, `_PATH`, `_SHELL`, `_LANG`, then what `-v`/`-V`
 * export, then `_WORKDIR`, `_HOST`, `_SERVER`, the server putting `PBS_O_QUEUE` first
 * (raw/torque/020, 040). OpenPBS 23.06: `PBS_O_HOME`, `_LANG`, `_LOGNAME`, `_PATH`, `_SHELL`,
 * `_INTERACTIVE_AUTH_METHOD`, `_INTERACTIVE_ENCRYPT_METHOD`, `_WORKDIR`, `_SYSTEM`, the exports,
 * then `PBS_O_QUEUE` and `_HOST` (raw/openpbs/024, 061). `PBS_O_MAIL` only when `MAIL` is set
 * (neither recording has it). The exports are placed by {@linkcode variablesOf}.
 */
function originVariables(
  ctx: SimCommandContext,
  dialect: PbsDialect,
  home: string,
  submitHost: string,
  options: QsubOptions,
): Array<[string, string]> {
  const env = ctx.env;
  const mail: Array<[string, string]> = env.MAIL === undefined ? [] : [["PBS_O_MAIL", env.MAIL]];
  const path: [string, string] = ["PBS_O_PATH", env.PATH ?? "/usr/local/bin:/usr/bin:/bin"];
  const variables: Array<[string, string]> = dialect.kind === "pbspro"
    ? [
      ["PBS_O_HOME", home],
      ["PBS_O_LANG", env.LANG ?? "C.UTF-8"],
      ["PBS_O_LOGNAME", env.LOGNAME ?? ctx.user],
      path,
      ...mail,
      ["PBS_O_SHELL", env.SHELL ?? "/bin/bash"],
      ["PBS_O_INTERACTIVE_AUTH_METHOD", "resvport"],
      ["PBS_O_INTERACTIVE_ENCRYPT_METHOD", ""],
      ["PBS_O_WORKDIR", submitDirectory(ctx, options)],
      ["PBS_O_SYSTEM", "Linux"],
    ]
    : [
      ["PBS_O_HOME", home],
      ["PBS_O_LOGNAME", env.LOGNAME ?? ctx.user],
      path,
      ...mail,
      ["PBS_O_SHELL", env.SHELL ?? "/bin/bash"],
      ["PBS_O_LANG", env.LANG ?? "C.UTF-8"],
      ["PBS_O_WORKDIR", submitDirectory(ctx, options)],
      ["PBS_O_HOST", submitHost],
      ["PBS_O_SERVER", ctx.engine.loginHost],
    ];
  if (dialect.kind === "pbspro") variables.push(["PBS_O_HOST", submitHost]);
  // Where Torque lists it is not recorded (no -d job in raw/torque): after the others.
  const { workdir } = options;
  if (workdir !== undefined) {
    variables.push(["PBS_O_INITDIR", workdir.startsWith("/") ? workdir : `${ctx.cwd}/${workdir}`]);
  }
  return variables;
}

/**
 * `Variable_List` without the queue: the origin variables with the exported ones where each
 * product puts them (Torque before `PBS_O_WORKDIR`, OpenPBS before `PBS_O_HOST`).
 */
function variablesOf(
  dialect: PbsDialect,
  origin: ReadonlyArray<[string, string]>,
  exported: Record<string, string>,
): Array<[string, string]> {
  const before = dialect.kind === "pbspro" ? "PBS_O_HOST" : "PBS_O_WORKDIR";
  const at = origin.findIndex(([key]) => key === before);
  const own = Object.entries(exported).filter(([key]) => !key.startsWith("PBS_O_"));
  return [...origin.slice(0, at), ...own, ...origin.slice(at)];
}

/** `PBS_O_WORKDIR` (and Torque's `init_work_dir`): Torque's `-w` as given, else qsub's directory. */
function submitDirectory(ctx: SimCommandContext, options: QsubOptions): string {
  return options.submitDir ?? ctx.cwd;
}

/** The environment a job sees: pbs_mom's login-like base, the exported variables, PBS's own. */
function jobEnvironment(job: SimJob, submission: Submission): Record<string, string> {
  const { dialect, server, home, user } = submission;
  const jobId = jobIdOf(job, server);
  // PATH is the mom's, not the submitter's, unless -V exports it.
  const env: Record<string, string> = {
    HOME: home,
    USER: user,
    LOGNAME: user,
    SHELL: submission.shell,
    PATH: "/bin:/usr/bin",
    ...submission.exported,
    ...Object.fromEntries(submission.originVariables),
    PBS_O_QUEUE: job.queue,
    PBS_QUEUE: job.queue,
    PBS_JOBID: jobId,
    PBS_JOBNAME: jobNameOf(job, dialect.kind),
    PBS_ENVIRONMENT: "PBS_BATCH",
    PBS_NODEFILE: `${dialect.auxDirectory}/${jobId}`,
    PBS_TASKNUM: "1",
    PBS_MOMPORT: "15003",
    PBS_NODENUM: "0",
    PBS_VNODENUM: "0",
  };
  const nodes = job.request.nodes ?? 1;
  const tasksPerNode = job.request.tasksPerNode ?? 1;
  const cpusPerTask = job.request.cpusPerTask ?? 1;
  if (dialect.kind === "pbs") {
    env.PBS_NUM_NODES = String(nodes);
    env.PBS_NUM_PPN = String(tasksPerNode);
    env.PBS_NP = String(nodes * tasksPerNode);
    env.PBS_SERVER = server;
    if (job.timeLimitSeconds !== undefined) env.PBS_WALLTIME = String(job.timeLimitSeconds);
  } else {
    env.PBS_JOBDIR = home;
    env.TMPDIR = `/var/tmp/pbs.${jobId}`;
    env.NCPUS = String(tasksPerNode * cpusPerTask);
    env.OMP_NUM_THREADS = String(cpusPerTask);
    if (job.arrayJobId !== undefined) env.PBS_ARRAY_ID = `${job.arrayJobId}[].${server}`;
  }
  if (job.arrayTaskId !== undefined) env[dialect.arrayIndexVariable] = String(job.arrayTaskId);
  return env;
}

/** Where a job's stdout and stderr go (`stderr: null` = merged into stdout). */
type OutputPaths = NonNullable<SimSubmitRequest["outputPaths"]>;

/** A job's stdout and stderr: `-o`/`-e` or the defaults, merged as `-j` says. */
function outputPathsOf(options: QsubOptions, dialect: PbsDialect, submitCwd: string): OutputPaths {
  const { name, join } = options;
  return (job) => {
    const seq = job.arrayJobId ?? job.id;
    const index = job.arrayTaskId;
    const stdout = streamPath(dialect, options.outputPath, "o", name, submitCwd, seq, index);
    const stderr = streamPath(dialect, options.errorPath, "e", name, submitCwd, seq, index);
    if (join === "oe") return { stdout, stderr: null };
    if (join === "eo") return { stdout: stderr, stderr: null };
    return { stdout, stderr };
  };
}

/** The attributes `qstat -f` reads back. */
function jobData(
  options: QsubOptions,
  dialect: PbsDialect,
  ctx: SimCommandContext,
  submission: Submission,
): PbsJobData {
  const { arraySpec, project, outputPath, errorPath, command } = options;
  const server = submission.server;
  return {
    resources: [...options.resources.entries()],
    submitArgs: ctx.args.join(" "),
    join: options.join,
    variables: variablesOf(dialect, submission.originVariables, submission.exported),
    depend: options.dependencies.map(({ typeName, refs }) => ({
      type: typeName,
      ids: refs.map((ref) => qualifiedId(ref.text, server)),
      seqs: refs.map((ref) => ref.seq),
    })),
    server,
    submitDir: submitDirectory(ctx, options),
    cwd: ctx.cwd,
    ...(outputPath === undefined ? {} : { outputSpec: outputPath }),
    ...(errorPath === undefined ? {} : { errorSpec: errorPath }),
    ...(command === undefined ? {} : { command }),
    ...(arraySpec === undefined ? {} : { arraySpec }),
    ...(project === undefined ? {} : { project }),
  };
}

/** The engine request for parsed qsub options (dependencies are resolved by the caller). */
export function qsubRequest(
  options: QsubOptions,
  ctx: SimCommandContext,
  dialect: PbsDialect,
): SimSubmitRequest {
  const server = ctx.engine.loginHost;
  const submitHost = ctx.env.HOSTNAME ?? ctx.engine.loginHost;
  const home = ctx.env.HOME ?? `/home/${ctx.user}`;
  const workdir = options.workdir === undefined ? home : resolvePath(ctx.cwd, options.workdir);
  const exported = options.exportAll ? { ...ctx.env } : {};
  Object.assign(exported, parseVariables(options.variableLists, ctx.env));
  const submission: Submission = {
    dialect,
    server,
    home,
    user: ctx.user,
    shell: ctx.env.SHELL ?? "/bin/bash",
    exported,
    originVariables: originVariables(ctx, dialect, home, submitHost, options),
  };
  const { name, layout } = options;
  const request: SimSubmitRequest = {
    name,
    script: options.script,
    workdir,
    user: ctx.user,
    submitHost,
    nodes: layout.nodes,
    tasksPerNode: layout.tasksPerNode,
    cpusPerTask: layout.cpusPerTask,
    gpus: layout.gpus,
    hold: options.hold,
    scriptArgs: options.scriptArgs,
    exportedEnv: exported,
    outputPaths: outputPathsOf(options, dialect, ctx.cwd),
    environment: (job) => jobEnvironment(job, submission),
    jobFiles: (job) => ({ [`${dialect.auxDirectory}/${jobIdOf(job, server)}`]: nodeFile(job) }),
    schedulerData: jobData(options, dialect, ctx, submission),
  };
  if (options.queue !== undefined) request.queue = options.queue;
  if (layout.walltimeSeconds !== undefined) request.timeLimitSeconds = layout.walltimeSeconds;
  if (layout.memoryMB !== undefined) request.memoryMB = layout.memoryMB;
  if (options.account !== undefined) request.account = options.account;
  if (options.array) request.array = options.array;
  return request;
}

/** What qsub was asked: the command line and the script's `#PBS` lines merged. */
export interface QsubOptions {
  /** The job script's text (for PBS Pro's `-- command`, a two-line `sh` script). */
  script: string;
  /** `-N`, else the script's base name, else `STDIN`. */
  name: string;
  /** Arguments for the script (Torque's `-F`). */
  scriptArgs: string[];
  /** Every `-l` resource, later values winning, in the order given. */
  resources: Map<string, string>;
  /** The layout `resources` describe. */
  layout: PbsLayout;
  /** `-j`: `oe`, `eo` or `n`. */
  join: "oe" | "eo" | "n";
  /** `-t` (Torque) or `-J` (PBS Pro) as given. */
  arraySpec?: string;
  /** The array tasks `arraySpec` asks for. */
  array?: { indices: number[]; maxConcurrent?: number };
  /** The `-W depend=` clauses, in order. */
  dependencies: QsubDependency[];
  /** Torque's `-d`: the directory the job starts in, as given. */
  workdir?: string;
  /** Torque's `-w`: the directory recorded as the submission directory, as given. */
  submitDir?: string;
  /** `-V`: the submitter's whole environment goes with the job. */
  exportAll: boolean;
  /** Every `-v` list, directives first. */
  variableLists: string[];
  /** `-q` without its `@server`. */
  queue?: string;
  /** `-o` as given. */
  outputPath?: string;
  /** `-e` as given. */
  errorPath?: string;
  /** `-h`: submitted held. */
  hold: boolean;
  /** `-A`. */
  account?: string;
  /** PBS Pro's `-P`. */
  project?: string;
  /** PBS Pro's `-- command [arg ...]`: the executable and its arguments. */
  command?: string[];
}

/** One `-W depend=` clause: how the job depends and on which jobs. */
export interface QsubDependency {
  /** The engine's dependency type (`afterokarray` is `afterok`, ...). */
  type: SimDependency["type"];
  /** The type as written (`afterokarray`). */
  typeName: string;
  /** The jobs named, in order. */
  refs: PbsJobRef[];
}
