import type { PackageRow } from './catalog.ts';

/** The image an SBOM describes. */
export interface SbomSubject {
  /** Its first tag, else its ID. */
  name: string;
  /** `sha256:…` of its config. */
  id: string;
  /** Each layer's diff_id, by layer index. */
  diffIds: (string | null)[];
}

export type SbomFormat = 'cyclonedx' | 'spdx';

const TOOL = 'strata';

/** A random (version 4) UUID; `crypto.randomUUID` exists only on secure origins. */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * CycloneDX 1.6 JSON: the image as the described container, each package a library component
 * with its purl and licence, and its evidence: an occurrence at the database or manifest it was
 * read from, and properties naming the layer that installed it (index and diff_id).
 */
export function cycloneDx(
  subject: SbomSubject,
  packages: PackageRow[],
  now = new Date(),
): Record<string, unknown> {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuid()}`,
    version: 1,
    metadata: {
      timestamp: now.toISOString(),
      tools: { components: [{ type: 'application', name: TOOL }] },
      component: {
        type: 'container',
        'bom-ref': 'image',
        name: subject.name,
        version: subject.id,
      },
    },
    components: packages.map((p, i) => ({
      type: 'library',
      'bom-ref': `package-${i}`,
      name: p.type === 'maven' ? p.name.slice(p.name.indexOf(':') + 1) : p.name,
      ...(p.type === 'maven' && p.name.includes(':')
        ? { group: p.name.slice(0, p.name.indexOf(':')) }
        : {}),
      version: p.version,
      purl: p.purl,
      ...(p.license ? { licenses: [{ license: { name: p.license } }] } : {}),
      properties: [
        { name: 'strata:package:type', value: p.type },
        { name: 'strata:layer:index', value: String(p.layer) },
        ...(subject.diffIds[p.layer]
          ? [{ name: 'strata:layer:diffId', value: subject.diffIds[p.layer]! }]
          : []),
        { name: 'strata:package:source', value: p.source },
      ],
      evidence: { occurrences: [{ location: p.source }] },
    })),
    dependencies: [{ ref: 'image', dependsOn: packages.map((_, i) => `package-${i}`) }],
  };
}

/**
 * SPDX 2.3 JSON: the image as a CONTAINER package the document describes, each package contained
 * in it with its purl as a package-manager reference; the layer that installed it (index and
 * diff_id) and the file it was read from are in its `sourceInfo`. Declared licences are recorded
 * as written in `licenseComments` (they are not all SPDX expressions), the licence fields saying
 * NOASSERTION.
 */
export function spdx(
  subject: SbomSubject,
  packages: PackageRow[],
  now = new Date(),
): Record<string, unknown> {
  const created = `${now.toISOString().slice(0, 19)}Z`;
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: subject.name,
    documentNamespace: `urn:uuid:${uuid()}`,
    creationInfo: { created, creators: [`Tool: ${TOOL}`] },
    documentDescribes: ['SPDXRef-Image'],
    packages: [
      {
        name: subject.name,
        SPDXID: 'SPDXRef-Image',
        versionInfo: subject.id,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        primaryPackagePurpose: 'CONTAINER',
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
      },
      ...packages.map((p, i) => ({
        name: p.name,
        SPDXID: `SPDXRef-Package-${i}`,
        versionInfo: p.version,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        primaryPackagePurpose:
          p.type === 'deb' || p.type === 'apk' || p.type === 'rpm' ? 'OPERATING_SYSTEM' : 'LIBRARY',
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        ...(p.license ? { licenseComments: `Declared licence: ${p.license}` } : {}),
        copyrightText: 'NOASSERTION',
        sourceInfo: `installed by layer ${p.layer}${subject.diffIds[p.layer] ? ` (diff_id ${subject.diffIds[p.layer]})` : ''}; read from ${p.source}`,
        externalRefs: [
          { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl },
        ],
      })),
    ],
    relationships: [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-Image',
      },
      ...packages.map((_, i) => ({
        spdxElementId: 'SPDXRef-Image',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: `SPDXRef-Package-${i}`,
      })),
    ],
  };
}
