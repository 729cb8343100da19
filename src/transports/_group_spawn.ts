/**
 * How a killable child becomes the leader of its own process group without Deno's `detached`.
 * `detached` makes the runtime fork() the whole Deno process to call setsid() in the child
 * (posix_spawn cannot), which costs with the size of the process: 15 ms a command measured here
 * for `true` against 3 ms plainly (`bench/spawn_bench.ts`). util-linux `setsid -w PROGRAM` does
 * the same for the price of one more exec: started plainly (posix_spawn), it calls setsid() and
 * execs the program in the same process, so the pid, exit status and process group are the
 * program's (`-w` only matters if it had to fork, which a freshly spawned child never does).
 *
 * The program is resolved on the PATH here first, so a missing program is still Deno's
 * `NotFound`; where setsid is not installed (macOS), or Deno may not read the PATH, stat the
 * program or run setsid, the caller falls back to `detached`. Internal module.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";

const granted = (descriptor: Deno.PermissionDescriptor): boolean =>
  Deno.permissions.querySync(descriptor).state === "granted";

/** An executable regular file at `path`; `undefined` if not, or if Deno may not look. */
function executable(path: string): boolean | undefined {
  if (!granted({ name: "read", path })) return undefined;
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Where `program` is: itself when it names a path (relative to `cwd`), else the first executable
 * of that name on `path`; `null` when it is nowhere; `undefined` when this cannot be known.
 */
function resolve(program: string, path: string | undefined, cwd: string | undefined) {
  if (program.includes("/")) {
    const full = isAbsolute(program) ? program : join(cwd ?? Deno.cwd(), program);
    const found = executable(full);
    return found === undefined ? undefined : found ? program : null;
  }
  if (path === undefined) return undefined;
  for (const folder of path.split(":")) {
    const candidate = join(folder === "" ? "." : folder, program);
    const found = executable(
      isAbsolute(candidate) ? candidate : join(cwd ?? Deno.cwd(), candidate),
    );
    if (found === undefined) return undefined;
    if (found) return candidate;
  }
  return null;
}

let setsid: string | null | undefined;

/** The setsid program Deno may run, found once; `null` where there is none. */
function setsidProgram(): string | null {
  if (setsid !== undefined) return setsid;
  setsid = null;
  for (const candidate of ["/usr/bin/setsid", "/bin/setsid"]) {
    if (executable(candidate) && granted({ name: "run", command: candidate })) {
      setsid = candidate;
      break;
    }
  }
  return setsid;
}

/**
 * The argv that runs `argv` as a process-group leader through setsid; `null` when the program
 * does not exist (the caller reports it as Deno would); `undefined` when setsid cannot be used
 * (the caller uses `detached`).
 */
export function groupLeaderArgv(
  argv: readonly string[],
  env: Record<string, string> | undefined,
  cwd: string | undefined,
): string[] | null | undefined {
  const program = setsidProgram();
  if (program === null) return undefined;
  const [name = "", ...args] = argv;
  // The program as Deno would run it, with permission to run it (a --allow-run list is kept).
  if (!granted({ name: "run", command: name })) return undefined;
  let path = env?.PATH;
  if (path === undefined) {
    if (!granted({ name: "env", variable: "PATH" })) return undefined;
    path = Deno.env.get("PATH");
  }
  const found = resolve(name, path, cwd);
  if (found === undefined) return undefined;
  if (found === null) return null;
  return [program, "-w", found, ...args];
}
