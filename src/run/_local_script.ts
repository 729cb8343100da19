/**
 * Runs a rendered prologue or epilogue on this machine: the one implementation used by submission
 * (prologue) and by runs (epilogue). The script is written to a private temporary file (0700) and
 * executed directly, so the kernel honours its shebang line, as in the original clusterjob.
 *
 * @module
 */

import { LocalScriptError } from "../core/errors.ts";

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
 * Runs `text` as an executable file in the current directory and captures its output.
 * Throws {@linkcode LocalScriptError} on a non-zero exit or when it cannot be started.
 * The temporary file is always removed.
 */
export async function runLocalScript(
  script: "prologue" | "epilogue",
  text: string,
  options: { signal?: AbortSignal } = {},
): Promise<LocalScriptResult> {
  const path = await Deno.makeTempFile({ prefix: `clusterjob-${script}-` });
  try {
    await Deno.writeTextFile(path, text);
    await Deno.chmod(path, 0o700);
    let result: Deno.CommandOutput;
    try {
      const command = new Deno.Command(path, {
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        ...(options.signal ? { signal: options.signal } : {}),
      });
      result = await command.output();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
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
