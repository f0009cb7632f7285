import { reopen } from '../state/actions.ts';
import { useCanReopen, useFileName, useProblem, useStatus, useWarnings } from '../state/store.ts';
import { ProblemList } from './ProblemList.tsx';

/** The error that stopped reading, and the warnings of a file that was read with trouble. */
export function ProblemMessage() {
  const status = useStatus();
  const problem = useProblem();
  const warnings = useWarnings();
  const canReopen = useCanReopen();
  const fileName = useFileName();
  return (
    <>
      {status === 'error' && problem && (
        <div className="problem" role="alert" data-code={problem.code}>
          <strong>{problem.message}</strong>
          {problem.detail && <div className="problem-detail">{problem.detail}</div>}
          {canReopen && (
            <div>
              <button type="button" onClick={() => void reopen()}>
                Reopen {fileName}
              </button>
            </div>
          )}
        </div>
      )}
      {warnings.length > 0 && (
        <details className="warnings">
          <summary>
            {warnings.length} warning{warnings.length === 1 ? '' : 's'}
          </summary>
          <ProblemList problems={warnings} />
        </details>
      )}
    </>
  );
}
