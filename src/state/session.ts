import type { SourceSpec } from '../core/bytes.ts';
import type { Problem } from '../core/errors.ts';
import { ArchiveSession, isCancellation } from '../worker/session.ts';
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

/** Requests where a newer one makes the older useless (another file selected, a new filter). */
const SUPERSEDED: ReadonlySet<RequestName> = new Set([
  'view',
  'details',
  'filter',
  'content',
  'version-diff',
  'archive-entry',
  'compare',
  'compare-path',
  'packages',
]);
const running = new Map<RequestName, AbortController>();

/**
 * Runs one request against the open session and records `{status, error}` under its name, so the
 * view that asked can show loading, its result or a readable error. Each request gets an
 * AbortSignal: a newer request of a kind in SUPERSEDED aborts the older one (the worker stops
 * reading for it), and ending the session aborts everything. A cancellation is not an error: it
 * resolves to undefined and records nothing. Failures resolve to undefined too, after being
 * recorded.
 */
export async function tracked<T>(
  name: RequestName,
  run: (session: ArchiveSession, signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  const session = current;
  const set = useStore.getState().requestChanged;
  if (!session) return undefined;
  const controller = new AbortController();
  if (SUPERSEDED.has(name)) {
    running.get(name)?.abort();
    running.set(name, controller);
  }
  set(name, { status: 'loading', error: null });
  try {
    const value = await run(session, controller.signal);
    if (session === current && !controller.signal.aborted)
      set(name, { status: 'done', error: null });
    return controller.signal.aborted ? undefined : value;
  } catch (error) {
    if (session !== current || controller.signal.aborted) return undefined;
    if (isCancellation(error)) set(name, { status: 'idle', error: null });
    else set(name, { status: 'error', error: messageOf(error) });
    return undefined;
  } finally {
    if (running.get(name) === controller) running.delete(name);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
