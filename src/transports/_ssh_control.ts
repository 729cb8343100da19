/**
 * The local side of {@linkcode SshTransport}'s shared connection: the private directory of its
 * control socket, and waiting on the connection with an abort signal.
 *
 * @module
 */

import { TransportError } from "../core/transport.ts";
import { isMissingPermission, permissionError } from "./_checks.ts";

/**
 * A private directory for the control socket with a short path: unix socket paths are
 * limited to ~104 bytes, so `/tmp` is preferred over a long `$TMPDIR` (as on macOS).
 */
export async function makeControlDir(transport: string): Promise<string> {
  try {
    const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "cj-" })
      .catch(() => Deno.makeTempDir({ prefix: "cj-" }));
    await Deno.chmod(dir, 0o700);
    return dir;
  } catch (error) {
    if (isMissingPermission(error)) {
      throw permissionError(
        transport,
        error,
        { permission: "write", target: "/tmp" },
        "Cannot create the private directory of the ssh connection's socket in /tmp",
      );
    }
    throw new TransportError(
      transport,
      `Cannot create the private directory of the ssh connection's socket: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
}

/** Rejects with the signal's reason as soon as it aborts, else settles like `promise`. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
