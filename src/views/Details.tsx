import './details.css';
import { Change } from '../core/fs/versions.ts';
import { dirOf, normalise, resolve } from '../core/paths.ts';
import { revealPath, selectLayer } from '../state/explorer-actions.ts';
import { useCurrentImage, useDetails, useStore } from '../state/store.ts';
import { displayName } from './display.ts';
import { formatBytes } from './format.ts';
import { readableCommand } from './format-command.ts';
import { octalMode, permissionString, specialBits } from './permissions.ts';

const CHANGE_WORDS: Record<number, string> = {
  [Change.Added]: 'added',
  [Change.Content]: 'modified',
  [Change.Metadata]: 'permissions or owner changed',
  [Change.Unchanged]: 'written again, unchanged',
  [Change.Deleted]: 'deleted',
};

/** Everything about the selected path, and its history across layers. */
export function Details() {
  const d = useDetails();
  const image = useCurrentImage();
  // Ownership is known for the filesystem at the top (where the package databases say it).
  const owner = useStore((s) => {
    if (!d || !s.packages || !s.packageOwners) return null;
    const index = s.packageOwners.get(d.pathId);
    return index === undefined ? null : (s.packages.packages[index] ?? null);
  });
  const packagesKnown = useStore((s) => s.packages !== null);
  const commandOf = (layer: number) =>
    readableCommand(image?.history.find((h) => h.layer === layer)?.createdBy ?? '');
  if (!d) return <aside className="details empty-details">Select a file to see its details.</aside>;
  const linkTarget =
    d.kind === 'symlink'
      ? resolveLink(d.path, d.linkTarget)
      : d.kind === 'hardlink'
        ? `/${d.linkTarget}`
        : null;
  return (
    <aside className="details" aria-label="Details">
      <h2 className="path details-path">{displayName(d.path)}</h2>
      {d.deletedAtLayer && (
        <p className="deleted-note">Not in the filesystem at this layer: it was deleted.</p>
      )}
      <dl>
        <dt>Kind</dt>
        <dd>
          {d.implicit ? 'directory (implied by paths below it; no entry of its own)' : d.kind}
        </dd>
        {d.kind !== 'dir' && (
          <>
            <dt>Size</dt>
            <dd>
              {formatBytes(d.hardlinkSize ?? d.size)}{' '}
              <span className="muted">({(d.hardlinkSize ?? d.size).toLocaleString()} bytes)</span>
            </dd>
          </>
        )}
        {packagesKnown && d.kind !== 'dir' && (
          <>
            <dt>Package</dt>
            <dd data-testid="owner-package">
              {owner ? (
                <>
                  {owner.name} {owner.version} <span className="muted">({owner.type})</span>
                </>
              ) : (
                <span className="muted">none (no package database lists this file)</span>
              )}
            </dd>
          </>
        )}
        <dt>Permissions</dt>
        <dd className="mono">
          {permissionString(d.mode, d.kind)} <span className="muted">{octalMode(d.mode)}</span>
          {specialBits(d.mode).map((b) => (
            <span key={b} className="badge">
              {b}
            </span>
          ))}
        </dd>
        <dt>Owner</dt>
        <dd className="mono">
          {d.uid}:{d.gid}
          {(d.uname || d.gname) && (
            <span className="muted">
              {' '}
              ({d.uname || d.uid}:{d.gname || d.gid})
            </span>
          )}
        </dd>
        <dt>Modified</dt>
        <dd>
          {d.mtime
            ? new Date(d.mtime * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC')
            : '-'}
        </dd>
        {linkTarget !== null && (
          <>
            <dt>{d.kind === 'symlink' ? 'Points to' : 'Same data as'}</dt>
            <dd>
              <button
                type="button"
                className="link-button path"
                onClick={() => void revealPath(linkTarget)}
              >
                {d.kind === 'symlink' ? d.linkTarget : linkTarget}
              </button>
            </dd>
          </>
        )}
        {(d.kind === 'char' || d.kind === 'block') && (
          <>
            <dt>Device</dt>
            <dd>
              {d.devmajor}, {d.devminor}
            </dd>
          </>
        )}
        {Object.keys(d.xattrs).length > 0 && (
          <>
            <dt>Extended attributes</dt>
            <dd>
              <ul className="xattrs">
                {Object.entries(d.xattrs).map(([k, v]) => (
                  <li key={k} className="mono">
                    {k} = {JSON.stringify(v)}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        <dt>Written by</dt>
        <dd>layer {d.layer}</dd>
      </dl>
      <h3>History</h3>
      <ol className="path-history">
        {d.versions.map((step, i) => (
          <li key={i}>
            <button
              type="button"
              className="link-button"
              onClick={() => void selectLayer(step.layer)}
            >
              layer {step.layer}
            </button>{' '}
            <span
              data-change={
                step.change === Change.Deleted
                  ? 'deleted'
                  : step.change === Change.Added
                    ? 'added'
                    : 'modified'
              }
            >
              {step.implicit ? 'folder implied' : (CHANGE_WORDS[step.change] ?? 'written')}
            </span>
            {step.size > 0 && <span className="muted"> · {formatBytes(step.size)}</span>}
            <code className="path-history-command">{commandOf(step.layer).slice(0, 120)}</code>
          </li>
        ))}
      </ol>
    </aside>
  );
}

/** A symlink target as an image path: relative to the link's folder, `..` clamped at the root. */
function resolveLink(linkPath: string, target: string): string {
  return `/${resolve(dirOf(normalise(linkPath)), target)}`;
}
