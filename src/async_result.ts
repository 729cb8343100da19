// Placeholder; implemented by the runs work (issue 4).
/** A run: the result of submitting a job script. */
export class AsyncResult {}
