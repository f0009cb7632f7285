import type { StateCreator } from 'zustand';
import type { ImageComparison } from '../core/compare/compare-images.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import type { VersionComparison } from './content-slice.ts';

/** What the open image is compared with: another image of the same archive, or another archive. */
export type CompareTarget =
  | { kind: 'image'; image: number }
  | { kind: 'file'; name: string; size: number; url?: string };

export interface Comparison {
  target: CompareTarget;
  /** The image of the open archive on the left. */
  leftImage: number;
  /** The image of the target's archive on the right. */
  rightImage: number;
  /** The other archive's model once read (for a second archive); the open one's otherwise. */
  rightModel: ArchiveModel | null;
  phase: 'reading' | 'comparing' | 'ready' | 'failed';
  /** Bytes of the second archive read so far, while it is read. */
  read: { done: number; total: number } | null;
  message: string | null;
  result: ImageComparison | null;
}

/** One path's content on each side: a text diff, or sizes and hashes. */
export type PathComparison = { path: string } & VersionComparison;

export interface CompareSlice {
  imageComparison: Comparison | null;
  pathComparison: PathComparison | null;
  comparisonChanged: (next: Comparison | null) => void;
}

export const createCompareSlice: StateCreator<CompareSlice, [], [], CompareSlice> = (set) => ({
  imageComparison: null,
  pathComparison: null,
  comparisonChanged: (next) => set({ imageComparison: next, pathComparison: null }),
});
