/**
 * Reading marker files (see `src/core/_markers.ts`) for many runs in one command: `grep` with
 * every file as an argument, each output line prefixed by its file's name and a NUL byte (`-Z`),
 * so that what a job wrote, garbled or not, can never be taken for another file's content.
 * Missing files are silent (`-s`): a job that never started has none. A round asks in one
 * command per group of paths (two only when it mixes `~/` paths with relative ones, which
 * resolve against different directories; more only to stay under argument-length limits).
 *
 * And what the markers say: the {@linkcode JobInfo} of a run whose end marker is there, and the
 * evidence for a vanished run's reason otherwise.
 *
 * @module
 */

import type { JobInfo } from "../core/job_info.ts";
import {
  type EndMarker,
  type Marker,
  markerFileNames,
  parseMarker,
  signalExitCode,
  type StartMarker,
} from "../core/_markers.ts";
import { Status } from "../core/status.ts";
import type { CommandOutput, Transport } from "../core/transport.ts";

/** The markers of one run: its folder, and its array task index when it is a task. */
export interface MarkerRequest {
  /** The marker folder on the scheduler host (`JobScript.markerFolder()`). */
  readonly folder: string;
  /** The array task index, for `start.<index>`/`end.<index>`. */
  readonly task?: string;
}

/** What one run's marker files say (`undefined`: no such file). */
export interface MarkerReading {
  /** The start marker's path as asked. */
  readonly startPath: string;
  /** The end marker's path as asked. */
  readonly endPath: string;
  /** The start marker. */
  start?: Marker;
  /** The end marker. */
  end?: Marker;
}

/** The answer of {@linkcode readMarkers}. */
export interface MarkersRead {
  /** One reading per request, in order (empty readings when the command failed). */
  readings: MarkerReading[];
  /** The commands run, for messages. */
  commands: string[];
  /** Why the markers could not be read, when a command failed. */
  error?: unknown;
}

/** The `grep` options: text (`-a`), no messages for missing files (`-s`), name + NUL (`-H -Z`), at most 2 lines per file (`-m 2`), every line (`-F -e ''`). */
const GREP = ["grep", "-a", "-s", "-H", "-Z", "-m", "2", "-F", "-e", "", "--"];

/** Keeps one command's arguments well under ARG_MAX (Linux: 2 MiB, and 128 KiB per argument). */
const MAX_ARGUMENT_BYTES = 100_000;

/**
 * Reads the start and end markers of every request, in as few commands as the paths allow
 * (one for paths of the same kind). Never throws: a failed command is reported in `error`.
 *
 * @param transport Where the markers are (the scheduler host).
 * @param requests The runs' marker folders.
 * @param timeout Time limit of each command, ms (0: none).
 */
export async function readMarkers(
  transport: Transport,
  requests: readonly MarkerRequest[],
  timeout = 0,
): Promise<MarkersRead> {
  const readings = requests.map((request): MarkerReading => {
    const names = markerFileNames(request.task);
    return {
      startPath: `${request.folder}/${names.start}`,
      endPath: `${request.folder}/${names.end}`,
    };
  });
  const result: MarkersRead = { readings, commands: [] };
  const home = readings.some((r) => r.startPath.startsWith("~/"));
  const groups = new Map<"home" | "default", string[]>();
  for (const reading of readings) {
    for (const path of [reading.startPath, reading.endPath]) {
      const group = path.startsWith("~/") || (home && path.startsWith("/")) ? "home" : "default";
      groups.set(group, [...groups.get(group) ?? [], path]);
    }
  }
  const texts = new Map<string, string[]>();
  for (const [group, paths] of groups) {
    for (const chunk of chunks(paths)) {
      const args = chunk.map((path) => group === "home" ? homeRelative(path) : path);
      const argv = [...GREP, ...args];
      result.commands.push(`grep ... ${args.length} marker files`);
      let output: CommandOutput;
      try {
        output = await transport.run(argv, {
          ...(group === "home" ? { cwd: "~" } : {}),
          ...(timeout > 0 ? { timeout } : {}),
        });
      } catch (error) {
        result.error = error;
        return result;
      }
      // 0: lines found, 1: none, 2: a file was missing (or unreadable); anything else failed.
      if (output.code > 2) {
        result.error = new Error(
          `grep exited ${output.code}: ${output.stderr.trim() || "(no output)"}`,
        );
        return result;
      }
      collectLines(output.stdout, chunk, args, texts);
    }
  }
  for (const reading of readings) {
    const start = texts.get(reading.startPath);
    const end = texts.get(reading.endPath);
    if (start !== undefined) reading.start = parseMarker(start.join("\n"));
    if (end !== undefined) reading.end = parseMarker(end.join("\n"));
  }
  return result;
}

