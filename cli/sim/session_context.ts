/**
 * The context `clusterjob` runs in inside a simulated session: one cluster, `sim`, which is
 * the session's own; paths are the simulated login node's (job files are read from its file
 * system, runs cached in its `~/.clusterjob/runs`); output goes to the session.
 *
 * @module
 */

import type { CliConfig, ClusterProfile } from "../config.ts";
import type { CliContext } from "../context.ts";
import type { Transport } from "../../src/core/transport.ts";
import type { SimCluster } from "../../sim/cluster.ts";

/** What the context needs of the session. */
export interface SessionPlace {
  /** The cluster. */
  readonly cluster: SimCluster;
  /** Its transport. */
  readonly transport: Transport;
  /** The working directory. */
  readonly cwd: string;
  /** Aborts a running command. */
  readonly signal: AbortSignal;
  /** Runs `clusterjob` command lines. */
  readonly clusterjob: CliContext["clusterjob"];
  /** An absolute simulated path of a typed path. */
  resolve(path: string): string;
}

/** The name of the session's cluster. */
export const SESSION_CLUSTER = "sim";

/**
 * The context of a `clusterjob` command typed in a session.
 *
 * @param session The session.
 * @param out Its standard output.
 * @param err Its standard error.
 * @returns The context.
 */
export function sessionContext(
  session: SessionPlace,
  out: (text: string) => void,
  err: (text: string) => void,
): CliContext {
  const { cluster } = session;
  const host = (path: string) => cluster.fs.hostPath(session.resolve(path));
  const profile: ClusterProfile = {
    name: SESSION_CLUSTER,
    kind: "simulator",
    configured: true,
    backend: cluster.kind,
    host: undefined,
    ssh: undefined,
    simulator: undefined,
    // Jobs run where the person is, as "." would on a real login node.
    defaults: { attributes: { backend: cluster.kind, rootdir: session.cwd } },
    runsFolder: host("~/.clusterjob/runs"),
    cachePrefix: "clusterjob",
    stateFile: undefined,
    line: undefined,
  };
  const config: CliConfig = {
    file: "(this simulated session has one cluster, sim)",
    exists: true,
    defaultCluster: SESSION_CLUSTER,
    clusters: [profile],
  };
  return {
    out,
    err,
    errIsTerminal: false,
    runsLocalScripts: false,
    config: () => Promise.resolve(config),
    localPath: host,
    connect: () =>
      Promise.resolve({
        transport: () => Promise.resolve(session.transport),
        close: () => Promise.resolve(),
      }),
    now: () => cluster.clock.now(),
    signal: session.signal,
  };
}
