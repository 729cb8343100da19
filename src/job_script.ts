// Placeholder; implemented by the model work (issue 2).
/** A job script. */
export class JobScript {}
