import './viewer.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { concatBytes } from '../../core/bytes.ts';
import { type ContentKind, contentKind, hexLines, trimPartial } from '../../core/content-kind.ts';
import { fileBlob, readContent, readMoreContent } from '../../state/content-actions.ts';
import { saveBlob } from '../../state/save-blob.ts';
import { useContent, useDetails, useImageIndex, useLayer, useRequest } from '../../state/store.ts';
import { displayName } from '../display.ts';
import { formatBytes } from '../format.ts';
import { RequestError } from '../RequestError.tsx';
import { VersionDiff } from './VersionDiff.tsx';

/** Whether the last input was a key that moves through a list (then the page is not scrolled). */
let steppingByKeys = false;
if (typeof window !== 'undefined') {
  const KEYS = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End']);
  window.addEventListener(
    'keydown',
    (e) => {
      steppingByKeys = KEYS.has(e.key);
    },
    true,
  );
  window.addEventListener(
    'pointerdown',
    () => {
      steppingByKeys = false;
    },
    true,
  );
}

/**
 * The selected file's content: text with line numbers, a hex dump for binary data, images as
 * images. Large files are shown a page at a time. Nothing is ever rendered as HTML: text goes in
 * as text, SVG only through an <img>.
 */
export function FileViewer() {
  const details = useDetails();
  const imageIndex = useImageIndex();
  const layer = useLayer();
  const content = useContent();
  const request = useRequest('content');
  const path = details?.pathId ?? null;
  const hasContent = details !== null && (details.kind === 'file' || details.kind === 'hardlink');

  useEffect(() => {
    if (path !== null && hasContent) void readContent(imageIndex, path, layer);
  }, [path, hasContent, imageIndex, layer]);

  // Only the content of the file shown here, never a late answer for another one.
  const mine =
    content && content.path === path && content.layer === layer && content.image === imageIndex
      ? content
      : null;
  const pages = mine?.pages ?? NO_PAGES;
  const size = mine?.size ?? details?.size ?? 0;
  const [hexShown, setHexShown] = useState(HEX_PAGE);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new file starts at its first page
  useEffect(() => setHexShown(HEX_PAGE), [path, layer, imageIndex]);
  const loaded = pages.reduce((n, p) => n + p.length, 0);
  const bytes = useMemo(() => concatBytes(pages), [pages]);
  const kind: ContentKind | null = pages.length > 0 ? contentKind(bytes) : null;
  const loading = request?.status === 'loading';

  // Where the viewer sits below the tree (narrow windows), a file chosen by a click or a filter
  // match is brought into view; stepping through the tree with the keys leaves the page alone.
  const box = useRef<HTMLElement>(null);
  const shownFor = useRef<number | null>(null);
  const arrived = pages.length > 0;
  useEffect(() => {
    if (path === null || !hasContent || !arrived || shownFor.current === path) return;
    shownFor.current = path;
    const element = box.current;
    if (steppingByKeys || !element || !window.matchMedia('(max-width: 1100px)').matches) return;
    const { top, bottom } = element.getBoundingClientRect();
    if (top > window.innerHeight - 160 || bottom < 0) element.scrollIntoView({ block: 'start' });
  }, [path, hasContent, arrived]);

  if (!details || !hasContent) return null;
  return (
    <section className="viewer" aria-label="File content" ref={box}>
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
      <RequestError name="content" />
      <RequestError name="file-download" />
      {loading && pages.length === 0 && <p className="muted">Reading…</p>}
      {kind?.kind === 'text' && <TextLines bytes={bytes} complete={loaded >= size} />}
      {kind?.kind === 'binary' && (
        <pre className="hex" data-testid="hex-view">
          {hexLines(bytes.subarray(0, hexShown), 0).join('\n')}
        </pre>
      )}
      {kind?.kind === 'binary' && Math.min(hexShown, size) < size && (
        <button
          type="button"
          disabled={loading}
          onClick={() => {
            // More of what was read first; past it, read on.
            if (hexShown + HEX_PAGE > loaded) void readMoreContent();
            setHexShown((shown) => shown + HEX_PAGE);
          }}
        >
          Show more ({formatBytes(size - Math.min(hexShown, size))} not shown)
        </button>
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
        <button type="button" onClick={() => void readMoreContent()} disabled={loading}>
          Show more ({formatBytes(size - loaded)} not shown)
        </button>
      )}
      <VersionDiff />
    </section>
  );
}

const NO_PAGES: Uint8Array[] = [];
/** Bytes of hex dump shown at a time (4,096 lines). */
const HEX_PAGE = 64 << 10;

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
      if (!live || !blob) return;
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

async function downloadFile(
  image: number,
  path: number,
  layer: number,
  fullPath: string,
  size: number,
) {
  const blob = await fileBlob(image, path, layer, size);
  if (blob) saveBlob(blob, fullPath.split('/').at(-1) || 'file');
}
