import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from './protocol.ts';
import {
  ArchiveSession,
  Cancelled,
  isCancellation,
  prepareArchiveWorker,
  RequestFailed,
} from './session.ts';

/** Stands in for the browser's Worker: records what the page posts and lets a test answer or crash. */
class FakeWorker {
  static made: FakeWorker[] = [];
  posted: ToWorker[] = [];
  terminated = false;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string; preventDefault: () => void }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  constructor(readonly url: URL) {
    FakeWorker.made.push(this);
  }
  postMessage(message: ToWorker) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  say(message: FromWorker) {
    this.onmessage?.({ data: message });
  }
  crash(message: string) {
    this.onerror?.({ message, preventDefault: () => {} });
  }
}

const realWorker = globalThis.Worker;
beforeEach(() => {
  FakeWorker.made = [];
  (globalThis as { Worker: unknown }).Worker = FakeWorker;
});
afterEach(() => {
  (globalThis as { Worker: unknown }).Worker = realWorker;
});

const source = { kind: 'url', url: 'http://x/a.tar', size: 1, rangeable: true } as const;
const settle = async (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('an archive session', () => {
  it('ending it terminates its worker and rejects every outstanding request as a cancellation', async () => {
    const session = new ArchiveSession(source, 'a.tar');
    const worker = FakeWorker.made[0]!;
    const opening = settle(session.open());
    const asked = settle(session.request({ type: 'analysis', image: 0 }));
    session.end();
    expect(worker.terminated).toBe(true);
    for (const result of [await opening, await asked]) {
      expect('error' in result && isCancellation(result.error)).toBe(true);
    }
    // A late answer of the ended session goes nowhere, and new requests are refused at once.
    worker.say({ type: 'answer', id: 1, answer: null });
    const late = await settle(session.request({ type: 'analysis', image: 0 }));
    expect('error' in late && late.error instanceof Cancelled).toBe(true);
  });

  it('a crash settles every pending promise with an error that says so, and tells the page once', async () => {
    const crashes: string[] = [];
    const session = new ArchiveSession(source, 'a.tar', (p) => crashes.push(p.code));
    const worker = FakeWorker.made[0]!;
    const asked = settle(session.request({ type: 'details', image: 0, path: 3, layer: 1 }));
    const reading = settle(session.open());
    worker.crash('out of memory');
    worker.crash('again');
    for (const result of [await asked, await reading]) {
      expect('error' in result && result.error instanceof RequestFailed).toBe(true);
      const problem = ((result as { error: RequestFailed }).error as RequestFailed).problem;
      expect(problem.code).toBe('worker-crashed');
      expect(problem.message).toContain('out of memory');
      expect(problem.message).toContain('a.tar');
    }
    expect(crashes).toEqual(['worker-crashed']);
    expect(worker.terminated).toBe(true);
  });

  it('answers find their own request; an aborted request is dropped and the worker told', async () => {
    const session = new ArchiveSession(source, 'a.tar');
    const worker = FakeWorker.made[0]!;
    const controller = new AbortController();
    const first = settle(
      session.request({ type: 'filter', image: 0, pattern: 'a' }, controller.signal),
    );
    const second = session.request({ type: 'entry-text', path: 'manifest.json' });
    const ids = worker.posted.flatMap((m) => (m.type === 'request' ? [m.id] : []));
    controller.abort();
    expect(worker.posted.at(-1)).toEqual({ type: 'abort', id: ids[0] });
    worker.say({ type: 'answer', id: ids[0]!, answer: new Int32Array([1]) });
    worker.say({ type: 'answer', id: ids[1]!, answer: '[]' });
    expect(await second).toBe('[]');
    const aborted = await first;
    expect('error' in aborted && isCancellation(aborted.error)).toBe(true);
  });

  it('a download whose write fails is stopped in the worker and rejects with the reason', async () => {
    const session = new ArchiveSession(source, 'a.tar');
    const worker = FakeWorker.made[0]!;
    const exported = settle(
      session.exportStream({ kind: 'layer-tar', image: 0, layer: 0 }, () => {
        throw new Error('disk full');
      }),
    );
    const id = (worker.posted.at(-1) as { id: number }).id;
    worker.say({ type: 'export-chunk', id, chunk: new Uint8Array(4) });
    const result = await exported;
    expect('error' in result && result.error instanceof RequestFailed).toBe(true);
    expect((result as { error: RequestFailed }).error.problem).toMatchObject({
      code: 'write-failed',
    });
    expect((result as { error: RequestFailed }).error.message).toContain('disk full');
    expect(worker.posted.at(-1)).toEqual({ type: 'abort', id });
  });

  it('takes the worker started before the file was chosen, once: the next session starts its own', async () => {
    prepareArchiveWorker();
    prepareArchiveWorker();
    expect(FakeWorker.made).toHaveLength(1);
    const ahead = FakeWorker.made[0]!;
    const first = new ArchiveSession(source, 'a.tar');
    void settle(first.open());
    expect(ahead.posted.map((m) => m.type)).toContain('open');
    const second = new ArchiveSession(source, 'b.tar');
    expect(FakeWorker.made).toHaveLength(2);
    void settle(second.open());
    expect(FakeWorker.made[1]!.posted.map((m) => m.type)).toContain('open');
    first.end();
    second.end();
    expect(ahead.terminated).toBe(true);
  });

  it('a worker that failed to start before the file was chosen is not taken: the session starts its own', async () => {
    prepareArchiveWorker();
    const ahead = FakeWorker.made[0]!;
    ahead.crash('the script did not load');
    const session = new ArchiveSession(source, 'a.tar');
    expect(ahead.terminated).toBe(true);
    expect(FakeWorker.made).toHaveLength(2);
    void settle(session.open());
    expect(FakeWorker.made[1]!.posted.map((m) => m.type)).toContain('open');
    expect(ahead.posted).toEqual([]);
    session.end();
  });
});
