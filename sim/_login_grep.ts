/**
 * `grep` on a simulated login node, for the fixed-string searches clusterjob runs (its marker
 * files: `grep -a -s -H -Z -m 2 -F -e '' -- FILE...`). Follows GNU grep 3.8 (`grep --help`, and
 * the manual's "Exit Status"): each selected line is printed as `FILE:line`, or `FILE\0line`
 * with `-Z`, when `-H` is given or there are several files; a file without a final newline
 * gets one; `-m N` stops after N selected lines of each file; `-s` drops the messages about
 * missing files; exit 0 when a line was selected, 1 when none, 2 when an error occurred (even
 * with lines selected). Regular expressions are not simulated: a pattern needs `-F`.
 *
 * @module
 */

import type { CommandOutput } from "../src/core/transport.ts";
import type { SimCommandContext } from "./emulator.ts";

const USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\n" +
  "Try 'grep --help' for more information.\n";

/**
 * Runs `grep` over the simulator's files.
 *
 * @param ctx The command's arguments and file access.
 * @returns What GNU grep prints and its exit status.
 */
export function grep(ctx: Pick<SimCommandContext, "args" | "readFile">): CommandOutput {
  const flags = new Set<string>();
  const patterns: string[] = [];
  let max = Infinity;
  const args = [...ctx.args];
  const files: string[] = [];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "--") {
      files.push(...args.splice(0));
    } else if (arg === "-e" || arg === "-m") {
      const value = args.shift();
      if (value === undefined) {
        return {
          code: 2,
          stdout: "",
          stderr: `grep: option requires an argument -- '${arg[1]}'\n${USAGE}`,
        };
      }
      if (arg === "-e") patterns.push(value);
      else max = Number(value);
    } else if (/^-[asHZF]+$/.test(arg)) {
      for (const flag of arg.slice(1)) flags.add(flag);
    } else if (arg.startsWith("-") && arg !== "-") {
      return { code: 2, stdout: "", stderr: `grep: invalid option -- '${arg[1]}'\n${USAGE}` };
    } else {
      files.push(arg);
    }
  }
  if (patterns.length === 0) patterns.push(files.shift() ?? "");
  if (!flags.has("F")) {
    return {
      code: 2,
      stdout: "",
      stderr: "grep: the simulator supports fixed strings only (-F)\n",
    };
  }
  const named = flags.has("H") || files.length > 1;
  const separator = flags.has("Z") ? "\0" : ":";
  let stdout = "";
  let stderr = "";
  let selected = false;
  let failed = false;
  for (const file of files) {
    const text = ctx.readFile(file);
    if (text === undefined) {
      failed = true;
      if (!flags.has("s")) stderr += `grep: ${file}: No such file or directory\n`;
      continue;
    }
    const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
    let count = 0;
    for (const line of lines) {
      if (count >= max) break;
      if (!patterns.some((pattern) => line.includes(pattern))) continue;
      count++;
      selected = true;
      stdout += named ? `${file}${separator}${line}\n` : `${line}\n`;
    }
  }
  return { code: failed ? 2 : selected ? 0 : 1, stdout, stderr };
}
