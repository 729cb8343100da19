/**
 * The markers step of a poll round: the runs that the queue and accounting no longer know (or
 * whose accounting query failed) and that write markers have them read, all in one command
 * (see `_markers_read.ts`); an end marker gives the run's end, anything else becomes evidence
 * for the reason of a run that ends vanished. In the same command, the runs the scheduler says
 * were killed (CANCELLED with a signal's exit code, 128 + N) whose own end marker may say
 * otherwise: LSF reports a script's own `exit 130` as a bkill's SIGINT, and only the job knows.
 * For an array run, the markers of each task (`start.<index>`, `end.<index>`) that the queue
 * and accounting left out, in the same command: a task with an end marker gets its exact end;
 * the others keep the scheduler's word (a task that started and never ended vanishes after the
 * grace period with what its markers showed).
 *
 * @module
 */

import type { Cause } from "../core/cause.ts";
import type { JobInfo } from "../core/job_info.ts";
import { Status } from "../core/status.ts";
import type { Transport } from "../core/transport.ts";
import {
  atWalltime,
  type MarkerReading,
  markersEvidence,
  markersInfo,
  readMarkers,
} from "./_markers_read.ts";
import { type MarkerClient, readingKey } from "./_markers_first.ts";

/** What a round's markers said, per run. */
export interface MarkerFindings {
  /** Runs whose end marker tells their end (arrays: the answer with the tasks markers ended). */
  infos: Map<MarkerClient, JobInfo>;
  /** For the others: what the markers showed, and the cause it implies, if any. */
  evidence: Map<MarkerClient, { text: string; cause?: Cause }>;
  /** For array runs: what the markers of each task they did not end showed, by index. */
  taskEvidence: Map<MarkerClient, Map<number, string>>;
  /**
   * Runs whose accounting query failed but whose markers were read (and say nothing of an end):
   * the markers stand in for accounting, so they count as unknown to it (ending vanished after
   * the grace period, with this evidence) rather than as failed queries that never end.
   */
  unknown: Set<MarkerClient>;
  /** Commands run (0 when no run needed its markers). */
  commands: number;
}

export type { MarkerClient };

/** What the step needs from the round's queries. */
export interface RoundOutcome {
  infos: ReadonlyMap<string, JobInfo>;
  unknown: ReadonlySet<string>;
  accountingFailed: ReadonlySet<string>;
  consulted: readonly string[];
}

/** One marker pair to read: a run's, or one of its array tasks'. */
interface Read {
  client: MarkerClient;
  task?: number;
}

/** At most this many tasks are described one by one in a vanished array's reason. */
const TASKS_DESCRIBED = 5;

/**
 * Reads the markers of the runs of `clients` that the round's queries could not place, and of
 * the array tasks they left out, all in one read.
 *
 * @param transport The scheduler host.
 * @param clients The round's live runs.
 * @param outcome What the queue and accounting said.
 * @param timeout Time limit of the command, ms.
 * @param readBefore What this round already read (`_markers_first.ts`), by `readingKey`: those
 * markers are not read again.
 */
export async function markersOfRound(
  transport: Transport,
  clients: readonly MarkerClient[],
  outcome: RoundOutcome,
  timeout: number,
  readBefore: ReadonlyMap<string, MarkerReading> = new Map(),
): Promise<MarkerFindings> {
  const findings: MarkerFindings = {
    infos: new Map(),
    evidence: new Map(),
    taskEvidence: new Map(),
    unknown: new Set(),
    commands: 0,
  };
  const reads: Read[] = [];
  for (const client of clients) {
    const gone = outcome.unknown.has(client.jobId) || outcome.accountingFailed.has(client.jobId);
    const said = outcome.infos.get(client.jobId);
    if (gone && client.markers === undefined) {
      findings.evidence.set(client, { text: markersEvidence(undefined) });
    }
    if (client.markers === undefined || (!gone && said === undefined)) continue;
    if (client.unlistedTasks !== undefined) {
      // An array: the tasks that the queue and accounting left out (all, when the job is gone).
      for (const task of client.unlistedTasks(gone ? undefined : said)) {
        reads.push({ client, task });
      }
    } else if (gone || looksKilled(said)) reads.push({ client });
  }
  if (reads.length === 0) return findings;
  const earlier = (r: Read) => readBefore.get(readingKey(r.client.markers!, r.task));
  const toRead = reads.filter((r) => earlier(r) === undefined);
  const read = toRead.length === 0 ? { readings: [], commands: [] } : await readMarkers(
    transport,
    toRead.map(({ client, task }) => ({
      folder: client.markers!,
      ...(task === undefined ? {} : { task: String(task) }),
    })),
    timeout,
  );
  findings.commands = read.commands.length;
  const nowSeconds = Math.floor(transport.clock.now() / 1000);
  const consulted = outcome.consulted.join("; ");
  const fresh = new Map(toRead.map((r, i) => [r, read.readings[i]!]));
  const tasksOf = new Map<MarkerClient, Array<[number, MarkerReading]>>();
  for (const r of reads) {
    const { client, task } = r;
    const before = earlier(r);
    const reading: MarkerReading = before ?? fresh.get(r)!;
    const context = { consulted, nowSeconds, error: before ? undefined : read.error };
    if (task !== undefined) {
      tasksOf.set(client, [...tasksOf.get(client) ?? [], [task, reading]]);
      continue;
    }
    const said = outcome.infos.get(client.jobId);
    if (said !== undefined) {
      const own = ownExit(said, reading);
      if (own !== undefined) findings.infos.set(client, own);
      continue;
    }
    const info = context.error === undefined
      ? markersInfo(reading, {
        jobId: client.jobId,
        consulted: context.consulted,
        timeSeconds: client.walltime,
      })
      : undefined;
    if (info !== undefined) {
      findings.infos.set(client, info);
      continue;
    }
    if (context.error === undefined && outcome.accountingFailed.has(client.jobId)) {
      findings.unknown.add(client);
    }
    findings.evidence.set(client, noEnd(client, reading, context));
  }
  const context = { consulted, nowSeconds, error: read.error };
  for (const [client, tasks] of tasksOf) arrayFindings(client, tasks, outcome, context, findings);
  return findings;
}

