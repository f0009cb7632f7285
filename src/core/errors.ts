/**
 * Errors are values with a code, a sentence a user understands, and where it happened.
 * Readers throw `StrataError` for what stops them and collect `Warning`s for what does not.
 */
export type ErrorCode =
  | 'empty'
  | 'truncated'
  | 'bad-checksum'
  | 'bad-header'
  | 'not-tar'
  | 'unsupported-compression'
  | 'not-an-image'
  | 'bad-manifest'
  | 'bad-json'
  | 'missing-blob'
  | 'cancelled'
  | 'bad-compression'
  | 'limit'
  | 'read-failed';

export interface Problem {
  code: string;
  message: string;
  /** Where: a path in the archive, a byte offset, a layer. */
  detail?: string;
}

export class StrataError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StrataError';
  }

  toProblem(): Problem {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** Turns anything thrown into a Problem a user can read. */
export function toProblem(error: unknown): Problem {
  if (error instanceof StrataError) return error.toProblem();
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'cancelled', message: 'Reading was cancelled.' };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'read-failed', message: `The file could not be read: ${text}` };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StrataError('cancelled', 'Reading was cancelled.');
}
