/**
 * The progress of waiting for runs, as the CLI shows it: the library's line and display
 * (`src/run/progress.ts`), re-exported where the CLI's users found them.
 *
 * @module
 */

export { ProgressDisplay, progressLine } from "../src/run/progress.ts";
