/**
 * One poll per machine: the processes of one user that track jobs on the same target
 * (`Transport.target` + backend) share one status query per interval, through a small snapshot
 * in the user's private cache folder (`$XDG_CACHE_HOME/clusterjob/polls` or
 * `~/.cache/clusterjob/polls`, 0700; files 0600, written to a temporary name and renamed).
 *
 * Per round, a process (1) records the ids it wants in its own `want` file; (2) takes the
 * snapshot if it is fresh (newer than what the process knows, and taken within half the round's
 * interval) and covers those ids; (3) else
 * locks the target's lock file (`Deno.FsFile.lock`, released by the system when a process dies,
 * so a crashed poller is replaced by the next one), looks at the snapshot again (another process
 * may just have polled), and otherwise asks the scheduler about its ids and every other process's
 * current wants, and publishes the answer. A poller stuck longer than `stuckMs` is given up on:
 * the process asks on its own. A snapshot that cannot be read, names another target, or is stamped
 * in the future is ignored. Each answer carries the time its query began, so a run never takes a
 * status older than the one it has (see `Tracking.infoAt`).
 *
 * Only transports that name a target shared across processes take part; anything that fails here
 * (no permission to the folder, a folder others can read) makes the round ask on its own.
 *
 * @module
 */

import { join } from "node:path";
import type { JobInfo } from "../core/job_info.ts";

/** What one query said: infos, and the ids neither queue nor accounting knew. */
export interface SharedAnswer {
  /** When the query began (wall clock, ms). */
  at: number;
  /** What the scheduler said about each id it knew. */
  infos: Map<string, JobInfo>;
  /** Ids asked about that neither the queue nor accounting knew. */
  unknown: Set<string>;
  /** The commands consulted, for the vanished-job reason. */
  consulted: string[];
}

interface SnapshotFile {
  key: string;
  at: number;
  infos: Record<string, JobInfo>;
  unknown: string[];
  consulted: string[];
}

interface WantFile {
  ids: readonly string[];
  until: number;
}

/** The private folder of the snapshots, created 0700; `undefined` when there is none to use. */
function pollsFolder(): string | undefined {
  try {
    // Only with the permissions already given: a poll never prompts.
    const granted = (descriptor: Deno.PermissionDescriptor) =>
      Deno.permissions.querySync(descriptor).state === "granted";
    const env = (variable: string) =>
      granted({ name: "env", variable }) ? Deno.env.get(variable) : undefined;
    const home = env("HOME");
    const base = env("XDG_CACHE_HOME") || (home ? join(home, ".cache") : undefined);
    if (!base) return undefined;
    const folder = join(base, "clusterjob", "polls");
    if (!granted({ name: "read", path: folder }) || !granted({ name: "write", path: folder })) {
      return undefined;
    }
    Deno.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const info = Deno.statSync(folder);
    // Shared only through a folder nobody else can read or write.
    if (!info.isDirectory || (info.mode ?? 0) & 0o077) return undefined;
    if (info.uid !== null && typeof Deno.uid === "function" && info.uid !== Deno.uid()) {
      return undefined;
    }
    return folder;
  } catch {
    return undefined;
  }
}

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return Array.from(bytes.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes `text` to a temporary name (0600) and renames it over `path`. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temporary, text, { mode: 0o600 });
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

function isInfo(value: unknown): value is JobInfo {
  if (typeof value !== "object" || value === null) return false;
  const info = value as Record<string, unknown>;
  return Number.isInteger(info.status) && typeof info.state === "string" &&
    (info.exitCode === undefined || Number.isInteger(info.exitCode)) &&
    (info.reason === undefined || typeof info.reason === "string");
}

/**
 * Where the snapshot of `key` lives in `folder` (`<digest>.json`; the lock is `<digest>.lock`,
 * each process's wants `<digest>.want.<uuid>`).
 */
export async function snapshotPath(folder: string, key: string): Promise<string> {
  return `${join(folder, await digest(key))}.json`;
}

/** The shared poll of one target, as one poller of this process takes part in it. */
export class SharedPoll {
  readonly #key: string;
  readonly #folder: string;
  readonly #me = crypto.randomUUID();
  #base: string | undefined;

  private constructor(key: string, folder: string) {
    this.#key = key;
    this.#folder = folder;
  }

  /** The shared poll of `key`, or `undefined` when this process cannot take part. */
  static open(key: string, folder: string | undefined = pollsFolder()): SharedPoll | undefined {
    return folder === undefined ? undefined : new SharedPoll(key, folder);
  }

