/** The package types Strata catalogues, named as package-url types. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'pypi' | 'npm' | 'golang' | 'maven';

/**
 * One package as a database or manifest records it. `version` is as the database writes it (dpkg
 * and rpm with their epoch: `1:2.3-4`); `files` are absolute paths the package says it owns.
 */
export interface FoundPackage {
  type: PackageType;
  name: string;
  version: string;
  arch: string | null;
  license: string | null;
  /** For purls: a namespace (npm scope, Maven group, Go module prefix), upstream source, epoch. */
  namespace?: string;
  qualifiers?: Record<string, string>;
  /** The database or manifest file it was read from (absolute). */
  source: string;
  files: string[];
}

/** A database or manifest that could not be read (in whole or in part). */
export interface CatalogProblem {
  path: string;
  message: string;
}

/** What one database or manifest file yields. */
export interface Catalogued {
  packages: FoundPackage[];
  problems: CatalogProblem[];
}
