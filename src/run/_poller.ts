/**
 * The poller: ONE per (transport, backend), shared by every run that waits through them, so a
 * workflow with 10,000 live runs asks the scheduler with one status command per round (the
 * backend chunks long id lists), plus one accounting command set for the ids that left the queue.
 *
 * Each run keeps the original clusterjob's back-off (5 s, doubling up to its `maxSleepInterval`,
 * back to 5 s when its status changes); a round polls every run that is due, and runs due soon
 * after (within half their interval) join it, so runs that started waiting together stay together.
 * Sleeps go through `transport.clock`, so the simulator's virtual clock makes 900 s polls instant.
 *
 * Failed queries (non-zero exits the backend rejects, `QueryError`, `TransportError`, timeouts)
 * never change a status: the run keeps its last known status and backs off; a batched answer
 * that is unreadable for some jobs only (a `QueryError` with `failedIds`) fails those alone,
 * and the others take what it said about them. Waiters are rejected
 * with the last error only after `maxQueryFailures` consecutive failures. A `wait()` started
 * while the last query had failed keeps the back-off and the count (it polls when the back-off
 * says, and rejects at the next failure), so a caller that retries `wait()` in a loop cannot make
 * a failing scheduler answer a query per call at the same instant. A job that neither the
 * queue nor accounting knows keeps its status through a grace period, then ends FAILED with a
 * reason that names what was consulted; it is never assumed COMPLETED.
 *
 * A backend may recognise in a rejected status answer that the scheduler speaks another dialect
 * of its tools (`Backend.dialectFor`: OpenLava's `bjobs` has no `-o`); the poller then asks
 * again with that dialect in the same round and keeps it for every later round, so each
 * transport learns its scheduler's dialect once.
 *
 * Pollers are attached to their transport object (a WeakMap), so nothing outlives the transport
 * and no loop runs while nobody waits.
 *
 * @module
 */

import type { Backend, JobInfo, QueryCommand } from "../core/backend.ts";
import { isFinished, Status, type StatusCode } from "../core/status.ts";
import type { CommandOutput, Transport } from "../core/transport.ts";
import { InvalidValueError, QueryError } from "../core/errors.ts";
import { checkOptionsObject } from "../transports/_checks.ts";
import { CommandNotFoundError, MissingPermissionError } from "../core/transport_errors.ts";
import type { PollingOptions } from "./run_options.ts";
import { withTasksOf } from "./array_tasks.ts";
import { SharedPoll } from "./_shared_poll.ts";
import { type MarkerFindings, markersOfRound } from "./_markers_round.ts";
import { markersBeforeAccounting } from "./_markers_first.ts";
import type { MarkerReading } from "./_markers_read.ts";

/** The defaults of {@linkcode PollingOptions}. */
const POLLING_DEFAULTS: Required<PollingOptions> = {
  vanishGraceMs: 300_000,
  maxQueryFailures: 5,
  queryTimeoutMs: 120_000,
  shared: true,
};

/**
 * The polling options with every default filled in (an `undefined` field takes its default).
 *
 * @throws {InvalidValueError} Field `polling` for a value that is not an object, and
 * `polling.<key>` for an unknown key, a `shared` that is not a boolean, or another value that is
 * not a number of at least 0 (1 for `maxQueryFailures`).
 */
export function pollingSettings(options?: PollingOptions): Required<PollingOptions> {
  if (options !== undefined) {
    checkOptionsObject("polling", options, Object.keys(POLLING_DEFAULTS));
  }
  const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
  const settings = { ...POLLING_DEFAULTS, ...Object.fromEntries(given) };
  for (const [key, value] of Object.entries(settings)) {
    if (key === "shared") {
      if (typeof value !== "boolean") {
        throw new InvalidValueError("polling.shared", value, "true or false");
      }
      continue;
    }
    const minimum = key === "maxQueryFailures" ? 1 : 0;
    if (typeof value !== "number" || !Number.isFinite(value) || value < minimum) {
      throw new InvalidValueError(`polling.${key}`, value, `a number >= ${minimum}`);
    }
  }
  return settings;
}

/** First sleep between polls, and the sleep after each status change (original: 5 s). */
export const BASE_INTERVAL_MS = 5_000;

