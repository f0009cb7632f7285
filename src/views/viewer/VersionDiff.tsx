import { diffLines } from 'diff';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { Change } from '../../core/fs/versions.ts';
import { compareVersions } from '../../state/content-actions.ts';
import type { VersionComparison } from '../../state/content-slice.ts';
import { useComparison, useDetails, useImageIndex, useLayer } from '../../state/store.ts';
import type { VersionStep } from '../../worker/protocol.ts';
import { formatBytes } from '../format.ts';
import { RequestError } from '../RequestError.tsx';

/** For a path written by several layers: two versions side by side as a text diff, or sizes and hashes. */
export function VersionDiff() {
  const details = useDetails();
  const image = useImageIndex();
  const written = (details?.versions ?? []).filter(
    (s) =>
      s.change === Change.Added ||
      s.change === Change.Content ||
      s.change === Change.Metadata ||
      s.change === Change.Unchanged,
  );
  const layers = [...new Set(written.map((s) => s.layer))];
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const comparison = useComparison();

  const key = details ? `${details.pathId}:${layers.join(',')}` : '';
  // By default: the version the current layer shows against the one before it.
  const current = useLayer();
  const upTo = layers.filter((l) => l <= current);
  const newest = upTo.length >= 2 ? upTo : layers;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the path, its versions or the layer change
  useEffect(() => {
    setFrom(newest.length >= 2 ? newest[newest.length - 2]! : null);
    setTo(newest.length >= 2 ? newest[newest.length - 1]! : null);
  }, [key, current]);

  if (!details || layers.length < 2 || from === null || to === null) return null;
  const shown =
    comparison?.path === details.pathId && comparison.from === from && comparison.to === to
      ? comparison
      : null;
  return (
    <div className="version-diff">
      <h3>Compare versions</h3>
      <LayerSelect label="Older version" layers={layers} value={from} onChange={setFrom} /> with{' '}
      <LayerSelect label="Newer version" layers={layers} value={to} onChange={setTo} />{' '}
      <button type="button" onClick={() => void compareVersions(image, details.pathId, from, to)}>
        Compare
      </button>
      <RequestError name="version-diff" />
      <MetadataChanges
        older={written.find((s) => s.layer === from)}
        newer={written.find((s) => s.layer === to)}
      />
      {shown && <ComparisonResult comparison={shown} />}
    </div>
  );
}

/** Type, mode and owner differences between two versions, in words. */
function MetadataChanges({ older, newer }: { older?: VersionStep; newer?: VersionStep }) {
  if (!older || !newer) return null;
  const octal = (m: number) => m.toString(8).padStart(4, '0');
  const changes = [
    older.kind !== newer.kind && `type ${older.kind} → ${newer.kind}`,
    older.mode !== newer.mode && `mode ${octal(older.mode)} → ${octal(newer.mode)}`,
    (older.uid !== newer.uid || older.gid !== newer.gid) &&
      `owner ${older.uid}:${older.gid} → ${newer.uid}:${newer.gid}`,
  ].filter(Boolean);
  return (
    <p className="metadata-changes" data-testid="metadata-changes">
      {changes.length > 0 ? changes.join(' · ') : 'Same type, mode and owner.'}
    </p>
  );
}

/** A text diff, "Identical content.", or sizes and hashes; `labels` name the two sides. */
export function ComparisonResult({
  comparison,
  labels = [`layer ${comparison.from}`, `layer ${comparison.to}`],
}: {
  comparison: VersionComparison;
  labels?: [string, string];
}) {
  const parts = useMemo(
    () => (comparison.kind === 'text' ? diffLines(comparison.older, comparison.newer) : []),
    [comparison],
  );
  const identical =
    comparison.kind === 'text'
      ? comparison.older === comparison.newer
      : comparison.sides[0]!.sha256 === comparison.sides[1]!.sha256 &&
        comparison.sides[0]!.size === comparison.sides[1]!.size;
  if (identical)
    return (
      <p className="identical" data-testid="diff-identical">
        Identical content.
      </p>
    );
  if (comparison.kind === 'binary') {
    return (
      <dl className="binary-diff">
        {comparison.sides.map((side, i) => (
          <Fragment key={i}>
            <dt>{labels[i]}</dt>
            <dd>
              {formatBytes(side.size)} · sha256{' '}
              {side.partial ? `(first ${formatBytes(2 << 20)}) ` : ''}
              <code>{side.sha256}</code>
            </dd>
          </Fragment>
        ))}
      </dl>
    );
  }
  return (
    <pre className="diff" data-testid="diff-view">
      {parts.map((part, i) => (
        <span
          key={i}
          className={part.added ? 'diff-added' : part.removed ? 'diff-removed' : 'diff-same'}
        >
          {part.value
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => `${part.added ? '+' : part.removed ? '-' : ' '} ${line}`)
            .join('\n')}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function LayerSelect({
  label,
  layers,
  value,
  onChange,
}: {
  label: string;
  layers: number[];
  value: number;
  onChange: (layer: number) => void;
}) {
  return (
    <label>
      layer{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} aria-label={label}>
        {layers.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
