/**
 * The qsub options and `-l` resources PBS Professional accepts, for the warnings on
 * pass-through keys: qsub(1B) and pbs_resources(7B) of PBS Professional 2022.1 / OpenPBS 22.05,
 * plus `ngpus`, the GPU resource PBS's own documentation has sites define (and the backend
 * renders). Private data of the PBS Pro backend.
 *
 * @module
 */

import type { KnownOptions } from "../src/core/known_options.ts";
import { dashed, qsubPassThrough } from "./_known_pbs.ts";

// -a date_time, -A account, -c checkpoint, -C prefix, -e path, -f, -h, -I, -j join, -J range,
// -k keep, -l resources, -m mail, -M users, -N name, -o path, -p priority, -P project,
// -q destination, -r y|n, -R remove, -S shell, -u users, -v variables, -V, -W attributes,
// -X, -z; and --version.
const OPTIONS = [...dashed("aAcCefhIjJklmMNopPqrRSuvVWXz"), "--version"];

const RESOURCES = [
  "accelerator",
  "accelerator_memory",
  "accelerator_model",
  "aoe",
  "arch",
  "cput",
  "eoe",
  "exec_vnode",
  "file",
  "host",
  "max_walltime",
  "mem",
  "min_walltime",
  "mpiprocs",
  "naccelerators",
  "ncpus",
  "ngpus",
  "nodect",
  "nodes",
  "ompthreads",
  "pcput",
  "pmem",
  "preempt_targets",
  "pvmem",
  "place",
  "select",
  "site",
  "soft_walltime",
  "software",
  "vmem",
  "vnode",
  "vntype",
  "walltime",
];

/** The table of the PBS Pro backend. */
export const pbsproKnownOptions: KnownOptions = Object.freeze({
  reference: "qsub(1B) and pbs_resources(7B), PBS Professional 2022.1",
  options: Object.freeze(OPTIONS),
  resources: Object.freeze(RESOURCES),
  passThrough: qsubPassThrough,
});
