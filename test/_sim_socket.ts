// One simulated cluster reached by several processes: `serveSim` answers commands on a Unix
// socket from a SimCluster in this process (so every command that reaches the cluster is in its
// command log); `SocketTransport` is a child process's transport to it, one line of JSON per
// command each way. Used by the shared-poll tests and benchmark, which count the status commands
// that reach the one cluster.

import type { CommandOutput, RunOptions, Transport } from "../src/core/transport.ts";
import { realClock } from "../src/core/clock.ts";
import type { SimCluster } from "../sim/cluster.ts";

/** Serves `cluster`'s commands on `path` until the returned function is called. */
export function serveSim(cluster: SimCluster, path: string): () => Promise<void> {
  const listener = Deno.listen({ transport: "unix", path });
  const transport = cluster.transport();
  const connections = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      connections.add(conn);
      (async () => {
        let buffered = "";
        const decoder = new TextDecoder();
        const encoder = new TextEncoder();
        for await (const chunk of conn.readable) {
          buffered += decoder.decode(chunk, { stream: true });
          let newline: number;
          while ((newline = buffered.indexOf("\n")) >= 0) {
            const { argv } = JSON.parse(buffered.slice(0, newline));
            buffered = buffered.slice(newline + 1);
            const output = await transport.run(argv);
            const writer = conn.writable.getWriter();
            await writer.write(encoder.encode(JSON.stringify(output) + "\n"));
            writer.releaseLock();
          }
        }
      })().catch(() => {}).finally(() => connections.delete(conn));
    }
  })().catch(() => {});
  return async () => {
    listener.close();
    for (const conn of connections) conn.close();
    await serving;
  };
}

/** A transport whose commands run on the cluster `serveSim` serves at `path` (wall clock). */
export class SocketTransport implements Transport {
  readonly name: string;
  readonly target: string;
  readonly clock = realClock;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    this.name = `simsock:${path}`;
    this.target = this.name;
  }

  async run(argv: readonly string[], _options?: RunOptions): Promise<CommandOutput> {
    const conn = await Deno.connect({ transport: "unix", path: this.#path });
    try {
      const writer = conn.writable.getWriter();
      await writer.write(new TextEncoder().encode(JSON.stringify({ argv }) + "\n"));
      writer.releaseLock();
      let text = "";
      const decoder = new TextDecoder();
      for await (const chunk of conn.readable) {
        text += decoder.decode(chunk, { stream: true });
        if (text.includes("\n")) break;
      }
      return JSON.parse(text);
    } finally {
      try {
        conn.close();
      } catch { /* closed by the reader */ }
    }
  }

  writeFile(): Promise<void> {
    return Promise.reject(new Error("SocketTransport runs commands only"));
  }
  readFile(): Promise<string> {
    return Promise.reject(new Error("SocketTransport runs commands only"));
  }
  mkdir(): Promise<void> {
    return Promise.reject(new Error("SocketTransport runs commands only"));
  }
  remove(): Promise<void> {
    return Promise.reject(new Error("SocketTransport runs commands only"));
  }
}
