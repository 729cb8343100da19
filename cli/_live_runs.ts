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
import { ProgressDisplay, progressLine } from "../src/run/progress.ts";
import type { WaitProgress } from "../src/run/async_result.ts";
import { formatAge } from "./table.ts";
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

/** How often the progress line is shown again while nothing changes, by the cluster's clock. */
export const HEARTBEAT_MS = { terminal: 5_000, lines: 600_000 } as const;

/**
 * Waits for runs, showing the progress line on standard error: at once, at each run that
 * finishes, and again while nothing changes with the time waited (`0/3 done (waited 10m)`):
 * on a terminal updated in place every 5 s, elsewhere a line every 10 minutes (of the first
 * run's cluster clock: simulated time on a simulator).
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
  let latest: WaitProgress | undefined;
  const line = () => progressLine(latest ?? runs.map((run) => run.status));
  let shown: string | undefined;
  // A poll round that changed nothing leaves the heartbeat's "(waited …)" line standing.
  const show = (progress?: WaitProgress) => {
    latest = progress ?? latest;
    if (line() === shown) return;
    shown = line();
    display.show(shown);
  };
  show();
  const clock = runs[0]?.transport.clock;
  const stop = new AbortController();
  const heartbeat = async () => {
    if (clock === undefined) return;
    const start = clock.now();
    const every = context.errIsTerminal ? HEARTBEAT_MS.terminal : HEARTBEAT_MS.lines;
    while (!stop.signal.aborted) {
      await clock.sleep(every, stop.signal);
      display.show(`${line()} (waited ${formatAge((clock.now() - start) / 1000)})`);
    }
  };
  const beating = heartbeat().catch(() => {});
  try {
    const statuses = await AsyncResult.waitAll(runs, {
      onProgress: show,
      signal: context.signal,
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    });
    return { statuses, timedOut: statuses.some((status) => !isFinished(status)) };
  } finally {
    stop.abort();
    await beating;
    display.end();
  }
}

/** Whether every status is COMPLETED. */
export function allCompleted(statuses: readonly StatusCode[]): boolean {
  return statuses.every((status) => status === Status.COMPLETED);
}
