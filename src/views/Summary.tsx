import './summary.css';
import { useEffect } from 'react';
import { loadEfficiency, showInFiles, showLayerInFiles } from '../state/explorer-actions.ts';
import { useAnalysis, useCurrentImage, useRequest, useStore, useWarnings } from '../state/store.ts';
import { displayName } from './display.ts';
import { formatBytes } from './format.ts';
import { readableCommand } from './format-command.ts';

/** Config, both waste figures and what separates them, the biggest hidden files, warnings. */
export function Summary() {
  const image = useCurrentImage();
  const analysis = useAnalysis();
  const warnings = useWarnings();
  const e = useStore((s) => s.efficiency);
  const asking = useRequest('efficiency');
  // dive's figure is worked out only when this view shows it (it is for comparison).
  useEffect(() => {
    if (analysis?.complete && !e) void loadEfficiency();
  }, [analysis, e]);
  if (!image) return null;
  const c = image.config;
  return (
    <section className="summary" aria-label="Summary">
      <h2>Config</h2>
      <dl className="config">
        <dt>Entrypoint</dt>
        <dd className="mono">{c.entrypoint ? JSON.stringify(c.entrypoint) : '-'}</dd>
        <dt>Cmd</dt>
        <dd className="mono">{c.cmd ? JSON.stringify(c.cmd) : '-'}</dd>
        <dt>Working dir</dt>
        <dd className="mono">{c.workingDir || '/'}</dd>
        <dt>User</dt>
        <dd className="mono">{c.user || 'root (not set)'}</dd>
        <dt>Ports</dt>
        <dd className="mono">{c.exposedPorts.join(', ') || '-'}</dd>
        <dt>Volumes</dt>
        <dd className="mono">{c.volumes.join(', ') || '-'}</dd>
        <dt>Env</dt>
        <dd>
          <ul className="mono plain-list">
            {c.env.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        </dd>
        <dt>Labels</dt>
        <dd>
          <ul className="mono plain-list">
            {Object.entries(c.labels).map(([k, v]) => (
              <li key={k}>
                {k}={v}
              </li>
            ))}
            {Object.keys(c.labels).length === 0 && <li>-</li>}
          </ul>
        </dd>
      </dl>

      {analysis && <LayerChart />}
      {analysis?.complete && <RankedLists />}

      {analysis && !analysis.complete && (
        <p className="hint" role="status">
          The waste figures come when every layer has been read ({analysis.layersReady} of{' '}
          {analysis.layers.length} so far).
        </p>
      )}
      {analysis && analysis.reclaimableBytes !== null && (
        <>
          <h2>Wasted space</h2>
          <div className="waste-figures">
            <div className="figure" data-testid="reclaimable">
              <div className="figure-value">{formatBytes(analysis.reclaimableBytes)}</div>
              <div className="figure-label">reclaimable (Strata)</div>
              <p>
                File data stored in some layer that the final filesystem does not show: deleted,
                overwritten, hidden by an opaque folder, or copied again for a permission change.
                Each byte counted once. This is what squashing or rewriting the Dockerfile could
                save.
              </p>
            </div>
            {!e && (
              <div className="figure" data-testid="dive-efficiency" aria-busy="true">
                <div className="figure-value">…</div>
                <div className="figure-label">efficiency (dive-compatible)</div>
                <p role="status">
                  {asking?.status === 'error'
                    ? `dive's figure could not be worked out: ${asking.error}`
                    : "Working out dive's figure…"}
                </p>
              </div>
            )}
            {e && (
              <div className="figure" data-testid="dive-efficiency">
                <div className="figure-value">{(e.score * 100).toFixed(4)} %</div>
                <div className="figure-label">efficiency (dive-compatible)</div>
                <p>
                  {formatBytes(e.wastedBytes)} wasted ({e.wastedBytes.toLocaleString()} bytes) in{' '}
                  {e.inefficientFiles.length} inefficient file
                  {e.inefficientFiles.length === 1 ? '' : 's'}. dive's own figures, reproduced
                  exactly: it counts every copy of a file written twice (the surviving one too),
                  misses files removed with their folder and what opaque folders hide, so it differs
                  from the figure beside it.
                </p>
              </div>
            )}
          </div>
          {e && e.inefficientFiles.length > 0 && (
            <table className="inefficient">
              <caption>Inefficient files (dive)</caption>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col" className="num">
                    Copies
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                </tr>
              </thead>
              <tbody>
                {e.inefficientFiles.slice(0, 100).map((f) => (
                  <tr key={f.path}>
                    <td className="path">
                      <button
                        type="button"
                        className="link-button path"
                        onClick={() => void showInFiles(f.path)}
                      >
                        {displayName(f.path)}
                      </button>
                    </td>
                    <td className="num">{f.count}</td>
                    <td className="num">{formatBytes(f.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>
            Hidden files{' '}
            <span className="muted">
              {analysis.hiddenFileCount.toLocaleString()} in all, largest first
            </span>
          </h2>
          <p className="hint">
            A file deleted in a later layer still ships in the image: anyone with the tarball can
            read it.
          </p>
          {analysis.hiddenFiles.length === 0 ? (
            <p>None: every byte stored is visible in the final filesystem.</p>
          ) : (
            <table className="hidden-files">
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Stored in</th>
                  <th scope="col">Hidden by</th>
                  <th scope="col">How</th>
                </tr>
              </thead>
              <tbody>
                {analysis.hiddenFiles.slice(0, 50).map((f, i) => (
                  <tr key={i} data-secret={f.secret}>
                    <td className="path">
                      <button
                        type="button"
                        className="link-button path"
                        onClick={() => void showInFiles(f.path, f.storedIn)}
                      >
                        /{displayName(f.path)}
                      </button>
                      {f.secret && <span className="badge secret">looks like a secret</span>}
                    </td>
                    <td className="num">{formatBytes(f.bytes)}</td>
                    <td>
                      <LayerLink layer={f.storedIn} />
                    </td>
                    <td>{f.hiddenBy >= 0 ? <LayerLink layer={f.hiddenBy} /> : '-'}</td>
                    <td>{f.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {warnings.some((w) => w.code === 'digest-mismatch') && (
        <>
          <h2>Digest warnings</h2>
          <ul>
            {warnings
              .filter((w) => w.code === 'digest-mismatch')
              .map((w) => (
                <li key={w.message}>{w.message}</li>
              ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The largest files of the final filesystem and the largest layers, ranked, each a link. */
function RankedLists() {
  const analysis = useAnalysis();
  const image = useCurrentImage();
  if (!analysis || !image) return null;
  const layers = analysis.layers
    .map((l) => ({
      index: l.index,
      size: l.size ?? 0,
      stored: image.layers[l.index]?.compressedBytes ?? null,
      command: readableCommand(image.history.find((h) => h.layer === l.index)?.createdBy ?? ''),
    }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 10);
  return (
    <div className="ranked">
      <section aria-label="Largest files">
        <h2>Largest files</h2>
        <ol className="ranked-list" data-testid="largest-files">
          {analysis.largestFiles.slice(0, 15).map((f) => (
            <li key={f.path}>
              <button
                type="button"
                className="link-button path"
                onClick={() => void showInFiles(f.path)}
              >
                {displayName(f.path)}
              </button>{' '}
              <span className="num">{formatBytes(f.bytes)}</span>{' '}
              <span className="muted">
                from <LayerLink layer={f.layer} />
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-label="Largest layers">
        <h2>Largest layers</h2>
        <ol className="ranked-list" data-testid="largest-layers">
          {layers.map((l) => (
            <li key={l.index}>
              <LayerLink layer={l.index} /> <span className="num">{formatBytes(l.size)}</span>
              {l.stored !== null && (
                <span className="muted"> ({formatBytes(l.stored)} stored)</span>
              )}{' '}
              <code className="muted">{l.command.slice(0, 80)}</code>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

/** A layer named in a table: opens Files at that layer. */
function LayerLink({ layer }: { layer: number }) {
  return (
    <button type="button" className="link-button" onClick={() => void showLayerInFiles(layer)}>
      layer {layer}
    </button>
  );
}

/**
 * Layer sizes at a glance: one bar per layer on one scale (uncompressed), with the part of it that
 * is wasted (data stored there but hidden at the top) in the deleted colour.
 */
function LayerChart() {
  const analysis = useAnalysis();
  const image = useCurrentImage();
  if (!analysis || !image) return null;
  const largest = Math.max(1, ...analysis.layers.map((l) => l.size ?? 0));
  return (
    <>
      <h2>Layers by size</h2>
      <ol className="layer-chart" aria-label="Layer sizes">
        {analysis.layers.map((l) => {
          const size = l.size ?? 0;
          const wasted = Math.min(size, l.reclaimableStored);
          const step = image.history.find((h) => h.layer === l.index);
          return (
            <li key={l.index} data-layer={l.index} data-bytes={size} data-wasted={wasted}>
              <span className="layer-chart-label">
                layer {l.index}{' '}
                <span className="muted">
                  {formatBytes(size)}
                  {wasted > 0 ? `, ${formatBytes(wasted)} wasted` : ''}
                </span>
              </span>
              <span className="layer-chart-bar" title={step?.createdBy ?? ''}>
                <span style={{ width: `${(100 * (size - wasted)) / largest}%` }} />
                {wasted > 0 && (
                  <span className="wasted" style={{ width: `${(100 * wasted) / largest}%` }} />
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </>
  );
}
