/**
 * `qdel`: deletes jobs, array tasks (`21 -t 3`, `21.3`) and jobs by name or user, answering as
 * SGE 8.1.9 does (050-qdel-PENDING-job, 051-qdel-RUNNING-job, 077-qdel-one-array-task,
 * 078-qdel-whole-array, 104-qdel-unknown-job, 105-qdel-malformed-id, 106-qdel-no-args). A running
 * job keeps running (`dr`) while execd kills it. Options are read by the pure
 * {@linkcode parseQdelArgs}.
 *
 * @module
 */

import { fail, uidOf } from "../_common/command_result.ts";
import type { SimJob } from "../types.ts";
import type { SimCommand, SimEngineApi } from "../emulator.ts";
import { KILL_DELAY_MS, VERSION } from "./_cell.ts";
import { markDeleted } from "./_job_data.ts";
import { inErrorState, jobNumber, listed, listedJobs } from "./_jobs.ts";
import { parseIdList, parseTaskRange, type TaskRange } from "./_values.ts";

/** qdel's usage, printed on stderr without arguments (106-qdel-no-args). */
const QDEL_USAGE = `${VERSION}
usage: qdel [options] job_task_list
   [-f]                                     force action
   [-help]                                  print this help
   [-u user_list]                           delete all jobs of users specified in list
   job_task_list                            delete all jobs given in list

job_task_list           job_tasks[,job_tasks,...]
job_tasks               [job_id['.'task_id_range]|job_name|pattern][' -t 'task_id_range]
task_id_range           task_id['-'task_id[':'step]]
user_list               user[,user,...]
`;

/** What a qdel command line asks for. */
export interface QdelOptions {
  /** The jobs as given: ids, `id.range`, names. */
  targets: string[];
  /** `-t`: the tasks to delete (`undefined` also when invalid: all of them). */
  tasks?: TaskRange;
  /** `-u`: delete every job of these users. */
  users?: string[];
}

/**
 * Reads qdel's arguments; `-f` changes nothing, any other word is a job list.
 *
 * @param args The arguments after `qdel`.
 * @returns The options.
 */
export function parseQdelArgs(args: readonly string[]): QdelOptions {
  const options: QdelOptions = { targets: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-f") continue;
    if (arg === "-t") {
      const range = parseTaskRange(args[++i] ?? "");
      if (range === undefined) delete options.tasks;
      else options.tasks = range;
    } else if (arg === "-u") options.users = (args[++i] ?? "").split(",");
    else options.targets.push(...parseIdList(arg));
  }
  return options;
}

function inRange(range: TaskRange | undefined, task: number | undefined): boolean {
  return range === undefined ||
    (task !== undefined && task >= range.first && task <= range.last &&
      (task - range.first) % range.step === 0);
}

/** Deletes the selected tasks of a job, one message per running task, one for the waiting. */
function deleteArrayTasks(
  engine: SimEngineApi,
  id: number,
  range: TaskRange | undefined,
  selected: readonly SimJob[],
  user: string,
): string {
  const uid = uidOf(user);
  const running = selected.filter((j) => j.state === "RUNNING");
  const pending = selected.filter((j) => j.state !== "RUNNING");
  let out = "";
  for (const task of running) {
    engine.cancel(id, { uid, taskId: task.arrayTaskId!, graceMs: KILL_DELAY_MS });
    out += `${user} has registered the job-array task ${id}.${task.arrayTaskId} for deletion\n`;
  }
  for (const task of pending) engine.cancel(id, { uid, taskId: task.arrayTaskId! });
  if (pending.length > 0) {
    out += range !== undefined && pending.length === 1
      ? `${user} has deleted job-array task ${id}.${pending[0]!.arrayTaskId}\n`
      : `${user} has deleted job ${id}\n`;
  }
  return out;
}

/** Deletes a job (the tasks of an array in `range`); returns qdel's messages. */
function deleteJob(
  engine: SimEngineApi,
  id: number,
  range: TaskRange | undefined,
  user: string,
): string {
  const selected = engine.find(id).filter(listed).filter((j) => inRange(range, j.arrayTaskId));
  for (const job of selected) if (inErrorState(job)) markDeleted(job);
  if (selected.some((j) => j.arrayTaskId !== undefined)) {
    return deleteArrayTasks(engine, id, range, selected, user);
  }
  const job = selected[0];
  if (job === undefined) return "";
  const wasRunning = job.state === "RUNNING";
  engine.cancel(id, { uid: uidOf(user), graceMs: KILL_DELAY_MS });
  return wasRunning
    ? `${user} has registered the job ${id} for deletion\n`
    : `${user} has deleted job ${id}\n`;
}

/** Deletes the jobs one target names: its messages, and whether it named any. */
function deleteTarget(
  engine: SimEngineApi,
  target: string,
  tasks: TaskRange | undefined,
  user: string,
): { text: string; found: boolean } {
  const dotted = /^(\d+)\.(\d+(?:-\d+(?::\d+)?)?)$/.exec(target);
  const idText = dotted?.[1] ?? target;
  if (!/^\d+$/.test(idText)) {
    const named = listedJobs(engine).filter((j) => j.request.name === idText);
    if (named.length === 0) {
      return { text: `The job ${idText} of user(s) ${user} does not exist\n`, found: false };
    }
    const ids = [...new Set(named.map(jobNumber))];
    return { text: ids.map((id) => deleteJob(engine, id, undefined, user)).join(""), found: true };
  }
  const id = Number(idText);
  if (!engine.find(id).some(listed)) {
    return { text: `denied: job "${idText}" does not exist\n`, found: false };
  }
  const range = dotted?.[2] === undefined ? tasks : parseTaskRange(dotted[2]);
  return { text: deleteJob(engine, id, range, user), found: true };
}

/** The `qdel` command. */
export const qdel: SimCommand = (ctx) => {
  const engine = ctx.engine;
  const options = parseQdelArgs(ctx.args);
  const targets = [...options.targets];
  if (options.users !== undefined) {
    for (const job of listedJobs(engine)) {
      if (options.users.includes(job.request.user)) {
        targets.push(String(jobNumber(job)));
      }
    }
  }
  if (targets.length === 0 && options.users === undefined) {
    return fail(1, QDEL_USAGE, "ERROR! no option argument\n");
  }
  let stdout = "";
  let code = 0;
  for (const target of new Set(targets)) {
    const { text, found } = deleteTarget(engine, target, options.tasks, ctx.user);
    stdout += text;
    if (!found) code = 1;
  }
  return { code, stdout, stderr: "" };
};
