import { create } from 'zustand';
import { type ArchiveSlice, createArchiveSlice } from './archive-slice.ts';
import { type CompareSlice, createCompareSlice } from './compare-slice.ts';
import { type ContentSlice, createContentSlice } from './content-slice.ts';
import { createExplorerSlice, type ExplorerSlice } from './explorer-slice.ts';
import { createLoadSlice, type LoadSlice } from './load-slice.ts';
import { createPackagesSlice, type PackagesSlice } from './packages-slice.ts';
import { createRequestsSlice, type RequestName, type RequestsSlice } from './requests-slice.ts';

/** The one store, made of slices with one concern each. */
export type StoreState = LoadSlice &
  ArchiveSlice &
  ExplorerSlice &
  RequestsSlice &
  ContentSlice &
  CompareSlice &
  PackagesSlice;

export const useStore = create<StoreState>()((...a) => ({
  ...createLoadSlice(...a),
  ...createArchiveSlice(...a),
  ...createExplorerSlice(...a),
  ...createRequestsSlice(...a),
  ...createContentSlice(...a),
  ...createCompareSlice(...a),
  ...createPackagesSlice(...a),
}));

// Selectors, defined once and reused: components select what they show, never the whole store.
export const useStatus = () => useStore((s) => s.status);
export const useProblem = () => useStore((s) => s.problem);
export const useProgress = () => useStore((s) => s.progress);
export const useModel = () => useStore((s) => s.model);
export const useFileName = () => useStore((s) => s.fileName);
export const useWarnings = () => useStore((s) => s.warnings);
export const useLayerSummaries = () => useStore((s) => s.layerSummaries);
export const useAnalysis = () => useStore((s) => s.analysis);
export const useLayer = () => useStore((s) => s.layer);
export const useMode = () => useStore((s) => s.mode);
export const useView = () => useStore((s) => s.view);
export const useSelectedPath = () => useStore((s) => s.selectedPath);
export const useDetails = () => useStore((s) => s.details);
export const useImageIndex = () => useStore((s) => s.imageIndex);
export const useCurrentImage = () => useStore((s) => s.model?.images[s.imageIndex] ?? null);
export const useVerification = () => useStore((s) => s.verification);
export const useRequest = (name: RequestName) => useStore((s) => s.requests[name]);
export const useContent = () => useStore((s) => s.content);
export const useComparison = () => useStore((s) => s.comparison);
export const useArchiveMap = () => useStore((s) => s.archiveMap);
export const useArchiveEntry = () => useStore((s) => s.archiveEntry);
export const useCanReopen = () => useStore((s) => s.canReopen);
export const useImageComparison = () => useStore((s) => s.imageComparison);
export const usePathComparison = () => useStore((s) => s.pathComparison);
export const usePackages = () => useStore((s) => s.packages);