  async #paths(): Promise<string> {
    return this.#base ??= (await snapshotPath(this.#folder, this.#key)).slice(0, -".json".length);
  }

  /**
   * An answer about `ids` (all of them) taken after `newerThan` and no older than `freshMs`
   * (both wall clock, ms), from the snapshot or from
   * `query` (run under the lock, with every process's wants), or `undefined` when sharing failed
   * and the caller should ask on its own.
   */
  async answer(
    ids: readonly string[],
    newerThan: number,
    freshMs: number,
    wantMs: number,
    stuckMs: number,
    query: (ids: string[]) => Promise<SharedAnswer>,
  ): Promise<SharedAnswer | undefined> {
    let base: string;
    try {
      base = await this.#paths();
      await writeAtomic(
        `${base}.want.${this.#me}`,
        JSON.stringify({ ids, until: Date.now() + wantMs } satisfies WantFile),
      );
      const fresh = await this.#snapshot(base, ids, newerThan, freshMs);
      if (fresh) return fresh;
    } catch {
      return undefined;
    }
    const lock = await this.#lock(`${base}.lock`, stuckMs);
    if (lock === undefined) return undefined;
    try {
      const again = await this.#snapshot(base, ids, newerThan, freshMs);
      if (again) return again;
      const union = new Set(ids);
      for (const other of await this.#wants(base)) union.add(other);
      const answer = await query([...union]);
      const file: SnapshotFile = {
        key: this.#key,
        at: answer.at,
        infos: Object.fromEntries(answer.infos),
        unknown: [...answer.unknown],
        consulted: answer.consulted,
      };
      await writeAtomic(`${base}.json`, JSON.stringify(file)).catch(() => {});
      return answer;
    } finally {
      lock.unlock().catch(() => {}).finally(() => lock.close());
    }
  }

  /** Stops taking part: removes this poller's wants. */
  async leave(): Promise<void> {
    if (this.#base === undefined) return;
    await Deno.remove(`${this.#base}.want.${this.#me}`).catch(() => {});
  }

  /** The snapshot if it is readable, of this target, fresh, and covers `ids`. */
  async #snapshot(
    base: string,
    ids: readonly string[],
    newerThan: number,
    freshMs: number,
  ): Promise<SharedAnswer | undefined> {
    let file: SnapshotFile;
    try {
      file = JSON.parse(await Deno.readTextFile(`${base}.json`));
    } catch {
      return undefined; // missing or corrupt: ignored
    }
    const now = Date.now();
    if (
      typeof file !== "object" || file === null || file.key !== this.#key ||
      typeof file.at !== "number" || file.at <= newerThan || file.at < now - freshMs ||
      file.at > now + 1000 ||
      typeof file.infos !== "object" || file.infos === null || !Array.isArray(file.unknown)
    ) return undefined;
    const unknown = new Set(file.unknown.filter((id) => typeof id === "string"));
    const infos = new Map<string, JobInfo>();
    for (const id of ids) {
      const info = Object.hasOwn(file.infos, id) ? file.infos[id] : undefined;
      if (isInfo(info)) infos.set(id, info);
      else if (!unknown.has(id)) return undefined; // not covered: ask
    }
    const consulted = Array.isArray(file.consulted)
      ? file.consulted.filter((c) => typeof c === "string")
      : [];
    return { at: file.at, infos, unknown, consulted };
  }

  /** The ids other processes want now (their want files that have not expired). */
  async #wants(base: string): Promise<string[]> {
    const prefix = `${base.slice(this.#folder.length + 1)}.want.`;
    const ids: string[] = [];
    const now = Date.now();
    for await (const entry of Deno.readDir(this.#folder)) {
      if (!entry.name.startsWith(prefix) || entry.name.endsWith(".tmp")) continue;
      const path = join(this.#folder, entry.name);
      try {
        const want: WantFile = JSON.parse(await Deno.readTextFile(path));
        if (!(want.until >= now)) {
          await Deno.remove(path).catch(() => {});
          continue;
        }
        for (const id of want.ids) if (typeof id === "string") ids.push(id);
      } catch {
        // being written, or corrupt: skipped
      }
    }
    return ids;
  }

  /** The lock file, locked; `undefined` when the holder keeps it longer than `stuckMs`. */
  async #lock(path: string, stuckMs: number): Promise<Deno.FsFile | undefined> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
    } catch {
      return undefined;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const locking = file.lock(true).then(() => true, () => false);
    const stuck = new Promise<false>((resolve) =>
      timer = setTimeout(() => resolve(false), stuckMs)
    );
    const locked = await Promise.race([locking, stuck]);
    clearTimeout(timer);
    if (locked) return file;
    // Given up: release the lock as soon as it comes, without waiting for it.
    locking.then((got) => (got ? file.unlock() : undefined)).catch(() => {}).finally(() =>
      file.close()
    );
    return undefined;
  }
}
