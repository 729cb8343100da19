/**
 * The command line of each subcommand: a small declarative parser (flags and positional
 * arguments from a {@linkcode CommandSpec}) and the `--help` text made from the same spec.
 *
 * Rules, GNU-like: `--name value` or `--name=value`, `-n value` for a flag with a short name;
 * flags and positional arguments may be mixed; `--` ends the flags; `-` alone is an argument. A
 * boolean flag takes no value; a `list` flag may be repeated (`--var a=1 --var b=2`); any other
 * flag may be given once. An unknown flag, a missing value, a value outside `choices`, a missing
 * or extra argument are {@linkcode UsageError}s naming the flag and the value.
 *
 * @module
 */

import { nearestWords } from "../src/core/_edit_distance.ts";
import { UsageError } from "./errors.ts";

/** One flag of a subcommand. */
export interface FlagSpec {
  /** The long name, without dashes (`"backend"` for `--backend`). */
  readonly name: string;
  /** A one-letter short name, without the dash (`"h"` for `-h`). */
  readonly short?: string;
  /** `boolean`: no value; `string`: one value, once; `list`: one value, repeatable. */
  readonly kind: "boolean" | "string" | "list";
  /** The value's name in the help (`"NAME"`). */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** The accepted values, when they are a fixed set. */
  readonly choices?: readonly string[];
}

/** One positional argument of a subcommand. */
export interface PositionalSpec {
  /** Its name in the help (`"JOB.yaml"`, `"ID"`). */
  readonly name: string;
  /** One line of help. */
  readonly help: string;
  /** Must be given (default: optional). */
  readonly required?: boolean;
  /** Takes every remaining argument (must be the last). */
  readonly variadic?: boolean;
}

/** A subcommand's command line and help. */
export interface CommandSpec {
  /** The subcommand's name (`"render"`). */
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  /** Paragraphs after the usage line, in the help. */
  readonly description?: string;
  /** Positional arguments, in order. */
  readonly positionals: readonly PositionalSpec[];
  /** Flags (`--help`/`-h` is added to every command). */
  readonly flags: readonly FlagSpec[];
  /** Example command lines for the help. */
  readonly examples?: readonly string[];
}

/** The flag every command has. */
export const HELP_FLAG: FlagSpec = {
  name: "help",
  short: "h",
  kind: "boolean",
  help: "show this help",
};

/**
 * The parsed command line of one subcommand.
 *
 * @example Usage
 * ```ts
 * import { type CommandSpec, parseArgs } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const spec: CommandSpec = {
 *   name: "submit",
 *   summary: "submit a job",
 *   positionals: [{ name: "JOB.yaml", help: "the job file", required: true }],
 *   flags: [
 *     { name: "var", kind: "list", value: "K=V", help: "a placeholder" },
 *     { name: "json", kind: "boolean", help: "JSON output" },
 *   ],
 * };
 * const args = parseArgs(["job.yaml", "--var", "n=1", "--var=m=2", "--json"], spec);
 * assert.deepEqual(args.positionals, ["job.yaml"]);
 * assert.deepEqual(args.list("var"), ["n=1", "m=2"]);
 * assert.equal(args.boolean("json"), true);
 * assert.throws(() => parseArgs(["job.yaml", "--jsno"], spec), /did you mean --json\?/);
 * ```
 */
export class ParsedArgs {
  /** The positional arguments, in order. */
  readonly positionals: readonly string[];
  readonly #values: ReadonlyMap<string, string | boolean | string[]>;

  /**
   * Wraps parsed values.
   *
   * @param positionals The positional arguments.
   * @param values Flag name → value.
   */
  constructor(
    positionals: readonly string[],
    values: ReadonlyMap<string, string | boolean | string[]>,
  ) {
    this.positionals = positionals;
    this.#values = values;
  }

  /** Whether boolean flag `name` was given. */
  boolean(name: string): boolean {
    return this.#values.get(name) === true;
  }

  /** The value of string flag `name`, if given. */
  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === "string" ? value : undefined;
  }

  /** The values of list flag `name`, in order (empty when not given). */
  list(name: string): readonly string[] {
    const value = this.#values.get(name);
    return Array.isArray(value) ? value : [];
  }
}