/**
 * The longest sleep between two polls of a job, in seconds, as the original computes it: a tenth
 * of the walltime (truncated), at least 10 s, at most the job's own cap (900 s by default);
 * the cap alone when the job has no walltime; never below 1 s.
 */
export function maxSleepSeconds(timeSeconds: number | undefined, jobCap = 900): number {
  const fromWalltime = timeSeconds === undefined
    ? jobCap
    : Math.max(10, Math.floor(timeSeconds / 10));
  return Math.max(1, Math.min(fromWalltime, jobCap));
}

/**
 * The next sleep of the back-off: the base (5 s, or the cap when smaller) on the first poll and
 * after a status change, otherwise double the previous sleep, never above the cap.
 */
export function nextInterval(
  previous: number | undefined,
  changed: boolean,
  capMs: number,
): number {
  const base = Math.min(BASE_INTERVAL_MS, capMs);
  if (previous === undefined || changed) return base;
  return Math.min(previous * 2, capMs);
}

/** Per-run polling state, owned by the run, updated by the poller. */
export interface Tracking {
  /** The sleep scheduled after the last poll; `undefined` before the first poll of a wait. */
  intervalMs?: number | undefined;
  /** When the run is due for its next poll (clock time, ms). */
  nextDue: number;
  /** Consecutive failed queries. */
  failures: number;
  /** The last failed query's error. */
  lastError?: unknown;
  /** When the job was first found neither in the queue nor in accounting (clock time, ms). */
  vanishedSince?: number | undefined;
  /**
   * When the query whose answer the run took last began (wall clock, ms): an answer from an
   * older query (a shared snapshot) is not taken, so a status never goes back in time.
   */
  infoAt?: number | undefined;
}

/** What the poller needs from a run. Implemented privately by `AsyncResult`. */
export interface PollClient {
  /** The scheduler's job id. */
  readonly jobId: string;
  /** The longest sleep between polls, ms. */
  readonly maxSleepMs: number;
  /** How long a job may be unknown to both queue and accounting before it is declared FAILED, ms. */
  readonly vanishGraceMs: number;
  /** Consecutive failed queries after which waiters are rejected. */
  readonly maxQueryFailures: number;
  /** Time limit of one query command, ms. */
  readonly queryTimeoutMs: number;
  /** Whether the run shares its polls with other processes (`PollingOptions.shared`). */
  readonly shared: boolean;
  /** The run's polling state. */
  readonly tracking: Tracking;
  /** The job's marker folder, read when queue and accounting no longer know it. */
  readonly markers?: string | undefined;
  /** The job's walltime in seconds, when known. */
  readonly walltime?: number | undefined;
  /** The last known status. */
  status(): StatusCode;
  /**
   * Records what the scheduler said (and, for an array's tasks, what their markers showed);
   * resolves once saved (and, on finishing, after the epilogue).
   */
  apply(info: JobInfo, taskEvidence?: ReadonlyMap<number, string>): Promise<void>;
  /**
   * An array run's unfinished tasks that an answer (`undefined`: none) leaves out: accounting
   * is asked about them, then their markers.
   */
  unlistedTasks?(info: JobInfo | undefined): number[];
}

interface Waiter {
  resolve(status: StatusCode): void;
  reject(error: unknown): void;
}

/** The outcome of asking the scheduler about a set of ids. */
interface QueryOutcome {
  infos: Map<string, JobInfo>;
  failed: Map<string, unknown>;
  unknown: Set<string>;
  /** Ids that left the queue and whose accounting query failed. */
  accountingFailed: Set<string>;
  /** The commands consulted for the unknown ids, for the vanished-job reason. */
  consulted: string[];
  /** When the query began (wall clock, ms); a shared snapshot's may be older than the round. */
  at: number;
  /** The markers read before accounting, by `readingKey` (`_markers_first.ts`). */
  readings: Map<string, MarkerReading>;
}

