import type { StateCreator } from 'zustand';
import type { LayerNames } from '../core/image/archive-map.ts';
import type { RawEntry } from '../worker/protocol.ts';

/** Two versions of a file compared: as text lines, or (binary or large) as sizes and hashes. */
export type VersionComparison =
  | { kind: 'text'; from: number; to: number; older: string; newer: string }
  | {
      kind: 'binary';
      from: number;
      to: number;
      sides: { size: number; sha256: string; partial: boolean }[];
    };

/** What the file viewer and the Archive view were given by the worker, with what it belongs to. */
export interface ContentSlice {
  /** The selected file's content read so far, page by page. */
  content: { image: number; path: number; layer: number; pages: Uint8Array[]; size: number } | null;
  comparison: (VersionComparison & { path: number }) | null;
  archiveMap: { image: number; roles: Map<string, string>; layers: LayerNames[] } | null;
  archiveEntry: {
    path: string;
    text: string | null;
    entries: { total: number; rows: RawEntry[] } | null;
  } | null;
  contentCleared: () => void;
}

export const createContentSlice: StateCreator<ContentSlice, [], [], ContentSlice> = (set) => ({
  content: null,
  comparison: null,
  archiveMap: null,
  archiveEntry: null,
  contentCleared: () =>
    set({ content: null, comparison: null, archiveMap: null, archiveEntry: null }),
});
