import { useState } from 'react';
import { openUrl } from '../state/actions.ts';
import { parseHash } from '../state/hash-state.ts';
import { formatBytes } from './format.ts';
import { OpenButtons } from './OpenButtons.tsx';

/** The first screen: what Strata does and how to give it a file. */
export function Landing() {
  const [url, setUrl] = useState('');
  // A link made while a local file was open names that file: it cannot be fetched, so ask for it.
  const [linked] = useState(() => parseHash(location.hash));
  return (
    <section className="landing">
      {linked.file && !linked.url && (
        <p className="continue-note" role="status" data-testid="continue-note">
          This link was made with <strong>{linked.file}</strong>
          {linked.size !== undefined ? ` (${formatBytes(linked.size)})` : ''} open. Drop that file
          here, or choose it, to continue where the link points; nothing was uploaded, so the file
          itself must come from your disk.
        </p>
      )}
      <h1>Look inside a container image</h1>
      <p className="lead">
        Drop the tarball that <code>docker save</code> wrote anywhere on this page, or choose it. It
        is read right here in your browser: nothing is uploaded.
      </p>
      <OpenButtons />
      <form
        className="url-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!/^https?:\/\//i.test(url)) return;
          history.replaceState(null, '', `#url=${encodeURIComponent(url)}`);
          void openUrl(url);
        }}
      >
        <input
          type="url"
          placeholder="https://… an image tarball on a web server"
          aria-label="Archive address"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit">Open from URL</button>
      </form>
      <p className="hint">
        Make one with <code>docker save -o image.tar NAME</code>,{' '}
        <code>podman save -o image.tar NAME</code> or{' '}
        <code>skopeo copy docker://NAME docker-archive:image.tar</code>. OCI archives and
        gzip-compressed tarballs work too.
      </p>
    </section>
  );
}
