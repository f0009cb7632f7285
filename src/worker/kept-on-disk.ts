/// <reference lib="webworker" />
import { KeepingProgress, type KeptLayers, type KeptLayerWriter } from '../core/kept-layers.ts';
import { KEPT_FOLDER_PREFIX } from './protocol.ts';

/**
 * Kept layers (core/kept-layers.ts) in the origin private file system: one folder per archive
 * session, one file per layer and writer. The keeper writes them as the scan decompresses
 * (keeper-worker.ts), as far as it keeps up; the digest check writes those the keeper did not keep
 * whole, to a file of its own. Both write with synchronous access handles (540-610 MB/s measured on
 * this machine's disk with the file grown ahead, 95-135 MB/s in a private window, where the files
 * live in memory); the archive worker reads them back as `File` slices (100 random 64 KiB reads in
 * 2-6 ms), and reads the digest check's file while it is still being written, as far as the check
 * says it has got.
 *
 * A session's folder is removed when the page ends the session; a tab closed or crashed leaves it
 * behind, so each archive worker holds a Web Lock named for its folder as long as it lives, and on
 * opening removes the folders whose lock nobody holds.
 */

/** Who wrote a kept layer: the keeper during the scan, or the digest check after it. */
export type KeptBy = 'scan' | 'check';

const fileName = (blobPath: string, by: KeptBy) => `${by}-${encodeURIComponent(blobPath)}`;
/** An empty file beside a layer the keeper kept whole: the digest check need not keep it again. */
const wholeMark = (blobPath: string) => `${fileName(blobPath, 'scan')}.whole`;

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

/** How often a writer says how far it has got (`onWritten`): every this many bytes. */
const WRITTEN_EVERY = 1 << 20;

/**
 * A writer for one layer, or undefined when the storage is not there, has no room, or (for the
 * digest check) the keeper kept the layer whole already. At most half the free quota is used, so
 * that keeping layers never fills the disk. `onClosed` hears how much was kept, and whether whole;
 * `onWritten`, while it writes, how many of the first bytes are on disk already (readable by others).
 */
