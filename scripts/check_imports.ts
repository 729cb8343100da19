/**
 * Checks the import graph of the library: no file-level import cycle, and every import goes
 * down the folder layers (code, type and dynamic imports alike).
 *
 * Layers, lowest first; a folder may import its own files and those of the folders it lists:
 *
 * | folder            | may import                         | holds                                   |
 * | ----------------- | ---------------------------------- | --------------------------------------- |
 * | `src/core/`       | —                                  | the model: errors, status, contracts    |
 * | `backends/`       | core                               | the schedulers, pure                    |
 * | `src/transports/` | core                               | where commands run (local, SSH)         |
 * | `src/run/`        | core, backends, transports         | submission of a plan, runs, cache, poll |
 * | `src/job/`        | core, backends, run                | JobScript, its options, the plan        |
 * | `sim/`            | core                               | the simulator                           |
 * | `mod.ts`          | anything                           | the façade                              |
 * | `cli/`, `cli.ts`  | anything                           | the command line (nothing imports it)   |
 *
 * Data flows job → plan → submission → run: `src/job/` builds a plan (a plain value) from a
 * `JobScript`; `src/run/` submits it and returns the run. Besides, a module of `LAZY` is reached
 * from a library file only through a dynamic `import()` (the façade excepted): importing the
 * model or `JobScript` never loads the SSH transport.
 *
 * Usage: `deno run --allow-read --allow-run scripts/check_imports.ts` (exit 1 on a violation).
 *
 * @module
 */

/** One import: `from` imports `to`, both paths relative to the repository root. */
export interface ImportEdge {
  /** The importing file. */
  from: string;
  /** The imported file. */
  to: string;
  /** `"type"` when only types are imported (`import type`), else `"code"`. */
  kind: "code" | "type";
  /** Whether it is a dynamic `import()`. */
  dynamic: boolean;
}

/** A folder layer: its path prefix and the layers it may import. */
export interface Layer {
  /** The name used in messages and in `imports`. */
  name: string;
  /** Path prefix (a folder ending with `/`, or one file). */
  prefix: string;
  /** Names of the lower layers its files may import; `"*"` for anything. */
  imports: readonly string[];
  /** Only another top layer may import it, not even a layer that may import anything. */
  top?: boolean;
}

/** What the checker enforces. */
export interface ImportRules {
  /** The layers; a file belongs to the first whose prefix it starts with. */
  layers: readonly Layer[];
  /** Files that library code may reach only through a dynamic `import()`. */
  lazy: readonly string[];
}

/** The layers and lazy modules of this repository (see the module doc). */
export const RULES: ImportRules = {
  layers: [
    { name: "core", prefix: "src/core/", imports: [] },
    { name: "backends", prefix: "backends/", imports: ["core"] },
    { name: "transports", prefix: "src/transports/", imports: ["core"] },
    { name: "run", prefix: "src/run/", imports: ["core", "backends", "transports"] },
    { name: "job", prefix: "src/job/", imports: ["core", "backends", "run"] },
    { name: "sim", prefix: "sim/", imports: ["core"] },
    { name: "façade", prefix: "mod.ts", imports: ["*"] },
    { name: "cli", prefix: "cli/", imports: ["*"], top: true },
    { name: "cli entry", prefix: "cli.ts", imports: ["*"], top: true },
  ],
  lazy: ["src/transports/ssh_transport.ts"],
};

/** The folders whose every `.ts` file is checked, and the entry points. */
const SOURCES = ["src", "backends", "sim", "cli"];
const ENTRY_POINTS = ["mod.ts", "sim/mod.ts", "cli.ts"];

/**
 * Finds every rule broken by `edges`: each import cycle once (as a path that ends where it
 * starts), each import that goes up or across the layers, each static path from a library file
 * to a lazy module.
 *
 * @param files The files to check (others are ignored, as are edges to them).
 * @param edges Their imports.
 * @param rules Layers and lazy modules.
 * @returns One message per violation; empty when the graph is clean.
 */
export function checkImportGraph(
  files: readonly string[],
  edges: readonly ImportEdge[],
  rules: ImportRules = RULES,
): string[] {
  const known = new Set(files);
  const local = edges.filter((edge) => known.has(edge.from) && known.has(edge.to));
  return [
    ...findCycles(files, local).map(({ cycle, component }) =>
      `Import cycle: ${cycle.join(" → ")}` +
      (component.length > cycle.length - 1
        ? ` (one of the cycles among ${component.join(", ")})`
        : "")
    ),
    ...layerViolations(local, rules.layers),
    ...lazyViolations(files, local, rules),
  ];
}

/** The layer a file belongs to, if any. */
export function layerOf(file: string, layers: readonly Layer[]): Layer | undefined {
  return layers.find((layer) => file === layer.prefix || file.startsWith(layer.prefix));
}

function layerViolations(edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const messages: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from, layers);
    const to = layerOf(edge.to, layers);
    if (from === undefined || to === undefined || from === to) continue;
    if (to.top && !from.top) {
      messages.push(
        `Layer violation: ${edge.from} (${from.name}) imports ${edge.to} (${to.name})` +
          `${describe(edge)}; nothing may import ${to.name}`,
      );
      continue;
    }
    if (from.imports.includes("*") || from.imports.includes(to.name)) continue;
    const allowed = from.imports.length === 0 ? "nothing outside itself" : from.imports.join(", ");
    messages.push(
      `Layer violation: ${edge.from} (${from.name}) imports ${edge.to} (${to.name})` +
        `${describe(edge)}; ${from.name} may import ${allowed}`,
    );
  }
  return messages;
}

