// The only file that knows which YAML library is used (js-yaml 5, YAML 1.2 core schema).
// Switching libraries means rewriting this file and running test/yaml_test.ts.

import { CORE_SCHEMA, dump, loadAll, YAMLException } from "js-yaml";

/** A YAML text cannot be parsed; `line` and `column` are 1-based (0 when unknown). */
export class YamlSyntaxError extends SyntaxError {
  /** 1-based line of the error, 0 when unknown. */
  readonly line: number;
  /** 1-based column of the error, 0 when unknown. */
  readonly column: number;
  /** Creates the error. */
  constructor(message: string, line: number, column: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "YamlSyntaxError";
    this.line = line;
    this.column = column;
  }
}

/** One YAML 1.2 core-schema document; empty input → null (as @std/yaml). */
export function parseYaml(text: string): unknown {
  let docs: unknown[];
  try {
    docs = loadAll(text, { schema: CORE_SCHEMA, maxDepth: 64, maxAliases: 1000 });
  } catch (err) {
    if (err instanceof YAMLException) {
      const mark = (err as YAMLException & { mark?: { line: number; column: number } }).mark;
      throw new YamlSyntaxError(
        `Cannot parse YAML: ${err.message}`,
        (mark?.line ?? -1) + 1,
        (mark?.column ?? -1) + 1,
        { cause: err },
      );
    }
    throw err;
  }
  if (docs.length > 1) {
    throw new YamlSyntaxError("Cannot parse YAML: found more than one document", 0, 0);
  }
  return docs[0] ?? null;
}

/** YAML text of a value (core schema). */
export function stringifyYaml(value: unknown): string {
  return dump(value, { schema: CORE_SCHEMA });
}
