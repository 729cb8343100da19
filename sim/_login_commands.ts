/**
 * The few shell commands every simulated login node answers besides the scheduler's tools:
 * `hostname`, `whoami`, `true`, `false`, `echo`, `cat` and `grep` (fixed strings).
 *
 * @module
 */

import type { CommandOutput } from "../src/core/transport.ts";
import type { SimCommand } from "./emulator.ts";
import { grep } from "./_login_grep.ts";

/**
 * Commands every simulated login node has besides the scheduler's.
 *
 * @param loginHost What `hostname` prints.
 * @returns Command name → handler.
 */
export function loginCommands(loginHost: string): Record<string, SimCommand> {
  const ok = (stdout: string): CommandOutput => ({ code: 0, stdout, stderr: "" });
  return {
    hostname: () => ok(`${loginHost}\n`),
    whoami: (ctx) => ok(`${ctx.user}\n`),
    true: () => ok(""),
    false: () => ({ code: 1, stdout: "", stderr: "" }),
    echo: (ctx) => ok(`${ctx.args.join(" ")}\n`),
    cat: (ctx) => {
      let stdout = "";
      let stderr = "";
      for (const path of ctx.args) {
        const text = ctx.readFile(path);
        if (text === undefined) stderr += `cat: ${path}: No such file or directory\n`;
        else stdout += text;
      }
      return { code: stderr === "" ? 0 : 1, stdout, stderr };
    },
    grep,
  };
}