function lazyViolations(
  files: readonly string[],
  edges: readonly ImportEdge[],
  rules: ImportRules,
): string[] {
  const lazy = new Set(rules.lazy);
  const staticEdges = edges.filter((edge) => !edge.dynamic);
  const messages: string[] = [];
  for (const file of [...files].sort()) {
    const layer = layerOf(file, rules.layers);
    if (lazy.has(file) || layer === undefined || layer.imports.includes("*")) continue;
    const path = staticPath(file, lazy, staticEdges);
    if (path !== undefined) {
      messages.push(
        `Eager import of a lazy module: ${path.join(" → ")}; load it with a dynamic import()`,
      );
    }
  }
  return messages;
}

/** The shortest path of `edges` from `start` to one of `targets`, if there is one. */
export function staticPath(
  start: string,
  targets: ReadonlySet<string>,
  edges: readonly ImportEdge[],
): string[] | undefined {
  const next = adjacency(edges);
  const previous = new Map<string, string>([[start, start]]);
  const queue = [start];
  for (let index = 0; index < queue.length; index++) {
    const file = queue[index]!;
    if (file !== start && targets.has(file)) {
      const path = [file];
      for (let at = file; at !== start;) path.unshift(at = previous.get(at)!);
      return path;
    }
    for (const to of next.get(file) ?? []) {
      if (!previous.has(to)) {
        previous.set(to, file);
        queue.push(to);
      }
    }
  }
  return undefined;
}

/** Files that import one another in a circle. */
export interface ImportCycle {
  /** A shortest cycle through the component's first file: it ends where it starts. */
  cycle: string[];
  /** Every file of the strongly connected component, sorted. */
  component: string[];
}

/**
 * One cycle per strongly connected component that has one (Tarjan's algorithm).
 *
 * @param files The nodes.
 * @param edges The imports between them.
 * @returns The cycles, sorted by their first file.
 */
export function findCycles(files: readonly string[], edges: readonly ImportEdge[]): ImportCycle[] {
  const next = adjacency(edges);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: ImportCycle[] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.add(member);
    } while (member !== file);
    const sorted = [...component].sort();
    const first = sorted[0]!;
    if (component.size > 1 || next.get(first)?.includes(first)) {
      cycles.push({ cycle: cycleThrough(first, component, next), component: sorted });
    }
  };
  for (const file of [...files].sort()) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => (a.component[0]! < b.component[0]! ? -1 : 1));
}

/** A shortest cycle from `start` back to it inside `component`. */
function cycleThrough(
  start: string,
  component: ReadonlySet<string>,
  next: ReadonlyMap<string, string[]>,
): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let index = 0; index < queue.length; index++) {
    const file = queue[index]!;
    for (const to of next.get(file) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = file; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, file);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

function adjacency(edges: readonly ImportEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    const list = next.get(from) ?? [];
    if (!list.includes(to)) list.push(to);
    next.set(from, list);
  }
  for (const list of next.values()) list.sort();
  return next;
}

function describe(edge: ImportEdge): string {
  const kinds = [edge.kind === "type" ? "types only" : "", edge.dynamic ? "dynamic" : ""];
  const said = kinds.filter((kind) => kind !== "").join(", ");
  return said === "" ? "" : ` (${said})`;
}

/** The `.ts` files below `folder`, relative to `root`. */
async function sourceFiles(root: string, folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${root}/${folder}`)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(root, path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** One module of `deno info --json`. */
interface InfoModule {
  specifier: string;
  dependencies?: {
    code?: { specifier: string };
    type?: { specifier: string };
    isDynamic?: boolean;
  }[];
}

/**
 * Runs `deno info --json` on an entry that imports every file of `files`, and lists the imports
 * between files below `root`.
 *
 * @param root The repository's absolute path.
 * @param files Paths relative to `root`.
 * @returns The imports, with paths relative to `root`.
 */
export async function readImportGraph(
  root: string,
  files: readonly string[],
): Promise<ImportEdge[]> {
  const base = new URL(`file://${root}/`);
  const entry = "data:application/typescript," +
    encodeURIComponent(files.map((file) => `import "${new URL(file, base)}";`).join("\n"));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`Cannot read the import graph: ${new TextDecoder().decode(output.stderr)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
  const relative = (specifier: string): string | undefined =>
    specifier.startsWith(base.href)
      ? decodeURIComponent(specifier.slice(base.href.length))
      : undefined;
  const edges: ImportEdge[] = [];
  for (const module of info.modules) {
    const from = relative(module.specifier);
    if (from === undefined) continue;
    for (const dependency of module.dependencies ?? []) {
      const dynamic = dependency.isDynamic ?? false;
      const code = dependency.code && relative(dependency.code.specifier);
      const type = dependency.type && relative(dependency.type.specifier);
      if (code !== undefined) edges.push({ from, to: code, kind: "code", dynamic });
      if (type !== undefined && type !== code) {
        edges.push({ from, to: type, kind: "type", dynamic });
      }
    }
  }
  return edges;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const files = [
    ...ENTRY_POINTS,
    ...(await Promise.all(SOURCES.map((folder) => sourceFiles(root, folder)))).flat(),
  ].filter((file, index, all) => all.indexOf(file) === index).sort();
  const problems = checkImportGraph(files, await readImportGraph(root, files));
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    console.error(`check_imports: ${problems.length} problem(s) in ${files.length} files`);
    Deno.exit(1);
  }
  console.log(`check_imports: ${files.length} files, no cycle, every import goes down the layers`);
}
