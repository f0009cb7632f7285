import type { StateCreator } from 'zustand';
import type { Problem } from '../core/errors.ts';
import type { Progress } from '../core/read-archive.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Where the digest checks of the open archive stand. */
export type Verification =
  | { state: 'waiting' }
  /** `kept`: layers kept whole on disk so far (kept-on-disk.ts). */
  | { state: 'running'; done: number; total: number; kept: number }
  | { state: 'done'; total: number; problems: Problem[] }
  | { state: 'failed'; message: string };

/** Where reading the current file stands. */
export interface LoadSlice {
  status: LoadStatus;
  fileName: string | null;
  fileSize: number;
  startedAt: number;
  progress: Progress | null;
  problem: Problem | null;
  warnings: Problem[];
  verification: Verification;
  /**
   * The second pass over large files whose content the change figures need (headers first):
   * how many are hashed; null when there is none or it is over. `stopped`: it could not finish.
   */
  checking: { done: number; total: number; stopped: boolean } | null;
  /**
   * Places to read gzip layers from being found after the image is shown (the seek index):
   * compressed bytes walked of all; null when there is nothing to index or it is over.
   */
  indexing: { done: number; total: number } | null;
  /** The file that was open can be read again (after a cancel or a crash). */
  canReopen: boolean;
  loadStarted: (fileName: string, fileSize: number) => void;
  loadProgressed: (progress: Progress) => void;
  loadFinished: (warnings: Problem[]) => void;
  loadFailed: (problem: Problem) => void;
  loadCancelled: (fileName: string) => void;
  verificationChanged: (verification: Verification) => void;
  checkingChanged: (checking: LoadSlice['checking']) => void;
  indexingChanged: (indexing: LoadSlice['indexing']) => void;
  reopenOffered: (canReopen: boolean) => void;
}

export const createLoadSlice: StateCreator<LoadSlice, [], [], LoadSlice> = (set) => ({
  status: 'idle',
  fileName: null,
  fileSize: 0,
  startedAt: 0,
  progress: null,
  problem: null,
  warnings: [],
  verification: { state: 'waiting' },
  checking: null,
  indexing: null,
  canReopen: false,
  loadStarted: (fileName, fileSize) =>
    set({
      status: 'loading',
      fileName,
      fileSize,
      startedAt: Date.now(),
      progress: null,
      problem: null,
      warnings: [],
      verification: { state: 'waiting' },
      checking: null,
      indexing: null,
      canReopen: false,
    }),
  loadProgressed: (progress) => set({ progress }),
  loadFinished: (warnings) => set({ status: 'ready', warnings }),
  loadFailed: (problem) => set({ status: 'error', problem }),
  verificationChanged: (verification) => set({ verification }),
  checkingChanged: (checking) => set({ checking }),
  indexingChanged: (indexing) => set({ indexing }),
  reopenOffered: (canReopen) => set({ canReopen }),
  loadCancelled: (fileName) =>
    set({
      status: 'error',
      canReopen: true,
      problem: {
        code: 'cancelled',
        message: `Reading was cancelled. ${fileName} is closed: open it again, or open another file.`,
      },
    }),
});
