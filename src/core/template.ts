/**
 * The rendering rules of job scripts: core environment variables translated for a scheduler,
 * and `{placeholder}` expansion that leaves shell code alone.
 *
 * @module
 */

import type { CoreVariable } from "./backend.ts";
import { ClusterjobError } from "./errors.ts";
import { quoteRemotePath } from "./_shell_quote.ts";

/**
 * A placeholder in a script cannot be rendered: no value of that name exists, or a core
 * variable is used in a form the scheduler cannot express. Names the placeholder, the script it
 * is in (when known) and its line.
 *
 * @example Usage
 * ```ts
 * import { renderTemplate, slurm, TemplateError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => renderTemplate("echo hi\necho {nosuch}", { envVars: slurm.envVars, lookup: () => undefined, script: "prologue" }),
 *   (error) =>
 *     error instanceof TemplateError && error.placeholder === "nosuch" && error.line === 2 &&
 *     error.script === "prologue" &&
 *     error.message.startsWith('Cannot render placeholder "{nosuch}" in the prologue, line 2: '),
 * );
 * ```
 */
export class TemplateError extends ClusterjobError {
  /** The placeholder's name (`"nosuch"` for `{nosuch}` and `{nosuch:q}`), or the core variable form that failed. */
  readonly placeholder: string;
  /** The 1-based line of the script text on which it occurs. */
  readonly line: number;
  /**
   * The script it occurs in (`"body"`, `"prologue"`, `"epilogue"`, `"auxScripts.<file>"`), when
   * known.
   */
  readonly script: string | undefined;

  /**
   * Creates the error.
   *
   * @param placeholder The placeholder's name.
   * @param line The 1-based line number.
   * @param message What went wrong; default: no value of that name exists.
   * @param options `script`: the script the placeholder is in.
   */
  constructor(
    placeholder: string,
    line: number,
    message?: string,
    options: { script?: string } = {},
  ) {
    super(
      message ??
        `Cannot render placeholder "{${placeholder}}" ${where(options.script, line)}: ${
          missing(placeholder)
        }`,
    );
    this.placeholder = placeholder;
    this.line = line;
    this.script = options.script;
  }
}

/** `in the prologue, line 3`, `in aux script "a.sh", line 1`, or `on line 3`. */
function where(script: string | undefined, line: number): string {
  if (script === undefined) return `on line ${line}`;
  const aux = script.startsWith("auxScripts.") ? script.slice("auxScripts.".length) : undefined;
  return `${
    aux === undefined ? `in the ${script}` : `in aux script ${JSON.stringify(aux)}`
  }, line ${line}`;
}

function missing(name: string, why = "no resource, job attribute or var has that name"): string {
  return `${why}; give it a value (a resource, a job attribute or one of "vars"), or write "{{${name}}}" for literal braces`;
}

/**
 * What {@linkcode renderTemplate} needs: the scheduler's translation of the core environment
 * variables and the values of placeholders.
 *
 * @example Usage
 * ```ts
 * import { renderTemplate, slurm, type TemplateContext } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const context: TemplateContext = {
 *   envVars: slurm.envVars,
 *   lookup: (name) => name === "queue" ? "debug" : undefined,
 * };
 * assert.equal(renderTemplate("echo {queue} $CLUSTERJOB_ID", context), "echo debug $SLURM_JOB_ID");
 * ```
 */
export interface TemplateContext {
  /** Translation of each core variable (see `Backend.envVars`). */
  readonly envVars: Readonly<Record<CoreVariable, string>>;
  /** The value of placeholder `name`, or `undefined` when there is none. */
  lookup(name: string): string | undefined;
  /** The script the text is (`"body"`, `"prologue"`, `"auxScripts.<file>"`), named in errors. */
  readonly script?: string;
  /**
   * Why placeholder `name` has no value (`the job attribute "remote" is not set`), for the
   * error; `undefined` for the default: no resource, job attribute or var has that name.
   */
  unset?(name: string): string | undefined;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(:q)?\}/y;

