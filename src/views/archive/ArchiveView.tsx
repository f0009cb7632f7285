import './archive.css';
import { useEffect, useMemo, useState } from 'react';
import { normalise } from '../../core/paths.ts';

import { loadArchiveMap, openArchiveEntry } from '../../state/content-actions.ts';
import { selectLayer, setMode } from '../../state/explorer-actions.ts';
import { useArchiveEntry, useArchiveMap, useImageIndex, useModel } from '../../state/store.ts';
import { displayName } from '../display.ts';
import { formatBytes } from '../format.ts';
import { readableCommand } from '../format-command.ts';
import { RequestError } from '../RequestError.tsx';
import { JsonView } from './JsonView.tsx';

/**
 * The outer tarball itself: every entry in stored order with what it is for, the way each layer is
 * named in every place the format names it, and any entry opened (JSON pretty-printed with links,
 * a layer's own tar entries).
 */
export function ArchiveView({ onOpenLayer }: { onOpenLayer: () => void }) {
  const model = useModel();
  const imageIndex = useImageIndex();
  const archiveMap = useArchiveMap();
  const map = archiveMap?.image === imageIndex ? archiveMap : null;
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    void loadArchiveMap(imageIndex);
  }, [imageIndex]);

  // Digests and paths that JSON documents mention, mapped to the entry they lead to.
  const targets = useMemo(() => {
    const out = new Map<string, string>();
    if (!model) return out;
    for (const entry of model.entries) out.set(entry.path, entry.path);
    for (const entry of model.entries) {
      const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(entry.path);
      if (m) out.set(`sha256:${m[1]}`, entry.path);
    }
    for (const image of model.images) {
      if (image.configPath) out.set(image.id, image.configPath);
      for (const layer of image.layers) {
        const where = layer.listedPath ?? layer.blobPath;
        if (!where) continue;
        if (layer.diffId && !out.has(layer.diffId)) out.set(layer.diffId, where);
        if (layer.digest && !out.has(layer.digest)) out.set(layer.digest, where);
      }
    }
    return out;
  }, [model]);

  if (!model) return null;
  const image = model.images[imageIndex];
  const linkFor = (value: string) => targets.get(value) ?? targets.get(normalise(value)) ?? null;
  const follow = (path: string) => {
    setSelected(path);
    requestAnimationFrame(() =>
      document.getElementById(`entry-${path}`)?.scrollIntoView({ block: 'nearest' }),
    );
  };

  return (
    <div className="archive-view">
      <RequestError name="archive-map" />
      {image && map && map.layers.length > 0 && (
        <section className="layer-map" aria-label="How the files name each layer">
          <h2>How the files name each layer</h2>
          <p className="hint">
            One layer, many names: its place in manifest.json, its diff_id in the config (the sha256
            of the uncompressed tar), the history step that made it, the file that holds it and, for
            older archives, the v1 layer ID its folder is named after. History steps without a layer
            changed only the config.
          </p>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Layer</th>
                  <th scope="col">History step</th>
                  <th scope="col">File</th>
                  <th scope="col">diff_id (config)</th>
                  <th scope="col">Blob digest</th>
                  <th scope="col">v1 ID → parent</th>
                </tr>
              </thead>
              <tbody>
                {map.layers.map((l) => (
                  <tr key={l.index}>
                    <td>{l.index}</td>
                    <td>
                      {l.historyStep === null ? '-' : `#${l.historyStep} `}
                      {l.createdBy && <code>{readableCommand(l.createdBy).slice(0, 60)}</code>}
                    </td>
                    <td className="path">
                      {l.listedPath ? (
                        <button
                          type="button"
                          className="link-button path"
                          onClick={() => follow(l.listedPath!)}
                        >
                          {l.listedPath}
                        </button>
                      ) : (
                        'not in the archive'
                      )}
                    </td>
                    <td className="mono digest">{l.diffId ?? '-'}</td>
                    <td className="mono digest">{l.digest ?? '-'}</td>
                    <td className="mono digest">
                      {l.v1Id
                        ? `${l.v1Id.slice(0, 12)} → ${l.v1Parent ? l.v1Parent.slice(0, 12) : 'none'}`
                        : '-'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {model.artifacts.length > 0 && (
        <section className="artifacts" aria-label="Artifacts">
          <h2>
            Artifacts <span className="muted">manifests that are not filesystems</span>
          </h2>
          <ul>
            {model.artifacts.map((a) => {
              const path = linkFor(a.digest);
              return (
                <li key={a.digest}>
                  <strong>{a.artifactType ?? 'unknown type'}</strong>{' '}
                  {path ? (
                    <button type="button" className="link-button mono" onClick={() => follow(path)}>
                      {a.digest}
                    </button>
                  ) : (
                    <code>{a.digest}</code>
                  )}
                  {a.subject && (
                    <span className="muted">
                      {' '}
                      describes <code>{a.subject.slice(0, 19)}</code>
                    </span>
                  )}
                  {a.layers.length > 0 && (
                    <span className="muted">
                      {' '}
                      · {a.layers.map((l) => l.mediaType ?? 'unknown').join(', ')}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <div className="archive-columns">
        <section className="archive-entries" aria-label="Archive entries">
          <h2>
            Files in the archive{' '}
            <span className="muted">{model.entries.length} entries, in stored order</span>
          </h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Path</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">What it is</th>
              </tr>
            </thead>
            <tbody>
              {model.entries.map((entry) => (
                <tr
                  key={entry.path}
                  id={`entry-${entry.path}`}
                  aria-selected={selected === entry.path}
                  className="entry-row"
                >
                  <td className="path">
                    <button
                      type="button"
                      className="link-button path"
                      onClick={() => setSelected(entry.path)}
                    >
                      {displayName(entry.path)}
                      {entry.kind === 'dir' ? '/' : ''}
                    </button>
                    {entry.linkname && <span className="link-target"> → {entry.linkname}</span>}
                  </td>
                  <td className="num">
                    {entry.kind === 'file' ? formatBytes(entry.size) : entry.kind}
                  </td>
                  <td className="role">{map?.roles.get(entry.path) ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {selected && (
          <EntryPanel
            path={selected}
            role={map?.roles.get(selected) ?? ''}
            linkFor={linkFor}
            onFollow={follow}
            onOpenLayer={(layer) => {
              void selectLayer(layer).then(() => setMode('changes'));
              onOpenLayer();
            }}
          />
        )}
      </div>
    </div>
  );
}

function EntryPanel({
  path,
  role,
  linkFor,
  onFollow,
  onOpenLayer,
}: {
  path: string;
  role: string;
  linkFor: (value: string) => string | null;
  onFollow: (path: string) => void;
  onOpenLayer: (layer: number) => void;
}) {
  const model = useModel();
  const imageIndex = useImageIndex();
  const opened = useArchiveEntry();
  const text = opened?.path === path ? opened.text : null;
  const entries = opened?.path === path ? opened.entries : null;
  const image = model?.images[imageIndex];
  const layer = image?.layers.find((l) => l.listedPath === path || l.blobPath === path);
  const configOf = model?.images.find((i) => i.configPath === path);

  const blobPath = layer?.blobPath ?? null;
  useEffect(() => {
    void openArchiveEntry(path, blobPath);
  }, [path, blobPath]);

  return (
    <aside className="entry-panel" aria-label="Archive entry">
      <h2 className="path">{path}</h2>
      <p>{role}</p>
      <RequestError name="archive-entry" />
      {configOf && (
        <p className="image-id" data-testid="image-id">
          Image ID (sha256 of this file): <code>{configOf.id}</code>
          <br />
          <code>docker images</code> shows <code>{configOf.id.slice(7, 19)}</code>
        </p>
      )}
      {layer && (
        <div className="layer-facts">
          <p>
            <strong>Layer {layer.index}</strong>
            {layer.diffId && (
              <>
                {' '}
                · diff_id <code className="digest">{layer.diffId}</code>
              </>
            )}
          </p>
          <button type="button" onClick={() => onOpenLayer(layer.index)}>
            Open layer {layer.index} in the explorer
          </button>
          {entries && (
            <>
              <h3>
                Its tar entries{' '}
                <span className="muted">
                  {entries.total.toLocaleString()} in all
                  {entries.total > entries.rows.length ? `, first ${entries.rows.length}` : ''}
                </span>
              </h3>
              <ul className="raw-entries">
                {entries.rows.map((e, i) => (
                  <li key={i} className="mono" data-kind={e.kind}>
                    {displayName(e.path)}
                    {e.kind === 'dir' ? '/' : ''}
                    {e.linkTarget && <span className="link-target"> → {e.linkTarget}</span>}
                    {e.path.split('/').at(-1)?.startsWith('.wh.') && (
                      <span className="badge">whiteout</span>
                    )}
                    <span className="muted">
                      {' '}
                      {e.kind === 'file' ? formatBytes(e.size) : e.kind}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {text !== null && <JsonView text={text} linkFor={linkFor} onFollow={onFollow} />}
    </aside>
  );
}
