import Spec from '@cyclonedx/cyclonedx-library/Spec';
import Validation from '@cyclonedx/cyclonedx-library/Validation';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { PackageRow } from './catalog.ts';
import { cycloneDx, spdx } from './sbom.ts';

const subject = {
  name: 'app:1',
  id: `sha256:${'a'.repeat(64)}`,
  diffIds: [`sha256:${'b'.repeat(64)}`, `sha256:${'c'.repeat(64)}`],
};
const row = (over: Partial<PackageRow>): PackageRow => ({
  type: 'deb',
  name: 'bash',
  version: '5.2.15-2+b2',
  arch: 'amd64',
  license: null,
  purl: 'pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12',
  layer: 0,
  source: '/var/lib/dpkg/status',
  files: 10,
  bytes: 100,
  ...over,
});
const PACKAGES = [
  row({}),
  row({
    type: 'maven',
    name: 'com.google.guava:guava',
    version: '29.0-jre',
    arch: null,
    license: 'The Apache Software License, Version 2.0',
    purl: 'pkg:maven/com.google.guava/guava@29.0-jre',
    layer: 1,
    source: '/opt/app.jar',
  }),
  row({
    type: 'npm',
    name: '@babel/parser',
    version: '7.23.6',
    arch: null,
    license: 'MIT',
    purl: 'pkg:npm/%40babel/parser@7.23.6',
    layer: 1,
    source: '/app/node_modules/@babel/parser/package.json',
  }),
];

describe('cycloneDx', () => {
  it('is valid CycloneDX 1.6 by the schema the CycloneDX library ships (strict)', async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    const errors = await validator.validate(JSON.stringify(cycloneDx(subject, PACKAGES)));
    expect(errors).toBeNull();
    // The same validator refuses a component without its required type: it does check.
    const broken = cycloneDx(subject, PACKAGES) as { components: Record<string, unknown>[] };
    delete broken.components[0]!.type;
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });

  it('gives each component its purl, and its layer’s diff_id as evidence', () => {
    const bom = cycloneDx(subject, PACKAGES) as {
      components: {
        purl: string;
        group?: string;
        name: string;
        properties: { name: string; value: string }[];
        evidence: { occurrences: { location: string }[] };
      }[];
    };
    const guava = bom.components[1]!;
    expect(guava).toMatchObject({
      group: 'com.google.guava',
      name: 'guava',
      purl: PACKAGES[1]!.purl,
    });
    expect(guava.properties).toContainEqual({
      name: 'strata:layer:diffId',
      value: subject.diffIds[1],
    });
    expect(guava.evidence.occurrences).toEqual([{ location: '/opt/app.jar' }]);
  });
});

/**
 * SPDX 2.3's JSON schema (spdx-spec, schemas/spdx-schema-2-3.json) restated for the parts this
 * document uses: its required fields, the property names it allows where it allows no others, and
 * its enumerations (note OPERATING_SYSTEM with an underscore, PACKAGE-MANAGER with a hyphen). The
 * schema file itself is in no package this machine can install.
 */
const only = (names: string[]) => ({
  propertyNames: { enum: names },
});
const SPDX_23 = {
  type: 'object',
  required: ['SPDXID', 'creationInfo', 'dataLicense', 'name', 'spdxVersion'],
  ...only([
    'SPDXID',
    'annotations',
    'comment',
    'creationInfo',
    'dataLicense',
    'externalDocumentRefs',
    'hasExtractedLicensingInfos',
    'name',
    'revieweds',
    'spdxVersion',
    'documentNamespace',
    'documentDescribes',
    'packages',
    'files',
    'snippets',
    'relationships',
  ]),
  properties: {
    spdxVersion: { const: 'SPDX-2.3' },
    dataLicense: { const: 'CC0-1.0' },
    SPDXID: { const: 'SPDXRef-DOCUMENT' },
    name: { type: 'string', minLength: 1 },
    documentNamespace: { type: 'string', format: 'uri', pattern: '^[^#]+$' },
    documentDescribes: { type: 'array', items: { type: 'string' } },
    creationInfo: {
      type: 'object',
      required: ['created', 'creators'],
      ...only(['comment', 'created', 'creators', 'licenseListVersion']),
      properties: {
        created: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$' },
        creators: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^(Person|Organization|Tool): .+' },
        },
      },
    },
    packages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['SPDXID', 'downloadLocation', 'name'],
        ...only([
          'SPDXID',
          'annotations',
          'attributionTexts',
          'builtDate',
          'checksums',
          'comment',
          'copyrightText',
          'description',
          'downloadLocation',
          'externalRefs',
          'filesAnalyzed',
          'hasFiles',
          'homepage',
          'licenseComments',
          'licenseConcluded',
          'licenseDeclared',
          'licenseInfoFromFiles',
          'name',
          'originator',
          'packageFileName',
          'packageVerificationCode',
          'primaryPackagePurpose',
          'releaseDate',
          'sourceInfo',
          'summary',
          'supplier',
          'validUntilDate',
          'versionInfo',
        ]),
        properties: {
          SPDXID: { type: 'string', pattern: '^SPDXRef-[\\da-zA-Z.-]+$' },
          downloadLocation: { type: 'string' },
          filesAnalyzed: { type: 'boolean' },
          primaryPackagePurpose: {
            enum: [
              'OTHER',
              'INSTALL',
              'ARCHIVE',
              'FIRMWARE',
              'APPLICATION',
              'FRAMEWORK',
              'LIBRARY',
              'CONTAINER',
              'SOURCE',
              'DEVICE',
              'OPERATING_SYSTEM',
              'FILE',
            ],
          },
          externalRefs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['referenceCategory', 'referenceLocator', 'referenceType'],
              ...only(['comment', 'referenceCategory', 'referenceLocator', 'referenceType']),
              properties: {
                referenceCategory: {
                  enum: ['OTHER', 'PERSISTENT-ID', 'SECURITY', 'PACKAGE-MANAGER'],
                },
                referenceLocator: { type: 'string', pattern: '^\\S+$' },
              },
            },
          },
        },
      },
    },
    relationships: {
      type: 'array',
      items: {
        type: 'object',
        required: ['spdxElementId', 'relatedSpdxElement', 'relationshipType'],
        ...only(['spdxElementId', 'comment', 'relatedSpdxElement', 'relationshipType']),
        properties: {
          relationshipType: { enum: ['DESCRIBES', 'CONTAINS', 'DEPENDS_ON', 'OTHER'] },
        },
      },
    },
  },
};

describe('spdx', () => {
  it('follows the SPDX 2.3 schema’s required fields, allowed names and enumerations', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const valid = ajv.validate(SPDX_23, spdx(subject, PACKAGES));
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('contains every package in the image, with its purl and the layer that installed it', () => {
    const doc = spdx(subject, PACKAGES) as {
      packages: {
        SPDXID: string;
        sourceInfo?: string;
        externalRefs?: { referenceLocator: string }[];
      }[];
      relationships: { relatedSpdxElement: string; relationshipType: string }[];
    };
    expect(doc.packages).toHaveLength(4);
    expect(doc.packages[2]!.externalRefs![0]!.referenceLocator).toBe(PACKAGES[1]!.purl);
    expect(doc.packages[2]!.sourceInfo).toContain(subject.diffIds[1]);
    const ids = new Set(doc.packages.map((p) => p.SPDXID));
    for (const r of doc.relationships) expect(ids.has(r.relatedSpdxElement)).toBe(true);
    expect(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(3);
  });
});
