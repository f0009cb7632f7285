import './shell.css';
import { useEffect } from 'react';
import { openFromHash } from '../state/actions.ts';
import { startHashSync } from '../state/hash-sync.ts';
import { useFileName, useModel, useStatus, useStore } from '../state/store.ts';
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

  // A link opens what it names, once; from then on the hash follows the view.
  useEffect(() => {
    openFromHash();
    return startHashSync();
  }, []);

  // Tests (and anything else outside React) wait on this, never on sleeps.
  useEffect(() => {
    document.body.dataset.state = status;
  }, [status]);
  // Set while the second pass checks contents after the image is shown (headers first).
  const checking = useStore((s) => s.checking !== null && !s.checking.stopped);
  useEffect(() => {
    document.body.dataset.checking = checking ? 'running' : 'done';
  }, [checking]);

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
