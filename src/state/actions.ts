import { JobFailed } from '../worker/client.ts';
import { client } from './client.ts';
import { loadImage } from './explorer-actions.ts';
import { useStore } from './store.ts';

/**
 * What the views may ask for. Each action talks to the worker client and writes the answers into
 * the store; views only read the store.
 */
let controller: AbortController | undefined;

export async function openFile(file: Blob, name: string): Promise<void> {
  controller?.abort();
  const mine = new AbortController();
  controller = mine;
  const store = useStore.getState();
  store.archiveCleared();
  store.explorerReset();
  store.loadStarted(name, file.size);
  try {
    const warnings = await client.open(file, name, {
      signal: mine.signal,
      onModel: (model) => useStore.getState().modelArrived(model),
      onLayer: (layer) => useStore.getState().layerArrived(layer),
      onProgress: (progress) => useStore.getState().loadProgressed(progress),
      onVerified: (more) => {
        if (controller === mine) useStore.getState().warningsAdded(more);
      },
    });
    if (controller !== mine) return;
    const images = useStore.getState().model?.images ?? [];
    const first = Math.max(
      0,
      images.findIndex((image) => image.included),
    );
    await loadImage(first);
    if (controller === mine) useStore.getState().loadFinished(warnings);
  } catch (error) {
    if (controller !== mine) return;
    if (error instanceof JobFailed && error.problem.code === 'cancelled')
      useStore.getState().loadCancelled();
    else if (error instanceof JobFailed) useStore.getState().loadFailed(error.problem);
    else useStore.getState().loadFailed({ code: 'read-failed', message: String(error) });
  }
}

/** The sample shipped with the app: the docker save walk-through image. */
export async function openSample(): Promise<void> {
  const name = 'investitest.tar';
  useStore.getState().loadStarted(name, 0);
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}sample/${name}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await openFile(await response.blob(), name);
  } catch (error) {
    useStore.getState().loadFailed({
      code: 'read-failed',
      message: `The sample image could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

export function cancelLoad(): void {
  controller?.abort();
}
