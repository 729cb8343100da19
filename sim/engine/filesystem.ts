/**
 * The simulator's file system: a private directory (0700) on this machine that holds the
 * simulated cluster's absolute paths (`/home/user/...` lives at `<root>/home/user/...`), so job
 * scripts run by bash in `shell` mode read and write real files without ever touching the
 * user's working directory.
 *
 * @module
 */

import { dirname, isAbsolute, normalize, relative } from "node:path/posix";

/**
 * Options of {@linkcode SimFileSystem}.
 *
 * @example Usage
 * ```ts
 * import { SimFileSystem, type SimFileSystemOptions } from "@clusterjob/clusterjob/sim";
 * import { basename } from "node:path";
 * import assert from "node:assert/strict";
 * const options: SimFileSystemOptions = { prefix: "my-test-" };
 * await using fs = new SimFileSystem(options);
 * assert.ok(basename(fs.root).startsWith("my-test-"));
 * ```
 */
export interface SimFileSystemOptions {
  /** Prefix of the temporary directory's name (default `clusterjob-sim-`). */
  prefix?: string;
}

/**
 * A private directory standing in for the simulated cluster's file system. Created lazily on
 * first use (a pure `model` run that never touches a file needs no disk), removed by
 * {@linkcode SimFileSystem.close}.
 *
 * @example Usage
 * ```ts
 * import { SimFileSystem } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using fs = new SimFileSystem();
 * fs.writeText("/home/user/hello.txt", "hi\n");
 * assert.equal(fs.readText("/home/user/hello.txt"), "hi\n");
 * assert.ok(fs.hostPath("/home/user").startsWith(fs.root));
 * ```
 */
export class SimFileSystem {
  #root: string | undefined;
  readonly #prefix: string;
  #closed = false;

  /**
   * Creates the file system (the directory itself is made on first use).
   *
   * @param options Name prefix of the directory.
   */
  constructor(options: SimFileSystemOptions = {}) {
    this.#prefix = options.prefix ?? "clusterjob-sim-";
  }

  /** The real directory that holds the simulated paths (created on first access, mode 0700). */
  get root(): string {
    if (this.#closed) throw new Error("The simulator's file system is closed");
    if (this.#root === undefined) {
      this.#root = Deno.makeTempDirSync({ prefix: this.#prefix });
      Deno.chmodSync(this.#root, 0o700);
    }
    return this.#root;
  }

  /**
   * Normalises a simulated path: absolute, no `.` or `..` components.
   *
   * @param path An absolute simulated path.
   * @returns The normalised path.
   * @throws {Error} When the path is not absolute.
   */
  normalize(path: string): string {
    if (!isAbsolute(path)) throw new Error(`Cannot map path "${path}": expected an absolute path`);
    const normal = normalize(path);
    return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
  }

  /**
   * The real path on this machine of a simulated absolute path.
   *
   * @param path An absolute simulated path.
   * @returns The path under {@linkcode SimFileSystem.root}.
   */
  hostPath(path: string): string {
    const normal = this.normalize(path);
    return normal === "/" ? this.root : this.root + normal;
  }

  /**
   * The simulated path of a real path under the root, or `undefined` when it lies outside.
   *
   * @param hostPath A real path.
   * @returns The simulated absolute path.
   */
  virtualPath(hostPath: string): string | undefined {
    const rel = relative(this.root, normalize(hostPath));
    if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
    return rel === "" ? "/" : "/" + rel;
  }

  /**
   * Reads a text file; `undefined` when it does not exist or is a directory.
   *
   * @param path An absolute simulated path.
   * @returns The text, or `undefined`.
   */
  readText(path: string): string | undefined {
    try {
      return Deno.readTextFileSync(this.hostPath(path));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        return undefined;
      }
      if (error instanceof Error && /EISDIR|is a directory/i.test(error.message)) return undefined;
      throw error;
    }
  }

  /**
   * Writes a text file atomically (temporary file, then rename), creating parent directories.
   *
   * @param path An absolute simulated path.
   * @param text The content.
   * @param mode File mode (default 0o644).
   */
  writeText(path: string, text: string, mode = 0o644): void {
    const target = this.hostPath(path);
    Deno.mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${crypto.randomUUID()}`;
    try {
      Deno.writeTextFileSync(temp, text, { mode });
      Deno.chmodSync(temp, mode);
      Deno.renameSync(temp, target);
    } catch (error) {
      try {
        Deno.removeSync(temp);
      } catch { /* never written */ }
      throw error;
    }
  }

  /**
   * Creates a directory and its parents.
   *
   * @param path An absolute simulated path.
   * @param mode Directory mode (default 0o755).
   */
  mkdir(path: string, mode = 0o755): void {
    Deno.mkdirSync(this.hostPath(path), { recursive: true, mode });
  }

  /**
   * Removes a file or an empty directory; a missing path is not an error.
   *
   * @param path An absolute simulated path.
   */
  remove(path: string): void {
    try {
      Deno.removeSync(this.hostPath(path));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }

  /**
   * Whether a path exists.
   *
   * @param path An absolute simulated path.
   * @returns `"file"`, `"directory"` or `undefined` when missing.
   */
  stat(path: string): "file" | "directory" | undefined {
    try {
      return Deno.statSync(this.hostPath(path)).isDirectory ? "directory" : "file";
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
        return undefined;
      }
      throw error;
    }
  }

  /** Removes the directory and everything in it. Further use throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#root !== undefined) await Deno.remove(this.#root, { recursive: true });
  }

  /** Same as {@linkcode SimFileSystem.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
