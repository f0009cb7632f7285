import './timeline.css';
import { useEffect, useState } from 'react';
import { selectLayer, stepLayer } from '../state/explorer-actions.ts';
import { useAnalysis, useCurrentImage, useLayer, usePackages } from '../state/store.ts';
import { formatBytes } from './format.ts';
import { readableCommand } from './format-command.ts';

const FOLD = 90;

/**
 * Every history step in order. Steps that made a layer show its size and changes and select it;
 * the others are dimmed, which is why history and layers differ in number. `[` and `]` step.
 */
export function Timeline() {
  const image = useCurrentImage();
  const analysis = useAnalysis();
  const layer = useLayer();
  const packages = usePackages();
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Typing `[` into the filter box is text, not a layer step.
      const target = event.target as HTMLElement | null;
      if (
        target instanceof HTMLInputElement &&
        !['checkbox', 'radio', 'button'].includes(target.type)
      )
        return;
      if (target instanceof HTMLTextAreaElement || target?.isContentEditable) return;
      if (event.key === '[') void stepLayer(-1);
      if (event.key === ']') void stepLayer(1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The current step stays in view: on open, and as `[` and `]` move through the layers.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a newly opened image may start on the same layer number
  useEffect(() => {
    // Only the timeline's own list scrolls: the page stays where the user left it.
    const box = document.querySelector<HTMLElement>('.timeline');
    const step = box?.querySelector<HTMLElement>('.step[aria-current="step"]');
    if (!box || !step) return;
    const outer = box.getBoundingClientRect();
    const inner = step.getBoundingClientRect();
    // The part of the list the user can see: the box, cut by the window's bottom edge.
    const bottom = Math.min(outer.bottom, window.innerHeight);
    if (inner.top < outer.top) box.scrollTop -= outer.top - inner.top + 8;
    else if (inner.bottom > bottom) box.scrollTop += inner.bottom - bottom + 8;
  }, [layer, image]);

  if (!image) return null;
  // One scale for every layer, so the heavy ones stand out: uncompressed and stored sizes.
  const sizes = image.layers.map((l, i) => ({
    size: analysis?.layers[i]?.size ?? 0,
    stored: l.compressedBytes ?? 0,
  }));
  const largest = Math.max(1, ...sizes.flatMap((s) => [s.size, s.stored]));
  return (
    <nav className="timeline" aria-label="History and layers">
      <h2>
        History{' '}
        <span className="muted">
          {plural(image.history.length, 'step')} · {plural(image.layers.length, 'layer')}
        </span>
      </h2>
      <ol>
        {image.history.map((step, i) => {
          const command = readableCommand(step.createdBy);
          const long = command.length > FOLD;
          const open = unfolded.has(i);
          const ready =
            step.layer !== null && analysis !== null && step.layer < analysis.layersReady;
          const stats = ready && step.layer !== null ? analysis?.layers[step.layer] : undefined;
          const ref = step.layer !== null ? image.layers[step.layer] : undefined;
          const content = (
            <>
              <span className="step-head">
                <span className="step-layer">
                  {step.layer === null ? 'no layer' : `layer ${step.layer}`}
                </span>
                {step.created && !step.created.startsWith('0001-01-01') ? (
                  <time dateTime={step.created}>
                    {step.created.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC')}
                  </time>
                ) : (
                  <span className="muted">time not recorded</span>
                )}
              </span>
              <code className="step-command">
                {long && !open ? `${command.slice(0, FOLD)}…` : command}
              </code>
              {stats && (
                <span className="step-stats">
                  {stats.size !== null ? formatBytes(stats.size) : 'not read'}
                  {/* Symbols for the eye, words for screen readers. */}
                  <span className="stat-added" aria-hidden="true">
                    {' '}
                    +{stats.added}
                  </span>
                  <span className="stat-modified" aria-hidden="true">
                    {' '}
                    ~{stats.content + stats.metadata}
                  </span>
                  <span className="stat-deleted" aria-hidden="true">
                    {' '}
                    −{stats.deleted}
                  </span>
                  <span className="visually-hidden">
                    , {stats.added} added, {stats.content + stats.metadata} modified,{' '}
                    {stats.deleted} deleted
                  </span>
                  {stats.compression && stats.compression !== 'none' && (
                    <span className="muted"> · {stats.compression}</span>
                  )}
                </span>
              )}
              {step.layer !== null && packages?.layers[step.layer] && (
                <PackageCounts changes={packages.layers[step.layer]!} />
              )}
              {stats && step.layer !== null && (
                <LayerBar
                  size={sizes[step.layer]!.size}
                  stored={
                    stats.compression && stats.compression !== 'none'
                      ? sizes[step.layer]!.stored
                      : null
                  }
                  largest={largest}
                />
              )}
              {ref?.included && !ready && <span className="muted">reading…</span>}
              {ref && !ref.included && (
                <span className="muted">
                  {ref.foreign ? 'foreign layer, not included' : 'not in the archive'}
                </span>
              )}
            </>
          );
          return (
            <li
              key={i}
              className={step.layer === null ? 'step empty' : 'step'}
              aria-current={step.layer === layer && step.layer !== null ? 'step' : undefined}
            >
              {step.layer === null ? (
                <div
                  className="step-body"
                  title="This step changed only the config: it made no layer."
                >
                  {content}
                </div>
              ) : (
                <button
                  type="button"
                  className="step-body"
                  disabled={!ready}
                  onClick={() => void selectLayer(step.layer!)}
                >
                  {content}
                </button>
              )}
              {long && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    const next = new Set(unfolded);
                    if (open) next.delete(i);
                    else next.add(i);
                    setUnfolded(next);
                  }}
                >
                  {open ? 'fold' : 'full command'}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      <p className="hint">
        <kbd>[</kbd> and <kbd>]</kbd> step through layers.
      </p>
    </nav>
  );
}

/** What a layer did to the packages, in words (not colour alone); nothing when it did nothing. */
function PackageCounts({
  changes,
}: {
  changes: { added: string[]; removed: string[]; changed: unknown[] };
}) {
  const parts = [
    changes.added.length > 0 && `${changes.added.length} added`,
    changes.changed.length > 0 && `${changes.changed.length} changed`,
    changes.removed.length > 0 && `${changes.removed.length} removed`,
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return <span className="step-packages">packages: {parts.join(', ')}</span>;
}

/** A layer's size as a bar on the image's one scale; a thinner second bar for its stored size. */
function LayerBar({
  size,
  stored,
  largest,
}: {
  size: number;
  stored: number | null;
  largest: number;
}) {
  const width = (bytes: number) => `${Math.max(bytes > 0 ? 0.5 : 0, (100 * bytes) / largest)}%`;
  return (
    <span
      className="layer-bar"
      role="img"
      aria-label={`${formatBytes(size)} uncompressed${stored !== null ? `, ${formatBytes(stored)} stored` : ''}`}
      data-bytes={size}
    >
      <span className="layer-bar-size" style={{ width: width(size) }} />
      {stored !== null && <span className="layer-bar-stored" style={{ width: width(stored) }} />}
    </span>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
