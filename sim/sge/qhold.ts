/**
 * `qhold` and `qrls`: put a user hold on waiting jobs and release it, answering
 * `modified hold of job 11` (046-qhold-PENDING, 048-qrls) or `denied: job "999999" does not
 * exist`, exit 3 (109-qhold-unknown-job). Options (`-h u`) are skipped; the jobs are read by the
 * pure {@linkcode parseHoldArgs}.
 *
 * @module
 */

import type { SimCommand } from "../emulator.ts";
import { listed } from "./_jobs.ts";
import { parseIdList } from "./_values.ts";

/**
 * The jobs a qhold or qrls command line names: every comma-separated word that is not an option.
 *
 * @param args The arguments after the command.
 * @returns The job ids as given.
 */
export function parseHoldArgs(args: readonly string[]): string[] {
  return args.flatMap(parseIdList).filter((a) => !a.startsWith("-"));
}

function holdCommand(release: boolean): SimCommand {
  return (ctx) => {
    const engine = ctx.engine;
    let stdout = "";
    let code = 0;
    for (const target of parseHoldArgs(ctx.args)) {
      const id = Number(target);
      if (!/^\d+$/.test(target) || !engine.find(id).some(listed)) {
        stdout += `denied: job "${target}" does not exist\n`;
        code = 3;
        continue;
      }
      if (release) engine.release(id);
      else engine.hold(id, "user");
      stdout += `modified hold of job ${id}\n`;
    }
    return { code, stdout, stderr: "" };
  };
}

/** The `qhold` command. */
export const qhold: SimCommand = holdCommand(false);

/** The `qrls` command. */
export const qrls: SimCommand = holdCommand(true);
