import { CommandFailure } from "../../../sim/_common/command_result.ts";
// For tests of the PBS and LSF option parsers: what a parser threw.

/** The exit code and stderr of the `CommandFailure` that `parse` throws (fails if none). */
export function failureOf(parse: () => unknown): { code: number; stderr: string } {
  try {
    parse();
  } catch (error) {
    if (error instanceof CommandFailure) return { code: error.code, stderr: error.stderr };
    throw error;
  }
  throw new Error("Expected a CommandFailure, but the parser returned");
}