export async function openKeptWriter(
  folder: string,
  blobPath: string,
  by: KeptBy,
  onClosed: (bytes: number, whole: boolean) => void,
  onWritten?: (bytes: number) => void,
): Promise<KeptLayerWriter | undefined> {
  if (!available()) return undefined;
  try {
    const { quota = 0, usage = 0 } = await navigator.storage.estimate();
    const room = (quota - usage) / 2;
    if (room < 1 << 20) return undefined;
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(folder, { create: true });
    if (by === 'check' && (await exists(dir, wholeMark(blobPath)))) return undefined;
    const name = fileName(blobPath, by);
    const handle = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
    handle.truncate(0);
    let at = 0;
    // The file is grown ahead of the writes, 256 MiB at a time, and cut to size at the end: a write
    // that grows it asks the browser for quota each time (measured: 300-440 MB/s written so,
    // 540-610 MB/s grown ahead).
    let capacity = 0;
    let told = 0;
    return {
      write(chunk) {
        if (at + chunk.length > room) throw new Error('no room left to keep this layer');
        if (at + chunk.length > capacity) {
          capacity = Math.min(room, Math.max(at + chunk.length, capacity + (256 << 20)));
          handle.truncate(capacity);
        }
        const written = handle.write(chunk, { at });
        at += written;
        if (written !== chunk.length) throw new Error('the layer could not be written in full');
        if (onWritten && at - told >= WRITTEN_EVERY) {
          told = at;
          onWritten(at);
        }
      },
      async close(whole) {
        handle.truncate(at);
        handle.flush();
        handle.close();
        if (whole && by === 'scan') await dir.getFileHandle(wholeMark(blobPath), { create: true });
        onClosed(at, whole);
      },
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

interface Kept {
  by: KeptBy;
  bytes: number;
  whole: boolean;
  file?: File;
}

/** The kept layers of this session (in the archive worker), as their writers report them. */
/** A kept layer's file, to read back whole (the digest check hashes what it kept). */
export async function keptFile(
  folder: string,
  blobPath: string,
  by: KeptBy,
): Promise<File | undefined> {
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    return await (await dir.getFileHandle(fileName(blobPath, by))).getFile();
  } catch {
    return undefined;
  }
}

export class KeptOnDisk implements KeptLayers {
  private readonly layers = new Map<string, Kept>();
  /**
   * Layers the digest check is keeping now, and how many of their first bytes it has written: a
   * file in that part opens from there at once, before the whole layer is kept, and a file a little
   * past it waits for the check rather than decompress the layer from its start.
   */
  private readonly keeping = new KeepingProgress();
  /** Layers whose last chunks the keeper is writing: a read waits rather than decompress again. */
  private readonly finishing = new Map<string, { done: Promise<void>; settle: () => void }>();

  constructor(private readonly folder: string) {}

  /** The keeper has had this layer's last chunk and is writing it. */
  expect(blobPath: string): void {
    let settle = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.finishing.set(blobPath, { done, settle });
  }

  /** The digest check has written the first `bytes` of a layer it is keeping. */
  written(blobPath: string, bytes: number): void {
    if (!this.layers.get(blobPath)?.whole) this.keeping.wrote(blobPath, bytes);
  }

  /** A writer closed a layer's file: the longer copy (a whole one over a part) is read from. */
  add(blobPath: string, by: KeptBy, bytes: number, whole: boolean): void {
    if (by === 'check') this.keeping.stopped(blobPath);
    const now = this.layers.get(blobPath);
    if (!now || (whole && !now.whole) || (!now.whole && bytes > now.bytes))
      this.layers.set(blobPath, { by, bytes, whole });
    this.settle(blobPath);
  }

  /** The keeper gave the layer up without a file. */
  drop(blobPath: string): void {
    this.settle(blobPath);
  }

  private settle(blobPath: string): void {
    this.finishing.get(blobPath)?.settle();
    this.finishing.delete(blobPath);
  }

  has(blobPath: string): boolean {
    return this.layers.get(blobPath)?.whole === true || this.finishing.has(blobPath);
  }

  holds(blobPath: string, offset: number, length: number): boolean {
    const kept = this.layers.get(blobPath);
    if (kept && offset + length <= kept.bytes) return true;
    const written = this.keeping.keptSoFar(blobPath);
    return written !== undefined && offset + length <= written;
  }

  async read(blobPath: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    const finishing = this.finishing.get(blobPath);
    // Its last chunks take milliseconds; a keeper that went away is not waited for.
    if (finishing) await Promise.race([finishing.done, new Promise((r) => setTimeout(r, 5000))]);
    await this.keeping.reach(blobPath, offset + length);
    const kept = this.layers.get(blobPath);
    if (!kept || offset + length > kept.bytes) return this.readPart(blobPath, offset, length);
    try {
      if (!kept.file) {
        const root = await navigator.storage.getDirectory();
        const dir = await root.getDirectoryHandle(this.folder);
        kept.file = await (await dir.getFileHandle(fileName(blobPath, kept.by))).getFile();
      }
      return new Uint8Array(await kept.file.slice(offset, offset + length).arrayBuffer());
    } catch {
      // Removed under us (storage cleared): read the layer as if it had never been kept.
      this.layers.delete(blobPath);
      return undefined;
    }
  }

  /** From the part of a layer the digest check has written so far, if the bytes are in it. */
  private async readPart(
    blobPath: string,
    offset: number,
    length: number,
  ): Promise<Uint8Array | undefined> {
    const written = this.keeping.keptSoFar(blobPath);
    if (written === undefined || offset + length > written) return undefined;
    // A File is a snapshot: once the check writes on, reading it fails (NotReadableError), so a
    // read that a write overtook is made again with the file as it is then (a read takes well
    // under a millisecond, a write of 1 MiB comes every few).
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const file = await keptFile(this.folder, blobPath, 'check');
        if (!file) return undefined;
        return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
      } catch {
        // written to meanwhile: again
      }
    }
    return undefined;
  }
}
