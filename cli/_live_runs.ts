/**
 * Cached runs brought to life: an `AsyncResult` for each, on its cluster's connection (runs of
 * one cluster share a transport, so they are polled together), and waiting for them with the
 * progress line. Internal module.
 *
 * @module
 */

import { builtinBackends } from "../backends/registry.ts";
import { isFinished, Status, type StatusCode } from "../src/core/status.ts";
import { AsyncResult } from "../src/run/async_result.ts";
import { readCacheFile } from "../src/run/cache.ts";
import type { CliContext, Connections } from "./context.ts";
import { ProgressDisplay, progressLine } from "./progress.ts";
import type { CachedRun } from "./runs.ts";

/** A submitted run, cached and live. */
export interface LiveRun {
  /** Its cache file. */
  readonly cached: CachedRun;
  /** The run. */
  readonly run: AsyncResult;
}

/**
 * The live run of a cached submitted run (a marker of an interrupted submission has none).
 *
 * @param cached The cached run.
 * @param connections Opens its cluster.
 * @returns The live run, or `undefined` for a marker.
 */
export async function liveRun(
  cached: CachedRun,
  connections: Connections,
): Promise<LiveRun | undefined> {
  const record = cached.record;
  if (record.phase !== "submitted") return undefined;
  const connection = await connections.get(cached.cluster);
  const run = AsyncResult.fromRecord(record, {
    backend: builtinBackends.get(record.backend),
    transport: await connection.transport(record.remote),
    cacheFile: cached.file,
  });
  return { cached, run };
}

/**
 * The run as its cache file now says (after a refresh, a wait or a cancel wrote it).
 *
 * @param cached The run as it was read.
 * @returns The run with the file's current record.
 */
export async function reread(cached: CachedRun): Promise<CachedRun> {
  const record = await readCacheFile(cached.file);
  return record === undefined ? cached : { ...cached, record };
}

/** How a wait ended. */
export interface WaitOutcome {
  /** The statuses, in the order of the runs. */
  readonly statuses: readonly StatusCode[];
  /** Whether `timeoutMs` ran out first. */
  readonly timedOut: boolean;
}

/**
 * Waits for runs, showing the progress line on standard error (updated in place on a terminal,
 * a line at each change otherwise).
 *
 * @param context Output and the abort signal.
 * @param runs The runs.
 * @param timeoutMs Gives up after this long (of the first run's cluster clock).
 * @returns The statuses.
 */
export async function waitWithProgress(
  context: CliContext,
  runs: readonly AsyncResult[],
  timeoutMs?: number,
): Promise<WaitOutcome> {
  const display = new ProgressDisplay((text) => context.err(text), context.errIsTerminal);
  const show = () => display.show(progressLine(runs.map((run) => run.status)));
  show();
  try {
    const statuses = await AsyncResult.waitAll(runs, {
      onProgress: show,
      signal: context.signal,
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    });
    return { statuses, timedOut: statuses.some((status) => !isFinished(status)) };
  } finally {
    display.end();
  }
}

/** Whether every status is COMPLETED. */
export function allCompleted(statuses: readonly StatusCode[]): boolean {
  return statuses.every((status) => status === Status.COMPLETED);
}
