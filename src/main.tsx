// Tokens and base styles first: every component's style sheet builds on them.
import './views/styles/tokens.css';
import './views/styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './views/App.tsx';
import { prepareArchiveWorker } from './worker/session.ts';

// Offline after the first visit (public/sw.js); not in development, where files change as you edit.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((error: unknown) => {
    // Without it the app still works; only offline use is lost. Say so where developers look.
    console.warn('Strata works online only: the offline worker did not register.', error);
  });
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The first archive's worker starts while the page waits for a file, after the first frame.
setTimeout(prepareArchiveWorker, 0);
