/**
 * The interactive prompt of `clusterjob sim` on a terminal: raw mode with the line editor
 * (history, cursor keys) while a line is typed, cbreak mode while the line runs, so that Ctrl-C
 * then interrupts that command only (a `clusterjob wait`, a `sleep` on a real clock), never the
 * session, and keys typed ahead wait for the next prompt.
 *
 * @module
 */

import { LineEditor } from "./line_editor.ts";
import type { SimSession } from "./session.ts";

/**
 * Runs a session at the terminal until `exit` or Ctrl-D.
 *
 * @param session The session.
 * @param write Writes to the terminal.
 * @returns The exit code (`exit N`'s, else 0).
 */
export async function runAtTerminal(
  session: SimSession,
  write: (text: string) => void,
): Promise<number> {
  const editor = new LineEditor();
  const raw = (mode: Mode) => {
    try {
      if (mode === "cbreak") Deno.stdin.setRaw(true, { cbreak: true });
      else Deno.stdin.setRaw(mode === "raw");
    } catch {
      // Not a terminal after all: the editor still works, without raw keys.
    }
  };
  const prompt = () => (session.writing ? "> " : session.prompt);
  const reader = Deno.stdin.readable.getReader();
  const decoder = new TextDecoder();
  raw("raw");
  try {
    write(editor.render(prompt()));
    while (true) {
      const { value, done } = await reader.read();
      if (done) {
        write("\r\n");
        return 0;
      }
      for (const event of editor.feed(decoder.decode(value, { stream: true }))) {
        if (event.kind === "eof") {
          write("\r\n");
          return 0;
        }
        if (event.kind === "cancel") {
          write(`\r${prompt()}${event.line}^C\x1b[K\r\n`);
          session.cancelWriting();
        } else if (event.kind === "redraw") {
          write("\x1b[H\x1b[2J");
        } else {
          // The line as submitted (keys and Enter may come in one read, before any drawing).
          const shown = `\r${prompt()}${event.line}\x1b[K\r\n`;
          if (!session.writing) editor.remember(event.line);
          const exit = await runLine(session, event.line, shown, write, raw);
          if (exit !== undefined) return exit;
        }
        write(editor.render(prompt()));
      }
      write(editor.render(prompt()));
    }
  } finally {
    raw("cooked");
    reader.releaseLock();
  }
}

/** The terminal's modes: keys one by one (raw), Ctrl-C a signal but no echo (cbreak), its own. */
type Mode = "raw" | "cbreak" | "cooked";

/**
 * Shows and runs one line with Ctrl-C aborting it (cbreak mode: a signal, and what is typed meanwhile is
 * not echoed: the editor shows it at the next prompt); the exit code of `exit`.
 */
async function runLine(
  session: SimSession,
  line: string,
  shown: string,
  write: (text: string) => void,
  raw: (mode: Mode) => void,
): Promise<number | undefined> {
  const controller = new AbortController();
  const interrupt = () => controller.abort(new DOMException("Interrupted", "AbortError"));
  raw("cbreak");
  Deno.addSignalListener("SIGINT", interrupt);
  // Shown once Ctrl-C is a signal: whoever sees the line run may interrupt it.
  write(shown);
  try {
    return (await session.line(line, { out: write, signal: controller.signal })).exit;
  } finally {
    Deno.removeSignalListener("SIGINT", interrupt);
    raw("raw");
  }
}
