import type { ExportWhat } from '../worker/protocol.ts';
import { isCancellation } from '../worker/session.ts';
import { saveBlob } from './save-blob.ts';
import { openSession } from './session.ts';
import { useStore } from './store.ts';
import { openStreamedDownload } from './stream-download.ts';

/** Exports past this size stream straight to a file the user picks, where the browser can. */
const STREAM_TO_DISK = 1 << 30;
/**
 * Exports past this size, or of a size not known beforehand, stream through the service worker
 * when they do not go to a picked file; smaller ones are gathered into a Blob.
 */
const STREAM_THROUGH_WORKER = 64 << 20;

interface SaveFilePicker {
  showSaveFilePicker?: (options: { suggestedName: string }) => Promise<{
    createWritable: () => Promise<{
      write: (chunk: Uint8Array) => Promise<void>;
      close: () => Promise<void>;
      abort: () => Promise<void>;
    }>;
  }>;
}

let controller: AbortController | undefined;

/**
 * Downloads a layer blob, a layer's tar, or the filesystem at a layer. Large ones are written to
 * disk as they stream: to a file the user picks (the File System Access API), or else, and when the
 * size is not known, as a download the service worker streams (stream-download.ts); small ones are
 * gathered into a Blob and offered as a normal download. Progress goes to the store.
 */
export async function download(
  what: ExportWhat,
  name: string,
  expectedBytes: number,
): Promise<void> {
  controller?.abort();
  const session = openSession();
  if (!session) return;
  const mine = new AbortController();
  controller = mine;
  const set = useStore.getState().set;
  let written = 0;
  set({ exportProgress: { name, bytes: 0, expected: expectedBytes, error: null } });
  const progress = (n: number) => {
    written += n;
    set({ exportProgress: { name, bytes: written, expected: expectedBytes, error: null } });
  };
  try {
    const picker = (window as unknown as SaveFilePicker).showSaveFilePicker;
    const toPicked = picker !== undefined && expectedBytes > STREAM_TO_DISK;
    const streamed =
      !toPicked && (expectedBytes === 0 || expectedBytes > STREAM_THROUGH_WORKER)
        ? await openStreamedDownload(name, () => mine.abort())
        : undefined;
    if (picker && toPicked) {
      const handle = await picker({ suggestedName: name });
      const file = await handle.createWritable();
      try {
        await session.exportStream(
          what,
          async (chunk) => {
            await file.write(chunk);
            progress(chunk.length);
          },
          mine.signal,
        );
        await file.close();
      } catch (error) {
        // The export's own error is the one to report; the file is discarded either way.
        await Promise.allSettled([file.abort()]);
        throw error;
      }
    } else if (streamed) {
      const to = streamed;
      try {
        await session.exportStream(
          what,
          async (chunk) => {
            const n = chunk.length; // the chunk is handed over, and empty after the write
            await to.write(chunk);
            progress(n);
          },
          mine.signal,
        );
        await to.end();
      } catch (error) {
        to.fail(error instanceof Error ? error.message : String(error));
        throw error;
      }
    } else {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      await session.exportStream(
        what,
        (chunk) => {
          parts.push(chunk as Uint8Array<ArrayBuffer>);
          progress(chunk.length);
        },
        mine.signal,
      );
      saveBlob(new Blob(parts), name);
    }
    if (controller === mine) set({ exportProgress: null });
  } catch (error) {
    if (controller === mine && !isCancellation(error)) {
      set({
        exportProgress: {
          name,
          bytes: written,
          expected: expectedBytes,
          error: error instanceof Error ? error.message : String(error),
        },
      });
    }
  }
}

export function cancelDownload(): void {
  controller?.abort();
  useStore.getState().set({ exportProgress: null });
}