/**
 * Renders script text in one pass, line by line; substituted values are never scanned again.
 *
 * - Core variables `$CLUSTERJOB_ID`, `$CLUSTERJOB_WORKDIR`, `$CLUSTERJOB_SUBMIT_HOST`,
 *   `$CLUSTERJOB_NAME`, `$CLUSTERJOB_NODELIST`, `$CLUSTERJOB_ARRAY_INDEX` and their braced forms
 *   `${CLUSTERJOB_ID}` … become the scheduler's own (`$SLURM_JOB_ID`, `${SLURM_JOB_ID}`, or a
 *   command such as `` `cat $PBS_NODEFILE` `` for both forms). A longer name such as
 *   `$CLUSTERJOB_IDX` is a different variable and is left alone. Inside a parameter expansion
 *   (`${X:-$CLUSTERJOB_ID}`, `${CLUSTERJOB_ID:-none}`) they are translated too.
 * - `{name}`, where `name` is an identifier, is replaced by `lookup(name)` as raw text;
 *   `{name:q}` by the value quoted as ONE word of POSIX shell (`/scratch/my run` →
 *   `'/scratch/my run'`, `$(touch x)` → `'$(touch x)'`), so that a value with spaces, quotes,
 *   `$` or backticks stays one inert argument; a leading `~` or `~/` is left unquoted, so the
 *   shell that runs the script expands it to its user's home (`~/runs` → `~/runs`). Use `:q`
 *   wherever a value goes into shell code as an argument. `{{` and `}}` give literal braces.
 *   Shell code needs no escaping: a parameter expansion `${…}` is copied as is (braces nested in
 *   it included), and braces around anything but an identifier (`awk '{print $1}'`,
 *   `{ a; b; }`, `{a:b}`) stay as written. Only a literal `{{` or `}}` outside `${…}` has to be
 *   written doubled.
 *
 * @param text The script text.
 * @param context The variable translations and placeholder values.
 * @returns The rendered text.
 * @throws {TemplateError} For a placeholder `lookup` has no value for (naming it, the script
 * and its line),
 * or for a core variable the scheduler provides as a command used with a parameter-expansion
 * operator (`${CLUSTERJOB_NODELIST:-x}` on PBS).
 *
 * @example Usage
 * ```ts
 * import { renderTemplate, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const values: Record<string, string> = { name: "hello", threads: "4", workdir: "my run" };
 * const text = renderTemplate(
 *   "export OMP_NUM_THREADS={threads}\necho $CLUSTERJOB_ID ${HOME} {{literal}}\nawk '{print $1}' f\ncd {workdir:q}",
 *   { envVars: slurm.envVars, lookup: (name) => values[name] },
 * );
 * assert.equal(
 *   text,
 *   `export OMP_NUM_THREADS=4\necho $${slurm.envVars.CLUSTERJOB_ID} \${HOME} {literal}\nawk '{print $1}' f\ncd 'my run'`,
 * );
 * ```
 */
export function renderTemplate(text: string, context: TemplateContext): string {
  return text.split("\n").map((line, index) => renderLine(line, index + 1, context)).join("\n");
}

function renderLine(line: string, lineNumber: number, context: TemplateContext): string {
  const script = context.script === undefined ? {} : { script: context.script };
  let out = "";
  let depth = 0; // nesting of `${ … }` parameter expansions, copied verbatim
  let i = 0;
  while (i < line.length) {
    const char = line[i];
    if (char === "$") {
      const braced = line[i + 1] === "{";
      NAME.lastIndex = braced ? i + 2 : i + 1;
      const name = NAME.exec(line)?.[0] ?? "";
      const target = coreTarget(name, context);
      const end = i + (braced ? 2 : 1) + name.length;
      if (!braced) {
        out += target === undefined ? `$${name}` : unbracedForm(target);
        i = end;
      } else if (target !== undefined && line[end] === "}") {
        out += bracedForm(target);
        i = end + 1;
      } else if (target === undefined || VARIABLE_NAME.test(target)) {
        // The start of a parameter expansion (`${HOME`, `${#a`, `${CLUSTERJOB_ID:-`): copy it,
        // translated, and the rest of it verbatim up to its closing brace.
        out += `\${${target ?? name}`;
        depth++;
        i = end;
      } else {
        throw new TemplateError(
          `\${${name}`,
          lineNumber,
          `Cannot translate "\${${name}" with an operator ${
            where(context.script, lineNumber)
          }: this scheduler provides it as the command "${target}"; use "$${name}" instead`,
          script,
        );
      }
      continue;
    }
    if (depth > 0) {
      if (char === "{") depth++;
      else if (char === "}") depth--;
      out += char;
      i++;
      continue;
    }
    if ((char === "{" || char === "}") && line[i + 1] === char) {
      out += char;
      i += 2;
      continue;
    }
    if (char === "{") {
      PLACEHOLDER.lastIndex = i;
      const placeholder = PLACEHOLDER.exec(line);
      if (placeholder) {
        const name = placeholder[1] as string;
        const value = context.lookup(name);
        if (value === undefined) {
          throw new TemplateError(
            name,
            lineNumber,
            `Cannot render placeholder "${placeholder[0]}" ${where(context.script, lineNumber)}: ${
              missing(name, context.unset?.(name))
            }`,
            script,
          );
        }
        out += placeholder[2] === undefined ? value : quoteRemotePath(value);
        i += placeholder[0].length;
        continue;
      }
    }
    out += char;
    i++;
  }
  return out;
}

function coreTarget(name: string, context: TemplateContext): string | undefined {
  return name !== "" && Object.hasOwn(context.envVars, name)
    ? context.envVars[name as CoreVariable]
    : undefined;
}

function unbracedForm(target: string): string {
  return VARIABLE_NAME.test(target) ? `$${target}` : target;
}

function bracedForm(target: string): string {
  return VARIABLE_NAME.test(target) ? `\${${target}}` : target;
}
