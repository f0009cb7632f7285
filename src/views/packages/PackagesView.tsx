import './packages.css';
import { useMemo, useState } from 'react';
import type { PackageRow } from '../../core/packages/catalog.ts';
import { revealPath, selectLayer } from '../../state/explorer-actions.ts';
import { downloadSbom } from '../../state/packages-actions.ts';
import { useCurrentImage, usePackages, useStore } from '../../state/store.ts';
import { formatBytes } from '../format.ts';
import { readableCommand } from '../format-command.ts';
import { RequestError } from '../RequestError.tsx';
import { LayerPackageChanges } from './LayerPackageChanges.tsx';
import { PackageTable, type SortKey } from './PackageTable.tsx';

/**
 * The Packages tab: every package the image's databases and manifests list, which layer installed
 * it, what it owns and weighs; what each layer did to the packages; the files no package owns;
 * and the SBOM downloads.
 */
export function PackagesView({ onShowFiles }: { onShowFiles: () => void }) {
  const found = usePackages();
  const progress = useStore((s) => s.packagesProgress);
  const image = useCurrentImage();
  const [query, setQuery] = useState('');
  const [type, setType] = useState('');
  const [layer, setLayer] = useState<number | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'name',
    descending: false,
  });
  const rows = useMemo(() => {
    if (!found) return [];
    const needle = query.trim().toLowerCase();
    const kept = found.packages.filter(
      (p) =>
        (!type || p.type === type) &&
        (layer === null || p.layer === layer) &&
        (!needle || p.name.toLowerCase().includes(needle) || p.purl.toLowerCase().includes(needle)),
    );
    return sortRows(kept, sort.key, sort.descending);
  }, [found, query, type, layer, sort]);

  if (!found)
    return (
      <section className="packages" aria-label="Packages">
        <RequestError name="packages" />
        {progress && (
          <p role="status" className="muted">
            Cataloguing packages…{' '}
            {progress.total > 0 ? `${progress.done} of ${progress.total} files read` : ''}
          </p>
        )}
      </section>
    );
  const types = [...new Set(found.packages.map((p) => p.type))].sort();
  const byType = types.map((t) => `${found.packages.filter((p) => p.type === t).length} ${t}`);
  const openLayer = (l: number) => {
    void selectLayer(l);
    onShowFiles();
  };
  const commandOf = (l: number) =>
    readableCommand(image?.history.find((h) => h.layer === l)?.createdBy ?? '');
  return (
    <section className="packages" aria-label="Packages">
      <div className="packages-head">
        <h2 data-testid="package-count">
          {found.packages.length.toLocaleString()} package{found.packages.length === 1 ? '' : 's'}
          {byType.length > 0 && <span className="muted"> ({byType.join(', ')})</span>}
        </h2>
        <div className="sbom-buttons">
          <span className="muted">SBOM:</span>
          <button type="button" onClick={() => downloadSbom('cyclonedx')}>
            CycloneDX 1.6
          </button>
          <button type="button" onClick={() => downloadSbom('spdx')}>
            SPDX 2.3
          </button>
        </div>
      </div>
      {found.problems.length > 0 && (
        <ul className="package-problems" aria-label="Package data that could not be read">
          {found.problems.slice(0, 20).map((p, i) => (
            <li key={i}>
              <code>{p.path}</code>: {p.message}
            </li>
          ))}
        </ul>
      )}
      <div className="packages-tools">
        <input
          type="search"
          aria-label="Search packages"
          placeholder="Search by name or purl"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label>
          Type{' '}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">all</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Layer{' '}
          <select
            value={layer ?? ''}
            onChange={(e) => setLayer(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">all layers</option>
            {found.layers.map((l, i) => (
              <option key={i} value={i}>
                {i}: {l.added.length} added, {l.changed.length} changed, {l.removed.length} removed
              </option>
            ))}
          </select>
        </label>
      </div>
      {layer !== null && found.layers[layer] && (
        <LayerPackageChanges
          layer={layer}
          command={commandOf(layer)}
          changes={found.layers[layer]!}
          onOpenLayer={openLayer}
        />
      )}
      <PackageTable
        rows={rows}
        sort={sort}
        onSort={(key) =>
          setSort((s) => ({
            key,
            descending: s.key === key ? !s.descending : key === 'bytes' || key === 'files',
          }))
        }
        onOpenLayer={openLayer}
      />
      <section className="unowned" aria-label="Files no package owns">
        <h3>
          Files no package owns: {found.unownedCount.toLocaleString()} (
          {formatBytes(found.unownedBytes)})
        </h3>
        <p className="muted">
          What COPY, ADD and downloads in RUN steps put in the image, and files made at install
          time. The largest:
        </p>
        <ol className="unowned-list">
          {found.unowned.slice(0, 50).map((f) => (
            <li key={f.path}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onShowFiles();
                  void revealPath(f.path);
                }}
              >
                {f.path}
              </button>{' '}
              <span className="muted">{formatBytes(f.bytes)}</span>
            </li>
          ))}
        </ol>
      </section>
    </section>
  );
}

function sortRows(rows: PackageRow[], key: SortKey, descending: boolean): PackageRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const order =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * order || a.name.localeCompare(b.name);
  });
}
