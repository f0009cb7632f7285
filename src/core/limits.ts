/**
 * The limits Strata keeps so that no archive can exhaust the tab, with the numbers documented in
 * README.md. Each one, when hit, stops only the part it guards and is reported as a warning.
 */
export interface Limits {
  /**
   * Tar entries in all the layers of an archive together: what the tab holds grows with the
   * entries, wherever they are (a per-layer limit let a hundred layers of a million each through).
   */
  entries: number;
  /** Components in one path (a real filesystem's PATH_MAX of 4096 bytes allows at most 2048). */
  pathDepth: number;
  /** A layer (or a compressed archive) may expand this many times its stored size... */
  expansionRatio: number;
  /** ...once past this many decompressed bytes: below it, any ratio is fine. */
  expansionFloor: number;
}

export const DEFAULT_LIMITS: Limits = {
  entries: 4_000_000,
  pathDepth: 2048,
  expansionRatio: 200,
  expansionFloor: 1 << 30,
};
