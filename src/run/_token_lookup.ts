/**
 * Looking for submission tokens after ambiguous submits: whether the scheduler holds a job with
 * the token (adopt it), proves it holds none (submit again), or cannot tell. Lookups of one
 * transport and backend that start within the settling time share one command, so fifty
 * submits lost in one controller hiccup cost one query. Internal module.
 *
 * @module
 */

import { type Backend, isValidJobId, type TokenLookup, type TokenQuery } from "../core/backend.ts";
import type { Transport } from "../core/transport.ts";

/**
 * How long to wait before looking: a request whose client gave up may still be in the
 * controller's queue (SLURM's MessageTimeout is 10 s by default, slurm.conf(5)); looking at once
 * could miss a job that is being created and submit it twice.
 */
export const LOOKUP_SETTLE_MS = 10_000;

/** How long the lookup command may take before it counts as failed (nothing proven). */
export const LOOKUP_TIMEOUT_MS = 60_000;

/**
 * The waits before each try of a lookup whose command fails (a timeout, a busy or unreachable
 * controller): the settling time, then longer, about six and a half minutes in all.
 */
export const LOOKUP_WAITS_MS: readonly number[] = [LOOKUP_SETTLE_MS, 30_000, 90_000, 270_000];

/** What a lookup says of one token. */
export type TokenVerdict =
  | { readonly kind: "found"; readonly jobId: string }
  | { readonly kind: "absent" }
  | { readonly kind: "unknown"; readonly reason: string; readonly error?: unknown };

interface Batch {
  readonly queries: TokenQuery[];
  readonly result: Promise<TokenLookup>;
}

/** Lookups waiting to start, per transport, then per backend name. */
const pending = new WeakMap<Transport, Map<string, Batch>>();

/**
 * Looks for `query.token` (one command shared with the lookups that start meanwhile).
 *
 * @param transport Where the scheduler's commands run.
 * @param backend The backend; must have `submitToken`.
 * @param query The token and the job's name.
 * @param submittedAt When the first submit with this token started (the transport clock's ms):
 *   an absent token proves there is no job only when the listing reaches back that far.
 */
export async function findSubmitToken(
  transport: Transport,
  backend: Backend,
  query: TokenQuery,
  submittedAt: number,
): Promise<TokenVerdict> {
  let lookup: TokenLookup | undefined;
  let failure: unknown;
  for (const waitMs of LOOKUP_WAITS_MS) {
    try {
      lookup = await joinBatch(transport, backend, query, waitMs);
      break;
    } catch (error) {
      failure = error;
    }
  }
  if (lookup === undefined) {
    const said = failure instanceof Error ? failure.message : String(failure);
    const tries = LOOKUP_WAITS_MS.length;
    return {
      kind: "unknown",
      reason: `the token lookup failed ${tries} times: ${said}`,
      error: failure,
    };
  }
  const jobId = lookup.jobIds.get(query.token);
  if (jobId !== undefined) {
    if (isValidJobId(backend, jobId)) return { kind: "found", jobId };
    return { kind: "unknown", reason: `the token lookup found an unusable job id "${jobId}"` };
  }
  const elapsed = transport.clock.now() - submittedAt;
  if (elapsed < lookup.completeForMs) return { kind: "absent" };
  return {
    kind: "unknown",
    reason: lookup.completeForMs === 0
      ? `no job carries the token, but ${backend.name} forgets finished jobs at once`
      : `no job carries the token, but the submit started ${Math.round(elapsed / 1000)} s ago ` +
        `and ${backend.name} lists finished jobs for ${lookup.completeForMs / 1000} s only`,
  };
}

function joinBatch(
  transport: Transport,
  backend: Backend,
  query: TokenQuery,
  waitMs: number,
): Promise<TokenLookup> {
  const support = backend.submitToken;
  if (support === undefined) {
    return Promise.reject(new Error(`backend "${backend.name}" stores no submission token`));
  }
  let batches = pending.get(transport);
  if (batches === undefined) pending.set(transport, batches = new Map());
  // Lookups join the batch that starts after the same wait (first tries, or retries).
  const key = `${backend.name} ${waitMs}`;
  let batch = batches.get(key);
  if (batch === undefined) {
    const queries: TokenQuery[] = [];
    const open = batches;
    const result = (async () => {
      try {
        await transport.clock.sleep(waitMs);
      } finally {
        open.delete(key); // later lookups form a batch of their own
      }
      const argv = support.lookupCommand(queries);
      const output = await transport.run(argv, { timeout: LOOKUP_TIMEOUT_MS });
      try {
        return support.parseLookup(output, queries);
      } catch (error) {
        // The answer shows another dialect (OpenLava's bjobs has no -o): ask in its words.
        const dialect = backend.dialectFor?.(output)?.submitToken;
        if (dialect === undefined) throw error;
        const again = await transport.run(dialect.lookupCommand(queries), {
          timeout: LOOKUP_TIMEOUT_MS,
        });
        return dialect.parseLookup(again, queries);
      }
    })();
    batch = { queries, result };
    batches.set(key, batch);
  }
  batch.queries.push(query);
  return batch.result;
}
