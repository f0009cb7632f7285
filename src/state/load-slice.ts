import type { StateCreator } from 'zustand';
import type { Problem } from '../core/errors.ts';
import type { Progress } from '../core/read-archive.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Where reading the current file stands. */
export interface LoadSlice {
  status: LoadStatus;
  fileName: string | null;
  fileSize: number;
  startedAt: number;
  progress: Progress | null;
  problem: Problem | null;
  warnings: Problem[];
  loadStarted: (fileName: string, fileSize: number) => void;
  loadProgressed: (progress: Progress) => void;
  loadFinished: (warnings: Problem[]) => void;
  loadFailed: (problem: Problem) => void;
  loadCancelled: () => void;
  warningsAdded: (more: Problem[]) => void;
}

export const createLoadSlice: StateCreator<LoadSlice, [], [], LoadSlice> = (set) => ({
  status: 'idle',
  fileName: null,
  fileSize: 0,
  startedAt: 0,
  progress: null,
  problem: null,
  warnings: [],
  loadStarted: (fileName, fileSize) =>
    set({
      status: 'loading',
      fileName,
      fileSize,
      startedAt: Date.now(),
      progress: null,
      problem: null,
      warnings: [],
    }),
  loadProgressed: (progress) => set({ progress }),
  loadFinished: (warnings) => set({ status: 'ready', warnings }),
  loadFailed: (problem) => set({ status: 'error', problem }),
  warningsAdded: (more) => set((state) => ({ warnings: [...state.warnings, ...more] })),
  loadCancelled: () =>
    set({
      status: 'error',
      problem: {
        code: 'cancelled',
        message: 'Reading was cancelled. What was read so far is shown.',
      },
    }),
});
