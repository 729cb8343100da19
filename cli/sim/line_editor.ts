/**
 * Line editing for the interactive `clusterjob sim` prompt: a pure state machine — keys in
 * (the text a terminal in raw mode sends), events and the line to draw out — so that it is
 * tested without a terminal; `sim` drives it from standard input.
 *
 * Keys: printable text (pasted text too), Backspace, Delete, ← → (and Ctrl-B, Ctrl-F), Home End
 * (and Ctrl-A, Ctrl-E), ↑ ↓ (and Ctrl-P, Ctrl-N) through the history, Ctrl-U / Ctrl-K (delete
 * to the start / the end), Ctrl-W (delete a word), Ctrl-L (redraw), Enter, Ctrl-C (drop the
 * line), Ctrl-D (end, on an empty line; else Delete). Each code point counts as one column.
 *
 * @module
 */

/** What a key did. */
export type EditorEvent =
  | { readonly kind: "submit"; readonly line: string }
  | { readonly kind: "cancel"; readonly line: string }
  | { readonly kind: "eof" }
  | { readonly kind: "redraw" };

/**
 * A line being typed, with a history.
 *
 * @example Usage
 * ```ts
 * import { LineEditor } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const editor = new LineEditor(["qstat -f 1"]);
 * assert.deepEqual(editor.feed("qsub jb.sh\x1b[D\x1b[D\x1b[D\x1b[Do"), []);
 * assert.equal(editor.line, "qsub job.sh");
 * assert.deepEqual(editor.feed("\r"), [{ kind: "submit", line: "qsub job.sh" }]);
 * editor.feed("\x1b[A\x1b[A"); // up, up: the history, newest first
 * assert.equal(editor.line, "qstat -f 1");
 * ```
 */
export class LineEditor {
  readonly #history: string[];
  #chars: string[] = [];
  #cursor = 0;
  /** Position in the history while browsing it (`history.length`: the line being typed). */
  #browsing: number;
  #draft: string[] = [];
  #pending = "";

  /**
   * Creates an empty line.
   *
   * @param history Earlier lines, oldest first.
   */
  constructor(history: readonly string[] = []) {
    this.#history = [...history];
    this.#browsing = this.#history.length;
  }

  /** The line as typed so far. */
  get line(): string {
    return this.#chars.join("");
  }

  /** The cursor's column in the line (0: before the first character). */
  get cursor(): number {
    return this.#cursor;
  }

  /** The history, oldest first. */
  get history(): readonly string[] {
    return this.#history;
  }

