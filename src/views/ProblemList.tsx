import type { Problem } from '../core/errors.ts';

/** Problems as a list: each message with where it happened. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  return (
    <ul>
      {problems.map((p, i) => (
        <li key={i} data-code={p.code}>
          {p.message}
          {p.detail && <span className="problem-detail"> ({p.detail})</span>}
        </li>
      ))}
    </ul>
  );
}
