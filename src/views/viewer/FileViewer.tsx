import { useEffect, useMemo, useState } from 'react';
import { concatBytes } from '../../core/bytes.ts';
import { client } from '../../state/client.ts';
import { saveBlob } from '../../state/save-blob.ts';
import { useDetails, useImageIndex, useLayer } from '../../state/store.ts';
import { displayName } from '../display.ts';
import { formatBytes } from '../format.ts';
import { type ContentKind, contentKind, hexLines, trimPartial } from './content-kind.ts';
import { VersionDiff } from './VersionDiff.tsx';

const PAGE = 256 << 10;

/**
 * The selected file's content: text with line numbers, a hex dump for binary data, images as
 * images. Large files are shown a page at a time. Nothing is ever rendered as HTML: text goes in
 * as text, SVG only through an <img>.
 */
export function FileViewer() {
  const details = useDetails();
  const imageIndex = useImageIndex();
  const layer = useLayer();
  const [pages, setPages] = useState<Uint8Array[]>([]);
  const [size, setSize] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const path = details?.pathId ?? null;
  const hasContent = details !== null && (details.kind === 'file' || details.kind === 'hardlink');

  useEffect(() => {
    setPages([]);
    setError(null);
    if (path === null || !hasContent) return;
    let live = true;
    setLoading(true);
    client
      .query({ type: 'file-bytes', image: imageIndex, path, layer, start: 0, length: PAGE })
      .then((answer) => {
        if (!live) return;
        setPages([answer.bytes]);
        setSize(answer.size);
      })
      .catch((e: Error) => live && setError(e.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [path, hasContent, imageIndex, layer]);

  const loaded = pages.reduce((n, p) => n + p.length, 0);
  const bytes = useMemo(() => concatBytes(pages), [pages]);
  const kind: ContentKind | null = pages.length > 0 ? contentKind(bytes) : null;

  if (!details || !hasContent) return null;
  const loadMore = () => {
    setLoading(true);
    void client
      .query({
        type: 'file-bytes',
        image: imageIndex,
        path: details.pathId,
        layer,
        start: loaded,
        length: PAGE * 4,
      })
      .then((answer) => setPages((p) => [...p, answer.bytes]))
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  };

  return (
    <section className="viewer" aria-label="File content">
      <header className="viewer-head">
        <h2 className="path">{displayName(details.path)}</h2>
        <span className="muted">
          {formatBytes(size)}
          {kind ? ` · ${kind.kind === 'image' ? kind.mime : kind.kind}` : ''}
        </span>
        <div className="viewer-actions">
          <button
            type="button"
            onClick={() => void downloadFile(imageIndex, details.pathId, layer, details.path, size)}
          >
            Download file
          </button>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(details.path)}>
            Copy path
          </button>
        </div>
      </header>
      {error && <p className="problem">{error}</p>}
      {loading && pages.length === 0 && <p className="muted">Reading…</p>}
      {kind?.kind === 'text' && <TextLines bytes={bytes} complete={loaded >= size} />}
      {kind?.kind === 'binary' && (
        <pre className="hex" data-testid="hex-view">
          {hexLines(bytes.subarray(0, 64 << 10), 0).join('\n')}
        </pre>
      )}
      {kind?.kind === 'image' && (
        <ImageContent
          imageIndex={imageIndex}
          path={details.pathId}
          layer={layer}
          size={size}
          mime={kind.mime}
        />
      )}
      {kind?.kind === 'text' && loaded < size && (
        <button type="button" onClick={loadMore} disabled={loading}>
          Show more ({formatBytes(size - loaded)} not shown)
        </button>
      )}
      <VersionDiff />
    </section>
  );
}

function TextLines({ bytes, complete }: { bytes: Uint8Array; complete: boolean }) {
  const lines = useMemo(
    () => new TextDecoder('utf-8').decode(complete ? bytes : trimPartial(bytes)).split('\n'),
    [bytes, complete],
  );
  if (complete && lines.at(-1) === '') lines.pop();
  return (
    <ol className="text-lines" data-testid="text-view">
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ol>
  );
}

/** Images (SVG included) through an <img> from a Blob URL: shown, never run. */
function ImageContent({
  imageIndex,
  path,
  layer,
  size,
  mime,
}: {
  imageIndex: number;
  path: number;
  layer: number;
  size: number;
  mime: string;
}) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    void fileBlob(imageIndex, path, layer, size, mime).then((blob) => {
      if (!live) return;
      made = URL.createObjectURL(blob);
      setUrl(made);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [imageIndex, path, layer, size, mime]);
  return url ? <img className="image-content" src={url} alt="" /> : null;
}

/** The whole file as a Blob, read in parts so no single message is huge. */
export async function fileBlob(
  image: number,
  path: number,
  layer: number,
  size: number,
  type = 'application/octet-stream',
): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let start = 0; start < size || (size === 0 && start === 0); start += 16 << 20) {
    const answer = await client.query({
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
}

async function downloadFile(
  image: number,
  path: number,
  layer: number,
  fullPath: string,
  size: number,
) {
  saveBlob(await fileBlob(image, path, layer, size), fullPath.split('/').at(-1) || 'file');
}
