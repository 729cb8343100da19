// A transport that watches or changes the commands another transport runs, for tests that log
// commands (test/lifecycle/cases.ts) or remember submissions (test/lifecycle_real_test.ts).

import type { Transport } from "../src/core/transport.ts";

/** `inner` with its `run` replaced; everything else (files, clock, close) goes to `inner`. */
export function withRun(inner: Transport, run: Transport["run"]): Transport {
  return {
    name: inner.name,
    clock: inner.clock,
    run,
    writeFile: (path, text, options) => inner.writeFile(path, text, options),
    ...(inner.writeFiles ? { writeFiles: inner.writeFiles.bind(inner) } : {}),
    readFile: (path) => inner.readFile(path),
    mkdir: (path, options) => inner.mkdir(path, options),
    remove: (path) => inner.remove(path),
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
}