/**
 * Parses the arguments of one subcommand.
 *
 * @param argv The arguments after the subcommand's name.
 * @param spec The subcommand.
 * @returns The flags and positional arguments.
 * @throws {UsageError} For an unknown flag (with "did you mean …?"), a flag without its value,
 * a value for a boolean flag, a value outside the flag's choices, a flag given twice, a missing
 * required argument or one too many.
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const flags = [HELP_FLAG, ...spec.flags];
  const byLong = new Map(flags.map((flag) => [flag.name, flag]));
  const byShort = new Map(flags.flatMap((flag) => flag.short ? [[flag.short, flag]] : []));
  const values = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];
  const fail = (problem: string, details: { flag?: string; value?: string } = {}): never => {
    throw new UsageError(spec.name, problem, details);
  };

  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    if (word === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      positionals.push(word);
      continue;
    }
    const long = word.startsWith("--");
    const equals = word.indexOf("=");
    const written = long && equals > 0 ? word.slice(0, equals) : word;
    const inline = long && equals > 0 ? word.slice(equals + 1) : undefined;
    const flag = long ? byLong.get(written.slice(2)) : byShort.get(written.slice(1));
    if (flag === undefined) fail(unknownFlag(written, flags), { flag: written });
    const shown = `--${flag!.name}`;
    if (flag!.kind === "boolean") {
      if (inline !== undefined) {
        fail(`flag ${shown} takes no value, got "${inline}"`, { flag: shown, value: inline });
      }
      values.set(flag!.name, true);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && next.length > 1)) {
        fail(`flag ${shown} needs a value${flag!.value ? ` (${flag!.value})` : ""}`, {
          flag: shown,
        });
      }
      value = next!;
      index++;
    }
    if (flag!.choices !== undefined && !flag!.choices.includes(value)) {
      fail(
        `invalid value "${value}" for ${shown}; expected one of ${flag!.choices.join(", ")}`,
        { flag: shown, value },
      );
    }
    if (flag!.kind === "list") {
      const list = values.get(flag!.name);
      values.set(flag!.name, [...(Array.isArray(list) ? list : []), value]);
    } else {
      if (values.has(flag!.name)) {
        fail(`flag ${shown} given twice`, { flag: shown, value });
      }
      values.set(flag!.name, value);
    }
  }

  if (values.get("help") !== true) checkPositionals(positionals, spec, fail);
  return new ParsedArgs(positionals, values);
}

function checkPositionals(
  positionals: readonly string[],
  spec: CommandSpec,
  fail: (problem: string, details?: { flag?: string; value?: string }) => never,
): void {
  const variadic = spec.positionals.some((positional) => positional.variadic);
  if (!variadic && positionals.length > spec.positionals.length) {
    const extra = positionals[spec.positionals.length] as string;
    fail(`unexpected argument "${extra}"${extra.startsWith("-") ? "" : ""}`, { value: extra });
  }
  const required = spec.positionals.filter((positional) => positional.required);
  if (positionals.length < required.length) {
    fail(`missing argument ${required[positionals.length]!.name}`);
  }
}

function unknownFlag(written: string, flags: readonly FlagSpec[]): string {
  const names = flags.map((flag) => flag.name);
  const bare = written.replace(/^-+/, "");
  const near = nearestWords(bare, names, (name) => (name.length <= 4 ? 1 : 2)).slice(0, 2);
  const hint = near.length > 0
    ? `; did you mean ${near.map((name) => `--${name}`).join(" or ")}?`
    : "";
  return `unknown flag "${written}"${hint}`;
}

/**
 * The `--help` text of a subcommand: usage line, summary, arguments, flags, examples.
 *
 * @example Usage
 * ```ts
 * import { formatHelp } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const help = formatHelp({
 *   name: "cancel",
 *   summary: "Cancel runs",
 *   positionals: [{ name: "ID", help: "a job id", required: true, variadic: true }],
 *   flags: [],
 * });
 * assert.ok(help.startsWith("Usage: clusterjob cancel [flags] ID...\n\nCancel runs\n"));
 * assert.match(help, /-h, --help +show this help/);
 * ```
 *
 * @param spec The subcommand.
 * @returns The help text, ending with a newline.
 */
export function formatHelp(spec: CommandSpec): string {
  const flags = [...spec.flags, HELP_FLAG];
  const usage = spec.positionals.map((positional) => {
    const name = positional.variadic ? `${positional.name}...` : positional.name;
    return positional.required ? name : `[${name}]`;
  });
  const parts = [`Usage: clusterjob ${spec.name} [flags]${usage.map((u) => ` ${u}`).join("")}`];
  parts.push(spec.summary);
  if (spec.description !== undefined) parts.push(spec.description.trim());
  if (spec.positionals.length > 0) {
    parts.push(
      "Arguments:\n" +
        columns(spec.positionals.map((positional) => [positional.name, positional.help])),
    );
  }
  parts.push(
    "Flags:\n" +
      columns(flags.map((flag) => {
        const short = flag.short ? `-${flag.short}, ` : "    ";
        const value = flag.kind === "boolean" ? "" : ` ${flag.value ?? "VALUE"}`;
        const repeat = flag.kind === "list" ? " (repeatable)" : "";
        return [`${short}--${flag.name}${value}`, `${flag.help}${repeat}`];
      })),
  );
  if (spec.examples !== undefined && spec.examples.length > 0) {
    parts.push("Examples:\n" + spec.examples.map((example) => `  ${example}`).join("\n"));
  }
  return parts.join("\n\n") + "\n";
}

/** Two columns, the first padded to the widest (at most 30 characters), indented by two. */
export function columns(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(30, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    left.length > width
      ? `  ${left}\n  ${" ".repeat(width)}  ${right}`
      : `  ${left.padEnd(width)}  ${right}`
  ).join("\n");
}
