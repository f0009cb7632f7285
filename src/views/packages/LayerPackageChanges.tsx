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
  const nameOf = (purl: string) =>
    decodeURIComponent(purl.replace(/^pkg:[^/]+\//, '').split('?')[0]!);
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
