import { cancelLoad } from '../state/actions.ts';
import { useProgress, useStatus, useStore } from '../state/store.ts';
import { formatBytes, formatDuration } from './format.ts';

/** Bytes read, speed, time left and the current layer, with a cancel button. */
export function LoadProgress() {
  const status = useStatus();
  const progress = useProgress();
  const startedAt = useStore((s) => s.startedAt);
  if (status !== 'loading') return null;
  const total = progress?.bytesTotal ?? 0;
  const done = progress?.bytesRead ?? 0;
  const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
  const rate = done / seconds;
  const left = rate > 0 ? (total - done) / rate : Number.NaN;
  return (
    <div className="load-progress" role="status" aria-live="polite">
      <progress max={total || 1} value={done} aria-label="Reading the archive" />
      <span className="load-figures">
        {formatBytes(done)} of {formatBytes(total)} · {formatBytes(rate)}/s · {formatDuration(left)}{' '}
        left
        {progress && progress.layerCount > 0 && (
          <>
            {' '}
            · layer {Math.min(progress.layersDone + 1, progress.layerCount)} of{' '}
            {progress.layerCount}
          </>
        )}
      </span>
      <button type="button" onClick={cancelLoad}>
        Cancel
      </button>
    </div>
  );
}