/** Polls all runs of one (transport, backend) together. */
export class Poller {
  readonly transport: Transport;
  readonly backend: Backend;
  /**
   * Rounds done, commands issued (status, accounting and marker reads) and marker reads among
   * them so far (inspection for tests and benchmarks).
   */
  readonly stats: { rounds: number; commands: number; markerReads: number } = {
    rounds: 0,
    commands: 0,
    markerReads: 0,
  };
  /** The backend whose queries this poller runs: `backend`, or the dialect it learned. */
  #queries: Backend;
  /** Every dialect used so far (never switched back to: no loop between two dialects). */
  #dialects = new Set<Backend>();
  #watchers = new Map<PollClient, Set<Waiter>>();
  #refreshes = new Map<PollClient, Waiter[]>();
  #wake: AbortController | undefined;
  #running = false;
  readonly #roundListeners = new Set<() => void>();
  /** The shared poll of the transport's target; `null` until first looked up. */
  #shared: SharedPoll | undefined | null = null;

  constructor(transport: Transport, backend: Backend) {
    this.transport = transport;
    this.backend = backend;
    this.#queries = backend;
    this.#dialects.add(backend);
  }

  /** Calls `listener` after every poll round (progress reports); returns its remover. */
  onRound(listener: () => void): () => void {
    this.#roundListeners.add(listener);
    return () => this.#roundListeners.delete(listener);
  }

  /** Number of runs currently being waited for. */
  get watching(): number {
    return this.#watchers.size;
  }

  /**
   * Resolves with the client's final status; rejects with `stop.reason` when `stop` aborts, or with
   * the last query error after too many consecutive failures. Registers synchronously, so runs
   * that start waiting in the same tick share their first round.
   */
  watch(client: PollClient, stop?: AbortSignal): Promise<StatusCode> {
    if (isFinished(client.status())) return Promise.resolve(client.status());
    if (stop?.aborted) return Promise.reject(stop.reason);
    return new Promise((resolve, reject) => {
      let waiters = this.#watchers.get(client);
      if (!waiters) {
        waiters = new Set();
        this.#watchers.set(client, waiters);
        // A new wait starts polling now, at the base interval, unless the last query failed: then
        // it keeps the back-off (and the failure count), so that a caller retrying wait() after
        // a rejection does not hammer a failing scheduler with one query per call.
        if (client.tracking.failures === 0) {
          client.tracking.intervalMs = undefined;
          client.tracking.nextDue = this.transport.clock.now();
        }
      }
      const onStop = () => {
        this.#removeWaiter(client, waiter);
        reject(stop?.reason);
      };
      const waiter: Waiter = {
        resolve: (status) => {
          stop?.removeEventListener("abort", onStop);
          resolve(status);
        },
        reject: (error) => {
          stop?.removeEventListener("abort", onStop);
          reject(error);
        },
      };
      waiters.add(waiter);
      stop?.addEventListener("abort", onStop, { once: true });
      this.#start();
    });
  }

  /** Polls the client in the next round (now), resolving with its status; rejects on a failed query. */
  refresh(client: PollClient): Promise<StatusCode> {
    if (isFinished(client.status())) return Promise.resolve(client.status());
    return new Promise((resolve, reject) => {
      const list = this.#refreshes.get(client) ?? [];
      list.push({ resolve, reject });
      this.#refreshes.set(client, list);
      this.#start();
    });
  }

  /** Stops waiting for the client: its waiters resolve with its current status (used by cancel). */
  release(client: PollClient): void {
    const waiters = this.#watchers.get(client);
    this.#watchers.delete(client);
    for (const waiter of waiters ?? []) waiter.resolve(client.status());
  }

