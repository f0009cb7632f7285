import type { StateCreator } from 'zustand';
import type { DiveEfficiency } from '../core/fs/dive-efficiency.ts';
import type { TreeMode, TreeView } from '../core/fs/view.ts';
import type { AnalysisSummary, PathDetails } from '../worker/protocol.ts';

export type SortOrder = 'name' | 'size';
export type ChangeClass = 'added' | 'modified' | 'deleted' | 'unchanged';
export type Tab =
  | 'files'
  | 'summary'
  | 'sizemap'
  | 'archive'
  | 'dockerfile'
  | 'packages'
  | 'compare';

/** What the explorer shows: the chosen image, layer, mode, selection, filter and open folders. */
export interface ExplorerSlice {
  /** The view shown below the header (kept when another image is chosen). */
  tab: Tab;
  imageIndex: number;
  analysis: AnalysisSummary | null;
  /** dive's efficiency figure, asked for when the Summary shows it (loadEfficiency). */
  efficiency: DiveEfficiency | null;
  layer: number;
  mode: TreeMode;
  view: TreeView | null;
  selectedPath: number | null;
  details: PathDetails | null;
  sort: SortOrder;
  /** Rows show permissions and owner, as `ls -l` does. */
  showMeta: boolean;
  /** Which change classes the tree shows (in changes mode). */
  showChanges: Record<ChangeClass, boolean>;
  openDirs: ReadonlySet<number>;
  filter: string;
  filterMatches: Int32Array | null;
  /** The filter text the current matches belong to. */
  filterApplied: string;
  /** The match selected, or -1 before the first move. */
  matchCursor: number;
  /** A download under way (or failed). */
  exportProgress: { name: string; bytes: number; expected: number; error: string | null } | null;
  explorerReset: () => void;
  set: (patch: Partial<ExplorerSlice>) => void;
}

export const initialExplorer = {
  tab: 'files' as Tab,
  imageIndex: 0,
  analysis: null,
  efficiency: null,
  layer: 0,
  mode: 'merged' as TreeMode,
  view: null,
  selectedPath: null,
  details: null,
  sort: 'name' as SortOrder,
  showMeta: false,
  showChanges: { added: true, modified: true, deleted: true, unchanged: true },
  openDirs: new Set<number>(),
  filter: '',
  filterMatches: null,
  filterApplied: '',
  matchCursor: -1,
  exportProgress: null,
};

export const createExplorerSlice: StateCreator<ExplorerSlice, [], [], ExplorerSlice> = (set) => ({
  ...initialExplorer,
  explorerReset: () => set({ ...initialExplorer, openDirs: new Set() }),
  set: (patch) => set(patch),
});
