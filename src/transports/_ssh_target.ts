/**
 * The target of an {@linkcode SshTransport}: the remote login as ssh itself resolves it
 * (`ssh -G`: config aliases, `HostName`, `User`, `Port`, `ProxyJump`), so that transports in
 * different processes that reach the same login share their polls. Internal module.
 *
 * @module
 */

/**
 * `ssh:<user>@<hostname>:<port>`, then a line for each jump (`ProxyJump=…`, `ProxyCommand=…`)
 * that decides which machine that hostname is, from the output of `ssh -G`; undefined when it
 * lacks the user, host name or port.
 */
export function resolvedTarget(sshG: string): string | undefined {
  const values = new Map<string, string>();
  for (const line of sshG.split("\n")) {
    const at = line.indexOf(" ");
    if (at <= 0) continue;
    const key = line.slice(0, at).toLowerCase();
    // ssh -G prints each option once; keep the first, as ssh does
    if (!values.has(key)) values.set(key, line.slice(at + 1).trim());
  }
  const user = values.get("user");
  const host = values.get("hostname");
  const port = values.get("port");
  if (!user || !host || !port || !/^\d+$/.test(port)) return undefined;
  // the same host name behind two gateways can be two clusters
  const via = [["proxyjump", "ProxyJump"], ["proxycommand", "ProxyCommand"]].flatMap(
    ([key, name]) => {
      const value = values.get(key!);
      return value && value !== "none" ? [`${name}=${value}`] : [];
    },
  );
  return [`ssh:${user}@${host}:${port}`, ...via].join("\n");
}
