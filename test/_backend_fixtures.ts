/**
 * Test helper: reads a verbatim real transcript (`NNN-slug.{cmd,out,err,rc}`) from
 * test/fixtures/real-outputs/<scheduler>/ as a CommandOutput, by its number.
 *
 * @module
 */

import type { CommandOutput } from "../src/core/transport.ts";

const ROOT = new URL("./fixtures/", import.meta.url);

/** A transcript: the command line that produced it and its output. */
export interface Transcript {
  /** The shell command line of the capture. */
  cmd: string;
  /** Exit code and both streams, byte for byte. */
  output: CommandOutput;
}

/** Reads transcript `number` (e.g. `"039"`) of `scheduler` (`"slurm"`, `"sge"`). */
export async function realOutput(scheduler: string, number: string): Promise<Transcript> {
  const folder = new URL(`real-outputs/${scheduler}/`, ROOT);
  let stem: string | undefined;
  for await (const entry of Deno.readDir(folder)) {
    if (entry.name.startsWith(`${number}-`) && entry.name.endsWith(".cmd")) {
      stem = entry.name.slice(0, -".cmd".length);
    }
  }
  if (stem === undefined) throw new Error(`No transcript ${number} for ${scheduler}`);
  const cmd = await Deno.readTextFile(new URL(`${stem}.cmd`, folder));
  return { cmd: cmd.trim(), output: await capturedOutput(`real-outputs/${scheduler}`, stem) };
}

/**
 * Reads a verbatim capture `<name>.{rc,out,err}` under test/fixtures/<folder>/ (e.g. `"sge"`,
 * `"qacct-o-owner-j"`) as a CommandOutput.
 */
export async function capturedOutput(folder: string, name: string): Promise<CommandOutput> {
  const read = (extension: string) =>
    Deno.readTextFile(new URL(`${folder}/${name}.${extension}`, ROOT));
  return {
    code: Number.parseInt((await read("rc")).trim(), 10),
    stdout: await read("out"),
    stderr: await read("err"),
  };
}

/** Reads a fixture file written from documentation, e.g. `fixture("lsf", "bjobs-o.out")`. */
export function documentedOutput(scheduler: string, file: string): Promise<string> {
  return Deno.readTextFile(new URL(`${scheduler}/${file}`, ROOT));
}
