/**
 * `clusterjob clusters`: the cluster profiles of the config file, each checked: can we log in,
 * are the scheduler's tools there.
 *
 * @module
 */

import { builtinBackends } from "../../backends/registry.ts";
import type { Backend } from "../../src/core/backend.ts";
import { CommandNotFoundError } from "../../src/core/transport_errors.ts";
import type { Transport } from "../../src/core/transport.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import type { ClusterProfile } from "../config.ts";
import type { CliContext } from "../context.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { formatTable } from "../table.ts";
import { JSON_FLAG } from "../_shared.ts";

/** A tool looked for on a cluster. */
interface ToolCheck {
  name: string;
  found: boolean;
  path: string | null;
}

/** What checking a cluster found. */
interface ClusterCheck {
  ok: boolean;
  login: { ok: boolean; detail: string };
  tools: ToolCheck[];
  detail: string;
}

/** The `clusters` subcommand. */
export const clusters: Command = {
  spec: {
    name: "clusters",
    summary: "List the clusters of the config file and check each one.",
    description: `
For each cluster: can we log in (ssh, one "true" over the connection), and are its scheduler's
tools there ("command -v" on the cluster); a simulated cluster is restored from its state.
The built-in "local" cluster (this machine) is listed too; the default is marked "*". Exit
code 4 when a configured cluster fails its check. The config file is
$XDG_CONFIG_HOME/clusterjob/config.yaml (~/.config/clusterjob/config.yaml), or
$CLUSTERJOB_CONFIG.`,
    positionals: [],
    flags: [
      { name: "no-check", kind: "boolean", help: "only list them: do not log in" },
      JSON_FLAG,
    ],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const config = await context.config();
    const checks = new Map<string, ClusterCheck>();
    if (!args.boolean("no-check")) {
      await Promise.all(config.clusters.map(async (cluster) => {
        checks.set(cluster.name, await check(context, cluster));
      }));
    }
    const failed = config.clusters.some((cluster) =>
      cluster.configured && checks.get(cluster.name)?.ok === false
    );
    if (args.boolean("json")) {
      context.out(
        JSON.stringify(
          {
            version: 1,
            config: config.file,
            configExists: config.exists,
            default: config.defaultCluster,
            clusters: config.clusters.map((cluster) => ({
              name: cluster.name,
              kind: cluster.kind,
              configured: cluster.configured,
              default: cluster.name === config.defaultCluster,
              scheduler: cluster.backend ?? null,
              remote: cluster.host ?? null,
              runsFolder: cluster.runsFolder,
              check: checks.get(cluster.name) ?? null,
            })),
          },
          null,
          2,
        ) + "\n",
      );
      return failed ? ExitCode.CLUSTER_ERROR : ExitCode.OK;
    }
    if (!config.exists) {
      context.err(`No config file at ${config.file}: only the built-in "local" cluster\n`);
    }
    const header = ["", "NAME", "KIND", "SCHEDULER", "WHERE"];
    if (checks.size > 0) header.push("CHECK");
    const rows = config.clusters.map((cluster) => {
      const row = [
        cluster.name === config.defaultCluster ? "*" : "",
        cluster.name,
        cluster.configured ? cluster.kind : "local (built-in)",
        cluster.backend ?? "-",
        cluster.kind === "ssh"
          ? cluster.host!
          : cluster.kind === "simulator"
          ? "simulated"
          : "this machine",
      ];
      const found = checks.get(cluster.name);
      if (found !== undefined) row.push(found.detail);
      return row;
    });
    context.out(formatTable(header, rows));
    return failed ? ExitCode.CLUSTER_ERROR : ExitCode.OK;
  },
};

/** The commands clusterjob runs for a backend: submit, status, accounting, cancel. */
function toolsOf(backend: Backend): string[] {
  const names = [
    backend.submitCommand("job").argv[0],
    ...backend.statusCommands(["1"]).map((command) => command.argv[0]),
    ...backend.accountingCommands(["1"]).map((command) => command.argv[0]),
    backend.cancelCommand(["1"])[0],
  ];
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

async function check(context: CliContext, cluster: ClusterProfile): Promise<ClusterCheck> {
  const backends = cluster.backend === undefined
    ? builtinBackends.list()
    : [builtinBackends.get(cluster.backend)];
  let connection;
  try {
    connection = await context.connect(cluster);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, login: { ok: false, detail }, tools: [], detail: `cannot open: ${detail}` };
  }
  try {
    const transport = await connection.transport();
    if (cluster.kind === "simulator") {
      const tools = toolsOf(backends[0]!).map((name) => ({ name, found: true, path: null }));
      return {
        ok: true,
        login: { ok: true, detail: "simulated" },
        tools,
        detail: `ok: ${tools.map((tool) => tool.name).join(", ")} (simulated)`,
      };
    }
    if (cluster.kind === "ssh") {
      try {
        const output = await transport.run(["true"], { timeout: 60_000 });
        if (output.code !== 0) throw new Error(output.stderr.trim() || `exit ${output.code}`);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          login: { ok: false, detail },
          tools: [],
          detail: `cannot log in: ${detail}`,
        };
      }
    }
    const login = {
      ok: true,
      detail: cluster.kind === "ssh" ? `logged in to ${cluster.host}` : "this machine",
    };
    const names = [...new Set(backends.flatMap(toolsOf))];
    const tools = await Promise.all(names.map((name) => findTool(transport, name)));
    const found = (backend: Backend) =>
      toolsOf(backend).every((name) => tools.find((t) => t.name === name)?.found);
    const usable = backends.filter(found).map((backend) => backend.name);
    if (cluster.backend !== undefined) {
      const missing = tools.filter((tool) => !tool.found).map((tool) => tool.name);
      return {
        ok: missing.length === 0,
        login,
        tools,
        detail: missing.length === 0
          ? `ok: ${names.join(", ")}`
          : `${missing.join(", ")} not found${
            cluster.kind === "ssh" ? ` on ${cluster.host}` : " here"
          }`,
      };
    }
    return {
      ok: usable.length > 0,
      login,
      tools,
      detail: usable.length > 0
        ? `ok: the tools of ${usable.join(", ")}`
        : "no scheduler's tools found here",
    };
  } finally {
    await connection.close();
  }
}

async function findTool(transport: Transport, name: string): Promise<ToolCheck> {
  try {
    const output = await transport.run(["sh", "-c", 'command -v "$0"', name], { timeout: 60_000 });
    const path = output.stdout.trim();
    return { name, found: output.code === 0 && path !== "", path: path === "" ? null : path };
  } catch (error) {
    if (error instanceof CommandNotFoundError) return { name, found: false, path: null };
    throw error;
  }
}
