// What a job file and a cluster profile of the config file check alike: their errors as the
// file's InputFileError, their attributes (the options a settings file may set) and their
// "resources:" mapping, by the rules of src/job/_yaml_keys.ts.

import {
  ATTRIBUTE_CHECKS,
  checkAttributes,
  checkResources,
  isMapping,
  type KeyProblem,
  lineInBlock,
} from "../src/job/_yaml_keys.ts";
import { InputFileError } from "./errors.ts";

/** The problems of a file, thrown as its `InputFileError` (`kind`: "job file", "config file"). */
export function fileProblem(kind: string, file: string): KeyProblem {
  return (problem, key, line, cause) => {
    throw new InputFileError(
      kind,
      file,
      problem,
      key,
      line,
      cause === undefined ? undefined : { cause },
    );
  };
}

/**
 * The attributes among a mapping's keys, checked; those set to `null` ("not set") left out.
 *
 * @param given The mapping (a job file, a profile).
 * @param text The file's text, to find the names inside `vars:`.
 * @param keyLine The line of one of the mapping's keys.
 * @param unknown The problem of a key that is no attribute.
 * @param fail Reports a problem (keys relative to the mapping).
 */
export function checkedAttributes(
  given: Readonly<Record<string, unknown>>,
  text: string,
  keyLine: (key: string) => number | undefined,
  unknown: (key: string) => string,
  fail: KeyProblem,
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const key of ATTRIBUTE_CHECKS.keys()) if (key in given) attributes[key] = given[key];
  checkAttributes(
    attributes,
    { attribute: keyLine, variable: (name) => lineInBlock(text, keyLine("vars"), name) },
    unknown,
    fail,
  );
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) delete attributes[key];
  }
  return attributes;
}

/**
 * A `resources:` value, checked as `JobScript` checks resources; `undefined` when not given.
 *
 * @param value The value of the `resources` key.
 * @param field The name the resources' messages give (the job's, the cluster's).
 * @param lines The line of the `resources` key, and of a resource key inside it.
 * @param fail Reports a problem (keys `resources` and `resources.KEY`).
 */
export function checkedResources(
  value: unknown,
  field: string,
  lines: { block: number | undefined; key(key: string): number | undefined },
  fail: KeyProblem,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    fail('"resources" must be a mapping of resource keys to values', "resources", lines.block);
  }
  const resources = { ...value as Record<string, unknown> };
  checkResources(
    resources,
    field,
    lines.key,
    (problem, key, line, cause) =>
      fail(problem, key === undefined ? "resources" : `resources.${key}`, line, cause),
  );
  return resources;
}
