import { dirOf, normalise, resolve } from '../paths.ts';
import type { OuterEntry } from './model.ts';

/**
 * The outer tarball's own entries, by normalised path, with the small files kept (the JSON
 * documents: manifests, configs, indexes). Symlink and hardlink entries such as
 * `<id>/layer.tar -> ../<id2>/layer.tar` are followed by `resolve`.
 */
export class OuterIndex {
  readonly entries: OuterEntry[] = [];
  private readonly byPath = new Map<string, OuterEntry>();
  private readonly bodies = new Map<string, Uint8Array>();

  add(entry: OuterEntry): void {
    this.entries.push(entry);
    this.byPath.set(entry.path, entry);
  }

  keepBody(path: string, body: Uint8Array): void {
    this.bodies.set(path, body);
  }

  has(path: string): boolean {
    return this.resolve(path) !== undefined;
  }

  /** The regular-file entry a path leads to after following links, if any. */
  resolve(path: string): OuterEntry | undefined {
    let current = normalise(path);
    for (let hops = 0; hops < 16; hops++) {
      const entry = this.byPath.get(current);
      if (!entry) return undefined;
      if (entry.kind === 'symlink') current = joinRelative(current, entry.linkname);
      else if (entry.kind === 'hardlink') current = normalise(entry.linkname);
      else return entry;
    }
    return undefined;
  }

  /** The kept body of a small file, following links. */
  body(path: string): Uint8Array | undefined {
    const entry = this.resolve(path);
    return entry ? this.bodies.get(entry.path) : undefined;
  }
}

/** `./a/b`, `/a/b/` and `a//b` all name `a/b`. */
/** A symlink target is relative to the link's own folder. */
function joinRelative(linkPath: string, target: string): string {
  return resolve(dirOf(linkPath), target);
}

export function blobPath(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0
    ? `blobs/sha256/${digest}`
    : `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`;
}
