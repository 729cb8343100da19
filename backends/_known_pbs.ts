/**
 * The qsub options and `-l` resources Torque accepts, for the warnings on pass-through keys:
 * qsub(1B) and pbs_resources(7B) of Torque 6.1, with the Cray `mpp*` resources. Also the
 * pass-through rule the whole qsub family shares (Torque, PBS Pro, SGE). Private data of the
 * PBS backends.
 *
 * @module
 */

import type { KnownOptions, PassThrough } from "../src/core/known_options.ts";
import type { ExtraValue } from "../src/core/resources.ts";

/**
 * How the PBS and SGE backends pass a key through: `true` makes a flag (`V` → `-V`), any other
 * value a resource (`pmem` → `-l pmem=…`) unless the key is an option already (`-W`).
 */
export function qsubPassThrough(key: string, value: ExtraValue): PassThrough {
  const name = key.replace(/=$/, "");
  if (value === true) return { option: name.startsWith("-") ? name : `-${name}` };
  return name.startsWith("-") ? { option: name } : { resource: name };
}

/** The letters of single-letter options, as `-X` options. */
export function dashed(letters: string): string[] {
  return [...letters].map((letter) => `-${letter}`);
}

// -a date_time, -A account, -b seconds, -c checkpoint, -C prefix, -d/-D path, -e path, -f,
// -F arguments, -h, -I, -j join, -k keep, -K delay, -l resources, -L NUMA, -m mail, -M users,
// -n, -N name, -o path, -p priority, -P proxy user, -q destination, -r y|n, -S shell,
// -t array, -T script, -u users, -v variables, -V, -W attributes, -x, -X, -z.
const TORQUE_OPTIONS = dashed("aAbcCdDefFhIjkKlLmMnNopPqrStTuvVWxXz");

const TORQUE_RESOURCES = [
  "arch",
  "cput",
  "epilogue",
  "feature",
  "file",
  "gres",
  "host",
  "mem",
  "mppdepth",
  "mpparch",
  "mpphost",
  "mpplabels",
  "mppmem",
  "mppnodes",
  "mppnppn",
  "mppwidth",
  "naccesspolicy",
  "ncpus",
  "nice",
  "nodes",
  "opsys",
  "other",
  "pcput",
  "pmem",
  "procs",
  "procs_bitmap",
  "prologue",
  "pvmem",
  "qos",
  "signal",
  "software",
  "trl",
  "vmem",
  "walltime",
];

/** The table of the Torque (`pbs`) backend. */
export const pbsKnownOptions: KnownOptions = Object.freeze({
  reference: "qsub(1B) and pbs_resources(7B), Torque 6.1",
  options: Object.freeze(TORQUE_OPTIONS),
  resources: Object.freeze(TORQUE_RESOURCES),
  passThrough: qsubPassThrough,
});
