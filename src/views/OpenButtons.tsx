import { useRef } from 'react';
import { openFile, openFolder, openSample } from '../state/actions.ts';
import { ChooseFileButton } from './ChooseFileButton.tsx';
import { filesOfInput } from './folder-files.ts';

/** "Choose file" over a hidden file input, and the sample image. */
export function OpenButtons() {
  const folder = useRef<HTMLInputElement>(null);
  return (
    <div className="open-buttons">
      <ChooseFileButton testId="file-input" onFile={(file) => void openFile(file, file.name)}>
        Choose file
      </ChooseFileButton>
      <button type="button" onClick={() => folder.current?.click()}>
        Choose folder
      </button>
      <input
        ref={(element) => {
          folder.current = element;
          // Not a React prop: the attribute that lets the input pick a folder.
          element?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        data-testid="folder-input"
        onChange={(event) => {
          if (event.target.files && event.target.files.length > 0) {
            const { name, files } = filesOfInput(event.target.files);
            void openFolder(files, name);
          }
          event.target.value = '';
        }}
      />
      <button type="button" onClick={() => void openSample()}>
        Open the sample image
      </button>
    </div>
  );
}
