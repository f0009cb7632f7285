import { cancelDownload, download } from '../../state/export-actions.ts';
import {
  useAnalysis,
  useCurrentImage,
  useImageIndex,
  useLayer,
  useStore,
} from '../../state/store.ts';
import { formatBytes } from '../format.ts';

/** Downloads for the selected layer: its blob as stored, its tar, the filesystem up to it. */
export function DownloadBar() {
  const image = useCurrentImage();
  const imageIndex = useImageIndex();
  const layer = useLayer();
  const analysis = useAnalysis();
  const view = useStore((s) => s.view);
  const progress = useStore((s) => s.exportProgress);
  const ref = image?.layers[layer];
  if (!image || !ref || !analysis) return null;
  const base = (image.tags[0] ?? image.id.slice(7, 19)).replace(/[/:]/g, '_');
  const stats = analysis.layers[layer];
  const blobName = `${base}-layer-${layer}${stats?.compression === 'gzip' ? '.tar.gz' : stats?.compression === 'zstd' ? '.tar.zst' : '.tar'}`;
  return (
    <div className="download-bar">
      <span className="muted">Download layer {layer}:</span>
      <button
        type="button"
        disabled={!ref.included}
        onClick={() =>
          void download(
            { kind: 'layer-blob', image: imageIndex, layer },
            blobName,
            ref.compressedBytes ?? 0,
          )
        }
      >
        as stored
      </button>
      <button
        type="button"
        disabled={!ref.included}
        onClick={() =>
          void download(
            { kind: 'layer-tar', image: imageIndex, layer },
            `${base}-layer-${layer}.tar`,
            stats?.size ?? 0,
          )
        }
      >
        as tar
      </button>
      <button
        type="button"
        onClick={() =>
          void download(
            { kind: 'filesystem', image: imageIndex, layer },
            `${base}-filesystem-at-layer-${layer}.tar`,
            view?.mode === 'merged' ? (view.bytes[0] ?? 0) : 0,
          )
        }
      >
        filesystem up to here, as tar
      </button>
      {progress && (
        <span className="download-progress" role="status">
          {progress.error
            ? `${progress.name}: ${progress.error}`
            : `${progress.name}: ${formatBytes(progress.bytes)}${progress.expected ? ` of about ${formatBytes(progress.expected)}` : ''}`}
          <button type="button" className="link-button" onClick={cancelDownload}>
            {progress.error ? 'dismiss' : 'cancel'}
          </button>
        </span>
      )}
    </div>
  );
}
