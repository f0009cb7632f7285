import type { StateCreator } from 'zustand';
import type { PackagesSummary } from '../worker/protocol.ts';

/** The open image's packages, once catalogued, and how far cataloguing has got meanwhile. */
export interface PackagesSlice {
  packages: PackagesSummary | null;
  /** Path id → index into `packages.packages` (files at the top only). */
  packageOwners: Map<number, number> | null;
  packagesProgress: { done: number; total: number } | null;
  packagesCleared: () => void;
}

export const createPackagesSlice: StateCreator<PackagesSlice, [], [], PackagesSlice> = (set) => ({
  packages: null,
  packageOwners: null,
  packagesProgress: null,
  packagesCleared: () => set({ packages: null, packageOwners: null, packagesProgress: null }),
});
