import { contentKind } from '../core/content-kind.ts';
import { tracked } from './session.ts';
import { useStore } from './store.ts';

/**
 * File content for the viewer, version comparisons and the Archive view's entries: each asks the
 * open session and stores the answer with what it belongs to, so a late answer for another file
 * is never shown.
 */
const get = () => useStore.getState();
const PAGE = 256 << 10;
/** Versions compared as text up to this size; larger ones by size and hash. */
export const COMPARE_LIMIT = 2 << 20;
const latest = { content: 0, comparison: 0, entry: 0 };

/** The first page of a file as it stands at a layer. */
export async function readContent(image: number, path: number, layer: number): Promise<void> {
  const ticket = ++latest.content;
  useStore.setState({ content: null });
  const answer = await tracked('content', (s, signal) =>
    s.request({ type: 'file-bytes', image, path, layer, start: 0, length: PAGE }, signal),
  );
  if (answer && ticket === latest.content)
    useStore.setState({
      content: { image, path, layer, pages: [answer.bytes], size: answer.size },
    });
}

/** The next pages of the file shown. */
export async function readMoreContent(): Promise<void> {
  const shown = get().content;
  if (!shown) return;
  const ticket = latest.content;
  const start = shown.pages.reduce((n, p) => n + p.length, 0);
  const answer = await tracked('content', (s, signal) =>
    s.request({ ...shown, type: 'file-bytes', start, length: PAGE * 4 }, signal),
  );
  const now = get().content;
  if (answer && ticket === latest.content && now)
    useStore.setState({ content: { ...now, pages: [...now.pages, answer.bytes] } });
}

/** The whole file as a Blob, read in parts so no single message is huge. */
export function fileBlob(
  image: number,
  path: number,
  layer: number,
  size: number,
  type = 'application/octet-stream',
): Promise<Blob | undefined> {
  return tracked('file-download', async (s) => {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for (let start = 0; start < size || (size === 0 && start === 0); start += 16 << 20) {
      const answer = await s.request({
        type: 'file-bytes',
        image,
        path,
        layer,
        start,
        length: 16 << 20,
      });
      parts.push(answer.bytes as Uint8Array<ArrayBuffer>);
      if (size === 0) break;
    }
    return new Blob(parts, { type });
  });
}

/** Two versions of a path: a text diff when both are text and small, else sizes and hashes. */
export async function compareVersions(
  image: number,
  path: number,
  from: number,
  to: number,
): Promise<void> {
  const ticket = ++latest.comparison;
  useStore.setState({ comparison: null });
  const result = await tracked('version-diff', async (s, signal) => {
    const [a, b] = await Promise.all(
      [from, to].map((layer) =>
        s.request(
          { type: 'file-bytes', image, path, layer, start: 0, length: COMPARE_LIMIT },
          signal,
        ),
      ),
    );
    if (!a || !b) throw new Error('A version could not be read.');
    return { ...(await bytesCompared(a, b)), from, to };
  });
  if (result && ticket === latest.comparison)
    useStore.setState({ comparison: { ...result, path } });
}

/** Two files' first bytes: as text when both are text and whole, else sizes and sha256. */
export async function bytesCompared(
  a: { bytes: Uint8Array; size: number },
  b: { bytes: Uint8Array; size: number },
): Promise<
  | { kind: 'text'; older: string; newer: string }
  | { kind: 'binary'; sides: { size: number; sha256: string; partial: boolean }[] }
> {
  const textual = contentKind(a.bytes).kind === 'text' && contentKind(b.bytes).kind === 'text';
  if (textual && a.size <= COMPARE_LIMIT && b.size <= COMPARE_LIMIT) {
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { kind: 'text', older: decode(a.bytes), newer: decode(b.bytes) };
  }
  const sides = await Promise.all(
    [a, b].map(async (side) => ({
      size: side.size,
      sha256: await sha256(side.bytes),
      partial: side.size > COMPARE_LIMIT,
    })),
  );
  return { kind: 'binary', sides };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What each outer entry is for and how each layer is named, for the Archive view. */
export async function loadArchiveMap(image: number): Promise<void> {
  if (get().archiveMap?.image === image) return;
  const answer = await tracked('archive-map', (s) => s.request({ type: 'archive-map', image }));
  if (answer && get().imageIndex === image)
    useStore.setState({
      archiveMap: { image, roles: new Map(answer.roles), layers: answer.layers },
    });
}

/** An outer entry opened in the Archive view: its text (a JSON document) and, for a layer, its entries. */
export async function openArchiveEntry(path: string, blobPath: string | null): Promise<void> {
  const ticket = ++latest.entry;
  useStore.setState({ archiveEntry: { path, text: null, entries: null } });
  const answer = await tracked('archive-entry', async (s, signal) => {
    const [text, entries] = await Promise.all([
      s.request({ type: 'entry-text', path }, signal),
      blobPath ? s.request({ type: 'layer-entries', blobPath, limit: 500 }, signal) : null,
    ]);
    return { path, text, entries };
  });
  if (answer && ticket === latest.entry) useStore.setState({ archiveEntry: answer });
}
