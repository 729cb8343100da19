/**
 * What a subcommand is: its command line (a `CommandSpec`, from which `--help` is made) and
 * what it does with the parsed arguments, in a context; it resolves with its exit code.
 *
 * @module
 */

import type { CommandSpec, ParsedArgs } from "./args.ts";
import type { CliContext } from "./context.ts";
import type { ExitCodeValue } from "./exit_codes.ts";

/** A subcommand of `clusterjob`. */
export interface Command {
  /** Its command line. */
  readonly spec: CommandSpec;
  /**
   * Runs it.
   *
   * @param args The parsed arguments.
   * @param context Output, config, clusters.
   * @returns The exit code.
   */
  run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue>;
}
