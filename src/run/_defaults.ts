/**
 * Defaults shared by submission and loading: the transport for a job's `remote` and the built-in
 * backend of a saved name. One place, so `submit` and `AsyncResult.load` agree.
 *
 * The SSH transport is loaded with a dynamic `import()` the first time a run needs it, so
 * importing `JobScript` or the runs never loads it for work that stays on this machine.
 *
 * @module
 */

import type { Backend } from "../core/backend.ts";
import { builtinBackends } from "../../backends/registry.ts";
import { CacheFormatError } from "./cache_record.ts";
import { describeValue } from "../core/errors.ts";
import { LocalTransport } from "../transports/local_transport.ts";
import type { Transport } from "../core/transport.ts";

/**
 * This machine's transport. It holds no state (no connection, no cache), so one frozen instance
 * serves every run: runs submitted locally without a transport are then polled together.
 */
const LOCAL: Transport = Object.freeze(new LocalTransport());

/**
 * SSH to `remote` when it is set, else this machine. An SSH transport owns a connection, so each
 * call makes a new one and its runs are polled separately: pass one transport to batch many runs.
 */
export async function defaultTransport(remote: string | undefined): Promise<Transport> {
  if (!remote) return LOCAL;
  const { SshTransport } = await import("../transports/ssh_transport.ts");
  return new SshTransport({ host: remote });
}

/** The built-in backend called `name`; a cache file naming an unknown one is a format error. */
export function builtinBackend(name: string, path: string): Backend {
  try {
    return builtinBackends.get(name);
  } catch (error) {
    throw new CacheFormatError(
      path,
      `field "backend" is ${describeValue(name)}, not a built-in backend: expected one of ` +
        `${builtinBackends.names().join(", ")} (or pass the backend to load it with)`,
      { cause: error, field: "backend" },
    );
  }
}
