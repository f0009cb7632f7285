import { useEffect } from 'react';
import { useFileName, useModel, useStatus } from '../state/store.ts';
import { DropZone } from './DropZone.tsx';
import { Explorer } from './Explorer.tsx';
import { Landing } from './Landing.tsx';
import { LoadProgress } from './LoadProgress.tsx';
import { OpenButtons } from './OpenButtons.tsx';
import { ProblemMessage } from './ProblemMessage.tsx';

export function App() {
  const status = useStatus();
  const model = useModel();
  const fileName = useFileName();

  // Tests (and anything else outside React) wait on this, never on sleeps.
  useEffect(() => {
    document.body.dataset.state = status;
  }, [status]);

  return (
    <DropZone>
      <header className="top-bar">
        <span className="brand">Strata</span>
        {fileName && <span className="file-name">{fileName}</span>}
        {status !== 'idle' && <OpenButtons />}
      </header>
      <main>
        <LoadProgress />
        <ProblemMessage />
        {status === 'idle' && <Landing />}
        {model && <Explorer />}
      </main>
    </DropZone>
  );
}
