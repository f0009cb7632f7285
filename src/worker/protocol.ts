import type { Problem } from '../core/errors.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import type { Progress } from '../core/read-archive.ts';

/**
 * Everything the page and the archive worker say to each other. Every message carries the job it
 * belongs to, so late messages of a cancelled job are told apart and dropped.
 */
export type ToWorker =
  | { type: 'open'; job: number; file: Blob; name: string }
  | { type: 'cancel'; job: number };

/** What the page is told about a scanned layer blob (the entries stay in the worker). */
export interface LayerSummary {
  blobPath: string;
  compression: string;
  entries: number;
  size: number;
  error: Problem | null;
}

export type FromWorker =
  | { type: 'progress'; job: number; progress: Progress }
  | { type: 'model'; job: number; model: ArchiveModel }
  | { type: 'layer'; job: number; layer: LayerSummary }
  | { type: 'done'; job: number; warnings: Problem[] }
  | { type: 'failed'; job: number; problem: Problem };
