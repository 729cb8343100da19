/**
 * PBS resource requests (`qsub -l`): the value syntaxes of the PBS Professional Reference Guide
 * ("Formats": duration `[[hours:]minutes:]seconds[.milliseconds]`, size `<integer>[b|kb|mb|gb|tb|pb]`
 * with an optional `w` for words, no suffix = bytes) and the job layout they describe, for both
 * Torque (`nodes=N:ppn=P`) and PBS Pro (`select=N:ncpus=C:mpiprocs=M:ompthreads=T:mem=..`).
 *
 * @module
 */

/** PBS duration to whole seconds (`01:30:00`, `90:00`, `5400`, `1:00:00:00` with days), or `undefined`. */
export function parsePbsDuration(text: string): number | undefined {
  const match = /^(\d+)(?::(\d+))?(?::(\d+))?(?::(\d+))?(?:\.\d+)?$/.exec(text.trim());
  if (!match) return undefined;
  const parts = match.slice(1).filter((part): part is string => part !== undefined).map(Number);
  const units = [86400, 3600, 60, 1].slice(4 - parts.length);
  return parts.reduce((sum, part, index) => sum + part * (units[index] as number), 0);
}

const SIZE_SHIFT: Record<string, number> = { "": 0, k: 10, m: 20, g: 30, t: 40, p: 50 };

/** PBS size to bytes (`4gb`, `512mb`, `100kw`, `1024`), or `undefined`. */
export function parsePbsSize(text: string): number | undefined {
  const match = /^(\d+)([kmgtp]?)(b|w)?$/i.exec(text.trim());
  if (!match) return undefined;
  const multiplier = 2 ** (SIZE_SHIFT[(match[2] ?? "").toLowerCase()] as number);
  const word = (match[3] ?? "b").toLowerCase() === "w" ? 8 : 1;
  return Number(match[1]) * multiplier * word;
}

/** Bytes to whole megabytes, rounded up. */
export function bytesToMB(bytes: number): number {
  return Math.ceil(bytes / 2 ** 20);
}

/** The layout a resource list describes, in the engine's terms. */
export interface PbsLayout {
  /** Nodes (chunks). */
  nodes: number;
  /** MPI processes per node. */
  tasksPerNode: number;
  /** Cores per process. */
  cpusPerTask: number;
  /** Memory per node in MB, when requested. */
  memoryMB?: number;
  /** GPUs per node. */
  gpus: number;
  /** Walltime in seconds, when requested. */
  walltimeSeconds?: number;
}

/** Why a resource list was refused. */
export class PbsResourceError extends Error {
  /** Creates the error; `message` names the bad resource. */
  constructor(message: string) {
    super(message);
    this.name = "PbsResourceError";
  }
}

/**
 * Parses the `-l` lists (`-l walltime=1:00:00,nodes=2:ppn=4 -l mem=4gb`) into an ordered map;
 * later values win, as in qsub. Throws {@linkcode PbsResourceError} on syntax errors.
 */
export function parseResourceLists(lists: readonly string[]): Map<string, string> {
  const resources = new Map<string, string>();
  for (const list of lists) {
    for (const item of list.split(",")) {
      const at = item.indexOf("=");
      const name = (at === -1 ? item : item.slice(0, at)).trim();
      const value = at === -1 ? "" : item.slice(at + 1).trim();
      if (!/^[A-Za-z][\w-]*$/.test(name) || value === "") throw new PbsResourceError(item);
      resources.delete(name);
      resources.set(name, value);
    }
  }
  return resources;
}

function positive(text: string | undefined, what: string): number {
  if (text === undefined) return 1;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new PbsResourceError(what);
  return Number(text);
}

