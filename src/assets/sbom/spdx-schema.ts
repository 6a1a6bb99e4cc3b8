// A focused JSON schema for SPDX 2.2 and 2.3 JSON documents: it checks the document frame and
// every field the converter reads (packages, their purls, checksums, licences, relationships)
// and lets everything else through. There is no SPDX schema in the reference data; this one
// follows the SPDX 2.3 specification, chapters 6, 7 and 11, and its published JSON schema.

const SPDX_ID = { type: 'string', pattern: '^SPDXRef-[A-Za-z0-9.\\-]+$' } as const;
// Relationship ends may name an element of another document ("DocumentRef-x:SPDXRef-y") or
// the special values NONE and NOASSERTION.
const ELEMENT_REF = {
  type: 'string',
  pattern: '^(?:(?:DocumentRef-[A-Za-z0-9.\\-]+:)?SPDXRef-[A-Za-z0-9.\\-]+|NONE|NOASSERTION)$',
} as const;

export const spdxSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://bulwark.example/schemas/spdx-2.x-focused.json',
  type: 'object',
  required: ['spdxVersion', 'SPDXID', 'name', 'documentNamespace'],
  properties: {
    spdxVersion: { type: 'string', enum: ['SPDX-2.2', 'SPDX-2.3'] },
    SPDXID: { const: 'SPDXRef-DOCUMENT' },
    name: { type: 'string' },
    documentNamespace: { type: 'string', minLength: 1 },
    creationInfo: {
      type: 'object',
      required: ['created', 'creators'],
      properties: {
        created: { type: 'string', format: 'date-time' },
        creators: { type: 'array', items: { type: 'string' } },
      },
    },
    documentDescribes: { type: 'array', items: ELEMENT_REF },
    packages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['SPDXID', 'name'],
        properties: {
          SPDXID: SPDX_ID,
          name: { type: 'string', minLength: 1 },
          versionInfo: { type: 'string' },
          primaryPackagePurpose: {
            type: 'string',
            enum: [
              'APPLICATION',
              'FRAMEWORK',
              'LIBRARY',
              'CONTAINER',
              'OPERATING-SYSTEM',
              'DEVICE',
              'FIRMWARE',
              'SOURCE',
              'ARCHIVE',
              'FILE',
              'INSTALL',
              'OTHER',
            ],
          },
          licenseConcluded: { type: 'string' },
          licenseDeclared: { type: 'string' },
          checksums: {
            type: 'array',
            items: {
              type: 'object',
              required: ['algorithm', 'checksumValue'],
              properties: {
                algorithm: {
                  type: 'string',
                  enum: [
                    'SHA1',
                    'SHA224',
                    'SHA256',
                    'SHA384',
                    'SHA512',
                    'SHA3-256',
                    'SHA3-384',
                    'SHA3-512',
                    'BLAKE2b-256',
                    'BLAKE2b-384',
                    'BLAKE2b-512',
                    'BLAKE3',
                    'MD2',
                    'MD4',
                    'MD5',
                    'MD6',
                    'ADLER32',
                  ],
                },
                checksumValue: { type: 'string', pattern: '^[0-9a-fA-F]+$' },
              },
            },
          },
          externalRefs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['referenceCategory', 'referenceType', 'referenceLocator'],
              properties: {
                // SPDX 2.2 spells the category with a hyphen or an underscore; 2.3 with an underscore.
                referenceCategory: {
                  type: 'string',
                  enum: [
                    'SECURITY',
                    'PACKAGE-MANAGER',
                    'PACKAGE_MANAGER',
                    'PERSISTENT-ID',
                    'PERSISTENT_ID',
                    'OTHER',
                  ],
                },
                referenceType: { type: 'string', minLength: 1 },
                referenceLocator: { type: 'string', minLength: 1 },
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
        required: ['spdxElementId', 'relationshipType', 'relatedSpdxElement'],
        properties: {
          spdxElementId: ELEMENT_REF,
          relationshipType: { type: 'string', pattern: '^[A-Z_]+$' },
          relatedSpdxElement: ELEMENT_REF,
        },
      },
    },
  },
} as const;
