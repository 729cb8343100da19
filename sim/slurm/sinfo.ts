/**
 * `sinfo`: partitions and their nodes grouped by state (`idle`, `mix`, `alloc`), in the default
 * or an `-o` layout (`src/sinfo/opts.c`; recordings 002, 003).
 *
 * @module
 */

import { answerFailures, ok } from "../_common/command_result.ts";
import { column } from "../_common/format.ts";
import type { SimCommand, SimEngineApi } from "../emulator.ts";
import { compressHosts } from "./_hostlist.ts";
import { nodeUsage, partitionNodes, VERSION } from "./_jobs.ts";
import { optionTable, parseCommandLine } from "./_parse.ts";

/** The options sinfo accepts (`src/sinfo/opts.c`), read once by `optionTable` (`_parse.ts`). */
const SINFO_OPTIONS = optionTable(`
  noheader|h format|o: partition|p: Node|N version|V long|l
`);

/** The default layout in `-o` letters (`src/sinfo/opts.c` gives it as `-O` names). */
const DEFAULT_FORMAT = "%9P %.5a %.10l %.6D %.6t %N";

/** A line of sinfo: the nodes of a partition in one state. */
interface NodeGroup {
  partition: string;
  isDefault: boolean;
  /** The partition's time limit as sinfo prints it. */
  limit: string;
  /** `idle`, `mix` or `alloc`. */
  state: string;
  nodes: string[];
  /** Cores and memory of the group's first node. */
  cpus: number;
  memory: number;
}

/** The `-o` letters: header and value (headers as recording 002 shows them). */
const SINFO_FIELDS: Record<string, { header: string; value: (g: NodeGroup) => string }> = {
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

/** `sinfo [-h] [-o FORMAT] [-p PARTITION]`. */
export const sinfo: SimCommand = (ctx) =>
  answerFailures(() => {
    const line = parseCommandLine("sinfo", ctx.args, SINFO_OPTIONS);
    if (line.has("version")) return ok(`${VERSION}\n`);
    const format = line.value("format") ?? DEFAULT_FORMAT;
    const render = (value: (letter: string) => string) =>
      format.replace(
        /%(\.?)(\d*)([A-Za-z])/g,
        (_, dot: string, width: string, letter: string) =>
          column(value(letter), width === "" ? undefined : Number(width), dot === "."),
      );
    let stdout = "";
    if (!line.has("noheader")) stdout += render((l) => SINFO_FIELDS[l]?.header ?? "") + "\n";
    for (const group of nodeGroups(ctx.engine, line.value("partition"))) {
      stdout += render((l) => SINFO_FIELDS[l]?.value(group) ?? "") + "\n";
    }
    return ok(stdout);
  });

/** The nodes of each partition (or of the one named) grouped by state, in order of appearance. */
function nodeGroups(engine: SimEngineApi, partition: string | undefined): NodeGroup[] {
  const groups: NodeGroup[] = [];
  for (const queue of engine.queues) {
    if (partition !== undefined && partition !== queue.name) continue;
    for (const name of partitionNodes(engine, queue)) {
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
  return groups;
}

/** A time limit as sinfo prints it: `1:00:00`, `2-00:00:00`. */
function hmsDays(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  const base = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return days > 0 ? `${days}-${base.padStart(8, "0")}` : base;
}
