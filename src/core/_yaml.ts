// The only file that knows which YAML library is used (js-yaml 5, YAML 1.2 core schema).
// Switching libraries means rewriting this file and running test/src/core/yaml_test.ts.
//
// Every YAML text clusterjob reads (settings files, and job files when a CLI adds them) goes
// through parseYaml, so the limits below hold for all of them: a bounded size and nesting, and
// no anchors or aliases — an alias is a pointer, and nine levels of ten of them (the
// "billion laughs") make a 250-byte file a structure of 10⁹ nodes for whatever walks it.

import {
  constructFromEvents,
  CORE_SCHEMA,
  dump,
  EVENT_ID,
  parseEvents,
  YAMLException,
} from "js-yaml";

/** The largest YAML text accepted, in bytes of UTF-8 (1 MiB). */
export const MAX_YAML_BYTES = 1024 * 1024;

/** The deepest nesting of mappings and sequences accepted. */
export const MAX_YAML_DEPTH = 64;

/**
 * A YAML text cannot be parsed, or breaks one of the limits (size, nesting, anchors and
 * aliases); `line` and `column` are 1-based (0 when unknown), `source` names the text.
 */
export class YamlSyntaxError extends SyntaxError {
  /** 1-based line of the error, 0 when unknown. */
  readonly line: number;
  /** 1-based column of the error, 0 when unknown. */
  readonly column: number;
  /** Where the text came from (a file path, or `"<string>"`). */
  readonly source: string;
  /** What is wrong, without the source and position (`"duplicated mapping key"`). */
  readonly problem: string;
  /** Creates the error. */
  constructor(
    message: string,
    line: number,
    column: number,
    options?: ErrorOptions & { source?: string; problem?: string },
  ) {
    super(message, options);
    this.name = "YamlSyntaxError";
    this.line = line;
    this.column = column;
    this.source = options?.source ?? "<string>";
    this.problem = options?.problem ?? message;
  }
}

/** 1-based line and column of `offset` in `text`. */
function positionOf(text: string, offset: number): [line: number, column: number] {
  const before = text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf("\n") + 1;
  return [before.split("\n").length, offset - lineStart + 1];
}

/** The size of `text` in UTF-8 bytes, counted only as far as `limit` + 1. */
function utf8Size(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length * 3; // every code unit is at most 3 bytes
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 4 : 3;
    if (code >= 0xd800 && code < 0xdc00) i++; // a surrogate pair is one 4-byte character
  }
  return bytes;
}

/**
 * One YAML 1.2 core-schema document; empty input → null (as @std/yaml).
 *
 * @param text The YAML text.
 * @param source Where it came from, named in errors.
 * @throws {YamlSyntaxError} For a syntax error, more than one document, a text above
 * {@linkcode MAX_YAML_BYTES}, nesting deeper than {@linkcode MAX_YAML_DEPTH}, or any anchor
 * (`&name`) or alias (`*name`).
 */
export function parseYaml(text: string, source = "<string>"): unknown {
  const fail = (problem: string, line = 0, column = 0, cause?: unknown): never => {
    const at = line > 0 ? `, line ${line}, column ${column}` : "";
    throw new YamlSyntaxError(`Cannot parse YAML in ${source}${at}: ${problem}`, line, column, {
      source,
      problem,
      ...(cause === undefined ? {} : { cause }),
    });
  };
  if (utf8Size(text, MAX_YAML_BYTES) > MAX_YAML_BYTES) {
    fail(
      `the text is larger than ${MAX_YAML_BYTES} bytes (1 MiB), the most accepted; ` +
        "is this the right file?",
    );
  }
  let docs: unknown[];
  try {
    const events = parseEvents(text, { filename: source, maxDepth: MAX_YAML_DEPTH });
    for (const event of events) {
      const anchored = event.type === EVENT_ID.ALIAS ||
        ("anchorStart" in event && event.anchorStart >= 0);
      if (!anchored) continue;
      const start = (event as { anchorStart: number }).anchorStart;
      const kind = event.type === EVENT_ID.ALIAS ? "alias" : "anchor";
      const name = text.slice(start, (event as { anchorEnd: number }).anchorEnd);
      // anchorStart is the name's offset; the "&" or "*" is just before it.
      fail(
        `YAML anchors and aliases are not supported, found the ${kind} ${
          JSON.stringify(`${kind === "alias" ? "*" : "&"}${name}`.slice(0, 60))
        }; write the value out in full where it is needed`,
        ...positionOf(text, start - 1),
      );
    }
    docs = constructFromEvents(events, {
      source: text,
      filename: source,
      schema: CORE_SCHEMA,
      maxAliases: 0,
    });
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw err;
    if (err instanceof YAMLException) {
      const mark = (err as YAMLException & { mark?: { line: number; column: number } }).mark;
      // `reason` is the library's sentence without its source snippet.
      fail(err.reason, (mark?.line ?? -1) + 1, (mark?.column ?? -1) + 1, err);
    }
    throw err;
  }
  if (docs.length > 1) fail("found more than one document");
  return docs[0] ?? null;
}

/** YAML text of a value (core schema). */
export function stringifyYaml(value: unknown): string {
  return dump(value, { schema: CORE_SCHEMA });
}
