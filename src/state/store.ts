import { create } from 'zustand';
import { type ArchiveSlice, createArchiveSlice } from './archive-slice.ts';
import { createLoadSlice, type LoadSlice } from './load-slice.ts';

/** The one store, made of slices with one concern each. */
export type StoreState = LoadSlice & ArchiveSlice;

export const useStore = create<StoreState>()((...a) => ({
  ...createLoadSlice(...a),
  ...createArchiveSlice(...a),
}));

// Selectors, defined once and reused: components select what they show, never the whole store.
export const useStatus = () => useStore((s) => s.status);
export const useProblem = () => useStore((s) => s.problem);
export const useProgress = () => useStore((s) => s.progress);
export const useModel = () => useStore((s) => s.model);
export const useFileName = () => useStore((s) => s.fileName);
export const useWarnings = () => useStore((s) => s.warnings);
export const useLayerSummaries = () => useStore((s) => s.layerSummaries);
