import type { SourceSpec } from '../core/bytes.ts';
import type { Problem } from '../core/errors.ts';
import { ArchiveSession, Cancelled, isCancellation } from '../worker/session.ts';
import type { RequestName } from './requests-slice.ts';
import { useStore } from './store.ts';

/**
 * The open archive's session. A plain open replaces it (ending the old one, which stops its
 * workers); actions reach the worker only through `tracked`, which records each request's state.
 */
let current: ArchiveSession | undefined;

export function startSession(
  source: SourceSpec,
  name: string,
  onCrash: (problem: Problem) => void,
): ArchiveSession {
  current?.end('Another file was opened.');
  const session = new ArchiveSession(source, name, (problem) => {
    if (session === current) onCrash(problem);
  });
  current = session;
  return session;
}

export function endSession(reason: string): void {
  current?.end(reason);
  current = undefined;
}

/** The open session, if any (for requests that keep their own progress, like downloads). */
export function openSession(): ArchiveSession | undefined {
  return current;
}

export function isCurrent(session: ArchiveSession): boolean {
  return session === current;
}

/**
 * Runs one request against the open session and records `{status, error}` under its name, so the
 * view that asked can show loading, its result or a readable error. A cancellation (the request
 * was overtaken, or its archive closed) is not an error: it resolves to undefined and records
 * nothing. Failures resolve to undefined too, after being recorded.
 */
export async function tracked<T>(
  name: RequestName,
  run: (session: ArchiveSession) => Promise<T>,
): Promise<T | undefined> {
  const session = current;
  const set = useStore.getState().requestChanged;
  if (!session) return undefined;
  set(name, { status: 'loading', error: null });
  try {
    const value = await run(session);
    if (session === current) set(name, { status: 'done', error: null });
    return value;
  } catch (error) {
    if (session !== current) return undefined;
    if (isCancellation(error)) set(name, { status: 'idle', error: null });
    else set(name, { status: 'error', error: messageOf(error) });
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { Cancelled, isCancellation };
