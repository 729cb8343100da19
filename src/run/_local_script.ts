/**
 * Runs a rendered prologue or epilogue on this machine: the one implementation used by submission
 * (prologue) and by runs (epilogue). The script is written to a private temporary file (0700) and
 * run by the program of its shebang line, as the kernel would run it (program, its one optional
 * argument, the file), so that Deno needs run permission only for that program
 * (`--allow-run=/bin/bash`), not for a temporary path no flag can name in advance.
 *
 * @module
 */

import { LocalScriptError } from "../core/errors.ts";
import { isMissingPermission, permissionError } from "../transports/_checks.ts";

/** What a local script printed. */
export interface LocalScriptResult {
  /** Standard output followed by standard error. */
  output: string;
}

/**
 * Whether a rendered script does anything: a script that is empty or holds only a shebang,
 * blank lines and comments is not worth starting a process for.
 */
export function isEmptyScript(text: string | undefined): boolean {
  if (text === undefined) return true;
  return text.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("#"));
}

/**
 * The program that runs a script and its arguments before the script's path, read from its
 * shebang line as the kernel reads it (`#!/usr/bin/env python3` → `["/usr/bin/env", "python3"]`:
 * the program, then the rest of the line as one argument); `undefined` for a script without one,
 * or whose program is not an absolute path (then the file itself is run, and the kernel decides).
 */
export function shebangCommand(text: string): string[] | undefined {
  const first = text.split("\n", 1)[0] ?? "";
  if (!first.startsWith("#!")) return undefined;
  const line = first.slice(2).trim();
  const space = line.search(/\s/);
  const program = space === -1 ? line : line.slice(0, space);
  if (!program.startsWith("/")) return undefined;
  const argument = space === -1 ? "" : line.slice(space).trim();
  return [program, ...(argument === "" ? [] : [argument])];
}

/** Where Deno makes temporary files (`$TMPDIR`, else `/tmp`), read only if Deno may. */
function temporaryFolder(): string {
  const descriptor = { name: "env", variable: "TMPDIR" } as const;
  if (Deno.permissions.querySync(descriptor).state !== "granted") return "/tmp";
  return Deno.env.get("TMPDIR") || "/tmp";
}

/**
 * Runs `text` as a script in the current directory and captures its output.
 * Throws {@linkcode LocalScriptError} on a non-zero exit or when it cannot be started, and
 * `MissingPermissionError` when Deno may not write its temporary file or run its program.
 * The temporary file is always removed.
 */
export async function runLocalScript(
  script: "prologue" | "epilogue",
  text: string,
  options: { signal?: AbortSignal } = {},
): Promise<LocalScriptResult> {
  let path: string;
  try {
    path = await Deno.makeTempFile({ prefix: `clusterjob-${script}-` });
  } catch (error) {
    if (!isMissingPermission(error)) throw error;
    const folder = temporaryFolder();
    throw permissionError(
      "local",
      error,
      { permission: "write", target: folder },
      `Cannot write the ${script} script to a temporary file in ${JSON.stringify(folder)}`,
    );
  }
  try {
    await Deno.writeTextFile(path, text);
    await Deno.chmod(path, 0o700);
    const [program, ...args] = shebangCommand(text) ?? [path];
    let result: Deno.CommandOutput;
    try {
      const command = new Deno.Command(program!, {
        args: [...args, ...(program === path ? [] : [path])],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        ...(options.signal ? { signal: options.signal } : {}),
      });
      result = await command.output();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (isMissingPermission(error)) {
        throw permissionError(
          "local",
          error,
          { permission: "run", target: program! },
          `Cannot run the ${script} script with ${JSON.stringify(program)}`,
        );
      }
      throw new LocalScriptError(script, -1, String(error), { cause: error });
    }
    const decoder = new TextDecoder();
    const output = decoder.decode(result.stdout) + decoder.decode(result.stderr);
    if (options.signal?.aborted) throw options.signal.reason;
    if (!result.success) throw new LocalScriptError(script, result.code, output);
    return { output };
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}

/**
 * Runs a rendered epilogue on this machine, unless it does nothing. Never rejects: resolves with
 * its failure's message, or `undefined` when it succeeded or did not run.
 */
export async function runEpilogue(text: string | undefined): Promise<string | undefined> {
  if (isEmptyScript(text)) return undefined;
  try {
    await runLocalScript("epilogue", text ?? "");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
