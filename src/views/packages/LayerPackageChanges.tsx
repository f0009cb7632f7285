import type { PackageChanges } from '../../core/packages/catalog.ts';

/** What one layer did to the packages: added, upgraded or downgraded (from → to), removed. */
export function LayerPackageChanges({
  layer,
  command,
  changes,
  onOpenLayer,
}: {
  layer: number;
  command: string;
  changes: PackageChanges;
  onOpenLayer: (layer: number) => void;
}) {
  // `pkg:deb/ubuntu/curl@7.58` reads "curl 7.58"; a distribution namespace says nothing here.
  const nameOf = (purl: string) => {
    const m = /^pkg:([^/]+)\/([^?#]+)/.exec(purl);
    if (!m) return purl;
    const parts = m[2]!.split('/').map(decodeURIComponent);
    const shown = ['deb', 'apk', 'rpm'].includes(m[1]!) ? parts.slice(-1) : parts;
    return shown.join('/').replace(/@([^@]*)$/, ' $1');
  };
  return (
    <div className="layer-packages" data-testid="layer-packages">
      <h3>
        <button type="button" className="link-button" onClick={() => onOpenLayer(layer)}>
          Layer {layer}
        </button>{' '}
        <code className="muted">{command}</code>
      </h3>
      {changes.added.length + changes.changed.length + changes.removed.length === 0 ? (
        <p className="muted">This layer changed no package.</p>
      ) : (
        <ul>
          {changes.added.map((p) => (
            <li key={`+${p}`} data-change="added">
              added {nameOf(p)}
            </li>
          ))}
          {changes.changed.map((c) => (
            <li key={`~${c.type}${c.name}`} data-change="modified">
              {c.name} {c.from} → {c.to}
            </li>
          ))}
          {changes.removed.map((p) => (
            <li key={`-${p}`} data-change="deleted">
              removed {nameOf(p)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
