import { type ErrorCode, type Problem, StrataError } from '../errors.ts';
import { LayerEntries } from './entries.ts';
import type { LayerScan } from './scan.ts';

/** A LayerScan as it crosses between workers (structured clone keeps data, not classes). */
export interface ScanMessage extends Omit<LayerScan, 'error'> {
  error: Problem | undefined;
}

/** A layer another thread could not scan: no entries, and why. */
export function unreadScan(code: ErrorCode, message: string): LayerScan {
  return {
    compression: 'none',
    entries: new LayerEntries(),
    size: 0,
    tarBytes: 0,
    tarEntries: 0,
    error: new StrataError(code, message),
    skipped: undefined,
  };
}

/**
 * The scan as a message, and the buffers to transfer with it: its entry table is moved, not
 * copied, so the sender must not read the scan afterwards.
 */
export function toScanMessage(scan: LayerScan): { message: ScanMessage; transfer: ArrayBuffer[] } {
  const transfer = scan.entries.handOver();
  return { message: { ...scan, error: scan.error?.toProblem() }, transfer };
}

/** The scan again, with its entry table's methods and its error's class restored. */
export function fromScanMessage(message: ScanMessage): LayerScan {
  const entries = LayerEntries.revive(message.entries);
  const { error } = message;
  return {
    ...message,
    entries,
    // The code came from a StrataError on the other side.
    error: error
      ? new StrataError(error.code as ErrorCode, error.message, error.detail)
      : undefined,
  };
}
