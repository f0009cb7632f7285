import { useState } from 'react';
import type { PackageRow } from '../../core/packages/catalog.ts';
import { formatBytes } from '../format.ts';

export type SortKey = 'name' | 'version' | 'type' | 'layer' | 'files' | 'bytes';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' },
  { key: 'version', label: 'Version' },
  { key: 'type', label: 'Type' },
  { key: 'layer', label: 'Layer' },
  { key: 'files', label: 'Files', numeric: true },
  { key: 'bytes', label: 'Bytes', numeric: true },
];
const ROW = 30;
const HEIGHT = 480;

/**
 * The packages as a table whose rows are virtualised: only the rows in view are in the page (two
 * spacer rows stand for the others), so thousands of packages scroll as quickly as ten.
 */
export function PackageTable({
  rows,
  sort,
  onSort,
  onOpenLayer,
}: {
  rows: PackageRow[];
  sort: { key: SortKey; descending: boolean };
  onSort: (key: SortKey) => void;
  onOpenLayer: (layer: number) => void;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW) - 5);
  const last = Math.min(rows.length, Math.ceil((top + HEIGHT) / ROW) + 5);
  if (rows.length === 0) return <p className="muted package-empty">No package matches.</p>;
  return (
    <section
      className="package-scroll"
      aria-label="Package list"
      style={{ maxHeight: HEIGHT + ROW }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      // A scrolling region must be reachable from the keyboard.
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls; keys must reach it
      tabIndex={0}
    >
      <table className="package-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={
                  sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'
                }
              >
                <button type="button" className="link-button" onClick={() => onSort(c.key)}>
                  {c.label}
                  {sort.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr className="spacer" style={{ height: first * ROW }} />}
          {rows.slice(first, last).map((p) => (
            <tr key={`${p.purl}\0${p.source}`} data-purl={p.purl} style={{ height: ROW }}>
              <td className="package-name" title={`${p.purl}\nfrom ${p.source}`}>
                {p.name}
              </td>
              <td className="mono">{p.version || '—'}</td>
              <td>{p.type}</td>
              <td>
                <button type="button" className="link-button" onClick={() => onOpenLayer(p.layer)}>
                  layer {p.layer}
                </button>
              </td>
              <td className="num">{p.files.toLocaleString()}</td>
              <td className="num">{formatBytes(p.bytes)}</td>
            </tr>
          ))}
          {last < rows.length && (
            <tr className="spacer" style={{ height: (rows.length - last) * ROW }} />
          )}
        </tbody>
      </table>
    </section>
  );
}
