import { diffLines } from 'diff';
import { useEffect, useState } from 'react';
import { Change } from '../../core/fs/history.ts';
import { client } from '../../state/client.ts';
import { useDetails, useImageIndex } from '../../state/store.ts';
import { formatBytes } from '../format.ts';
import { contentKind } from './content-kind.ts';

const LIMIT = 2 << 20;

/** For a path written by several layers: two versions side by side as a text diff, or sizes and hashes. */
export function VersionDiff() {
  const details = useDetails();
  const image = useImageIndex();
  const written = (details?.history ?? []).filter(
    (s) =>
      s.change === Change.Added ||
      s.change === Change.Content ||
      s.change === Change.Metadata ||
      s.change === Change.Unchanged,
  );
  const layers = [...new Set(written.map((s) => s.layer))];
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [result, setResult] = useState<React.ReactNode>(null);

  const key = details ? `${details.pathId}:${layers.join(',')}` : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the path or its versions change
  useEffect(() => {
    setFrom(layers.length >= 2 ? layers[layers.length - 2]! : null);
    setTo(layers.length >= 2 ? layers[layers.length - 1]! : null);
    setResult(null);
  }, [key]);

  if (!details || layers.length < 2 || from === null || to === null) return null;
  const compare = async () => {
    const [a, b] = await Promise.all(
      [from, to].map((layer) =>
        client.query({
          type: 'file-bytes',
          image,
          path: details.pathId,
          layer,
          start: 0,
          length: LIMIT,
        }),
      ),
    );
    if (!a || !b) return;
    const textual = contentKind(a.bytes).kind === 'text' && contentKind(b.bytes).kind === 'text';
    if (!textual || a.size > LIMIT || b.size > LIMIT) {
      const [ha, hb] = await Promise.all([sha256(a.bytes), sha256(b.bytes)]);
      setResult(
        <dl className="binary-diff">
          <dt>layer {from}</dt>
          <dd>
            {formatBytes(a.size)} · sha256 {a.size > LIMIT ? `(first ${formatBytes(LIMIT)}) ` : ''}
            <code>{ha}</code>
          </dd>
          <dt>layer {to}</dt>
          <dd>
            {formatBytes(b.size)} · sha256 {b.size > LIMIT ? `(first ${formatBytes(LIMIT)}) ` : ''}
            <code>{hb}</code>
          </dd>
        </dl>,
      );
      return;
    }
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const parts = diffLines(decode(a.bytes), decode(b.bytes));
    setResult(
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
      </pre>,
    );
  };

  return (
    <div className="version-diff">
      <h3>Compare versions</h3>
      <LayerSelect label="Older version" layers={layers} value={from} onChange={setFrom} /> with{' '}
      <LayerSelect label="Newer version" layers={layers} value={to} onChange={setTo} />{' '}
      <button type="button" onClick={() => void compare()}>
        Compare
      </button>
      {result}
    </div>
  );
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
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