/** `~/a/b` → `a/b` (the command runs in the home directory); other paths as they are. */
function homeRelative(path: string): string {
  return path.startsWith("~/") ? path.slice(2) || "." : path;
}

/** Splits `paths` so that each command's arguments stay under {@linkcode MAX_ARGUMENT_BYTES}. */
function chunks(paths: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const path of paths) {
    const size = new TextEncoder().encode(path).length + 1;
    if (current.length > 0 && bytes + size > MAX_ARGUMENT_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(path);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Files each output line (`<name>\0<line>`) under the path it was asked as; lines of names
 * not asked about are dropped.
 */
function collectLines(
  stdout: string,
  asked: readonly string[],
  args: readonly string[],
  into: Map<string, string[]>,
): void {
  const byArg = new Map(args.map((arg, i) => [arg, asked[i]!]));
  for (const line of stdout.split("\n")) {
    const nul = line.indexOf("\0");
    if (nul < 0) continue;
    const path = byArg.get(line.slice(0, nul));
    if (path === undefined) continue;
    const lines = into.get(path) ?? [];
    lines.push(line.slice(nul + 1));
    into.set(path, lines);
  }
}

/**
 * The run's end as its markers tell it, when its end marker is there: an exit code (COMPLETED
 * for 0, FAILED otherwise; cause `exit`), or a signal (FAILED with exit code 128 + its number;
 * cause `timeout` when it came at the walltime, else `cancelled`: a cancel, a preemption and a
 * kill by hand look alike from inside). `undefined` without a readable end marker.
 *
 * @param reading The run's markers.
 * @param context The job id (and the array task's index), what was consulted before (for the
 * reason), the walltime (s).
 */
export function markersInfo(
  reading: MarkerReading,
  context: { jobId: string; task?: number; consulted: string; timeSeconds?: number | undefined },
): JobInfo | undefined {
  const end = reading.end;
  if (end?.kind !== "end") return undefined;
  const said = end.exit !== undefined ? `exit=${end.exit}` : `signal=${end.signal}`;
  const start = reading.start?.kind === "start" ? reading.start : undefined;
  const subject = context.task === undefined
    ? `Job ${context.jobId}`
    : `Task ${context.task} of job ${context.jobId}`;
  const reason = `${subject} is known neither to the queue nor to accounting ` +
    `(consulted: ${context.consulted}); its end marker ${reading.endPath} says ${said} at ` +
    `${iso(end.time)}${start ? ` (started ${iso(start.time)} on ${start.host})` : ""}`;
  if (end.exit !== undefined) {
    return {
      status: end.exit === 0 ? Status.COMPLETED : Status.FAILED,
      state: "ENDED",
      exitCode: end.exit,
      reason,
      cause: "exit",
    };
  }
  const exitCode = signalExitCode(end.signal!);
  const timeout = atWalltime(start, end, context.timeSeconds);
  return {
    status: Status.FAILED,
    state: "ENDED",
    ...(exitCode !== undefined ? { exitCode } : {}),
    reason: reason +
      (timeout
        ? ": killed at its walltime"
        : ": killed by a signal from outside (a cancel, a preemption, a kill)"),
    cause: timeout ? "timeout" : "cancelled",
  };
}

/**
 * Whether the job ran (start to `end`) at least its walltime, less a little slack (a tenth of
 * it, at most a minute: the scheduler's kill and the marker's clock are not to the second).
 */
export function atWalltime(
  start: StartMarker | undefined,
  end: EndMarker | { time: number },
  timeSeconds: number | undefined,
): boolean {
  if (start === undefined || timeSeconds === undefined) return false;
  return end.time - start.time >= timeSeconds - Math.min(60, timeSeconds / 10);
}

/** What the markers showed, for a vanished run's reason (`markers: ...`). */
export function markersEvidence(reading: MarkerReading | undefined, error?: unknown): string {
  if (reading === undefined) return "markers: none (markers off)";
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return `markers: could not be read (${message})`;
  }
  const folder = reading.startPath.replace(/\/[^/]*$/, "");
  const describe = (marker: Marker | undefined, name: string): string =>
    marker === undefined
      ? `no ${name}`
      : marker.kind === "garbled"
      ? `a garbled ${name} (${JSON.stringify(marker.text.slice(0, 60))})`
      : marker.kind === "start"
      ? `${name} ${iso(marker.time)} on ${marker.host}`
      : `${name} ${iso(marker.time)}`;
  return `markers in ${folder}: ${describe(reading.start, "start")}, ${
    describe(reading.end, "end")
  }`;
}

/** Epoch seconds as an ISO time without milliseconds (`2026-12-02T07:44:02Z`), for reasons. */
export function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
