/**
 * Waiting for many runs at once, the one implementation behind `AsyncResult.wait` and
 * `AsyncResult.waitAll`: each run is watched by the poller of its transport and backend, under
 * one timeout (measured on the first run's clock) and one abort signal. Internal module.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";
import { InvalidValueError } from "../core/errors.ts";
import type { StatusCode } from "../core/status.ts";
import type { Transport } from "../core/transport.ts";
import { type PollClient, pollerFor } from "./_poller.ts";
import type { WaitOptions } from "./run_options.ts";

const TIMED_OUT = Symbol("timed out");

/** What waiting needs of a run: where it is polled, and its private polling state. */
export interface WaitAccess<R> {
  /** The run's transport and backend, which choose its poller. */
  where(run: R): { transport: Transport; backend: Backend };
  /** The run's poll client. */
  client(run: R): PollClient;
  /** The run's last known status. */
  status(run: R): StatusCode;
  /** Waits for the run's final status (default: its poller's watch); rejects when `stop` aborts. */
  watch?(run: R, stop: AbortSignal): Promise<StatusCode>;
}

/**
 * Options of {@linkcode waitMany}: those of `wait()`, and a callback for each finished run and
 * after every poll round of the runs' pollers (then without `run`).
 */
export interface WaitManyOptions<R> extends WaitOptions {
  /** Called each time a run finishes (with it), and after every poll round (without). */
  onProgress?: ((progress: { done: number; total: number; run?: R }) => void) | undefined;
}

/**
 * Waits until every run finishes and resolves with their final statuses, in order; with
 * `timeout`, resolves with the last known statuses when time runs out. Rejects as soon as one
 * run's wait rejects (or the signal aborts), and stops waiting for the others.
 */
export async function waitMany<R>(
  runs: readonly R[],
  options: WaitManyOptions<R>,
  access: WaitAccess<R>,
): Promise<StatusCode[]> {
  const { timeout, signal, onProgress } = options;
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 0)) {
    throw new InvalidValueError("timeout", timeout, "a number of milliseconds >= 0");
  }
  if (signal?.aborted) throw signal.reason;
  const stop = new AbortController();
  const timer = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const clock = runs[0] === undefined ? undefined : access.where(runs[0]).transport.clock;
  if (timeout !== undefined && clock) {
    clock.sleep(timeout, timer.signal).then(() => stop.abort(TIMED_OUT), () => {});
  }
  let done = 0;
  const removers = onProgress === undefined ? [] : [
    ...new Set(runs.map((run) => {
      const { transport, backend } = access.where(run);
      return pollerFor(transport, backend);
    })),
  ].map((poller) => poller.onRound(() => onProgress({ done, total: runs.length })));
  try {
    return await Promise.all(runs.map(async (run) => {
      const { transport, backend } = access.where(run);
      const status = access.watch
        ? await access.watch(run, stop.signal)
        : await pollerFor(transport, backend).watch(access.client(run), stop.signal);
      done++;
      onProgress?.({ done, total: runs.length, run });
      return status;
    }));
  } catch (error) {
    stop.abort(error);
    if (error === TIMED_OUT) return runs.map((run) => access.status(run));
    throw error;
  } finally {
    for (const remove of removers) remove();
    timer.abort();
    signal?.removeEventListener("abort", onAbort);
  }
}
