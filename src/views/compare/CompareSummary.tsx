import type { ImageComparison } from '../../core/compare/compare-images.ts';
import type { ImageRecord } from '../../core/image/model.ts';
import type { Comparison } from '../../state/compare-slice.ts';
import { useStore } from '../../state/store.ts';
import { formatBytes } from '../format.ts';

/** Who is compared, what they weigh and share, their layers side by side and config differences. */
export function CompareSummary({
  comparison,
  result,
}: {
  comparison: Comparison;
  result: ImageComparison;
}) {
  const leftModel = useStore((s) => s.model);
  const fileName = useStore((s) => s.fileName);
  const left = leftModel?.images[comparison.leftImage];
  const right = comparison.rightModel?.images[comparison.rightImage];
  const rightFile = comparison.target.kind === 'file' ? comparison.target.name : fileName;
  const name = (side: { id: string; tags: string[] }) => side.tags[0] ?? side.id.slice(7, 19);
  return (
    <section className="compare-summary" aria-label="Comparison summary">
      <h2 className="compare-sides">
        <span data-testid="compare-left">{name(result.left)}</span>
        <span className="compare-arrow" aria-hidden="true">
          {' → '}
        </span>
        <span className="visually-hidden"> compared with </span>
        <span data-testid="compare-right">{name(result.right)}</span>
      </h2>
      <p className="muted">
        Left: {fileName}, image {comparison.leftImage}. Right: {rightFile}, image{' '}
        {comparison.rightImage}. Added means only on the right; removed, only on the left.
      </p>
      {result.identical && (
        <p className="identical" data-testid="compare-identical">
          Identical: the same configuration and the same files.
        </p>
      )}
      <table className="compare-totals">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Left</th>
            <th scope="col">Right</th>
            <th scope="col">Shared</th>
            <th scope="col">Only left</th>
            <th scope="col">Only right</th>
          </tr>
        </thead>
        <tbody>
          <Totals label="Uncompressed" totals={result.bytes} />
          <Totals label="Stored" totals={result.storedBytes} />
        </tbody>
      </table>
      {left && right && <AlignedLayers left={left} right={right} result={result} />}
      <ConfigDifferences result={result} />
    </section>
  );
}

function Totals({ label, totals }: { label: string; totals: ImageComparison['bytes'] }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{formatBytes(totals.left)}</td>
      <td>{formatBytes(totals.right)}</td>
      <td>{formatBytes(totals.shared)}</td>
      <td>{formatBytes(totals.onlyLeft)}</td>
      <td>{formatBytes(totals.onlyRight)}</td>
    </tr>
  );
}

/** Layer by layer from the bottom: the shared base first, then where the two diverge. */
function AlignedLayers({
  left,
  right,
  result,
}: {
  left: ImageRecord;
  right: ImageRecord;
  result: ImageComparison;
}) {
  const count = Math.max(left.layers.length, right.layers.length);
  const step = (image: ImageRecord, layer: number) =>
    image.history.find((h) => h.layer === layer)?.createdBy ?? '';
  const rows = Array.from({ length: count }, (_, i) => i);
  return (
    <div className="compare-layers-box">
      <h3>
        Layers:{' '}
        {result.commonBase > 0
          ? `the first ${result.commonBase === 1 ? 'layer is' : `${result.commonBase} layers are`} shared`
          : 'no shared base'}
        {result.commonBase < count ? `, then they diverge` : ''}
      </h3>
      <table className="compare-layers" data-testid="compare-layers">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Left</th>
            <th scope="col">Right</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => {
            const shared = i < result.commonBase;
            return (
              <tr key={i} data-shared={shared}>
                <th scope="row">
                  {i}
                  {shared && <span className="shared-tag"> shared</span>}
                </th>
                <td title={step(left, i)}>
                  {i < left.layers.length ? step(left, i) || '(no history)' : '—'}
                </td>
                <td title={step(right, i)}>
                  {shared
                    ? 'same layer'
                    : i < right.layers.length
                      ? step(right, i) || '(no history)'
                      : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const FIELD_NAMES: Record<string, string> = {
  entrypoint: 'Entrypoint',
  cmd: 'Cmd',
  workingDir: 'Working dir',
  user: 'User',
  labels: 'Labels',
  exposedPorts: 'Exposed ports',
  volumes: 'Volumes',
  platform: 'Platform',
  created: 'Created',
};

function ConfigDifferences({ result }: { result: ImageComparison }) {
  const { env, ...rest } = result.config;
  const show = (value: unknown) =>
    value === null || value === undefined || value === ''
      ? '(none)'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  const fields = Object.entries(rest);
  return (
    <div className="compare-config">
      <h3>Configuration</h3>
      {fields.length === 0 && !env ? (
        <p>Same configuration.</p>
      ) : (
        <table data-testid="config-diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Left</th>
              <th scope="col">Right</th>
            </tr>
          </thead>
          <tbody>
            {fields.map(([field, diff]) => (
              <tr key={field}>
                <th scope="row">{FIELD_NAMES[field] ?? field}</th>
                <td>{show((diff as { left: unknown }).left)}</td>
                <td>{show((diff as { right: unknown }).right)}</td>
              </tr>
            ))}
            {env?.changed.map((v) => (
              <tr key={`~${v.name}`} data-env="changed">
                <th scope="row">Env {v.name}</th>
                <td>{v.left}</td>
                <td>{v.right}</td>
              </tr>
            ))}
            {env?.added.map((v) => (
              <tr key={`+${v}`} data-env="added">
                <th scope="row">Env {v.slice(0, v.indexOf('='))} (added)</th>
                <td>(not set)</td>
                <td>{v.slice(v.indexOf('=') + 1)}</td>
              </tr>
            ))}
            {env?.removed.map((v) => (
              <tr key={`-${v}`} data-env="removed">
                <th scope="row">Env {v.slice(0, v.indexOf('='))} (removed)</th>
                <td>{v.slice(v.indexOf('=') + 1)}</td>
                <td>(not set)</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
