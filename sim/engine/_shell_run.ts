/**
 * Runs one job script for real (`shell` execution): bash in the simulator's file system, with
 * the environment the emulator built, stdout/stderr sent to the job's output files, in its own
 * process group so a walltime kill or a cancel takes its children along.
 *
 * @module
 */

import type { SimFileSystem } from "./filesystem.ts";
import type { SimJob } from "../types.ts";

/** How a job's process ended. */
export interface ProcessResult {
  /** Exit code (128+N when killed by signal N). */
  code: number;
  /** Signal number that killed it, if any. */
  signal?: number;
  /** Killed at its time limit. */
  timedOut: boolean;
}

/** A job process in flight. */
export interface RunningProcess {
  /** Settles when the process has ended (never rejects). */
  done: Promise<ProcessResult>;
  /** Kills the whole process group (SIGTERM, then SIGKILL). */
  kill(): void;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGTERM: 15,
};

/** Grace between SIGTERM and SIGKILL, as slurmstepd's KillWait (shortened). */
const KILL_GRACE_MS = 1000;

/** Directory of the simulator's copies of submitted scripts. */
export const SPOOL_DIR = "/var/spool/clusterjob-sim";

/**
 * Starts a job's script. The script is copied to the spool directory; the process runs in the
 * job's working directory with `clearEnv` and the job's environment, where absolute paths of the
 * simulated file system are translated to their real location (the script runs on this machine).
 *
 * @param fs The simulator's file system.
 * @param job The job (request, output paths already resolved).
 * @param limitMs Kill after this many (real) milliseconds; `undefined` = no limit.
 * @returns The running process.
 */
export function startJobProcess(
  fs: SimFileSystem,
  job: SimJob,
  limitMs: number | undefined,
): RunningProcess {
  const request = job.request;
  const task = job.arrayTaskId === undefined ? "" : `.${job.arrayTaskId}`;
  const scriptPath = request.spoolPath?.(job) ??
    `${SPOOL_DIR}/job${job.arrayJobId ?? job.id}${task}-${job.id}.sh`;
  fs.writeText(scriptPath, request.script, 0o700);
  const scriptHost = fs.hostPath(scriptPath);
  const program = request.interpreter !== undefined
    ? [request.interpreter, scriptHost]
    : request.script.startsWith("#!")
    ? [scriptHost]
    : ["/bin/sh", scriptHost];
  const argv = [...program, ...(request.scriptArgs ?? [])];

  if (fs.stat(request.workdir) !== "directory") {
    // The job cannot even change into its directory: it fails at once, as on a real system.
    return { done: Promise.resolve({ code: 1, timedOut: false }), kill() {} };
  }
  const host = (path: string) => path === "/dev/null" ? path : fs.hostPath(path);
  const stdout = job.stdoutPath === undefined ? "/dev/null" : host(job.stdoutPath);
  const merged = job.stderrPath === null || job.stderrPath === job.stdoutPath;
  const stderr = merged || job.stderrPath === null
    ? undefined
    : job.stderrPath === undefined
    ? "/dev/null"
    : host(job.stderrPath);
  // Redirections are done by bash from positional parameters: no path is ever parsed by a shell.
  // Variables named in __SIM_PID_VARS get the job process's pid (exec keeps it).
  // SHLVL and _ are the wrapper's own, not the job's: `env -u` drops them (bash's exec would not).
  const pidSetup = 'for v in $__SIM_PID_VARS; do export "$v=$$"; done; unset __SIM_PID_VARS; ';
  const run = 'exec env -u SHLVL -u _ "$@"';
  const wrapper = stderr === undefined
    ? ["-c", `${pidSetup}exec >"$1" 2>&1 || exit 1; shift; ${run}`, "sim-job", stdout, ...argv]
    : [
      "-c",
      `${pidSetup}exec >"$1" 2>"$2" || exit 1; shift 2; ${run}`,
      "sim-job",
      stdout,
      stderr,
      ...argv,
    ];

  const env = translateEnvironment(fs, request.environment?.(job) ?? defaultEnvironment(job));
  env.__SIM_PID_VARS = (request.pidVariables ?? []).filter((name) => /^\w+$/.test(name)).join(" ");
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("bash", {
      args: wrapper,
      cwd: fs.hostPath(request.workdir),
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
  } catch {
    return { done: Promise.resolve({ code: 127, timedOut: false }), kill() {} };
  }

  let timedOut = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const killGroup = () => {
    signalGroup(child.pid, "SIGTERM");
    killTimer ??= setTimeout(() => signalGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
  };
  const limitTimer = limitMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    killGroup();
  }, limitMs);
  const done = child.status.then((status): ProcessResult => {
    clearTimeout(limitTimer);
    clearTimeout(killTimer);
    // Leftover children (a backgrounded sleep) go with the job, as under slurmstepd.
    signalGroup(child.pid, "SIGKILL");
    const signal = status.signal === null ? undefined : SIGNALS[status.signal] ?? 15;
    return signal === undefined
      ? { code: status.code, timedOut }
      : { code: 128 + signal, signal, timedOut };
  });
  return { done, kill: killGroup };
}

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch { /* the group is gone */ }
}

function defaultEnvironment(job: SimJob): Record<string, string> {
  const home = `/home/${job.request.user}`;
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    USER: job.request.user,
    LOGNAME: job.request.user,
    SHELL: "/bin/bash",
    ...(job.request.exportedEnv ?? {}),
  };
}

/**
 * Translates environment values that are absolute paths of the simulated file system (their
 * first component exists under its root, e.g. `/home/...`) to real paths, so `cd "$HOME"` in a
 * job stays inside the simulator's directory.
 */
function translateEnvironment(
  fs: SimFileSystem,
  env: Record<string, string>,
): Record<string, string> {
  const tops = new Set<string>();
  for (const entry of Deno.readDirSync(fs.root)) if (entry.isDirectory) tops.add(entry.name);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const top = value.startsWith("/") ? value.slice(1).split("/")[0] : undefined;
    out[key] = top !== undefined && top !== "" && tops.has(top) && !value.includes(":")
      ? fs.hostPath(value)
      : value;
  }
  return out;
}
