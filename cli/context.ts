/**
 * What a subcommand works with — its output, the config, local paths, the clusters — as one
 * object, so that the same commands run in a terminal ({@linkcode processContext}) and inside
 * a `clusterjob sim` session, against its one in-process cluster.
 *
 * @module
 */

import { resolve } from "node:path";
import type { Transport } from "../src/core/transport.ts";
import { LocalTransport } from "../src/transports/local_transport.ts";
import {
  type CliConfig,
  type ClusterProfile,
  configPlaces,
  loadConfig,
  localPath,
} from "./config.ts";
import { SavedSimulator } from "./simulated_cluster.ts";

/** An open cluster: the transport of its runs. */
export interface ClusterConnection {
  /**
   * The transport for a run: the profile's, or, on the built-in `local` cluster, SSH to the
   * run's own `remote` host when it has one.
   */
  transport(remote?: string): Promise<Transport>;
  /** Closes connections (a simulator saves its state). */
  close(): Promise<void>;
}

/** Everything a subcommand uses besides its arguments. */
export interface CliContext {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Whether standard error is a terminal (the progress line then updates in place). */
  readonly errIsTerminal: boolean;
  /** Whether a job's prologue and epilogue may run here (not in a simulated session). */
  readonly runsLocalScripts: boolean;
  /** The config (the file is read on the first call). */
  config(): Promise<CliConfig>;
  /** A local path as the user typed it (relative to the working directory, `~`) → a path here. */
  localPath(path: string): string;
  /** Opens a cluster. */
  connect(cluster: ClusterProfile): Promise<ClusterConnection>;
  /** The wall clock, in ms since the epoch (the ages of runs not on a simulator). */
  now(): number;
  /** Aborted when the user interrupts (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Runs a `clusterjob` command line in a context (set by `runCli`, for `clusterjob sim`). */
  readonly clusterjob?: (argv: readonly string[], context: CliContext) => Promise<number>;
}

/**
 * The context of the `clusterjob` process: standard output and error, the environment's config
 * file and state folder, the working directory, real clusters.
 *
 * @param signal Aborted on Ctrl-C.
 * @returns The context.
 */
export function processContext(signal: AbortSignal): CliContext {
  const encoder = new TextEncoder();
  const env = (name: string) => Deno.env.get(name);
  const places = configPlaces(env);
  let config: Promise<CliConfig> | undefined;
  return {
    out: (text) => writeAll(Deno.stdout, encoder.encode(text)),
    err: (text) => writeAll(Deno.stderr, encoder.encode(text)),
    errIsTerminal: Deno.stderr.isTerminal(),
    runsLocalScripts: true,
    config: () => config ??= loadConfig(places),
    localPath: (path) => localPath(path, resolve("."), places.home),
    connect: connectCluster,
    now: () => Date.now(),
    signal,
  };
}

function writeAll(stream: { writeSync(data: Uint8Array): number }, data: Uint8Array): void {
  let written = 0;
  while (written < data.length) written += stream.writeSync(data.subarray(written));
}

/**
 * Opens a cluster of the config: `local` runs commands here (or over SSH to a run's own
 * `remote`), `ssh` over one shared SSH connection, `simulator` restores the simulated cluster
 * from its state file.
 *
 * @param cluster The profile.
 * @returns The connection.
 */
export async function connectCluster(cluster: ClusterProfile): Promise<ClusterConnection> {
  if (cluster.kind === "simulator") {
    const simulator = await SavedSimulator.open(cluster.stateFile!, cluster.simulator!);
    return {
      transport: () => Promise.resolve(simulator.transport),
      close: () => simulator.close(),
    };
  }
  const open = new Map<string, Transport>();
  const sshTo = async (host: string): Promise<Transport> => {
    const { SshTransport } = await import("../src/transports/ssh_transport.ts");
    const ssh = cluster.ssh;
    return new SshTransport({
      host,
      ...(ssh?.user === undefined ? {} : { user: ssh.user }),
      ...(ssh?.port === undefined ? {} : { port: ssh.port }),
      ...(ssh?.identityFile === undefined ? {} : { identityFile: ssh.identityFile }),
      ...(ssh?.configFile === undefined ? {} : { configFile: ssh.configFile }),
      ...(ssh?.sshPath === undefined ? {} : { sshPath: ssh.sshPath }),
      ...(ssh?.options === undefined ? {} : { extraOptions: ssh.options }),
      ...(ssh?.connectTimeout === undefined ? {} : { connectTimeout: ssh.connectTimeout * 1000 }),
    });
  };
  return {
    transport: async (remote) => {
      const host = cluster.kind === "ssh" ? cluster.host! : remote ?? "";
      let transport = open.get(host);
      if (transport === undefined) {
        transport = host === "" ? new LocalTransport() : await sshTo(host);
        open.set(host, transport);
      }
      return transport;
    },
    close: async () => {
      for (const transport of open.values()) await transport.close?.();
    },
  };
}

/** The connections a command opened, each cluster once; closed together. */
export class Connections {
  readonly #context: CliContext;
  readonly #open = new Map<string, Promise<ClusterConnection>>();

  /**
   * Creates an empty set.
   *
   * @param context Opens the clusters.
   */
  constructor(context: CliContext) {
    this.#context = context;
  }

  /**
   * The connection to a cluster, opened on first use.
   *
   * @param cluster The profile.
   * @returns The connection.
   */
  get(cluster: ClusterProfile): Promise<ClusterConnection> {
    let connection = this.#open.get(cluster.name);
    if (connection === undefined) {
      connection = this.#context.connect(cluster);
      this.#open.set(cluster.name, connection);
    }
    return connection;
  }

  /** Closes every connection (saving simulators), even when one fails; rethrows the first error. */
  async closeAll(): Promise<void> {
    let first: unknown;
    for (const connection of this.#open.values()) {
      try {
        await (await connection).close();
      } catch (error) {
        first ??= error;
      }
    }
    this.#open.clear();
    if (first !== undefined) throw first;
  }
}