  #removeWaiter(client: PollClient, waiter: Waiter): void {
    const waiters = this.#watchers.get(client);
    if (!waiters) return;
    waiters.delete(waiter);
    if (waiters.size === 0) this.#watchers.delete(client);
  }

  #start(): void {
    this.#wake?.abort();
    if (this.#running) return;
    this.#running = true;
    this.#loop().catch((error) => {
      // An unexpected error (a bug, an unwritable cache): nobody may wait forever.
      for (const [client, waiters] of this.#watchers) {
        this.#watchers.delete(client);
        for (const waiter of waiters) waiter.reject(error);
      }
      for (const [client, list] of this.#refreshes) {
        this.#refreshes.delete(client);
        for (const waiter of list) waiter.reject(error);
      }
    }).finally(() => {
      this.#running = false;
      if (this.#watchers.size > 0 || this.#refreshes.size > 0) this.#start();
    });
  }

  async #loop(): Promise<void> {
    // Let every run that starts waiting in this tick (Promise.all, waitAll) join the first round.
    await Promise.resolve();
    const clock = this.transport.clock;
    while (this.#watchers.size > 0 || this.#refreshes.size > 0) {
      const now = clock.now();
      const due = new Set<PollClient>(this.#refreshes.keys());
      let earliest = Infinity;
      for (const client of this.#watchers.keys()) {
        const { nextDue, intervalMs = 0 } = client.tracking;
        if (nextDue <= now + intervalMs / 2) due.add(client);
        earliest = Math.min(earliest, nextDue);
      }
      if (due.size > 0) {
        await this.#round([...due]);
        continue;
      }
      this.#wake = new AbortController();
      try {
        await clock.sleep(Math.max(0, earliest - now), this.#wake.signal);
      } catch {
        // Woken early: a new waiter or a refresh arrived.
      }
      this.#wake = undefined;
    }
    await this.#shared?.leave();
  }

  async #round(clients: PollClient[]): Promise<void> {
    const refreshers = new Map<PollClient, Waiter[]>();
    for (const client of clients) {
      const list = this.#refreshes.get(client);
      if (list) refreshers.set(client, list);
      this.#refreshes.delete(client);
    }
    const live = clients.filter((client) => !isFinished(client.status()));
    const ids = [...new Set(live.map((client) => client.jobId))];
    const timeout = Math.max(...live.map((client) => client.queryTimeoutMs), 0);
    const outcome = ids.length > 0 ? await this.#outcome(live, timeout) : {
      infos: new Map(),
      failed: new Map(),
      unknown: new Set<string>(),
      accountingFailed: new Set<string>(),
      consulted: [],
      at: Date.now(),
      readings: new Map(),
    };
    // Runs the queue and accounting no longer know: their markers, in one command for all
    // (none again for those read before accounting).
    const markers: MarkerFindings = await markersOfRound(
      this.transport,
      live,
      outcome,
      timeout,
      outcome.readings,
    );
    this.stats.commands += markers.commands;
    this.stats.markerReads += markers.commands;
    this.stats.rounds++;
    const now = this.transport.clock.now();
    for (const client of live) {
      const tracking = client.tracking;
      const info = markers.infos.get(client) ?? outcome.infos.get(client.jobId);
      const error = outcome.failed.get(client.jobId);
      let changed = false;
      if (outcome.at < (tracking.infoAt ?? -Infinity)) {
        // An answer older than the run's own (a snapshot taken before its last query): no news.
      } else if (info) {
        tracking.failures = 0;
        tracking.vanishedSince = undefined;
        tracking.infoAt = outcome.at;
        changed = info.status !== client.status();
        await client.apply(info, markers.taskEvidence.get(client));
      } else if (outcome.failed.has(client.jobId) && !markers.unknown.has(client)) {
        tracking.failures++;
        tracking.lastError = error;
        const list = refreshers.get(client);
        refreshers.delete(client);
        for (const waiter of list ?? []) waiter.reject(error);
        if (tracking.failures >= client.maxQueryFailures || cannotRecover(error)) {
          const waiters = this.#watchers.get(client);
          this.#watchers.delete(client);
          for (const waiter of waiters ?? []) waiter.reject(error);
        }
      } else {
        tracking.failures = 0;
        tracking.vanishedSince ??= now;
        const missingFor = now - tracking.vanishedSince;
        if (missingFor >= client.vanishGraceMs) {
          changed = true;
          const evidence = markers.evidence.get(client);
          await client.apply({
            status: Status.FAILED,
            state: "VANISHED",
            reason: `Job ${client.jobId} was found neither in the queue nor in accounting for ` +
              `${Math.round(missingFor / 1000)} s (consulted: ${outcome.consulted.join("; ")}` +
              `${evidence ? `; ${evidence.text}` : ""})`,
            cause: evidence?.cause ?? "vanished",
          });
        }
      }
      tracking.intervalMs = nextInterval(tracking.intervalMs, changed, client.maxSleepMs);
      tracking.nextDue = now + tracking.intervalMs;
    }
    for (const [client, list] of refreshers) {
      for (const waiter of list) waiter.resolve(client.status());
    }
    for (const listener of this.#roundListeners) listener();
    for (const client of clients) {
      if (!isFinished(client.status())) continue;
      const waiters = this.#watchers.get(client);
      this.#watchers.delete(client);
      for (const waiter of waiters ?? []) waiter.resolve(client.status());
    }
  }

  /**
   * What the scheduler says about the live clients: for those that share polls, from the
   * target's shared snapshot or one query for every process's runs (`_shared_poll.ts`); for the
   * others (and when sharing fails), from this poller's own query.
   */
  async #outcome(live: PollClient[], timeout: number): Promise<QueryOutcome> {
    const ids = (clients: PollClient[]) => [...new Set(clients.map((client) => client.jobId))];
    const shared = live.some((client) => client.shared) ? this.#sharedPoll() : undefined;
    const sharing = shared === undefined ? [] : live.filter((client) => client.shared);
    const alone = live.filter((client) => shared === undefined || !client.shared);
    const outcome: QueryOutcome = {
      infos: new Map(),
      failed: new Map(),
      unknown: new Set(),
      accountingFailed: new Set(),
      consulted: [],
      at: Infinity,
      readings: new Map(),
    };
    const merge = (part: QueryOutcome, only: string[]) => {
      for (const id of only) {
        const info = part.infos.get(id);
        if (info) outcome.infos.set(id, info);
        else if (part.failed.has(id)) outcome.failed.set(id, part.failed.get(id));
        else if (part.unknown.has(id)) outcome.unknown.add(id);
        if (part.accountingFailed.has(id)) outcome.accountingFailed.add(id);
      }
      outcome.consulted.push(...part.consulted);
      outcome.at = Math.min(outcome.at, part.at);
      for (const [folder, reading] of part.readings) outcome.readings.set(folder, reading);
    };
    if (shared !== undefined && sharing.length > 0) {
      const wanted = ids(sharing);
      let own: QueryOutcome | undefined;
      const answer = await shared.answer(
        wanted,
        // newer than anything these runs know, and from this half of their interval
        Math.max(...sharing.map((client) => client.tracking.infoAt ?? -Infinity)),
        Math.min(...sharing.map((client) => client.tracking.intervalMs ?? BASE_INTERVAL_MS)) / 2,
        2 * Math.max(...sharing.map((client) => client.maxSleepMs)) + 60_000,
        timeout + 10_000,
        async (union) => (own = await this.#query(union, timeout, sharing)),
      );
      if (answer === undefined) alone.push(...sharing);
      else {
        merge(
          own ??
            { ...answer, failed: new Map(), accountingFailed: new Set(), readings: new Map() },
          wanted,
        );
      }
    }
    if (alone.length > 0) merge(await this.#query(ids(alone), timeout, alone), ids(alone));
    return outcome;
  }

  /** This poller's part in the shared poll of its target, if its transport names one. */
  #sharedPoll(): SharedPoll | undefined {
    if (this.#shared === null) {
      const target = this.transport.target;
      this.#shared = target === undefined
        ? undefined
        : SharedPoll.open(`${target}\n${this.backend.name}`);
    }
    return this.#shared;
  }

  /**
   * Queue first, then the markers of the runs that left it (one read for all), then accounting
   * for the ids whose markers do not settle their end (`_markers_first.ts`). A status answer the backend
   * rejects may show that the scheduler speaks another dialect (`Backend.dialectFor`): then this
   * poller switches to it for good and asks the queue again in the same round.
   */
  async #query(ids: string[], timeout: number, clients: PollClient[]): Promise<QueryOutcome> {
    const at = Date.now();
    const consulted: string[] = [];
    let status = await this.#ask(this.#queries.statusCommands(ids), "status", timeout, consulted);
    while (status.dialect !== undefined) {
      this.#dialects.add(status.dialect);
      this.#queries = status.dialect;
      status = await this.#ask(this.#queries.statusCommands(ids), "status", timeout, consulted);
    }
    const { infos, failed } = status;
    // Array tasks that left the queue are asked of accounting with the jobs that left it.
    const partial = new Set(
      clients.filter((client) => {
        const info = infos.get(client.jobId);
        return info !== undefined && (client.unlistedTasks?.(info).length ?? 0) > 0;
      }).map((client) => client.jobId),
    );
    const missing = ids.filter((id) => partial.has(id) || (!infos.has(id) && !failed.has(id)));
    const gone = new Set(missing.filter((id) => !partial.has(id)));
    const early = gone.size === 0 ? undefined : await markersBeforeAccounting(
      this.transport,
      clients,
      gone,
      infos,
      abbreviate(consulted),
      timeout,
    );
    this.stats.commands += early?.commands ?? 0;
    this.stats.markerReads += early?.commands ?? 0;
    for (const [id, info] of early?.infos ?? []) infos.set(id, info);
    const ask = missing.filter((id) => !early?.infos.has(id));
    if (ask.length > 0) {
      const accounting = await this.#ask(
        this.#queries.accountingCommands(ask),
        "accounting",
        timeout,
        consulted,
      );
      for (const [id, info] of accounting.infos) {
        const live = infos.get(id);
        infos.set(id, live === undefined ? info : withTasksOf(live, info));
      }
      for (const [id, error] of accounting.failed) if (!infos.has(id)) failed.set(id, error);
    }
    const left = missing.filter((id) => !partial.has(id));
    const unknown = new Set(left.filter((id) => !infos.has(id) && !failed.has(id)));
    const accountingFailed = new Set(left.filter((id) => failed.has(id)));
    const readings = early?.readings ?? new Map<string, MarkerReading>();
    return {
      infos,
      failed,
      unknown,
      accountingFailed,
      consulted: abbreviate(consulted),
      at,
      readings,
    };
  }

  /**
   * Runs `commands` and parses each answer. An answer that is unreadable only for some jobs
   * (a `QueryError` with `failedIds`) fails those jobs alone and keeps what it said about the
   * others. For status commands, a rejected answer the backend recognises as another dialect's
   * stops the round's commands and returns that dialect, unless this poller already used it.
   */
  async #ask(
    commands: QueryCommand[],
    kind: "status" | "accounting",
    timeout: number,
    consulted: string[],
  ): Promise<{ infos: Map<string, JobInfo>; failed: Map<string, unknown>; dialect?: Backend }> {
    const infos = new Map<string, JobInfo>();
    const failed = new Map<string, unknown>();
    const backend = this.#queries;
    for (const command of commands) {
      consulted.push(command.argv.join(" "));
      this.stats.commands++;
      let output: CommandOutput | undefined;
      try {
        output = await this.transport.run(command.argv, timeout > 0 ? { timeout } : {});
        const parsed = kind === "status"
          ? backend.parseStatus(output, command.ids)
          : backend.parseAccounting(output, command.ids);
        for (const id of command.ids) {
          const info = parsed.get(id);
          if (info) infos.set(id, info);
        }
      } catch (error) {
        const dialect = kind === "status" && output !== undefined
          ? backend.dialectFor?.(output)
          : undefined;
        if (dialect !== undefined && !this.#dialects.has(dialect)) {
          return { infos, failed, dialect };
        }
        const only = error instanceof QueryError ? error.failedIds : undefined;
        for (const id of command.ids) {
          const info = only === undefined ? undefined : (error as QueryError).parsed.get(id);
          if (info) infos.set(id, info);
          else if (only === undefined || only.includes(id)) failed.set(id, error);
        }
      }
    }
    return { infos, failed };
  }
}

/** Keeps a vanished-job reason readable when a round ran many commands with long id lists. */
function abbreviate(commands: string[]): string[] {
  const short = commands.map((command) =>
    command.length > 120 ? `${command.slice(0, 117)}...` : command
  );
  return short.length > 4 ? [...short.slice(0, 4), `and ${short.length - 4} more`] : short;
}

const pollers = new WeakMap<Transport, Map<Backend, Poller>>();

/** The poller of (transport, backend), created on first use and attached to the transport. */
export function pollerFor(transport: Transport, backend: Backend): Poller {
  let byBackend = pollers.get(transport);
  if (!byBackend) {
    byBackend = new Map();
    pollers.set(transport, byBackend);
  }
  let poller = byBackend.get(backend);
  if (!poller) {
    poller = new Poller(transport, backend);
    byBackend.set(backend, poller);
  }
  return poller;
}

/**
 * Failures no retry can mend: the status command is not installed where the transport runs it,
 * or Deno may not run it. Waiting on them would only repeat the same error.
 */
function cannotRecover(error: unknown): boolean {
  return error instanceof CommandNotFoundError || error instanceof MissingPermissionError;
}