function chunkFields(chunk: string): { count: number; fields: Map<string, string> } {
  const parts = chunk.split(":");
  let count = 1;
  if (parts[0] !== undefined && /^\d+$/.test(parts[0])) {
    count = positive(parts.shift(), chunk);
  }
  const fields = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf("=");
    if (at === -1) fields.set(part, "");
    else fields.set(part.slice(0, at), part.slice(at + 1));
  }
  return { count, fields };
}

function sizeMB(text: string, what: string): number {
  const bytes = parsePbsSize(text);
  if (bytes === undefined) throw new PbsResourceError(what);
  return bytesToMB(bytes);
}

/** `select=N:ncpus=C:mpiprocs=M:mem=..:ngpus=G[+...]` into `layout`; returns the chunk memory. */
function applySelect(select: string, layout: PbsLayout): number | undefined {
  const what = `select=${select}`;
  const chunks = select.split("+").map(chunkFields);
  const first = chunks[0]!.fields;
  layout.nodes = chunks.reduce((sum, chunk) => sum + chunk.count, 0);
  const ncpus = positive(first.get("ncpus"), what);
  const mpiprocs = first.has("mpiprocs") ? positive(first.get("mpiprocs"), what) : 1;
  layout.tasksPerNode = mpiprocs;
  layout.cpusPerTask = Math.max(1, Math.ceil(ncpus / mpiprocs));
  const mem = first.get("mem");
  const chunkMemory = mem === undefined ? undefined : sizeMB(mem, what);
  const gpus = first.get("ngpus") ?? first.get("gpus");
  if (gpus !== undefined) layout.gpus = positive(gpus, what);
  return chunkMemory;
}

/** Torque's `nodes=N:ppn=P:gpus=G[+...]` into `layout` (node names and properties ignored). */
function applyNodes(nodes: string, layout: PbsLayout): void {
  const what = `nodes=${nodes}`;
  const chunks = nodes.split("+").map(chunkFields);
  const first = chunks[0]!.fields;
  layout.nodes = chunks.reduce((sum, chunk) => sum + chunk.count, 0);
  layout.tasksPerNode = first.has("ppn") ? positive(first.get("ppn"), what) : 1;
  const gpus = first.get("gpus");
  if (gpus !== undefined) layout.gpus = positive(gpus, what);
}

/**
 * The layout of a parsed resource map. `select` (PBS Pro) and `nodes` (Torque; node names or
 * properties after the count are accepted and ignored) describe chunks; `+`-joined chunks are
 * summed with the first chunk's shape. `ncpus`, `mem` and `ngpus`/`gpus` at job level apply
 * when no chunk gives them (`mem` is divided over the nodes).
 */
export function layoutOf(resources: ReadonlyMap<string, string>): PbsLayout {
  const layout: PbsLayout = { nodes: 1, tasksPerNode: 1, cpusPerTask: 1, gpus: 0 };
  const walltime = resources.get("walltime");
  if (walltime !== undefined) {
    const seconds = parsePbsDuration(walltime);
    if (seconds === undefined) throw new PbsResourceError(`walltime=${walltime}`);
    layout.walltimeSeconds = seconds;
  }
  const select = resources.get("select");
  const nodes = resources.get("nodes");
  const ncpus = resources.get("ncpus");
  let chunkMemory: number | undefined;
  if (select !== undefined) chunkMemory = applySelect(select, layout);
  else if (nodes !== undefined) applyNodes(nodes, layout);
  else if (ncpus !== undefined) layout.cpusPerTask = positive(ncpus, `ncpus=${ncpus}`);
  const mem = resources.get("mem");
  if (chunkMemory !== undefined) layout.memoryMB = chunkMemory;
  else if (mem !== undefined) layout.memoryMB = Math.ceil(sizeMB(mem, `mem=${mem}`) / layout.nodes);
  const jobGpus = resources.get("ngpus") ?? resources.get("gpus");
  if (jobGpus !== undefined && layout.gpus === 0) {
    layout.gpus = positive(jobGpus, `ngpus=${jobGpus}`);
  }
  return layout;
}
