import { useRef } from 'react';
import { openFile, openSample } from '../state/actions.ts';

/** "Choose file" over a hidden file input, and the sample image. */
export function OpenButtons() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="open-buttons">
      <button type="button" className="primary" onClick={() => input.current?.click()}>
        Choose file
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void openFile(file, file.name);
          event.target.value = '';
        }}
      />
      <button type="button" onClick={() => void openSample()}>
        Open the sample image
      </button>
    </div>
  );
}
