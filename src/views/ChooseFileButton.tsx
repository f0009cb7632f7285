import { type ReactNode, useRef } from 'react';

/**
 * A button over a hidden file input: the one way the page asks for a file. The input is cleared
 * after each choice, so choosing the same file again is seen.
 */
export function ChooseFileButton({
  children,
  testId,
  onFile,
}: {
  children: ReactNode;
  testId: string;
  onFile: (file: File) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="primary" onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid={testId}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          event.target.value = '';
        }}
      />
    </>
  );
}
