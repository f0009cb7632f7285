import { useStatus, useStore, useVerification } from '../state/store.ts';
import { ProblemList } from './ProblemList.tsx';

/**
 * Where the digest checks stand: running, every layer matching, which layer failed and what was
 * expected, or that the checks could not run. A checker that failed is never shown as success.
 */
export function VerificationStatus() {
  const status = useStatus();
  const verification = useVerification();
  if (status !== 'ready') return null;
  return (
    <>
      <ContentCheck />
      <DigestStatus verification={verification} />
    </>
  );
}

/**
 * Large files were skipped to show the image sooner; those whose content decides a change
 * (rewritten with the same size) are being read. Until then such a change may be counted as
 * modified where it was only a copy.
 */
function ContentCheck() {
  const checking = useStore((s) => s.checking);
  if (!checking) return null;
  return (
    <p
      className="verification"
      role="status"
      data-checking={checking.stopped ? 'stopped' : 'running'}
    >
      {checking.stopped
        ? `Could not check the contents of ${checking.total} large file${checking.total === 1 ? '' : 's'}: files rewritten with the same size may be counted as modified.`
        : `Checking contents… ${checking.done} of ${checking.total} large file${checking.total === 1 ? '' : 's'} rewritten with the same size`}
    </p>
  );
}

/**
 * Places to decode gzip layers from are being found (the seek index); the digest check waits for
 * them, and a file deep in such a layer opens once they reach it.
 */
function IndexingStatus() {
  const indexing = useStore((s) => s.indexing);
  if (!indexing || indexing.total === 0) return null;
  const percent = Math.floor((100 * indexing.done) / indexing.total);
  return (
    <p className="verification" role="status" data-indexing="running">
      Indexing compressed data… {percent}% · then any file in it opens at once; the digest check
      follows
    </p>
  );
}

function DigestStatus({ verification }: { verification: ReturnType<typeof useVerification> }) {
  switch (verification.state) {
    case 'waiting':
      return <IndexingStatus />;
    case 'running':
      return (
        <p className="verification" role="status" data-verification="running">
          Verifying layers…
          {verification.total > 0 && ` ${verification.done} of ${verification.total} checked`}
          {verification.kept > 0 &&
            ` · ${verification.kept === 1 ? '1 compressed layer' : `${verification.kept} compressed layers`} kept on disk: ${verification.kept === 1 ? 'its' : 'their'} files open at once`}
        </p>
      );
    case 'failed':
      return (
        <p className="verification problem" role="status" data-verification="failed">
          Could not verify the layers' digests: {verification.message}
        </p>
      );
    case 'done': {
      const { total, problems } = verification;
      if (problems.length === 0)
        return (
          <p className="verification" role="status" data-verification="passed">
            {total === 1
              ? 'The layer matches its digests.'
              : `All ${total} layers match their digests.`}
          </p>
        );
      return (
        <div className="verification problem" role="status" data-verification="mismatch">
          <strong>
            {problems.length === 1
              ? 'A layer does not match its digest:'
              : `${problems.length} digest checks failed:`}
          </strong>
          <ProblemList problems={problems} />
        </div>
      );
    }
  }
}
