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
  let lookup: TokenLookup;
  try {
    lookup = await joinBatch(transport, backend, query);
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    return { kind: "unknown", reason: `the token lookup failed: ${said}`, error };
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
): Promise<TokenLookup> {
  const support = backend.submitToken;
  if (support === undefined) {
    return Promise.reject(new Error(`backend "${backend.name}" stores no submission token`));
  }
  let batches = pending.get(transport);
  if (batches === undefined) pending.set(transport, batches = new Map());
  let batch = batches.get(backend.name);
  if (batch === undefined) {
    const queries: TokenQuery[] = [];
    const open = batches;
    const result = (async () => {
      try {
        await transport.clock.sleep(LOOKUP_SETTLE_MS);
      } finally {
        open.delete(backend.name); // later lookups form a batch of their own
      }
      const argv = support.lookupCommand(queries);
      const output = await transport.run(argv, { timeout: LOOKUP_TIMEOUT_MS });
      return support.parseLookup(output, queries);
    })();
    batch = { queries, result };
    batches.set(backend.name, batch);
  }
  batch.queries.push(query);
  return batch.result;
}
