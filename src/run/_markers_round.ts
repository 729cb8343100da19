/**
 * The markers step of a poll round: the runs that the queue and accounting no longer know (or
 * whose accounting query failed) and that write markers have them read, all in one command
 * (see `_markers_read.ts`); an end marker gives the run's end, anything else becomes evidence
 * for the reason of a run that ends vanished.
 *
 * @module
 */

import type { Cause } from "../core/cause.ts";
import type { JobInfo } from "../core/job_info.ts";
import type { Transport } from "../core/transport.ts";
import {
  atWalltime,
  type MarkerReading,
  markersEvidence,
  markersInfo,
  readMarkers,
} from "./_markers_read.ts";

/** What a round's markers said, per run. */
export interface MarkerFindings {
  /** Runs whose end marker tells their end. */
  infos: Map<MarkerClient, JobInfo>;
  /** For the others: what the markers showed, and the cause it implies, if any. */
  evidence: Map<MarkerClient, { text: string; cause?: Cause }>;
  /**
   * Runs whose accounting query failed but whose markers were read (and say nothing of an end):
   * the markers stand in for accounting, so they count as unknown to it (ending vanished after
   * the grace period, with this evidence) rather than as failed queries that never end.
   */
  unknown: Set<MarkerClient>;
  /** Commands run (0 when no run needed its markers). */
  commands: number;
}

/** What the step needs from a run. */
export interface MarkerClient {
  readonly jobId: string;
  readonly markers?: string | undefined;
  readonly walltime?: number | undefined;
}

/** What the step needs from the round's queries. */
export interface RoundOutcome {
  unknown: ReadonlySet<string>;
  accountingFailed: ReadonlySet<string>;
  consulted: readonly string[];
}

/**
 * Reads the markers of the runs of `clients` that the round's queries could not place.
 *
 * @param transport The scheduler host.
 * @param clients The round's live runs.
 * @param outcome What the queue and accounting said.
 * @param timeout Time limit of the command, ms.
 */
export async function markersOfRound(
  transport: Transport,
  clients: readonly MarkerClient[],
  outcome: RoundOutcome,
  timeout: number,
): Promise<MarkerFindings> {
  const findings: MarkerFindings = {
    infos: new Map(),
    evidence: new Map(),
    unknown: new Set(),
    commands: 0,
  };
  const needed = clients.filter((client) =>
    outcome.unknown.has(client.jobId) || outcome.accountingFailed.has(client.jobId)
  );
  for (const client of needed) {
    if (client.markers === undefined) {
      findings.evidence.set(client, { text: markersEvidence(undefined) });
    }
  }
  const readers = needed.filter((client) => client.markers !== undefined);
  if (readers.length === 0) return findings;
  const read = await readMarkers(
    transport,
    readers.map((client) => ({ folder: client.markers! })),
    timeout,
  );
  findings.commands = read.commands.length;
  const consulted = outcome.consulted.join("; ");
  const nowSeconds = Math.floor(transport.clock.now() / 1000);
  readers.forEach((client, i) => {
    const reading: MarkerReading = read.readings[i]!;
    const info = read.error === undefined
      ? markersInfo(reading, { jobId: client.jobId, consulted, timeSeconds: client.walltime })
      : undefined;
    if (info !== undefined) {
      findings.infos.set(client, info);
      return;
    }
    if (read.error === undefined && outcome.accountingFailed.has(client.jobId)) {
      findings.unknown.add(client);
    }
    const start = reading.start?.kind === "start" ? reading.start : undefined;
    const timedOut = reading.end === undefined &&
      atWalltime(start, { time: nowSeconds }, client.walltime);
    findings.evidence.set(client, {
      text: markersEvidence(reading, read.error) +
        (timedOut
          ? `; it started ${client.walltime} s of walltime ago: killed at its walltime`
          : ""),
      ...(timedOut ? { cause: "timeout" as const } : {}),
    });
  });
  return findings;
}
