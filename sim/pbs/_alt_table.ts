/**
 * `qstat -a` (and PBS Pro's `qstat -H`, which prints the same table): per job its id, owner,
 * queue, name, session id, nodes, tasks, requested memory and walltime, state and elapsed time,
 * under the server's name and three header lines; what the server does not know is `--`.
 *
 * The values are those `qstat -f` shows for the job (`_attributes.ts`: `session_id`,
 * `Resource_List.mem`/`walltime`/`nodect`, `resources_used.walltime`), so the two views agree.
 *
 * Sources: the recordings raw/torque/019 (`qstat -a`: Torque prints the session of a job that
 * has run, the elapsed time of a running one only, `--` for a completed one) and
 * raw/openpbs/023, 049 (`qstat -a`, `qstat -H`: OpenPBS prints the session and the walltime the
 * mom reported, `--` for jobs it has not reported on yet, walltimes as `HH:MM`); Torque 6.1 and
 * OpenPBS `src/cmds/qstat.c` (`altdsp_statjob`).
 *
 * @module
 */

import type { SimEngineApi } from "../emulator.ts";
import { type Attribute, attributesOf, type Listing } from "./_attributes.ts";
import type { PbsDialect } from "./dialect.ts";
import { entryId, type PbsEntry, serverOf } from "./_jobs.ts";
import { stateOf } from "./_states.ts";
import { padEnd, padStart } from "../_common/words.ts";

/** `HH:MM:SS` to seconds. */
function seconds(text: string): number {
  const [h = 0, m = 0, s = 0] = text.split(":").map(Number);
  return (h * 60 + m) * 60 + s;
}

/**
 * The requested memory: `Resource_List.mem`, or the sum the server makes of a `select`'s chunks
 * (`-l select=1:ncpus=1:mem=100mb` shows `100mb`, raw/openpbs/023; one chunk is read as given).
 */
function memoryOf(mem: string | undefined, select: string | undefined): string | undefined {
  if (mem !== undefined) return mem;
  const chunk = select === undefined ? null : /^(\d+):(?:.*:)?mem=([^:+]+)/.exec(select);
  return chunk === null || chunk[1] !== "1" ? undefined : chunk[2];
}

/** The header of the table: a blank line, `<server>: `, the three column lines. */
export function altHeader(dialect: PbsDialect, server: string): string {
  return `\n${server}: \n${dialect.altTable.header.join("\n")}\n`;
}

/** One row of `qstat -a`. */
export function altRow(
  entry: PbsEntry,
  dialect: PbsDialect,
  engine: SimEngineApi,
  listing: Listing,
): string {
  const first = entry.jobs[0]!;
  const layout = dialect.altTable;
  const attributes = attributesOf(entry, dialect, engine, listing);
  const value = (name: string, resource?: string) =>
    attributes.find((a: Attribute) => a.name === name && a.resource === resource)?.value;
  const wall = value("Resource_List", "walltime");
  const used = value("resources_used", "walltime");
  const state = stateOf(entry, dialect);
  const elapsed = layout.elapsed === "running"
    ? state === "R" && first.startTime !== undefined
      ? layout.time((engine.now() - first.startTime) / 1000)
      : undefined
    : used === undefined
    ? undefined
    : layout.time(seconds(used));
  const cores = (first.request.tasksPerNode ?? 1) * (first.request.cpusPerTask ?? 1);
  const nodes = Number(value("Resource_List", "nodect") ?? first.request.nodes ?? 1);
  const [idW, userW, queueW, nameW, sessionW, nodesW, tasksW, memW, timeW, stateW, elapW] =
    layout.widths;
  const right = (text: string | undefined, width: number) =>
    padStart(text ?? "-- ", width).slice(-width);
  const left = (text: string, width: number) => padEnd(text.slice(0, width), width);
  return [
    left(entryId(entry, serverOf(first, engine)), idW),
    left(first.request.user, userW),
    left(first.queue, queueW),
    left(value("Job_Name") ?? first.request.name, nameW),
    right(value("session_id"), sessionW),
    right(String(nodes), nodesW),
    right(String(nodes * cores), tasksW),
    right(memoryOf(value("Resource_List", "mem"), value("Resource_List", "select")), memW),
    right(wall === undefined ? undefined : layout.time(seconds(wall)), timeW),
    padEnd(state, stateW),
    right(elapsed, elapW),
  ].join(" ") + "\n";
}
