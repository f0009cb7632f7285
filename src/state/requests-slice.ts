import type { StateCreator } from 'zustand';

/** The requests views start; each records where it stands, so its view can say so. */
export type RequestName =
  | 'analysis'
  | 'efficiency'
  | 'view'
  | 'details'
  | 'filter'
  | 'content'
  | 'version-diff'
  | 'file-download'
  | 'archive-map'
  | 'archive-entry'
  | 'compare'
  | 'compare-path'
  | 'packages';

export interface RequestState {
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
}

export interface RequestsSlice {
  requests: Partial<Record<RequestName, RequestState>>;
  requestChanged: (name: RequestName, state: RequestState) => void;
  requestsCleared: () => void;
}

export const createRequestsSlice: StateCreator<RequestsSlice, [], [], RequestsSlice> = (set) => ({
  requests: {},
  requestChanged: (name, state) => set((s) => ({ requests: { ...s.requests, [name]: state } })),
  requestsCleared: () => set({ requests: {} }),
});