/** What a reading without an end shows, and `timeout` when the run started a walltime ago. */
function noEnd(
  client: MarkerClient,
  reading: MarkerReading,
  context: { nowSeconds: number; error: unknown },
): { text: string; cause?: Cause } {
  const start = reading.start?.kind === "start" ? reading.start : undefined;
  const timedOut = context.error === undefined && reading.end === undefined &&
    atWalltime(start, { time: context.nowSeconds }, client.walltime);
  return {
    text: markersEvidence(reading, context.error) +
      (timedOut ? `; it started ${client.walltime} s of walltime ago: killed at its walltime` : ""),
    ...(timedOut ? { cause: "timeout" as const } : {}),
  };
}

/**
 * An array run's task markers: the tasks whose end marker tells their end join the round's
 * answer about the job (or, when the queue and accounting know it no more, make one); the
 * others keep what their markers showed as evidence, for their reason when they vanish.
 */
function arrayFindings(
  client: MarkerClient,
  tasks: ReadonlyArray<[number, MarkerReading]>,
  outcome: RoundOutcome,
  context: { consulted: string; nowSeconds: number; error: unknown },
  findings: MarkerFindings,
): void {
  const ended = new Map<number, JobInfo>();
  const evidence = new Map<number, string>();
  const causes: Array<Cause | undefined> = [];
  for (const [task, reading] of tasks) {
    const info = context.error === undefined
      ? markersInfo(reading, {
        jobId: client.jobId,
        task,
        consulted: context.consulted,
        timeSeconds: client.walltime,
      })
      : undefined;
    if (info !== undefined) {
      ended.set(task, info);
      continue;
    }
    const { text, cause } = noEnd(client, reading, context);
    evidence.set(task, text);
    causes.push(cause);
  }
  findings.taskEvidence.set(client, evidence);
  const said = outcome.infos.get(client.jobId);
  if (ended.size > 0) {
    findings.infos.set(
      client,
      said === undefined
        ? {
          status: Status.FAILED,
          state: "ENDED",
          reason: `Job ${client.jobId} is known neither to the queue nor to accounting ` +
            `(consulted: ${context.consulted}); ${ended.size} of its tasks by their end markers`,
          tasks: ended,
        }
        : { ...said, tasks: new Map([...said.tasks ?? [], ...ended]) },
    );
    return;
  }
  if (said !== undefined) return;
  if (context.error === undefined && outcome.accountingFailed.has(client.jobId)) {
    findings.unknown.add(client);
  }
  const described = [...evidence].slice(0, TASKS_DESCRIBED)
    .map(([task, text]) => `task ${task}: ${text}`);
  const more = evidence.size - described.length;
  findings.evidence.set(client, {
    text: described.join("; ") + (more > 0 ? `; and ${more} more tasks` : ""),
    ...(causes.length > 0 && causes.every((cause) => cause === "timeout")
      ? { cause: "timeout" as const }
      : {}),
  });
}

/** A finished job the scheduler says was killed, with a signal's exit code (128 + N). */
function looksKilled(info: JobInfo | undefined): info is JobInfo {
  return info !== undefined && info.status === Status.CANCELLED && info.exitCode !== undefined &&
    info.exitCode > 128 && info.exitCode < 256;
}

/**
 * The job's own word against a kill the scheduler reported: when its end marker says the body
 * exited with that very code by itself (`exit=N`, no signal), it was not killed: FAILED, cause
 * `exit`, the scheduler's state kept and its reason corrected.
 */
function ownExit(said: JobInfo, reading: MarkerReading): JobInfo | undefined {
  const end = reading.end;
  if (end?.kind !== "end" || end.exit === undefined || end.exit !== said.exitCode) return undefined;
  return {
    ...said,
    status: Status.FAILED,
    cause: "exit",
    reason:
      `exited ${end.exit} by itself (its end marker ${reading.endPath} says exit=${end.exit})` +
      (said.reason ? `, not as the scheduler has it: ${said.reason}` : ""),
  };
}
