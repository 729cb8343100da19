// A process that waits for jobs of the cluster served at a socket (test/_sim_socket.ts):
//   deno run -A test/_shared_poll_child.ts SOCKET shared|alone ID ...
// Prints one line of JSON: the final statuses and the status commands this process ran.

import { AsyncResult } from "../src/run/async_result.ts";
import { pollerFor } from "../src/run/_poller.ts";
import { slurm } from "../backends/slurm.ts";
import { SocketTransport } from "./_sim_socket.ts";

const [path, mode, ...ids] = Deno.args;
const transport = new SocketTransport(path!);
const runs = ids.map((jobId) =>
  new AsyncResult({ jobId, backend: slurm, transport, polling: { shared: mode === "shared" } })
);
const statuses = await AsyncResult.waitAll(runs);
const { commands, rounds } = pollerFor(transport, slurm).stats;
console.log(JSON.stringify({ statuses, commands, rounds }));
