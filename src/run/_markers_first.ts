/**
 * Markers before accounting: the runs that left the queue have their markers read first, all
 * in one command (`_markers_read.ts`), and accounting is asked only about the ids whose markers
 * do not settle the end. A local `grep` costs a few milliseconds; `sacct` through slurmdbd
 * ~100 ms, SGE's `qacct -j` reads the whole accounting file. In a sweep most jobs end by
 * themselves, so most rounds ask no accounting at all.
 *
 * The markers settle a run's end only when they say all of it, so that its status, exit code
 * and cause are the ones accounting would give:
 * - the start marker names this very job (`id=` is its id: the folder is the job name's, and
 *   a job submitted again under that name leaves the old end marker until it ends), and the
 *   end marker is not older than the start;
 * - the body exited by itself: `exit=N` with N ≤ 128 (128 + n is a shell's "killed by signal
 *   n", an OOM kill's 137 among them), and not at its walltime (a body that traps the
 *   walltime's SIGTERM itself exits with a code of its own).
 *
 * Everything else (no markers, `signal=NAME`, a kill's code, another job's markers, an array
 * run) is asked of accounting as before: timeouts, OOM kills, node failures, cancels and
 * preemptions are accounting's word. What was read is kept for the round's markers step, so no
 * marker is read twice in a round.
 *
 * @module
 */

import type { JobInfo } from "../core/job_info.ts";
import { Status } from "../core/status.ts";
import type { Transport } from "../core/transport.ts";
import { atWalltime, iso, type MarkerReading, readMarkers } from "./_markers_read.ts";

/** What the marker steps of a round (this one and `_markers_round.ts`) need from a run. */
export interface MarkerClient {
  readonly jobId: string;
  /** The run's marker folder (`undefined`: it writes none). */
  readonly markers?: string | undefined;
  readonly walltime?: number | undefined;
  /**
   * An array run's unfinished tasks that an answer (`undefined`: none) leaves out. Present on
   * array runs only, which keep their per-task path (accounting, then task markers).
   */
  unlistedTasks?(info: JobInfo | undefined): number[];
}

/** What the markers of the runs that left the queue said. */
export interface EarlyMarkers {
  /** The ids whose markers settle their end, with that end. */
  infos: Map<string, JobInfo>;
  /** Every reading, by {@linkcode readingKey} (empty when the read failed). */
  readings: Map<string, MarkerReading>;
  /** Commands run (0 when no run that left the queue writes markers). */
  commands: number;
}

/** The key of a run's (or an array task's) reading in {@linkcode EarlyMarkers.readings}. */
export function readingKey(folder: string, task?: number): string {
  return task === undefined ? folder : `${folder}\n${task}`;
}

/**
 * Reads the markers of the runs whose ids left the queue and settles those they tell all of.
 * When it reads, the same command reads the markers of the array tasks the queue left out (the
 * round's markers step reads no more than those, after accounting), so a round reads once.
 * Never throws: when the read fails, nothing is settled (accounting is asked about every id).
 *
 * @param transport The scheduler host.
 * @param clients The runs of the round.
 * @param left The ids the queue no longer lists.
 * @param listed What the queue said about the others.
 * @param consulted The status commands asked, for the reason.
 * @param timeout Time limit of the command, ms.
 */
export async function markersBeforeAccounting(
  transport: Transport,
  clients: readonly MarkerClient[],
  left: ReadonlySet<string>,
  listed: ReadonlyMap<string, JobInfo>,
  consulted: readonly string[],
  timeout: number,
): Promise<EarlyMarkers> {
  const found: EarlyMarkers = { infos: new Map(), readings: new Map(), commands: 0 };
  const runs = new Map<string, MarkerClient>();
  const tasks = new Map<string, { folder: string; task: number }>();
  for (const client of clients) {
    const folder = client.markers;
    if (folder === undefined) continue;
    const gone = left.has(client.jobId);
    if (client.unlistedTasks === undefined) {
      if (gone && !runs.has(folder)) runs.set(folder, client);
    } else if (gone || listed.has(client.jobId)) {
      for (const task of client.unlistedTasks(gone ? undefined : listed.get(client.jobId))) {
        tasks.set(readingKey(folder, task), { folder, task });
      }
    }
  }
  if (runs.size === 0) return found;
  const requests: Array<{ key: string; folder: string; task?: string }> = [
    ...[...runs.keys()].map((folder) => ({ key: folder, folder })),
    ...[...tasks].map(([key, { folder, task }]) => ({ key, folder, task: String(task) })),
  ];
  const read = await readMarkers(
    transport,
    requests.map(({ folder, task }) => task === undefined ? { folder } : { folder, task }),
    timeout,
  );
  found.commands = read.commands.length;
  if (read.error !== undefined) return found;
  requests.forEach(({ key }, i) => found.readings.set(key, read.readings[i]!));
  for (const [folder, client] of runs) {
    const info = settledEnd(found.readings.get(folder)!, client, consulted);
    if (info !== undefined && !found.infos.has(client.jobId)) found.infos.set(client.jobId, info);
  }
  return found;
}

/**
 * The run's end when its markers tell all of it (see the module doc), else `undefined`.
 *
 * @param reading The run's markers.
 * @param client The run: its job id and walltime (s).
 * @param consulted The status commands asked, for the reason.
 */
export function settledEnd(
  reading: MarkerReading,
  client: { readonly jobId: string; readonly walltime?: number | undefined },
  consulted: readonly string[],
): JobInfo | undefined {
  const { start, end } = reading;
  if (start?.kind !== "start" || end?.kind !== "end" || end.exit === undefined) return undefined;
  if (!sameJob(start.id, client.jobId) || start.task !== "" || end.time < start.time) {
    return undefined;
  }
  if (end.exit > 128 || atWalltime(start, end, client.walltime)) return undefined;
  return {
    status: end.exit === 0 ? Status.COMPLETED : Status.FAILED,
    state: "ENDED",
    exitCode: end.exit,
    reason: `Job ${client.jobId} left the queue (consulted: ${consulted.join("; ")}); its end ` +
      `marker ${reading.endPath} says exit=${end.exit} at ${iso(end.time)} (started ` +
      `${iso(start.time)} on ${start.host}), so accounting was not asked`,
    cause: "exit",
  };
}

/**
 * Whether the start marker's `id=` is the run's job id: the same, or the same before the first
 * dot (PBS's `$PBS_JOBID` is `123.server` where a run may keep `123`, or the reverse).
 */
function sameJob(markerId: string, jobId: string): boolean {
  if (markerId === "" || jobId === "") return false;
  return markerId === jobId || markerId.split(".")[0] === jobId.split(".")[0];
}
