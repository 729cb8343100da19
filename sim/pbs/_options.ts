/**
 * getopt(3) as the PBS commands use it: single-letter options, values attached (`-Nname`) or
 * separate (`-N name`), flags bundled (`-hV`), `--` ends the options.
 *
 * @module
 */

/** Parsed options in order (flags have the value `""`) and the remaining operands. */
export interface ParsedOptions {
  /** `[letter, value]` in command-line order. */
  options: Array<[string, string]>;
  /** Words after the options. */
  operands: string[];
  /** Whether a literal `--` ended the options. */
  sawDoubleDash: boolean;
}

/** What went wrong, in glibc getopt's words. */
export interface OptionError {
  /** `invalid option -- 'Z'` or `option requires an argument -- 'N'`. */
  error: string;
}

/**
 * Parses `args` against `spec`, getopt-style: a letter followed by `:` takes a value
 * (`"N:hV"`). Parsing stops at the first operand (POSIXLY_CORRECT order, as qsub uses `+`).
 */
export function getopt(args: readonly string[], spec: string): ParsedOptions | OptionError {
  const takesValue = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    const letter = spec[i] as string;
    if (letter === ":") continue;
    takesValue.set(letter, spec[i + 1] === ":");
  }
  const options: Array<[string, string]> = [];
  let index = 0;
  let sawDoubleDash = false;
  while (index < args.length) {
    const arg = args[index] as string;
    if (arg === "--") {
      sawDoubleDash = true;
      index++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    index++;
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at] as string;
      const needsValue = takesValue.get(letter);
      if (needsValue === undefined) return { error: `invalid option -- '${letter}'` };
      if (!needsValue) {
        options.push([letter, ""]);
        continue;
      }
      if (at + 1 < arg.length) {
        options.push([letter, arg.slice(at + 1)]);
      } else if (index < args.length) {
        options.push([letter, args[index++] as string]);
      } else {
        return { error: `option requires an argument -- '${letter}'` };
      }
      break;
    }
  }
  return { options, operands: args.slice(index), sawDoubleDash };
}
