/**
 * The checks of a `SimCluster`'s options: every option has the type and form the cluster
 * needs, and an unknown key (`schedular`) is an error, so that a test never runs against a
 * simulator it did not ask for. Each bad value is an `InvalidValueError` naming the option and
 * the value, as everywhere in clusterjob. Internal module.
 *
 * @module
 */

import { check } from "../src/core/_check.ts";
import type { SchedulerKind } from "./types.ts";

/** The keys of {@linkcode SimClusterOptions}. */
const KEYS = [
  "scheduler",
  "nodes",
  "queues",
  "execution",
  "model",
  "clock",
  "startTime",
  "user",
  "loginHost",
  "firstJobId",
  "seed",
  "faults",
  "commands",
  "engine",
  "commandLog",
  "dialect",
];

/** The dialects of each scheduler that has more than one (`sim/lsf/dialect.ts`). */
export const DIALECTS: Readonly<Partial<Record<SchedulerKind, readonly string[]>>> = {
  lsf: ["lsf10", "openlava"],
};

/** A Unix user name (it becomes `/home/<user>` in the simulator's file system). */
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
/** A host name: labels of letters, digits and `-`, separated by dots. */
const HOST =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** A node name, as schedulers and host lists accept them. */
const NODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown, minimum: number): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= minimum;
}

/**
 * Checks the options of a `SimCluster`.
 *
 * @param options The options.
 * @param schedulers The schedulers that can be simulated.
 * @throws {InvalidValueError} Naming the option (`nodes[1].cpus`, `options.schedular`) and the
 * value, with what is accepted.
 */
export function checkClusterOptions(
  options: unknown,
  schedulers: readonly SchedulerKind[],
): void {
  check(isObject(options), "options", options, `an object with any of ${KEYS.join(", ")}`);
  for (const key of Object.keys(options)) {
    check(
      KEYS.includes(key),
      `options.${key}`,
      options[key],
      `no such option; the options are ${KEYS.join(", ")}`,
    );
  }
  const given = options;
  const optional = (key: string, ok: (value: unknown) => boolean, accepted: string): void => {
    const value = given[key];
    if (value !== undefined) check(ok(value), key, value, accepted);
  };
  check(
    schedulers.includes(given.scheduler as SchedulerKind),
    "scheduler",
    given.scheduler,
    `one of ${schedulers.join(", ")}`,
  );
  const dialects = DIALECTS[given.scheduler as SchedulerKind];
  optional(
    "dialect",
    (value) => dialects?.includes(value as string) === true,
    dialects === undefined
      ? `nothing: scheduler ${String(given.scheduler)} has one dialect`
      : `one of ${dialects.join(", ")}`,
  );
  optional("execution", (value) => value === "shell" || value === "model", '"shell" or "model"');
  optional("model", (value) => typeof value === "function", "a function of the job");
  optional("clock", (value) => value === "virtual" || value === "real", '"virtual" or "real"');
  optional(
    "startTime",
    (value) =>
      (typeof value === "number" && Number.isFinite(value)) ||
      (value instanceof Date && Number.isFinite(value.getTime())),
    "a time in milliseconds since 1970 or a valid Date",
  );
  optional(
    "user",
    (value) => typeof value === "string" && USER.test(value),
    "a user name of lower-case letters, digits, _ and -, starting with a letter or _",
  );
  optional(
    "loginHost",
    (value) => typeof value === "string" && HOST.test(value),
    "a host name of letters, digits, - and dots",
  );
  optional("firstJobId", (value) => isCount(value, 1), "a whole number of 1 or more");
  optional(
    "seed",
    (value) => typeof value === "number" && Number.isFinite(value),
    "a finite number",
  );
  for (const key of ["faults", "engine", "commandLog"]) optional(key, isObject, "an object");
  optional(
    "commands",
    (value) => isObject(value) && Object.values(value).every((item) => typeof item === "function"),
    "an object of command names to handler functions",
  );
  if (given.nodes !== undefined) checkNodes(given.nodes);
  if (given.queues !== undefined) checkQueues(given.queues);
}

function checkNodes(nodes: unknown): void {
  check(Array.isArray(nodes) && nodes.length > 0, "nodes", nodes, "a non-empty list of nodes");
  nodes.forEach((node: unknown, index) => {
    const field = `nodes[${index}]`;
    check(isObject(node), field, node, "a node { name, cpus, memoryMB, gpus? }");
    const name = node.name;
    check(typeof name === "string" && NODE.test(name), `${field}.name`, name, "a node name");
    check(isCount(node.cpus, 1), `${field}.cpus`, node.cpus, "a whole number of 1 or more");
    check(
      isCount(node.memoryMB, 1),
      `${field}.memoryMB`,
      node.memoryMB,
      "a whole number of megabytes, 1 or more",
    );
    if (node.gpus !== undefined) {
      check(isCount(node.gpus, 0), `${field}.gpus`, node.gpus, "a whole number of 0 or more");
    }
  });
}

function checkQueues(queues: unknown): void {
  check(Array.isArray(queues) && queues.length > 0, "queues", queues, "a non-empty list of queues");
  queues.forEach((queue: unknown, index) => {
    const field = `queues[${index}]`;
    check(isObject(queue), field, queue, "a queue { name, default?, nodes?, … }");
    const name = queue.name;
    check(
      typeof name === "string" && name.trim() !== "" && !CONTROL.test(name),
      `${field}.name`,
      name,
      "a non-empty name without control characters",
    );
    if (queue.nodes !== undefined) {
      check(
        Array.isArray(queue.nodes) && queue.nodes.every((node) => typeof node === "string"),
        `${field}.nodes`,
        queue.nodes,
        "a list of node names",
      );
    }
  });
}