  /**
   * Adds a line to the history (not an empty one, nor a repeat of the last).
   *
   * @param line The line.
   */
  remember(line: string): void {
    if (line.trim() !== "" && this.#history.at(-1) !== line) this.#history.push(line);
    this.#browsing = this.#history.length;
  }

  /**
   * Feeds what the terminal sent. An escape sequence split between two calls is kept until the
   * rest arrives.
   *
   * @param input The text.
   * @returns What happened beyond editing: each submitted line, Ctrl-C, Ctrl-D, Ctrl-L.
   */
  feed(input: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    const text = this.#pending + input;
    this.#pending = "";
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === "\x1b") {
        // deno-lint-ignore no-control-regex
        const sequence = /^\x1b(?:\[[0-9;]*[\x40-\x7e]|O[\x40-\x7e])/.exec(text.slice(i))?.[0];
        if (sequence === undefined) {
          // An incomplete sequence at the end waits for the rest; a lone ESC is dropped.
          // deno-lint-ignore no-control-regex
          if (/^\x1b(?:\[[0-9;]*|O)?$/.test(text.slice(i))) this.#pending = text.slice(i);
          i = this.#pending === "" ? i + 1 : text.length;
          continue;
        }
        this.#escape(sequence);
        i += sequence.length;
        continue;
      }
      const code = text.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      i += char.length;
      switch (char) {
        case "\r":
        case "\n": {
          if (char === "\n" && text[i - 2] === "\r") break; // \r\n is one Enter
          const line = this.line;
          this.#reset();
          events.push({ kind: "submit", line });
          break;
        }
        case "\x03": { // Ctrl-C
          const line = this.line;
          this.#reset();
          events.push({ kind: "cancel", line });
          break;
        }
        case "\x04": // Ctrl-D
          if (this.#chars.length === 0) events.push({ kind: "eof" });
          else this.#chars.splice(this.#cursor, 1);
          break;
        case "\x7f": // Backspace
        case "\b":
          if (this.#cursor > 0) this.#chars.splice(--this.#cursor, 1);
          break;
        case "\x01": // Ctrl-A
          this.#cursor = 0;
          break;
        case "\x05": // Ctrl-E
          this.#cursor = this.#chars.length;
          break;
        case "\x02": // Ctrl-B
          this.#cursor = Math.max(0, this.#cursor - 1);
          break;
        case "\x06": // Ctrl-F
          this.#cursor = Math.min(this.#chars.length, this.#cursor + 1);
          break;
        case "\x10": // Ctrl-P
          this.#browse(-1);
          break;
        case "\x0e": // Ctrl-N
          this.#browse(1);
          break;
        case "\x15": // Ctrl-U
          this.#chars.splice(0, this.#cursor);
          this.#cursor = 0;
          break;
        case "\x0b": // Ctrl-K
          this.#chars.splice(this.#cursor);
          break;
        case "\x17": { // Ctrl-W: the word before the cursor, and the blanks after it
          let start = this.#cursor;
          while (start > 0 && this.#chars[start - 1] === " ") start--;
          while (start > 0 && this.#chars[start - 1] !== " ") start--;
          this.#chars.splice(start, this.#cursor - start);
          this.#cursor = start;
          break;
        }
        case "\x0c": // Ctrl-L
          events.push({ kind: "redraw" });
          break;
        case "\t":
          this.#insert(" ");
          break;
        default:
          if (code >= 0x20 && code !== 0x7f) this.#insert(char);
      }
    }
    return events;
  }

  /**
   * The text that draws the line after `prompt`: back to the start of the terminal's line, the
   * prompt and the line, the rest of the terminal's line erased, the cursor put in place.
   *
   * @param prompt The prompt.
   * @returns The text to write.
   */
  render(prompt: string): string {
    const back = this.#chars.length - this.#cursor;
    return `\r${prompt}${this.line}\x1b[K${back > 0 ? `\x1b[${back}D` : ""}`;
  }

  #insert(char: string): void {
    this.#chars.splice(this.#cursor++, 0, char);
  }

  #reset(): void {
    this.#chars = [];
    this.#cursor = 0;
    this.#browsing = this.#history.length;
  }

  #escape(sequence: string): void {
    const key = sequence.slice(-1);
    const code = sequence.slice(2, -1);
    if (key === "A") this.#browse(-1);
    else if (key === "B") this.#browse(1);
    else if (key === "C") this.#cursor = Math.min(this.#chars.length, this.#cursor + 1);
    else if (key === "D") this.#cursor = Math.max(0, this.#cursor - 1);
    else if (key === "H" || (key === "~" && (code === "1" || code === "7"))) this.#cursor = 0;
    else if (key === "F" || (key === "~" && (code === "4" || code === "8"))) {
      this.#cursor = this.#chars.length;
    } else if (key === "~" && code === "3") this.#chars.splice(this.#cursor, 1);
  }

  #browse(step: number): void {
    const next = this.#browsing + step;
    if (next < 0 || next > this.#history.length) return;
    if (this.#browsing === this.#history.length) this.#draft = this.#chars;
    this.#browsing = next;
    this.#chars = next === this.#history.length ? this.#draft : Array.from(this.#history[next]!);
    this.#cursor = this.#chars.length;
  }
}
