/**
 * What pbs_server logs about job ids it does not know, which `tracejob` of such an id prints:
 * Torque logs `Unknown Job Id Error` for a `qdel` of an unknown id and for a dependency on one
 * (raw/torque/037 at 23:08:49 and 058 at 23:08:53 are the two lines of 077's `tracejob -q -n 7
 * 99999.vm`; its `qstat` of the id, 027–029 and 048, logged nothing). Per cluster, in the
 * engine's state.
 *
 * @module
 */

import type { SimEngineApi, SimStateKey } from "../emulator.ts";

/** One logged event: when, about which job sequence number, what. */
interface LogLine {
  at: number;
  seq: number;
  message: string;
}

const SERVER_LOG: SimStateKey<LogLine[]> = { name: "pbs server log", init: () => [] };

/** Logs the server's `Unknown Job Id Error` about job `seq`. */
export function logUnknownJob(engine: SimEngineApi, seq: number): void {
  engine.state(SERVER_LOG).push({ at: engine.now(), seq, message: "Unknown Job Id Error" });
}

/** What the server logged about job `seq` while it knew no such job, in order. */
export function unknownJobLog(
  engine: SimEngineApi,
  seq: number,
): ReadonlyArray<{ at: number; message: string }> {
  return engine.state(SERVER_LOG).filter((line) => line.seq === seq);
}
