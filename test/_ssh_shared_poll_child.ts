// A process that waits for real SLURM jobs through its own SshTransport to the sshd target:
//   deno run -A test/_ssh_shared_poll_child.ts shared|alone ID ...
// Prints one line of JSON: the final statuses, the status commands this process ran, its poll
// rounds and its transport's target.

import { AsyncResult } from "../src/run/async_result.ts";
import { pollerFor } from "../src/run/_poller.ts";
import { slurm } from "../backends/slurm.ts";
import { SshTransport } from "../src/transports/ssh_transport.ts";
import { sshTarget } from "./real/_targets.ts";

const [mode, ...ids] = Deno.args;
await using ssh = new SshTransport({ host: sshTarget.host, configFile: sshTarget.configFile });
const runs = ids.map((jobId) =>
  new AsyncResult({ jobId, backend: slurm, transport: ssh, polling: { shared: mode === "shared" } })
);
const statuses = await AsyncResult.waitAll(runs);
const { commands, rounds } = pollerFor(ssh, slurm).stats;
console.log(JSON.stringify({ statuses, commands, rounds, target: ssh.target }));
