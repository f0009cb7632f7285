import type { StateCreator } from 'zustand';
import type { ArchiveModel } from '../core/image/model.ts';
import type { LayerSummary } from '../worker/protocol.ts';

/** What the worker has told us about the open archive. */
export interface ArchiveSlice {
  model: ArchiveModel | null;
  /** Layer scans by blob path, as they finish. */
  layerSummaries: Record<string, LayerSummary>;
  modelArrived: (model: ArchiveModel) => void;
  layerArrived: (layer: LayerSummary) => void;
  archiveCleared: () => void;
}

export const createArchiveSlice: StateCreator<ArchiveSlice, [], [], ArchiveSlice> = (set) => ({
  model: null,
  layerSummaries: {},
  modelArrived: (model) => set({ model }),
  layerArrived: (layer) =>
    set((state) => ({ layerSummaries: { ...state.layerSummaries, [layer.blobPath]: layer } })),
  archiveCleared: () => set({ model: null, layerSummaries: {} }),
});
