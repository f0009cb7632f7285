import './compare.css';
import { useEffect } from 'react';
import { chooseRightImage, endComparison, leftImageChanged } from '../../state/compare-actions.ts';
import { useImageComparison, useStore } from '../../state/store.ts';
import { formatBytes } from '../format.ts';
import { RequestError } from '../RequestError.tsx';
import { CompareFiles } from './CompareFiles.tsx';
import { ComparePicker } from './ComparePicker.tsx';
import { CompareSummary } from './CompareSummary.tsx';
import { imageLabel } from './labels.ts';

/** The Compare tab: pick the other side, watch it being read, then the differences. */
export function CompareView() {
  const comparison = useImageComparison();
  const imageIndex = useStore((s) => s.imageIndex);
  // The open archive's image changed (header): compare that one against the same right side.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the left image changes
  useEffect(() => {
    void leftImageChanged();
  }, [imageIndex]);

  if (!comparison) return <ComparePicker />;
  const { phase, target, rightModel, rightImage } = comparison;
  const rightName = target.kind === 'file' ? target.name : 'this archive';
  const choices = (rightModel?.images ?? [])
    .map((image, index) => ({ image, index }))
    .filter(({ image }) => image.included);
  return (
    <div className="compare" data-phase={phase}>
      <div className="compare-bar">
        <span>
          Compared with <strong data-testid="compare-target">{rightName}</strong>
        </span>
        {choices.length > 1 && (
          <label>
            image{' '}
            <select
              value={rightImage}
              disabled={phase === 'reading'}
              onChange={(e) => void chooseRightImage(Number(e.target.value))}
            >
              {choices.map(({ image, index }) => (
                <option key={index} value={index}>
                  {imageLabel(image, index)}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={endComparison}>
          {phase === 'reading' ? 'Cancel' : 'Close comparison'}
        </button>
      </div>
      {phase === 'reading' && (
        <p role="status" className="compare-status">
          Reading {rightName}…{' '}
          {comparison.read && comparison.read.total > 0
            ? `${formatBytes(comparison.read.done)} of ${formatBytes(comparison.read.total)}`
            : ''}
        </p>
      )}
      {phase === 'comparing' && (
        <p role="status" className="compare-status">
          Comparing the two filesystems…
        </p>
      )}
      {phase === 'failed' && (
        <>
          <p role="alert" className="problem">
            {comparison.message}
          </p>
          <ComparePicker />
        </>
      )}
      <RequestError name="compare" />
      {phase === 'ready' && comparison.result && (
        <>
          <CompareSummary comparison={comparison} result={comparison.result} />
          <CompareFiles result={comparison.result} />
        </>
      )}
    </div>
  );
}
