// The line editor of the interactive sim prompt (cli/sim/line_editor.ts): keys in, events and
// the drawn line out, no terminal.

import assert from "node:assert/strict";
import { LineEditor } from "../../cli.ts";

const LEFT = "\x1b[D";
const RIGHT = "\x1b[C";
const UP = "\x1b[A";
const DOWN = "\x1b[B";

Deno.test("LineEditor inserts at the cursor, moves it, deletes before and under it", () => {
  const editor = new LineEditor();
  editor.feed("qstat -f");
  editor.feed(LEFT + LEFT + LEFT + "x");
  assert.deepEqual([editor.line, editor.cursor], ["qstatx -f", 6]);
  editor.feed("\x7f\x7f"); // Backspace twice
  assert.deepEqual([editor.line, editor.cursor], ["qsta -f", 4]);
  editor.feed("\x1b[3~"); // Delete
  assert.equal(editor.line, "qsta-f");
  editor.feed("\x01t\x05"); // Ctrl-A, "t", Ctrl-E
  assert.deepEqual([editor.line, editor.cursor], ["tqsta-f", 7]);
  editor.feed("\x1b[H" + RIGHT + "\x0b"); // Home, right, Ctrl-K
  assert.equal(editor.line, "t");
  editor.feed("\x1b[F é ü"); // End, then non-ASCII text
  assert.deepEqual([editor.line, editor.cursor], ["t é ü", 5]);
});

Deno.test("LineEditor deletes words and lines with Ctrl-W and Ctrl-U", () => {
  const editor = new LineEditor();
  editor.feed("cat hello.o1  ");
  editor.feed("\x17");
  assert.equal(editor.line, "cat ");
  editor.feed("job.o1" + LEFT + LEFT + "\x15");
  assert.deepEqual([editor.line, editor.cursor], ["o1", 0]);
});

Deno.test("LineEditor submits on Enter (\\r, \\n or \\r\\n), also several lines in one read", () => {
  const editor = new LineEditor();
  assert.deepEqual(editor.feed("qsub job.sh\rqstat\r\nsleep 60\n"), [
    { kind: "submit", line: "qsub job.sh" },
    { kind: "submit", line: "qstat" },
    { kind: "submit", line: "sleep 60" },
  ]);
  assert.equal(editor.line, "");
});

Deno.test("LineEditor browses its history with ↑ and ↓, keeping the line being typed", () => {
  const editor = new LineEditor(["one"]);
  editor.remember("two");
  editor.remember("two"); // a repeat is not kept
  editor.remember(" "); // nor a blank line
  assert.deepEqual(editor.history, ["one", "two"]);
  editor.feed("thr");
  editor.feed(UP);
  assert.equal(editor.line, "two");
  editor.feed(UP + UP); // stops at the oldest
  assert.equal(editor.line, "one");
  editor.feed(DOWN + DOWN);
  assert.deepEqual([editor.line, editor.cursor], ["thr", 3]);
  editor.feed("\x10"); // Ctrl-P
  assert.equal(editor.line, "two");
});

Deno.test("LineEditor: Ctrl-C drops the line, Ctrl-D ends on an empty line, Ctrl-L redraws", () => {
  const editor = new LineEditor();
  assert.deepEqual(editor.feed("abc\x03"), [{ kind: "cancel", line: "abc" }]);
  assert.equal(editor.line, "");
  editor.feed("ab" + LEFT + "\x04"); // Ctrl-D on a line: delete under the cursor
  assert.equal(editor.line, "a");
  assert.deepEqual(editor.feed("\x0c"), [{ kind: "redraw" }]);
  editor.feed("\x15");
  assert.deepEqual(editor.feed("\x04"), [{ kind: "eof" }]);
});

Deno.test("LineEditor keeps an escape sequence split between reads, drops a lone ESC and unknown keys", () => {
  const editor = new LineEditor();
  editor.feed("ab\x1b");
  editor.feed("[");
  editor.feed("D");
  editor.feed("X");
  assert.equal(editor.line, "aXb");
  editor.feed("\x1bq\x1b[24~\x07"); // Alt-q (ESC dropped, q typed), F12, bell
  assert.equal(editor.line, "aXqb");
});

Deno.test("LineEditor.render() draws prompt and line from the start and puts the cursor back", () => {
  const editor = new LineEditor();
  editor.feed("qsub job.sh" + LEFT + LEFT + LEFT);
  assert.equal(editor.render("$ "), "\r$ qsub job.sh\x1b[K\x1b[3D");
  editor.feed("\x05");
  assert.equal(editor.render("$ "), "\r$ qsub job.sh\x1b[K");
});
