import { useState } from 'react';
import { compareWithArchive, compareWithImage } from '../../state/compare-actions.ts';
import { useStore } from '../../state/store.ts';
import { ChooseFileButton } from '../ChooseFileButton.tsx';
import { imageLabel } from './labels.ts';

/** What to compare the open image with: a second archive (chosen or dropped) or another image of this one. */
export function ComparePicker() {
  const model = useStore((s) => s.model);
  const imageIndex = useStore((s) => s.imageIndex);
  const others = (model?.images ?? [])
    .map((image, index) => ({ image, index }))
    .filter(({ image, index }) => image.included && index !== imageIndex);
  const [chosen, setChosen] = useState<number | null>(null);
  const pick = chosen ?? others[0]?.index ?? null;
  const openFile = (file: File) =>
    void compareWithArchive(
      { kind: 'blob', blob: file },
      { kind: 'file', name: file.name, size: file.size },
    );
  return (
    <section
      className="compare-picker"
      aria-label="Compare with"
      // A file dropped here is compared with, not opened in place of the open one.
      onDragOver={(event) => {
        event.preventDefault();
        event.stopPropagation();
      }}
      onDrop={(event) => {
        event.preventDefault();
        event.stopPropagation();
        const file = event.dataTransfer.files[0];
        if (file) openFile(file);
      }}
      data-testid="compare-drop"
    >
      <h2>Compare this image with another</h2>
      <p>
        Drop a second archive here, or choose one: both stay open, and the differences (shared
        layers, configuration, files) are shown here.
      </p>
      <ChooseFileButton testId="compare-input" onFile={openFile}>
        Compare with…
      </ChooseFileButton>
      {others.length > 0 && pick !== null && (
        <p className="compare-same-archive">
          <label>
            or another image of this archive{' '}
            <select value={pick} onChange={(e) => setChosen(Number(e.target.value))}>
              {others.map(({ image, index }) => (
                <option key={index} value={index}>
                  {imageLabel(image, index)}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" onClick={() => void compareWithImage(pick)}>
            Compare
          </button>
        </p>
      )}
    </section>
  );
}
