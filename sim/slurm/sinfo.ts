/**
 * `sinfo`: partitions and their nodes grouped by state (`idle`, `mix`, `alloc`), in the default
 * or an `-o` layout.
 *
 * @module
 */

import { fail, ok } from "../_common/command_result.ts";
import { column } from "../_common/format.ts";
import { getopt, type OptionSpec } from "../_common/getopt.ts";
import type { SimCommand } from "../types.ts";
import { compressHosts } from "./_hostlist.ts";
import { nodeUsage, VERSION } from "./_jobs.ts";
import { lastValue } from "./_parse.ts";

const SINFO_OPTIONS: OptionSpec[] = [
  { key: "noheader", long: "noheader", short: "h", arg: "none" },
  { key: "format", long: "format", short: "o", arg: "required" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "Node", long: "Node", short: "N", arg: "none" },
  { key: "version", long: "version", short: "V", arg: "none" },
  { key: "long", long: "long", short: "l", arg: "none" },
];

/** `sinfo [-h] [-o FORMAT] [-p PARTITION]`. */
export const sinfo: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SINFO_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `sinfo: ${parsed.error.message}\nTry "sinfo --help" for more information\n`);
  }
  const get = (key: string) => lastValue(parsed.options, key);
  const has = (key: string) => parsed.options.some((o) => o.key === key);
  if (has("version")) return ok(`${VERSION}\n`);
  const engine = ctx.engine;
  const format = get("format") ?? "%9P %.5a %.10l %.6D %.6t %N";
  interface Group {
    partition: string;
    isDefault: boolean;
    limit: string;
    state: string;
    nodes: string[];
    cpus: number;
    memory: number;
  }
  const groups: Group[] = [];
  for (const queue of engine.queues) {
    if (get("partition") !== undefined && get("partition") !== queue.name) continue;
    const names = queue.nodes ?? engine.nodes.map((n) => n.name);
    for (const name of names) {
      const node = engine.nodes.find((n) => n.name === name)!;
      const used = nodeUsage(engine, name).cpus;
      const state = used === 0 ? "idle" : used >= node.cpus ? "alloc" : "mix";
      let group = groups.find((g) => g.partition === queue.name && g.state === state);
      if (group === undefined) {
        group = {
          partition: queue.name,
          isDefault: queue.default ?? false,
          limit: queue.maxTimeSeconds === undefined ? "infinite" : hmsDays(queue.maxTimeSeconds),
          state,
          nodes: [],
          cpus: node.cpus,
          memory: node.memoryMB,
        };
        groups.push(group);
      }
      group.nodes.push(name);
    }
  }
  const letters: Record<string, { header: string; value: (g: Group) => string }> = {
    P: { header: "PARTITION", value: (g) => g.partition + (g.isDefault ? "*" : "") },
    R: { header: "PARTITION", value: (g) => g.partition },
    a: { header: "AVAIL", value: () => "up" },
    l: { header: "TIMELIMIT", value: (g) => g.limit },
    D: { header: "NODES", value: (g) => String(g.nodes.length) },
    t: { header: "STATE", value: (g) => g.state },
    T: {
      header: "STATE",
      value: (g) => g.state === "alloc" ? "allocated" : g.state === "mix" ? "mixed" : g.state,
    },
    N: { header: "NODELIST", value: (g) => compressHosts(g.nodes) },
    c: { header: "CPUS", value: (g) => String(g.cpus) },
    m: { header: "MEMORY", value: (g) => String(g.memory) },
  };
  let stdout = "";
  const render = (value: (letter: string) => string) =>
    format.replace(
      /%(\.?)(\d*)([A-Za-z])/g,
      (_, dot: string, width: string, letter: string) =>
        column(value(letter), width === "" ? undefined : Number(width), dot === "."),
    );
  if (!has("noheader")) stdout += render((l) => letters[l]?.header ?? "") + "\n";
  for (const group of groups) stdout += render((l) => letters[l]?.value(group) ?? "") + "\n";
  return ok(stdout);
};

function hmsDays(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  const base = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return days > 0 ? `${days}-${base.padStart(8, "0")}` : base;
}
