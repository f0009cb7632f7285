/// <reference lib="webworker" />
import type { KeptLayers, KeptLayerWriter } from '../core/kept-layers.ts';
import { KEPT_FOLDER_PREFIX } from './protocol.ts';

/**
 * Kept layers (core/kept-layers.ts) in the origin private file system: one folder per archive
 * session, one file per layer. The keeper writes them as the scan decompresses (keeper-worker.ts),
 * the digest check those the keeper gave up, with synchronous access handles (300-450 MB/s
 * measured on this machine's disk, 60-90 MB/s in a private window, where they live in memory);
 * the archive worker reads them back as `File` slices (100 random 64 KiB reads in 2-6 ms).
 *
 * A session's folder is removed when the page ends the session; a tab closed or crashed leaves it
 * behind, so each archive worker holds a Web Lock named for its folder as long as it lives, and on
 * opening removes the folders whose lock nobody holds.
 */

const fileName = (blobPath: string) => encodeURIComponent(blobPath);

function available(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory && !!navigator.locks;
}

/** Holds `folder`'s lock for the life of this worker, and removes abandoned folders. */
export async function holdKeptFolder(folder: string): Promise<void> {
  if (!available()) return;
  await new Promise<void>((held) => {
    void navigator.locks.request(folder, () => {
      held();
      return new Promise<never>(() => {});
    });
  });
  try {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of root.keys()) if (name.startsWith(KEPT_FOLDER_PREFIX)) names.push(name);
    for (const name of names) {
      if (name === folder) continue;
      await navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
        if (lock) await root.removeEntry(name, { recursive: true }).catch(() => {});
      });
    }
  } catch {
    // Cleaning up is a courtesy: a failure here must not stop the archive from opening.
  }
}

/**
 * A writer for one layer, or undefined when the storage is not there or has no room. At most half
 * the free quota is used, so that keeping layers never fills the disk. 'if-absent': the digest
 * check keeps only what the keeper did not (a layer's file is there while the keeper writes it).
 */
export async function openKeptWriter(
  folder: string,
  blobPath: string,
  mode: 'replace' | 'if-absent',
  onKept: (bytes: number) => void,
): Promise<KeptLayerWriter | undefined> {
  if (!available()) return undefined;
  try {
    const { quota = 0, usage = 0 } = await navigator.storage.estimate();
    const room = (quota - usage) / 2;
    if (room < 1 << 20) return undefined;
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(folder, { create: true });
    const name = fileName(blobPath);
    if (mode === 'if-absent' && (await exists(dir, name))) return undefined;
    const handle = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
    handle.truncate(0);
    let at = 0;
    const remove = async () => {
      handle.close();
      await dir.removeEntry(name).catch(() => {});
    };
    return {
      write(chunk) {
        if (at + chunk.length > room) throw new Error('no room left to keep this layer');
        const written = handle.write(chunk, { at });
        at += written;
        if (written !== chunk.length) throw new Error('the layer could not be written in full');
      },
      async close() {
        handle.flush();
        handle.close();
        onKept(at);
      },
      discard: remove,
    };
  } catch {
    return undefined;
  }
}

async function exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await dir.getFileHandle(name);
    return true;
  } catch {
    return false;
  }
}

/** The kept layers of this session (in the archive worker), as the verifier reports them. */
export class KeptOnDisk implements KeptLayers {
  private readonly layers = new Map<string, { bytes: number; file?: File }>();
  /** Layers being finished by the keeper: a read waits for them rather than decompress again. */
  private readonly finishing = new Map<string, () => void>();
  private readonly finished = new Map<string, Promise<void>>();

  constructor(private readonly folder: string) {}

  /** The keeper has the whole of this layer and is writing its last chunks. */
  expect(blobPath: string): void {
    this.finished.set(blobPath, new Promise((resolve) => this.finishing.set(blobPath, resolve)));
  }

  add(blobPath: string, bytes: number): void {
    this.layers.set(blobPath, { bytes });
    this.settle(blobPath);
  }

  /** The layer will not be kept (by this writer). */
  drop(blobPath: string): void {
    this.settle(blobPath);
  }

  private settle(blobPath: string): void {
    this.finishing.get(blobPath)?.();
    this.finishing.delete(blobPath);
    this.finished.delete(blobPath);
  }

  has(blobPath: string): boolean {
    return this.layers.has(blobPath) || this.finished.has(blobPath);
  }

  async read(blobPath: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    const finishing = this.finished.get(blobPath);
    // Its last chunks take milliseconds; a keeper that went away is not waited for.
    if (finishing) await Promise.race([finishing, new Promise((r) => setTimeout(r, 5000))]);
    const kept = this.layers.get(blobPath);
    if (!kept || offset + length > kept.bytes) return undefined;
    try {
      if (!kept.file) {
        const root = await navigator.storage.getDirectory();
        const dir = await root.getDirectoryHandle(this.folder);
        kept.file = await (await dir.getFileHandle(fileName(blobPath))).getFile();
      }
      return new Uint8Array(await kept.file.slice(offset, offset + length).arrayBuffer());
    } catch {
      // Removed under us (storage cleared): read the layer as if it had never been kept.
      this.layers.delete(blobPath);
      return undefined;
    }
  }
}
