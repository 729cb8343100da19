/**
 * The progress of waiting for runs: one line, `3/10 done: 2 completed, 1 failed`, written as a
 * line of its own at each change, or updated in place on a terminal.
 *
 * @module
 */

import { Status, type StatusCode } from "../src/core/status.ts";

/**
 * The progress line of a set of runs.
 *
 * @example Usage
 * ```ts
 * import { progressLine } from "@clusterjob/clusterjob/cli";
 * import { Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(progressLine([Status.PENDING, Status.RUNNING]), "0/2 done");
 * assert.equal(
 *   progressLine([Status.COMPLETED, Status.FAILED, Status.COMPLETED, Status.RUNNING]),
 *   "3/4 done: 2 completed, 1 failed",
 * );
 * ```
 *
 * @param statuses The runs' statuses.
 * @returns The line (no newline).
 */
export function progressLine(statuses: readonly StatusCode[]): string {
  const count = (status: StatusCode) => statuses.filter((s) => s === status).length;
  const parts = [
    [count(Status.COMPLETED), "completed"],
    [count(Status.FAILED), "failed"],
    [count(Status.CANCELLED), "cancelled"],
  ] as const;
  const done = parts.reduce((sum, [n]) => sum + n, 0);
  const said = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`);
  return `${done}/${statuses.length} done${said.length > 0 ? `: ${said.join(", ")}` : ""}`;
}

/**
 * Shows a progress line: on a terminal, one line rewritten in place (carriage return, erase
 * line); elsewhere, each new text as a line of its own (a repeated text is not written again).
 *
 * @example Usage
 * ```ts
 * import { ProgressDisplay } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * let written = "";
 * const display = new ProgressDisplay((text) => written += text, false);
 * display.show("0/1 done");
 * display.show("0/1 done");
 * display.show("1/1 done: 1 completed");
 * display.end();
 * assert.equal(written, "0/1 done\n1/1 done: 1 completed\n");
 * ```
 */
export class ProgressDisplay {
  readonly #write: (text: string) => void;
  readonly #terminal: boolean;
  #last: string | undefined;

  /**
   * Creates the display.
   *
   * @param write Writes text (standard error).
   * @param terminal Whether it writes to a terminal.
   */
  constructor(write: (text: string) => void, terminal: boolean) {
    this.#write = write;
    this.#terminal = terminal;
  }

  /**
   * Shows `line`.
   *
   * @param line The text (no newline).
   */
  show(line: string): void {
    if (line === this.#last) return;
    this.#last = line;
    this.#write(this.#terminal ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  /** Ends the display (on a terminal: the line is kept, the cursor goes to the next line). */
  end(): void {
    if (this.#terminal && this.#last !== undefined) this.#write("\n");
  }
}
