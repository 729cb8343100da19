/**
 * GNU `getopt_long`-style argument parsing, as the SLURM tools use it: `--name=value`,
 * `--name value`, unambiguous long prefixes, `-xVALUE`, `-x VALUE`, bundled flags `-hv`, `--`.
 *
 * @module
 */

/** One option a tool accepts. */
export interface OptionSpec {
  /** Key the parsed value is stored under. */
  key: string;
  /** Long name without dashes. */
  long?: string;
  /** Short letter. */
  short?: string;
  /** Whether it takes a value (`optional`: only as `--name=value`). */
  arg: "none" | "required" | "optional";
}

/** A parsed option occurrence. */
export interface ParsedOption {
  key: string;
  value: string;
}

/** Why parsing stopped, with the tool's own message. */
export interface GetoptError {
  kind: "unrecognized" | "invalid" | "missing" | "ambiguous";
  /** The message as getopt prints it (without the program name prefix). */
  message: string;
}

/** Result of {@linkcode getopt}. */
export interface GetoptResult {
  options: ParsedOption[];
  positionals: string[];
  error?: GetoptError;
}

/**
 * Parses `args`.
 *
 * @param args Arguments after the program name.
 * @param specs Accepted options.
 * @param stopAtPositional Stop at the first non-option (`+` in the optstring, as sbatch does).
 */
export function getopt(
  args: readonly string[],
  specs: readonly OptionSpec[],
  stopAtPositional: boolean,
): GetoptResult {
  const options: ParsedOption[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const exact = specs.find((s) => s.long === name);
      const prefixed = exact ? [exact] : specs.filter((s) => s.long?.startsWith(name));
      if (prefixed.length === 0) {
        return {
          options,
          positionals,
          error: { kind: "unrecognized", message: `unrecognized option '${arg}'` },
        };
      }
      if (exact === undefined && new Set(prefixed.map((s) => s.key)).size > 1) {
        return {
          options,
          positionals,
          error: { kind: "ambiguous", message: `option '${arg}' is ambiguous` },
        };
      }
      const spec = prefixed[0]!;
      if (spec.arg === "none") {
        if (eq >= 0) {
          return {
            options,
            positionals,
            error: {
              kind: "invalid",
              message: `option '--${spec.long}' doesn't allow an argument`,
            },
          };
        }
        options.push({ key: spec.key, value: "" });
      } else if (eq >= 0) {
        options.push({ key: spec.key, value: arg.slice(eq + 1) });
      } else if (spec.arg === "optional") {
        options.push({ key: spec.key, value: "" });
      } else if (i + 1 < args.length) {
        options.push({ key: spec.key, value: args[++i]! });
      } else {
        return {
          options,
          positionals,
          error: { kind: "missing", message: `option '--${spec.long}' requires an argument` },
        };
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const spec = specs.find((s) => s.short === letter);
        if (spec === undefined) {
          return {
            options,
            positionals,
            error: { kind: "invalid", message: `invalid option -- '${letter}'` },
          };
        }
        if (spec.arg === "none") {
          options.push({ key: spec.key, value: "" });
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest !== "") options.push({ key: spec.key, value: rest });
        else if (spec.arg === "optional") options.push({ key: spec.key, value: "" });
        else if (i + 1 < args.length) options.push({ key: spec.key, value: args[++i]! });
        else {
          return {
            options,
            positionals,
            error: { kind: "missing", message: `option requires an argument -- '${letter}'` },
          };
        }
        break;
      }
      continue;
    }
    if (stopAtPositional) {
      positionals.push(...args.slice(i));
      break;
    }
    positionals.push(arg);
  }
  return { options, positionals };
}
